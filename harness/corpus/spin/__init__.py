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
_MADE: dict[str, object] = {}


def engine_class(name: str) -> type:
    """The class registered under ``name`` (an unknown name: "did you mean" error)."""
    return _REGISTRY.resolve(name)


def make_engine(name: str):
    """A new engine of that name, with the dataset's hyperparameters."""
    return engine_class(name)()


def engine(name: str):
    """The process's shared engine of that name (engines cache their look-ups)."""
    if name not in _MADE:
        _MADE[name] = make_engine(name)
    return _MADE[name]


def recipe_spinner(recipe):
    """The spinner of a :class:`harness.core.configs.Recipe`, with the process's shared engines."""
    from harness.corpus.spin.spinner import Spinner

    return Spinner([engine(e) for e in recipe.engines], prioritized=recipe.prioritized, cluster=recipe.cluster)
