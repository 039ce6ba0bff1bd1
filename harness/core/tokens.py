"""The one tokenizer of spinbench: words, numbers and punctuation with character offsets.

Every part of the project (spinners, aligner, detectors, metrics, reports) tokenizes with
:func:`tokenize`, so a token index means the same thing everywhere and offsets are never
recomputed with ``str.find``.

>>> [t.text for t in tokenize("Profits rose 76% to $1.13bn, didn't they?")]
['Profits', 'rose', '76%', 'to', '$1.13bn', ',', "didn't", 'they', '?']
>>> tokenize("well-known ‘quotes’")[1]
Token(text='‘', start=11, end=12)
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    """One token: its text and its ``[start, end)`` character offsets in the source text."""

    text: str
    start: int
    end: int


_TOKEN_RE = re.compile(
    r"""
    \d[^\W_]*(?:-[^\W_]+)+                       # hyphenated compounds that start with a digit: 3-0, 24-hour
    | [$£€¥]?\d+(?:[.,:/]\d+)*(?:%|[^\W\d_]+)?   # numbers: $68.5, 10%, 1,000, 2024, 3.5bn, 1990s
    | [^\W\d_][^\W_]*(?:[-'\u2019][^\W_]+)*     # words (MP3), hyphenated words, contractions (it’s)
    | [^\w\s]                                    # any other non-space character on its own
    | _+                                         # runs of underscores
    """,
    re.VERBOSE,
)


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Split ``text`` (or ``text[start:end]``, with offsets still into ``text``) into tokens;
    ``text[t.start:t.end] == t.text`` for every token.

    Every non-space character of ``text`` belongs to exactly one token.
    """
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text, start, len(text) if end is None else end)]


def is_word(token_text: str) -> bool:
    """True for tokens made of letters (with inner hyphens or apostrophes), e.g. ``don't``."""
    return token_text[:1].isalpha()


def normalize(token_text: str) -> str:
    """The comparison key of a token: case-folded, curly apostrophes made straight.

    The aligner and the detectors compare tokens through this key, so a change of case or of
    quote style is never counted as spinning.
    """
    return token_text.casefold().replace("\u2019", "'")
