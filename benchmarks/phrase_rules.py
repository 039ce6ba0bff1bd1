"""Size, load time and samples of the derived phrase and function-word rules
(:mod:`harness.corpus.spin.phrase_sources`), for the data card.

    python benchmarks/phrase_rules.py [--examples 10] [--seed 0]

Prints the distinct (key, rewrite) rules per source, in total, derived, as uninflected rules,
and against the hand-written count; the time to derive the tables (a fresh cache folder) and
to read them back from the cache (a second process); and ``--examples`` rules per source drawn
with ``--seed``.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile

TIMED = "import time; t = time.perf_counter(); from harness.corpus.spin import phrase_sources as p; p.rule_sources(); print(time.perf_counter() - t)"


def load_seconds(cache: str) -> float:
    env = {**os.environ, "SPINBENCH_CACHE": cache}
    return float(subprocess.run([sys.executable, "-c", TIMED], env=env, capture_output=True, text=True, check=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        derive, read = load_seconds(cache), load_seconds(cache)
        os.environ["SPINBENCH_CACHE"] = cache
        from harness.corpus.spin import phrase_sources

        counts = phrase_sources.counts()
        tables = phrase_sources.rule_sources()
    for name, value in counts.items():
        print(f"{name:>20}  {value:>9,}")
    print(f"{'total / handwritten':>20}  {counts['total'] / counts['handwritten']:>9.1f}x"
          f"  (uninflected: {counts['total_uninflected'] / counts['handwritten']:.1f}x)")
    print(f"derive: {derive:.1f} s (fresh cache); read back: {read:.2f} s")
    rng = random.Random(args.seed)
    for name, table in tables.items():
        rules = sorted(phrase_sources.pairs(table))
        print(f"\n{name}:")
        for key, rewrite in rng.sample(rules, min(args.examples, len(rules))):
            print(f"  {' '.join(key)} -> {rewrite}")


if __name__ == "__main__":
    main()
