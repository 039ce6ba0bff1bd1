"""The write stage of both tracks: a run's files written as one unit, after its results are
checked against their schema.

A lock on the results folder keeps two runs writing to the same place (the same model name)
from mixing their files, so the last run's files win whole; a leaderboard entry is written only
if, under the lock, no other model's entry is in its folder (two submissions under one name
that started together: the first one's files stand, the second is refused). The predictions are written first
and the results, which name their hashes, last: a run stopped between the two leaves results
whose hashes no longer match, which ``leaderboard --check`` reports.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.runs.admission import folder_problems
from harness.runs.paths import LOCK_NAME
from harness.runs.results import ResultsError, RunResults, validate

log = logging.getLogger(__name__)
LOCK_TIMEOUT_S = 600


def write_run(results: RunResults, path: Path, write_predictions: Callable[[RunResults], None], entry: bool = False) -> RunResults:
    """Write ``results`` to ``path`` after ``write_predictions(results)`` has written the
    predictions files and recorded their hashes in ``results``; returns ``results`` with its
    ``path``. Nothing is written when the results do not fit their schema, nor, for a
    leaderboard ``entry``, when another model's entry is in the folder."""
    from filelock import FileLock, Timeout

    path = Path(path)
    validate(results.to_json(), str(path), results.SCHEMA)  # what cannot be written stops the run before any file changes
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(path.parent / LOCK_NAME, timeout=LOCK_TIMEOUT_S)
    try:
        with lock:
            taken = folder_problems(path, results.model, type(results).read, ResultsError) if entry else []
            if taken:
                raise SpinbenchError(f"not a leaderboard entry, so nothing was written: {taken[0]}")
            if path.exists():
                log.warning("replacing %s and its predictions (an earlier run's)", path)
            write_predictions(results)
            results.write(path)
    except Timeout:
        raise SpinbenchError(f"another run has been writing to {path.parent} for {LOCK_TIMEOUT_S} s (lock {lock.lock_file}); nothing was written") from None
    results.path = path
    return results
