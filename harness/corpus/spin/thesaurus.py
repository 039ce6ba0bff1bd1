"""The thesaurus engine: Moby thesaurus synonyms, chosen without regard to sense.

Like a commercial article spinner it looks a word's lemma up in a thesaurus with no part of
speech and no sense, takes its most related synonyms, picks one by a frequency model (as real
spinners do, mostly a word about as common as the original: :mod:`harness.corpus.spin.choice`),
re-inflects it to the original's form (``stated`` -> ``declared``, ``banks`` -> ``financial institutions``) and keeps the
original's capitals. Names are not protected: ``Bank of England`` can become ``Financial
institution of England``. Synonyms may be phrases, so one word can become several.
"""

from __future__ import annotations

from harness.core.lexical import related_synonyms
from harness.corpus.spin.base import WordEngine
from harness.corpus.spin.choice import FrequencyModel


class ThesaurusEngine(WordEngine):
    """Propose Moby synonyms for content words (see :func:`harness.core.lexical.related_synonyms`).

    Parameters
    ----------
    top_k : how many of the most related usable synonyms to choose from (relatedness: overlap of
        the two words' own synonym lists).
    min_zipf : a synonym's rarest word must be at least this frequent (wordfreq Zipf scale).
    max_words : longest synonym phrase accepted.
    mutual : keep only synonyms whose own entry lists the headword back.
    mean_drop, spread, gate, extra_word : the frequency model choosing among them.
    """

    name = "thesaurus"
    summary = (
        "Moby thesaurus synonyms chosen without regard to sense by a frequency model, re-inflected with lemminflect, capitals kept;"
        " phrases allowed on either side"
    )

    def __init__(self, top_k: int = 30, min_zipf: float = 2.5, max_words: int = 3, mutual: bool = True,
                 mean_drop: float = -0.2, spread: float = 1.0, gate: bool = True, extra_word: float = 0.4):
        self.top_k = top_k
        self.min_zipf = min_zipf
        self.max_words = max_words
        self.mutual = mutual
        self.mean_drop = mean_drop
        self.spread = spread
        self.gate = gate
        self.extra_word = extra_word
        self.choose = FrequencyModel(mean_drop, spread, gate, extra_word)

    def warm(self) -> None:
        from harness.core.lexical import moby_matrix, warm_up

        moby_matrix()
        warm_up()

    def synonyms(self, lemma: str, upos: str) -> tuple[str, ...]:
        """Usable synonyms of ``lemma`` read as ``upos``, most related first."""
        return related_synonyms(lemma, upos, self.top_k, self.min_zipf, self.max_words, self.mutual)

    candidates = synonyms
