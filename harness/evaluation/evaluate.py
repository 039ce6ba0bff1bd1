"""The evaluation pipeline behind ``evaluate --model X`` (and ``spinbench evaluate``).

1. Fit the detector on the default config's train split if it needs fitting (fits are cached:
   :mod:`harness.evaluation.fit_cache`).
2. Choose the token and document thresholds on its validation split (maximising F1).
3. Score the evaluated split with those thresholds unchanged, write the predictions and the
   results, and return the results.
Held-out configs (test split only) use the default config's train and validation splits too.
A predictions file given as the model is scored by :func:`~harness.evaluation.predictions.score_predictions_file`,
the same function ``leaderboard --check`` uses.
"""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from harness.core.configs import CALIBRATION_SPLIT, DEFAULT_CONFIG, EVALUATION_SPLIT, FIT_SPLIT
from harness.core.dataset import Split, fit_dataset, load
from harness.evaluation import fit_cache
from harness.evaluation.contract import get_params, predict_doc_proba, requires_fit
from harness.evaluation.predictions import score_predictions_file, write_predictions
from harness.evaluation.provenance import git_commit, hardware, peak_memory_mb
from harness.evaluation.registry import REGISTRY, make_detector
from harness.evaluation.results import Results, write_results
from harness.evaluation.scoring import Thresholds, choose_doc_threshold, choose_threshold, score_split

SCORE_DECIMALS = 4  # predictions are stored, and scored, at this precision
CALIBRATED_ON = f"{DEFAULT_CONFIG}/{CALIBRATION_SPLIT}"


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


@dataclass
class PreparedDetector:
    """A detector ready to score text: fitted, with thresholds chosen on validation."""

    detector: object
    name: str
    target: str  # the "module:Class" it was made from
    thresholds: Thresholds
    fit_seconds: float | None  # None when the fit came from the cache


def fit_and_calibrate(detector, target: str, dataset, use_cache: bool = True) -> tuple[object, Thresholds, float | None]:
    """(fitted detector, thresholds chosen on validation, fit seconds or None when cached).

    ``use_cache=False`` refits even when a fit is cached, and caches the new fit."""
    dataset = fit_dataset(dataset)  # a folder of imported pairs only: fit on the default data
    train = load(DEFAULT_CONFIG, FIT_SPLIT, dataset=dataset)
    validation = load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=dataset)
    key = fit_cache.fit_key(detector, target, get_params(detector), [train.fingerprint, validation.fingerprint])
    cached = fit_cache.load_entry(key) if use_cache else None
    if cached is not None:
        print(f"using the fitted detector cached at {fit_cache.entry_path(key)}", file=sys.stderr)
        return cached["detector"], Thresholds(cached["token_threshold"], cached["doc_threshold"], CALIBRATED_ON), None
    fit_seconds = 0.0
    if requires_fit(detector):
        print(f"fitting on {DEFAULT_CONFIG}/{FIT_SPLIT} ({len(train.records)} documents)...", file=sys.stderr)
        started = time.perf_counter()
        detector = detector.fit(token_docs(train), [r["labels"] for r in train.records])
        fit_seconds = time.perf_counter() - started
    scores, doc_scores, _ = predict(detector, token_docs(validation), CALIBRATED_ON)
    token_threshold = choose_threshold([r["labels"] for r in validation.records], scores)
    doc_threshold = choose_doc_threshold([int(r["is_spun"]) for r in validation.records], doc_scores)
    if requires_fit(detector):  # refitting (--no-cache) refreshes the cache for later runs
        fit_cache.store_entry(key, {"detector": detector, "token_threshold": token_threshold, "doc_threshold": doc_threshold})
    return detector, Thresholds(token_threshold, doc_threshold, CALIBRATED_ON), fit_seconds


def prepare_detector(model: str, model_args: dict | None = None, dataset=None, use_cache: bool = True) -> PreparedDetector:
    """Make the detector ``model`` (a registered name or ``module:Class``), fit it and choose its
    thresholds: what ``evaluate`` and ``detect`` both need."""
    detector = make_detector(model, model_args)
    target = REGISTRY.get(model, model)
    detector, thresholds, fit_seconds = fit_and_calibrate(detector, target, dataset, use_cache)
    return PreparedDetector(detector, model, target, thresholds, fit_seconds)


def results_name(model: str) -> str:
    """A folder name for a model: registered names as they are, import paths made safe."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-")


def is_predictions_file(model: str) -> bool:
    return model.endswith(".jsonl.gz") or (Path(model).is_file() and ":" not in model)


def evaluate(
    model: str,
    config: str = DEFAULT_CONFIG,
    split: str = EVALUATION_SPLIT,
    model_args: dict | None = None,
    dataset: str | None = None,
    output_dir: str | Path = "results",
    name: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    threshold: float | None = None,
    use_cache: bool = True,
) -> Results:
    """Run the whole pipeline and return the results (also written under ``output_dir``)."""
    from harness import __version__

    evaluated = load(config, split, dataset=dataset)
    fit_seconds = predict_seconds = None
    if is_predictions_file(model):
        scored = score_predictions_file(Path(model), evaluated, n_boot, seed)
        header = scored.header
        thresholds = scored.thresholds
        if threshold is not None:
            thresholds = Thresholds(threshold, thresholds.document, "given")
            scored = score_predictions_file(Path(model), evaluated, n_boot, seed, thresholds)
        token_scores, doc_scores, scores = scored.token_scores, scored.doc_scores, scored.scores
        model_info = {"name": name or header.get("model", Path(model).name), "target": header.get("target", "predictions-file"), "params": header.get("params", {})}
    else:
        prepared = prepare_detector(model, model_args, dataset, use_cache)
        thresholds, fit_seconds = prepared.thresholds, prepared.fit_seconds
        if threshold is not None:
            thresholds = Thresholds(threshold, thresholds.document, "given")
        token_scores, doc_scores, predict_seconds = predict(prepared.detector, token_docs(evaluated), f"{config}/{split}")
        scores = score_split(evaluated.records, token_scores, doc_scores, thresholds.token, thresholds.document, n_boot=n_boot, seed=seed)
        model_info = {"name": name or model, "target": prepared.target, "params": get_params(prepared.detector)}

    n_tokens = sum(len(r["labels"]) for r in evaluated.records)
    out_dir = Path(output_dir) / results_name(model_info["name"])
    predictions_name = f"{config}.predictions.jsonl.gz"
    results = Results(
        model=model_info,
        dataset={"source": evaluated.dataset, "config": config, "split": split, "fingerprint": evaluated.fingerprint, "documents": len(evaluated.records), "tokens": n_tokens},
        harness={"version": __version__, **git_commit()},
        date=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        thresholds=thresholds.to_json(),
        bootstrap={"resamples": n_boot, "seed": seed},
        scores=scores,
        throughput={
            "tokens_per_second": round(n_tokens / predict_seconds, 1) if predict_seconds else None,
            "predict_seconds": round(predict_seconds, 3) if predict_seconds else None,
            "fit_seconds": round(fit_seconds, 3) if fit_seconds is not None else None,
            "peak_memory_mb": peak_memory_mb(),
        },
        hardware=hardware(),
        predictions=predictions_name,
    )
    header = {"model": model_info["name"], "target": model_info["target"], "params": model_info["params"], "config": config, "split": split,
              "dataset_fingerprint": evaluated.fingerprint, "token_threshold": thresholds.token, "doc_threshold": thresholds.document,
              "thresholds_chosen_on": thresholds.chosen_on}
    write_predictions(out_dir / predictions_name, header, [r["id"] for r in evaluated.records], token_scores, doc_scores)
    write_results(out_dir / f"{config}.json", results)
    return results
