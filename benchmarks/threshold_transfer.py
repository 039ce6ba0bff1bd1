"""Do the thresholds chosen on ``news``/validation carry over to the held-out configs?

    python benchmarks/threshold_transfer.py [--results results] [--dataset data] [--config C]

For every results file under ``--results`` (leaderboard entries ``<model>/<config>.json``, or
ordinary runs ``<model>/<config>.test.json`` under ``runs/``), from its predictions alone: token
F1 at the thresholds it was scored with, token average precision (how well the model ranks spun
tokens above clean ones, whatever the threshold), token F1 at the best threshold *for that
split* (an oracle no detector can choose: the ceiling of any threshold rule) and the gap; the
same for documents. The issue's bar: on every held-out config the token gap is at most 0.05,
and document F1 does not collapse. Prints a Markdown table.

With ``--before RUNS`` (a runs folder holding ``<model>/news.validation.predictions.jsonl.gz``,
written by ``evaluate --model M --split validation``), it also shows token and document F1 at
the thresholds of the old rule, the plain F1 optimum on news/validation (margin 0), re-chosen
from those validation predictions: the "before" of the README's table.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from harness.core.configs import CALIBRATION_SPLIT, CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
from harness.core.dataset import load
from harness.evaluation import metrics
from harness.evaluation.predictions import match_predictions, read_predictions
from harness.evaluation.results import read_results
from harness.evaluation.scoring import threshold_flags


def f1(y: np.ndarray, flags: np.ndarray) -> float:
    return float(metrics.prf(int((flags & y).sum()), int((flags & ~y).sum()), int((~flags & y).sum()))[2])


def best_f1(y: np.ndarray, s: np.ndarray) -> float:
    cut = metrics.best_f1_cut(y, s)
    return f1(y, s >= cut) if cut is not None else 0.0


def results_files(root: Path, configs: list[str]) -> list[Path]:
    found = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for config in configs:
            for name in (f"{config}.json", f"{config}.{EVALUATION_SPLIT}.json"):
                if (folder / name).exists():
                    found.append(folder / name)
    return found


def scores_of(pred_path: Path, gold) -> tuple[list, np.ndarray]:
    tokens, docs = match_predictions(pred_path, gold, read_predictions(pred_path)[1])
    return tokens, np.asarray(docs, dtype=float)


def old_rule(before: Path | None, model: str, dataset: str | None) -> tuple[float, float] | None:
    """(token, document) thresholds of the plain F1 optimum on news/validation, or None."""
    pred_path = before / model / f"{DEFAULT_CONFIG}.{CALIBRATION_SPLIT}.predictions.jsonl.gz" if before else None
    if pred_path is None or not pred_path.exists():
        return None
    gold = load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=dataset).gold
    tokens, docs = scores_of(pred_path, gold)
    s = np.concatenate([np.asarray(t, dtype=float) for t in tokens])
    return metrics.best_f1_cut(gold.labels, s), metrics.best_f1_cut(gold.is_spun, docs)


def row(path: Path, dataset: str | None, before: Path | None) -> list[str]:
    res = read_results(path)
    config = res.dataset["config"]
    split = load(config, res.dataset["split"], dataset=dataset)
    gold = split.gold
    tokens, d = scores_of(path.parent / res.predictions, gold)
    y = gold.labels.astype(bool)
    s = np.concatenate([np.asarray(t, dtype=float) for t in tokens]) if tokens else np.zeros(0)
    chosen = f1(y, threshold_flags(res.thresholds, tokens, gold))
    best = best_f1(y, s)
    ap = metrics.auprc(y, s)
    doc_chosen, doc_best = f1(gold.is_spun, d >= res.thresholds["document"]), best_f1(gold.is_spun, d)
    where = config if config == DEFAULT_CONFIG else f"{config} (held out)"
    old = old_rule(before, res.model["name"], dataset)
    old_token, old_doc = ("-", "-") if old is None else (f"{f1(y, s >= old[0]):.3f}", f"{f1(gold.is_spun, d >= old[1]):.3f}")
    return [res.model["name"], where, old_token, f"{chosen:.3f}", f"{ap:.3f}", f"{best:.3f}", f"{best - chosen:.3f}", old_doc, f"{doc_chosen:.3f}", f"{doc_best:.3f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results", help="results/ (leaderboard entries) or runs/")
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--config", action="append", choices=list(CONFIGS), help="only these configs (default: all)")
    parser.add_argument("--before", type=Path, default=None, help="runs folder with news/validation predictions (old-rule columns)")
    args = parser.parse_args()
    print("| model | config | token F1, old rule | token F1 at chosen thresholds | token AUPRC | token F1 at best threshold | gap | doc F1, old rule | doc F1 at chosen | doc F1 at best |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for path in results_files(Path(args.results), args.config or list(CONFIGS)):
        print("| " + " | ".join(row(path, args.dataset, args.before)) + " |")


if __name__ == "__main__":
    main()
