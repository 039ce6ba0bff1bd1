"""Tortured-phrase fingerprint lists in the Problematic Paper Screener's export format.

The Screener (Cabanac, Labbé and Magazinov) publishes the tortured phrases it searches for as a
CSV export with, among others, the columns ``Fingerprint - Tortured Phrase`` (the spun wording),
``Expected Text`` (the wording it replaced) and ``Nb Retrieved Papers`` (how many papers contain
it). :func:`read_fingerprints` reads such a file (other columns are ignored; the count may be
missing); the ``lexicon`` detector reads it as an external lexicon (``lexicon=PATH``: a file whose
first line names the fingerprint column is read as such an export) and the
``reverse-rules`` and ``context`` restorers as restoration rules (``fingerprints=PATH``).
``tests/fixtures/fingerprints.csv`` is a small file in that layout written for spinbench.

>>> import io
>>> rows = parse_fingerprints(io.StringIO(
...     'Fingerprint - Tortured Phrase,Expected Text,Nb Retrieved Papers\\n'
...     '"counterfeit consciousness","artificial intelligence",1200\\n'
...     'huge information,big data,\\n'))
>>> [(r.fingerprint, r.expected, r.papers) for r in rows]
[('counterfeit consciousness', 'artificial intelligence', 1200), ('huge information', 'big data', 0)]
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple, TextIO

FINGERPRINT_COLUMN = "Fingerprint - Tortured Phrase"
EXPECTED_COLUMN = "Expected Text"
PAPERS_COLUMN = "Nb Retrieved Papers"


class Fingerprint(NamedTuple):
    fingerprint: str  # the tortured (spun) phrase
    expected: str  # the wording it stands for ("" when the list gives none)
    papers: int  # papers found containing it (0 when not given)


def parse_fingerprints(f: TextIO, where: str = "fingerprints") -> list[Fingerprint]:
    """Rows of a Screener-style CSV; ValueError naming the file and line on a bad one."""
    reader = csv.DictReader(f)
    columns = [c.strip().lstrip("\ufeff") for c in reader.fieldnames or []]
    if FINGERPRINT_COLUMN not in columns:
        raise ValueError(f"{where}: no {FINGERPRINT_COLUMN!r} column (columns: {columns}); the Problematic Paper Screener's export has it")
    reader.fieldnames = columns
    out = []
    for row in reader:
        phrase = (row.get(FINGERPRINT_COLUMN) or "").strip()
        if not phrase:
            raise ValueError(f"{where}:{reader.line_num}: empty {FINGERPRINT_COLUMN!r}")
        count = (row.get(PAPERS_COLUMN) or "").strip().replace(",", "")
        try:
            papers = int(float(count)) if count else 0
        except ValueError:
            raise ValueError(f"{where}:{reader.line_num}: {PAPERS_COLUMN!r} is {count!r}, not a number") from None
        out.append(Fingerprint(" ".join(phrase.split()), " ".join((row.get(EXPECTED_COLUMN) or "").split()), papers))
    return out


def read_fingerprints(path: str | Path) -> list[Fingerprint]:
    """The fingerprints in a Screener-style CSV file (UTF-8, a byte-order mark allowed)."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            return parse_fingerprints(f, str(path))
    except (OSError, UnicodeDecodeError) as err:
        raise ValueError(f"cannot read fingerprints file {path}: {err}") from None
