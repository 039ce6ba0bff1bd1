"""Restoration's part of ``spinbench leaderboard --reproduce`` (:mod:`harness.runs.reproduce`):
each entry's restorer rerun at its commit (on the same detector's spans, from that detector's
leaderboard entry), the rerun's candidates for every span compared with the stored ones, and the
scores this harness computes from the rerun compared with the entry's.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from harness.restoration.items import detector_spans, restoration_gold
from harness.restoration.leaderboard import entry_files
from harness.restoration.predictions import read_predictions, score_restoration_file
from harness.restoration.results import RestorationResults, read_restoration_results
from harness.runs.board import GoldSplits
from harness.runs.reproduce import Group, compare_scores, grouped, speed_note, tolerance_of
from harness.runs.results import ResultsError

FUNCTION = "restore"
LABEL = "restore/"


def _candidates(rows: dict[str, dict], ids: list[str]) -> np.ndarray:
    """Every span's candidates, gold spans then detected ones, in the documents' order."""
    return np.array(["\x1f".join(c) for key in ("candidates", "detected_candidates") for i in ids for c in rows[i].get(key, [])], dtype=object)


class Comparison:
    """``compare(...)`` of :data:`harness.runs.reproduce.Compare` for restoration entries."""

    def __init__(self):
        self._gold: dict[str, GoldSplits] = {}

    def __call__(self, path: Path, res: RestorationResults, rerun: dict, rerun_path: Path, data: Path) -> tuple[list[str], list[str]]:
        splits = self._gold.setdefault(str(data), GoldSplits(str(data), restoration_gold))
        gold = splits.viewed(res.dataset.config, res.dataset.split)
        tolerance = tolerance_of(res, rerun)
        stored, again = read_predictions(path.parent / res.predictions), read_predictions(rerun_path.parent / rerun["predictions"])
        if set(stored[1]) != set(gold.ids) or set(again[1]) != set(gold.ids):
            return ["the rerun restores other documents than the entry"], []
        a, b = _candidates(stored[1], gold.ids), _candidates(again[1], gold.ids)
        if len(a) != len(b):
            return [f"the rerun restores {len(b):,} spans, the entry {len(a):,} (other detected spans?)"], []
        share = float(np.mean(a == b)) if len(a) else 1.0
        if share < tolerance.share:
            return [f"its candidates differ from the stored ones on {1 - share:.2%} of {len(a):,} spans ({tolerance.describe()})"], []
        notes = [f"held to: {tolerance.describe()}", f"candidates {'identical' if share == 1 else f'the same on {share:.2%} of spans'}"]
        detector = None
        if res.detector is not None:  # the spans of the detector's entry, as --check recomputes them
            entry = path.parents[2] / res.detector["name"] / f"{res.dataset.config}.json"
            detector = detector_spans(entry, splits(res.dataset.config, res.dataset.split))
        _, scores = score_restoration_file(rerun_path.parent / rerun["predictions"], gold, res.bootstrap.resamples, res.bootstrap.seed, detector,
                                           read=again)
        found, matched = compare_scores(res, scores, tolerance, "top-1")
        return found, [*notes, *matched, *speed_note(res, rerun, "spans_per_second", "spans/s")]

def groups(results_dir: Path, models: list[str] | None = None) -> tuple[list[Group], list[str]]:
    """The runs that reproduce the restoration entries of ``models`` (``restore/NAME`` or NAME;
    all when None), on the same detector's spans as the entries, and the entries that cannot be
    read."""
    paths, _ = entry_files(results_dir)
    by_model: dict[str, dict[str, tuple[Path, RestorationResults]]] = {}
    problems = []
    for path in paths:
        model = path.parent.name
        if models is not None and model not in models and f"{LABEL}{model}" not in models:
            continue
        try:
            by_model.setdefault(model, {})[path.stem] = (path, read_restoration_results(path, older_scores=True))
        except ResultsError as err:
            problems.append(f"{LABEL}{model}/{path.stem}: {err}")

    def spans_from(res: RestorationResults) -> dict:
        if res.detector is None:
            return {}
        return {"spans_from": res.detector["name"], "results_dir": str(Path(results_dir).absolute())}

    return [g for model, entries in sorted(by_model.items()) for g in grouped(f"{LABEL}{model}", entries, spans_from)], problems


def jobs(results_dir: Path, models: list[str] | None = None) -> tuple[list[tuple[Group, str, Comparison]], list[str]]:
    """What :func:`harness.runs.reproduce.reproduce` runs for the restoration entries of ``models``."""
    found, problems = groups(results_dir, models)
    compare = Comparison()
    return [(g, FUNCTION, compare) for g in found], problems
