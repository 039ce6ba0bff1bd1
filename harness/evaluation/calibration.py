"""Thresholds recomputed from stored calibration predictions.

Every run stores its detector's predictions on the calibration split (``news``/validation) beside
its results, in ``calibration.predictions.jsonl.gz``. The thresholds rule
(:data:`~harness.evaluation.scoring.THRESHOLD_RULE`) takes its cuts and reference distributions from those, so
``rescore`` and ``leaderboard --check`` recompute them instead of trusting what a results file
says: thresholds tuned on the test split do not pass by editing the results and the predictions
header. Forged calibration predictions would: the check cannot re-run a detector, so it rests
there on the entry's recorded provenance (and flags two names sharing one model's scores).
"""

from __future__ import annotations

from pathlib import Path

from harness.core.configs import CALIBRATION_SPLIT, DEFAULT_CONFIG
from harness.core.dataset import Split, fit_dataset, load
from harness.evaluation.outputs import CALIBRATION_NAME, PREDICTIONS_SUFFIX
from harness.evaluation.predictions import provenance_problems, read_scores
from harness.evaluation.results import ModelInfo, ResultsError
from harness.evaluation.thresholds import Thresholds, choose_thresholds

CALIBRATION_FILE = CALIBRATION_NAME + PREDICTIONS_SUFFIX


def calibration_split(dataset=None) -> Split:
    """The split thresholds are chosen on, for runs on ``dataset``."""
    return load(DEFAULT_CONFIG, CALIBRATION_SPLIT, dataset=fit_dataset(dataset))


def read_calibration(path: Path, validation: Split, model: ModelInfo) -> tuple[Thresholds, list[list[float]], list[float]]:
    """The thresholds the rule chooses from the calibration predictions in ``path`` (before they
    are applied to a scored split), and those predictions' token and document scores. ``model``:
    the run they must belong to."""
    header, token_scores, doc_scores = read_scores(path, validation)
    problems = provenance_problems(header, model, validation.config, validation.split, validation.fingerprint)
    if problems:
        raise ResultsError(f"{path}: not this run's calibration predictions: " + "; ".join(problems))
    return choose_thresholds(validation.gold, token_scores, doc_scores), token_scores, doc_scores
