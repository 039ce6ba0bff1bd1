"""The *prepare* stage of ``evaluate`` (and what ``detect`` and ``export`` need): a detector made
from a name or taken as an object, fitted on the default config's train split (or its fit loaded
from :mod:`harness.evaluation.fit_cache`), with its thresholds chosen on validation.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import dataclass
from typing import NamedTuple

from harness.core.configs import CALIBRATION_SPLIT, DEFAULT_CONFIG, FIT_SPLIT
from harness.core.dataset import Split, fit_dataset, load
from harness.core.errors import SpinbenchError
from harness.evaluation import detector_calls, fit_cache
from harness.evaluation.contract import get_params, requires_fit
from harness.evaluation.predict import predict_split
from harness.evaluation.registry import make_detector, target_of
from harness.evaluation.thresholds import CALIBRATED_ON, Thresholds, choose_thresholds

log = logging.getLogger(__name__)


class Calibrated(NamedTuple):
    """A fitted detector, the thresholds chosen for it on the calibration split, and the
    predictions there they were chosen from (stored with every run: :mod:`~harness.evaluation.calibration`)."""

    detector: object
    thresholds: Thresholds
    fit_seconds: float | None  # None when the fit came from the cache
    validation: Split
    token_scores: list[list[float]]
    doc_scores: list[float]


@dataclass
class PreparedDetector:
    """A detector ready to score text: fitted, with thresholds chosen on validation."""

    detector: object
    name: str  # what messages call it
    target: str  # the "module:Class" it was made from
    thresholds: Thresholds
    fit_seconds: float | None  # None when the fit came from the cache
    params: dict
    calibrated: Calibrated


def nonempty(split: Split) -> Split:
    if not len(split):
        raise SpinbenchError(f"{split.config}/{split.split} of {split.dataset} has no documents: the dataset is too small (build it from more sources)")
    return split


def target_of_object(detector: object) -> str:
    cls = type(detector)
    return f"{cls.__module__}:{cls.__qualname__}"


def _cacheable(detector: object) -> bool:
    """Whether the fit cache can key this detector's code: its class must live in a module file
    (a class typed into a notebook or ``python -c`` has none to fingerprint)."""
    module = sys.modules.get(type(detector).__module__)
    return type(detector).__module__ != "__main__" and getattr(module, "__file__", None) is not None


def make(model: object, model_args: dict | None = None, predictions_file_ok: bool = True) -> tuple[object, str, str]:
    """(detector, name, target) for a registered name, ``hf:...``, ``module:Class`` or a detector object."""
    if isinstance(model, str):
        detector = detector_calls.call(model, "__init__", make_detector, model, model_args, predictions_file_ok)
        return detector, model, target_of(model)
    if isinstance(model, type):
        raise SpinbenchError(f"got the class {model.__name__}, not a detector: pass an instance, {model.__name__}()")
    if model_args:
        raise SpinbenchError("model_args are for models given by name: give a detector object its hyperparameters when you make it")
    if not callable(getattr(model, "predict_token_proba", None)):
        raise SpinbenchError(f"a {type(model).__name__} is not a detector: it has no predict_token_proba(docs) method (see harness.Detector)")
    return model, type(model).__name__, target_of_object(model)


def checked_params(label: str, params: dict) -> dict:
    """``params`` if they can be stored in a results file (JSON, finite numbers), else a one-line
    error before any work."""
    for key, value in params.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise SpinbenchError(f"detector {label!r}: hyperparameter {key}={value!r} ({type(value).__name__}) cannot be recorded in the results: "
                                 "use plain numbers, strings, booleans, None, or lists and dicts of them") from None
    return params


def fit_and_calibrate(detector, name: str, target: str, dataset=None, use_cache: bool = True, fit: bool = True) -> Calibrated:
    """The detector fitted on the default config's train split, and its thresholds chosen on
    validation (see :class:`Calibrated`).

    ``use_cache=False`` refits even when a fit is cached, and caches the new fit; ``fit=False``
    takes the detector as it is (already fitted) and caches nothing."""
    dataset = fit_dataset(dataset)  # a folder of imported pairs only: fit on the default data
    train = nonempty(load(DEFAULT_CONFIG, FIT_SPLIT, dataset=dataset))
    validation = nonempty(load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=dataset))
    fitting = fit and requires_fit(detector)
    caching = fitting and _cacheable(detector)
    if caching:
        fit_cache.check_writable()
    key = fit_cache.fit_key(detector, target, get_params(detector), [train.fingerprint, validation.fingerprint]) if caching else None
    cached = fit_cache.load_entry(key) if caching and use_cache else None
    fit_seconds: float | None = 0.0
    if cached is not None:
        log.info("using the fitted detector cached at %s", fit_cache.entry_path(key))
        detector, fit_seconds = cached["detector"], None
    elif fitting:
        log.info("fitting on %s/%s (%d documents)...", DEFAULT_CONFIG, FIT_SPLIT, len(train))
        started = time.perf_counter()
        detector = detector_calls.fit(name, detector, train.token_texts(), train.gold.doc_labels())
        fit_seconds = time.perf_counter() - started
    if cached is not None and "validation_scores" in cached:
        scores, doc_scores = cached["validation_scores"], cached["validation_doc_scores"]
    else:
        scores, doc_scores, _ = predict_split(name, detector, validation, CALIBRATED_ON)
        if caching:  # a new fit (or use_cache=False) refreshes the cache for later runs
            entry = {"detector": detector, "validation_scores": scores, "validation_doc_scores": doc_scores}
            fit_cache.store_entry(key, entry, target, get_params(detector))
    # Thresholds are chosen on every run, by the harness's current rule, from the cached scores.
    return Calibrated(detector, choose_thresholds(validation.gold, scores, doc_scores), fit_seconds, validation, scores, doc_scores)


def prepare_detector(model: object, model_args: dict | None = None, dataset=None, use_cache: bool = True, fit: bool = True,
                     predictions_file_ok: bool = True) -> PreparedDetector:
    """Make (or take) the detector ``model``, fit it and choose its thresholds."""
    detector, name, target = make(model, model_args, predictions_file_ok)
    checked_params(name, get_params(detector))
    calibrated = fit_and_calibrate(detector, name, target, dataset, use_cache, fit)
    return PreparedDetector(calibrated.detector, name, target, calibrated.thresholds, calibrated.fit_seconds, get_params(calibrated.detector), calibrated)
