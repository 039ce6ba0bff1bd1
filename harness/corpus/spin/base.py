"""What every substitution engine shares: the proposal record, the engine protocol, and the
proposal loop of the content-word engines.

A spinner is split the TextAttack way: engines *propose* replacements for token spans, and the
spinner's constraints (see :mod:`harness.corpus.spin.spinner`) veto or accept them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Protocol, Sequence, runtime_checkable

from harness.core.lexical import analyses, inflect, is_content_word, match_case
from harness.core.tokens import Token


@dataclass(frozen=True)
class Proposal:
    """Replace original tokens ``[start, end)`` with ``replacement`` (already cased)."""

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


def propose_content_words(
    tokens: list[Token], rng: random.Random, choices_for: Callable[[str, str], Sequence[str]], engine: str
) -> list[Proposal]:
    """One proposal per content word: read it as any of its parts of speech (sense-blind), pick
    one of ``choices_for(lemma, upos)`` at random, re-inflect it and keep the word's capitals."""
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
        replacement = inflect(rng.choice(choices), upos, tag) if choices else None
        if replacement:
            proposals.append(Proposal(i, i + 1, match_case(word, replacement), engine))
    return proposals
