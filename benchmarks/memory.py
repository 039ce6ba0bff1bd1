"""Peak memory and time of `evaluate --model lexicon` and of `spinbench detect` on long texts.

    python benchmarks/memory.py [--sizes 5,10,20] [--quick] [--dataset DIR]

Each command runs in a fresh process; its peak resident set comes from the operating system
(``os.wait4``, in a small go-between process: see ``GO_BETWEEN``). Beside `evaluate` it measures
its anchor, the plain per-record loader: a process that loads `news` train, validation and test
as Python dicts (``Split.records``), as `evaluate` once held them.
`detect` reads a text made by repeating the test fixtures (text written for this project) up to
each size, as text and as JSON output; the goal is linear growth and at most 0.5 GB at 20 MB. Needs the built dataset and a cached or quick lexicon fit.

``evaluate_memory`` and ``detect_runs`` return the figures (``benchmarks/run_all.py`` puts them in
its table); ``main`` prints them.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = [ROOT / "tests" / "fixtures" / "articles.txt", ROOT / "tests" / "fixtures" / "news_stories.txt"]
# What evaluate once held: the train, validation and test splits as Python dicts.
PER_RECORD = ("import harness; rows = [r for s in ('train', 'validation', 'test') for r in harness.load('news', s, dataset={dataset!r}).records]; "
              "print(len(rows))")
CLI = [sys.executable, "-m", "harness.cli.main"]


# Starts the measured command and reports its exit code, wall seconds and peak resident set (KB).
# Linux carries the peak of the process that starts a command into the command's own (exec keeps
# the larger), so a command started straight from a large caller such as run_all would report the
# caller's peak; this go-between is a small fresh process.
GO_BETWEEN = """
import os, subprocess, sys, time
started = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(proc.pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss)
"""


def peak(cmd: list[str], stdin: Path | None = None) -> tuple[float, float]:
    """(wall seconds, peak resident set in MB) of ``cmd`` in a fresh process; fails loudly."""
    with open(stdin or os.devnull, "rb") as src:
        done = subprocess.run([sys.executable, "-c", GO_BETWEEN, *cmd], cwd=ROOT, stdin=src, capture_output=True, text=True, check=False)
    code, seconds, kb = done.stdout.split() if done.returncode == 0 else ("1", "0", "0")
    if code != "0":
        raise SystemExit(f"{' '.join(cmd)} failed: {done.stderr[-500:]}")
    return float(seconds), int(kb) / 1024


def long_text(mb: float, folder: Path) -> Path:
    """A text of about ``mb`` MB: the fixtures repeated, paragraphs kept."""
    unit = "\n\n".join(p.read_text(encoding="utf-8") for p in FIXTURES) + "\n\n"
    path = folder / f"text-{mb:g}MB.txt"
    path.write_text(unit * max(1, int(mb * 1e6 / len(unit.encode()))), encoding="utf-8")
    return path


def dataset_args(dataset: str | None) -> list[str]:
    return ["--dataset", str(dataset)] if dataset else []


def evaluate_memory(dataset: str | None = None) -> dict:
    """{"evaluate": (seconds, peak MB) of `evaluate --model lexicon` from a cached fit on news/test,
    "per_record": (seconds, peak MB) of loading news train, validation and test as dicts}."""
    with tempfile.TemporaryDirectory() as tmp:
        evaluate = [*CLI, "evaluate", "--model", "lexicon", *dataset_args(dataset)]
        peak([*evaluate, "--bootstrap", "10", "--out", str(Path(tmp) / "fit")])  # fit, if not cached
        ours = peak([*evaluate, "--out", str(Path(tmp) / "measured")])
    anchor = peak([sys.executable, "-c", PER_RECORD.format(dataset=str(dataset) if dataset else None)])
    return {"evaluate": ours, "per_record": anchor}


def detect_runs(sizes: list[float], dataset: str | None = None) -> list[dict]:
    """`detect --model lexicon` on a text of each size (MB), as text and as JSON: one dict
    {mb (the text's real size), format, seconds, peak_mb} a run."""
    runs = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            text = long_text(mb, Path(tmp))
            real = text.stat().st_size / 1e6
            for fmt in ("text", "json"):
                seconds, peak_mb = peak([*CLI, "detect", "--model", "lexicon", "--format", fmt, *dataset_args(dataset), str(text)])
                runs.append({"mb": real, "format": fmt, "seconds": seconds, "peak_mb": peak_mb})
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="5,10,20", help="text sizes for detect, MB")
    parser.add_argument("--quick", action="store_true", help="detect on 1 and 2 MB only")
    parser.add_argument("--dataset", default=None, help="built dataset (default: data/, or $SPINBENCH_DATA)")
    args = parser.parse_args()
    sizes = [1.0, 2.0] if args.quick else [float(x) for x in args.sizes.split(",")]
    memory = evaluate_memory(args.dataset)
    rows = [("evaluate --model lexicon (cached fit), news/test", *memory["evaluate"]),
            ("anchor: news train, validation and test as Python dicts (the per-record loader)", *memory["per_record"])]
    rows += [(f"detect --model lexicon --format {r['format']}, {r['mb']:.1f} MB", r["seconds"], r["peak_mb"]) for r in detect_runs(sizes, args.dataset)]
    print("| run | seconds | peak memory (MB) |\n|---|---:|---:|")
    for what, seconds, mb in rows:
        print(f"| {what} | {seconds:.1f} | {mb:,.0f} |")


if __name__ == "__main__":
    main()
