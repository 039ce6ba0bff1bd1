"""Loading a split: the local build under ``data/`` or a Hugging Face hub id.

The evaluation side reaches the data only through :func:`load`.

>>> split = load("news", "test")            # doctest: +SKIP
>>> split.fingerprint[:12], len(split.records)  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT, IMPORTED_CONFIG
from harness.core.errors import SpinbenchError
from harness.core.files import FINGERPRINTS, content_fingerprint, read_split
from harness.core.schema import FIELDS


class DatasetNotFound(SpinbenchError, FileNotFoundError):
    """No built dataset where one was asked for."""


@dataclass(frozen=True)
class Split:
    dataset: str  # a local folder or a hub id
    config: str
    split: str
    records: list[dict]
    fingerprint: str  # content fingerprint: the revision results are tied to


def default_data_dir() -> Path:
    """``$SPINBENCH_DATA``, else ``./data`` when it holds a build, else the repository's ``data/``."""
    if os.environ.get("SPINBENCH_DATA"):
        return Path(os.environ["SPINBENCH_DATA"])
    here = Path("data")
    if (here / FINGERPRINTS).exists():
        return here
    return Path(__file__).resolve().parents[2] / "data"


def recorded_fingerprints(dataset: str | os.PathLike | None = None) -> dict | None:
    """The fingerprints a local build recorded (None for a hub dataset or a folder without them)."""
    from harness.core.files import read_fingerprints

    folder = Path(dataset) if dataset is not None else default_data_dir()
    return read_fingerprints(folder) if folder.is_dir() else None


def load(config: str = DEFAULT_CONFIG, split: str = EVALUATION_SPLIT, dataset: str | os.PathLike | None = None) -> Split:
    """Load one split as a list of records (see :mod:`harness.schema`)."""
    source = Path(dataset) if dataset is not None else default_data_dir()
    if source.exists():
        path = source / config / f"{split}.parquet"
        if not path.exists():
            raise DatasetNotFound(f"no split {config}/{split} at {path}: {_hint(source, config, split)}")
        records = read_split(path)
        name = str(source)
    elif dataset is not None and "/" in str(dataset) and not str(dataset).startswith((".", "/")):
        records = _load_hub(str(dataset), config, split)
        name = str(dataset)
    else:
        raise DatasetNotFound(f"no dataset at {source}: run `spinbench build` first, or pass a hub id")
    missing = [f for f in FIELDS if records and f not in records[0]]
    if missing:
        raise DatasetNotFound(f"{name} {config}/{split} is not a spinbench dataset: fields {missing} are missing")
    return Split(name, config, split, records, content_fingerprint(records))


def _hint(source: Path, config: str, split: str) -> str:
    known = [*CONFIGS, IMPORTED_CONFIG, *(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))]
    if config not in known:
        close = difflib.get_close_matches(config, known, n=1)
        return (f"did you mean {close[0]!r}? " if close else "") + f"known configs: {', '.join(dict.fromkeys(known))}"
    splits = sorted(p.stem for p in (source / config).glob("*.parquet"))
    if splits:
        return f"{config} has the split(s) {', '.join(splits)}"
    return "run `spinbench build` first (or pass --dataset)"


def _load_hub(hub_id: str, config: str, split: str) -> list[dict]:
    from datasets import load_dataset

    try:
        return load_dataset(hub_id, config, split=split).to_list()
    except Exception as err:  # the hub's errors are many (network, missing repo, config, split)
        raise DatasetNotFound(f"cannot load {config}/{split} of {hub_id!r} from the Hugging Face hub ({err.__class__.__name__}: {err})") from err
