"""The embedding-neighbour engine: nearest GloVe (6B, 50d) neighbours of a word's lemma.

Spinners built on word vectors swap a word for whatever lies closest in embedding space, which
mixes true synonyms with co-hyponyms and antonyms (``rise`` -> ``fall``, ``Monday`` ->
``Tuesday``). spinbench keeps this engine out of the ``news`` config and uses it only for the
``unseen-spinner`` test, so detectors are scored on a spinner they were never trained on.
"""

from __future__ import annotations

from harness.core.glove import NeighbourLists, load_glove
from harness.core.lexical import FUNCTION_WORDS, known_as, warm_up
from harness.corpus.spin.base import WordEngine


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
        self._lists: NeighbourLists | None = None  # a row's 200 nearest rows, whatever the part of speech asked

    def warm(self) -> None:
        self._nearest()
        warm_up()

    def _nearest(self) -> NeighbourLists:
        if self._lists is None:
            self._lists = NeighbourLists(load_glove(self.vocab_size)[2], 200)
        return self._lists

    def neighbours(self, lemma: str, upos: str) -> tuple[str, ...]:
        key = (lemma, upos)
        if key not in self._cache:
            index, vocab, matrix = load_glove(self.vocab_size)
            found: list[str] = []
            if lemma in index:
                i = index[lemma]
                for j in self._nearest()[i]:
                    if matrix[j] @ matrix[i] < self.min_similarity or len(found) == self.top_k:
                        break
                    word = vocab[j]
                    if word not in FUNCTION_WORDS and lemma not in word and word not in lemma and known_as(word, upos):
                        found.append(word)
            self._cache[key] = tuple(found)
        return self._cache[key]

    candidates = neighbours
