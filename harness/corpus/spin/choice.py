"""How a spinner picks one replacement among a word's synonyms: a frequency model.

Real spinners choose without regard to sense, but not without regard to frequency: measured on
real spun text (the real spinners' profile), a single-word swap's replacement is on average 0.3-0.7 Zipf rarer than
the word it replaces (wordfreq's Zipf scale: log10 of occurrences per billion words), and it is
the rarer word in 61-77% of swaps. Picking any listed synonym, or the rarest ones, is what
makes "rare word = spun" work on synthetic data and fail on real data.

:class:`FrequencyModel` weighs each candidate by a normal density of its Zipf drop
(``zipf(word) - zipf(candidate)``, wordfreq's estimate for a phrase) centred on ``mean_drop``
with spread ``spread``, times ``extra_word`` for every word the candidate adds (real spinners
mostly put one word for one word). With ``gate``, a word is offered at all only with the
density of its best candidate: words whose synonyms are all far rarer are mostly left alone, as
a real spinner's thesaurus has no entry for them. Most synonyms of a word are rarer than it, so
the model is centred a little below zero (``mean_drop=-0.2``) for the realised drop to land
between the real spinners; the realised figures are measured on the built data
(``spinbench profile``), not assumed.

>>> import random
>>> model = FrequencyModel(mean_drop=-0.2, spread=1.0, gate=True, extra_word=0.4)
>>> model.weights("big", ["large", "great", "sizable", "elephantine", "very large"])
[891188, 999950, 43937, 538, 338074]
>>> model("big", ["large", "great", "sizable", "elephantine"], random.Random(0))
'great'
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from harness.core.lexical import zipf


@dataclass(frozen=True)
class FrequencyModel:
    """Choose among candidates with weight ``extra_word ** added words * N(zipf(word) -
    zipf(candidate); mean_drop, spread)`` (see the module docstring)."""

    mean_drop: float = 0.5
    spread: float = 1.0
    gate: bool = False  # offer a word only with the probability of its best candidate's density
    extra_word: float = 1.0  # weight factor for each word a candidate has beyond the original's count

    def weights(self, word: str, candidates: Sequence[str]) -> list[int]:
        return list(_weights(self, word, tuple(candidates)))

    def __call__(self, word: str, candidates: Sequence[str], rng: random.Random) -> str | None:
        """One candidate, or None when every candidate is too far from the word's frequency."""
        weights = _weights(self, word, tuple(candidates))
        if not any(weights) or (self.gate and rng.random() * 1e6 >= max(weights)):
            return None
        return rng.choices(list(candidates), weights)[0]


@lru_cache(maxsize=200_000)
def _weights(model: FrequencyModel, word: str, candidates: tuple[str, ...]) -> tuple[int, ...]:
    # Cached: a build asks for the same word's weights thousands of times. Integer weights (a
    # millionth of the density's peak): the draw then never depends on the last bit of a
    # platform's exp().
    z = zipf(word.lower())
    n = word.count(" ") + 1
    return tuple(
        round(1e6 * model.extra_word ** max(0, c.count(" ") + 1 - n) * math.exp(-(((z - zipf(c.lower())) - model.mean_drop) / model.spread) ** 2 / 2))
        for c in candidates
    )
