"""Prediction speed of the `classifier` and `embedding` baselines, before and after the speed
work, side by side in one run, and their token F1 on news/test.

    python benchmarks/baseline_speed.py [--dataset DIR] [--models classifier,embedding]
        [--config unseen-domain] [--repeat 3] [--embedding-tokens 8000] [--reference-rev REV]

For each model, the reference implementation is the module as it was at ``--reference-rev``
(read with ``git show``, so a full clone is needed) and the current one is the registered
detector. Both are fitted through the fit cache (``evaluate``'s own ``fit_and_calibrate``: fitted
on news/train, thresholds chosen on news/validation), so the first run fits whatever is not cached
yet. Then each measurement runs in a fresh process that loads the cached fit: one warm-up call on
one document (reported as "first call": loading resources), then predict over ``--config``/test
in batches of 64 documents, as ``evaluate`` does. The old and the new implementation alternate,
``--repeat`` times each (the embedding once), and the best time of each is reported: on a shared
machine the best is the least disturbed. The embedding is timed on the first
``--embedding-tokens`` tokens of the split (the old one manages a few hundred tokens a second).
Finally both score all of news/test; the table gives their token F1 (as ``evaluate`` reports it)
and the largest difference between their token scores. Runs on CPU (``CUDA_VISIBLE_DEVICES=``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# main just before the speed work (issue 11): the per-token classifier and the one-window-at-a-
# time embedding.
REFERENCE_REV = "099285f43a9ee0187da2b72cf091636590a24b30"
CLASSES = {"classifier": "ClassifierDetector", "embedding": "EmbeddingDetector"}


def reference_package(rev: str, folder: Path) -> None:
    """Write ``spinbench_reference/<model>.py``, each model's module at ``rev``, under ``folder``."""
    package = folder / "spinbench_reference"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text('"""Baselines as they were at an earlier revision."""\n')
    for model in CLASSES:
        try:
            source = subprocess.run(["git", "show", f"{rev}:baselines/{model}.py"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        except subprocess.CalledProcessError as err:
            sys.exit(f"cannot read baselines/{model}.py at {rev}: {err.stderr.strip()} (a shallow clone? run: git fetch --unshallow)")
        (package / f"{model}.py").write_text(source)


def target(model: str, impl: str) -> str:
    return f"spinbench_reference.{model}:{CLASSES[model]}" if impl == "reference" else model


# --- the worker: one fresh process per measurement -----------------------------------------------


def worker(args) -> dict:
    import harness
    from harness.evaluation import detector_calls
    from harness.evaluation.evaluate import fit_and_calibrate, predict
    from harness.evaluation.registry import REGISTRY, make_detector
    from harness.evaluation.scoring import score_split

    model = target(args.model, args.impl)
    detector = make_detector(model, {})
    detector, thresholds, fit_seconds = fit_and_calibrate(detector, model, REGISTRY.get(model, model), args.dataset)
    if args.task == "prepare":
        return {"fit_seconds": fit_seconds}
    if fit_seconds is not None:
        raise SystemExit("internal: the fit was not cached; run the prepare step first")
    if args.task == "f1":
        split = harness.load("news", "test", dataset=args.dataset)
        tokens, docs, _ = predict(model, detector, split, "news/test")
        scores = score_split(split.gold, tokens, docs, thresholds.token, thresholds.document, n_boot=0)
        Path(args.scores_out).write_text(json.dumps(tokens))
        return {"token_f1": scores["token"]["f1"]["value"]}
    docs = harness.load(args.config, "test", dataset=args.dataset).token_texts()
    if args.max_tokens:
        kept, total = [], 0
        for doc in docs:
            if total >= args.max_tokens:
                break
            kept.append(doc)
            total += len(doc)
        docs = kept
    ids = [str(i) for i in range(len(docs))]
    started = time.perf_counter()
    detector_calls.predict(model, detector, ids[:1], docs[:1])
    first_call = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(0, len(docs), 64):
        detector_calls.predict(model, detector, ids[i : i + 64], docs[i : i + 64])
    seconds = time.perf_counter() - started
    return {"tokens": sum(map(len, docs)), "documents": len(docs), "seconds": seconds, "first_call": first_call}


def run_worker(model: str, impl: str, task: str, args, reference_dir: Path, **extra) -> dict:
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TQDM_DISABLE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(reference_dir), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, __file__, "--worker", "--model", model, "--impl", impl, "--task", task, "--dataset", args.dataset, "--config", args.config]
    for key, value in extra.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"{impl} {model} {task} failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the driver ---------------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} CPU cores ({cpu}), load average before the run {os.getloadavg()[0]:.1f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default=os.environ.get("SPINBENCH_DATA", "data"))
    parser.add_argument("--models", default="classifier,embedding")
    parser.add_argument("--config", default="unseen-domain", help="held-out config whose test split is timed")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each classifier implementation")
    parser.add_argument("--embedding-tokens", type=int, default=8000, help="tokens of the split to time the embedding on")
    parser.add_argument("--reference-rev", default=REFERENCE_REV)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    parser.add_argument("--impl", help=argparse.SUPPRESS)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--max-tokens", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scores-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return

    print(machine(), flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        reference_dir = Path(tmp)
        reference_package(args.reference_rev, reference_dir)
        for model in args.models.split(","):
            impls = ("reference", "current")
            for impl in impls:
                print(f"{model} {impl}: fitting unless cached...", file=sys.stderr, flush=True)
                run_worker(model, impl, "prepare", args, reference_dir)
            limit = args.embedding_tokens if model == "embedding" else 0
            repeat = 1 if model == "embedding" else args.repeat
            timings = {impl: [] for impl in impls}
            for _ in range(repeat):
                for impl in impls:
                    t = run_worker(model, impl, "speed", args, reference_dir, max_tokens=limit)
                    timings[impl].append(t)
                    print(f"{model} {impl}: {t['tokens'] / t['seconds']:,.0f} tokens/s ({t['tokens']:,} tokens in {t['seconds']:.2f} s; first call {t['first_call']:.2f} s)", file=sys.stderr, flush=True)
            f1, scores = {}, {}
            for impl in impls:
                path = reference_dir / f"{model}.{impl}.json"
                f1[impl] = run_worker(model, impl, "f1", args, reference_dir, scores_out=path)["token_f1"]
                scores[impl] = json.loads(path.read_text())
            diff = max((abs(a - b) for x, y in zip(scores["reference"], scores["current"]) for a, b in zip(x, y)), default=0.0)
            best = {impl: min(ts, key=lambda t: t["seconds"]) for impl, ts in timings.items()}
            speed = {impl: best[impl]["tokens"] / best[impl]["seconds"] for impl in impls}
            for impl in impls:
                label = f"reference ({args.reference_rev[:7]})" if impl == "reference" else "current"
                rows.append((model, label, f"{speed[impl]:,.0f}", f"{best[impl]['first_call']:.1f}", f"{f1[impl]:.4f}"))
            rows.append((model, "new / old", f"{speed['current'] / speed['reference']:.1f}x", "", f"{f1['current'] - f1['reference']:+.4f} (largest score difference {diff:.2g})"))
    tokens = {m: "all" if m != "embedding" else f"first {args.embedding_tokens:,}" for m in args.models.split(",")}
    print(f"\npredict in a fresh process from a cached fit on {args.config}/test ({', '.join(f'{m}: {t} tokens' for m, t in tokens.items())}); best of the runs")
    header = ("model", "implementation", "tokens/s", "first call s", "news/test token F1")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
