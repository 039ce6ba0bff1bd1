"""Progress on long work (harness/core/progress.py): never silent, even while one step takes long."""

import logging
import time

import harness.core.progress as progress_module
from harness.core.progress import progress


def test_a_long_step_still_gets_a_line_that_says_nothing_has_moved(monkeypatch, caplog):
    """A detector stuck in one batch used to print nothing until the batch ended."""
    monkeypatch.setattr(progress_module, "LOG_EVERY_S", 0.2)
    with caplog.at_level(logging.INFO, logger="harness.progress"):
        with progress(3, "scoring", "doc") as bar:
            bar.update(1)
            time.sleep(0.8)  # one slow step, no update
            bar.update(2)
    lines = [r.getMessage() for r in caplog.records]
    assert any(line.startswith("scoring: 1 of 3 docs (33%)") and "(no progress for" in line for line in lines), lines
    assert lines[-1].startswith("scoring: 3 of 3 docs (100%)") and "no progress" not in lines[-1]


def test_work_that_forks_gets_no_watching_thread(monkeypatch, caplog):
    monkeypatch.setattr(progress_module, "LOG_EVERY_S", 0.2)
    with caplog.at_level(logging.INFO, logger="harness.progress"):
        with progress(2, "building", "doc", watch=False) as bar:
            import threading

            assert not any(t.name == "spinbench-progress" for t in threading.enumerate())
            time.sleep(0.5)
            bar.update(2)
    assert all("no progress" not in r.getMessage() for r in caplog.records)
