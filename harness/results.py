"""Results files: ``results/<model>/<config>.json`` and, beside it, the per-token predictions
``<config>.predictions.jsonl.gz`` from which every score can be recomputed.

The JSON is checked against :data:`RESULTS_SCHEMA` when written and when read. A predictions
file starts with a header line (model, config, split, dataset fingerprint, thresholds) followed
by one ``{"id", "token_scores", "doc_score"}`` line per document.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from harness.dataset_files import read_jsonl_gz, write_json, write_jsonl_gz

SCHEMA_VERSION = 1
_METRIC = {
    "type": "object",
    "required": ["value", "ci95"],
    "properties": {
        "value": {"type": ["number", "null"]},
        "ci95": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": ["number", "null"]}},
    },
}
_PRF = {"type": "object", "required": ["precision", "recall", "f1"], "properties": {k: _METRIC for k in ("precision", "recall", "f1")}}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["schema_version", "model", "dataset", "harness", "date", "thresholds", "bootstrap", "scores", "main_score", "throughput", "hardware", "predictions"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "model": {"type": "object", "required": ["name", "target", "params"]},
        "dataset": {
            "type": "object",
            "required": ["source", "config", "split", "fingerprint"],
            "properties": {"fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
        },
        "harness": {"type": "object", "required": ["version", "git_commit"]},
        "date": {"type": "string"},
        "thresholds": {"type": "object", "required": ["token", "document"], "properties": {"token": {"type": "number"}, "document": {"type": "number"}}},
        "bootstrap": {"type": "object", "required": ["resamples", "seed"]},
        "scores": {
            "type": "object",
            "required": ["token", "span_strict", "span_partial", "document", "breakdown"],
            "properties": {"token": _PRF, "span_strict": _PRF, "span_partial": _PRF, "document": _PRF},
        },
        "main_score": {"type": "object", "required": ["name", "value", "ci95"]},
        "throughput": {"type": "object", "required": ["tokens_per_second", "peak_memory_mb"]},
        "hardware": {"type": "object"},
        "predictions": {"type": "string"},
    },
}


class ResultsError(ValueError):
    """A results or predictions file that is malformed or does not fit the dataset."""


def validate_results(obj: object, where: str = "results") -> None:
    import jsonschema

    try:
        jsonschema.validate(obj, RESULTS_SCHEMA)
    except jsonschema.ValidationError as err:
        path = "/".join(map(str, err.absolute_path)) or "(top level)"
        raise ResultsError(f"{where}: invalid at {path}: {err.message}") from None


def write_results(path: Path, results: dict) -> None:
    validate_results(results, str(path))
    write_json(path, results)


def read_results(path: Path) -> dict:
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not valid JSON ({err})") from None
    validate_results(obj, str(path))
    return obj


def write_predictions(path: Path, header: dict, ids: list[str], token_scores: list[list[float]], doc_scores: list[float]) -> None:
    rows = [{"header": header}]
    rows += [{"id": i, "token_scores": t, "doc_score": d} for i, t, d in zip(ids, token_scores, doc_scores)]
    write_jsonl_gz(path, rows)


def read_predictions(path: Path) -> tuple[dict, dict[str, tuple[list[float], float | None]]]:
    """(header, {id: (token_scores, doc_score)}); every row checked for shape and range."""
    try:
        rows = read_jsonl_gz(Path(path))
    except FileNotFoundError:
        raise ResultsError(f"{path}: predictions file missing") from None
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not a gzipped JSONL predictions file ({err.__class__.__name__}: {err})") from None
    header = rows[0].get("header", {}) if rows and isinstance(rows[0], dict) and "header" in rows[0] else {}
    body = rows[1:] if header else rows
    out: dict[str, tuple[list[float], float | None]] = {}
    for n, row in enumerate(body, start=2 if header else 1):
        if not isinstance(row, dict) or "id" not in row or "token_scores" not in row:
            raise ResultsError(f"{path}: line {n} needs 'id' and 'token_scores'")
        scores = row["token_scores"]
        if not isinstance(scores, list) or not all(_is_prob(v) for v in scores):
            raise ResultsError(f"{path}: document {row['id']!r} has scores that are not numbers in [0, 1] (NaN or out of range)")
        doc = row.get("doc_score")
        if doc is not None and not _is_prob(doc):
            raise ResultsError(f"{path}: document {row['id']!r} has a doc_score that is not a number in [0, 1]")
        if row["id"] in out:
            raise ResultsError(f"{path}: document {row['id']!r} appears twice")
        out[str(row["id"])] = (scores, doc)
    return header, out


def _is_prob(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0.0 <= v <= 1.0


def match_predictions(path: Path, records: list[dict], predictions: dict) -> tuple[list[list[float]], list[float | None]]:
    """Scores in the order of ``records``; unknown or missing ids and wrong lengths are errors."""
    ids = [r["id"] for r in records]
    unknown = sorted(set(predictions) - set(ids))
    missing = [i for i in ids if i not in predictions]
    if unknown:
        raise ResultsError(f"{path}: {len(unknown)} unknown document id(s), e.g. {unknown[0]!r}")
    if missing:
        raise ResultsError(f"{path}: {len(missing)} document(s) have no predictions, e.g. {missing[0]!r}")
    tokens, docs = [], []
    for r in records:
        scores, doc = predictions[r["id"]]
        if len(scores) != len(r["labels"]):
            raise ResultsError(f"{path}: document {r['id']!r} has {len(scores)} scores for {len(r['labels'])} tokens")
        tokens.append(scores)
        docs.append(doc)
    return tokens, docs
