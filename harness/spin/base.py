"""What every substitution engine shares: the proposal record, casing and re-inflection.

A spinner is split the TextAttack way: engines *propose* replacements for token spans, and the
spinner's constraints (see :mod:`harness.spin.spinner`) veto or accept them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Protocol, Sequence, runtime_checkable

from harness.tokens import Token

# Penn tags lemminflect can produce, per universal part of speech.
TAGS = {
    "NOUN": ("NN", "NNS"),
    "VERB": ("VB", "VBD", "VBG", "VBN", "VBZ", "VBP"),
    "ADJ": ("JJ", "JJR", "JJS"),
    "ADV": ("RB", "RBR", "RBS"),
}
_BASE_TAGS = {"NN", "VB", "VBP", "JJ", "RB"}


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

    def warm(self) -> None:
        """Load resources now (before worker processes fork), not on first use."""

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]: ...


def match_case(original: str, replacement: str) -> str:
    """Give ``replacement`` the capitals of ``original``: ``Bank`` -> ``Financial institution``."""
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


@lru_cache(maxsize=200_000)
def known_as(word: str, upos: str) -> bool:
    """True when lemminflect knows ``word`` as a lemma of part of speech ``upos``."""
    from lemminflect import getAllInflections

    return bool(getAllInflections(word, upos=upos))


@lru_cache(maxsize=200_000)
def analyses(word: str) -> tuple[tuple[str, str, str], ...]:
    """``(upos, lemma, penn_tag)`` readings of a word form, e.g. ``stated`` -> VERB/state/VBD."""
    from lemminflect import getAllLemmas, getInflection

    lower = word.lower()
    found = []
    for upos, lemmas in getAllLemmas(lower).items():
        if upos not in TAGS:
            continue
        for lemma in lemmas:
            for tag in TAGS[upos]:
                if lower in getInflection(lemma, tag, inflect_oov=False):
                    found.append((upos, lemma, tag))
                    break
    return tuple(found)


def propose_content_words(
    tokens: list[Token], rng: random.Random, choices_for: Callable[[str, str], Sequence[str]], engine: str
) -> list[Proposal]:
    """One proposal per content word: read it as any of its parts of speech (sense-blind), pick
    one of ``choices_for(lemma, upos)`` at random, re-inflect it and keep the word's capitals."""
    from harness.spin.function_words import FUNCTION_WORDS

    proposals = []
    for i, tok in enumerate(tokens):
        word = tok.text
        if not word.isalpha() or len(word) < 3 or word.lower() in FUNCTION_WORDS:
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


def inflect(lemma_phrase: str, upos: str, tag: str) -> str | None:
    """Inflect a (possibly multiword) lemma to ``tag``: the head of a verb phrase is its first
    word (``give up`` -> ``gave up``), of other phrases the last (``financial institutions``).
    Returns None when the head is not known in that part of speech."""
    from lemminflect import getInflection

    words = lemma_phrase.split(" ")
    head = 0 if upos == "VERB" else len(words) - 1
    if not known_as(words[head], upos):
        return None
    forms = getInflection(words[head], tag, inflect_oov=False)
    if not forms:
        if tag not in _BASE_TAGS:
            return None
        forms = (words[head],)
    words[head] = forms[0]
    return " ".join(words)
