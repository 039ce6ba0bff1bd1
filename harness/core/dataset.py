"""Loading a split: the local build under ``data/`` or a Hugging Face hub id.

The evaluation side reaches the data only through :func:`load`.

>>> split = load("news", "test")            # doctest: +SKIP
>>> split.fingerprint[:12], len(split.records)  # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT, IMPORTED_CONFIG
from harness.core.errors import SpinbenchError
from harness.core.files import FINGERPRINTS
from harness.core.fingerprints import content_fingerprint, known_fingerprint, remember_fingerprint
from harness.core.registry import did_you_mean
from harness.core.schema import FIELDS
from harness.core.shards import split_files

if TYPE_CHECKING:
    import pyarrow as pa


class DatasetNotFound(SpinbenchError, FileNotFoundError):
    """No built dataset where one was asked for."""


# What scoring and fitting need of a split; everything else is read only when asked for.
GOLD_COLUMNS = ("id", "tokens", "labels", "is_spun", "recipe", "spin_rate", "domain", "regime")
_BATCH_ROWS = 32  # rows materialised at a time when the whole of a split is streamed


@dataclass(frozen=True, eq=False)
class GoldColumns:
    """A split's gold standard as columns: every document's labels end to end (``labels``),
    where each document starts (``offsets``, then the total), and per-document fields."""

    ids: list[str]
    offsets: np.ndarray
    labels: np.ndarray
    is_spun: np.ndarray
    recipe: list[str]
    spin_rate: np.ndarray
    domain: list[str]
    regime: list[str]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def doc_labels(self) -> list[list[int]]:
        return [self.labels[a:b].tolist() for a, b in zip(self.offsets[:-1], self.offsets[1:])]

    @classmethod
    def from_records(cls, records: list[dict]) -> GoldColumns:
        lengths = [len(r["labels"]) for r in records]
        return cls(
            ids=[r.get("id", str(i)) for i, r in enumerate(records)],
            offsets=np.r_[0, np.cumsum(lengths, dtype=np.int64)].astype(np.int64),
            labels=np.concatenate([np.asarray(r["labels"], dtype=np.int8) for r in records]) if records else np.zeros(0, np.int8),
            is_spun=np.array([bool(r["is_spun"]) for r in records], dtype=bool),
            recipe=[r["recipe"] for r in records],
            spin_rate=np.array([r["spin_rate"] for r in records], dtype=float),
            domain=[r["domain"] for r in records],
            regime=[r.get("regime") or ("unknown" if r["is_spun"] else "clean") for r in records],  # records made by hand may lack it
        )


class Split:
    """One split of a config, read lazily and kept columnar.

    ``fingerprint`` (the content fingerprint results are tied to) is computed by streaming the
    rows a few at a time, once per file content (see :func:`harness.core.fingerprints.known_fingerprint`); ``gold`` and ``token_texts()`` come from an Arrow table of
    :data:`GOLD_COLUMNS`; ``records`` (every field of every row as dicts, ten times the memory)
    is built only for the code that asks for it.
    """

    def __init__(self, dataset: str, config: str, split: str, read_columns: Callable[[list[str] | None], pa.Table], batches: Callable[[], Iterator[list[dict]]], path: Path | None = None):
        self.dataset, self.config, self.split = dataset, config, split
        self._read_columns, self._batches, self._path = read_columns, batches, path

    def __repr__(self) -> str:
        return f"Split({self.dataset!r}, {self.config!r}, {self.split!r})"

    @cached_property
    def fingerprint(self) -> str:
        if self._path is None:
            return content_fingerprint(row for batch in self._batches() for row in batch)
        digest, known = known_fingerprint(self._path)
        if known is None:
            known = content_fingerprint(row for batch in self._batches() for row in batch)
            remember_fingerprint(digest, known)
        return known

    @cached_property
    def table(self):
        return self._read_columns(list(GOLD_COLUMNS))

    def __len__(self) -> int:
        return self.table.num_rows

    @cached_property
    def gold(self) -> GoldColumns:
        import pyarrow.compute as pc

        t = self.table
        lengths = pc.list_value_length(t.column("labels")).to_numpy(zero_copy_only=False)
        return GoldColumns(
            ids=t.column("id").to_pylist(),
            offsets=np.r_[0, np.cumsum(lengths, dtype=np.int64)].astype(np.int64),
            labels=pc.list_flatten(t.column("labels")).to_numpy(zero_copy_only=False).astype(np.int8, copy=False),
            is_spun=t.column("is_spun").to_numpy(zero_copy_only=False).astype(bool),
            recipe=t.column("recipe").to_pylist(),
            spin_rate=t.column("spin_rate").to_numpy(zero_copy_only=False).astype(float),
            domain=t.column("domain").to_pylist(),
            regime=t.column("regime").to_pylist(),
        )

    def token_texts(self) -> list[list[str]]:
        """Every document as its list of token strings (what detectors see); repeated words
        share one string object."""
        import pyarrow.compute as pc

        encoded = pc.dictionary_encode(pc.list_flatten(self.table.column("tokens")).combine_chunks().field("text"))
        vocabulary = encoded.dictionary.to_pylist()
        flat = [vocabulary[i] for i in encoded.indices.to_numpy(zero_copy_only=False).tolist()]
        offsets = self.gold.offsets
        return [flat[a:b] for a, b in zip(offsets[:-1], offsets[1:])]

    @cached_property
    def records(self) -> list[dict]:
        return [row for batch in self._batches() for row in batch]


def default_data_dir() -> Path:
    """``$SPINBENCH_DATA``, else ``./data`` when it holds a build, else the repository's ``data/``."""
    if os.environ.get("SPINBENCH_DATA"):
        return Path(os.environ["SPINBENCH_DATA"])
    here = Path("data")
    if (here / FINGERPRINTS).exists():
        return here
    return Path(__file__).resolve().parents[2] / "data"


def nonempty(split: Split) -> Split:
    """``split``, or a one-line error when it has no document."""
    if not len(split):
        raise SpinbenchError(f"{split.config}/{split.split} of {split.dataset} has no documents: the dataset is too small (build it from more sources)")
    return split


def recorded_fingerprints(dataset: str | os.PathLike | None = None) -> dict | None:
    """The fingerprints a local build recorded (None for a hub dataset or a folder without them)."""
    from harness.core.fingerprints import read_fingerprints

    folder = Path(dataset) if dataset is not None else default_data_dir()
    return read_fingerprints(folder) if folder.is_dir() else None


def build_problem(split: Split) -> str | None:
    """Why a split of a local build is not the data its folder's ``fingerprints.json`` records
    (None when it is, or nothing is recorded): an older build under a newer ``fingerprints.json``
    (a ``git pull`` brings the file, not the data), or files changed since the build."""
    recorded = recorded_fingerprints(split.dataset) if Path(split.dataset).is_dir() else None
    want = (recorded or {}).get("configs", {}).get(split.config, {}).get(split.split)
    if want is None or want == split.fingerprint:
        return None
    return (f"the data in {split.dataset} are an older or changed build: {split.config}/{split.split} there is revision {split.fingerprint[:12]}, "
            f"its fingerprints.json records {want[:12]}; rebuild them (spinbench build)")


def fit_dataset(dataset: str | os.PathLike | None) -> str | os.PathLike | None:
    """The dataset detectors are fitted on (and their thresholds chosen on) when ``dataset`` is evaluated: itself
    when it holds the default config, else the default data folder (a folder of imported
    pairs has only its ``wild`` config, like a held-out config has only a test split)."""
    if dataset is not None and Path(dataset).is_dir() and not (Path(dataset) / DEFAULT_CONFIG).is_dir():
        return None
    return dataset


def is_hub_id(name: str) -> bool:
    """Whether a dataset name that is no folder here reads as a hub id (``owner/name``), not a path.

    >>> is_hub_id("owner/spinbench"), is_hub_id("./data"), is_hub_id("mydata")
    (True, False, False)
    """
    return "/" in name and not name.startswith((".", "/"))


def load(config: str = DEFAULT_CONFIG, split: str = EVALUATION_SPLIT, dataset: str | os.PathLike | None = None) -> Split:
    """One split (see :class:`Split`; the record fields are in :mod:`harness.core.schema`) of
    the local build (``dataset``: a folder, default :func:`default_data_dir`) or of a Hugging
    Face hub dataset (``dataset``: its id)."""
    source = Path(dataset) if dataset is not None else default_data_dir()
    if source.exists() and not source.is_dir():
        given = "--dataset (dataset=)" if dataset is not None else "$SPINBENCH_DATA" if os.environ.get("SPINBENCH_DATA") else "data/"
        raise DatasetNotFound(f"the dataset {source} ({given}) is a file: give the folder `spinbench build` wrote (it holds one folder per config)")
    if source.exists():
        paths = split_files(source / config, split)
        if not paths:
            raise DatasetNotFound(f"no split {config}/{split} at {source / config / f'{split}.parquet'}: {_hint(source, config, split)}")
        return _parquet_split(str(source), config, split, paths)
    if dataset is not None and is_hub_id(str(dataset)):
        return _hub_split(str(dataset), config, split)
    raise DatasetNotFound(f"no dataset at {source}: run `spinbench build` first, or pass a hub id")


def _check_fields(names: list[str], where: str) -> None:
    missing = [f for f in FIELDS if f not in names]
    if missing:
        raise DatasetNotFound(f"{where} is not a spinbench dataset: fields {missing} are missing")


def _parquet_split(name: str, config: str, split: str, paths: list[Path]) -> Split:
    """A split in one parquet file or in shards (see :mod:`harness.core.shards`)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    _check_fields(pq.read_schema(paths[0]).names, f"{name} {config}/{split}")

    def batches() -> Iterator[list[dict]]:
        for path in paths:
            for batch in pq.ParquetFile(path).iter_batches(batch_size=_BATCH_ROWS):
                yield batch.to_pylist()

    def read_columns(columns: list[str] | None) -> pa.Table:
        tables = [pq.read_table(path, columns=columns) for path in paths]
        return tables[0] if len(tables) == 1 else pa.concat_tables(tables)

    # the fingerprint is remembered per file: only a split in one file has one to remember
    return Split(name, config, split, read_columns, batches, paths[0] if len(paths) == 1 else None)


def _hint(source: Path, config: str, split: str) -> str:
    known = [*CONFIGS, IMPORTED_CONFIG, *(p.name for p in source.iterdir() if p.is_dir() and not p.name.startswith("."))]
    if config not in known:
        return f"{did_you_mean(config, known)}known configs: {', '.join(dict.fromkeys(known))}"
    splits = sorted({re.sub(r"-\d{5}-of-\d{5}$", "", p.stem) for p in (source / config).glob("*.parquet")})  # shards named once
    if splits:
        return f"{config} has the split(s) {', '.join(splits)}"
    if config == IMPORTED_CONFIG:
        return (f"{IMPORTED_CONFIG} holds pairs you import: `spinbench align --pairs PAIRS --out DIR`, then evaluate with --dataset DIR "
                "(dataset=DIR)")
    return "run `spinbench build` first (or give the dataset: dataset=, or --dataset)"


def _hub_split(hub_id: str, config: str, split: str) -> Split:
    from datasets import load_dataset

    try:
        table = load_dataset(hub_id, config, split=split).data.table
    except Exception as err:  # the hub's errors are many (network, missing repo, config, split)
        raise DatasetNotFound(f"cannot load {config}/{split} of {hub_id!r} from the Hugging Face hub ({err.__class__.__name__}: {err})") from err
    _check_fields(table.column_names, f"{hub_id} {config}/{split}")

    def batches() -> Iterator[list[dict]]:
        for batch in table.select(list(FIELDS)).to_batches(max_chunksize=_BATCH_ROWS):
            yield batch.to_pylist()

    return Split(hub_id, config, split, lambda columns: table.select(columns) if columns else table, batches)
