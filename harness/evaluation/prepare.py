"""The *prepare* stage of ``evaluate`` (and what ``detect`` and ``export`` need): a detector made
from a name or taken as an object (:data:`DETECTOR`), fitted on the default config's train split
or its fit loaded from the cache (:func:`harness.runs.fit_cache.fit_with_cache`), and its
thresholds chosen on ``news``/validation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from harness.core.configs import DEFAULT_CONFIG, FIT_SPLIT, THRESHOLD_SPLIT
from harness.core.dataset import Split, fit_dataset, load, nonempty
from harness.evaluation import detector_calls
from harness.evaluation.contract import get_params, require_hooks, requires_fit
from harness.evaluation.predict import predict_split
from harness.evaluation.registry import make_detector, target_of
from harness.evaluation.thresholds import THRESHOLDS_CHOSEN_ON, Thresholds, choose_thresholds
from harness.runs.fit_cache import Fitted, fit_with_cache
from harness.runs.models import ModelKind, checked_params, make


def _make_by_name(predictions_file_ok: bool, name: str, model_args: dict | None):
    return detector_calls.call(name, "__init__", make_detector, name, model_args, predictions_file_ok)


def detector_kind(predictions_file_ok: bool = True) -> ModelKind:
    """Detectors, as the run layer makes them (``predictions_file_ok``: whether an unknown name's
    error mentions predictions files, which ``evaluate`` takes and ``detect`` does not)."""
    return ModelKind("detector", "predict_token_proba", "predict_token_proba(docs)", "harness.Detector",
                     partial(_make_by_name, predictions_file_ok), target_of)


DETECTOR = detector_kind()


@dataclass
class PreparedDetector:
    """A detector ready to score text: fitted, with its thresholds chosen on ``news``/validation
    (``validation``) from its predictions there (``token_scores``, ``doc_scores``: stored with
    every run, :mod:`~harness.evaluation.validation`)."""

    detector: object
    name: str  # what messages call it
    target: str  # the "module:Class" it was made from
    thresholds: Thresholds
    fit_seconds: float | None  # None when the fit came from the cache
    validation: Split
    token_scores: list[list[float]]
    doc_scores: list[float]

    @property
    def params(self) -> dict:
        return get_params(self.detector)


VALIDATION_SCORES = ("validation_scores", "validation_doc_scores")  # what the fit cache keeps with a detector


def fit_and_validate(detector, name: str, target: str, dataset=None, use_cache: bool = True, fit: bool = True) -> PreparedDetector:
    """The detector fitted on the default config's train split, and its thresholds chosen on
    validation (see :class:`PreparedDetector`).

    ``use_cache=False`` refits even when a fit is cached, and caches the new fit; ``fit=False``
    takes the detector as it is (already fitted) and caches nothing."""
    dataset = fit_dataset(dataset)  # a folder of imported pairs only: fit on the default data
    train = nonempty(load(DEFAULT_CONFIG, FIT_SPLIT, dataset=dataset))
    validation = nonempty(load(DEFAULT_CONFIG, THRESHOLD_SPLIT, dataset=dataset))
    if fit and requires_fit(detector):
        detector_calls.fit_method(name, detector)  # a detector without one is told so before "fitting ... on ..."
        fitted = fit_with_cache(detector, target, get_params(detector), [train.fingerprint, validation.fingerprint],
                                lambda d: detector_calls.fit(name, d, train.token_texts(), train.gold.doc_labels()),
                                use_cache=use_cache, store=False, what=f"{DEFAULT_CONFIG}/{FIT_SPLIT} ({len(train)} documents)", label=name)
    else:
        fitted = Fitted(detector, 0.0)  # taken as it is: nothing to cache
    if all(k in fitted.kept for k in VALIDATION_SCORES):
        scores, doc_scores = (fitted.kept[k] for k in VALIDATION_SCORES)
    else:
        scores, doc_scores, _ = predict_split(name, fitted.model, validation, THRESHOLDS_CHOSEN_ON)
        fitted.keep(**dict(zip(VALIDATION_SCORES, (scores, doc_scores))))  # a new fit (or use_cache=False) refreshes the cache
    # Thresholds are chosen on every run, by the harness's current rule, from the cached scores.
    thresholds = choose_thresholds(validation.gold, scores, doc_scores)
    return PreparedDetector(fitted.model, name, target, thresholds, fitted.seconds, validation, scores, doc_scores)


def prepare_detector(model: object, model_args: dict | None = None, dataset=None, use_cache: bool = True, fit: bool = True,
                     predictions_file_ok: bool = True, needs: tuple[str, ...] = ()) -> PreparedDetector:
    """Make (or take) the detector ``model``, fit it and choose its thresholds. ``needs``: methods
    the caller will call (``("suggest",)``), checked before the fit, which may take minutes."""
    made = make(model, model_args, detector_kind(predictions_file_ok))
    checked_params(made.label, get_params(made.model))
    require_hooks(made.model, made.label, needs)
    return fit_and_validate(made.model, made.label, made.target, dataset, use_cache, fit)
