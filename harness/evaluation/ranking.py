"""Threshold-free scores of a split and of subsets of its documents (AUROC, AUPRC, TPR at low
FPR), with bootstrap intervals, from counts made once per split.

Every such score is read off the counts of positives and negatives at each score level
(:func:`harness.evaluation.metrics.level_counts`). :class:`RankedSplit` ranks a split's token and
document scores once, keeps per-document counts at each level, and then gives the counts of any
subset of documents (a spin regime's documents against the clean ones) and of every bootstrap
resample by one matrix product each, instead of ranking each subset again. Token intervals use
:data:`TOKEN_RANKING_BINS` quantile levels of the split's token scores; point values, and
everything about documents, use every distinct score.

>>> y, s = np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.2])
>>> ranked = RankedSplit(y.astype(bool), s, np.array([0, 0, 1, 1]), np.array([True, True]), np.array([0.9, 0.5]), np.ones((1, 2)))
>>> point, boot = ranked.token_counts()
>>> value, resampled = ranking_scores(point, boot, {})["auroc"]
>>> float(value), resampled.tolist()
(0.75, [0.75])
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from harness.evaluation import metrics

# Token scores take up to 10,001 distinct values (4 decimals); their bootstrap intervals use
# this many quantile levels instead, which moves interval ends by about 0.001 at most on the
# baselines' predictions (tests/test_scoring.py bounds it) and makes them fast.
TOKEN_RANKING_BINS = 1024

class Side:
    """Positives or negatives at each level, highest first (rows x levels: one row, or one per
    resample); at or above each level (:attr:`cum`) and that less half of those at it
    (:attr:`half`, what AUROC reads off negatives) are made when first asked for, once: the clean
    documents' side is shared by every regime."""

    def __init__(self, at: np.ndarray, cum: np.ndarray | None = None):
        self.at = at
        if cum is not None:
            self.cum = cum

    @classmethod
    def of(cls, at: np.ndarray, cum: np.ndarray | None = None) -> Side:
        return cls(at, cum)

    @cached_property
    def cum(self) -> np.ndarray:
        return np.cumsum(self.at, axis=1)

    @cached_property
    def half(self) -> np.ndarray:
        return self.cum - 0.5 * self.at


_FLOAT32_EXACT = 2.0**24  # every whole number below it is a float32

Counts = tuple[Side, Side]  # (positives, negatives)


def _levels(scores: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Each score's level among the distinct scores, 0 the highest, how many levels, and the
    distinct scores, highest first."""
    if not len(scores):
        return np.zeros(0, dtype=np.int64), 0, np.zeros(0)
    negated, level = np.unique(-scores, return_inverse=True)
    level = level.ravel()
    return level, len(negated), -negated


def _binned_levels(scores: np.ndarray, bins: int, levels: tuple[np.ndarray, int, np.ndarray] | None = None) -> tuple[np.ndarray, int]:
    """Each score's level among ``bins`` quantile bins of ``scores``, 0 the highest bin (empty bins
    kept: a level with no item counts nothing). ``levels``: :func:`_levels` of the same scores,
    when made already (each distinct score is then placed once)."""
    if not len(scores):
        return np.zeros(0, dtype=np.int64), 0
    edges = np.unique(np.quantile(scores, np.linspace(0, 1, bins + 1)[1:-1]))
    if levels is None:
        index = np.searchsorted(edges, scores, side="right")
    else:
        level, _, distinct = levels
        index = np.searchsorted(edges, distinct, side="right")[level]
    return len(edges) - index, len(edges) + 1


class RankedSplit:
    """A split's scores ranked once (see the module docstring). ``gold``: every token's label,
    end to end; ``doc_index``: each token's document; ``spun``: each document's label;
    ``weights``: (resamples x documents) bootstrap weights."""

    def __init__(self, gold: np.ndarray, scores: np.ndarray, doc_index: np.ndarray, spun: np.ndarray, doc_scores: np.ndarray,
                 weights: np.ndarray, bins: int = TOKEN_RANKING_BINS):
        self.gold, self.doc_index, self.spun = gold.astype(bool), doc_index, spun.astype(bool)
        self.weights = weights
        n_docs = len(spun)
        scores = np.asarray(scores, dtype=float)
        exact = _levels(scores)
        self.exact, self.n_exact = exact[:2]
        binned, self.n_binned = _binned_levels(scores, bins, exact)
        # per document and bin: [1] its spun tokens, [0] its clean tokens
        cell = (self.gold.astype(np.int64) * n_docs + doc_index) * max(self.n_binned, 1) + binned
        self.token_hist = np.bincount(cell, minlength=2 * n_docs * max(self.n_binned, 1)).reshape(2, n_docs, -1).astype(np.float32)
        self.doc_level, self.n_doc_levels, _ = _levels(np.asarray(doc_scores, dtype=float))
        self._order = np.argsort(self.doc_level, kind="stable")  # documents grouped by level, highest first
        self._starts = np.r_[0, np.nonzero(np.diff(self.doc_level[self._order]))[0] + 1] if n_docs else np.zeros(0, dtype=np.int64)
        self._w32 = weights.astype(np.float32)
        self._max_weight = float(weights.max()) if weights.size else 0.0
        self._w_ordered = weights[:, self._order]
        self._memo: dict = {}

    def token_counts(self, pos_docs: np.ndarray | None = None, neg_docs: np.ndarray | None = None) -> tuple[Counts, Counts]:
        """(point, resampled) counts of the spun tokens of the documents ``pos_docs`` against the
        clean tokens of the documents ``neg_docs`` (None: every document)."""
        everyone = np.ones(len(self.spun), dtype=bool)
        pos_docs = everyone if pos_docs is None else pos_docs
        neg_docs = everyone if neg_docs is None else neg_docs
        pos = self.gold & pos_docs[self.doc_index]
        neg = ~self.gold & neg_docs[self.doc_index]
        point = (Side.of(np.bincount(self.exact[pos], minlength=self.n_exact)[None, :].astype(float)),
                 Side.of(np.bincount(self.exact[neg], minlength=self.n_exact)[None, :].astype(float)))
        boot = (self._resampled(1, pos_docs), self._resampled(0, neg_docs))
        return point, boot

    def _resampled(self, spun: int, docs: np.ndarray) -> Side:
        """Each resample's counts at each level of the spun (``spun=1``) or clean (0) tokens of
        the documents ``docs`` (float64 for the sums the scores are read off); remembered, since
        every regime shares the clean documents'."""
        key = (spun, docs.tobytes())
        if key not in self._memo:
            hist = self.token_hist[spun] if docs.all() else self.token_hist[spun][docs]
            w = self._w32 if docs.all() else self._w32[:, docs]
            if float(hist.sum()) * self._max_weight < _FLOAT32_EXACT:
                # the counts at and at or above each level by one product: every partial sum is a
                # whole number below 2**24, so float32 holds it exactly
                both = (w @ np.concatenate([hist, np.cumsum(hist, axis=1)], axis=1)).astype(float)
                self._memo[key] = Side.of(both[:, :hist.shape[1]], both[:, hist.shape[1]:])
            else:
                self._memo[key] = Side.of((w @ hist).astype(float))
        return self._memo[key]

    def document_counts(self, docs: np.ndarray | None = None) -> tuple[Counts, Counts]:
        """(point, resampled) counts of the spun documents among ``docs`` against its clean ones
        (None: every document), at each distinct document score."""
        docs = np.ones(len(self.spun), dtype=bool) if docs is None else docs
        pos, neg = docs & self.spun, docs & ~self.spun
        point = (Side.of(np.bincount(self.doc_level[pos], minlength=self.n_doc_levels)[None, :].astype(float)),
                 Side.of(np.bincount(self.doc_level[neg], minlength=self.n_doc_levels)[None, :].astype(float)))
        if not len(self._starts):
            empty = Side.of(np.zeros((len(self.weights), 0)))
            return point, (empty, empty)
        # each level's documents summed in every resample: the columns of one level are adjacent
        boot = (self._documents_resampled(pos), self._documents_resampled(neg))
        return point, boot

    def _documents_resampled(self, docs: np.ndarray) -> Side:
        """Each resample's count of the documents ``docs`` at each document level; remembered
        (every regime shares the clean documents')."""
        key = ("documents", docs.tobytes())
        if key not in self._memo:
            self._memo[key] = Side.of(np.add.reduceat(self._w_ordered * docs[self._order], self._starts, axis=1))
        return self._memo[key]


def ranking_scores(point: Counts, boot: Counts, fpr_points: dict[str, float], auprc: bool = True) -> dict[str, tuple[float, np.ndarray]]:
    """``{name: (point value, resampled values)}`` of AUROC, AUPRC (unless ``auprc`` is False) and
    the TPR at each of ``fpr_points`` (``{name: fpr}``), from :meth:`RankedSplit.token_counts` or
    :meth:`RankedSplit.document_counts`."""
    out = {}
    for i, (pos, neg) in enumerate((point, boot)):
        values = {"auroc": metrics.auroc_from_levels(pos.at, neg.at, neg.half)}
        if auprc:
            values["auprc"] = metrics.average_precision_from_levels(pos.at, pos.cum, neg.cum)
        for name, fpr in fpr_points.items():
            values[name] = metrics.tpr_at_fpr(pos.at, neg.at, fpr, cum=(pos.cum, neg.cum))
        for name, v in values.items():
            out[name] = (v[0],) if i == 0 else (*out[name], v)
    return out
