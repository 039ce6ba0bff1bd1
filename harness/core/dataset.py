"""Loading a split: the local build under ``data/`` or a Hugging Face hub id.

The evaluation side reaches the data only through :func:`load`.

>>> split = load("news", "test")            # doctest: +SKIP
>>> split.fingerprint[:12], len(split.records)  # doctest: +SKIP
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
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


def fit_dataset(dataset: str | os.PathLike | None) -> str | os.PathLike | None:
    """The dataset detectors are fitted and calibrated on when ``dataset`` is evaluated: itself
    when it holds the default config, else the default data folder (a folder of imported
    pairs has only its ``wild`` config, like a held-out config has only a test split)."""
    if dataset is not None and Path(dataset).is_dir() and not (Path(dataset) / DEFAULT_CONFIG).is_dir():
        return None
    return dataset


def load(config: str = DEFAULT_CONFIG, split: str = EVALUATION_SPLIT, dataset: str | os.PathLike | None = None) -> Split:
    """Load one split as a list of records (see :mod:`harness.schema`)."""
    source = Path(dataset) if dataset is not None else default_data_dir()
    if source.exists():
        path = source / config / f"{split}.parquet"
        if not path.exists():
            hint = "run `spinbench build` first (or pass --dataset)" if config in CONFIGS else f"known configs: {', '.join(CONFIGS)}"
            raise DatasetNotFound(f"no split {config}/{split} at {path}: {hint}")
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


def _load_hub(hub_id: str, config: str, split: str) -> list[dict]:
    from datasets import load_dataset

    return load_dataset(hub_id, config, split=split).to_list()
