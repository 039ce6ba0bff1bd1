"""The one place that knows the dataset's schema: its fields, their types and meanings, the edit
record, and how a record is made and checked.

:data:`FIELDS_SPEC` is the single description of a record; the Arrow schema (:data:`ARROW_SCHEMA`)
and the field table of the data card (:func:`fields_table`) are both generated from it.
Token offsets are character offsets into ``text`` (or ``original_text``); edit bounds are token
indices, ``[start, end)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.core.configs import CLEAN_REGIME
from harness.core.tokens import Token


@dataclass(frozen=True)
class Edit:
    """One edited region, in **token indices**: spun tokens ``[spun_start, spun_end)`` replace
    original tokens ``[original_start, original_end)``. An empty spun range is a deletion, an
    empty original range an insertion. The field names are the dataset's."""

    spun_start: int
    spun_end: int
    original_start: int
    original_end: int
    spun_text: str
    original_text: str

    def to_row(self) -> dict:
        # Not dataclasses.asdict, which deep-copies every field: a build makes a million rows.
        return {"spun_start": self.spun_start, "spun_end": self.spun_end, "original_start": self.original_start,
                "original_end": self.original_end, "spun_text": self.spun_text, "original_text": self.original_text}


def _types():
    """Arrow types, built on first use so that importing the schema does not need pyarrow."""
    import pyarrow as pa

    token = pa.struct([("text", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
    edit = pa.struct([(name, pa.string() if name.endswith("_text") else pa.int32()) for name in Edit.__dataclass_fields__])
    return {
        "string": pa.string(),
        "tokens": pa.list_(token),
        "labels": pa.list_(pa.int8()),
        "edits": pa.list_(edit),
        "strings": pa.list_(pa.string()),
        "float32": pa.float32(),
        "bool": pa.bool_(),
    }


_TYPE_NAMES = {
    "string": "string",
    "tokens": "list of {text, start, end}",
    "labels": "list of int8",
    "edits": "list of {" + ", ".join(Edit.__dataclass_fields__) + "}",
    "strings": "list of string",
    "float32": "float32",
    "bool": "bool",
}

# (field, type key, meaning): the record, field by field.
FIELDS_SPEC: tuple[tuple[str, str, str], ...] = (
    ("id", "string", "document id, unique within a config"),
    ("source", "string", "corpus the original comes from"),
    ("source_id", "string", "the original's id in that corpus"),
    ("domain", "string", "BBC section (business, entertainment, politics, sports, tech), `encyclopedia`, or the domain of an imported source"),
    ("title", "string", "the article's title (not spun)"),
    ("text", "string", "the text to score: spun, or clean for negatives"),
    ("tokens", "tokens", "`harness.tokenize(text)`, character offsets into `text`"),
    ("labels", "labels", "per token: 1 = inserted or substituted by spinning, 0 = kept"),
    ("original_text", "string", "the clean original"),
    ("original_tokens", "tokens", "`harness.tokenize(original_text)`"),
    ("edits", "edits", "each spun span (token indices, end exclusive) and the original span it replaced; an empty side is an insertion or a deletion"),
    ("engines", "strings", "substitution engines that made the document's edits (empty when clean; `unknown` for imported pairs)"),
    ("recipe", "string", "the spinner recipe (see Configurations); `none` when clean, `unknown` for imported pairs"),
    ("spin_rate", "float32", "share of tokens the spinner was asked to replace (0 when clean); for imported pairs, which have no such request, the observed share of spun tokens"),
    ("is_spun", "bool", "whether any token was changed"),
    ("regime", "string", "how much was spun: `clean`, `whole` (the whole article), `sparse` (a handful of edits, 0.5-5% of tokens) or "
                         "`partial` (one to three paragraphs); `unknown` for imported spun pairs"),
    ("spinner", "string", "the spinner personality that spun the document, as JSON (recipe and habits; see the card); empty when clean"),
)
FIELDS = tuple(name for name, _, _ in FIELDS_SPEC)


def arrow_schema():
    """The schema as a ``pyarrow.Schema``."""
    import pyarrow as pa

    types = _types()
    return pa.schema([(name, types[kind]) for name, kind, _ in FIELDS_SPEC])


def as_stored(record: dict) -> dict:
    """The record as it reads back from parquet: float32 fields (``spin_rate``) rounded the way
    the file stores them, every other field as it is (a build fingerprints records this way
    without reading its files back)."""
    import numpy as np

    lossy = [name for name, kind, _ in FIELDS_SPEC if kind == "float32" and record.get(name) is not None]
    return {**record, **{name: float(np.float32(record[name])) for name in lossy}} if lossy else record


def fields_table() -> str:
    """The Markdown table of fields for the data card."""
    rows = ["| field | type | meaning |", "|---|---|---|"]
    rows += [f"| `{name}` | {_TYPE_NAMES[kind]} | {meaning} |" for name, kind, meaning in FIELDS_SPEC]
    return "\n".join(rows)


def token_rows(tokens: Sequence[Token]) -> list[dict]:
    return [{"text": t.text, "start": t.start, "end": t.end} for t in tokens]


def make_record(
    *,
    doc_id: str,
    source: str,
    source_id: str,
    domain: str,
    title: str,
    text: str,
    tokens: Sequence[Token],
    labels: Sequence[int],
    original_text: str,
    original_tokens: Sequence[Token],
    edits: Sequence[Edit],
    engines: Sequence[str],
    recipe: str,
    spin_rate: float,
    regime: str,
    spinner: str = "",
) -> dict:
    """A dataset record; ``is_spun`` follows the edits (a document planned spun that no change
    could be made to is clean, and says so in ``regime``)."""
    return {
        "id": doc_id,
        "source": source,
        "source_id": source_id,
        "domain": domain,
        "title": title,
        "text": text,
        "tokens": token_rows(tokens),
        "labels": list(labels),
        "original_text": original_text,
        "original_tokens": token_rows(original_tokens),
        "edits": [e.to_row() for e in edits],
        "engines": list(engines),
        "recipe": recipe,
        "spin_rate": float(spin_rate),
        "is_spun": bool(edits),
        "regime": regime if edits else CLEAN_REGIME,
        "spinner": spinner if edits else "",
    }


def validate_record(record: dict) -> None:
    """Raise ValueError if a record breaks the schema's invariants (offsets, label count)."""
    missing = [f for f in FIELDS if f not in record]
    if missing:
        raise ValueError(f"record {record.get('id')!r} lacks fields {missing}")
    for side, text_field in (("tokens", "text"), ("original_tokens", "original_text")):
        text = record[text_field]
        for t in record[side]:
            if text[t["start"] : t["end"]] != t["text"]:
                raise ValueError(f"record {record['id']!r}: {side} offset {t['start']} does not match its text")
    if len(record["labels"]) != len(record["tokens"]):
        raise ValueError(f"record {record['id']!r}: {len(record['labels'])} labels for {len(record['tokens'])} tokens")
