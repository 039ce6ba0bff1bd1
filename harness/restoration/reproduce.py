"""Restoration's part of ``spinbench leaderboard --reproduce`` (:mod:`harness.runs.reproduce`):
each entry's restorer rerun at its commit (on the same detector's spans, from that detector's
leaderboard entry), the rerun's candidates for every span compared with the stored ones, and the
scores this harness computes from the rerun compared with the entry's.

The detector's entry is given to the commit's harness as that commit held it
(:func:`detector_as_committed`) where it is the one the restoration entry records (the same
predictions and token threshold, so the same spans): an older harness may not read a detection
results file written since (a field added to its schema). Otherwise it gets today's entry.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np

from harness.restoration.items import detector_spans, restoration_gold
from harness.restoration.leaderboard import entry_files
from harness.restoration.predictions import read_predictions, score_restoration_file
from harness.restoration.results import RestorationResults, read_restoration_results
from harness.runs.board import GoldSplits
from harness.runs.provenance import REPO_ROOT
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

    return [g for model, entries in sorted(by_model.items()) for g in grouped(f"{LABEL}{model}", entries, spans_from, detector_as_committed)], problems


def _committed(commit: str, path: str, repo: Path) -> bytes | None:
    """The file ``path`` (repository-relative) as ``commit`` held it; None where it held none."""
    done = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=repo, capture_output=True, timeout=300)
    return done.stdout if done.returncode == 0 else None


def detector_as_committed(group: Group, tree: Path, repo: Path = REPO_ROOT) -> dict:
    """``{"results_dir": ...}``: a folder in the commit's export ``tree`` holding the detector's
    entries that ``group``'s restoration entries restored the spans of, as the group's commit held
    them (results, predictions, validation predictions), where each is the one its entry records
    (the same predictions hash and token threshold); ``{}`` (today's entries, ``group.extra``'s)
    where the commit held none of them or another."""
    name = group.extra.get("spans_from")
    if not name or not group.commit:
        return {}
    files: dict[str, bytes] = {}
    for config, (_, res) in group.entries.items():
        record = res.detector or {}
        where = f"results/{name}"
        data = _committed(group.commit, f"{where}/{config}.json", repo)
        try:
            entry = json.loads(data) if data is not None else None
        except ValueError:
            entry = None
        if not isinstance(entry, dict) or entry.get("predictions_sha256") != record.get("predictions_sha256") \
                or (entry.get("thresholds") or {}).get("token") != record.get("token_threshold"):
            return {}
        files[f"{name}/{config}.json"] = data
        for file in (entry.get("predictions"), (entry.get("validation") or {}).get("predictions")):
            if not file:
                continue
            data = _committed(group.commit, f"{where}/{file}", repo)
            if data is None:
                return {}
            files[f"{name}/{file}"] = data
    folder = tree / "results"  # the export leaves results/ out: this folder is ours
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    return {"results_dir": str(folder.absolute())}


def jobs(results_dir: Path, models: list[str] | None = None) -> tuple[list[tuple[Group, str, Comparison]], list[str]]:
    """What :func:`harness.runs.reproduce.reproduce` runs for the restoration entries of ``models``."""
    found, problems = groups(results_dir, models)
    compare = Comparison()
    return [(g, FUNCTION, compare) for g in found], problems
