"""Lexical splits: the spinners' rewrites divided between the data splits, so that the test split
measures spinning a detector has not seen verbatim in training.

Every rewrite a spinner can make, a synonym pair (``big -> large``, lemmas), a phrase rule
(``in addition -> furthermore``), a small word added or dropped, a number respelled, falls in a
bucket in [0, 1) by a hash of the seed and the pair, the same in every engine (a pair both Moby
and WordNet give is one pair). Training documents may use the pairs below ``TRAIN_ONLY +
shared``; validation and test documents (and the held-out domain) those from ``TRAIN_ONLY`` up.
The band both sides share is what makes some test edits familiar, as real spinners' are (16-27%
of real spinner output's edits also occur in ``news``/train); it is narrower for
multiword rewrites, of which real output shares 2-5%. What a split ends up sharing with train is
measured on the built data (``spinbench profile --against news/train``), not assumed.

>>> train, held_out = LexicalSide("train", seed=0), LexicalSide("held-out", seed=0)
>>> choices = ("large", "great", "huge", "sizable", "enormous", "vast")
>>> sorted(set(train.rewrites("big", choices)) | set(held_out.rewrites("big", choices))) == sorted(choices)
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

TRAIN_ONLY = 0.6  # buckets below: pairs only training documents use
SHARED_WORDS = 0.22  # width of the band both sides use, for one-word <-> one-word pairs
SHARED_PHRASES = 0.03  # the same, for pairs with a multiword (or empty) side
SIDES = ("train", "held-out")


def bucket(seed: int, key: str, rewrite: str) -> float:
    """The pair's place in [0, 1): a hash of the seed and both lower-cased sides."""
    digest = hashlib.blake2b(f"{seed}\t{key.lower()}\t{rewrite.lower()}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def is_phrase_pair(key: str, rewrite: str) -> bool:
    """Not a one-word-for-one-word pair: either side multiword, or empty."""
    return " " in key or " " in rewrite or not key or not rewrite


def side_of(seed: int, key: str, rewrite: str) -> str:
    """``train`` (only training documents use it), ``shared`` or ``held-out``."""
    u = bucket(seed, key, rewrite)
    if u < TRAIN_ONLY:
        return "train"
    return "shared" if u < TRAIN_ONLY + (SHARED_PHRASES if is_phrase_pair(key, rewrite) else SHARED_WORDS) else "held-out"


@dataclass(frozen=True)
class LexicalSide:
    """The rewrites one side of the lexical split may use: ``train`` or ``held-out``."""

    side: str
    seed: int = 0

    def __post_init__(self):
        if self.side not in SIDES:
            raise ValueError(f"lexical side {self.side!r}: one of {SIDES}")

    def rewrites(self, key: str, choices: tuple[str, ...]) -> tuple[str, ...]:
        """The ``choices`` for ``key`` this side may use, in their order."""
        return _allowed(self.side, self.seed, key, tuple(choices))


@lru_cache(maxsize=300_000)
def _allowed(side: str, seed: int, key: str, choices: tuple[str, ...]) -> tuple[str, ...]:
    wanted = ("train", "shared") if side == "train" else ("shared", "held-out")
    return tuple(c for c in choices if side_of(seed, key, c) in wanted)


def lexical_side(split: str, seed: int) -> LexicalSide:
    """The side a data split's documents are spun from: training documents the train side,
    everything scored (validation, test, held-out configs) the held-out side."""
    return LexicalSide("train" if split == "train" else "held-out", seed)
