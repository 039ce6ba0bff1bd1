"""Issue 11's figures, each beside its anchor measured in the same run, with the ratio.

    python benchmarks/run_all.py [--quick] [--dataset data]

Corpus-side rows (this script measures them):

- aligner: ``align_tokens`` on every ``news``/test document against difflib's opcodes alone on
  the same token keys (the anchor: the plain matcher the aligner refines);
- build: ``spinbench build`` of the ``news`` config in one process against the same build on a
  Dask LocalCluster of 2 workers (documents per second; the data must be equal byte for byte,
  which the run checks). ``--quick`` builds 60 BBC originals instead of all of them.

The evaluation-side rows (classifier and embedding prediction, scoring against seqeval, the
memory of ``evaluate``, ``detect``) have their own scripts (``benchmarks/baseline_speed.py``,
``benchmarks/scoring_speed.py``); this script runs them when asked (``--evaluation``) and prints
their output below the table, since their figures are printed, not returned.
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaling import base_articles, measured, write_corpus  # noqa: E402  (one way of timing a build, shared)

ROOT = Path(__file__).resolve().parents[1]


def aligner_row(dataset: str, limit: int | None) -> tuple[str, str, str, str]:
    import harness
    from harness.core.tokens import Token, normalize
    from harness.corpus.align import align_tokens

    records = harness.load("news", "test", dataset=dataset).records[:limit]
    pairs = [([Token(**t) for t in r["original_tokens"]], [Token(**t) for t in r["tokens"]], r) for r in records]
    started = time.perf_counter()
    for a, b, r in pairs:
        align_tokens(r["original_text"], a, r["text"], b)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    for a, b, _ in pairs:
        difflib.SequenceMatcher(None, [normalize(t.text) for t in a], [normalize(t.text) for t in b], autojunk=False).get_opcodes()
    anchor = time.perf_counter() - started
    tokens = sum(len(b) for _, b, _ in pairs)
    return (f"aligner, news/test ({len(pairs)} documents, {tokens:,} tokens)", f"{tokens / ours:,.0f} tokens/s",
            f"difflib opcodes alone: {tokens / anchor:,.0f} tokens/s", f"{anchor / ours:.2f}x")


def build_row(n_articles: int | None) -> tuple[str, str, str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        args = ["build", "--configs", "news"]
        if n_articles:
            corpus = work / "corpus.jsonl"
            write_corpus(corpus, base_articles(n_articles), 1)
            args += ["--source", f"local:{corpus}"]
        single = measured("main", [*args, "--out", str(work / "single"), "--num-proc", "1"])
        dask = measured("main", [*args, "--out", str(work / "dask"), "--dask", "local:2"])
        same = all((work / "single" / "news" / f).read_bytes() == (work / "dask" / "news" / f).read_bytes()
                   for f in sorted(p.name for p in (work / "single" / "news").glob("*.parquet")))
        docs = json.loads((work / "single" / "build_stats.json").read_text())["documents"]
    label = f"build, news config ({docs:,} documents{'' if same else '; OUTPUTS DIFFER'})"
    return (label, f"Dask local:2: {docs / dask['seconds']:.1f} documents/s ({dask['seconds']:.0f} s)",
            f"one process: {docs / single['seconds']:.1f} documents/s ({single['seconds']:.0f} s)", f"{single['seconds'] / dask['seconds']:.2f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a small build and 50 aligned documents (a few minutes)")
    ap.add_argument("--dataset", default=str(ROOT / "data"), help="built dataset for the aligner row")
    ap.add_argument("--evaluation", action="store_true", help="also run the evaluation side's benchmark scripts")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; load average at start "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    rows = [aligner_row(args.dataset, 50 if args.quick else None), build_row(60 if args.quick else None)]
    print("| figure | measured | anchor, same run | ratio |\n|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if args.evaluation:
        for script in ("scoring_speed.py", "baseline_speed.py"):
            print(f"\n$ python benchmarks/{script}", flush=True)
            subprocess.run([sys.executable, str(ROOT / "benchmarks" / script)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
