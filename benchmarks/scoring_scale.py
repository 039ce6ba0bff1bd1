"""How scoring grows with the number of documents: ``score_split`` (every level, 1,000 bootstrap
resamples) on a synthetic split of random labels and scores, its CPU seconds and peak memory.

    python benchmarks/scoring_scale.py --documents 5000
    PYTHONPATH=OTHER_CHECKOUT python benchmarks/scoring_scale.py --documents 5000   # another commit's code

Documents of 20-59 tokens, a quarter each clean, whole, partial and sparse (a fifth of a spun
document's tokens spun), token and document scores on the 4-decimal grid, seeded. The news test
split has 217 documents; imported pairs (``--config wild``) can have thousands.
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from harness.core.dataset import GoldColumns
from harness.evaluation.scoring import score_split

REGIMES = ("clean", "whole", "partial", "sparse")


def synthetic_split(n_docs: int, seed: int = 0) -> tuple[GoldColumns, list[list[float]], list[float]]:
    rng = np.random.default_rng(seed)
    records, scores = [], []
    for i in range(n_docs):
        length, regime = int(rng.integers(20, 60)), REGIMES[i % 4]
        labels = (rng.random(length) < (0.0 if regime == "clean" else 0.2)).astype(int)
        records.append({"labels": labels.tolist(), "is_spun": regime != "clean", "recipe": "none" if regime == "clean" else "mixed",
                        "spin_rate": 0.0 if regime == "clean" else 0.2, "domain": "news", "regime": regime})
        scores.append(np.round(rng.random(length) * 0.7 + 0.3 * labels, 4).tolist())
    return GoldColumns.from_records(records), scores, np.round(rng.random(n_docs), 4).tolist()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=5000)
    args = parser.parse_args()
    truth, scores, doc_scores = synthetic_split(args.documents)
    started = time.process_time()
    score_split(truth, scores, doc_scores, 0.5, 0.5)
    seconds = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{args.documents:,} documents: score_split {seconds:.2f} s of CPU, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
