"""Files on disk: atomic writes, JSON and gzipped JSON lines, SHA-256 of a file, the per-user
cache folder, and the names of the files a built dataset folder holds.

Content fingerprints (what a split's data are, whatever the file bytes) are
:mod:`harness.core.fingerprints`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

# The files a built dataset folder holds beside its ``<config>/<split>.parquet`` files.
FINGERPRINTS = "fingerprints.json"
BUILD_STATS = "build_stats.json"
CARD = "README.md"


def cache_root() -> Path:
    """spinbench's per-user cache: ``$SPINBENCH_CACHE``, else ``~/.cache/spinbench``."""
    return Path(os.environ.get("SPINBENCH_CACHE", Path.home() / ".cache" / "spinbench"))


def read_build_stats(data_dir: Path) -> dict:
    path = Path(data_dir) / BUILD_STATS
    return json.loads(path.read_text()) if path.exists() else {}


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
    """The rows of a JSONL file, gzipped or plain (told by gzip's magic bytes, not the name)."""
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    rows = []
    with (gzip.open(path, "rt", encoding="utf-8") if gzipped else open(path, encoding="utf-8")) as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise JSONLineError(err, n) from None
    return rows


class JSONLineError(json.JSONDecodeError):
    """A JSONL line that is not JSON, said at the file's line (``json`` counts lines within the
    one line it was given, so it always says line 1)."""

    def __init__(self, err: json.JSONDecodeError, line: int):
        super().__init__(err.msg, err.doc, err.pos)
        self.lineno = line
        self.args = (str(self),)

    def __str__(self) -> str:
        return f"{self.msg}: line {self.lineno} column {self.colno}"

    def __reduce__(self):  # json's own rebuilds it from (msg, doc, pos), which this one does not take
        return _json_line_error, (self.msg, self.doc, self.pos, self.lineno)


def _json_line_error(msg: str, doc: str, pos: int, line: int) -> JSONLineError:
    return JSONLineError(json.JSONDecodeError(msg, doc, pos), line)


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
