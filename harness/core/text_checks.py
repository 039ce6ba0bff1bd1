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
    >>> check_text("Heavy rain.".encode("utf-16"), "in.txt")
    Traceback (most recent call last):
    ...
    harness.core.errors.SpinbenchError: in.txt looks like UTF-16 text; spinbench reads UTF-8: convert it first, e.g. iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8.txt
    >>> check_text(b" \\n", "in.txt")
    Traceback (most recent call last):
    ...
    harness.core.errors.SpinbenchError: in.txt is empty
    """
    if b"\x00" in data:
        encoding = _wide_encoding(data)
        if encoding:
            raise SpinbenchError(f"{what} looks like {encoding} text; spinbench reads UTF-8: convert it first, e.g. "
                                 f"iconv -f {encoding.split()[0]} -t UTF-8 FILE > FILE.utf8.txt")
        raise SpinbenchError(f"{what} looks binary (it contains NUL bytes), not text")
    if not empty_ok and not data.decode("utf-8", errors="replace").strip(" \t\r\n\f\v" + INVISIBLE).strip():  # a lone BOM is empty too
        raise SpinbenchError(f"{what} is empty")


_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _wide_encoding(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" where ``data`` starts with that encoding's byte-order mark, or, without
    one, where every other byte of its first kilobyte is NUL (ASCII text in UTF-16, "UTF-16LE" or
    "UTF-16BE"); else None."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:1024 - 1024 % 2]
    if len(head) >= 4:
        if not any(head[1::2]) and all(head[0::2]):
            return "UTF-16LE (no byte-order mark)"
        if not any(head[0::2]) and all(head[1::2]):
            return "UTF-16BE (no byte-order mark)"
    return None
