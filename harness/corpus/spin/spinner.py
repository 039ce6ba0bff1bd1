"""The spinner: asks its engines for proposals, vetoes some, applies the rest, keeps provenance.

Each accepted proposal becomes a :class:`SpinEdit` recording the engine, the original and spun
character spans and both texts, so the aligner can be checked against the spinner's own record.

>>> import random
>>> from harness.corpus.spin.numbers import NumbersEngine
>>> result = Spinner([NumbersEngine(rate=1.0)]).spin("Three men and 2 dogs.", 1.0, random.Random(0))
>>> result.spun
'3 men and two dogs.'
>>> [(e.original_text, e.spun_text) for e in result.edits]
[('Three', '3'), ('2', 'two')]
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Sequence

from harness.core.tokens import Token, normalize, tokenize
from harness.corpus.spin.base import Engine, Proposal


@dataclass(frozen=True)
class SpinEdit:
    """The spinner's record of one replacement, in **character offsets**: ``spun_text`` stands at
    ``[spun_char_start, spun_char_end)`` of the spun text where ``original_text`` stood at
    ``[original_char_start, original_char_end)`` of the original. Compare
    :class:`harness.core.schema.Edit`, the aligner's record in token indices."""

    spun_char_start: int
    spun_char_end: int
    original_char_start: int
    original_char_end: int
    spun_text: str
    original_text: str
    engine: str


@dataclass(frozen=True)
class SpinResult:
    original: str
    spun: str
    edits: list[SpinEdit]

    @property
    def engines(self) -> list[str]:
        return sorted({e.engine for e in self.edits})


class Spinner:
    """Spin text with several engines at a chosen rate.

    Parameters
    ----------
    engines : the substitution engines whose proposals are pooled.
    prioritized : try every proposal of the first engine before any of the second, and so on;
        otherwise all proposals are pooled and tried in random order.
    window : a replacement may not repeat a token found within this many tokens of its span
        (before or after spinning); otherwise the text would not say which copy was changed, and
        no aligner, human or machine, could recover the spinner's edit.
    """

    def __init__(self, engines: Sequence[Engine], prioritized: bool = False, window: int = 3):
        self.engines = list(engines)
        self.prioritized = prioritized
        self.window = window

    def spin(self, text: str, rate: float, rng: random.Random, tokens: list[Token] | None = None) -> SpinResult:
        """Replace about ``rate`` of the tokens of ``text`` (``tokens``: its tokens, when the
        caller has them already)."""
        tokens = tokenize(text) if tokens is None else tokens
        tiers = [engine.propose(tokens, rng) for engine in self.engines]
        if not self.prioritized:
            tiers = [[p for tier in tiers for p in tier]]
        proposals = []
        for tier in tiers:
            rng.shuffle(tier)
            proposals += tier
        accepted = self._select(tokens, proposals, target=round(rate * len(tokens)))
        return _apply(text, tokens, accepted)

    def _select(self, tokens: list[Token], proposals: list[Proposal], target: int) -> list[Proposal]:
        keys = [normalize(t.text) for t in tokens]
        taken = [False] * len(tokens)
        new_words: dict[int, set[str]] = {}  # original position -> words a replacement put there
        accepted: list[Proposal] = []
        changed = 0
        for p in proposals:
            if changed >= target:
                break
            if any(taken[p.start : p.end]):
                continue
            words = {normalize(t.text) for t in tokenize(p.replacement)}
            if not words or words == set(keys[p.start : p.end]):
                continue
            lo, hi = max(0, p.start - self.window), min(len(tokens), p.end + self.window)
            nearby = set(keys[lo:hi]).union(*(new_words.get(i, ()) for i in range(lo, hi)))
            if words & nearby:
                continue
            taken[p.start : p.end] = [True] * (p.end - p.start)
            for i in range(p.start, p.end):
                new_words[i] = words
            accepted.append(p)
            changed += p.end - p.start
        return sorted(accepted, key=lambda p: p.start)


def _apply(text: str, tokens: list[Token], accepted: list[Proposal]) -> SpinResult:
    pieces: list[str] = []
    edits: list[SpinEdit] = []
    cursor = 0  # position in the original text
    length = 0  # length of the spun text so far
    for p in accepted:
        start, end = tokens[p.start].start, tokens[p.end - 1].end
        pieces.append(text[cursor:start])
        length += start - cursor
        pieces.append(p.replacement)
        edits.append(SpinEdit(length, length + len(p.replacement), start, end, p.replacement, text[start:end], p.engine))
        length += len(p.replacement)
        cursor = end
    pieces.append(text[cursor:])
    return SpinResult(text, "".join(pieces), edits)


def recorded_labels(spun_tokens: list[Token], edits: list[SpinEdit]) -> list[int]:
    """Labels the spinner's own record implies: 1 for spun tokens inside a replacement."""
    labels = [0] * len(spun_tokens)
    spans = sorted((e.spun_char_start, e.spun_char_end) for e in edits)
    k = 0
    for i, tok in enumerate(spun_tokens):
        while k < len(spans) and spans[k][1] <= tok.start:
            k += 1
        if k < len(spans) and spans[k][0] <= tok.start and tok.end <= spans[k][1]:
            labels[i] = 1
    return labels
