"""``classifier``: a scikit-learn logistic regression over sparse, one-hot token features.

Each token is described by itself and its neighbours, plus what real English says about it:

- the word, its neighbours, and the bigrams it forms with them; shape and case;
- how frequent it is in English (wordfreq Zipf value, bucketed);
- how common its bigrams with its neighbours are on the web (wordsegment's Google n-gram
  counts): a spun bigram ("weighty rain") is usually rare or unseen where the original ("heavy
  rain") is common;
- thesaurus relations (Moby): how many synonyms the word has, and how much more common the
  bigrams with its neighbours would be if one of its more frequent synonyms stood in its place,
  i.e. whether a more ordinary wording fits the context better.

Numeric values are bucketed so that a linear model can learn non-linear effects. Feature
strings seen at least ``min_count`` times in training become columns. The features are computed
in bulk (:mod:`baselines.classifier_features`): per token only integer keys with numpy, feature
strings once per distinct key. ``fit`` also keeps each Moby headword's and training word's
frequency and ranked synonyms (``lexicon_``), so predicting never loads the thesaurus or ranks
synonyms. Document scores come from token scores (the harness's default).
"""

from __future__ import annotations

import logging
from collections import Counter

import numpy as np

from baselines.classifier_features import Features, build_lexicon
from harness.evaluation.contract import Interval, check_docs, check_fitted

logger = logging.getLogger(__name__)

_MAX_TYPES = 2_000_000  # the per-process tables of token strings start afresh beyond this


class ClassifierDetector:
    """Logistic regression on one-hot token features (see the module docstring).

    Parameters
    ----------
    C : inverse regularisation strength.
    min_count : features seen fewer times in training are dropped.
    n_synonyms : how many of a word's most frequent Moby synonyms are tried in its place.
    max_iter : solver iterations.
    """

    param_ranges = {"C": Interval(0, None, closed=False), "min_count": Interval(1), "n_synonyms": Interval(0), "max_iter": Interval(1)}

    def __init__(self, C: float = 0.5, min_count: int = 2, n_synonyms: int = 6, max_iter: int = 200):
        self.C = C
        self.min_count = min_count
        self.n_synonyms = n_synonyms
        self.max_iter = max_iter

    # The per-process tables are a cache, not learned state: left out of pickles, rebuilt.
    def __getstate__(self):
        return {k: v for k, v in self.__dict__.items() if k != "_features"}

    def _families(self, docs: list[list[str]]):
        features = getattr(self, "_features", None)
        if features is None or len(features.raw) > _MAX_TYPES:
            features = self._features = Features(self.lexicon_, self.n_synonyms)
        return features.of(docs)

    def _matrix(self, families):
        """One-hot rows: each token's columns in family order (as the fitted model saw them)."""
        return _one_hot(self._features.columns(families, self.vocabulary_), len(self.vocabulary_))

    def fit(self, docs: list[list[str]], labels: list[list[int]]):
        from sklearn.linear_model import LogisticRegression

        docs = check_docs(docs, labels, fitting=True)
        self.lexicon_ = build_lexicon(docs, self.n_synonyms)
        self._features = None
        families = self._families(docs)
        counts: Counter = Counter()
        for family in families:
            keys, _, n = family.distinct()
            for k, c in zip(keys, n.tolist()):
                counts[family.name(k)] += c  # distinct keys may share a name: counts add up
        kept = sorted(f for f, c in counts.items() if c >= self.min_count)
        self.vocabulary_ = {f: j for j, f in enumerate(kept)}
        cols = self._features.columns(families, self.vocabulary_)
        y = np.array([v for lab in labels for v in lab], dtype=np.int64)
        rows, weights = distinct_rows(cols, y)
        X = _one_hot(rows[:, :-1], len(self.vocabulary_))
        logger.info("classifier: fitting logistic regression on %s tokens (%s distinct) x %s features...", f"{len(y):,}", f"{len(rows):,}",
                    f"{X.shape[1]:,}")
        self.model_ = LogisticRegression(C=self.C, max_iter=self.max_iter, solver="liblinear").fit(X, rows[:, -1], sample_weight=weights)
        return self

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]:
        check_fitted(self, "model_", method="predict_token_proba")
        docs = check_docs(docs)
        if not any(docs):
            return [[] for _ in docs]
        proba = self.model_.predict_proba(self._matrix(self._families(docs)))[:, 1]
        out, k = [], 0
        for doc in docs:
            out.append(proba[k : k + len(doc)].tolist())
            k += len(doc)
        return out


def distinct_rows(cols: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct (feature columns, label) rows of a training set and how many tokens each
    stands for. Logistic regression's loss over the tokens is the loss over the distinct rows,
    each weighted by its count, so a fit on them solves the same problem. A train split that spins
    each original several times repeats most clean tokens' rows, so there are far fewer to fit.

    >>> rows, n = distinct_rows(np.array([[3, -1], [1, 2], [3, -1], [3, -1]]), np.array([0, 1, 0, 1]))
    >>> rows.tolist(), n.tolist()
    ([[1, 2, 1], [3, -1, 0], [3, -1, 1]], [1.0, 2.0, 1.0])
    """
    rows, n = np.unique(np.column_stack([cols, y]), axis=0, return_counts=True)
    return rows, n.astype(np.float64)


def _one_hot(cols: np.ndarray, width: int):
    """A CSR matrix with a one in each row's columns (``cols``: rows x families, -1 for none)."""
    from scipy.sparse import csr_matrix

    present = cols >= 0
    indptr = np.concatenate([[0], np.cumsum(present.sum(axis=1))]).astype(np.int64)
    indices = cols[present].astype(np.int32)
    data = np.ones(len(indices), dtype=np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(cols), width))
