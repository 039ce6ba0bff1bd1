"""Content fingerprints of the dataset's splits, and the check of a build against them.

A split's *fingerprint* is the SHA-256 of its rows serialised canonically (sorted-key JSON, one
row a line), read back from the parquet file. It names the data, not the file bytes, so it does
not change with the parquet writer; with the pinned pyarrow the bytes are identical too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.files import FINGERPRINTS, cache_root, sha256_file, write_json


class FingerprintMismatch(SpinbenchError):
    """The built data differ from the committed fingerprints."""


def _fingerprint_cache() -> Path:
    return cache_root() / "content-fingerprints.json"


def _read_fingerprint_cache() -> dict:
    try:
        table = json.loads(_fingerprint_cache().read_text())
        return table if isinstance(table, dict) else {}
    except (OSError, ValueError):
        return {}


def known_fingerprint(path: Path) -> tuple[str, str | None]:
    """(SHA-256 of the file's bytes, the content fingerprint remembered for those bytes or None).

    The content fingerprint depends only on a file's bytes, so once computed it is remembered
    against their hash and a later load need not decode the whole file to know it."""
    digest = sha256_file(path)
    found = _read_fingerprint_cache().get(digest)
    return digest, found if isinstance(found, str) else None


def remember_fingerprint(digest: str, fingerprint: str) -> None:
    table = _read_fingerprint_cache()
    if table.get(digest) == fingerprint:
        return
    table[digest] = fingerprint
    try:
        write_json(_fingerprint_cache(), dict(sorted(table.items())[-1000:]))
    except OSError:  # a read-only home: remembering is only an optimisation
        pass


def fingerprint_line(row: dict) -> bytes:
    """One row as the content fingerprint reads it: canonical JSON and a newline."""
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def content_fingerprint(rows: Iterable[dict]) -> str:
    h = hashlib.sha256()
    for row in rows:
        h.update(fingerprint_line(row))
    return h.hexdigest()


def write_split(path: Path, records: list[dict]) -> str:
    """Write records as parquet (deterministically) and return their content fingerprint."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from harness.core.schema import arrow_schema

    path.parent.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(records, schema=arrow_schema())
    pq.write_table(table, path, compression="zstd", row_group_size=512)
    fingerprint = content_fingerprint(pq.read_table(path).to_pylist())
    remember_fingerprint(sha256_file(path), fingerprint)
    return fingerprint


def read_fingerprints(data_dir: Path) -> dict | None:
    path = Path(data_dir) / FINGERPRINTS
    if not path.exists():
        return None
    return json.loads(path.read_text())


def compare_fingerprints(expected: dict, built: dict) -> None:
    """Raise :class:`FingerprintMismatch` naming every config/split whose data differ."""
    if expected.get("seed") != built.get("seed"):
        raise FingerprintMismatch(f"built with seed {built.get('seed')}, fingerprints are for seed {expected.get('seed')}")
    wrong = []
    for config, splits in built["configs"].items():
        for split, digest in splits.items():
            want = expected.get("configs", {}).get(config, {}).get(split)
            if want is not None and want != digest:
                wrong.append(f"{config}/{split}")
    if wrong:
        raise FingerprintMismatch(
            "built data differ from the committed fingerprints for "
            + ", ".join(wrong)
            + ": check that the pinned versions in pyproject.toml are installed, and, in case it was altered, remove what"
            " earlier builds kept under $SPINBENCH_CACHE (phrase_rules/, kept_lookups/, glove_neighbours/, source_plans/);"
            " pass --update-fingerprints only if you changed the recipe on purpose"
        )
