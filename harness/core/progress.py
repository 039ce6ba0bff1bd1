"""Progress on long work: a tqdm bar on a terminal, and where stderr is not a terminal (a log
file, CI, a notebook's captured output) a plain line through :mod:`logging` every
:data:`LOG_EVERY_S` seconds and at the end, so that a long run is never silent. Both go on while
one step of the work takes long (a detector's batch, a model's fit): the bar's clock keeps
running, and the line comes anyway, saying how long nothing has moved (a stuck detector shows).

>>> with progress(3, "scoring", "doc") as bar:
...     for _ in range(3):
...         bar.update(1)
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

LOG_EVERY_S = 10.0
log = logging.getLogger("harness.progress")


class _LogBar:
    def __init__(self, total: int, desc: str, unit: str):
        self.total, self.desc, self.unit = total, desc, unit
        self.n = 0
        self.started = self.last = self.moved = time.monotonic()

    def update(self, n: int = 1) -> None:
        self.n += n
        self.moved = time.monotonic()
        self.beat()

    def beat(self) -> None:
        """A line where none came for :data:`LOG_EVERY_S` seconds (after an update, and from the watcher)."""
        now = time.monotonic()
        if now - self.last >= LOG_EVERY_S:
            self.last = now
            self._line(now)

    def _line(self, now: float) -> None:
        share = f" ({self.n / self.total:.0%})" if self.total else ""
        still = now - self.moved
        stalled = f" (no progress for {still:.0f} s)" if still >= LOG_EVERY_S else ""
        log.info("%s: %s of %s %ss%s, %.0f s%s", self.desc, f"{self.n:,}", f"{self.total:,}", self.unit, share, now - self.started, stalled)

    def close(self) -> None:
        if time.monotonic() - self.started >= LOG_EVERY_S:  # short work needs no closing line
            self.moved = time.monotonic()
            self._line(self.moved)


class _Watcher:
    """A daemon thread calling ``tick()`` every ``every`` seconds until stopped."""

    def __init__(self, tick, every: float):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(tick, every), daemon=True, name="spinbench-progress")
        self._thread.start()

    def _run(self, tick, every: float) -> None:
        while not self._stop.wait(every):
            try:
                tick()
            except Exception:  # a display that fails must not stop the work
                return

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=1.0)


@contextmanager
def progress(total: int, desc: str, unit: str, watch: bool = True, **tqdm_options) -> Iterator:
    """A progress counter with ``update(n)``: see the module docstring. ``watch=False``: no
    thread that keeps it alive between updates, for work that forks processes inside it (a
    forked child inherits a lock a thread held, and could wait on it for ever)."""
    if sys.stderr.isatty():
        from tqdm.auto import tqdm

        with tqdm(total=total, desc=desc, unit=unit, **tqdm_options) as bar:
            watcher = _Watcher(bar.refresh, 1.0) if watch else None  # the elapsed time keeps counting while a step takes long
            try:
                yield bar
            finally:
                if watcher:
                    watcher.stop()
        return
    bar = _LogBar(total, desc, unit)
    watcher = _Watcher(bar.beat, min(LOG_EVERY_S, 1.0)) if watch else None
    try:
        yield bar
    finally:
        if watcher:
            watcher.stop()
        bar.close()
