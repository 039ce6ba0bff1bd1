"""A quick look at the ``ranker`` restorer on a sample of ``news``/validation's gold spans (never
test; ``--spans 8000`` takes all 7,941): top-1 and how often the original is among the candidates at all, per edit kind,
precision at coverages, and spans per second, for a fit smaller than the default when asked. The full figures come from ``evaluate --task restore --model ranker``
(``benchmarks/run_restoration.sh``); this is for developing it.

    python benchmarks/restoration_ranker_check.py [--train-spans 10000] [--spans 1000]
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter

import harness
from baselines.restorer_ranker import RankingRestorer
from harness.restoration.items import restoration_gold, training_data
from harness.restoration.metrics import hit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train-spans", type=int, default=RankingRestorer().train_spans, help="gold spans of news/train the ranker fits on (default: its own)")
    parser.add_argument("--spans", type=int, default=1000, help="validation gold spans sampled (seed 0)")
    args = parser.parse_args()
    started = time.perf_counter()
    restorer = RankingRestorer(train_spans=args.train_spans).fit(*training_data(harness.load("news", "train")))
    print(f"fit on {args.train_spans:,} training spans: {time.perf_counter() - started:,.0f} s")
    gold = restoration_gold(harness.load("news", "validation"))
    items = [(d, i) for d, doc in enumerate(gold.items) for i in doc]
    random.Random(0).shuffle(items)
    items = items[: args.spans]
    right, count, scored = Counter(), Counter(), []
    started = time.perf_counter()
    for d, item in items:
        (ranked,) = restorer.restore(gold.tokens[d], [(item.start, item.end)])
        ok = bool(ranked) and hit([ranked[0][0]], item.original, 1)
        right[item.kind] += ok
        count[item.kind] += 1
        scored.append((ranked[0][1] if ranked else 0.0, ok))
    rate = len(items) / (time.perf_counter() - started)
    print(f"news/validation, {len(items):,} sampled gold spans: top-1 {sum(right.values()) / len(items):.3f} "
          + ", ".join(f"{k} {right[k] / count[k]:.3f} ({count[k]})" for k in sorted(count)) + f"; {rate:,.0f} spans/s")
    found = Counter()
    for d, item in items:
        found[item.kind] += any(hit([c], item.original, 1) for c in restorer.pool(gold.tokens[d], item.start, item.end, restorer.counts_))
    print(f"the original among the candidates: {sum(found.values()) / len(items):.3f}, " + ", ".join(f"{k} {found[k] / count[k]:.3f}" for k in sorted(count)))
    scored.sort(key=lambda x: -x[0])
    for coverage in (0.1, 0.2, 0.3, 0.5, 1.0):
        shown = scored[: max(1, round(coverage * len(scored)))]
        print(f"coverage {coverage:.1f}: precision {sum(ok for _, ok in shown) / len(shown):.3f} (confidence >= {shown[-1][0]:.3f})")


if __name__ == "__main__":
    main()
