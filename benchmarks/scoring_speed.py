"""How long scoring the full news test split takes, next to seqeval on the same labels.

    python benchmarks/scoring_speed.py [PREDICTIONS]   (default: results/lexicon/news.predictions.jsonl.gz)

spinbench's score_split computes token, strict and partial span, and document scores plus 1,000
bootstrap resamples for every interval; seqeval computes strict-span precision, recall and F1
once, with no intervals. Both get the same thresholded labels.
"""

import sys
import time
from pathlib import Path

import harness
from harness.evaluation.predictions import match_predictions, read_predictions
from harness.evaluation.scoring import score_split


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main():
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    path = Path(sys.argv[1] if len(sys.argv) > 1 else "results/lexicon/news.predictions.jsonl.gz")
    header, rows = read_predictions(path)
    split = harness.load(header["config"], header["split"])
    tokens, docs = match_predictions(path, split.gold, rows)
    t, d = header["token_threshold"], header["doc_threshold"]

    def iob(labels):
        return ["O" if not v else ("I-S" if i and labels[i - 1] else "B-S") for i, v in enumerate(labels)]

    gold = [iob(labels) for labels in split.gold.doc_labels()]
    pred = [iob([int(v >= t) for v in s]) for s in tokens]

    def seqeval_scores():
        kw = dict(mode="strict", scheme=IOB2)
        return precision_score(gold, pred, **kw), recall_score(gold, pred, **kw), f1_score(gold, pred, **kw)

    ours = best_of(lambda: score_split(split.gold, tokens, docs, t, d, n_boot=1000, seed=0))
    theirs = best_of(seqeval_scores)
    n = int(split.gold.offsets[-1])
    print(f"{len(split)} documents, {n:,} tokens")
    print(f"spinbench score_split (all levels, 1,000 bootstrap resamples): {ours:.2f}s")
    print(f"seqeval strict span P/R/F1 (no intervals):                     {theirs:.2f}s")
    print(f"ratio spinbench / seqeval: {ours / theirs:.2f} (spinbench {theirs / ours:.1f}x faster)")


if __name__ == "__main__":
    main()
