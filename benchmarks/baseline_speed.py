"""Prediction speed of the `classifier` and `embedding` baselines, before and after the speed
work, side by side in one run, and their token F1 on news/test.

    python benchmarks/baseline_speed.py [--dataset DIR] [--models classifier,embedding]
        [--config unseen-domain] [--repeat 3] [--embedding-tokens 8000] [--reference-rev REV]

For each model, the reference implementation is the module as it was at ``--reference-rev``
(read with ``git show``, so a full clone is needed) and the current one is the registered
detector. Both are fitted through the fit cache (``evaluate``'s own prepare stage, ``fit_and_calibrate``: fitted
on news/train, thresholds chosen on news/validation), so the first run fits whatever is not cached
yet. Then each measurement runs in a fresh process that loads the cached fit: one warm-up call on
one document (reported as "first call": loading resources), then predict over ``--config``/test
in batches of 64 documents, as ``evaluate`` does. The old and the new implementation alternate,
``--repeat`` times each (the embedding once), and the best time of each is reported: on a shared
machine the best is the least disturbed. The embedding is timed on the first
``--embedding-tokens`` tokens of the split (the old one manages a few hundred tokens a second).
Finally both score all of news/test; the table gives their token F1 (as ``evaluate`` reports it)
and the largest difference between their token scores. Runs on CPU (``CUDA_VISIBLE_DEVICES=``).

``measure`` returns one model's figures (``benchmarks/run_all.py`` puts them in its table, and
with ``--quick`` fits on a small build of its own: the reference fits on the full data take most
of an hour); ``main`` prints them.
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
# main just before the speed work (docs/changelog.md): the per-token classifier and the one-window-at-a-
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
    from harness.evaluation.predict import predict_split
    from harness.evaluation.prepare import fit_and_calibrate
    from harness.evaluation.registry import REGISTRY, make_detector
    from harness.evaluation.scoring import score_split

    model = target(args.model, args.impl)
    detector = make_detector(model, {})
    detector, thresholds, fit_seconds, *_ = fit_and_calibrate(detector, model, REGISTRY.get(model, model), args.fit_dataset)
    if args.task == "prepare":
        return {"fit_seconds": fit_seconds}
    if fit_seconds is not None:
        raise SystemExit("internal: the fit was not cached; run the prepare step first")
    if args.task == "f1":
        split = harness.load("news", "test", dataset=args.fit_dataset)
        tokens, docs, _ = predict_split(model, detector, split, "news/test")
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


def run_worker(model: str, impl: str, task: str, where: dict, reference_dir: Path, **extra) -> dict:
    """Run ``worker`` in a fresh CPU-only process; ``where`` holds dataset, fit_dataset and config."""
    env = dict(os.environ, CUDA_VISIBLE_DEVICES="", TQDM_DISABLE="1", HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(reference_dir), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, __file__, "--worker", "--model", model, "--impl", impl, "--task", task]
    for key, value in {**where, **extra}.items():
        cmd += [f"--{key.replace('_', '-')}", str(value)]
    out = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, check=False)
    if out.returncode != 0:
        sys.exit(f"{impl} {model} {task} failed (exit {out.returncode})")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the driver ---------------------------------------------------------------------------------------


def cpu_name() -> str:
    try:
        return next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or platform.machine()


def machine() -> str:
    return f"{os.cpu_count()} CPU cores ({cpu_name()}), load average before the run {os.getloadavg()[0]:.1f}"


def measure(model: str, dataset: str, config: str = "unseen-domain", repeat: int = 3, max_tokens: int = 0,
            reference_rev: str = REFERENCE_REV, fit_dataset: str | None = None) -> dict:
    """The reference (``model``'s module at ``reference_rev``) and the current implementation of
    ``model`` side by side: each fitted and calibrated through the fit cache on ``fit_dataset``
    (default ``dataset``), timed ``repeat`` times in fresh processes on ``config``/test of
    ``dataset`` (its first ``max_tokens`` tokens; 0: all), and scored on ``fit_dataset``'s
    news/test. Returns {"reference": best, "current": best, "score_difference": largest token
    score difference}, each best a worker's timing ({tokens, documents, seconds, first_call})
    with its "tokens_per_second" and "token_f1" added."""
    impls = ("reference", "current")
    where = {"dataset": dataset, "fit_dataset": fit_dataset or dataset, "config": config}
    with tempfile.TemporaryDirectory() as tmp:
        reference_dir = Path(tmp)
        reference_package(reference_rev, reference_dir)
        for impl in impls:
            print(f"{model} {impl}: fitting unless cached...", file=sys.stderr, flush=True)
            run_worker(model, impl, "prepare", where, reference_dir)
        timings = {impl: [] for impl in impls}
        for _ in range(repeat):
            for impl in impls:
                t = run_worker(model, impl, "speed", where, reference_dir, max_tokens=max_tokens)
                timings[impl].append(t)
                print(f"{model} {impl}: {t['tokens'] / t['seconds']:,.0f} tokens/s ({t['tokens']:,} tokens in {t['seconds']:.2f} s; first call {t['first_call']:.2f} s)", file=sys.stderr, flush=True)
        out, scores = {}, {}
        for impl in impls:
            path = reference_dir / f"{model}.{impl}.json"
            best = min(timings[impl], key=lambda t: t["seconds"])
            f1 = run_worker(model, impl, "f1", where, reference_dir, scores_out=path)["token_f1"]
            out[impl] = {**best, "tokens_per_second": best["tokens"] / best["seconds"], "token_f1": f1}
            scores[impl] = json.loads(path.read_text())
    out["score_difference"] = max((abs(a - b) for x, y in zip(scores["reference"], scores["current"]) for a, b in zip(x, y)), default=0.0)
    return out


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
    parser.add_argument("--fit-dataset", help=argparse.SUPPRESS)
    parser.add_argument("--max-tokens", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--scores-out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        from harness.cli.main import configure_logging

        configure_logging()  # the detectors' progress on stderr, as `spinbench evaluate` shows it
        print(json.dumps(worker(args)))
        return

    print(machine(), flush=True)
    models = args.models.split(",")
    rows = []
    for model in models:
        limit = args.embedding_tokens if model == "embedding" else 0
        m = measure(model, args.dataset, args.config, 1 if model == "embedding" else args.repeat, limit, args.reference_rev)
        for impl in ("reference", "current"):
            label = f"reference ({args.reference_rev[:7]})" if impl == "reference" else "current"
            rows.append((model, label, f"{m[impl]['tokens_per_second']:,.0f}", f"{m[impl]['first_call']:.1f}", f"{m[impl]['token_f1']:.4f}"))
        speedup = m["current"]["tokens_per_second"] / m["reference"]["tokens_per_second"]
        f1_change = m["current"]["token_f1"] - m["reference"]["token_f1"]
        rows.append((model, "new / old", f"{speedup:.1f}x", "", f"{f1_change:+.4f} (largest score difference {m['score_difference']:.2g})"))
    tokens = {m: "all" if m != "embedding" else f"first {args.embedding_tokens:,}" for m in models}
    print(f"\npredict in a fresh process from a cached fit on {args.config}/test ({', '.join(f'{m}: {t} tokens' for m, t in tokens.items())}); best of the runs")
    header = ("model", "implementation", "tokens/s", "first call s", "news/test token F1")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
