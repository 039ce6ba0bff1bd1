"""Threshold-free scores of a split and of subsets of its documents (AUROC, AUPRC, TPR at low
FPR), with bootstrap intervals, from counts made once per split.

Every such score is read off the counts of positives and negatives at each score level
(:func:`harness.evaluation.metrics.level_counts`). :class:`RankedSplit` ranks a split's token and
document scores once and keeps per-document counts at each level; the counts of any subset of
documents (a spin regime's documents against the clean ones) in every bootstrap resample are
those counts weighted by the resample's draws (:class:`Side`), instead of ranking each subset
again. AUROC's pairs are a quadratic form of the draws, read without making the
(resamples x levels) counts at all; AUPRC and the cuts at low FPR make them a block of resamples
at a time. Token intervals use :data:`TOKEN_RANKING_BINS` quantile levels of the split's token
scores; point values, and everything about documents, use every distinct score (of the
documents scored).

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
    """Positives or negatives at each level, highest first, in each row (one row: the point
    value; one per resample), kept factored: each group's counts (groups x levels: a document's
    tokens, or the document itself) and each row's weight of each group (rows x groups). The
    pairs behind AUROC, and the positives a cut catches, are read off the factors; the
    (rows x levels) counts at or above each level, which AUPRC and the search for a cut need,
    are made a block of rows at a time (:meth:`cum_rows`) and let go, so that every block reuses
    the memory of the one before. The cuts are remembered: every regime is cut against the same
    clean documents' side."""

    def __init__(self, weights: np.ndarray, hist: np.ndarray):
        self.weights, self.hist = weights, hist
        self.cuts: dict[float, np.ndarray] = {}

    @property
    def n_levels(self) -> int:
        return self.hist.shape[1]

    @cached_property
    def total(self) -> np.ndarray:
        """Each row's count over every level."""
        return self.weights @ self.hist.sum(axis=1)

    @cached_property
    def group_cum(self) -> np.ndarray:
        return np.cumsum(self.hist, axis=1)

    @cached_property
    def group_half(self) -> np.ndarray:
        """Each group's count at or above each level less half of that at it (ties count half)."""
        return self.group_cum - 0.5 * self.hist

    @cached_property
    def _factors(self) -> tuple[np.ndarray, np.ndarray]:
        """The weights and the per-group running sums in float32 (half the time and memory) where
        every sum of their product is a whole number below 2**24, which float32 holds exactly;
        otherwise in float64. The scores read off the counts compute in float64."""
        if float(self.hist.sum()) * float(self.weights.max(initial=0.0)) < _FLOAT32_EXACT:
            return self.weights.astype(np.float32), self.group_cum.astype(np.float32)
        return self.weights, self.group_cum

    def cum_rows(self, rows: slice = slice(None)) -> np.ndarray:
        """The ``rows``' counts at or above each level (rows x levels), exact."""
        weights, group_cum = self._factors
        return weights[rows] @ group_cum

    def misordered(self, neg: Side) -> np.ndarray:
        """Each row's misordered pairs of these positives with ``neg``, ties half
        (:func:`harness.evaluation.metrics.auroc_from_misordered`): the sum over levels of the
        positives at a level times the negatives at or above it less half of those at it. That is
        a quadratic form of the rows' weights: one (groups x groups) product, not a
        (rows x levels) one. Whole numbers and halves, exact in float64."""
        cross = self.hist @ neg.group_half.T
        return np.einsum("ig,ig->i", self.weights @ cross, neg.weights)

    def caught(self, levels: np.ndarray, rows: slice = slice(None), cum: np.ndarray | None = None) -> np.ndarray:
        """Each of the ``rows``' count at or above the first ``levels`` levels (0 where it is 0):
        read off their counts ``cum`` where made already, else one column of the per-group sums
        gathered per row."""
        last = np.maximum(levels - 1, 0)
        if cum is not None:
            got = cum[np.arange(len(last)), last]
        else:
            got = np.einsum("ig,gi->i", self.weights[rows], self.group_cum[:, last])
        return np.where(levels > 0, got, 0.0)


class LevelSide:
    """A side whose rows' counts at each level are made outright (rows x levels): the documents'
    of a large split, each document one item at one level, where :class:`Side`'s factors
    (documents x levels) would be mostly zeros and grow with documents times levels. The same
    methods as :class:`Side`."""

    def __init__(self, at: np.ndarray):
        self.at = self.weights = at  # ``weights``: its rows, as a Side's
        self.cuts: dict[float, np.ndarray] = {}

    @property
    def n_levels(self) -> int:
        return self.at.shape[1]

    @cached_property
    def total(self) -> np.ndarray:
        return self.at.sum(axis=1)

    @cached_property
    def cum(self) -> np.ndarray:
        return np.cumsum(self.at, axis=1)

    def cum_rows(self, rows: slice = slice(None)) -> np.ndarray:
        return self.cum[rows]

    def misordered(self, neg: LevelSide) -> np.ndarray:
        """As :meth:`Side.misordered`, from the counts themselves (whole numbers and halves:
        exact)."""
        return _pairs_off_counts(self.at, neg.cum)

    def caught(self, levels: np.ndarray, rows: slice = slice(None), cum: np.ndarray | None = None) -> np.ndarray:
        last = np.maximum(levels - 1, 0)
        got = (self.cum_rows(rows) if cum is None else cum)[np.arange(len(last)), last]
        return np.where(levels > 0, got, 0.0)


def _pairs_off_counts(pos_at: np.ndarray, neg_cum: np.ndarray) -> np.ndarray:
    """Each row's misordered pairs (:meth:`Side.misordered`) read off the (rows x levels) counts:
    the positives at each level times the negatives at or above it less half of those at it.
    Whole numbers and halves, summed in float64: exact."""
    neg_cum = np.asarray(neg_cum, dtype=float)
    return np.einsum("ij,ij->i", pos_at, neg_cum - 0.5 * counts_at(neg_cum))


def counts_at(cum: np.ndarray) -> np.ndarray:
    """The counts at each level from those at or above it (the differences of the running sums:
    a pass, not a second product)."""
    at = cum.copy()
    at[:, 1:] -= cum[:, :-1]
    return at


# Resamples scored together: the counts of a block of 256 rows take up to 1 MB (1,025 levels in
# float32), which the next block reuses, where all 1,000 at once would be megabytes paged in
# afresh every time (half of the time of AUPRC, measured).
ROW_BLOCK = 256


_FLOAT32_EXACT = 2.0**24  # every whole number below it is a float32

Counts = tuple[Side, Side] | tuple[LevelSide, LevelSide]  # (positives, negatives)


# Predictions files keep 4 decimals: a score is then k / 10,000 for a whole k, and its level is
# found by counting, not sorting (:func:`_levels`).
_GRID = 10_000


def _levels(scores: np.ndarray) -> tuple[np.ndarray, int, np.ndarray, np.ndarray]:
    """Each score's level among the distinct scores, 0 the highest, how many levels, the
    distinct scores, highest first, and how many scores are at each. Scores that all lie on the
    4-decimal grid of [0, 1] are counted (a tenth of the time of sorting them); others sorted."""
    if not len(scores):
        return np.zeros(0, dtype=np.int64), 0, np.zeros(0), np.zeros(0, dtype=np.int64)
    keys = np.rint(scores * _GRID)
    if 0 <= keys.min() and keys.max() <= _GRID and np.array_equal(keys / _GRID, scores):
        from_top = _GRID - keys.astype(np.int64)  # 0 for a score of 1
        counts = np.bincount(from_top, minlength=_GRID + 1)
        present = counts > 0
        level = (np.cumsum(present) - 1)[from_top]
        return level, int(present.sum()), (_GRID - np.flatnonzero(present)) / _GRID, counts[present]
    negated, level, counts = np.unique(-scores, return_inverse=True, return_counts=True)
    return level.ravel(), len(negated), -negated, counts


def _binned_levels(scores: np.ndarray, bins: int, levels: tuple[np.ndarray, int, np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, int]:
    """Each score's level among ``bins`` quantile bins of ``scores``, 0 the highest bin (empty bins
    kept: a level with no item counts nothing). ``levels``: :func:`_levels` of the same scores,
    when made already (each distinct score is then placed once, and the quantiles are read off
    the scores in order, the same numbers as off ``scores``)."""
    if not len(scores):
        return np.zeros(0, dtype=np.int64), 0
    qs = np.linspace(0, 1, bins + 1)[1:-1]
    if levels is None:
        edges = np.unique(np.quantile(scores, qs))
        index = np.searchsorted(edges, scores, side="right")
    else:
        level, _, distinct, counts = levels
        edges = np.unique(np.quantile(np.repeat(distinct[::-1], counts[::-1]), qs))
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
        self.token_hist = np.bincount(cell, minlength=2 * n_docs * max(self.n_binned, 1)).reshape(2, n_docs, -1).astype(float)
        self.doc_level, self.n_doc_levels, *_ = _levels(np.asarray(doc_scores, dtype=float))
        self._memo: dict = {}

    def token_counts(self, pos_docs: np.ndarray | None = None, neg_docs: np.ndarray | None = None) -> tuple[Counts, Counts]:
        """(point, resampled) counts of the spun tokens of the documents ``pos_docs`` against the
        clean tokens of the documents ``neg_docs`` (None: every document)."""
        everyone = np.ones(len(self.spun), dtype=bool)
        pos_docs = everyone if pos_docs is None else pos_docs
        neg_docs = everyone if neg_docs is None else neg_docs
        pos = self.gold & pos_docs[self.doc_index]
        neg = ~self.gold & neg_docs[self.doc_index]
        point = (_once(np.bincount(self.exact[pos], minlength=self.n_exact)), _once(np.bincount(self.exact[neg], minlength=self.n_exact)))
        boot = (self._resampled(1, pos_docs), self._resampled(0, neg_docs))
        return point, boot

    def document_counts(self, docs: np.ndarray | None = None) -> tuple[Counts, Counts]:
        """(point, resampled) counts of the spun documents among ``docs`` against its clean ones
        (None: every document), at each distinct score of those documents."""
        docs = np.ones(len(self.spun), dtype=bool) if docs is None else docs
        levels = np.unique(self.doc_level[docs])  # a level no document of these holds counts nothing
        column = np.searchsorted(levels, self.doc_level)  # each document's column among them
        point, boot = [], []
        factored = int(docs.sum()) * len(levels) <= _DOCUMENT_FACTORS
        for mine in (docs & self.spun, docs & ~self.spun):
            counts = np.bincount(column[mine], minlength=len(levels))
            if factored:  # each document a group of one item at its level
                hist = np.zeros((int(mine.sum()), len(levels)))
                hist[np.arange(len(hist)), column[mine]] = 1.0
                point.append(_once(counts))
                boot.append(Side(self.weights[:, mine], hist))
            else:
                point.append(LevelSide(counts[None, :].astype(float)))
                boot.append(LevelSide(_summed_by_column(self.weights, np.flatnonzero(mine), column, len(levels))))
        return (point[0], point[1]), (boot[0], boot[1])

    def _resampled(self, spun: int, docs: np.ndarray) -> Side:
        """Every resample's counts of the spun (``spun=1``) or clean (0) tokens of the documents
        ``docs``; remembered, since every regime shares the clean documents'."""
        key = (spun, docs.tobytes())
        if key not in self._memo:
            hist = self.token_hist[spun]
            everyone = bool(docs.all())
            self._memo[key] = Side(self.weights if everyone else self.weights[:, docs], hist if everyone else hist[docs])
        return self._memo[key]


# Documents times their distinct scores up to which the documents' ranking is kept factored
# (:class:`Side`, each document a group: quickest for a split of a few hundred documents); past
# it, the resamples' counts are made outright (:class:`LevelSide`), whose cost grows with
# documents plus levels, not their product.
_DOCUMENT_FACTORS = 1_000_000


def _summed_by_column(weights: np.ndarray, docs: np.ndarray, column: np.ndarray, n: int) -> np.ndarray:
    """(rows x ``n``): each row's weights of the documents ``docs`` summed by their ``column``
    (one pass over the documents' weights, grouped by column)."""
    out = np.zeros((len(weights), n))
    if len(docs):
        order = docs[np.argsort(column[docs], kind="stable")]
        cols = column[order]
        starts = np.r_[0, np.flatnonzero(np.diff(cols)) + 1]
        out[:, cols[starts]] = np.add.reduceat(weights[:, order], starts, axis=1)
    return out


def _once(counts: np.ndarray) -> Side:
    """The point value's side: the whole set counted once, as one group."""
    return Side(np.ones((1, 1)), counts[None, :].astype(float))


def ranking_scores(point: Counts, boot: Counts, fpr_points: dict[str, float], auprc: bool = True) -> dict[str, tuple[float, np.ndarray]]:
    """``{name: (point value, resampled values)}`` of AUROC, AUPRC (unless ``auprc`` is False) and
    the TPR at each of ``fpr_points`` (``{name: fpr}``), from :meth:`RankedSplit.token_counts` or
    :meth:`RankedSplit.document_counts`."""
    out = {}
    for i, (pos, neg) in enumerate((point, boot)):
        for name, v in _side_scores(pos, neg, fpr_points, auprc).items():
            out[name] = (v[0],) if i == 0 else (*out[name], v)
    return out


def _pairs_cost_more_factored(pos, neg) -> bool:
    """Whether AUROC's pairs cost more as :meth:`Side.misordered`'s quadratic form (a
    groups x groups product per row) than off the (rows x levels) counts: with many documents
    against few levels, as a split of thousands of documents. Both are exact; only time differs."""
    if not isinstance(pos, Side):
        return False
    rows, levels = len(pos.weights), pos.n_levels
    groups_pos, groups_neg = len(pos.hist), len(neg.hist)
    return groups_pos * groups_neg * (levels + rows) > rows * levels * (groups_pos + groups_neg)


def _side_scores(pos: Side, neg: Side, fpr_points: dict[str, float], auprc: bool) -> dict[str, np.ndarray]:
    """Every row's scores (:func:`ranking_scores`), the dense counts made a block of rows at a
    time (:data:`ROW_BLOCK`)."""
    values = {}
    missing = [fpr for fpr in dict.fromkeys(fpr_points.values()) if fpr not in neg.cuts]
    new_cuts: dict[float, list[np.ndarray]] = {fpr: [] for fpr in missing}
    ap: list[np.ndarray] = []
    misordered: list[np.ndarray] = []
    caught: dict[str, list[np.ndarray]] = {name: [] for name in fpr_points}
    dense_pairs = _pairs_cost_more_factored(pos, neg)
    for start in range(0, max(len(pos.weights), 1), ROW_BLOCK):
        rows = slice(start, start + ROW_BLOCK)
        neg_cum = neg.cum_rows(rows) if auprc or missing or dense_pairs else None
        pos_cum = pos.cum_rows(rows) if auprc or dense_pairs else None
        for fpr in missing:
            new_cuts[fpr].append(metrics.fpr_cut_levels(neg_cum, fpr))
        if auprc:
            ap.append(metrics.average_precision_from_levels(counts_at(pos_cum), pos_cum, neg_cum))
        if dense_pairs:
            misordered.append(_pairs_off_counts(counts_at(pos_cum), neg_cum))
        for name, fpr in fpr_points.items():
            levels = new_cuts[fpr][-1] if fpr in new_cuts else neg.cuts[fpr][rows]
            caught[name].append(pos.caught(levels, rows, pos_cum))
    neg.cuts.update({fpr: np.concatenate(parts) for fpr, parts in new_cuts.items()})
    pairs = np.concatenate(misordered) if dense_pairs else pos.misordered(neg)
    values["auroc"] = metrics.auroc_from_misordered(pairs, pos.total, neg.total)
    if auprc:
        values["auprc"] = np.concatenate(ap)
    for name in fpr_points:
        values[name] = metrics.tpr_from_caught(np.concatenate(caught[name]), pos.total, neg.total)
    return values
