"""Every score spinbench reports, each defined once, as a pure function.

Token level: precision, recall and F1 of the spun class over all tokens.
Span level: a gold span is a maximal run of spun tokens (one aligner edit; deletions leave no
spun token and are not scored). A predicted span is a maximal run of predicted spun tokens.
*Strict*: a span counts when a predicted span is exactly the gold span (seqeval's strict IOB2
mode). *Partial*: a gold span counts when any predicted token overlaps it, and a predicted span
counts when it overlaps any gold span. Document level: precision, recall, F1 at the threshold.
Ranking (threshold-free), for tokens and for documents: AUROC and AUPRC (average precision).
Counting functions work on every document at once (labels end to end, with document offsets),
so that bootstrap resamples are sums of per-document rows.

>>> spans([0, 1, 1, 0, 1])
[(1, 3), (4, 5)]
>>> prf(tp=3, fp=1, fn=1)
(0.75, 0.75, 0.75)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harness.runs.bootstrap import ratio


def _f1(p, r):
    return ratio(2 * np.asarray(p) * np.asarray(r), np.asarray(p) + np.asarray(r))


def prf(tp, fp, fn):
    """Precision, recall and F1 from counts (numbers, or arrays of resampled counts); 0.0 where a
    denominator is zero. F1 is computed from the counts, ``2tp / (2tp + fp + fn)``, as
    scikit-learn does."""
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))
    return ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(2 * tp, 2 * tp + fp + fn)


def spans(labels: Sequence[int]) -> list[tuple[int, int]]:
    """Maximal runs of 1s as ``[start, end)`` token ranges."""
    starts, ends = _runs(np.asarray(labels, dtype=bool), np.array([0, len(labels)]))
    return list(zip(starts.tolist(), ends.tolist()))


def _runs(x: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and ends of the maximal runs of True in ``x``, never crossing a document boundary
    (``offsets``: where each document starts, then the total length)."""
    first = np.zeros(len(x), dtype=bool)
    last = np.zeros(len(x), dtype=bool)
    lengths = np.diff(offsets)
    first[offsets[:-1][lengths > 0]] = True
    last[offsets[1:][lengths > 0] - 1] = True
    continues = np.r_[False, x[:-1]] & ~first  # the previous token is in the same run
    goes_on = np.r_[x[1:], False] & ~last
    return np.flatnonzero(x & ~continues), np.flatnonzero(x & ~goes_on) + 1


def _doc_of(positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    return np.searchsorted(offsets, positions, side="right") - 1


def token_counts_by_doc(gold: Sequence[int], pred: Sequence[int], offsets: Sequence[int]) -> np.ndarray:
    """(documents x 3) array of (tp, fp, fn) of the spun class; ``gold`` and ``pred`` are every
    document's labels end to end, ``offsets`` where each document starts, then the total."""
    g, p, offsets = np.asarray(gold, dtype=bool), np.asarray(pred, dtype=bool), np.asarray(offsets)
    doc = np.repeat(np.arange(len(offsets) - 1), np.diff(offsets))
    n = len(offsets) - 1
    # each token's cell: its document, then gold and predicted label (2 * gold + pred), counted once
    cells = np.bincount(4 * doc + 2 * g + p, minlength=4 * n).reshape(n, 4)
    return cells[:, [3, 1, 2]].astype(float)  # (gold and pred, pred only, gold only)


def token_counts(gold: Sequence[int], pred: Sequence[int]) -> tuple[int, int, int]:
    """(tp, fp, fn) of the spun class for one document."""
    tp, fp, fn = token_counts_by_doc(gold, pred, [0, len(gold)])[0]
    return int(tp), int(fp), int(fn)


SPAN_KEYS = ("gold", "pred", "strict", "partial_gold", "partial_pred")


def span_counts_by_doc(gold: Sequence[int], pred: Sequence[int], offsets: Sequence[int]) -> np.ndarray:
    """(documents x 5) array of span counts, columns :data:`SPAN_KEYS`: gold and predicted spans,
    exact matches (strict), gold spans overlapped by a prediction and predicted spans overlapping
    gold (partial). Arguments as for :func:`token_counts_by_doc`."""
    g, p, offsets = np.asarray(gold, dtype=bool), np.asarray(pred, dtype=bool), np.asarray(offsets)
    n = len(offsets) - 1
    gs, ge = _runs(g, offsets)
    ps, pe = _runs(p, offsets)
    # a gold span matches exactly when the predicted span starting where it starts (predicted
    # spans never share a start) ends where it ends
    pred_end = np.full(len(g) + 1, -1)
    pred_end[ps] = pe
    strict = pred_end[gs] == ge
    covered_by_pred = np.r_[0, np.cumsum(p)]
    covered_by_gold = np.r_[0, np.cumsum(g)]
    partial_gold = covered_by_pred[ge] > covered_by_pred[gs]
    partial_pred = covered_by_gold[pe] > covered_by_gold[ps]
    g_doc, p_doc = _doc_of(gs, offsets), _doc_of(ps, offsets)
    columns = [
        np.bincount(g_doc, minlength=n),
        np.bincount(p_doc, minlength=n),
        np.bincount(g_doc, weights=strict, minlength=n),
        np.bincount(g_doc, weights=partial_gold, minlength=n),
        np.bincount(p_doc, weights=partial_pred, minlength=n),
    ]
    return np.stack(columns, axis=1).astype(float)


def span_counts(gold: Sequence[int], pred: Sequence[int]) -> dict[str, int]:
    """Span counts of one document, keys :data:`SPAN_KEYS` (see :func:`span_counts_by_doc`)."""
    row = span_counts_by_doc(gold, pred, [0, len(gold)])[0]
    return {k: int(v) for k, v in zip(SPAN_KEYS, row)}


def span_prf_from_counts(c: dict) -> dict[str, tuple]:
    """Strict and partial (precision, recall, F1) from summed :func:`span_counts` (numbers, or
    arrays of resampled sums)."""
    strict = prf(c["strict"], np.asarray(c["pred"]) - c["strict"], np.asarray(c["gold"]) - c["strict"])
    p = ratio(c["partial_pred"], c["pred"])
    r = ratio(c["partial_gold"], c["gold"])
    return {"strict": strict, "partial": (p, r, _f1(p, r))}


def cumulative(tp_at: np.ndarray, fp_at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positives and negatives at or above each level (``cum=`` of :func:`areas` and
    :func:`tpr_at_fpr`, made once for several scores of the same counts)."""
    return np.cumsum(tp_at, axis=1), np.cumsum(fp_at, axis=1)


def auroc_from_levels(tp_at: np.ndarray, fp_at: np.ndarray, fp_half: np.ndarray | None = None) -> np.ndarray:
    """AUROC from (rows x levels) counts of positives and negatives at each score level, highest
    level first, ties counted half (the trapezoid of the ROC curve); NaN in a row without a
    positive or a negative. ``fp_half``: the negatives at or above each level less half of those
    at it (``cumsum(fp_at) - fp_at / 2``), when made already: several sets of positives scored
    against the same negatives share it. Counts are whole (or halves), so every sum is exact.

    >>> auroc_from_levels(np.array([[1., 0., 1.]]), np.array([[0., 1., 1.]]))
    array([0.625])
    """
    if fp_half is None:
        fp_half = np.cumsum(fp_at, axis=1) - 0.5 * fp_at
    if not tp_at.shape[1]:  # nothing scored
        return np.full(len(tp_at), np.nan)
    n_pos, n_neg = tp_at.sum(axis=1), fp_half[:, -1] + 0.5 * fp_at[:, -1]
    # for each positive, the negatives at or above its level, ties half; einsum makes no
    # temporary of the whole matrix
    return auroc_from_misordered(np.einsum("ij,ij->i", tp_at, fp_half), n_pos, n_neg)


def auroc_from_misordered(misordered: np.ndarray, n_pos: np.ndarray, n_neg: np.ndarray) -> np.ndarray:
    """AUROC from the count of misordered (positive, negative) pairs, the negative scored above
    the positive, ties counted half, and the counts of positives and negatives (one of each per
    row): the share of pairs ordered rightly. NaN in a row without a positive or a negative.
    :func:`auroc_from_levels` counts the pairs from level counts;
    :class:`harness.evaluation.ranking.Side` from per-document counts, without making the
    (resamples x levels) matrices.

    >>> auroc_from_misordered(np.array([1.5]), np.array([2.]), np.array([2.]))
    array([0.625])
    """
    n_pos, n_neg = np.asarray(n_pos, dtype=float), np.asarray(n_neg, dtype=float)
    pairs = n_pos * n_neg - misordered
    with np.errstate(divide="ignore", invalid="ignore"):
        roc = pairs / (n_pos * n_neg)
    return np.where((n_pos > 0) & (n_neg > 0), roc, np.nan)


def average_precision_from_levels(tp_at: np.ndarray, tp_cum: np.ndarray, fp_cum: np.ndarray) -> np.ndarray:
    """Average precision (scikit-learn's ``average_precision_score``) from (rows x levels) counts of
    positives at each level and of positives and negatives at or above it (:func:`cumulative`),
    highest level first; NaN in a row without a positive."""
    if not tp_at.shape[1]:
        return np.full(len(tp_at), np.nan)
    n_pos = tp_cum[:, -1]
    # precision at each level (where nothing is flagged yet, no positive is either: 0), made in
    # one array: the counts are whole numbers, so at least 1 is the same as 1 where 0
    precision = np.add(tp_cum, fp_cum, dtype=float)
    np.maximum(precision, 1, out=precision)
    np.divide(tp_cum, precision, out=precision)
    with np.errstate(divide="ignore", invalid="ignore"):
        ap = np.einsum("ij,ij->i", precision, tp_at) / n_pos
    return np.where(n_pos > 0, ap, np.nan)


def areas(tp_at: np.ndarray, fp_at: np.ndarray, cum: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """AUROC (:func:`auroc_from_levels`) and average precision (:func:`average_precision_from_levels`)
    from (rows x levels) counts of positives and negatives at each score level, highest level
    first (``cum``: their :func:`cumulative`, when made already)."""
    tp, fp = cum if cum is not None else cumulative(tp_at, fp_at)
    if not tp.shape[1]:  # nothing scored
        return np.full(len(tp), np.nan), np.full(len(tp), np.nan)
    return auroc_from_levels(tp_at, fp_at, fp - 0.5 * fp_at), average_precision_from_levels(tp_at, tp, fp)


def ranking_scores(y_true: Sequence[int], scores: Sequence[float], groups: Sequence[int] | None = None, weights: np.ndarray | None = None,
                   bins: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """AUROC and average precision of the positive class, for every row of ``weights``.

    AUROC counts tied scores half (the trapezoid of the ROC curve); average precision sums, over
    distinct scores from the highest, the precision there times the gain in recall
    (scikit-learn's ``average_precision_score``). Without ``weights`` every item counts once and
    one value of each comes back. With them, each item (a token) belongs to a group (its
    document) and ``weights`` is (resamples x groups): how many times each group counts in each
    resample. ``bins``: merge the scores into that many quantile levels first (for fast bootstrap
    intervals over many distinct scores; None keeps every distinct score, exact). NaN where
    there is no positive or no negative (AUROC), or no positive (average precision).
    """
    tp_at, fp_at = level_counts(y_true, scores, groups, weights, bins)
    if not tp_at.shape[1]:  # no item at all
        return np.full(len(tp_at), np.nan), np.full(len(tp_at), np.nan)
    return areas(tp_at, fp_at)


def level_counts(y_true: Sequence[int], scores: Sequence[float], groups: Sequence[int] | None = None, weights: np.ndarray | None = None,
                 bins: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(positives, negatives) at each distinct score level, highest first, as (rows x levels)
    arrays: one row without ``weights``, one per resample with them (see :func:`ranking_scores`
    for ``groups``, ``weights`` and ``bins``). Every threshold-free score is read off these."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=float)
    if bins is not None and len(s):
        edges = np.unique(np.quantile(s, np.linspace(0, 1, bins + 1)[1:-1]))
        s = np.searchsorted(edges, s, side="right").astype(float)
    rows = 1 if weights is None else len(np.atleast_2d(weights))
    if not len(s):
        return np.zeros((rows, 0)), np.zeros((rows, 0))
    _, level = np.unique(-s, return_inverse=True)  # level 0 holds the highest score
    level = level.ravel()
    n_levels = int(level.max()) + 1
    if weights is None:
        tp_at = np.bincount(level[y], minlength=n_levels)[None, :].astype(float)
        fp_at = np.bincount(level[~y], minlength=n_levels)[None, :].astype(float)
        return tp_at, fp_at
    weights = np.atleast_2d(np.asarray(weights, dtype=float))
    groups = np.asarray(groups)
    # Counts stay exact in float32 (integers below 2**24) and the products run twice as fast.
    n_groups = weights.shape[1]
    cell = (y.astype(np.int64) * n_groups + groups) * n_levels + level
    hist = np.bincount(cell, minlength=2 * n_groups * n_levels).reshape(2, n_groups, n_levels).astype(np.float32)  # [1]: positives
    w = weights.astype(np.float32)
    return w @ hist[1], w @ hist[0]


def tpr_at_fpr(tp_at: np.ndarray, fp_at: np.ndarray, fpr: float, cum: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The true positive rate where the false positive rate is at most ``fpr``: the share of
    positives caught by the lowest threshold that flags at most that share of negatives (flagging
    nothing when even the top score's level would flag more), from :func:`level_counts` (one
    value per row). It is the ROC curve read at ``fpr``, as detection work reports it (TPR at 1%
    FPR). NaN where there is no positive or no negative.

    >>> tpr_at_fpr(*level_counts([1, 0, 1, 0, 1], [0.9, 0.8, 0.7, 0.2, 0.1]), 0.5)
    array([0.66666667])
    """
    tp, fp = cum if cum is not None else cumulative(tp_at, fp_at)
    if not tp.shape[1]:
        return np.full(len(tp), np.nan)
    k = fpr_cut_levels(fp, fpr)
    caught = np.where(k > 0, tp[np.arange(len(tp)), np.maximum(k - 1, 0)], 0.0)
    return tpr_from_caught(caught, tp[:, -1], fp[:, -1])


def fpr_cut_levels(fp_cum: np.ndarray, fpr: float) -> np.ndarray:
    """How many levels, from the highest, the lowest threshold that flags at most ``fpr`` of the
    negatives flags (0: even the top level flags more), for each row of (rows x levels) counts of
    negatives at or above each level (:func:`tpr_at_fpr`'s cut).

    >>> fpr_cut_levels(np.array([[0., 1., 2., 4.]]), 0.5).tolist()
    [3]
    """
    n_neg = np.asarray(fp_cum[:, -1], dtype=float)
    # the levels whose false positive rate is within fpr: a prefix (the rate only grows)
    return (fp_cum <= (fpr + 1e-12) * n_neg[:, None]).sum(axis=1)


def tpr_from_caught(caught: np.ndarray, n_pos: np.ndarray, n_neg: np.ndarray) -> np.ndarray:
    """The true positive rate of a cut that catches ``caught`` of ``n_pos`` positives, one per row;
    NaN where there is no positive or no negative (:func:`tpr_at_fpr`)."""
    n_pos, n_neg = np.asarray(n_pos, dtype=float), np.asarray(n_neg, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = caught / n_pos
    return np.where((n_pos > 0) & (n_neg > 0), out, np.nan)


def auroc(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (ties count half); see :func:`ranking_scores`.

    >>> auroc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    return float(ranking_scores(y_true, scores)[0][0])


def score_cuts(y_true: Sequence[int], scores: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every way of cutting the scores: for each distinct score, highest first, the cut
    ``score >= threshold``, its true positives and its predicted positives.

    >>> score_cuts([1, 0, 1], [0.9, 0.5, 0.5])
    (array([0.9, 0.5]), array([1., 2.]), array([1, 3]))
    """
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    order = np.argsort(-s, kind="mergesort")
    s, y = s[order], y[order]
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1] if len(s) else np.zeros(0, dtype=int)
    return s[last], np.cumsum(y)[last], last + 1


def precision_recall_curve(y_true: Sequence[int], scores: Sequence[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(thresholds, precision, recall) of every cut ``score >= threshold``, highest threshold
    first (:func:`score_cuts`); recall is 0.0 everywhere when there is no positive.

    >>> precision_recall_curve([1, 0, 1], [0.9, 0.5, 0.5])
    (array([0.9, 0.5]), array([1.        , 0.66666667]), array([0.5, 1. ]))
    """
    thresholds, tp, predicted = score_cuts(y_true, scores)
    n_pos = float(np.sum(np.asarray(y_true, dtype=float)))
    return thresholds, ratio(tp, predicted), ratio(tp, np.full_like(tp, n_pos))


def calibration_bins(y_true: Sequence[int], scores: Sequence[float], n_bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean score, observed positive rate, count) in each non-empty bin of ``n_bins`` equal-width
    score bins over [0, 1] (a score on an inner edge goes to the lower bin);
    scikit-learn's ``calibration_curve`` with ``strategy="uniform"``, plus the counts.

    >>> calibration_bins([0, 1, 1, 0], [0.1, 0.15, 0.9, 0.95], n_bins=2)
    (array([0.125, 0.925]), array([0.5, 0.5]), array([2, 2]))
    """
    y = np.asarray(y_true, dtype=float)
    s = np.asarray(scores, dtype=float)
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    bins = np.searchsorted(edges[1:-1], s)
    count = np.bincount(bins, minlength=n_bins)
    nonempty = count > 0
    mean_score = np.bincount(bins, weights=s, minlength=n_bins)[nonempty] / count[nonempty]
    observed = np.bincount(bins, weights=y, minlength=n_bins)[nonempty] / count[nonempty]
    return mean_score, observed, count[nonempty]


def auprc(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """Average precision (area under the precision-recall curve); see :func:`ranking_scores`.

    >>> auprc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.8333333333333333
    """
    return float(ranking_scores(y_true, scores)[1][0])


def best_f1_cut(y_true: Sequence[int], scores: Sequence[float], margin: float = 0.0) -> float | None:
    """The threshold whose cut ``score >= threshold`` has the highest F1 (the highest such
    threshold on ties); with ``margin`` > 0, the *lowest* threshold whose F1 is within ``margin``
    of that highest F1. None when there is no positive or no score.

    >>> best_f1_cut([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    0.7
    >>> best_f1_cut([1, 1, 0, 1, 0], [0.9, 0.8, 0.7, 0.6, 0.1], margin=0.1)
    0.6
    """
    y = np.asarray(y_true, dtype=float)
    if len(y) == 0 or not y.any():
        return None
    thresholds, tp, predicted = score_cuts(y, scores)
    _, _, f1 = prf(tp, predicted - tp, y.sum() - tp)
    if margin <= 0.0:
        return float(thresholds[int(np.argmax(f1))])
    return float(thresholds[np.nonzero(f1 >= f1.max() - margin)[0][-1]])


def matched_share_cut(scores: Sequence[float], share: float) -> float | None:
    """The threshold whose cut ``score >= threshold`` flags the share of ``scores`` closest to
    ``share`` (the higher threshold on ties); None when there is no score.

    >>> matched_share_cut([0.9, 0.8, 0.7, 0.1], 0.5)
    0.8
    >>> matched_share_cut([0.9, 0.2, 0.2, 0.2], 0.5)  # 1 of 4 is nearer a half than 4 of 4
    0.9
    """
    s = np.asarray(scores, dtype=float)
    if len(s) == 0:
        return None
    thresholds, _, predicted = score_cuts(np.zeros(len(s)), s)
    return float(thresholds[int(np.argmin(np.abs(predicted / len(s) - share)))])
