"""Token-level pairing of a spun text with its original (the aligner).

The dataset's labels come from :func:`align_texts`, for synthetic pairs and for pairs users bring
from the wild alike. Tokens are compared through :func:`harness.core.tokens.normalize`, so changes
of case or quote style are not edits; everything else that differs is an edit: a substitution
(one-to-one, one-to-many, many-to-one, many-to-many), an insertion or a deletion.

>>> a = align_texts("The Bank of England raised rates.", "The Financial institution of England raised rates.")
>>> a.labels
[0, 1, 1, 0, 0, 0, 0, 0]
>>> a.edits[0].original_text, a.edits[0].spun_text
('Bank', 'Financial institution')
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass

import numpy as np

try:  # difflib's algorithm compiled: the same blocks and opcodes, several times faster
    from cydifflib import SequenceMatcher
except ImportError:  # pragma: no cover - a platform without its wheel falls back to the standard library
    from difflib import SequenceMatcher

from harness.core.schema import Edit
from harness.core.tokens import Token, normalize, tokenize


@dataclass(frozen=True)
class Alignment:
    """The aligner's answer for one (original, spun) pair."""

    tokens: list[Token]
    original_tokens: list[Token]
    labels: list[int]
    edits: list[Edit]
    kept: int  # spun tokens matched unchanged to an original token

    @property
    def overlap(self) -> float:
        """Share of the longer side's tokens that were kept; 1.0 for identical texts."""
        longest = max(len(self.tokens), len(self.original_tokens))
        return self.kept / longest if longest else 1.0


def _surface(text: str, tokens: list[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end] if end > start else ""


_ANCHOR = 4  # matching runs at least this long are trusted as anchors in long documents
_EXACT_CELLS = 10_000  # regions up to this many cells (n * m) are aligned exactly
_GAP, _OPEN = 1000, 1  # cost of an unmatched token; of starting a new edited region
# Originals longer than this are first cut at tokens unique to both sides. The build skips
# longer originals (harness.corpus.source_checks.MAX_TOKENS), so built data never take that path.
_LONG_TOKENS = 20_000


def _costs(a: list[str], b: list[str]) -> list[list[float]]:
    """The alignment DP's tables, flattened: ``cost[s][i * (len(b) + 1) + j]`` is the least cost
    of ``a[:i]`` against ``b[:j]`` ending in a match (s=0) or in an edit (s=1).

    Row by row in numpy: a match cell comes from the row above; an edit cell from above or from
    the left, and the left chain ``c[j] = min(v[j], c[j - 1] + GAP)`` is a running minimum of
    ``v[j] - GAP * j``. Costs are whole numbers, exact in float64."""
    n, m = len(a), len(b)
    ids: dict[str, int] = {}
    ai = np.fromiter((ids.setdefault(t, len(ids)) for t in a), dtype=np.int64, count=n)
    bi = np.fromiter((ids.setdefault(t, len(ids)) for t in b), dtype=np.int64, count=m)
    same = ai[:, None] == bi[None, :]
    matched = np.full((n + 1, m + 1), np.inf)
    edited = np.full((n + 1, m + 1), np.inf)
    matched[0, 0] = 0.0
    ramp = np.arange(m + 1) * float(_GAP)
    for i in range(n + 1):
        if i:
            matched[i, 1:] = np.where(same[i - 1], np.minimum(matched[i - 1, :-1], edited[i - 1, :-1]), np.inf)
            start = np.minimum(matched[i - 1] + (_GAP + _OPEN), edited[i - 1] + _GAP)
        else:
            start = np.full(m + 1, np.inf)
        start[1:] = np.minimum(start[1:], matched[i, :-1] + (_GAP + _OPEN))
        edited[i] = np.minimum.accumulate(start - ramp) + ramp
    return [matched.ravel().tolist(), edited.ravel().tolist()]


def _exact_opcodes(a: list[str], b: list[str], i0: int, j0: int) -> list[tuple[str, int, int, int, int]]:
    """Optimal alignment of two short sequences: most tokens kept (a longest common
    subsequence), then fewest separate edited regions. Opcodes are offset by ``i0``, ``j0``."""
    n, m = len(a), len(b)
    if set(a).isdisjoint(b):  # nothing can be kept: the optimum is one edited region (or none)
        return [("edit", i0, i0 + n, j0, j0 + m)] if n or m else []
    width = m + 1
    cost = _costs(a, b)
    # Walk back, recording for every step whether it was a match.
    steps: list[tuple[bool, int, int]] = []  # (matched, i, j) after the step
    i, j = n, m
    state = 0 if cost[0][n * width + m] <= cost[1][n * width + m] else 1
    while i or j:
        k = i * width + j
        if state == 0:
            steps.append((True, i, j))
            prev = k - width - 1
            state = 0 if cost[0][prev] <= cost[1][prev] else 1
            i, j = i - 1, j - 1
            continue
        here = cost[1][k]
        moved = False
        for di, dj in ((1, 0), (0, 1)):
            if (di and not i) or (dj and not j):
                continue
            prev = k - di * width - dj
            for s, extra in ((1, _GAP), (0, _GAP + _OPEN)):
                if cost[s][prev] + extra == here:
                    steps.append((False, i, j))
                    i, j, state, moved = i - di, j - dj, s, True
                    break
            if moved:
                break
    steps.reverse()
    opcodes: list[tuple[str, int, int, int, int]] = []
    pi, pj = 0, 0
    for matched, i, j in steps:
        tag = "equal" if matched else "edit"
        if opcodes and opcodes[-1][0] == tag:
            opcodes[-1] = (tag, opcodes[-1][1], i0 + i, opcodes[-1][3], j0 + j)
        else:
            opcodes.append((tag, i0 + pi, i0 + i, j0 + pj, j0 + j))
        pi, pj = i, j
    return opcodes


def _unique_anchors(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Positions ``(i, j)`` of tokens found exactly once in ``a`` and once in ``b``, the longest
    chain of them in the same order on both sides (patience diff's anchors)."""
    count_a, count_b = Counter(a), Counter(b)
    where_b = {t: j for j, t in enumerate(b) if count_b[t] == 1}
    pairs = [(i, where_b[t]) for i, t in enumerate(a) if count_a[t] == 1 and t in where_b]
    tail_j: list[int] = []  # tail_j[n]: the smallest j ending a chain of n + 1 pairs so far
    tail_k: list[int] = []  # ... and which pair that is
    before = [-1] * len(pairs)
    for k, (_, j) in enumerate(pairs):
        x = bisect.bisect_left(tail_j, j)
        before[k] = tail_k[x - 1] if x else -1
        if x == len(tail_j):
            tail_j.append(j)
            tail_k.append(k)
        else:
            tail_j[x], tail_k[x] = j, k
    chain, k = [], tail_k[-1] if tail_k else -1
    while k >= 0:
        chain.append(pairs[k])
        k = before[k]
    return chain[::-1]


def _split_on_unique_tokens(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Opcodes of a very long pair, aligned piece by piece between tokens unique to both sides
    (difflib alone takes time quadratic in the length: every "the" is a candidate match for
    every other). Empty when there is no such token."""
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    anchors = _unique_anchors(a, b)
    if not anchors:
        return []
    for ai, bj in [*anchors, (len(a), len(b))]:
        if ai > i or bj > j:
            out += [(t, i1 + i, i2 + i, j1 + j, j2 + j) for t, i1, i2, j1, j2 in _opcodes(a[i:ai], b[j:bj])]
        if ai < len(a):
            out.append(("equal", ai, ai + 1, bj, bj + 1))
        i, j = ai + 1, bj + 1
    return out


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    """Equal and edited regions of ``b`` against ``a``.

    Short texts are aligned exactly. Long ones are anchored on long matching runs found by
    difflib, and the regions between anchors are aligned exactly (difflib's greedy choice of
    blocks alone can pair a repeated word with the wrong copy). Originals over
    ``_LONG_TOKENS`` are first cut at tokens found once on each side, and the pieces aligned so;
    one with no such token is refused (:class:`ImplausiblePair`).
    """
    if len(a) * len(b) <= _EXACT_CELLS:
        return _exact_opcodes(a, b, 0, 0)
    if len(a) > _LONG_TOKENS:
        pieces = _split_on_unique_tokens(a, b)
        if pieces:
            return pieces
        # Text that repeats itself: difflib's time grows with the cube of its length there (every
        # repeat of a word is a candidate match for every other): minutes at 27,000 tokens, days at megabytes.
        raise ImplausiblePair(f"the original is {len(a):,} tokens long and repeats itself: no token is found once in each text to cut the "
                              f"alignment at, and aligning it whole would take hours; split the pair into parts of under {_LONG_TOKENS:,} "
                              "tokens (paragraphs or sections) and import those")
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    anchors = [blk for blk in matcher.get_matching_blocks() if blk.size >= _ANCHOR or blk.size == 0]
    out: list[tuple[str, int, int, int, int]] = []
    i = j = 0
    for blk in anchors:
        if blk.a > i or blk.b > j:
            sub_a, sub_b = a[i : blk.a], b[j : blk.b]
            if len(sub_a) * len(sub_b) <= _EXACT_CELLS:
                out += _exact_opcodes(sub_a, sub_b, i, j)
            else:
                sub = SequenceMatcher(None, sub_a, sub_b, autojunk=False).get_opcodes()
                out += [(t, i1 + i, i2 + i, j1 + j, j2 + j) for t, i1, i2, j1, j2 in sub]
        if blk.size:
            out.append(("equal", blk.a, blk.a + blk.size, blk.b, blk.b + blk.size))
        i, j = blk.a + blk.size, blk.b + blk.size
    return out


def align_tokens(
    original_text: str,
    original_tokens: list[Token],
    spun_text: str,
    spun_tokens: list[Token],
) -> Alignment:
    """Align two already tokenized texts; see :func:`align_texts`."""
    a = [normalize(t.text) for t in original_tokens]
    b = [normalize(t.text) for t in spun_tokens]
    labels = [1] * len(b)
    edits: list[Edit] = []
    kept = 0
    for op, i1, i2, j1, j2 in _opcodes(a, b):
        if op == "equal":
            labels[j1:j2] = [0] * (j2 - j1)
            kept += j2 - j1
            continue
        edits.append(
            Edit(
                spun_start=j1,
                spun_end=j2,
                original_start=i1,
                original_end=i2,
                spun_text=_surface(spun_text, spun_tokens, j1, j2),
                original_text=_surface(original_text, original_tokens, i1, i2),
            )
        )
    return Alignment(spun_tokens, original_tokens, labels, edits, kept)


def align_texts(original_text: str, spun_text: str) -> Alignment:
    """Label every token of ``spun_text``: 1 if spinning inserted or substituted it, else 0,
    and list the edits that pair spun spans with original spans."""
    return align_tokens(original_text, tokenize(original_text), spun_text, tokenize(spun_text))


class ImplausiblePair(ValueError):
    """Raised when two texts are not plausibly the same article."""


def check_plausible(alignment: Alignment, min_overlap: float = 0.4) -> None:
    """Raise :class:`ImplausiblePair` unless enough tokens survive spinning.

    Spinners change at most about a third of the tokens, so a pair that keeps fewer than
    ``min_overlap`` of them is two different texts, or a rewrite rather than a spin.
    """
    if not alignment.tokens or not alignment.original_tokens:
        side = "spun" if not alignment.tokens else "original"
        raise ImplausiblePair(f"the {side} text has no tokens")
    if alignment.overlap < min_overlap:
        raise ImplausiblePair(
            f"only {alignment.overlap:.0%} of tokens align (at least {min_overlap:.0%} needed):"
            " not plausibly the same article"
        )
