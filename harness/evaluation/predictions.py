"""Predictions files (``<config>.predictions.jsonl.gz``) and the one function that scores one.

A predictions file is gzipped JSONL: a header line ``{"header": {model, target, params, config,
split, dataset_fingerprint, token_threshold, doc_threshold, thresholds_chosen_on, thresholds}}``
(:func:`header_of` makes it from the run's results, so the two agree when written), then one
``{"id", "token_scores", "doc_score"}`` line per document. Nothing rewrites the file afterwards,
so its hash stays the one its results recorded: an entry rescored by a later threshold rule
holds the new thresholds in its results alone. :func:`score_predictions_file` is
used by ``rescore`` (``evaluate --model FILE``) and by ``leaderboard --check`` alike, so a file
scores the same way wherever it is scored.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from harness.core.checks import is_finite_number, is_probability
from harness.core.dataset import GoldColumns, Split
from harness.core.files import read_jsonl_gz, write_jsonl_gz
from harness.evaluation.contract import doc_scores_from_tokens
from harness.evaluation.scoring import score_by_rule
from harness.evaluation.thresholds import Thresholds
from harness.runs.results import DatasetInfo, ModelInfo, ResultsError, check_revision


def header_of(model: ModelInfo, split: Split | DatasetInfo, thresholds: Thresholds | None = None) -> dict:
    """The header line of a predictions file: who predicted, on which dataset revision, and the
    thresholds the scores were cut at (none for validation predictions, from which thresholds
    are chosen)."""
    header = {"model": model.name, "target": model.target, "params": model.params, "config": split.config, "split": split.split,
              "dataset_fingerprint": split.fingerprint}
    if model.fitted_outside:
        header["fitted_outside"] = True
    return with_thresholds(header, thresholds) if thresholds is not None else header


def with_thresholds(header: dict, thresholds: Thresholds) -> dict:
    """``header`` recording ``thresholds`` (the cuts the scores were cut at, and how)."""
    t = thresholds
    return {**header, "token_threshold": t.token, "doc_threshold": t.document, "thresholds_chosen_on": t.chosen_on, "thresholds": t.to_json()}


def provenance_problems(header: dict, model: ModelInfo, config: str, split: str, fingerprint: str) -> list[str]:
    """Where a predictions file's header disagrees with the run it is said to belong to."""
    if not header:
        return ["its predictions file has no header line (the first line, {\"header\": {...}}, names the model, config, split and dataset revision "
                "its scores are of), so they cannot be told to be this entry's"]
    problems = []
    for key, want in (("model", model.name), ("target", model.target), ("params", model.params), ("config", config), ("split", split),
                      ("dataset_fingerprint", fingerprint), ("fitted_outside", model.fitted_outside or None)):
        if header.get(key) != want:
            problems.append(f"header {key} {header.get(key)!r} is not {want!r}")
    return problems


def write_predictions(path: Path, header: dict, ids: list[str], token_scores: list[list[float]], doc_scores: list[float]) -> None:
    rows = [{"header": header}]
    rows += [{"id": i, "token_scores": t, "doc_score": d} for i, t, d in zip(ids, token_scores, doc_scores)]
    write_jsonl_gz(path, rows)


def _check_header(path: Path, header: object) -> dict:
    if not isinstance(header, dict):
        raise ResultsError(f"{path}: the header line must be a JSON object")
    for key in ("token_threshold", "doc_threshold"):
        v = header.get(key)
        if v is not None and not is_finite_number(v):
            raise ResultsError(f"{path}: header {key} must be a finite number, not {v!r}")
    return header


def read_predictions(path: Path) -> tuple[dict, dict[str, tuple[list[float], float | None]]]:
    """(header, {id: (token_scores, doc_score)}); every row checked for shape and range. A file
    without a header line gives an empty header."""
    try:
        rows = read_jsonl_gz(Path(path))
    except FileNotFoundError:
        raise ResultsError(f"{path}: predictions file missing") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: is a folder, not a predictions file") from None
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not a JSONL predictions file, gzipped or plain ({err.__class__.__name__}: {err})") from None
    if not rows:
        raise ResultsError(f"{path}: the file is empty (no header line and no predictions)")
    has_header = isinstance(rows[0], dict) and "header" in rows[0]
    header = _check_header(path, rows[0]["header"]) if has_header else {}
    out: dict[str, tuple[list[float], float | None]] = {}
    for n, row in enumerate(rows[1:] if has_header else rows, start=2 if has_header else 1):
        if not isinstance(row, dict) or "id" not in row or "token_scores" not in row:
            raise ResultsError(f"{path}: line {n} needs 'id' and 'token_scores'")
        scores = row["token_scores"]
        if not isinstance(scores, list):
            raise ResultsError(f"{path}: document {row['id']!r} has token_scores that are a {type(scores).__name__}, not a list of numbers in [0, 1]")
        bad = [v for v in scores if not is_probability(v)]
        if bad:
            raise ResultsError(f"{path}: document {row['id']!r} has a token score that is not a number in [0, 1] ({bad[0]!r}, NaN or out of range)")
        doc = row.get("doc_score")
        if doc is not None and not is_probability(doc):
            raise ResultsError(f"{path}: document {row['id']!r} has a doc_score that is not a number in [0, 1]")
        if str(row["id"]) in out:
            raise ResultsError(f"{path}: document {row['id']!r} appears twice")
        out[str(row["id"])] = (scores, doc)
    return header, out


def match_predictions(path: Path, gold: GoldColumns, predictions: dict) -> tuple[list[list[float]], list[float | None]]:
    """Scores in the order of the gold documents; unknown or missing ids and wrong lengths are
    errors."""
    unknown = sorted(set(predictions) - set(gold.ids))
    missing = [i for i in gold.ids if i not in predictions]
    if unknown:
        raise ResultsError(f"{path}: {len(unknown)} unknown document id(s), e.g. {unknown[0]!r}")
    if missing:
        raise ResultsError(f"{path}: {len(missing)} document(s) have no predictions, e.g. {missing[0]!r}")
    tokens, docs = [], []
    for doc_id, length in zip(gold.ids, gold.lengths):
        scores, doc = predictions[doc_id]
        if len(scores) != length:
            raise ResultsError(f"{path}: document {doc_id!r} has {len(scores)} scores for {length} tokens")
        tokens.append(scores)
        docs.append(doc)
    return tokens, docs


@dataclass(frozen=True)
class ScoredPredictions:
    header: dict
    thresholds: Thresholds
    token_scores: list[list[float]]
    doc_scores: list[float]
    scores: dict


def header_thresholds(path: Path, header: dict) -> Thresholds:
    """The thresholds a predictions file's header records, or an error saying how to give them."""
    if header.get("token_threshold") is None or header.get("doc_threshold") is None:
        what = "the header gives no token_threshold and doc_threshold" if header else 'the file has no header line (a first line {"header": {...}})'
        raise ResultsError(f"{path}: {what}: give both thresholds (threshold= and doc_threshold=, or --threshold and --doc-threshold)")
    full = header.get("thresholds")  # the whole record (shares, validation cuts), when evaluate wrote the file
    if isinstance(full, dict) and (full.get("token"), full.get("document")) == (header["token_threshold"], header["doc_threshold"]):
        try:
            return Thresholds.from_json(full)
        except (KeyError, TypeError):
            pass  # a malformed record: the two cuts below still hold
    return Thresholds(header["token_threshold"], header["doc_threshold"], header.get("thresholds_chosen_on") or "unknown")


def read_scores(path: Path, gold: Split, read: tuple[dict, dict] | None = None) -> tuple[dict, list[list[float]], list[float]]:
    """(header, token scores, document scores) of a predictions file, in the order of ``gold``'s
    documents. The header, where there is one, must be for the same config, split and dataset
    revision. A document without a ``doc_score`` gets the harness's default, derived from its
    token scores (:func:`harness.evaluation.contract.doc_scores_from_tokens`), as a detector
    without ``predict_doc_proba`` does. ``read``: what :func:`read_predictions` gave for
    ``path``, when the caller has read it already."""
    header, rows = read if read is not None else read_predictions(path)
    for key, want in (("config", gold.config), ("split", gold.split)):
        if header.get(key) is not None and header[key] != want:
            raise ResultsError(f"{path}: predictions are for {key} {header[key]!r}, not {want!r} (give that config and split: config=/split=, or --config/--split)")
    check_revision(header.get("dataset_fingerprint"), gold, f"{path}: ", "predictions were made")
    token_scores, doc_scores = match_predictions(path, gold.gold, rows)
    if any(d is None for d in doc_scores):
        derived = doc_scores_from_tokens(token_scores)
        doc_scores = [d if d is not None else x for d, x in zip(doc_scores, derived)]
    return header, token_scores, doc_scores


def score_predictions_file(
    path: Path, gold: Split, n_boot: int, seed: int, thresholds: Thresholds, read: tuple[dict, dict] | None = None,
) -> ScoredPredictions:
    """Score a predictions file against ``gold`` (read by :func:`read_scores`) at ``thresholds``
    moved to this file's scores by the rule (:func:`~harness.evaluation.scoring.score_by_rule`;
    cuts given by hand, or read from a header, are left alone)."""
    header, token_scores, doc_scores = read_scores(path, gold, read)
    chosen, scores = score_by_rule(gold.gold, token_scores, doc_scores, thresholds, n_boot, seed)
    return ScoredPredictions(header, chosen, token_scores, doc_scores, scores)
