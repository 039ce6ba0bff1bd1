"""Planning the dataset: which split a source article goes to, and whether and how hard each
document is spun.

Every random choice is keyed on the seed and the source id, never on processing order, so a
document is planned the same way whatever else is in the build. The rates are drawn from
:data:`harness.core.configs.RATE_RANGE`, which the evaluation side shares (its rate bands).

>>> from harness.core.configs import SEEN_RECIPES
>>> split_of("s/02", seed=0), plan_document("s/02", seed=0, recipes=SEEN_RECIPES)
('train', Plan(spun=True, rate=0.4121, recipe='mixed'))
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

from harness.core.configs import CLEAN_RECIPE, RATE_RANGE, Recipe

SPLIT_FRACTIONS = (("train", 0.8), ("validation", 0.1), ("test", 0.1))
CLEAN_FRACTION = 0.25  # documents left unspun, as negatives


def split_of(source_id: str, seed: int) -> str:
    """Train/validation/test by a hash of the source article, stable when sources change."""
    digest = hashlib.sha256(f"{seed}:split:{source_id}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    total = 0.0
    for name, fraction in SPLIT_FRACTIONS:
        total += fraction
        if u < total:
            return name
    return SPLIT_FRACTIONS[-1][0]


@dataclass(frozen=True)
class Plan:
    spun: bool
    rate: float
    recipe: str


def plan_document(source_id: str, seed: int, recipes: dict[str, Recipe]) -> Plan:
    """Whether and how hard to spin a document (``rate``: the share of tokens the spinner is
    asked to replace). Spun-or-clean and rate depend only on the source article, so
    ``unseen-spinner`` keeps the ``news`` test set's negatives and rates."""
    rng = random.Random(f"{seed}:plan:{source_id}")
    spun = rng.random() >= CLEAN_FRACTION
    rate = round(rng.uniform(*RATE_RANGE), 4)
    recipe = random.Random(f"{seed}:recipe:{sorted(recipes)}:{source_id}").choice(sorted(recipes))
    return Plan(spun, rate if spun else 0.0, recipe if spun else CLEAN_RECIPE)
