"""A run's options, checked once, before any work, by both tracks: how its intervals are
resampled, what it is called, and where and whether it writes.

>>> RunOptions(n_boot=0).checked()
Traceback (most recent call last):
...
harness.core.errors.SpinbenchError: n_boot (--bootstrap) must be a whole number from 1 to 100,000, not 0
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.paths import writable_location
from harness.runs.bootstrap import DEFAULT_RESAMPLES, MAX_RESAMPLES
from harness.runs.paths import DETECT, check_name, output_root


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class RunOptions:
    """``name``: the results folder's name (None: the model's); ``n_boot`` and ``seed``: the
    bootstrap; ``output_dir``: where runs go instead of ``runs/`` (``results/`` with
    ``submit``); ``write``: write the results and predictions at all; ``submit``: as a
    leaderboard entry; ``allow_dirty``: an entry from uncommitted code, saying so in it."""

    name: str | None = None
    n_boot: int = DEFAULT_RESAMPLES
    seed: int = 0
    output_dir: str | Path | None = None
    submit: bool = False
    write: bool = True
    allow_dirty: bool = False
    task: str = DETECT

    @classmethod
    def of(cls, task: str = DETECT, **options) -> RunOptions:
        """Options from a run function's keyword arguments (``evaluate(..., n_boot=50)``),
        checked (:meth:`checked`); an unknown keyword is a TypeError naming the known ones."""
        known = [f.name for f in fields(cls) if f.name != "task"]
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise TypeError(f"unexpected keyword argument {unknown[0]!r} (the run options are {', '.join(known)})")
        return cls(**options, task=task).checked()

    def checked(self) -> RunOptions:
        """These options, or a one-line :class:`SpinbenchError` for the first bad one (the output
        location is tried for writing)."""
        if not _whole(self.n_boot) or not 1 <= self.n_boot <= MAX_RESAMPLES:
            raise SpinbenchError(f"n_boot (--bootstrap) must be a whole number from 1 to {MAX_RESAMPLES:,}, not {self.n_boot!r}")
        if not _whole(self.seed) or self.seed < 0:
            raise SpinbenchError(f"seed must be a whole number of at least 0, not {self.seed!r}")
        if self.name is not None:
            check_name(self.name)
        if self.submit and not self.write:
            raise SpinbenchError("submit needs write=True: a leaderboard entry is the files it writes")
        if self.write:
            writable_location(output_root(self.output_dir, self.submit, self.task), "results")
        return self
