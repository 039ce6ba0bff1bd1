"""The numbers engine: number words and digits traded both ways (``three`` <-> ``3``,
``twenty`` <-> ``20``, ``first`` <-> ``1st``), as spinners do to dodge exact-match checks."""

from __future__ import annotations

import random

from harness.core.lexical import match_case
from harness.core.tokens import Token
from harness.corpus.spin.base import Proposal

_CARDINALS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()
_TENS = {30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy", 80: "eighty", 90: "ninety"}
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()
_SUFFIX = {1: "st", 2: "nd", 3: "rd"}

WORD_TO_DIGITS: dict[str, str] = {w: str(i) for i, w in enumerate(_CARDINALS)}
WORD_TO_DIGITS.update({w: str(i) for i, w in _TENS.items()})
WORD_TO_DIGITS.update({w: f"{i}{_SUFFIX.get(i, 'th')}" for i, w in enumerate(_ORDINALS, start=1)})
DIGITS_TO_WORD = {d: w for w, d in WORD_TO_DIGITS.items()}


class NumbersEngine:
    """Propose the other spelling of every number it knows.

    Parameters
    ----------
    rate : probability that a known number is offered at all (``second`` is often not a number).
    """

    name = "numbers"
    summary = "number words and digits, both ways"

    def __init__(self, rate: float = 0.7):
        self.rate = rate

    def warm(self) -> None:
        pass  # no resources

    def propose(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        return self.propose_spans(tokens, rng, allow)

    def propose_spans(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        proposals = []
        for i, tok in enumerate(tokens):
            key = tok.text.lower()
            other = WORD_TO_DIGITS.get(key) or DIGITS_TO_WORD.get(key)
            if other and allow is not None and not allow.rewrites(key, (other,)):
                continue
            if other and rng.random() < self.rate:
                proposals.append(Proposal(i, i + 1, match_case(tok.text, other), self.name))
        return proposals
