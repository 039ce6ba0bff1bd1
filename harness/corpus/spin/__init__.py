"""Spinners: substitution engines that propose replacements, and the spinner that vetoes and
applies them (:mod:`harness.corpus.spin.spinner`); and third-party spinners that rewrite a
whole text themselves (:mod:`harness.corpus.spin.third_party`).

Engines are registered here by name with the hyperparameters the dataset is built with, and
imported only when first asked for.

>>> engine("numbers").name
'numbers'
"""

from __future__ import annotations

from harness.core.registry import LazyRegistry

ENGINES: dict[str, str] = {
    "thesaurus": "harness.corpus.spin.thesaurus:ThesaurusEngine",
    "wordnet": "harness.corpus.spin.wordnet_engine:WordNetEngine",
    "phrasebook": "harness.corpus.spin.phrasebook:PhrasebookEngine",
    "numbers": "harness.corpus.spin.numbers:NumbersEngine",
    "glove": "harness.corpus.spin.glove:GloveEngine",
    # third-party whole-text spinners (they have ``spin_text`` instead of ``propose``)
    "nlpaug-glove": "harness.corpus.spin.third_party:NlpaugGlove",
    "nlpaug-wordnet": "harness.corpus.spin.third_party:NlpaugWordNet",
}

_REGISTRY = LazyRegistry("spinner engine", ENGINES)
_MADE: dict[tuple, object] = {}


def engine_class(name: str) -> type:
    """The class registered under ``name`` (an unknown name: "did you mean" error)."""
    return _REGISTRY.resolve(name)


def make_engine(name: str, **params):
    """A new engine of that name, with the dataset's hyperparameters (``params`` change some)."""
    return engine_class(name)(**params)


def engine(name: str, **params):
    """The process's shared engine of that name and parameters (engines cache their look-ups)."""
    key = (name, tuple(sorted(params.items())))
    if key not in _MADE:
        _MADE[key] = make_engine(name, **params)
    return _MADE[key]


# The habits of a personality and the engine parameters they scale (see personality.py).
_SCALED = {"phrases": ("expression_rate", "derived_rate", "derived_word_rate", "insert_rate", "delete_rate"), "function_words": ("function_word_rate",)}


def personal_engine(name: str, personality=None):
    """The engine ``name`` with a :class:`~harness.corpus.spin.personality.Personality`'s habits:
    its frequency preference, and the phrase and function-word rates scaled (at most 1)."""
    base = engine(name)
    if personality is None:
        return base
    params = {}
    if hasattr(base, "mean_drop"):
        params["mean_drop"] = personality.mean_drop
    for habit, attrs in _SCALED.items():
        for attr in attrs:
            if hasattr(base, attr):
                params[attr] = min(1.0, round(getattr(base, attr) * getattr(personality, habit), 4))
    if personality.open_ended and hasattr(base, "open_ended"):
        params["open_ended"] = True
    return engine(name, **params)


def recipe_spinner(recipe, personality=None, cluster: float | None = None):
    """The spinner of a :class:`harness.core.configs.Recipe` with the process's shared engines,
    as a personality would run it (its habits and cluster), ``cluster`` overriding both."""
    from harness.corpus.spin.spinner import Spinner

    if cluster is None:
        cluster = recipe.cluster if personality is None or not recipe.cluster else personality.cluster
    return Spinner([personal_engine(e, personality) for e in recipe.engines], prioritized=recipe.prioritized, cluster=cluster)
