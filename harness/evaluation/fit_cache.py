"""The cache of fitted detectors (``~/.cache/spinbench/fits``, or ``$SPINBENCH_CACHE``).

An entry holds a fitted detector and the thresholds chosen for it; its key changes with the data
(train and validation fingerprints), the detector's hyperparameters and its source file. Entries
are written under a unique temporary name and renamed, so concurrent runs never share a
half-written file; an entry that cannot be read is treated as a miss (and refitted).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import pickle
import sys
from pathlib import Path

from harness.core.files import write_bytes


def cache_dir() -> Path:
    return Path(os.environ.get("SPINBENCH_CACHE", Path.home() / ".cache" / "spinbench"))


def fit_key(detector: object, target: str, params: dict, fingerprints: list[str]) -> str:
    """Changes with the data, the detector's hyperparameters and the source of its module."""
    try:
        source = hashlib.sha256(Path(inspect.getfile(type(detector))).read_bytes()).hexdigest()
    except (TypeError, OSError):
        source = None
    blob = json.dumps([target, params, source, *fingerprints], sort_keys=True, default=repr)
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def entry_path(key: str) -> Path:
    return cache_dir() / "fits" / f"{key}.pkl"


def load_entry(key: str) -> dict | None:
    """The cached entry, or None when there is none or it cannot be read (a warning says so)."""
    path = entry_path(key)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            entry = pickle.load(f)
        if not isinstance(entry, dict) or "detector" not in entry:
            raise ValueError("not a fit-cache entry")
        return entry
    except Exception as err:  # a truncated, corrupt or foreign file: refit rather than fail
        print(f"warning: ignoring unreadable cached fit {path} ({err.__class__.__name__}: {err}); refitting", file=sys.stderr)
        return None


def store_entry(key: str, entry: dict) -> Path:
    path = entry_path(key)
    write_bytes(path, pickle.dumps(entry))
    return path
