"""Near-duplicate originals across splits: how much of each evaluated original's text a training
original already holds.

For every original of ``news``/validation, ``news``/test and ``unseen-domain``/test, the largest
share of its 8-word shingles found in one ``news``/train original (containment, as in
:mod:`harness.corpus.near_duplicates`); prints how many exceed a half, equal one, and exceed a
fifth. The build groups near-duplicates before splitting, so all three should be 0.

    python benchmarks/leakage.py [--dataset data]
"""

from __future__ import annotations

import argparse

import harness
from harness.corpus.near_duplicates import ShingleIndex


def originals(config: str, split: str, dataset: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for r in harness.load(config, split, dataset=dataset).records:
        out.setdefault(r["source_id"], r["original_text"])
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", default="data")
    args = ap.parse_args()
    train = ShingleIndex(originals("news", "train", args.dataset))
    print(f"{'evaluated split':<22}{'originals':>10}{'> 0.5':>8}{'== 1':>7}{'> 0.2':>8}   (share of 8-word shingles in one news/train original)")
    for config, split in (("news", "validation"), ("news", "test"), ("unseen-domain", "test")):
        scores = [train.best_containment(text)[0] for text in originals(config, split, args.dataset).values()]
        print(f"{config + '/' + split:<22}{len(scores):>10}{sum(s > 0.5 for s in scores):>8}{sum(s == 1 for s in scores):>7}{sum(s > 0.2 for s in scores):>8}")


if __name__ == "__main__":
    main()
