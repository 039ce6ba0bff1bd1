"""What ``leaderboard --check`` asks of a track's entries together, beyond each entry alone, in
both tracks alike: every model is submitted for every config; no model is another under a
second name (:mod:`harness.runs.copies`); and what the leaderboard says of entries made from
uncommitted code.

>>> partial_submissions([Path("r/a/news.json")], "restore/")[0]  # doctest: +ELLIPSIS
'restore/a: a partial submission: no entry for unseen-spinner, ... (every model is scored on every config)'
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from harness.core.configs import CONFIGS
from harness.runs.copies import NEAR_COPY_CORRELATION, near_copies


def partial_submissions(paths: list[Path], label: str = "") -> list[str]:
    """A problem for each model with entries (``paths``: every entry file found) for only some
    of the leaderboard's configs."""
    present: dict[str, set[str]] = {}
    for path in paths:
        present.setdefault(Path(path).parent.name, set()).add(Path(path).stem)
    problems = []
    for model, configs in sorted(present.items()):
        missing = [c for c in CONFIGS if c not in configs]
        if missing:
            problems.append(f"{label}{model}: a partial submission: no entry for {', '.join(missing)} (every model is scored on every config)")
    return problems


def copy_problems(compared: dict[str, dict[str, np.ndarray]], label: str = "", what: str = "token scores",
                  measure: Callable[[np.ndarray, np.ndarray], float | None] | None = None, threshold: float = NEAR_COPY_CORRELATION) -> list[str]:
    """A problem for each pair of models that are near copies on some set of items:
    ``compared`` is ``{items: {model: their scores or answers on them}}`` (``measure``: as
    :func:`~harness.runs.copies.near_copies`; default: rank correlation). Named once per pair,
    on the first set of items that shows it."""
    how = "rank-correlate" if measure is None else "agree"
    found: dict[tuple[str, str], str] = {}
    for items, scores in compared.items():
        for a, b, value in near_copies(scores, measure, threshold):  # which of the two is the copy, no file can say: both are named
            found.setdefault((a, b), f"{label}{a} and {label}{b}: their {what} on {items} {how} at {value:.4f} (at least {threshold} is a near copy): "
                                     "one model submitted under two names")
    return [found[pair] for pair in sorted(found)]


def dirty_note(models: list[str]) -> str:
    """The line a leaderboard prints under its tables for entries made from uncommitted code
    (``--allow-dirty``), which nobody can rerun from their commit ("" for none)."""
    if not models:
        return ""
    names = ", ".join(f"`{m}`" for m in sorted(models))
    return f"Made from uncommitted code (`--allow-dirty`), so `spinbench leaderboard --reproduce` cannot rerun them from their commit: {names}."
