"""Do the thresholds chosen on ``news``/validation carry over to the held-out configs?

    python benchmarks/threshold_transfer.py [--results results] [--dataset data]

For every leaderboard entry, from its committed predictions alone: token F1 at the threshold it
was scored with, token F1 at the best threshold *for that split* (an oracle no detector can
choose, the ceiling for any threshold rule), and the gap; the same for documents. The issue's
bar: on every held-out config the token gap is at most 0.05, and document F1 does not collapse.
Prints a Markdown table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from harness.core.configs import CONFIGS, DEFAULT_CONFIG
from harness.core.dataset import load
from harness.evaluation import metrics
from harness.evaluation.leaderboard import collect
from harness.evaluation.predictions import read_predictions, match_predictions
from harness.evaluation.scoring import threshold_flags


def f1_at(y: np.ndarray, flags: np.ndarray) -> float:
    tp = int((flags & y).sum())
    return float(metrics.prf(tp, int((flags & ~y).sum()), int((~flags & y).sum()))[2])


def best_f1(y: np.ndarray, s: np.ndarray) -> float:
    cut = metrics.best_f1_cut(y, s)
    return f1_at(y, s >= cut) if cut is not None else 0.0


def rows(results_dir: Path, dataset: str | None) -> list[list[str]]:
    entries = collect(results_dir)
    out = []
    for model in sorted(entries):
        for config in (c for c in CONFIGS if c in entries[model]):
            res = entries[model][config]
            split = load(config, res.dataset["split"], dataset=dataset)
            path = res.path.parent / res.predictions
            header, found = read_predictions(path)
            tokens, docs = match_predictions(path, split.gold, found)
            gold = split.gold
            y = gold.labels.astype(bool)
            s = np.concatenate([np.asarray(t, dtype=float) for t in tokens]) if tokens else np.zeros(0)
            d = np.asarray(docs, dtype=float)
            token_chosen = f1_at(y, threshold_flags(res.thresholds, tokens, gold))
            doc_chosen = f1_at(gold.is_spun, d >= res.thresholds["document"])
            token_best, doc_best = best_f1(y, s), best_f1(gold.is_spun, d)
            held_out = "" if config == DEFAULT_CONFIG else " (held out)"
            out.append([model, config + held_out, f"{token_chosen:.3f}", f"{token_best:.3f}", f"{token_best - token_chosen:.3f}",
                        f"{doc_chosen:.3f}", f"{doc_best:.3f}"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results")
    parser.add_argument("--dataset", default=None)
    args = parser.parse_args()
    print("| model | config | token F1 at chosen threshold | token F1 at best threshold | gap | doc F1 at chosen | doc F1 at best |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in rows(Path(args.results), args.dataset):
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
