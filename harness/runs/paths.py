"""Where a run writes, one layout for both tracks, told before any work.

An ordinary run writes ``runs/<name>/<config>.<split>.json`` (ignored by git) and its predictions
beside it; a leaderboard entry (``submit``) writes ``results/<name>/<config>.json``. The
restoration track writes the same under ``restore/`` (``runs/restore/<name>/``,
``results/restore/<name>/``; ``--out DIR``: ``DIR/<name>/`` and ``DIR/restore/<name>/``). A detection run also stores its detector's predictions on
``news``/validation, from which its thresholds are chosen (:data:`VALIDATION_FILE`).

>>> run_paths(None, "lexicon", "news", "test", submit=False)
RunPaths(results=PosixPath('runs/lexicon/news.test.json'), predictions=PosixPath('runs/lexicon/news.test.predictions.jsonl.gz'), validation=PosixPath('runs/lexicon/validation.predictions.jsonl.gz'))
>>> run_paths(None, "lexicon", "news", "test", submit=True).results
PosixPath('results/lexicon/news.json')
>>> run_paths(None, "keep", "news", "test", submit=True, task=RESTORE).results
PosixPath('results/restore/keep/news.json')
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from harness.core.errors import SpinbenchError

RUNS_DIR = "runs"  # ordinary runs (ignored by git)
RESULTS_DIR = "results"  # leaderboard entries (committed)
PREDICTIONS_SUFFIX = ".predictions.jsonl.gz"
# The tracks: detection's runs lie at the top of runs/ and results/, restoration's in this folder.
DETECT, RESTORE = "detect", "restore"
TASK_DIRS = {DETECT: "", RESTORE: "restore"}
# A detection run's predictions on news/validation, one per model folder (its thresholds' source).
VALIDATION_FILE = "validation" + PREDICTIONS_SUFFIX
# The name results files written before version 2 of the results schema gave that file.
OLD_VALIDATION_FILE = "calibration" + PREDICTIONS_SUFFIX
LOCK_NAME = ".write.lock"  # one per results folder; leaderboards skip dot files
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


class RunPaths(NamedTuple):
    results: Path
    predictions: Path
    validation: Path | None  # detection only


def results_name(model: str) -> str:
    """A folder name for a model: registered names as they are, import paths made safe.

    >>> results_name("examples.my_detector:KeywordDetector")
    'examples.my_detector-KeywordDetector'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-._")


# Names no model may take: the folders of runs/ and results/ that are not a model's.
RESERVED_NAMES = tuple(d for d in TASK_DIRS.values() if d)


def name_problem(name: object) -> str | None:
    """Why ``name`` cannot name a model's folder (None when it can).

    >>> name_problem("lexicon"), name_problem("restore")
    (None, "name 'restore' is reserved: results/restore/ and runs/restore/ hold the restoration track's runs")
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return f"name {name!r} is not a plain name: use letters, digits, '-', '_' and '.', starting with a letter or digit"
    if name in RESERVED_NAMES:
        return f"name {name!r} is reserved: {RESULTS_DIR}/{name}/ and {RUNS_DIR}/{name}/ hold the restoration track's runs"
    return None


def check_name(name: str) -> str:
    """``name`` if it is a plain folder name (letters, digits, ``-_.``, not starting with a dot)
    and not a reserved one (:data:`RESERVED_NAMES`)."""
    problem = name_problem(name)
    if problem is not None:
        raise SpinbenchError(problem)
    return name


def is_predictions_file(model: object) -> bool:
    """Whether a model given by name is a predictions file (``.jsonl.gz`` or ``.jsonl``, or an
    existing file)."""
    if not isinstance(model, (str, os.PathLike)):
        return False
    model = os.fspath(model)
    return model.endswith((".jsonl.gz", ".jsonl")) or (Path(model).is_file() and ":" not in model)


def output_root(output_dir: str | Path | None, submit: bool, task: str = DETECT) -> Path:
    """The folder that holds one folder per model: the task's folder in ``output_dir`` when
    given, else in ``runs/`` (``results/`` with ``submit``). ``spinbench report --runs DIR``
    reads both tracks' runs from ``DIR`` in this layout."""
    return task_root(output_dir if output_dir is not None else (RESULTS_DIR if submit else RUNS_DIR), task)


def task_root(root: str | Path, task: str = DETECT) -> Path:
    """Where a task's runs or entries lie in ``root`` (a ``runs/`` or ``results/`` folder)."""
    return Path(root) / TASK_DIRS[task] if TASK_DIRS[task] else Path(root)


def run_paths(output_dir: str | Path | None, name: str, config: str, split: str, submit: bool, task: str = DETECT) -> RunPaths:
    """The files of a run; see the module docstring."""
    folder = output_root(output_dir, submit, task) / check_name(name)
    stem = config if submit else f"{config}.{split}"
    return RunPaths(folder / f"{stem}.json", folder / f"{stem}{PREDICTIONS_SUFFIX}", folder / VALIDATION_FILE if task == DETECT else None)
