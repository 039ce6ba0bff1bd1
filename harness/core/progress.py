"""Progress on long work: a tqdm bar on a terminal, and where stderr is not a terminal (a log
file, CI, a notebook's captured output) a plain line through :mod:`logging` every
:data:`LOG_EVERY_S` seconds and at the end, so that a long run is never silent.

>>> with progress(3, "scoring", "doc") as bar:
...     for _ in range(3):
...         bar.update(1)
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

LOG_EVERY_S = 10.0
log = logging.getLogger("harness.progress")


class _LogBar:
    def __init__(self, total: int, desc: str, unit: str):
        self.total, self.desc, self.unit = total, desc, unit
        self.n = 0
        self.started = self.last = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self.last >= LOG_EVERY_S:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        share = f" ({self.n / self.total:.0%})" if self.total else ""
        log.info("%s: %s of %s %ss%s, %.0f s", self.desc, f"{self.n:,}", f"{self.total:,}", self.unit, share, now - self.started)

    def close(self) -> None:
        if time.monotonic() - self.started >= LOG_EVERY_S:  # short work needs no closing line
            self._line(time.monotonic())


@contextmanager
def progress(total: int, desc: str, unit: str, **tqdm_options) -> Iterator:
    """A progress counter with ``update(n)``: see the module docstring."""
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        with tqdm(total=total, desc=desc, unit=unit, **tqdm_options) as bar:
            yield bar
        return
    bar = _LogBar(total, desc, unit)
    try:
        yield bar
    finally:
        bar.close()
