"""The evaluation pipeline behind ``evaluate --model X`` (and ``spinbench evaluate``).

1. Fit the detector on the default config's train split if it needs fitting (fits are cached:
   :mod:`harness.evaluation.fit_cache`).
2. Choose the token and document thresholds on its validation split (maximising F1), noting
   the shares of tokens and documents they flag there.
3. Predict the evaluated split and move the thresholds to flag the same shares of it
   (:data:`~harness.evaluation.scoring.THRESHOLD_RULE`), score it, write the predictions and the
   results, and return the results.
Held-out configs (test split only) use the default config's train and validation splits too.
A predictions file given as the model is scored by :func:`~harness.evaluation.predictions.score_predictions_file`,
the same function ``leaderboard --check`` uses.

Where results go: an ordinary run writes ``runs/<name>/<config>.<split>.json`` (ignored by git);
``submit=True`` writes the leaderboard entry ``results/<name>/<config>.json``, and only for a
run the leaderboard accepts (:func:`harness.evaluation.leaderboard.entry_problems`).
"""

from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from harness.core.configs import CALIBRATION_SPLIT, DEFAULT_CONFIG, EVALUATION_SPLIT, FIT_SPLIT
from harness.core.dataset import Split, fit_dataset, load, recorded_fingerprints
from harness.core.errors import SpinbenchError
from harness.core.files import sha256_file
from harness.evaluation import detector_calls, fit_cache
from harness.evaluation.contract import get_params, requires_fit
from harness.evaluation.predictions import score_predictions_file, write_predictions
from harness.evaluation.provenance import git_commit, hardware, peak_memory_mb
from harness.evaluation.registry import make_detector, target_of
from harness.evaluation.results import Results, write_results
from harness.evaluation.scoring import CALIBRATED_ON, GIVEN, Thresholds, choose_thresholds, score_split

SCORE_DECIMALS = 4  # predictions are stored, and scored, at this precision
RUNS_DIR = "runs"  # ordinary runs (ignored by git)
RESULTS_DIR = "results"  # leaderboard entries (committed)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def nonempty(split: Split) -> Split:
    if not len(split):
        raise SpinbenchError(f"{split.config}/{split.split} of {split.dataset} has no documents: the dataset is too small (build it from more sources)")
    return split


def predict(name: str, detector, split: Split, desc: str, batch: int = 64) -> tuple[list[list[float]], list[float], float]:
    """Token and document scores of every document of ``split``, checked and rounded as stored,
    and the seconds spent predicting."""
    from tqdm.auto import tqdm

    docs = split.token_texts()
    ids = split.gold.ids
    tokens: list[list[float]] = []
    doc_scores: list[float] = []
    if docs:  # warm-up: lazy resource loading is not throughput
        detector_calls.predict(name, detector, ids[:1], docs[:1])
    started = time.perf_counter()
    with tqdm(total=sum(map(len, docs)), desc=desc, unit="tok", unit_scale=True, disable=None) as bar:
        for i in range(0, len(docs), batch):
            chunk_tokens, chunk_docs = detector_calls.predict(name, detector, ids[i : i + batch], docs[i : i + batch])
            tokens += chunk_tokens
            doc_scores += chunk_docs
            bar.update(sum(map(len, docs[i : i + batch])))
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


def fit_and_calibrate(detector, name: str, target: str, dataset, use_cache: bool = True) -> tuple[object, Thresholds, float | None]:
    """(fitted detector, thresholds chosen on validation, fit seconds or None when cached).

    ``use_cache=False`` refits even when a fit is cached, and caches the new fit."""
    dataset = fit_dataset(dataset)  # a folder of imported pairs only: fit on the default data
    train = nonempty(load(DEFAULT_CONFIG, FIT_SPLIT, dataset=dataset))
    validation = nonempty(load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=dataset))
    key = fit_cache.fit_key(detector, target, get_params(detector), [train.fingerprint, validation.fingerprint])
    cached = fit_cache.load_entry(key) if use_cache else None
    fit_seconds: float | None = None
    if cached is not None:
        print(f"using the fitted detector cached at {fit_cache.entry_path(key)}", file=sys.stderr)
        detector = cached["detector"]
    elif requires_fit(detector):
        print(f"fitting on {DEFAULT_CONFIG}/{FIT_SPLIT} ({len(train)} documents)...", file=sys.stderr)
        started = time.perf_counter()
        detector = detector_calls.fit(name, detector, train.token_texts(), train.gold.doc_labels())
        fit_seconds = time.perf_counter() - started
    else:
        fit_seconds = 0.0
    if cached is not None and "validation_scores" in cached:
        scores, doc_scores = cached["validation_scores"], cached["validation_doc_scores"]
    else:
        scores, doc_scores, _ = predict(name, detector, validation, CALIBRATED_ON)
        if requires_fit(detector):  # a new fit (or --no-cache) refreshes the cache for later runs
            fit_cache.store_entry(key, {"detector": detector, "validation_scores": scores, "validation_doc_scores": doc_scores})
    # Thresholds are chosen on every run, by the harness's current rule, from the cached scores.
    return detector, choose_thresholds(validation.gold, scores, doc_scores), fit_seconds


def prepare_detector(model: str, model_args: dict | None = None, dataset=None, use_cache: bool = True, predictions_file_ok: bool = True) -> PreparedDetector:
    """Make the detector ``model`` (a registered name or ``module:Class``), fit it and choose its
    thresholds: what ``evaluate`` and ``detect`` both need."""
    detector = detector_calls.call(model, "__init__", make_detector, model, model_args, predictions_file_ok)
    target = target_of(model)
    detector, thresholds, fit_seconds = fit_and_calibrate(detector, model, target, dataset, use_cache)
    return PreparedDetector(detector, model, target, thresholds, fit_seconds)


def results_name(model: str) -> str:
    """A folder name for a model: registered names as they are, import paths made safe."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-.")


def check_name(name: str) -> str:
    """``name`` if it is a plain folder name (letters, digits, ``-_.``, not starting with a dot)."""
    if not _NAME.fullmatch(name or ""):
        raise SpinbenchError(f"--name {name!r} is not a plain name: use letters, digits, '-', '_' and '.', starting with a letter or digit")
    return name


def is_predictions_file(model: str) -> bool:
    return model.endswith(".jsonl.gz") or (Path(model).is_file() and ":" not in model)


def default_split(header: dict, config: str | None, split: str | None) -> tuple[str, str]:
    """(config, split) to evaluate: as given, else the predictions file's ``header``'s, else the default."""
    config = config if config is not None else header.get("config")
    split = split if split is not None else header.get("split")
    return config or DEFAULT_CONFIG, split or EVALUATION_SPLIT


def output_root(output_dir: str | Path | None, submit: bool) -> Path:
    return Path(output_dir) if output_dir is not None else Path(RESULTS_DIR if submit else RUNS_DIR)


def check_output_root(root: Path) -> None:
    """Say now, before any fitting or predicting, if ``root`` cannot be written (nothing is created)."""
    existing = root.absolute()
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise SpinbenchError(f"cannot write results under {root}: {existing} is a file, not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SpinbenchError(f"cannot write results under {root}: {existing} is not writable")


def output_paths(output_dir: str | Path | None, name: str, config: str, split: str, submit: bool) -> tuple[Path, Path]:
    """(results file, predictions file) of a run; see the module docstring."""
    root = output_root(output_dir, submit)
    stem = config if submit else f"{config}.{split}"
    folder = root / check_name(name)
    return folder / f"{stem}.json", folder / f"{stem}.predictions.jsonl.gz"


def evaluate(
    model: str,
    config: str | None = None,
    split: str | None = None,
    model_args: dict | None = None,
    dataset: str | None = None,
    output_dir: str | Path | None = None,
    name: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    threshold: float | None = None,
    doc_threshold: float | None = None,
    use_cache: bool = True,
    submit: bool = False,
) -> Results:
    """Run the whole pipeline and return the results (also written: see the module docstring).
    ``config`` and ``split`` default to the default config's test split, or for a predictions
    file to the ones its header names."""
    from harness import __version__
    from harness.evaluation.leaderboard import entry_problems, results_problems

    read = None  # a predictions file given as the model, read once: (header, rows)
    if is_predictions_file(model):
        from harness.evaluation.predictions import read_predictions

        read = read_predictions(Path(model))
    config, split = default_split(read[0] if read is not None else {}, config, split)

    given = (threshold, doc_threshold) if threshold is not None or doc_threshold is not None else None
    if name is not None:
        check_name(name)
    check_output_root(output_root(output_dir, submit))
    if submit:  # what can be told before any work
        problems = entry_problems(config, split, GIVEN if given is not None else CALIBRATED_ON)
        if problems:
            raise SpinbenchError("not a leaderboard entry, so nothing was written: " + "; ".join(problems))
    evaluated = nonempty(load(config, split, dataset=dataset))
    fit_seconds = predict_seconds = None
    if read is not None:
        path = Path(model)
        chosen = None
        if given is not None:
            from harness.evaluation.predictions import header_thresholds

            recorded = header_thresholds(path, read[0]) if None in given else None  # one given: the other from the header
            chosen = Thresholds.override(recorded, *given)
        scored = score_predictions_file(path, evaluated, n_boot, seed, chosen, read=read)
        thresholds, token_scores, doc_scores, scores = scored.thresholds, scored.token_scores, scored.doc_scores, scored.scores
        header = scored.header
        model_info = {"name": name if name is not None else str(header.get("model") or path.name.split(".")[0]), "target": header.get("target", "predictions-file"), "params": header.get("params", {})}
    else:
        prepared = prepare_detector(model, model_args, dataset, use_cache)
        fit_seconds = prepared.fit_seconds
        thresholds = Thresholds.override(prepared.thresholds, *given) if given is not None else prepared.thresholds
        token_scores, doc_scores, predict_seconds = predict(model, prepared.detector, evaluated, f"{config}/{split}")
        thresholds = thresholds.matched(token_scores, doc_scores)
        scores = score_split(evaluated.gold, token_scores, doc_scores, thresholds.token, thresholds.document, n_boot=n_boot, seed=seed)
        model_info = {"name": name if name is not None else results_name(model), "target": prepared.target, "params": get_params(prepared.detector)}

    results_path, predictions_path = output_paths(output_dir, model_info["name"], config, split, submit)
    if results_path.exists():
        print(f"replacing {results_path} and its predictions (an earlier run's)", file=sys.stderr)
    n_tokens = int(evaluated.gold.offsets[-1])
    header = {"model": model_info["name"], "target": model_info["target"], "params": model_info["params"], "config": config, "split": split,
              "dataset_fingerprint": evaluated.fingerprint, "token_threshold": thresholds.token, "doc_threshold": thresholds.document,
              "thresholds_chosen_on": thresholds.chosen_on, "thresholds": thresholds.to_json()}
    results = Results(
        model=model_info,
        dataset={"source": evaluated.dataset, "config": config, "split": split, "fingerprint": evaluated.fingerprint, "documents": len(evaluated), "tokens": n_tokens},
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
        predictions=predictions_path.name,
    )
    if submit:
        problems = results_problems(results, recorded_fingerprints(dataset))
        if problems:
            raise SpinbenchError("not a leaderboard entry, so nothing was written: " + "; ".join(problems))
    # Predictions first, then the results that name their hash: a run stopped between the two
    # leaves results whose hash no longer matches, which leaderboard --check reports.
    write_predictions(predictions_path, header, evaluated.gold.ids, token_scores, doc_scores)
    results.predictions_sha256 = sha256_file(predictions_path)
    write_results(results_path, results)
    results.path = results_path
    return results
