"""Do the thresholds chosen on ``news``/validation carry over to the held-out configs?

    python benchmarks/threshold_transfer.py [--results results] [--before runs] [--dataset data] [--config C]

For every results file under ``--results`` (leaderboard entries ``<model>/<config>.json``, or
ordinary runs ``<model>/<config>.test.json`` under ``runs/``), from its predictions alone: token
F1 at the thresholds it was scored with (the harness's rule, ``THRESHOLD_RULE``), token average
precision (how well the model ranks spun tokens above clean ones, whatever the threshold), token
F1 at the best threshold *for that split* (an oracle no detector can choose: the ceiling of any
threshold rule) and the gap; the same for documents. The issue's bar: on every held-out config
the token gap is at most 0.05, and document F1 does not collapse. Prints a Markdown table.

With ``--before RUNS`` (a runs folder holding ``<model>/news.validation.predictions.jsonl.gz``,
written by ``evaluate --model M --split validation``; ``benchmarks/run_baselines.sh`` writes
them), it also shows F1 under two fixed-threshold rules re-chosen from those validation
predictions: the F1 optimum on news/validation used as it is (the rule before this one), and
the lowest cut within 0.02 F1 of that optimum (an alternative weighed and set aside).
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

MARGIN = 0.02  # the set-aside alternative: lowest cut within this much F1 of the optimum


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


def scores_of(pred_path: Path, gold) -> tuple[np.ndarray, np.ndarray]:
    """(every token score, documents end to end; document scores) of a predictions file."""
    tokens, docs = match_predictions(pred_path, gold, read_predictions(pred_path)[1])
    flat = np.concatenate([np.asarray(t, dtype=float) for t in tokens]) if tokens else np.zeros(0)
    return flat, np.asarray(docs, dtype=float)


def fixed_rules(before: Path | None, model: str, dataset: str | None) -> dict[str, tuple[float, float]]:
    """{rule: (token, document) thresholds} of the fixed-threshold rules, from the model's
    news/validation predictions under ``before``; empty when there are none."""
    pred_path = before / model / f"{DEFAULT_CONFIG}.{CALIBRATION_SPLIT}.predictions.jsonl.gz" if before else None
    if pred_path is None or not pred_path.exists():
        return {}
    gold = load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=dataset).gold
    s, d = scores_of(pred_path, gold)
    return {margin: (metrics.best_f1_cut(gold.labels, s, margin=margin), metrics.best_f1_cut(gold.is_spun, d, margin=margin)) for margin in (0.0, MARGIN)}


def row(path: Path, dataset: str | None, before: Path | None) -> list[str]:
    res = read_results(path)
    config = res.dataset.config
    gold = load(config, res.dataset.split, dataset=dataset).gold
    s, d = scores_of(path.parent / res.predictions, gold)
    y, spun = gold.labels.astype(bool), gold.is_spun.astype(bool)
    fixed = fixed_rules(before, res.model.name, dataset)
    token_fixed = [f"{f1(y, s >= fixed[m][0]):.3f}" if m in fixed else "-" for m in (0.0, MARGIN)]
    doc_fixed = [f"{f1(spun, d >= fixed[m][1]):.3f}" if m in fixed else "-" for m in (0.0, MARGIN)]
    chosen, best = f1(y, s >= res.thresholds.token), best_f1(y, s)
    doc_chosen, doc_best = f1(spun, d >= res.thresholds.document), best_f1(spun, d)
    where = config if config == DEFAULT_CONFIG else f"{config} (held out)"
    return [res.model.name, where, *token_fixed, f"{chosen:.3f}", f"{best:.3f}", f"{best - chosen:.3f}", f"{metrics.auprc(y, s):.3f}",
            *doc_fixed, f"{doc_chosen:.3f}", f"{doc_best:.3f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", default="results", help="results/ (leaderboard entries) or runs/")
    parser.add_argument("--before", type=Path, default=None, help="runs folder with news/validation predictions (fixed-rule columns)")
    parser.add_argument("--dataset", default=None)
    parser.add_argument("--config", action="append", choices=list(CONFIGS), help="only these configs (default: all)")
    args = parser.parse_args()
    print("| model | config | token F1: fixed optimum (old rule) | fixed, lowest within 0.02 | matched flag rate (the rule) | best threshold | gap | token AUPRC "
          "| doc F1: fixed optimum (old rule) | fixed, lowest within 0.02 | matched flag rate (the rule) | best threshold |")
    print("|---|---|" + "---:|" * 10)
    for path in results_files(Path(args.results), args.config or list(CONFIGS)):
        print("| " + " | ".join(row(path, args.dataset, args.before)) + " |")


if __name__ == "__main__":
    main()
