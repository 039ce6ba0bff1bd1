"""How well each model's token threshold, chosen on ``news``/validation, carries over to a test split.

    python benchmarks/threshold_transfer.py [--config unseen-spinner] [--results results] [--dataset data]

For every predictions file of the config under ``--results`` (``results/<model>/<config>...`` or
``runs/<model>/<config>.test...``), prints the token F1 at the file's own threshold, the token
average precision (how well the model ranks spun tokens above clean ones, whatever the
threshold), and the best token F1 any threshold would give on this split, with that threshold.
A model with a high average precision but a low F1 at its threshold ranks well but scores the
held-out spinner's swaps on another scale than the training spinners'.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", default="unseen-spinner")
    parser.add_argument("--results", default="results", help="folder of <model>/ result folders (results/ or runs/)")
    parser.add_argument("--dataset", default=None)
    args = parser.parse_args()

    from harness.core.dataset import load
    from harness.evaluation.metrics import auprc, best_f1_cut, prf, token_counts
    from harness.evaluation.predictions import match_predictions, read_predictions

    gold = load(args.config, "test", dataset=args.dataset)
    y = np.concatenate([r["labels"] for r in gold.records])
    files = sorted(Path(args.results).glob(f"*/{args.config}.predictions.jsonl.gz")) + sorted(Path(args.results).glob(f"*/{args.config}.test.predictions.jsonl.gz"))
    print(f"{args.config}/test: {len(gold.records)} documents, {len(y):,} tokens, {int(y.sum()):,} spun")
    print(f"{'model':<14}{'threshold':>10}{'F1 there':>10}{'avg precision':>15}{'best F1':>9}{'at':>8}")
    for path in files:
        header, rows = read_predictions(path)
        if header.get("dataset_fingerprint") not in (None, gold.fingerprint):
            print(f"{path.parent.name:<14}  (made on another dataset revision; skipped)")
            continue
        scores = np.concatenate(match_predictions(path, gold.records, rows)[0])
        threshold = header["token_threshold"]
        f1_there = prf(*token_counts(y, (scores >= threshold).astype(int)))[2]
        best = best_f1_cut(y, scores)
        best_f1 = prf(*token_counts(y, (scores >= best).astype(int)))[2]
        print(f"{path.parent.name:<14}{threshold:>10.3f}{f1_there:>10.3f}{auprc(y, scores):>15.3f}{best_f1:>9.3f}{best:>8.3f}")


if __name__ == "__main__":
    main()
