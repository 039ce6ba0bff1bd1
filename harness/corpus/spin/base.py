"""What every substitution engine shares: the proposal record, the engine protocol, and the
proposal loop of the content-word engines.

A spinner is split the TextAttack way: engines *propose* replacements for token spans, and the
spinner's constraints (see :mod:`harness.corpus.spin.spinner`) veto or accept them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, runtime_checkable

from harness.core.lexical import analyses, inflect, is_content_word, match_case
from harness.core.tokens import Token


@dataclass(frozen=True)
class Proposal:
    """Replace original tokens ``[start, end)`` with ``replacement`` (already cased).

    ``start == end`` inserts ``replacement`` before token ``start``; an empty ``replacement``
    deletes the tokens. A replacement may keep some of the original's words (``to`` -> ``in
    order to``): the spinner records only the words that changed."""

    start: int
    end: int
    replacement: str
    engine: str


@runtime_checkable
class Engine(Protocol):
    """A substitution engine: proposes at most one replacement per span it knows."""

    name: str
    summary: str  # one line for the data card

    def warm(self) -> None:
        """Load resources now (before worker processes fork), not on first use."""

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]: ...


Chooser = Callable[[str, Sequence[str], random.Random], "str | None"]


@lru_cache(maxsize=200_000)
def inflected(choices: tuple[str, ...], upos: str, tag: str) -> tuple[str, ...]:
    """Each lemma (phrase) of ``choices`` inflected to ``tag``; those that cannot be left out."""
    return tuple(f for f in (inflect(c, upos, tag) for c in choices) if f)


def propose_content_words(
    tokens: list[Token],
    rng: random.Random,
    choices_for: Callable[[str, str], Sequence[str]],
    engine: str,
    choose: Chooser | None = None,
) -> list[Proposal]:
    """One proposal per content word: read it as any of its parts of speech (sense-blind), take
    ``choices_for(lemma, upos)``, pick one (at random, or by ``choose(word, inflected choices,
    rng)``), re-inflect it and keep the word's capitals."""
    proposals = []
    for i, tok in enumerate(tokens):
        word = tok.text
        if not is_content_word(word):
            continue
        readings = analyses(word)
        if not readings:
            continue
        upos, lemma, tag = rng.choice(readings)
        choices = choices_for(lemma, upos)
        if not choices:
            continue
        if choose is None:
            replacement = inflect(rng.choice(choices), upos, tag)
        else:
            forms = inflected(tuple(choices), upos, tag)
            replacement = choose(word, forms, rng) if forms else None
        if replacement:
            proposals.append(Proposal(i, i + 1, match_case(word, replacement), engine))
    return proposals
