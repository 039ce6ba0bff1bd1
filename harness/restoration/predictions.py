"""Restoration predictions files (``<config>.predictions.jsonl.gz`` under ``runs/restore/`` or
``results/restore/``) and the one function that scores one.

Gzipped JSONL: a header line ``{"header": {task, model, target, params, config, split,
dataset_fingerprint, detector, abstention}}`` (``detector``: whose spans the end-to-end score on
detected spans used, and at which threshold, or null; ``abstention``: the confidence cut chosen
on ``news``/validation, its rule and the file of validation predictions it was chosen from, or
absent for a restorer without confidences), then one line per document::

    {"id": ..., "spans": [[start, end], ...], "candidates": [[best, second, ...], ...],
     "confidences": [[c_best, c_second, ...] or null, ...],
     "detected_spans": [[start, end], ...], "detected_candidates": [[...], ...], "detected_confidences": [...]}

The ``*confidences`` fields are there when the restorer gives confidences (one list per span,
aligned with its candidates; null for a span answered without).

``spans`` are the document's gold spans (checked against the data when scored);
``detected_*`` are there when the run had a detector's spans (checked against that detector's
stored predictions). :func:`score_restoration_file` is what ``rescore_restoration`` and
``leaderboard --check`` use, and it calls the same :func:`~harness.restoration.scoring.score_restoration`
that ``restore`` does.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.core.files import read_jsonl_gz, write_jsonl_gz
from harness.evaluation.results import ModelInfo, ResultsError
from harness.restoration.contract import MAX_CANDIDATES, Span
from harness.restoration.items import DetectorSpans, RestorationGold
from harness.restoration.scoring import score_restoration

TASK = "restore"


def header_of(model: ModelInfo, gold: RestorationGold, detector: DetectorSpans | None, abstention: dict | None = None) -> dict:
    header = {"task": TASK, "model": model.name, "target": model.target, "params": model.params, "config": gold.config, "split": gold.split,
              "dataset_fingerprint": gold.fingerprint, "detector": detector.header() if detector else None}
    return header | ({"abstention": abstention} if abstention is not None else {})


def write_predictions(path: Path, header: dict, gold: RestorationGold, candidates: list, detected: tuple[list, list] | None,
                      confidences: list | None = None, detected_confidences: list | None = None) -> None:
    rows = [{"header": header}]
    for d, doc_id in enumerate(gold.ids):
        row = {"id": doc_id, "spans": [[i.start, i.end] for i in gold.items[d]], "candidates": candidates[d]}
        if confidences is not None:
            row["confidences"] = confidences[d]
        if detected is not None:
            row.update(detected_spans=[list(s) for s in detected[0][d]], detected_candidates=detected[1][d])
            if detected_confidences is not None:
                row["detected_confidences"] = detected_confidences[d]
        rows.append(row)
    write_jsonl_gz(path, rows)


def _spans(value: object) -> list[Span] | None:
    if not isinstance(value, list) or not all(isinstance(s, list) and len(s) == 2 and all(isinstance(x, int) for x in s) for s in value):
        return None
    return [tuple(s) for s in value]


def _candidates(value: object, n: int) -> list[list[str]] | None:
    if not isinstance(value, list) or len(value) != n:
        return None
    if not all(isinstance(c, list) and len(c) <= MAX_CANDIDATES and all(isinstance(x, str) for x in c) for c in value):
        return None
    return value


def _confidences(value: object, candidates: list[list[str]]) -> bool:
    """Whether ``value`` is one null or list of confidences in [0, 1] per span, as long as its candidates."""
    if not isinstance(value, list) or len(value) != len(candidates):
        return False
    return all(c is None or (isinstance(c, list) and len(c) == len(ranked) and all(isinstance(x, (int, float)) and not isinstance(x, bool) and 0 <= x <= 1 for x in c))
               for c, ranked in zip(value, candidates))


def read_predictions(path: Path) -> tuple[dict, dict[str, dict]]:
    """(header, {id: row}); every row checked for shape."""
    try:
        rows = read_jsonl_gz(Path(path))
    except FileNotFoundError:
        raise ResultsError(f"{path}: restoration predictions file missing") from None
    except (OSError, EOFError, json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not a JSONL restoration predictions file ({err.__class__.__name__}: {err})") from None
    if not rows or not isinstance(rows[0], dict) or not isinstance(rows[0].get("header"), dict) or rows[0]["header"].get("task") != TASK:
        raise ResultsError(f"{path}: not a restoration predictions file (its first line is no header with task {TASK!r})")
    header, out = rows[0]["header"], {}
    for n, row in enumerate(rows[1:], start=2):
        spans = _spans(row.get("spans")) if isinstance(row, dict) else None
        if spans is None or "id" not in row or _candidates(row.get("candidates"), len(spans)) is None:
            raise ResultsError(f"{path}: line {n} needs 'id', 'spans' ([[start, end], ...]) and one list of at most {MAX_CANDIDATES} strings per span in 'candidates'")
        if "confidences" in row and not _confidences(row["confidences"], row["candidates"]):
            raise ResultsError(f"{path}: line {n}: 'confidences' needs one null or list of confidences in [0, 1] per span, as long as its candidates")
        if "detected_spans" in row:
            detected = _spans(row["detected_spans"])
            if detected is None or _candidates(row.get("detected_candidates"), len(detected)) is None:
                raise ResultsError(f"{path}: line {n}: 'detected_spans' and 'detected_candidates' do not match")
            if "detected_confidences" in row and not _confidences(row["detected_confidences"], row["detected_candidates"]):
                raise ResultsError(f"{path}: line {n}: 'detected_confidences' do not match 'detected_candidates'")
        if str(row["id"]) in out:
            raise ResultsError(f"{path}: document {row['id']!r} appears twice")
        out[str(row["id"])] = row
    return header, out


def rows_in_order(path: Path, header: dict, rows: dict[str, dict], gold: RestorationGold) -> tuple[list, tuple[list, list] | None]:
    """(candidates, detected) in the order of ``gold``'s documents, after checking the file is
    for this split and revision and holds exactly its documents and gold spans."""
    for key, want in (("config", gold.config), ("split", gold.split), ("dataset_fingerprint", gold.fingerprint)):
        if header.get(key) != want:
            raise ResultsError(f"{path}: restoration predictions are for {key} {str(header.get(key))[:16]!r}, not {want[:16]!r}")
    unknown, missing = sorted(set(rows) - set(gold.ids)), [i for i in gold.ids if i not in rows]
    if unknown or missing:
        raise ResultsError(f"{path}: {len(unknown)} unknown and {len(missing)} missing document(s), e.g. {(unknown or missing)[0]!r}")
    has_detected = header.get("detector") is not None
    candidates, spans, found = [], [], []
    for doc_id, items in zip(gold.ids, gold.items):
        row = rows[doc_id]
        if [tuple(s) for s in row["spans"]] != [(i.start, i.end) for i in items]:
            raise ResultsError(f"{path}: document {doc_id!r}: its spans are not the gold spans of {gold.config}/{gold.split}")
        if has_detected != ("detected_spans" in row):
            raise ResultsError(f"{path}: document {doc_id!r}: detected spans {'missing' if has_detected else 'given'}, but the header says {'a' if has_detected else 'no'} detector")
        candidates.append(row["candidates"])
        if has_detected:
            spans.append([tuple(s) for s in row["detected_spans"]])
            found.append(row["detected_candidates"])
    return candidates, ((spans, found) if has_detected else None)


def confidences_in_order(header: dict, rows: dict[str, dict], gold: RestorationGold) -> tuple[list | None, list | None]:
    """(confidences, detected confidences) in the order of ``gold``'s documents, None where the
    file has none (after :func:`rows_in_order` has checked the rows)."""
    found = [rows[doc_id].get("confidences") for doc_id in gold.ids]
    detected = [rows[doc_id].get("detected_confidences") for doc_id in gold.ids] if header.get("detector") is not None else [None]
    return (found if any(c is not None for c in found) else None), (detected if any(c is not None for c in detected) else None)


def abstention_cut(header: dict) -> float | None:
    """The cut a predictions file was scored at (its header's ``abstention``), None if none."""
    abstention = header.get("abstention")
    cut = abstention.get("cut") if isinstance(abstention, dict) else None
    return float(cut) if isinstance(cut, (int, float)) and not isinstance(cut, bool) else None


PROVENANCE = ("chosen_on", "predictions", "predictions_sha256")  # where the cut was chosen, not scores


def with_abstention_provenance(scores: dict, abstention: dict | None) -> dict:
    """``scores`` with its abstention block naming where the cut was chosen (the header's
    ``abstention``: the split and the validation predictions, with their hash), as results
    record it; unchanged when there is no such block."""
    if isinstance(abstention, dict) and isinstance(scores.get("abstention"), dict):
        scores["abstention"].update({k: abstention.get(k) for k in PROVENANCE})
    return scores


def score_restoration_file(path: Path, gold: RestorationGold, n_boot: int, seed: int, detector: DetectorSpans | None = None,
                           read: tuple[dict, dict] | None = None) -> tuple[dict, dict]:
    """(header, scores) of a restoration predictions file, at the abstention cut its header
    records. ``detector``: the detector's spans recomputed from its own stored predictions; when
    given, the file's detected spans must be them."""
    header, rows = read if read is not None else read_predictions(path)
    candidates, detected = rows_in_order(path, header, rows, gold)
    if detector is not None:
        if detected is None or [list(s) for s in detected[0]] != [list(s) for s in detector.spans]:
            raise ResultsError(f"{path}: its detected spans are not the ones {detector.name}'s stored predictions give at threshold {detector.token_threshold}")
        if header.get("detector") != detector.header() | {"results_file": header["detector"].get("results_file")}:
            raise ResultsError(f"{path}: its header's detector {header.get('detector')} is not {detector.header()}")
    confidences, detected_confidences = confidences_in_order(header, rows, gold)
    scores = score_restoration(gold, candidates, n_boot, seed, detected, confidences, detected_confidences, abstention_cut(header))
    return header, with_abstention_provenance(scores, header.get("abstention"))
