"""The one check for a user's file that should hold text: every entrance that reads one
(``spinbench align`` for its texts and pairs, ``spinbench detect``, ``spinbench build --source
local:FILE``) refuses a binary or empty file with the same one line."""

from __future__ import annotations

from harness.core.errors import SpinbenchError
from harness.core.unicode_text import INVISIBLE


def check_text(data: bytes, what: str, empty_ok: bool = False) -> None:
    """Raise a one-line :class:`SpinbenchError` when ``data`` (the bytes of ``what``) looks
    binary (it holds NUL bytes, which no text does) or, unless ``empty_ok``, holds nothing but
    whitespace. UTF-8 is left to the caller: some read a file line by line and skip a bad line.

    >>> check_text(b"Heavy rain.", "in.txt")
    >>> check_text(b"\\x89PNG\\r\\n\\x00\\x00", "in.png")
    Traceback (most recent call last):
    ...
    harness.core.errors.SpinbenchError: in.png looks binary (it contains NUL bytes), not text
    >>> check_text(b" \\n", "in.txt")
    Traceback (most recent call last):
    ...
    harness.core.errors.SpinbenchError: in.txt is empty
    """
    if b"\x00" in data:
        raise SpinbenchError(f"{what} looks binary (it contains NUL bytes), not text")
    if not empty_ok and not data.decode("utf-8", errors="replace").strip(" \t\r\n\f\v" + INVISIBLE).strip():  # a lone BOM is empty too
        raise SpinbenchError(f"{what} is empty")
