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
    fixed_term: bool = False  # a fixed term's tortured rewrite (sparse documents try these first)


@dataclass(frozen=True)
class Pending:
    """A proposal for tokens ``[start, end)`` whose replacement is chosen only when the spinner
    tries it (``make(rng)``: the proposal, or None): a rule that matched costs nothing until then."""

    start: int
    end: int
    make: Callable[[random.Random], Proposal | None]
    fixed_term: bool = False

    def made(self, rng: random.Random) -> Proposal | None:
        return self.make(rng)


@runtime_checkable
class Engine(Protocol):
    """A substitution engine: proposes at most one replacement per span it knows.

    ``propose`` gives every proposal at once. The spinner asks an engine for its cheap, span-level
    proposals with ``propose_spans`` and, where the engine has ``propose_at``, for a word's
    proposal only when it gets to that word (a document spun at 2% needs a few words looked up,
    not all of them). ``allow`` (:class:`harness.corpus.spin.lexical_split.LexicalSide`) filters
    the rewrites an engine may use: the lexical split of the document's data split."""

    name: str
    summary: str  # one line for the data card

    def warm(self) -> None:
        """Load resources now (before worker processes fork), not on first use."""

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]: ...


class WordEngine:
    """The shared half of the content-word engines: a proposal per content word, made when the
    spinner asks for it (``propose_at``), from ``candidates(lemma, upos)`` chosen by ``choose``."""

    name = ""
    choose: Chooser | None = None

    def candidates(self, lemma: str, upos: str) -> Sequence[str]:
        raise NotImplementedError

    def propose_spans(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        return []

    def propose_at(self, tokens: list[Token], i: int, rng: random.Random, allow=None) -> Proposal | None:
        return propose_content_word(tokens, i, rng, self.candidates, self.name, self.choose, allow)

    def propose(self, tokens: list[Token], rng: random.Random, allow=None) -> list[Proposal]:
        spans = self.propose_spans(tokens, rng, allow)
        taken = {i for p in spans for i in range(p.start, p.end)}
        words = (self.propose_at(tokens, i, rng, allow) for i in range(len(tokens)) if i not in taken)
        return spans + [p for p in words if p is not None]


Chooser = Callable[[str, Sequence[str], random.Random], "str | None"]


@lru_cache(maxsize=200_000)
def inflected(choices: tuple[str, ...], upos: str, tag: str) -> tuple[str, ...]:
    """Each lemma (phrase) of ``choices`` inflected to ``tag``; those that cannot be left out."""
    return tuple(f for f in (inflect(c, upos, tag) for c in choices) if f)


def propose_content_word(
    tokens: list[Token],
    i: int,
    rng: random.Random,
    choices_for: Callable[[str, str], Sequence[str]],
    engine: str,
    choose: Chooser | None = None,
    allow=None,
) -> Proposal | None:
    """The proposal for token ``i`` if it is a content word: read it as any of its parts of
    speech (sense-blind), take ``choices_for(lemma, upos)`` (those ``allow`` lets through), pick
    one (at random, or by ``choose(word, inflected choices, rng)``), re-inflect it and keep the
    word's capitals."""
    word = tokens[i].text
    if not is_content_word(word):
        return None
    readings = analyses(word)
    if not readings:
        return None
    upos, lemma, tag = rng.choice(readings)
    choices = choices_for(lemma, upos)
    if allow is not None:
        choices = allow.rewrites(lemma, tuple(choices))
    if not choices:
        return None
    if choose is None:
        replacement = inflect(rng.choice(choices), upos, tag)
    else:
        forms = inflected(tuple(choices), upos, tag)
        replacement = choose(word, forms, rng) if forms else None
    return Proposal(i, i + 1, match_case(word, replacement), engine) if replacement else None
