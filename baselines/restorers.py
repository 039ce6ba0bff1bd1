"""Reference restorers: guess the original wording of spun spans (``docs/restoration.md``).

- ``reverse-thesaurus`` (:class:`ReverseThesaurusRestorer`, no training): a spinner replaces a
  word with one of its thesaurus synonyms, so the original is a word whose Moby entry lists the
  spun word; the most common such words (wordfreq's Zipf scale) come first, re-inflected to the
  spun word's form. Words of a span are restored one by one.
- ``reverse-rules`` (:class:`ReverseRulesRestorer`): what replaced what in ``news``/train, most
  frequent first (the whole span, then each word of a span whose two sides have as many words),
  backed off to the lemma (``stockpiles`` learned as ``stockpile`` -> ``savings``, re-inflected),
  then a fingerprint list (``fingerprints=PATH``), the phrasebook's rules reversed (when
  ``phrasebook=True``), WordNet synonyms by frequency, and the reverse thesaurus.
- ``context`` (:class:`ContextRestorer`): the pool of both ranked again by how well each
  candidate fits between its neighbours, by bigram counts of the ``news``/train originals (an
  n-gram context model; no neural model: see ``docs/restoration.md`` for the embedding model's
  speed, measured).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from functools import lru_cache

from baselines.restoration_lm import END, START, BigramModel
from harness.core.lexical import all_inflections, analyses, inflect, is_content_word, load_moby, match_case, zipf
from harness.core.tokens import normalize, tokenize
from harness.evaluation.contract import Interval, check_fitted
from harness.restoration.contract import check_fit_input, check_restore_input


@lru_cache(maxsize=200_000)
def _key(text: str) -> str:
    return " ".join(normalize(t.text) for t in tokenize(text))


def _dedupe(items) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def _combine(per_token: list[list[str]], limit: int) -> list[str]:
    """Span candidates from each token's ranked candidates: the i-th joins every token's i-th
    (a token with fewer keeps its last)."""
    if not per_token:
        return []
    depth = max(len(c) for c in per_token)
    return _dedupe(" ".join(c[min(i, len(c) - 1)] for c in per_token if c).strip() for i in range(depth))[:limit]


@lru_cache(maxsize=1)
def reverse_moby() -> dict[str, tuple[str, ...]]:
    """Moby read backwards: a word -> the one-word headwords whose entries list it, most common
    first."""
    table: dict[str, set[str]] = defaultdict(set)
    for head, synonyms in load_moby().items():
        if head.isalpha():
            for syn in synonyms:
                if syn.isalpha():
                    table[syn.lower()].add(head)
    return {w: tuple(sorted(heads, key=lambda h: (-zipf(h), h))) for w, heads in table.items()}


def _reinflected(word: str, lemma_candidates) -> list[str]:
    """Each (upos, tag, candidate lemma) inflected like ``word`` and in its capitals."""
    out = []
    for upos, tag, lemma in lemma_candidates:
        form = inflect(lemma, upos, tag) if all_inflections(lemma, upos) else None
        if form and form.lower() != word.lower():
            out.append(match_case(word, form))
    return _dedupe(out)


class ReverseThesaurusRestorer:
    """The most common words whose Moby synonyms include the spun word (see the module docstring).

    Parameters
    ----------
    max_candidates : candidates returned per span.
    """

    requires_fit = False
    param_ranges = {"max_candidates": Interval(1, 10)}

    def __init__(self, max_candidates: int = 10):
        self.max_candidates = max_candidates

    def word(self, word: str) -> list[str]:
        """Ranked originals of one spun word (the word itself when it is no content word)."""
        if not is_content_word(word):
            return [word]
        rev = reverse_moby()
        found = []
        for upos, lemma, tag in analyses(word) or (("", word.lower(), ""),):
            for head in rev.get(lemma.lower(), ())[: 4 * self.max_candidates]:
                found.append((zipf(head), upos, tag, head))
        found.sort(key=lambda x: -x[0])
        forms = _reinflected(word, [(u, t, h) for _, u, t, h in found if u]) + [match_case(word, h) for _, u, _, h in found if not u]
        return _dedupe(forms)[: self.max_candidates] or [word]

    def restore(self, tokens: list[str], spans: list[tuple[int, int]]) -> list[list[str]]:
        tokens, spans = check_restore_input(tokens, spans)
        return [_combine([self.word(t) for t in tokens[s:e]], self.max_candidates) for s, e in spans]


def _phrasebook_rules() -> dict[str, list[str]]:
    """The phrasebook's rule tables read backwards: a spun wording -> the wordings it may have
    replaced ("" for a word the phrasebook inserts)."""
    from harness.corpus.spin.phrasebook_rules import EXPRESSIONS, FIXED_TERMS, FUNCTION_SWAPS, INSERT_AFTER, INSERT_BEFORE

    out: dict[str, list[str]] = defaultdict(list)
    for group in [*EXPRESSIONS, *FUNCTION_SWAPS]:
        for member in group:
            out[_key(member)] += [m for m in group if m != member]
    for original, tortured in FIXED_TERMS.items():
        out[_key(tortured)].append(original)
    for inserted in {*INSERT_AFTER.values(), *INSERT_BEFORE.values()}:
        out[_key(inserted)].append("")
    return {k: _dedupe(v) for k, v in out.items()}


def count_rules(docs: list[list[str]], spans: list[list[tuple[int, int]]], originals: list[list[str]]) -> tuple[dict[str, Counter], dict[tuple[str, str], Counter]]:
    """What replaced what in training data: (spun wording key -> Counter of original wording keys,
    (spun lemma, upos) -> Counter of original lemmas). A span whose two sides have as many words
    (two or more) also counts each word's pair (neighbouring words changed together)."""
    exact: dict[str, Counter] = defaultdict(Counter)
    lemmas: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for doc, doc_spans, doc_originals in zip(docs, spans, originals):
        for (s, e), original in zip(doc_spans, doc_originals):
            spun_words, original_words = doc[s:e], [t.text for t in tokenize(original)]
            pairs = [(" ".join(spun_words), original)]
            if len(spun_words) == len(original_words) > 1:
                pairs += list(zip(spun_words, original_words))
            for spun, orig in pairs:
                exact[_key(spun)][_key(orig)] += 1
                if " " not in spun and " " not in orig.strip():
                    for (upos, lemma, _), (_, lemma2, _) in _same_pos(spun, orig):
                        lemmas[(lemma.lower(), upos)][lemma2.lower()] += 1
    return exact, lemmas


class ReverseRulesRestorer:
    """Reverse rules learned from ``news``/train, with back-offs (see the module docstring).

    Parameters
    ----------
    max_candidates : candidates returned per span.
    phrasebook : also use the phrasebook's own rule tables, reversed (the seen spinners' own
        rules). Off by default: on ``news``/test they added nothing to the rules learned from
        ``news``/train, which the same tables spun (docs/restoration.md), and a baseline that
        reads no spinner's internals keeps the leaderboard's numbers free of that knowledge.
    wordnet : back off to WordNet synonyms (most common first) for a content word.
    fingerprints : a Problematic Paper Screener-style CSV (``baselines.fingerprints``) whose
        ``Expected Text`` restores its tortured phrases.
    """

    param_ranges = {"max_candidates": Interval(1, 10)}

    def __init__(self, max_candidates: int = 10, phrasebook: bool = False, wordnet: bool = True, fingerprints: str | None = None):
        self.max_candidates = max_candidates
        self.phrasebook = phrasebook
        self.wordnet = wordnet
        self.fingerprints = fingerprints

    def fit(self, docs: list[list[str]], spans: list[list[tuple[int, int]]], originals: list[list[str]]):
        docs, spans, originals = check_fit_input(docs, spans, originals)
        exact, lemmas = count_rules(docs, spans, originals)
        self.exact_ = {k: [w for w, _ in c.most_common(self.max_candidates)] for k, c in exact.items()}
        self.lemmas_ = {k: [w for w, _ in c.most_common(self.max_candidates)] for k, c in lemmas.items()}
        external: dict[str, list[str]] = defaultdict(list)
        if self.fingerprints:
            from baselines.fingerprints import read_fingerprints

            for row in sorted(read_fingerprints(self.fingerprints), key=lambda r: -r.papers):
                if row.expected:
                    external[_key(row.fingerprint)].append(row.expected)
        if self.phrasebook:
            for k, v in _phrasebook_rules().items():
                external[k] += v
        self.external_ = {k: _dedupe(v) for k, v in external.items()}
        return self

    def _word_backoff(self, word: str) -> list[str]:
        """A word never seen as a whole: lemma rules re-inflected, then WordNet, then Moby."""
        if not is_content_word(word):
            return []
        found = [(upos, tag, orig) for upos, lemma, tag in analyses(word) for orig in self.lemmas_.get((lemma.lower(), upos), ())]
        out = _reinflected(word, found)
        if self.wordnet:
            out += _reinflected(word, [(upos, tag, syn) for upos, lemma, tag in analyses(word) for syn in _wordnet_synonyms(lemma.lower(), upos)])
        return _dedupe(out + _thesaurus().word(word))

    def word(self, word: str) -> list[str]:
        key = _key(word)
        return _dedupe([match_case(word, c) for c in self.exact_.get(key, [])] + [match_case(word, c) for c in self.external_.get(key, [])]
                       + self._word_backoff(word))[: self.max_candidates] or [word]

    def span(self, words: list[str]) -> list[str]:
        text = " ".join(words)
        key = _key(text)
        whole = [match_case(words[0], c) if c else c for c in self.exact_.get(key, []) + self.external_.get(key, [])]
        if len(words) == 1:
            return _dedupe(whole + self.word(words[0]))[: self.max_candidates]
        return _dedupe(whole + _combine([self.word(w) for w in words], self.max_candidates))[: self.max_candidates]

    def restore(self, tokens: list[str], spans: list[tuple[int, int]]) -> list[list[str]]:
        check_fitted(self, "exact_", method="restore")
        tokens, spans = check_restore_input(tokens, spans)
        return [self.span(tokens[s:e]) for s, e in spans]


def _same_pos(spun: str, original: str):
    """Readings of the two words in one part of speech (for lemma rules)."""
    mine, theirs = analyses(spun), analyses(original)
    return [(a, b) for a in mine for b in theirs if a[0] == b[0]][:1]


@lru_cache(maxsize=1)
def _thesaurus() -> ReverseThesaurusRestorer:
    return ReverseThesaurusRestorer(max_candidates=5)


@lru_cache(maxsize=100_000)
def _wordnet_synonyms(lemma: str, upos: str, senses: int = 3) -> tuple[str, ...]:
    from harness.core.wordnet_db import UPOS, default_wordnet

    if upos not in UPOS:
        return ()
    found = [s for s in default_wordnet().synonyms(lemma, UPOS[upos], max_senses=senses) if s.isalpha() and s.islower()]
    return tuple(sorted(found, key=lambda s: -zipf(s))[:10])


class ContextRestorer:
    """``reverse-rules`` and ``reverse-thesaurus`` candidates ranked again by how well each fits
    between the span's neighbours (bigram counts of the train originals, add-``alpha``
    smoothing towards word frequency); ``prior`` weighs the rules' own ranking against that.

    Parameters
    ----------
    max_candidates : candidates returned per span.
    pool : candidates of ``reverse-rules`` considered per span.
    prior : weight of a candidate's rank among the rules' candidates (its log-rank) against
        the context's log-probability.
    alpha : smoothing of the bigram probabilities.
    phrasebook, wordnet, fingerprints : passed to ``reverse-rules``.
    """

    param_ranges = {"max_candidates": Interval(1, 10), "pool": Interval(1, 10), "prior": Interval(0), "alpha": Interval(0, None, closed=False)}

    def __init__(self, max_candidates: int = 10, pool: int = 10, prior: float = 1.0, alpha: float = 1.0, phrasebook: bool = False,
                 wordnet: bool = True, fingerprints: str | None = None):
        self.max_candidates = max_candidates
        self.pool = pool
        self.prior = prior
        self.alpha = alpha
        self.phrasebook = phrasebook
        self.wordnet = wordnet
        self.fingerprints = fingerprints

    def fit(self, docs: list[list[str]], spans: list[list[tuple[int, int]]], originals: list[list[str]]):
        docs, spans, originals = check_fit_input(docs, spans, originals)
        self.rules_ = ReverseRulesRestorer(self.pool, self.phrasebook, self.wordnet, self.fingerprints).fit(docs, spans, originals)
        self.lm_ = BigramModel.from_documents(docs, spans, originals, self.alpha)
        return self

    def fit_score(self, left: str, words: list[str], right: str) -> float:
        """Log-probability of ``left words... right`` under the bigram model."""
        return self.lm_.score([left], words, [right])

    def restore(self, tokens: list[str], spans: list[tuple[int, int]]) -> list[list[str]]:
        check_fitted(self, "rules_", method="restore")
        tokens, spans = check_restore_input(tokens, spans)
        out = []
        for s, e in spans:
            left = tokens[s - 1] if s > 0 else START
            right = tokens[e] if e < len(tokens) else END
            ranked = self.rules_.span(tokens[s:e])
            pool = _dedupe(ranked + _thesaurus().restore(tokens, [(s, e)])[0])
            scored = [(self.fit_score(left, [t.text for t in tokenize(c)], right) - self.prior * math.log(1 + i), i, c) for i, c in enumerate(pool)]
            out.append([c for _, _, c in sorted(scored, key=lambda x: (-x[0], x[1]))][: self.max_candidates])
        return out
