"""How long scoring the full news test split takes, next to seqeval on the same labels.

    python benchmarks/scoring_speed.py [PREDICTIONS] [--dataset DIR] [--repeat 3]
        (PREDICTIONS default: results/lexicon/news.predictions.jsonl.gz)

spinbench's score_split computes token, strict and partial span, and document scores plus 1,000
bootstrap resamples for every interval; seqeval computes strict-span precision, recall and F1
once, with no intervals. Both get the same thresholded labels; each is timed ``--repeat`` times,
the two in turn (a machine whose speed drifts slows both alike), and the best of each is kept. ``measure`` returns the figures (``benchmarks/run_all.py`` puts them in its
table); ``main`` prints them.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import harness
from harness.evaluation.predictions import match_predictions, read_predictions
from harness.evaluation.scoring import score_split

ROOT = Path(__file__).resolve().parents[1]
PREDICTIONS = ROOT / "results" / "lexicon" / "news.predictions.jsonl.gz"


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def measure(predictions: str | Path = PREDICTIONS, dataset=None, repeat: int = 3) -> dict:
    """Best seconds of ``score_split`` (all levels, 1,000 resamples) and of seqeval's strict span
    P/R/F1 on the split ``predictions`` was made for: {documents, tokens, spinbench_seconds,
    seqeval_seconds}."""
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    path = Path(predictions)
    header, rows = read_predictions(path)
    split = harness.load(header["config"], header["split"], dataset=dataset)
    tokens, docs = match_predictions(path, split.gold, rows)
    t, d = header["token_threshold"], header["doc_threshold"]

    def iob(labels):
        return ["O" if not v else ("I-S" if i and labels[i - 1] else "B-S") for i, v in enumerate(labels)]

    gold = [iob(labels) for labels in split.gold.doc_labels()]
    pred = [iob([int(v >= t) for v in s]) for s in tokens]

    def seqeval_scores():
        kw = {"mode": "strict", "scheme": IOB2}
        return precision_score(gold, pred, **kw), recall_score(gold, pred, **kw), f1_score(gold, pred, **kw)

    ours, theirs = float("inf"), float("inf")
    for _ in range(repeat):
        ours = min(ours, best_of(lambda: score_split(split.gold, tokens, docs, t, d, n_boot=1000, seed=0), 1))
        theirs = min(theirs, best_of(seqeval_scores, 1))
    return {"documents": len(split), "tokens": int(split.gold.offsets[-1]), "spinbench_seconds": ours, "seqeval_seconds": theirs}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("predictions", nargs="?", default=str(PREDICTIONS))
    parser.add_argument("--dataset", default=None, help="dataset with the gold labels (default: data/, or $SPINBENCH_DATA)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each; the best is kept")
    args = parser.parse_args()
    m = measure(args.predictions, args.dataset, args.repeat)
    ours, theirs = m["spinbench_seconds"], m["seqeval_seconds"]
    print(f"{m['documents']} documents, {m['tokens']:,} tokens")
    print(f"spinbench score_split (all levels, 1,000 bootstrap resamples): {ours:.3f}s")
    print(f"seqeval strict span P/R/F1 (no intervals):                     {theirs:.3f}s")
    print(f"ratio spinbench / seqeval: {ours / theirs:.3f} (spinbench {theirs / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
