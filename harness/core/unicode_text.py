"""Unicode at the entrances: the one normalisation every text from outside goes through (a file
given to ``detect`` or ``align``, imported pairs, a build's sources) before it is tokenized.

Three things make equal-looking texts differ, and are undone here:

- a byte-order mark (U+FEFF) at the start of a file saved by some Windows editors;
- zero-width characters (U+200B-U+200D, U+2060, U+FEFF) hidden inside words, a known way to
  make a spun text slip past a phrase list;
- decomposed accents (NFD, ``e`` + U+0301) where a precomposed letter (NFC, ``é``) is usual.

:func:`clean_text` returns the normalised text with a map back to the user's text, so offsets
shown to the user (``detect``, ``align``) point into what they gave. A text that needs none of
this (every text of the default sources) comes back as it is, with no map.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")


@dataclass(frozen=True)
class CleanText:
    """``text``, normalised; ``starts[i]``/``ends[i]``: the span of the user's text that gave its
    character ``i`` (None when ``text`` is the user's text unchanged)."""

    text: str
    raw_length: int
    starts: array | None = None
    ends: array | None = None

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the user's text that ``text[start:end]`` came from."""
        if self.starts is None or self.ends is None:
            return start, end
        if start >= end:
            at = self.starts[start] if start < len(self.text) else self.raw_length
            return at, at
        return self.starts[start], self.ends[end - 1]


def clean_text(raw: str) -> CleanText:
    """``raw`` in NFC without zero-width characters (a leading byte-order mark included), mapped
    back to ``raw``.

    >>> c = clean_text("\\ufeffcafe\\u0301 coun\\u200bterfeit")
    >>> c.text
    'café counterfeit'
    >>> c.raw_span(0, 4), c.raw_span(5, 16)
    ((1, 6), (7, 19))
    >>> clean_text("plain").starts is None
    True
    """
    if not _INVISIBLE_RE.search(raw) and unicodedata.is_normalized("NFC", raw):
        return CleanText(raw, len(raw))
    out: list[str] = []
    starts, ends = array("q"), array("q")
    segment: list[int] = []  # places in raw of the characters that may compose together

    def flush() -> None:
        if not segment:
            return
        done = unicodedata.normalize("NFC", "".join(raw[i] for i in segment))
        out.append(done)
        one_by_one = "".join(unicodedata.normalize("NFC", raw[i]) for i in segment)
        if done == one_by_one and len(done) == len(segment):  # nothing composed or reordered: each keeps its place
            starts.extend(segment)
            ends.extend(i + 1 for i in segment)
        else:  # composed: every character of the result stands for the whole span
            starts.extend([segment[0]] * len(done))
            ends.extend([segment[-1] + 1] * len(done))

    for i, ch in enumerate(raw):
        if ch in INVISIBLE:
            continue
        # A new segment starts where a character can never compose with what comes before it.
        if segment and unicodedata.combining(ch) == 0:
            before = "".join(raw[j] for j in segment)
            if unicodedata.normalize("NFC", before + ch) == unicodedata.normalize("NFC", before) + unicodedata.normalize("NFC", ch):
                flush()
                segment = []
        segment.append(i)
    flush()
    return CleanText("".join(out), len(raw), starts, ends)
