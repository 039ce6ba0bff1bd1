"""How far the ``ranker``'s candidates and features can go on each config: a ceiling, not a score.

For a seeded sample of each config's test gold spans, the ``ranker`` fitted on ``news``/train
(its cached fit, as ``evaluate`` uses it) describes every span's candidates. Then:

- **original found**: the share of spans whose original is among the candidates at all; no
  ranking of these candidates can do better;
- **ranker top-1**: the fitted ranker's first candidate on the sample (the entry's top-1, within
  sampling error);
- **refit on the config, top-1**: gradient-boosted trees of the ranker's own settings fitted on
  the same features of *this config's* spans, cross-fitted by document (two halves; each half
  scored by the trees fitted on the other), with the training half cut to 1/4, 1/2 and all of
  it. This uses what no honest restorer has, the held-out spinner's own edits, so it is what the
  candidates and features could reach if the held-out spinner were known in training; where it
  stops rising with more spans, more of the same data would not lift it.

    python benchmarks/restoration_ceiling.py [--spans 2000] [--config unseen-spinner ...]

It reads the built dataset and fits the ``ranker`` on a cold cache (a few minutes); the table is
quoted in docs/restoration.md.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

from baselines.restorer_ranker import ranking_trees
from harness.cli.main import configure_logging
from harness.core.configs import CONFIGS
from harness.core.dataset import load
from harness.core.progress import progress
from harness.restoration.items import restoration_gold
from harness.restoration.metrics import wording
from harness.restoration.run import suggesting_restorer

FRACTIONS = (0.25, 0.5, 1.0)


def described(restorer, config: str, spans: int, seed: int = 0) -> list[tuple[str, int, np.ndarray, np.ndarray]]:
    """``(kind, document, features, is the original)`` of ``spans`` sampled gold spans of the
    config's test split, described as the fitted ``restorer`` describes them."""
    gold = restoration_gold(load(config, "test"))
    items = [(d, item) for d, doc in enumerate(gold.items) for item in doc]
    items = random.Random(seed).sample(items, min(spans, len(items)))
    out = []
    with progress(len(items), f"{config}: describing sampled spans", "span") as bar:
        for d, item in items:
            found, x = restorer.described(gold.tokens[d], item.start, item.end, restorer.counts_)
            want = wording(item.original)
            out.append((item.kind, d, x, np.array([wording(c) == want for c in found], dtype=bool)))
            bar.update(1)
    return out


def top1(rows, scores: list[np.ndarray]) -> float:
    """Share of rows whose highest-scored candidate is the original (none: a miss)."""
    return float(np.mean([bool(len(s)) and bool(y[int(np.argmax(s))]) for (_, _, _, y), s in zip(rows, scores)])) if rows else float("nan")


def scored(rows, probability) -> list[np.ndarray]:
    """Each row's candidates' probabilities of being the original, from one call over all of them."""
    x = np.vstack([r[2] for r in rows])
    p = probability(x) if len(x) else np.zeros(0)
    ends = np.cumsum([len(r[2]) for r in rows])
    return np.split(p, ends[:-1])


def refit_top1(rows, restorer, fraction: float, seed: int = 0) -> float:
    """Top-1 of trees fitted on one half's rows (by document; ``fraction`` of that half's spans)
    and scored on the other half, both ways, pooled."""
    halves = [[r for r in rows if r[1] % 2 == h] for h in (0, 1)]
    rng = random.Random(seed)
    hits, total = 0.0, 0
    for train, test in ((halves[0], halves[1]), (halves[1], halves[0])):
        train = rng.sample(train, round(fraction * len(train)))
        x = np.vstack([r[2] for r in train if len(r[2])])
        y = np.concatenate([r[3] for r in train if len(r[2])]).astype(int)
        trees = ranking_trees(restorer.max_iter, restorer.learning_rate, restorer.max_leaf_nodes, restorer.min_samples_leaf, seed).fit(x, y)
        hits += top1(test, scored(test, lambda x, trees=trees: trees.predict_proba(x)[:, 1])) * len(test)
        total += len(test)
    return hits / total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spans", type=int, default=2000, help="gold spans sampled per config (seed 0; default 2000)")
    parser.add_argument("--config", action="append", choices=list(CONFIGS), help="a config (repeatable; default: every one)")
    args = parser.parse_args()
    configure_logging()  # the fit's and the describing's progress on stderr, as `evaluate` shows it
    started = time.perf_counter()
    restorer, _ = suggesting_restorer("ranker")
    header = ["config", "spans", "original found", "ranker top-1", *(f"refit on the config, top-1 ({f:g} of a half)" for f in FRACTIONS),
              "one-word spans: found", "ranker", "refit (all)"]
    lines = ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    for config in args.config or list(CONFIGS):
        rows = described(restorer, config, args.spans)
        ranker = top1(rows, scored(rows, restorer.probabilities))
        refits = [refit_top1(rows, restorer, f) for f in FRACTIONS]
        words = [r for r in rows if r[0] == "one_word"]
        word_refit = refit_top1(words, restorer, 1.0) if len(words) >= 100 else float("nan")
        cells = [f"`{config}`", f"{len(rows):,}", f"{np.mean([r[3].any() for r in rows]):.3f}", f"{ranker:.3f}", *(f"{v:.3f}" for v in refits),
                 f"{np.mean([r[3].any() for r in words]):.3f}", f"{top1(words, scored(words, restorer.probabilities)):.3f}", f"{word_refit:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    print("\n".join(lines))
    print(f"\n({time.perf_counter() - started:,.0f} s)")


if __name__ == "__main__":
    main()
