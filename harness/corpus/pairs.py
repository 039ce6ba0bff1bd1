"""Import spun/original pairs from the wild into the dataset schema (``spinbench align --pairs``).

Each JSONL line is ``{"id", "original", "spun"}``. Pairs go through the same aligner as the
synthetic data; a pair that is not plausibly the same article is rejected with its id and why.
The result is a ``wild`` config with one ``test`` split, loadable with ``harness.load``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from harness.core.configs import EVALUATION_SPLIT, IMPORTED_CONFIG
from harness.core.files import FINGERPRINTS, write_json, write_split
from harness.core.schema import make_record
from harness.corpus.align import ImplausiblePair, align_texts, check_plausible


@dataclass
class ImportReport:
    path: Path
    imported: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)


def _pair_from_line(line: str, n: int) -> tuple[str, str, str]:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as err:
        raise ImplausiblePair(f"line {n} is not JSON ({err.msg})") from None
    if not isinstance(row, dict):
        raise ImplausiblePair(f"line {n} is not a JSON object")
    missing = [k for k in ("id", "original", "spun") if k not in row]
    if missing:
        raise ImplausiblePair(f"missing field(s) {missing}")
    if not isinstance(row["original"], str) or not isinstance(row["spun"], str):
        raise ImplausiblePair("'original' and 'spun' must be strings")
    return str(row["id"]), row["original"], row["spun"]


def import_pairs(pairs_file: Path, out_dir: Path, min_overlap: float = 0.4) -> ImportReport:
    report = ImportReport(Path(out_dir) / IMPORTED_CONFIG / f"{EVALUATION_SPLIT}.parquet")
    records: list[dict] = []
    seen: set[str] = set()
    with open(pairs_file, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            doc_id = f"line {n}"
            try:
                doc_id, original, spun = _pair_from_line(line, n)
                if doc_id in seen:
                    raise ImplausiblePair("duplicate id")
                alignment = align_texts(original, spun)
                check_plausible(alignment, min_overlap)
            except ImplausiblePair as err:
                report.rejected.append((doc_id, str(err)))
                continue
            seen.add(doc_id)
            # Pairs from the wild have no asked-for rate: the record carries the observed share.
            observed_rate = sum(alignment.labels) / max(1, len(alignment.labels))
            records.append(
                make_record(
                    doc_id=doc_id, source=pairs_file.stem, source_id=doc_id, domain=IMPORTED_CONFIG, title="",
                    text=spun, tokens=alignment.tokens, labels=alignment.labels,
                    original_text=original, original_tokens=alignment.original_tokens, edits=alignment.edits,
                    engines=["unknown"] if alignment.edits else [], recipe="unknown" if alignment.edits else "none",
                    spin_rate=observed_rate,
                )
            )
    fingerprint = write_split(report.path, records)
    write_json(Path(out_dir) / FINGERPRINTS, {"seed": None, "configs": {IMPORTED_CONFIG: {EVALUATION_SPLIT: fingerprint}}})
    report.imported = len(records)
    return report
