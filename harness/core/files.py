"""Files on disk: parquet splits, content fingerprints, build statistics, and atomic writes.

A split's *fingerprint* is the SHA-256 of its rows serialised canonically (sorted-key JSON, one
row a line), read back from the parquet file. It names the data, not the file bytes, so it does
not change with the parquet writer; with the pinned pyarrow the bytes are identical too.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterable

from harness.core.errors import SpinbenchError

# The files a built dataset folder holds beside its ``<config>/<split>.parquet`` files.
FINGERPRINTS = "fingerprints.json"
BUILD_STATS = "build_stats.json"
CARD = "README.md"


class FingerprintMismatch(SpinbenchError):
    """The built data differ from the committed fingerprints."""


def cache_root() -> Path:
    """spinbench's per-user cache: ``$SPINBENCH_CACHE``, else ``~/.cache/spinbench``."""
    return Path(os.environ.get("SPINBENCH_CACHE", Path.home() / ".cache" / "spinbench"))


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


def read_build_stats(data_dir: Path) -> dict:
    path = Path(data_dir) / BUILD_STATS
    return json.loads(path.read_text()) if path.exists() else {}


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
            + ": check that the pinned versions in pyproject.toml are installed"
            " (pass --update-fingerprints only if you changed the recipe on purpose)"
        )


def write_json(path: Path, obj: object) -> None:
    """Atomic, sorted JSON; NaN and infinity are refused (they are not JSON)."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_text(path: Path, text: str) -> None:
    """Write through a temporary file in the same folder, then rename: never half a file."""
    write_bytes(path, text.encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; these are for everyone to read
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_jsonl_gz(path: Path, rows: Iterable[dict]) -> None:
    """Atomic, reproducible gzip (no file name or time stamp in the header)."""
    lines = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows)
    write_bytes(path, gzip.compress(lines.encode(), mtime=0))


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def replace_tree(src: Path, dst: Path, names: list[str]) -> None:
    """Move ``src/name`` over ``dst/name`` for each name; the old copies are removed after."""
    trash = Path(dst) / f".old-{os.getpid()}"
    trash.mkdir(exist_ok=True)
    try:
        for name in names:
            old = Path(dst) / name
            if old.exists():
                os.replace(old, trash / name)
            os.replace(Path(src) / name, old)
    finally:
        shutil.rmtree(trash, ignore_errors=True)
