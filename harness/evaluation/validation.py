"""Thresholds recomputed from a detector's stored ``news``/validation predictions.

Every detection run stores its detector's predictions on the split thresholds are chosen on
(``news``/validation) beside its results, in ``validation.predictions.jsonl.gz``. The thresholds
rule (:data:`~harness.evaluation.thresholds.THRESHOLD_RULE`) takes its cuts and reference
distributions from those, so ``rescore`` and ``leaderboard --check`` recompute them instead of
trusting what a results file says: thresholds tuned on the test split do not pass by editing the
results and the predictions header. Forged validation predictions would: the check cannot re-run
a detector, so it rests there on the entry's recorded provenance (and flags two names sharing
one model's scores).
"""

from __future__ import annotations

from pathlib import Path

from harness.core.configs import DEFAULT_CONFIG, THRESHOLD_SPLIT
from harness.core.dataset import Split, fit_dataset, load
from harness.evaluation.predictions import provenance_problems, read_scores
from harness.evaluation.thresholds import Thresholds, choose_thresholds
from harness.runs.paths import OLD_VALIDATION_FILE, VALIDATION_FILE
from harness.runs.results import ModelInfo, ResultsError


def threshold_split(dataset=None) -> Split:
    """The split thresholds are chosen on, for runs on ``dataset``."""
    return load(DEFAULT_CONFIG, THRESHOLD_SPLIT, dataset=fit_dataset(dataset))


def validation_file(folder: Path) -> Path | None:
    """The validation predictions stored in a run's folder (under the name results schema 1
    gave them, for older runs), or None."""
    for name in (VALIDATION_FILE, OLD_VALIDATION_FILE):
        if (Path(folder) / name).is_file():
            return Path(folder) / name
    return None


def read_validation(path: Path, validation: Split, model: ModelInfo) -> tuple[Thresholds, list[list[float]], list[float]]:
    """The thresholds the rule chooses from the validation predictions in ``path`` (before they
    are moved to a scored split), and those predictions' token and document scores. ``model``:
    the run they must belong to."""
    header, token_scores, doc_scores = read_scores(path, validation)
    problems = provenance_problems(header, model, validation.config, validation.split, validation.fingerprint)
    if problems:
        raise ResultsError(f"{path}: not this run's validation predictions: " + "; ".join(problems))
    return choose_thresholds(validation.gold, token_scores, doc_scores), token_scores, doc_scores
