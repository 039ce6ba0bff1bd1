"""Detection's part of ``spinbench leaderboard --reproduce`` (:mod:`harness.runs.reproduce`):
each entry's model rerun at its commit, and the rerun's predictions (``news``/validation and the
config's test split) compared with the stored ones, token and document scores alike; then the
scores this harness computes from the rerun (thresholds chosen by the rule from its validation
predictions) compared with the entry's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.core.configs import DEFAULT_CONFIG, THRESHOLD_SPLIT
from harness.evaluation.leaderboard import entry_files
from harness.evaluation.predictions import read_predictions, score_predictions_file
from harness.evaluation.results import Results, read_results
from harness.evaluation.validation import read_validation
from harness.runs.board import GoldSplits
from harness.runs.reproduce import Group, Tolerance, compare_scores, grouped, speed_note, tolerance_of
from harness.runs.results import ResultsError

FUNCTION = "evaluate"  # the harness's function a rerun calls, once per config


def groups(results_dir: Path, models: list[str] | None = None) -> tuple[list[Group], list[str]]:
    """The runs that reproduce the detection entries of ``models`` (all when None), and the
    entries that cannot be read."""
    paths, _ = entry_files(results_dir)
    by_model: dict[str, dict[str, tuple[Path, Results]]] = {}
    problems = []
    for path in paths:
        if models is not None and path.parent.name not in models:
            continue
        try:
            by_model.setdefault(path.parent.name, {})[path.stem] = (path, read_results(path, older_scores=True))
        except ResultsError as err:
            problems.append(f"{path.parent.name}/{path.stem}: {err}")
    return [g for model, entries in sorted(by_model.items()) for g in grouped(model, entries)], problems


def differences(stored: dict, rerun: dict) -> tuple[list[str], np.ndarray]:
    """(problems, every score's absolute difference) between two predictions files' rows
    ``{id: (token scores, document score)}``."""
    if set(stored) != set(rerun):
        missing, extra = sorted(set(stored) - set(rerun)), sorted(set(rerun) - set(stored))
        return [f"the rerun predicts other documents ({len(missing)} missing, {len(extra)} more)"], np.zeros(0)
    gaps = []
    for doc_id, (tokens, doc) in stored.items():
        again, again_doc = rerun[doc_id]
        if len(again) != len(tokens):
            return [f"document {doc_id!r}: {len(again)} token scores in the rerun, {len(tokens)} stored"], np.zeros(0)
        gaps.append(np.abs(np.asarray(tokens, dtype=float) - np.asarray(again, dtype=float)))
        if (doc is None) != (again_doc is None):
            return [f"document {doc_id!r}: a document score in one file and not the other"], np.zeros(0)
        if doc is not None:
            gaps.append(np.array([abs(doc - again_doc)]))
    return [], np.concatenate(gaps) if gaps else np.zeros(0)


def within(what: str, gaps: np.ndarray, tolerance: Tolerance) -> tuple[list[str], str]:
    """Whether score differences ``gaps`` meet ``tolerance``: (problems, a note)."""
    worst = float(gaps.max()) if len(gaps) else 0.0
    share = float(np.mean(gaps <= tolerance.score)) if len(gaps) else 1.0
    if share >= tolerance.share:
        return [], f"{what} {'identical' if worst == 0 else f'within {worst:.4f}'}"
    return [f"{what} differ from the stored ones: {1 - share:.2%} of {len(gaps):,} scores by more than {tolerance.score} (at most {worst:.4f}; "
            f"{tolerance.describe()})"], ""


class Comparison:
    """``compare(...)`` of :data:`harness.runs.reproduce.Compare` for detection entries; the gold
    splits loaded once per dataset."""

    def __init__(self):
        self._gold: dict[str, GoldSplits] = {}

    def __call__(self, path: Path, res: Results, rerun: dict, rerun_path: Path, data: Path) -> tuple[list[str], list[str]]:
        gold = self._gold.setdefault(str(data), GoldSplits(str(data)))
        tolerance = tolerance_of(res, rerun)
        problems, notes = [], [f"held to: {tolerance.describe()}"]
        rerun_validation = (rerun.get("validation") or rerun.get("calibration") or {}).get("predictions")
        if res.validation is None or rerun_validation is None:
            return ["no validation predictions to compare"], []
        pairs = (("validation predictions", path.parent / res.validation.predictions, rerun_path.parent / rerun_validation),
                 ("predictions", path.parent / res.predictions, rerun_path.parent / rerun["predictions"]))
        for what, stored, again in pairs:
            found, gaps = differences(read_predictions(stored)[1], read_predictions(again)[1])
            if not found:
                found, note = within(what, gaps, tolerance)
                notes += [note] if note else []
            problems += found
        if problems:
            return problems, notes
        chosen, _, _ = read_validation(pairs[0][2], gold(DEFAULT_CONFIG, THRESHOLD_SPLIT), res.model)
        scores = score_predictions_file(pairs[1][2], gold(res.dataset.config, res.dataset.split), res.bootstrap.resamples, res.bootstrap.seed, chosen).scores
        found, matched = compare_scores(res, scores, tolerance, "token F1")
        return found, [*notes, *matched, *speed_note(res, rerun, "tokens_per_second", "tokens/s")]


def jobs(results_dir: Path, models: list[str] | None = None) -> tuple[list[tuple[Group, str, Comparison]], list[str]]:
    """What :func:`harness.runs.reproduce.reproduce` runs for the detection entries of ``models``."""
    found, problems = groups(results_dir, models)
    compare = Comparison()
    return [(g, FUNCTION, compare) for g in found], problems
