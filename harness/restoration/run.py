"""``restore`` and ``rescore_restoration``: the restoration pipeline, in stages, as ``evaluate``'s.

``restore(restorer_or_name)``:

1. *check* the options and where the run writes, and whether it may be a leaderboard entry;
2. *prepare*: make or take the restorer, fit it on ``news``/train (gold spans and their original
   wording; the fit cached as detectors' are), unless ``requires_fit = False``;
3. *restore* every gold span of the evaluated split, and, with ``spans_from`` (a detection results
   file, or a detector's leaderboard name), every span that detector flags at its threshold;
4. *score* (:func:`~harness.restoration.scoring.score_restoration`), *record*, *write* the
   predictions then the results naming their hash.

``rescore_restoration(file)`` scores stored restoration predictions with the same scoring
function, after checking them against the gold data (and the detector's stored predictions).
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

from harness.core.configs import CALIBRATION_SPLIT, DEFAULT_CONFIG, EVALUATION_SPLIT, FIT_SPLIT
from harness.core.dataset import fit_dataset, load, recorded_fingerprints
from harness.core.errors import SpinbenchError
from harness.core.files import sha256_file
from harness.core.progress import progress
from harness.evaluation import fit_cache
from harness.evaluation.admission import entry_problems
from harness.evaluation.contract import get_params
from harness.evaluation.outputs import PREDICTIONS_SUFFIX, RESULTS_DIR, RUNS_DIR, check_name, results_name
from harness.evaluation.prepare import _cacheable, checked_params, nonempty, target_of_object
from harness.evaluation.provenance import git_commit, hardware, peak_memory_mb
from harness.evaluation.results import Bootstrap, DatasetInfo, ModelInfo
from harness.evaluation.scoring import CALIBRATED_ON, DEFAULT_RESAMPLES, MAX_RESAMPLES
from harness.restoration.contract import RestorerError, call, requires_fit, restore_scored
from harness.restoration.items import DetectorSpans, RestorationGold, detector_spans, resolve_detector_results, restoration_gold, training_data
from harness.restoration.predictions import header_of, read_predictions, score_restoration_file, write_predictions
from harness.restoration.registry import make_restorer, target_of
from harness.restoration.results import RestorationResults, write_results
from harness.restoration.scoring import CUT_RULE, cut_on, score_restoration

log = logging.getLogger(__name__)
TASK_DIR = "restore"  # results/restore/<model>/, runs/restore/<model>/
CALIBRATION_PREDICTIONS = "calibration.predictions.jsonl.gz"  # news/validation's, where the abstention cut is chosen


class RunPaths(NamedTuple):
    results: Path
    predictions: Path


def run_paths(output_dir, name: str, config: str, split: str, submit: bool) -> RunPaths:
    """``results/restore/<name>/<config>.json`` for an entry, ``runs/restore/<name>/<config>.<split>.json``
    otherwise; ``output_dir`` replaces ``results/restore`` (``runs/restore``).

    >>> run_paths(None, "keep", "news", "test", True).results
    PosixPath('results/restore/keep/news.json')
    """
    root = Path(output_dir) if output_dir is not None else Path(RESULTS_DIR if submit else RUNS_DIR) / TASK_DIR
    stem = config if submit else f"{config}.{split}"
    folder = root / check_name(name)
    return RunPaths(folder / f"{stem}.json", folder / f"{stem}{PREDICTIONS_SUFFIX}")


def _make(model: object, model_args: dict | None) -> tuple[object, str, str]:
    if isinstance(model, str):
        return call(model, "__init__", make_restorer, model, model_args), model, target_of(model)
    if isinstance(model, type):
        raise SpinbenchError(f"got the class {model.__name__}, not a restorer: pass an instance, {model.__name__}()")
    if model_args:
        raise SpinbenchError("model_args are for restorers given by name: give a restorer object its hyperparameters when you make it")
    if not callable(getattr(model, "restore", None)):
        raise SpinbenchError(f"a {type(model).__name__} is not a restorer: it has no restore(tokens, spans) method (see harness.restoration.contract)")
    return model, type(model).__name__, target_of_object(model)


def fit_restorer(restorer, name: str, target: str, dataset=None, use_cache: bool = True) -> tuple[object, float | None]:
    """The restorer fitted on ``news``/train (or its fit from the cache), and the seconds it took
    (None from the cache, 0 when it needs no fit)."""
    if not requires_fit(restorer):
        return restorer, 0.0
    if not callable(getattr(restorer, "fit", None)):
        raise RestorerError(f"restorer {name!r} has no fit(docs, spans, originals) method; give it one, or set requires_fit = False "
                            "if it needs no training (harness.check_restorer checks the whole contract)")
    train = nonempty(load(DEFAULT_CONFIG, FIT_SPLIT, dataset=fit_dataset(dataset)))
    caching = _cacheable(restorer)
    key = fit_cache.fit_key(restorer, target, get_params(restorer), [train.fingerprint, "restore"]) if caching else None
    cached = fit_cache.load_entry(key) if caching and use_cache else None
    if cached is not None:
        log.info("using the fitted restorer cached at %s", fit_cache.entry_path(key))
        return cached["detector"], None
    log.info("fitting %s on %s/%s (%d documents)...", name, DEFAULT_CONFIG, FIT_SPLIT, len(train))
    started = time.perf_counter()
    fitted = call(name, "fit", restorer.fit, *training_data(train))
    if fitted is None or not callable(getattr(fitted, "restore", None)):
        raise RestorerError(f"restorer {name!r}: fit returned {type(fitted).__name__}, not the restorer; it must return self")
    seconds = time.perf_counter() - started
    if caching:
        fit_cache.check_writable()
        fit_cache.store_entry(key, {"detector": fitted}, target, get_params(fitted))
    return fitted, seconds


def restore_spans(name: str, restorer, gold: RestorationGold, spans: list[list[tuple[int, int]]], desc: str) -> tuple[list, list | None, float]:
    """Every document's candidates for ``spans``, checked, their confidences (None when the
    restorer gives none), and the seconds it took."""
    out = []
    started = time.perf_counter()
    with progress(sum(map(len, spans)), desc, "span") as bar:
        for doc_id, tokens, doc_spans in zip(gold.ids, gold.tokens, spans):
            out.append(restore_scored(name, restorer, doc_id, tokens, doc_spans))
            bar.update(len(doc_spans))
    confidences = [r.confidences for r in out]
    given = any(c is not None for doc in confidences for c in doc)
    return [r.candidates for r in out], (confidences if given else None), time.perf_counter() - started


def restore(
    model: object,
    config: str | None = None,
    split: str | None = None,
    *,
    model_args: dict | None = None,
    dataset: str | None = None,
    spans_from: str | None = None,
    results_dir: str | Path = RESULTS_DIR,
    output_dir: str | Path | None = None,
    name: str | None = None,
    n_boot: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    use_cache: bool = True,
    fit: bool = True,
    submit: bool = False,
    write: bool = True,
    allow_dirty: bool = False,
) -> RestorationResults:
    """Score a restorer on ``config``/``split`` (default ``news``/test) and return the results.

    ``model``: a restorer object (anything with ``restore(tokens, spans)``), a registered name
    (``"reverse-rules"``) or ``"package.module:Class"``. ``spans_from``: a detection results file
    (``results/lexicon/news.json``) or a detector with a leaderboard entry in ``results_dir`` for
    this config, whose flagged spans are restored too (the end-to-end score on detected spans).
    ``fit=False`` uses a restorer object as it is. Writes ``runs/restore/<name>/`` (``results/restore/``
    with ``submit``) unless ``write=False``.
    """
    _check_options(n_boot, seed, submit, write)
    split_obj = nonempty(load(config or DEFAULT_CONFIG, split or EVALUATION_SPLIT, dataset=dataset))
    restorer, label, target = _make(model, model_args)
    model_info = ModelInfo(name or (results_name(model) if isinstance(model, str) else type(model).__name__), target,
                           checked_params(label, get_params(restorer)), fitted_outside=not fit)
    paths = run_paths(output_dir, model_info.name, split_obj.config, split_obj.split, submit)
    code = git_commit()
    problems = entry_problems(split_obj.config, split_obj.split, CALIBRATED_ON, split_obj.fingerprint, recorded_fingerprints(dataset), resamples=n_boot,
                              seed=seed, dirty=code["git_dirty"] is not False, dirty_allowed=allow_dirty, target=target, fitted_here=fit, commit=code["git_commit"])
    if submit and problems:
        raise SpinbenchError("not a leaderboard entry, so nothing was written: " + "; ".join(problems))
    detector = detector_spans(resolve_detector_results(spans_from, split_obj.config, results_dir), split_obj) if spans_from else None

    gold = restoration_gold(split_obj)
    restorer, fit_seconds = fit_restorer(restorer, label, target, dataset, use_cache) if fit else (restorer, None)
    candidates, confidences, seconds = restore_spans(label, restorer, gold, gold.spans(), f"{gold.config}/{gold.split} gold spans")
    detected, found_confidences = None, None
    if detector is not None:
        found, found_confidences, _ = restore_spans(label, restorer, gold, detector.spans, f"{gold.config}/{gold.split} {detector.name} spans")
        detected = (detector.spans, found)
    calibration = _calibrate(label, restorer, dataset) if confidences is not None or found_confidences is not None else None
    cut = calibration[3] if calibration else None
    scores = score_restoration(gold, candidates, n_boot, seed, detected, confidences, found_confidences, cut)
    n_spans = sum(map(len, gold.items))
    results = RestorationResults(
        model=model_info, dataset=DatasetInfo(split_obj.dataset, gold.config, gold.split, gold.fingerprint, len(gold), gold.n_tokens),
        harness={"version": _version(), **code, **({"dirty_allowed": True} if allow_dirty else {})},
        date=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"), detector=detector.header() if detector else None,
        bootstrap=Bootstrap(n_boot, seed), scores=scores,
        throughput={"spans_per_second": round(n_spans / seconds, 1) if seconds else None, "predict_seconds": round(seconds, 3),
                    "fit_seconds": None if fit_seconds is None else round(fit_seconds, 3), "peak_memory_mb": peak_memory_mb()},
        hardware=hardware(), predictions=paths.predictions.name, entry_problems=problems,
    )
    predictions = (candidates, detected, confidences, found_confidences)
    return _write(paths, results, gold, predictions, detector, calibration) if write else results


def _calibrate(label: str, restorer, dataset) -> tuple:
    """(gold, candidates, confidences, cut) of ``news``/validation's gold spans: the abstention
    cut is chosen there (:func:`~harness.restoration.scoring.cut_on`), never on the split scored."""
    validation = restoration_gold(nonempty(load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=fit_dataset(dataset))))
    candidates, confidences, _ = restore_spans(label, restorer, validation, validation.spans(), f"{validation.config}/{validation.split} gold spans (the cut)")
    return validation, candidates, confidences, cut_on(validation, candidates, confidences)


def rescore_restoration(path: str | Path, config: str | None = None, split: str | None = None, *, dataset: str | None = None,
                        results_dir: str | Path = RESULTS_DIR, n_boot: int = DEFAULT_RESAMPLES, seed: int = 0) -> RestorationResults:
    """Score a stored restoration predictions file again (nothing written). Its detected spans,
    if any, are checked against the detector's stored predictions (the results file its header
    names, else ``results_dir/<detector>/<config>.json``)."""
    path = Path(path)
    read = read_predictions(path)
    header = read[0]
    split_obj = load(config or header.get("config") or DEFAULT_CONFIG, split or header.get("split") or EVALUATION_SPLIT, dataset=dataset)
    gold = restoration_gold(split_obj)
    detector = None
    if header.get("detector"):
        given = Path(header["detector"].get("results_file", ""))
        where = given if given.is_file() else Path(results_dir) / str(header["detector"].get("name")) / f"{gold.config}.json"
        detector = detector_spans(where, split_obj)
    _, scores = score_restoration_file(path, gold, n_boot, seed, detector, read=read)
    info = ModelInfo(str(header.get("model")), str(header.get("target")), header.get("params") or {})
    return RestorationResults(info, DatasetInfo(split_obj.dataset, gold.config, gold.split, gold.fingerprint, len(gold), gold.n_tokens),
                              {"version": _version(), **git_commit()}, datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                              header.get("detector"), Bootstrap(n_boot, seed), scores, {"spans_per_second": None}, hardware(), path.name)


def _version() -> str:
    from harness import __version__

    return __version__


def _check_options(n_boot: int, seed: int, submit: bool, write: bool) -> None:
    if not isinstance(n_boot, int) or isinstance(n_boot, bool) or not 1 <= n_boot <= MAX_RESAMPLES:
        raise SpinbenchError(f"n_boot (--bootstrap) must be a whole number from 1 to {MAX_RESAMPLES:,}, not {n_boot!r}")
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise SpinbenchError(f"seed must be a whole number of at least 0, not {seed!r}")
    if submit and not write:
        raise SpinbenchError("submit needs write=True: a leaderboard entry is the files it writes")


def _write(paths: RunPaths, results: RestorationResults, gold: RestorationGold, predictions: tuple, detector: DetectorSpans | None,
           calibration: tuple | None) -> RestorationResults:
    """Predictions first (and the validation predictions the cut was chosen on), then the
    results naming their hash (a stopped run leaves a mismatch that ``leaderboard --check``
    reports)."""
    candidates, detected, confidences, found_confidences = predictions
    paths.results.parent.mkdir(parents=True, exist_ok=True)
    abstention = None
    if calibration is not None:
        validation, val_candidates, val_confidences, cut = calibration
        where = paths.results.parent / CALIBRATION_PREDICTIONS
        write_predictions(where, header_of(results.model, validation, None), validation, val_candidates, None, val_confidences)
        abstention = {"rule": CUT_RULE, "cut": cut, "chosen_on": f"{validation.config}/{validation.split}", "predictions": where.name,
                      "predictions_sha256": sha256_file(where)}
        results.scores["abstention"].update(chosen_on=abstention["chosen_on"], predictions=where.name, predictions_sha256=abstention["predictions_sha256"])
    write_predictions(paths.predictions, header_of(results.model, gold, detector, abstention), gold, candidates, detected, confidences, found_confidences)
    results.predictions_sha256 = sha256_file(paths.predictions)
    write_results(paths.results, results)
    results.path = paths.results
    return results


__all__ = ["restore", "rescore_restoration"]
