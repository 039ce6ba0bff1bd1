"""The *record* and *write* stages of ``evaluate``: a run's :class:`~harness.evaluation.results.Results`
made from what the earlier stages produced, and written with its predictions.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from harness.core.dataset import Split
from harness.core.errors import SpinbenchError
from harness.core.files import sha256_file
from harness.evaluation.outputs import RunPaths
from harness.evaluation.predictions import header_of, write_predictions
from harness.evaluation.provenance import git_commit, hardware, peak_memory_mb
from harness.evaluation.results import Bootstrap, Calibration, DatasetInfo, ModelInfo, Results, Throughput, validate_results, write_results
from harness.evaluation.thresholds import Thresholds

log = logging.getLogger(__name__)


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value else None


def record(model: ModelInfo, split: Split, thresholds: Thresholds, scores: dict, bootstrap: Bootstrap, predictions_name: str,
           predict_seconds: float | None = None, fit_seconds: float | None = None, dirty_allowed: bool = False) -> Results:
    """The results of scoring ``model`` on ``split``, with provenance (harness version and
    commit, date, hardware, throughput). ``dirty_allowed`` records that uncommitted code was
    allowed to make a leaderboard entry."""
    from harness import __version__

    n_tokens = int(split.gold.offsets[-1])
    return Results(
        model=model,
        dataset=DatasetInfo(split.dataset, split.config, split.split, split.fingerprint, len(split), n_tokens),
        harness={"version": __version__, **git_commit(), **({"dirty_allowed": True} if dirty_allowed else {})},
        date=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        thresholds=thresholds,
        bootstrap=bootstrap,
        scores=scores,
        throughput=Throughput(
            tokens_per_second=_round(n_tokens / predict_seconds, 1) if predict_seconds else None,
            peak_memory_mb=peak_memory_mb(),
            predict_seconds=_round(predict_seconds, 3),
            fit_seconds=round(fit_seconds, 3) if fit_seconds is not None else None,
        ),
        hardware=hardware(),
        predictions=predictions_name,
    )


LOCK_NAME = ".write.lock"  # one per results folder; the leaderboard skips dot files
LOCK_TIMEOUT_S = 600


def write_run(paths: RunPaths, results: Results, token_scores: list[list[float]], doc_scores: list[float], ids: list[str],
              calibration: tuple[Split, list[list[float]], list[float]] | None = None) -> Results:
    """Write the predictions (and ``calibration``: the calibration split and the detector's scores
    there, from which its thresholds were chosen), then the results that name their hashes, as one
    unit: a lock on the folder keeps two runs writing to the same place (same model name) from
    mixing their files, so the last run's files win whole. A run stopped before the results are
    written leaves results whose hashes no longer match, which ``leaderboard --check`` reports."""
    from filelock import FileLock, Timeout

    validate_results(results.to_json(), str(paths.results))  # what cannot be written stops the run before any file changes
    paths.results.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(paths.results.parent / LOCK_NAME, timeout=LOCK_TIMEOUT_S)
    try:
        with lock:
            if paths.results.exists():
                log.warning("replacing %s and its predictions (an earlier run's)", paths.results)
            if calibration is not None:
                validation, cal_tokens, cal_docs = calibration
                write_predictions(paths.calibration, header_of(results.model, validation), validation.gold.ids, cal_tokens, cal_docs)
                results.calibration = Calibration(paths.calibration.name, sha256_file(paths.calibration))
            write_predictions(paths.predictions, header_of(results.model, results.dataset, results.thresholds), ids, token_scores, doc_scores)
            results.predictions_sha256 = sha256_file(paths.predictions)
            write_results(paths.results, results)
    except Timeout:
        raise SpinbenchError(f"another run has been writing to {paths.results.parent} for {LOCK_TIMEOUT_S} s (lock {lock.lock_file}); nothing was written") from None
    results.path = paths.results
    return results
