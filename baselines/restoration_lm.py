"""Bigram context models for restorers: how well a wording fits between a span's neighbours.

One model, two sources of counts: the ``news``/train originals (each gold span put back to its
original wording, counted in :meth:`BigramModel.from_documents`), and Google's web n-gram counts
that ``wordsegment`` ships (333k unigrams, 258k bigrams seen at least 100,000 times:
:func:`web_bigrams`). Tokens are compared case-folded (:func:`harness.core.tokens.normalize`).

A bigram probability is smoothed towards the unigram one, ``(c(a b) + k P(b)) / (c(a) + k)``:
``k = alpha`` for the train counts (add-``alpha``), ``k = alpha * c(a)`` for the web counts
(whose bigrams are cut at a count, so a missing one is rare but possible: linear interpolation).

>>> lm = BigramModel.from_documents([["the", "bank", "raised", "rates"]], [[]], [[]])
>>> lm.score(["the"], ["bank"], ["raised"]) > lm.score(["the"], ["rates"], ["raised"])
True
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from harness.core.tokens import normalize, tokenize

START, END = "<s>", "</s>"
_MAX_KNOWN = 2_000_000  # probabilities a model keeps worked out; beyond it it starts afresh


def original_text(doc: Sequence[str], spans: Sequence[tuple[int, int]], originals: Sequence[str]) -> list[str]:
    """A training document as it was: each gold span put back to its original wording."""
    text, cursor = [], 0
    for (s, e), original in zip(spans, originals):
        text += list(doc[cursor:s]) + [t.text for t in tokenize(original)]
        cursor = e
    return text + list(doc[cursor:])


class BigramModel:
    """Unigram and bigram counts and the smoothed log-probability of a wording in context."""

    def __init__(self, unigrams: dict[str, float], bigrams: dict[tuple[str, str], float], alpha: float = 1.0, relative: bool = False):
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.alpha = alpha
        self.relative = relative
        self.total = sum(unigrams.values())
        self._known: dict[tuple[str, str], float] = {}

    # Probabilities already worked out are a cache, not counts: left out of pickles.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_known"}

    def __setstate__(self, state):
        self.__dict__.update(state, _known={})

    @classmethod
    def from_documents(cls, docs, spans, originals, alpha: float = 1.0) -> BigramModel:
        """Counts of the documents' original text (:func:`original_text`), with sentence marks
        at each document's ends."""
        unigrams: Counter = Counter()
        bigrams: Counter = Counter()
        for doc, doc_spans, doc_originals in zip(docs, spans, originals):
            text = [START, *(normalize(t) for t in original_text(doc, doc_spans, doc_originals)), END]
            unigrams.update(text)
            bigrams.update(zip(text, text[1:]))
        return cls(dict(unigrams), dict(bigrams), alpha)

    def unigram(self, word: str) -> float:
        return (self.unigrams.get(word, 0) + 1) / (self.total + len(self.unigrams))

    def logp(self, left: str, right: str) -> float:
        """log P(right | left), smoothed (see the module docstring); kept for the next time it is
        asked (restorers ask for the same pairs over and over)."""
        known = self._known.get((left, right))
        if known is not None:
            return known
        if len(self._known) >= _MAX_KNOWN:
            self._known.clear()
        count = self.unigrams.get(left, 0)
        k = self.alpha * count if self.relative and count else self.alpha
        known = self._known[left, right] = math.log((self.bigrams.get((left, right), 0) + k * self.unigram(right)) / (count + k))
        return known

    def score(self, left: Sequence[str], words: Sequence[str], right: Sequence[str]) -> float:
        """Log-probability of ``words`` between the last word of ``left`` and the first of
        ``right`` (each may be empty: a document's start or end)."""
        seq = [normalize(left[-1]) if left else START, *(normalize(w) for w in words), normalize(right[0]) if right else END]
        return sum(self.logp(a, b) for a, b in zip(seq, seq[1:]))


class TrigramCounts:
    """How often each run of three words occurs in documents' original text (case-folded), kept
    compact: each trigram a 64-bit number of its words' places in the vocabulary, sorted, beside
    its count (a few bytes a trigram, and the same after pickling in another process, unlike
    Python's salted string hashes).

    >>> counts = TrigramCounts.from_documents([["the", "Bank", "raised", "rates"]], [[]], [[]])
    >>> counts.count("the", "bank", "raised"), counts.count("bank", "raised", "taxes")
    (1, 0)
    """

    def __init__(self, vocab: dict[str, int], keys: np.ndarray, counts: np.ndarray):
        self.vocab, self.keys, self.counts = vocab, keys, counts

    @classmethod
    def from_documents(cls, docs, spans, originals) -> TrigramCounts:
        vocab: dict[str, int] = {}
        keys = []
        for doc, doc_spans, doc_originals in zip(docs, spans, originals):
            ids = np.fromiter((vocab.setdefault(normalize(t), len(vocab)) for t in original_text(doc, doc_spans, doc_originals)), dtype=np.int64)
            if len(ids) >= 3:
                keys.append(cls._key(ids[:-2], ids[1:-1], ids[2:]))
        found, counts = np.unique(np.concatenate(keys), return_counts=True) if keys else (np.zeros(0, np.int64), np.zeros(0, np.int64))
        return cls(vocab, found, counts)

    @staticmethod
    def _key(a, b, c):
        return (a << 42) | (b << 21) | c  # 2**21 words at most in each place

    def count(self, a: str, b: str, c: str) -> int:
        ids = [self.vocab.get(normalize(w)) for w in (a, b, c)]
        if None in ids or ids[0] >= 2**21 or ids[1] >= 2**21 or ids[2] >= 2**21:
            return 0
        key = self._key(*ids)
        at = int(np.searchsorted(self.keys, key))
        return int(self.counts[at]) if at < len(self.keys) and self.keys[at] == key else 0


@lru_cache(maxsize=1)
def web_bigrams(alpha: float = 0.1) -> BigramModel:
    """Google web n-gram counts (``wordsegment``'s tables, read once per process)."""
    import wordsegment

    wordsegment.load()
    bigrams = {}
    for pair, count in wordsegment.BIGRAMS.items():
        a, _, b = pair.partition(" ")
        bigrams[(a, b)] = count
    return BigramModel(dict(wordsegment.UNIGRAMS), bigrams, alpha, relative=True)
