"""The dataset's configurations: which source, which splits, which spinner recipes.

A *recipe* is a set of engines that spin one document together. ``news`` uses the seen recipes;
``unseen-spinner`` spins the ``news`` test originals with the held-out ``glove`` engine;
``third-party-spinner`` spins them with a third-party library's augmenters (nlpaug);
``unseen-domain`` spins another real source (Wikipedia) with the seen recipes.
Which split a source article goes to and how each document is spun (the corpus side's
planning) is :mod:`harness.corpus.planning`; this module holds what both sides need.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Recipe:
    """Engines that spin one document together. ``prioritized``: the first engine's proposals
    are all tried before the next engine's (a phrase-first spinner); otherwise they are pooled.
    ``cluster``: how often a change is tried together with one on the next tokens (the
    spinner's ``cluster``)."""

    engines: tuple[str, ...]
    prioritized: bool = False
    cluster: float = 0.0

    def describe(self) -> str:
        notes = []
        if len(self.engines) > 1:
            notes.append("every proposal of one engine tried before the next's" if self.prioritized else "proposals pooled")
        if self.cluster:
            notes.append(f"neighbouring changes paired with probability {self.cluster}")
        return " + ".join(self.engines) + (f" ({'; '.join(notes)})" if notes else "")


# Every seen recipe rewrites function words and phrases (the phrasebook) as well as content
# words, as real spinners do; they differ in the thesaurus behind the content words and in
# whether phrase rules go first. Calibrated with `spinbench profile` against real spinners.
SPIN_CLUSTER = 0.5
SEEN_RECIPES = {
    "thesaurus": Recipe(("thesaurus", "phrasebook", "numbers"), cluster=SPIN_CLUSTER),
    "wordnet": Recipe(("wordnet", "phrasebook", "numbers"), cluster=SPIN_CLUSTER),
    "mixed": Recipe(("thesaurus", "wordnet", "phrasebook", "numbers"), cluster=SPIN_CLUSTER),
    "phrase-first": Recipe(("phrasebook", "numbers", "wordnet", "thesaurus"), prioritized=True, cluster=SPIN_CLUSTER),
}
HELD_OUT_RECIPES = {"glove": Recipe(("glove",))}
# Spinners nobody on this project wrote (nlpaug's augmenters), for a test config of their own.
THIRD_PARTY_RECIPES = {"nlpaug-glove": Recipe(("nlpaug-glove",)), "nlpaug-wordnet": Recipe(("nlpaug-wordnet",))}

RATE_RANGE = (0.2, 0.47)  # light to heavy spinning: the share of spun tokens the spinner is asked for

# Spin regimes: how much of a document is spun. ``whole``: the whole article at RATE_RANGE (what
# the realism profile is calibrated on); ``sparse``: a handful of edits, 0.5-5% of the tokens,
# fixed terms' tortured rewrites first (a paper-mill article carries a few tortured phrases among
# thousands of words); ``partial``: one to three paragraphs spun at RATE_RANGE, the rest of the
# text untouched (a plagiarist spins only the passages copied into an otherwise own text).
CLEAN_REGIME = "clean"
REGIMES = (CLEAN_REGIME, "whole", "sparse", "partial")
# A quarter of documents clean; of the spun ones 60% whole-article (the calibrated
# majority, so the realism profile of a split stays that of real spinning), a fifth each sparse
# and partial: about 33 of each in news/test and validation, enough for an interval per regime.
REGIME_SHARES = {CLEAN_REGIME: 0.25, "whole": 0.45, "sparse": 0.15, "partial": 0.15}
SPARSE_RATE = (0.005, 0.05)
SPARSE_EDITS = (1, 10)
PARTIAL_PARAGRAPHS = (1, 3)
# Rate bands for breakdowns: RATE_RANGE cut into equal thirds, edges rounded to whole percent;
# below it, "low" (sparse and most partial documents).
LOW_BAND = "low"
RATE_BANDS = (LOW_BAND, "light", "medium", "heavy")
RATE_BAND_EDGES = (RATE_RANGE[0], *(round(RATE_RANGE[0] + k * (RATE_RANGE[1] - RATE_RANGE[0]) / 3, 2) for k in (1, 2)))
# The recipe and the rate band of a document left clean: breakdown groups with no spun token.
CLEAN_RECIPE = "none"
CLEAN_BAND = "clean"


@dataclass(frozen=True)
class ConfigSpec:
    name: str
    source: str
    splits: tuple[str, ...]
    recipes: dict[str, Recipe]
    description: str
    originals_split: str | None = None  # take only the source articles of this news split
    # Spun by sampled spinner personalities (harness.corpus.spin.personality), with the
    # spinners' rewrites divided between training and scored splits (lexical_split).
    personalities: bool = False
    lexical_split: bool = False
    # How many times each spun original of the train split is spun, each time by its own
    # personality (the first spin is the one every other split would get): several ways to spin
    # the same sentence to learn from. Clean originals stay one clean document.
    train_spins: int = 1


CONFIGS = {
    "news": ConfigSpec(
        "news",
        "bbc-news",
        ("train", "validation", "test"),
        SEEN_RECIPES,
        "BBC News articles spun by the thesaurus, WordNet, phrasebook and numbers engines, calibrated to real spinners;"
        " split by source article, near-duplicate stories kept in one split.",
        personalities=True,
        lexical_split=True,
        train_spins=3,
    ),
    "unseen-spinner": ConfigSpec(
        "unseen-spinner",
        "bbc-news",
        ("test",),
        HELD_OUT_RECIPES,
        "The news test originals spun by the GloVe-neighbour engine, which news never uses.",
        originals_split="test",
    ),
    "third-party-spinner": ConfigSpec(
        "third-party-spinner",
        "bbc-news",
        ("test",),
        THIRD_PARTY_RECIPES,
        "The news test originals spun by a third-party library (nlpaug 1.1.11: GloVe-neighbour and WordNet-synonym augmenters), labelled by the same aligner.",
        originals_split="test",
    ),
    "unseen-domain": ConfigSpec(
        "unseen-domain",
        "wikipedia",
        ("test",),
        SEEN_RECIPES,
        "Wikipedia article excerpts (an unseen domain) spun by the news engines.",
        personalities=True,
        lexical_split=True,
    ),
}
DEFAULT_CONFIG = "news"
# Detectors are fitted on the default config's train split and their thresholds chosen on its
# validation split, whatever config is evaluated.
FIT_SPLIT = "train"
THRESHOLD_SPLIT = "validation"
EVALUATION_SPLIT = "test"
# Where thresholds chosen by the rule are chosen, as results record it (``chosen_on``).
THRESHOLDS_CHOSEN_ON = f"{DEFAULT_CONFIG}/{THRESHOLD_SPLIT}"
# --config all (config="all"): every leaderboard config in turn.
ALL_CONFIGS = "all"
# Pairs users bring from the wild (``spinbench align --pairs``) form this config, one test split.
IMPORTED_CONFIG = "wild"


def news_style_configs() -> list[str]:
    """Configs spun from the default config's source: what ``build --source`` rebuilds."""
    source = CONFIGS[DEFAULT_CONFIG].source
    return [name for name, spec in CONFIGS.items() if spec.source == source]


def breakdown_order(kind: str, groups) -> list[str]:
    """The groups of a score breakdown (``regime``, ``recipe``, ``rate_band``, ``domain``) in the
    order tables show them: the clean group first, then regimes and rate bands in their own order
    (low to heavy), and any other group by name.

    >>> breakdown_order("rate_band", ["medium", "clean", "heavy", "light", "low"])
    ['clean', 'low', 'light', 'medium', 'heavy']
    >>> breakdown_order("recipe", ["wordnet", "none", "mixed"])
    ['none', 'mixed', 'wordnet']
    """
    order = (CLEAN_REGIME, CLEAN_RECIPE, CLEAN_BAND) + {"rate_band": RATE_BANDS, "regime": REGIMES}.get(kind, ())
    names = set(groups)
    first = list(dict.fromkeys(g for g in order if g in names))
    return first + sorted(names - set(first))


def rate_band_ranges() -> dict[str, str]:
    """Each rate band's range of ``spin_rate`` (the share of a document's tokens the spinner was
    asked to replace), for tables' headings.

    >>> rate_band_ranges()
    {'low': 'under 20%', 'light': '20% to under 29%', 'medium': '29% to under 38%', 'heavy': '38% and over'}
    """
    edges = [round(100 * e) for e in RATE_BAND_EDGES]
    out = {RATE_BANDS[0]: f"under {edges[0]}%"}
    out.update({band: f"{lo}% to under {hi}%" for band, lo, hi in zip(RATE_BANDS[1:], edges, edges[1:])})
    out[RATE_BANDS[-1]] = f"{edges[-1]}% and over"
    return out


def rate_bands_text() -> str:
    """The rate bands and their ranges in one phrase.

    >>> for part in rate_bands_text().split("; "):
    ...     print(part)
    low under 20% (sparse and most partial documents)
    light 20% to under 29%, medium 29% to under 38%, heavy 38% and over (light, medium and heavy split into thirds the 20-47% that whole-article spinning is asked for)
    """
    ranges = rate_band_ranges()
    low, *rest = RATE_BANDS
    whole = f"{round(100 * RATE_RANGE[0])}-{round(100 * RATE_RANGE[1])}%"
    return (f"{low} {ranges[low]} (sparse and most partial documents); " + ", ".join(f"{band} {ranges[band]}" for band in rest)
            + f" (light, medium and heavy split into thirds the {whole} that whole-article spinning is asked for)")


def rate_band(rate: float) -> str:
    """Light / medium / heavy (see ``RATE_BAND_EDGES``), the bands scores are broken down by.

    >>> rate_band(0.0), rate_band(0.02), rate_band(0.2), rate_band(0.3), rate_band(0.4)
    ('clean', 'low', 'light', 'medium', 'heavy')
    """
    if rate <= 0:
        return CLEAN_BAND
    for band, edge in zip(RATE_BANDS, RATE_BAND_EDGES):
        if rate < edge:
            return band
    return RATE_BANDS[-1]
