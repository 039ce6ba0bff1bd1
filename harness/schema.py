"""The one place that knows the dataset's schema: its fields, their types, and how a record is
made from an aligned pair.

One record per document::

    id, source, source_id, domain, title,
    text, tokens [{text, start, end}], labels [0|1],       # the text to score (spun or clean)
    original_text, original_tokens [{text, start, end}],   # what it was before spinning
    edits [{spun_start, spun_end, original_start, original_end, spun_text, original_text}],
    engines [str], recipe, spin_rate, is_spun

Token offsets are character offsets into ``text`` (or ``original_text``); edit bounds are token
indices, ``[start, end)``.
"""

from __future__ import annotations

import pyarrow as pa

from harness.align import Alignment
from harness.tokens import Token

_TOKEN = pa.struct([("text", pa.string()), ("start", pa.int32()), ("end", pa.int32())])
_EDIT = pa.struct(
    [
        ("spun_start", pa.int32()),
        ("spun_end", pa.int32()),
        ("original_start", pa.int32()),
        ("original_end", pa.int32()),
        ("spun_text", pa.string()),
        ("original_text", pa.string()),
    ]
)

ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("source", pa.string()),
        ("source_id", pa.string()),
        ("domain", pa.string()),
        ("title", pa.string()),
        ("text", pa.string()),
        ("tokens", pa.list_(_TOKEN)),
        ("labels", pa.list_(pa.int8())),
        ("original_text", pa.string()),
        ("original_tokens", pa.list_(_TOKEN)),
        ("edits", pa.list_(_EDIT)),
        ("engines", pa.list_(pa.string())),
        ("recipe", pa.string()),
        ("spin_rate", pa.float32()),
        ("is_spun", pa.bool_()),
    ]
)
FIELDS = tuple(ARROW_SCHEMA.names)


def tokens_to_rows(tokens: list[Token]) -> list[dict]:
    return [{"text": t.text, "start": t.start, "end": t.end} for t in tokens]


def rows_to_tokens(rows: list[dict]) -> list[Token]:
    return [Token(r["text"], r["start"], r["end"]) for r in rows]


def make_record(
    *,
    doc_id: str,
    source: str,
    source_id: str,
    domain: str,
    title: str,
    alignment: Alignment,
    original_text: str,
    text: str,
    engines: list[str],
    recipe: str,
    spin_rate: float,
) -> dict:
    """A dataset record from an aligned (original, text) pair; ``is_spun`` follows the labels."""
    return {
        "id": doc_id,
        "source": source,
        "source_id": source_id,
        "domain": domain,
        "title": title,
        "text": text,
        "tokens": tokens_to_rows(alignment.tokens),
        "labels": list(alignment.labels),
        "original_text": original_text,
        "original_tokens": tokens_to_rows(alignment.original_tokens),
        "edits": [e.to_dict() for e in alignment.edits],
        "engines": list(engines),
        "recipe": recipe,
        "spin_rate": float(spin_rate),
        "is_spun": bool(alignment.edits),
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


def datasets_features():
    """The schema as Hugging Face ``datasets.Features`` (imported lazily)."""
    from datasets import Features

    return Features.from_arrow_schema(ARROW_SCHEMA)
