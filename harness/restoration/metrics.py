"""Restoration metrics, one pure function each, over plain lists (tested against loop-by-loop
references on random inputs in ``tests/test_restoration_metrics.py``).

Wordings are compared as token sequences (:func:`harness.tokenize`), case-insensitively
(:func:`wording`): ``Financial  institution`` and ``financial institution`` are the same.

>>> hit(["the bank", "a bank"], "The Bank", k=1), hit(["a bank", "the bank"], "the bank", k=1)
(True, False)
>>> token_edit_distance(["a", "b", "c"], ["a", "c", "d"])
2
>>> distance_removed(10, 4), distance_removed(0, 0)
(0.6, None)
>>> choose_cut([0.9, 0.8, 0.6, 0.3], [True, True, False, True], target=0.8)
0.8
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from harness.core.lexical import all_lemmas
from harness.core.tokens import normalize, tokenize


@lru_cache(maxsize=200_000)
def wording(text: str) -> tuple[str, ...]:
    """The comparison key of a wording: its tokens, case-folded (:func:`harness.core.tokens.normalize`).

    >>> wording("Counterfeit  consciousness's")
    ('counterfeit', "consciousness's")
    """
    return tuple(normalize(t.text) for t in tokenize(text))


def same_lemmas(a: Sequence[str], b: Sequence[str]) -> bool:
    """Two token sequences of one length whose tokens pairwise share a lemma (any part of
    speech, :func:`harness.core.lexical.all_lemmas`): ``stated rates`` and ``states rate``.

    >>> same_lemmas(("stated", "rates"), ("states", "rate")), same_lemmas(("rate",), ("rates", "up"))
    (True, False)
    """
    return len(a) == len(b) and all(x == y or not all_lemmas(x).isdisjoint(all_lemmas(y)) for x, y in zip(a, b))


def hit(candidates: Sequence[str], original: str, k: int, lemmas: bool = False) -> bool:
    """Whether one of the first ``k`` candidates is the original wording (``lemmas``: up to
    inflection, :func:`same_lemmas`)."""
    want = wording(original)
    for candidate in candidates[:k]:
        got = wording(candidate)
        if got == want or (lemmas and same_lemmas(got, want)):
            return True
    return False


def token_edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two token sequences (insert, delete or replace one token,
    each costing 1), by the bit-parallel algorithm of Myers (1999) in Hyyro's formulation: one
    column of the DP table is a pair of bit vectors (Python integers as wide as ``a``), so a
    document pair costs one handful of integer operations per token of ``b``.

    >>> token_edit_distance("the big dog ran".split(), "a big hound ran off".split())
    3
    """
    if not len(a) or not len(b):
        return max(len(a), len(b))
    peq: dict[str, int] = {}
    for i, token in enumerate(a):
        peq[token] = peq.get(token, 0) | (1 << i)
    mask, last = (1 << len(a)) - 1, 1 << (len(a) - 1)
    pv, mv, score = mask, 0, len(a)
    for token in b:
        eq = peq.get(token, 0)
        xv = eq | mv
        xh = (((((eq & pv) + pv) & mask) ^ pv) | eq)
        ph = (mv | ~(xh | pv)) & mask
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def restored_tokens(tokens: Sequence[str], spans: Sequence[tuple[int, int]], replacements: Sequence[str | None]) -> list[str]:
    """``tokens`` with each span replaced by the tokens of its replacement (None: kept as it is).

    >>> restored_tokens(["a", "big", "dog", "ran"], [(1, 3)], ["large hound"])
    ['a', 'large', 'hound', 'ran']
    """
    out, cursor = [], 0
    for (start, end), text in zip(spans, replacements):
        out += tokens[cursor:start]
        out += tokens[start:end] if text is None else [t.text for t in tokenize(text)]
        cursor = end
    return out + list(tokens[cursor:])


def first_confidence(ranked: Sequence[str], confidences: Sequence[float] | None) -> float | None:
    """The confidence of a span's first candidate: None without a candidate, 1.0 for a
    restorer that gives no confidences (its suggestions are always shown)."""
    if not ranked:
        return None
    return 1.0 if confidences is None else float(confidences[0])


def is_shown(ranked: Sequence[str], confidences: Sequence[float] | None, cut: float | None) -> bool:
    """Whether a span's first candidate is shown: there is one, and its confidence reaches
    ``cut`` (no cut: every first candidate is shown)."""
    confidence = first_confidence(ranked, confidences)
    return confidence is not None and (cut is None or confidence >= cut)


def withheld(candidates: Sequence[Sequence[str]], confidences: Sequence[Sequence[float] | None] | None, cut: float | None) -> list[Sequence[str]]:
    """The candidates with those of spans below ``cut`` taken away (the span keeps its wording).

    >>> withheld([["a"], ["b"], ["c"]], [[0.9], [0.2], None], cut=0.5)
    [['a'], [], ['c']]
    """
    confidences = confidences if confidences is not None else [None] * len(candidates)
    return [ranked if is_shown(ranked, conf, cut) else [] for ranked, conf in zip(candidates, confidences)]


# The cut where no confidence is sure enough: above every confidence (they lie in [0, 1]), so
# nothing is shown.
SHOW_NOTHING = 1.0 + 1e-9


def choose_cut(confidences: Sequence[float], hits: Sequence[bool], target: float) -> float:
    """The lowest confidence cut at which the first candidates shown (confidence >= cut) are the
    original at least ``target`` of the time, over the spans given (their first candidates'
    confidences and whether each is the original); :data:`SHOW_NOTHING` when no cut reaches it,
    or with no span (a suggestion is shown only where it is right often enough).

    >>> choose_cut([0.9, 0.8, 0.3], [True, True, False], 0.75), choose_cut([0.9, 0.3], [False, True], 0.75) > 1
    (0.8, True)
    """
    pairs = sorted(zip(confidences, hits), key=lambda x: -x[0])
    best, right = None, 0
    for i, (confidence, hit) in enumerate(pairs):
        right += bool(hit)
        last_of_tie = i + 1 == len(pairs) or pairs[i + 1][0] != confidence
        if last_of_tie and right >= target * (i + 1):
            best = confidence
    return float(best) if best is not None else SHOW_NOTHING


def top_replacements(candidates: Sequence[Sequence[str]]) -> list[str | None]:
    """Each span's first candidate, or None (keep the span) where there is none."""
    return [ranked[0] if ranked else None for ranked in candidates]


def case_folded(tokens: Sequence[str]) -> list[str]:
    return [normalize(t) for t in tokens]


def document_distances(spun: Sequence[str], original: Sequence[str], spans: Sequence[tuple[int, int]],
                       candidates: Sequence[Sequence[str]]) -> tuple[int, int]:
    """(token edit distance from the spun document to the original, from the restored one to the
    original): each span replaced by its first candidate; case-insensitive."""
    want = tuple(case_folded(original))
    restored = restored_tokens(list(spun), spans, top_replacements(candidates))
    return _distance(tuple(case_folded(spun)), want), _distance(tuple(case_folded(restored)), want)


@lru_cache(maxsize=4096)
def _distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """:func:`token_edit_distance`, remembered: every restorer's run starts from the same spun
    documents."""
    return token_edit_distance(a, b)


def distance_removed(before: float, after: float) -> float | None:
    """The share of the edit distance that restoring removed, ``(before - after) / before``
    (negative when restoring made the text further from the original); None with nothing to
    remove."""
    return None if before == 0 else (before - after) / before
