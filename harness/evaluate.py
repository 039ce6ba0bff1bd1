"""The evaluation pipeline behind ``evaluate --model X``.

1. Fit the detector on ``news``/train if it needs fitting (fitted detectors are cached, keyed
   by the train fingerprint, the detector and its hyperparameters).
2. Choose the token and document thresholds on ``news``/validation (maximising F1).
3. Score the evaluated split with those thresholds unchanged, write the predictions and the
   results (both atomically), and return the results.
Held-out configs (test split only) use the ``news`` train and validation splits, like ``news``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import re
import resource
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from harness.dataset import Split, load
from harness.detector import get_params, predict_doc_proba, requires_fit
from harness.registry import REGISTRY, make_detector
from harness.results import SCHEMA_VERSION, match_predictions, read_predictions, write_predictions, write_results
from harness.scoring import choose_doc_threshold, choose_threshold, score_split

FIT_SPLITS = ("news", "train", "validation")
SCORE_DECIMALS = 4  # predictions are stored, and scored, at this precision


def cache_dir() -> Path:
    return Path(os.environ.get("SPINBENCH_CACHE", Path.home() / ".cache" / "spinbench"))


def token_docs(split: Split) -> list[list[str]]:
    return [[t["text"] for t in r["tokens"]] for r in split.records]


def predict(detector, docs: list[list[str]], desc: str, batch: int = 64) -> tuple[list[list[float]], list[float], float]:
    """Token and document scores, rounded as stored, and the seconds spent predicting."""
    from tqdm.auto import tqdm

    tokens: list[list[float]] = []
    doc_scores: list[float] = []
    if docs:
        detector.predict_token_proba(docs[:1])  # warm-up: lazy resource loading is not throughput
    started = time.perf_counter()
    with tqdm(total=sum(map(len, docs)), desc=desc, unit="tok", unit_scale=True, disable=None) as bar:
        for i in range(0, len(docs), batch):
            chunk = docs[i : i + batch]
            scores = [list(map(float, s)) for s in detector.predict_token_proba(chunk)]
            tokens += scores
            doc_scores += predict_doc_proba(detector, chunk, scores)
            bar.update(sum(map(len, chunk)))
    seconds = time.perf_counter() - started
    return [[round(v, SCORE_DECIMALS) for v in s] for s in tokens], [round(v, SCORE_DECIMALS) for v in doc_scores], seconds


def _cache_key(detector, target: str, train: Split, validation: Split) -> str:
    """Changes with the data, the detector's hyperparameters and the source of its module."""
    import inspect

    try:
        source = hashlib.sha256(Path(inspect.getfile(type(detector))).read_bytes()).hexdigest()
    except (TypeError, OSError):
        source = None
    blob = json.dumps([target, get_params(detector), source, train.fingerprint, validation.fingerprint], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def fit_and_calibrate(detector, target: str, dataset, use_cache: bool = True) -> tuple[object, float, float, float | None]:
    """(fitted detector, token threshold, doc threshold, fit seconds or None when cached).

    ``use_cache=False`` refits even when a fit is cached, and caches the new fit."""
    train = load(*FIT_SPLITS[:2], dataset=dataset)
    validation = load(FIT_SPLITS[0], FIT_SPLITS[2], dataset=dataset)
    path = cache_dir() / "fits" / f"{_cache_key(detector, target, train, validation)}.pkl"
    if use_cache and path.exists():
        with open(path, "rb") as f:
            cached = pickle.load(f)
        print(f"using the fitted detector cached at {path}", file=sys.stderr)
        return cached["detector"], cached["token_threshold"], cached["doc_threshold"], None
    fit_seconds = 0.0
    if requires_fit(detector):
        print(f"fitting on news/train ({len(train.records)} documents)...", file=sys.stderr)
        started = time.perf_counter()
        detector = detector.fit(token_docs(train), [r["labels"] for r in train.records])
        fit_seconds = time.perf_counter() - started
    scores, doc_scores, _ = predict(detector, token_docs(validation), "news/validation")
    token_threshold = choose_threshold([r["labels"] for r in validation.records], scores)
    doc_threshold = choose_doc_threshold([int(r["is_spun"]) for r in validation.records], doc_scores)
    if requires_fit(detector):  # refitting (--no-cache) refreshes the cache for later runs
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump({"detector": detector, "token_threshold": token_threshold, "doc_threshold": doc_threshold}, f)
        os.replace(tmp, path)
    return detector, token_threshold, doc_threshold, fit_seconds


def git_commit() -> dict:
    root = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain", "--", "harness", "baselines"], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.SubprocessError):
        return {"git_commit": None, "git_dirty": None}
    return {"git_commit": commit or None, "git_dirty": dirty if commit else None}


def hardware() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return info


def results_name(model: str) -> str:
    """A folder name for a model: registered names as they are, import paths made safe."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")


def is_predictions_file(model: str) -> bool:
    return model.endswith((".jsonl.gz", ".jsonl")) or (Path(model).is_file() and ":" not in model)


def evaluate(
    model: str,
    config: str = "news",
    split: str = "test",
    model_args: dict | None = None,
    dataset: str | None = None,
    output_dir: str | Path = "results",
    name: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    threshold: float | None = None,
    use_cache: bool = True,
) -> dict:
    """Run the whole pipeline and return the results (also written under ``output_dir``)."""
    from harness import __version__

    evaluated = load(config, split, dataset=dataset)
    fit_seconds = predict_seconds = None
    if is_predictions_file(model):
        header, rows = read_predictions(Path(model))
        token_scores, doc_scores = match_predictions(Path(model), evaluated.records, rows)
        if any(d is None for d in doc_scores):
            from harness.detector import doc_scores_from_tokens

            doc_scores = doc_scores_from_tokens(token_scores)
        token_threshold = threshold if threshold is not None else header.get("token_threshold", 0.5)
        doc_threshold = header.get("doc_threshold", token_threshold)
        model_info = {"name": name or header.get("model", Path(model).name), "target": header.get("target", "predictions-file"), "params": header.get("params", {})}
    else:
        detector = make_detector(model, model_args)
        target = REGISTRY.get(model, model)
        detector, token_threshold, doc_threshold, fit_seconds = fit_and_calibrate(detector, target, dataset, use_cache)
        if threshold is not None:
            token_threshold = threshold
        token_scores, doc_scores, predict_seconds = predict(detector, token_docs(evaluated), f"{config}/{split}")
        model_info = {"name": name or model, "target": target, "params": get_params(detector)}

    scores = score_split(evaluated.records, token_scores, doc_scores, token_threshold, doc_threshold, n_boot=n_boot, seed=seed)
    n_tokens = sum(len(r["labels"]) for r in evaluated.records)
    out_dir = Path(output_dir) / results_name(model_info["name"])
    predictions_name = f"{config}.predictions.jsonl.gz"
    results = {
        "schema_version": SCHEMA_VERSION,
        "model": model_info,
        "dataset": {"source": evaluated.dataset, "config": config, "split": split, "fingerprint": evaluated.fingerprint, "documents": len(evaluated.records), "tokens": n_tokens},
        "harness": {"version": __version__, **git_commit()},
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "thresholds": {"token": token_threshold, "document": doc_threshold, "chosen_on": "news/validation"},
        "bootstrap": {"resamples": n_boot, "seed": seed},
        "scores": scores,
        "main_score": {"name": "token_f1", **scores["token"]["f1"]},
        "throughput": {
            "tokens_per_second": round(n_tokens / predict_seconds, 1) if predict_seconds else None,
            "predict_seconds": round(predict_seconds, 3) if predict_seconds else None,
            "fit_seconds": round(fit_seconds, 3) if fit_seconds is not None else None,
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        },
        "hardware": hardware(),
        "predictions": predictions_name,
    }
    header = {"model": model_info["name"], "target": model_info["target"], "params": model_info["params"], "config": config, "split": split,
              "dataset_fingerprint": evaluated.fingerprint, "token_threshold": token_threshold, "doc_threshold": doc_threshold}
    write_predictions(out_dir / predictions_name, header, [r["id"] for r in evaluated.records], token_scores, doc_scores)
    write_results(out_dir / f"{config}.json", results)
    return results
