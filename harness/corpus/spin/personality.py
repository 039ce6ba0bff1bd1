"""Spinner personalities: each spun document gets its own spinner, sampled, so that no single
spinner's habits can be learned.

A personality is a recipe (which engines, pooled or phrase-first: planned per document) and four habits drawn from
small grids: how readily phrases and small words are rewritten (``phrases``), how readily single
function words are traded (``function_words``), whether common or rare replacements are
preferred (``mean_drop``, the frequency model's centre: :mod:`harness.corpus.spin.choice`), and
how often a change is made together with the next word's (``cluster``). Grids rather than
continuous draws: each distinct spinner keeps its own look-up caches, and a few dozen of them
spin a build at full speed. The grids are centred on the values the data were calibrated with
(see ``spinbench profile``), so the profile of a whole split stays in the real range while single
documents differ. Each record names its personality (the ``spinner`` field).

>>> import random
>>> sample_personality(random.Random(3), "wordnet").describe()
'wordnet; phrases x0.6, function words x1.5, mean Zipf drop 0.1, cluster 0.3'
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass

PHRASES = (0.6, 1.0, 1.5)
FUNCTION_WORDS = (0.5, 1.0, 1.5)
MEAN_DROPS = (-0.5, -0.2, 0.1)
CLUSTERS = (0.3, 0.5, 0.7)


@dataclass(frozen=True)
class Personality:
    """One document's spinner: its recipe and habits (see the module docstring)."""

    recipe: str
    phrases: float = 1.0
    function_words: float = 1.0
    mean_drop: float = -0.2
    cluster: float = 0.5
    open_ended: bool = False  # the phrasebook's ``open_ended``: the later spins of a training original

    def describe(self) -> str:
        return (f"{self.recipe}; phrases x{self.phrases:g}, function words x{self.function_words:g}, "
                f"mean Zipf drop {self.mean_drop:g}, cluster {self.cluster:g}" + ("; open-ended rules" if self.open_ended else ""))

    def to_json(self) -> str:
        """The record's ``spinner`` field (``open_ended`` only where it is set: a first spin's
        field reads as it did before later spins existed)."""
        fields = asdict(self)
        if not self.open_ended:
            del fields["open_ended"]
        return json.dumps(fields, sort_keys=True)


def sample_personality(rng: random.Random, recipe: str, open_ended: bool = False) -> Personality:
    """A personality for one document spun by ``recipe``: a habit from each grid. ``open_ended``
    (the later spins of a training original, :func:`harness.corpus.planning.plan_document`): its
    phrase and function-word rewrites are drawn from the open-ended sources as well as the
    hand-written rules, so that a detector learns more of the small-word rewrites it misses on
    real text, at the same rates (the split's profile stays in the real range)."""
    return Personality(recipe, rng.choice(PHRASES), rng.choice(FUNCTION_WORDS), rng.choice(MEAN_DROPS), rng.choice(CLUSTERS), open_ended)
