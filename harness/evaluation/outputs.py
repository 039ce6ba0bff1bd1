"""Where a run's results and predictions go, checked before any work.

An ordinary run writes ``runs/<name>/<config>.<split>.json`` (ignored by git) and its predictions
beside it; a leaderboard entry (``submit``) writes ``results/<name>/<config>.json``.

>>> run_paths(None, "lexicon", "news", "test", submit=False)
RunPaths(results=PosixPath('runs/lexicon/news.test.json'), predictions=PosixPath('runs/lexicon/news.test.predictions.jsonl.gz'), calibration=PosixPath('runs/lexicon/calibration.predictions.jsonl.gz'))
>>> run_paths(None, "lexicon", "news", "test", submit=True).results
PosixPath('results/lexicon/news.json')
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
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


CALIBRATION_NAME = "calibration"  # the detector's news/validation predictions, one per folder


class RunPaths(NamedTuple):
    results: Path
    predictions: Path
    calibration: Path


def results_name(model: str) -> str:
    """A folder name for a model: registered names as they are, import paths made safe.

    >>> results_name("examples.my_detector:KeywordDetector")
    'examples.my_detector-KeywordDetector'
    """
    return re.sub(r"[^A-Za-z0-9._-]+", "-", model).strip("-._")


def check_name(name: str) -> str:
    """``name`` if it is a plain folder name (letters, digits, ``-_.``, not starting with a dot)."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise SpinbenchError(f"name {name!r} is not a plain name: use letters, digits, '-', '_' and '.', starting with a letter or digit")
    return name


def is_predictions_file(model: object) -> bool:
    """Whether a model given by name is a predictions file (``.jsonl.gz`` or ``.jsonl``, or an
    existing file)."""
    if not isinstance(model, (str, os.PathLike)):
        return False
    model = os.fspath(model)
    return model.endswith((".jsonl.gz", ".jsonl")) or (Path(model).is_file() and ":" not in model)


def output_root(output_dir: str | Path | None, submit: bool) -> Path:
    return Path(output_dir) if output_dir is not None else Path(RESULTS_DIR if submit else RUNS_DIR)


def run_paths(output_dir: str | Path | None, name: str, config: str, split: str, submit: bool) -> RunPaths:
    """(results file, predictions file) of a run; see the module docstring."""
    folder = output_root(output_dir, submit) / check_name(name)
    stem = config if submit else f"{config}.{split}"
    return RunPaths(folder / f"{stem}.json", folder / f"{stem}{PREDICTIONS_SUFFIX}", folder / f"{CALIBRATION_NAME}{PREDICTIONS_SUFFIX}")
