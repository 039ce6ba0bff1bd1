"""A split written as it is made, in parquet shards, and read back a few rows at a time.

A split of up to ``shard_rows`` records is one file, ``<config>/<split>.parquet``, byte for byte
the file :func:`harness.core.fingerprints.write_split` writes for the same records (row groups
of 512 rows, zstd). A larger split is cut into ``<split>-00000-of-00003.parquet`` ... files, the
names the Hugging Face hub gives shards; :func:`split_files` finds either layout, in order. Only
one row group per open split is held in memory while writing.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> import pyarrow as pa
>>> w = ShardWriter(folder, "train", shard_rows=2, schema=pa.schema([("id", pa.string())]))
>>> for i in range(5):
...     w.add({"id": str(i)})
>>> [p.name for p in w.close()]
['train-00000-of-00003.parquet', 'train-00001-of-00003.parquet', 'train-00002-of-00003.parquet']
>>> [r["id"] for r in iter_rows(split_files(folder, "train"))]
['0', '1', '2', '3', '4']
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

ROW_GROUP = 512  # rows per parquet row group (what write_split has always used)
SHARD_ROWS = 10_000  # records per shard: about 300 MB of news articles with their tokens
_BATCH_ROWS = 32


def shard_name(split: str, index: int, count: int) -> str:
    return f"{split}.parquet" if count == 1 else f"{split}-{index:05d}-of-{count:05d}.parquet"


def split_files(folder: Path, split: str) -> list[Path]:
    """The parquet file(s) of ``split`` in a config's ``folder``: ``split.parquet``, or its
    shards in order; empty when there are none."""
    single = Path(folder) / f"{split}.parquet"
    if single.exists():
        return [single]
    pattern = re.compile(rf"{re.escape(split)}-(\d{{5}})-of-(\d{{5}})\.parquet")
    found = sorted(p for p in Path(folder).glob(f"{split}-*-of-*.parquet") if pattern.fullmatch(p.name))
    return found


def iter_rows(paths: Iterable[Path], batch_rows: int = _BATCH_ROWS) -> Iterator[dict]:
    """Every row of the files, in order, as dicts, a few rows in memory at a time."""
    import pyarrow.parquet as pq

    for path in paths:
        for batch in pq.ParquetFile(path).iter_batches(batch_size=batch_rows):
            yield from batch.to_pylist()


class ShardWriter:
    """Appends records to the shards of one split (``schema``: the dataset's, by default)."""

    def __init__(self, folder: Path, split: str, shard_rows: int = SHARD_ROWS, schema=None):
        if shard_rows < 1:
            raise ValueError(f"shard_rows must be at least 1, not {shard_rows}")
        self.folder, self.split, self.shard_rows = Path(folder), split, shard_rows
        self._schema = schema
        self._pending: list[dict] = []
        self._writer = None
        self._in_shard = 0
        self._paths: list[Path] = []
        self.rows = 0

    def _schema_or_default(self):
        if self._schema is None:
            from harness.core.schema import arrow_schema

            self._schema = arrow_schema()
        return self._schema

    def add(self, record: dict) -> None:
        self._pending.append(record)
        self.rows += 1
        if len(self._pending) == ROW_GROUP or self._in_shard + len(self._pending) == self.shard_rows:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = self._schema_or_default()
        if self._writer is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f".{self.split}-{len(self._paths):05d}.parquet.part"
            self._paths.append(path)
            self._writer = pq.ParquetWriter(path, schema, compression="zstd")
        self._writer.write_table(pa.Table.from_pylist(self._pending, schema=schema), row_group_size=ROW_GROUP)
        self._in_shard += len(self._pending)
        self._pending = []
        if self._in_shard == self.shard_rows:
            self._writer.close()
            self._writer, self._in_shard = None, 0

    def close(self) -> list[Path]:
        """Finish the last shard and give every shard its final name; returns the paths."""
        if self._pending or not self._paths:
            self._flush()  # an empty split still gets a file, with the schema and no rows
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        count = len(self._paths)
        final = [self.folder / shard_name(self.split, i, count) for i in range(count)]
        for part, path in zip(self._paths, final):
            os.replace(part, path)
        return final
