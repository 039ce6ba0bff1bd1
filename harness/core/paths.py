"""Whether a path can be written, asked before any work: the one check every command uses for
the files and folders it will write (a report, a leaderboard, an imported dataset, the cache).

A path that does not exist yet is judged by its nearest existing folder; permission bits are
not enough (root may write anywhere by them, yet not in /proc, nor on a read-only disk), so a
file is created there and removed at once.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from harness.core.errors import SpinbenchError


def writable_location(path: str | Path, what: str, folder: bool = True) -> None:
    """Raise a one-line :class:`SpinbenchError` unless ``path`` can be written: made (with its
    missing parents), or written into when it exists. ``folder``: ``path`` is a folder to make or
    fill (an existing file there is an error), else a file to write or replace. Nothing is left
    behind.

    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> writable_location(tmp / "new" / "report", "the report")
    >>> (tmp / "afile").write_text("x")
    1
    >>> writable_location(tmp / "afile" / "sub", "the report")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    harness.core.errors.SpinbenchError: cannot write the report at ...afile/sub: ...afile is a file, not a folder
    """
    path = Path(path)
    target = path.absolute()
    existing = target
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir() and (existing != target or folder):
        raise SpinbenchError(f"cannot write {what} at {path}: {existing} is a file, not a folder")
    where = existing if existing.is_dir() else existing.parent
    try:
        fd, probe = tempfile.mkstemp(dir=where, prefix=".spinbench-write-check-")
    except OSError as err:
        raise SpinbenchError(f"cannot write {what} at {path}: files cannot be created in {where} ({err.strerror or err})") from None
    os.close(fd)
    os.unlink(probe)
