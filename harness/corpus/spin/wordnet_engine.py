"""The WordNet engine: synonyms from Princeton WordNet 3.0, any sense, phrases both ways.

A second real resource beside Moby, with what real spinner output is full of: multiword lemmas
and phrasal verbs (``attract`` -> ``draw in``, ``gave up`` -> ``abandoned``, ``profit`` -> ``net
profit``). Like a commercial spinner it ignores sense (a lemma's synonyms from every synset
count, so ``bank`` may become ``camber``), re-inflects the choice to the original's form, keeps
the original's capitals, and picks among the synonyms by a frequency model
(:mod:`harness.corpus.spin.choice`). Two- and three-word expressions of the text that are
WordNet lemmas (``set up``, ``prime minister``) are swapped as a whole.
"""

from __future__ import annotations

import random
from functools import lru_cache

from harness.core.lexical import analyses, inflect, is_content_word, known_as, match_case, warm_up, zipf
from harness.core.tokens import Token
from harness.core.wordnet_db import UPOS, default_wordnet
from harness.corpus.spin.base import Proposal, WordEngine
from harness.corpus.spin.choice import FrequencyModel


class WordNetEngine(WordEngine):
    """Propose WordNet synonyms for content words and for multiword lemmas of the text.

    Parameters
    ----------
    max_words : longest synonym (in words) accepted.
    min_zipf : every word of a synonym must be at least this frequent (wordfreq Zipf).
    max_senses : read only the lemma's first senses (None: all; WordNet orders them by frequency).
    mean_drop, spread, gate, extra_word : the frequency model choosing among the synonyms.
    phrase_rate : probability that a multiword lemma of the text is offered as a whole.
    """

    name = "wordnet"
    summary = (
        "Princeton WordNet 3.0 synonyms from any sense of the lemma (multiword lemmas and phrasal verbs both ways),"
        " chosen by a frequency model, re-inflected with lemminflect, capitals kept"
    )

    def __init__(self, max_words: int = 3, min_zipf: float = 2.5, max_senses: int | None = None,
                 mean_drop: float = -0.2, spread: float = 1.0, gate: bool = True, extra_word: float = 0.4, phrase_rate: float = 0.8):
        self.max_words = max_words
        self.min_zipf = min_zipf
        self.max_senses = max_senses
        self.mean_drop = mean_drop
        self.spread = spread
        self.phrase_rate = phrase_rate
        self.gate = gate
        self.extra_word = extra_word
        self.choose = FrequencyModel(mean_drop, spread, gate, extra_word)

    def warm(self) -> None:
        default_wordnet()
        warm_up()

    def synonyms(self, lemma: str, upos: str) -> tuple[str, ...]:
        """Usable synonyms of ``lemma`` read as ``upos``: common-noun casing, at most
        ``max_words`` alphabetic words, every word frequent enough, the head known as ``upos``."""
        return _synonyms(lemma, upos, self.max_words, self.min_zipf, self.max_senses)

    candidates = synonyms

    def propose_spans(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        """Two- and three-word lemmas of the text (the head inflected: ``gave up``, ``interest
        rates``), each offered with probability ``phrase_rate``."""
        out: list[Proposal] = []
        texts = [t.text for t in tokens]
        i = 0
        while i < len(tokens) - 1:
            found = _multiword_lemma(tuple(texts[i : i + 3])) or _multiword_lemma(tuple(texts[i : i + 2]))
            if found and rng.random() < self.phrase_rate:
                n, phrase, upos, tag = found
                choices = self.synonyms(phrase, upos)
                if allow is not None:
                    choices = allow.rewrites(phrase, choices)
                forms = tuple(f for f in (inflect(s, upos, tag) for s in choices) if f)
                choice = self.choose(" ".join(t.text for t in tokens[i : i + n]), forms, rng) if forms else None
                if choice:
                    out.append(Proposal(i, i + n, match_case(tokens[i].text, choice), self.name))
                    i += n
                    continue
            i += 1
        return out


@lru_cache(maxsize=200_000)
def _multiword_lemma(span: tuple[str, ...]) -> tuple[int, str, str, str] | None:
    """``(n, lemma phrase, upos, tag)`` when the words of ``span`` (two or three) are a WordNet
    multiword lemma with the head inflected (a verb's first word, another part of speech's last),
    else None. Cached: the same word pairs recur across documents."""
    n = len(span)
    if n < 2 or not all(w.isalpha() for w in span) or not any(is_content_word(w) for w in span):
        return None
    wn = default_wordnet()
    for upos, head in (("VERB", 0), ("NOUN", n - 1), ("ADJ", n - 1), ("ADV", n - 1)):
        for reading, lemma, tag in analyses(span[head]):
            if reading != upos:
                continue
            phrase = " ".join([*span[:head], lemma, *span[head + 1 :]]).lower()
            if phrase.replace(" ", "_") in wn.index[UPOS[upos]]:
                return n, phrase, upos, tag
    return None


@lru_cache(maxsize=200_000)
def _synonyms(lemma: str, upos: str, max_words: int, min_zipf: float, max_senses: int | None) -> tuple[str, ...]:
    wn = default_wordnet()
    pos = UPOS.get(upos)
    if pos is None:
        return ()
    out = []
    for syn in wn.synonyms(lemma, pos, max_senses=max_senses):
        words = syn.split(" ")
        if len(words) > max_words or not all(w.isalpha() and w.islower() for w in words):
            continue
        if set(lemma.split(" ")) & set(words):  # "bank" -> "savings bank" would only add a word
            continue
        if not known_as(words[0] if upos == "VERB" else words[-1], upos):
            continue
        if min(zipf(w) for w in words) < min_zipf:
            continue
        out.append(syn)
    return tuple(out)
