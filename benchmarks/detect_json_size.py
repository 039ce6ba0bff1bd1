"""How many bytes `spinbench detect --format json` writes for a long text, and its time and peak
memory.

    python benchmarks/detect_json_size.py [--mb 10] [--model lexicon] [--repo PATH] [--dataset DIR]

The text is this project's own test fixtures repeated to about ``--mb`` MB (paragraphs kept:
:func:`memory.long_text`). The command is the one a user runs,
``python -m harness.cli.main detect --model MODEL --format json TEXT``, in a fresh process; its
output is counted as it streams (the same as ``| wc -c``), then parsed once to check that it is
one JSON object with a score per token. ``--repo`` runs another checkout's harness (e.g. a
``git worktree`` of an older commit), to measure the format before a change beside the one after.
Needs the built dataset and a cached fit of the model (or time to fit it).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from memory import ROOT, dataset_args, long_text  # noqa: E402

CHUNK = 1 << 20


def measure(text: Path, model: str, repo: Path, dataset: str | None, out: Path) -> dict:
    """{bytes, seconds, peak_mb} of one `detect --format json` run; its output is kept in ``out``."""
    env = {**os.environ, "PYTHONPATH": str(repo)}
    cmd = [sys.executable, "-m", "harness.cli.main", "detect", "--model", model, "--format", "json", *dataset_args(dataset), str(text)]
    started = time.perf_counter()
    written = 0
    with open(out, "wb") as sink:
        proc = subprocess.Popen(cmd, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        while chunk := proc.stdout.read(CHUNK):
            written += len(chunk)
            sink.write(chunk)
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {os.waitstatus_to_exitcode(status)})")
    return {"bytes": written, "seconds": time.perf_counter() - started, "peak_mb": usage.ru_maxrss / 1024}


def tokens_in(output: Path) -> int:
    """The number of tokens a detect JSON output scores, either format: the compact one's
    ``token_count`` (checked against its arrays) or the per-token rows of the format before it."""
    obj = json.loads(output.read_text(encoding="utf-8"))
    if isinstance(obj.get("tokens"), list):
        return len(obj["tokens"])
    assert obj["token_count"] == len(obj["starts"]) == len(obj["ends"]) == len(obj["scores"]), "arrays of unequal length"
    return obj["token_count"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="size of the text, MB")
    parser.add_argument("--model", default="lexicon")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the checkout whose harness runs (default: this one)")
    parser.add_argument("--dataset", default=None, help="built dataset (default: data/, or $SPINBENCH_DATA)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        text = long_text(args.mb, Path(tmp))
        run = measure(text, args.model, args.repo.resolve(), args.dataset, Path(tmp) / "out.json")
        tokens = tokens_in(Path(tmp) / "out.json")
        size = text.stat().st_size
    print(f"detect --model {args.model} --format json on a {size / 1e6:.1f} MB text ({tokens:,} tokens), harness at {args.repo.resolve()}: "
          f"{run['bytes'] / 1e6:,.1f} MB written ({run['bytes'] / size:.1f} bytes per byte of text, {run['bytes'] / tokens:.1f} per token); "
          f"{run['seconds']:.1f} s, peak memory {run['peak_mb']:,.0f} MB")


if __name__ == "__main__":
    main()
