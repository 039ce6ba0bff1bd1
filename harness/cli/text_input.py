"""Reading a text a user gives on the command line: a file, or ``-`` for standard input."""

from __future__ import annotations

import sys
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.text_checks import check_text


def read_text_input(path: str) -> str:
    """The text of ``path`` (``-``: stdin); empty, binary or undecodable input is an error."""
    what = "standard input" if path == "-" else path
    try:
        data = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise SpinbenchError(f"cannot read {what}: {err.strerror}") from None
    check_text(data, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise SpinbenchError(f"{what} is not valid UTF-8 (byte {err.start})") from None
