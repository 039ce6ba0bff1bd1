"""Planning the dataset: which split a source article goes to, and whether and how hard each
document is spun.

Every random choice is keyed on the seed and the source id, never on processing order, so a
document is planned the same way whatever else is in the build. The rates are drawn from
:data:`harness.core.configs.RATE_RANGE`, which the evaluation side shares (its rate bands).

>>> from harness.core.configs import SEEN_RECIPES
>>> split_of("s/02", seed=0), plan_document("s/02", seed=0, recipes=SEEN_RECIPES)
('train', Plan(spun=True, rate=0.4321, recipe='mixed', regime='partial', max_edits=None, paragraphs=3))

A training original is spun several times (:data:`harness.core.configs.ConfigSpec.train_spins`):
every spin keeps the original's regime, and each later one draws its own rate, recipe and spun
paragraphs, so a detector sees several ways to spin the same sentence.

>>> plan_document("s/02", seed=0, recipes=SEEN_RECIPES, spin=1)
Plan(spun=True, rate=0.2755, recipe='thesaurus', regime='partial', max_edits=None, paragraphs=3)
"""

from __future__ import annotations

import hashlib
import itertools
import random
from dataclasses import dataclass

from harness.core.configs import CLEAN_RECIPE, CLEAN_REGIME, PARTIAL_PARAGRAPHS, RATE_RANGE, REGIME_SHARES, REGIMES, SPARSE_EDITS, SPARSE_RATE, Recipe

SPLIT_FRACTIONS = (("train", 0.8), ("validation", 0.1), ("test", 0.1))


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
    """How one document is spun: its regime (:data:`harness.core.configs.REGIMES`), the rate
    asked of the spun part, the recipe, and for the sparse regime the most edits, for the partial
    one how many paragraphs."""

    spun: bool
    rate: float
    recipe: str
    regime: str = CLEAN_REGIME
    max_edits: int | None = None
    paragraphs: int = 0


def plan_document(source_id: str, seed: int, recipes: dict[str, Recipe], spin: int = 0) -> Plan:
    """Whether and how a document is spun. Regime and rate depend only on the source article,
    so ``unseen-spinner`` keeps the ``news`` test set's negatives, regimes and rates.

    ``spin``: which spin of a training original (0 for the first, and for every scored split);
    a later spin keeps the first one's regime and draws the rest anew."""
    rng = random.Random(f"{seed}:plan:{source_id}")
    u = rng.random()
    regime = next((name for name, edge in _REGIME_EDGES if u < edge), REGIMES[-1])
    key = source_id if spin == 0 else f"{source_id}:spin{spin}"
    if spin:
        rng = random.Random(f"{seed}:plan:{key}")
    rate = round(rng.uniform(*RATE_RANGE), 4)
    max_edits, paragraphs = rng.randint(*SPARSE_EDITS), rng.randint(*PARTIAL_PARAGRAPHS)
    if regime == CLEAN_REGIME:
        return Plan(False, 0.0, CLEAN_RECIPE)
    recipe = random.Random(f"{seed}:recipe:{sorted(recipes)}:{key}").choice(sorted(recipes))
    if regime == "sparse":
        return Plan(True, round(rng.uniform(*SPARSE_RATE), 4), recipe, regime, max_edits=max_edits)
    return Plan(True, rate, recipe, regime, paragraphs=paragraphs if regime == "partial" else 0)


_REGIME_EDGES = tuple(zip(REGIMES, itertools.accumulate(REGIME_SHARES[r] for r in REGIMES)))
