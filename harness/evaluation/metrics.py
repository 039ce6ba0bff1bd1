"""Every score spinbench reports, each defined once, as a pure function.

Token level: precision, recall and F1 of the spun class over all tokens.
Span level: a gold span is a maximal run of spun tokens (one aligner edit; deletions leave no
spun token and are not scored). A predicted span is a maximal run of predicted spun tokens.
*Strict*: a span counts when a predicted span is exactly the gold span (seqeval's strict IOB2
mode). *Partial*: a gold span counts when any predicted token overlaps it, and a predicted span
counts when it overlaps any gold span. Document level: precision, recall, F1 at the threshold,
AUROC and AUPRC (average precision).

>>> spans([0, 1, 1, 0, 1])
[(1, 3), (4, 5)]
>>> prf(tp=3, fp=1, fn=1)
(0.75, 0.75, 0.75)
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def _ratio(num, den):
    """num / den, 0.0 where den is 0; scalars give floats, arrays (bootstrap resamples) arrays."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / den, 0.0)
    return float(out) if out.ndim == 0 else out


def _f1(p, r):
    return _ratio(2 * np.asarray(p) * np.asarray(r), np.asarray(p) + np.asarray(r))


def prf(tp, fp, fn):
    """Precision, recall and F1 from counts (numbers, or arrays of resampled counts); 0.0 where a
    denominator is zero. F1 is computed from the counts, ``2tp / (2tp + fp + fn)``, as
    scikit-learn does."""
    tp, fp, fn = (np.asarray(x, dtype=float) for x in (tp, fp, fn))
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


def spans(labels: Sequence[int]) -> list[tuple[int, int]]:
    """Maximal runs of 1s as ``[start, end)`` token ranges."""
    out = []
    start = None
    for i, v in enumerate(labels):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(labels)))
    return out


def token_counts(gold: Sequence[int], pred: Sequence[int]) -> tuple[int, int, int]:
    """(tp, fp, fn) of the spun class for one document."""
    g = np.asarray(gold, dtype=bool)
    p = np.asarray(pred, dtype=bool)
    return int(np.sum(g & p)), int(np.sum(~g & p)), int(np.sum(g & ~p))


def span_counts(gold: Sequence[int], pred: Sequence[int]) -> dict[str, int]:
    """Per-document span counts for strict and partial matching.

    Keys: ``gold``, ``pred`` (numbers of spans), ``strict`` (exact matches), ``partial_gold``
    (gold spans overlapped by a prediction), ``partial_pred`` (predicted spans overlapping gold).
    """
    g_spans = spans(gold)
    p_spans = spans(pred)
    strict = len(set(g_spans) & set(p_spans))
    partial_gold = sum(any(pred[s:e]) for s, e in g_spans)
    partial_pred = sum(any(gold[s:e]) for s, e in p_spans)
    return {"gold": len(g_spans), "pred": len(p_spans), "strict": strict, "partial_gold": partial_gold, "partial_pred": partial_pred}


def span_prf_from_counts(c: dict) -> dict[str, tuple]:
    """Strict and partial (precision, recall, F1) from summed :func:`span_counts` (numbers, or
    arrays of resampled sums)."""
    strict = prf(c["strict"], np.asarray(c["pred"]) - c["strict"], np.asarray(c["gold"]) - c["strict"])
    p = _ratio(c["partial_pred"], c["pred"])
    r = _ratio(c["partial_gold"], c["gold"])
    return {"strict": strict, "partial": (p, r, _f1(p, r))}


def auroc(y_true: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the ROC curve (ties count half), via the rank-sum statistic."""
    y = np.asarray(y_true, dtype=bool)
    s = np.asarray(scores, dtype=float)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    from scipy.stats import rankdata

    ranks = rankdata(s)
    return float((ranks[y].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


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
    return thresholds, _ratio(tp, predicted), _ratio(tp, np.full_like(tp, n_pos))


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
    """Average precision: sum over score thresholds of precision times the gain in recall
    (scikit-learn's ``average_precision_score``; tied scores form one threshold)."""
    n_pos = float(np.sum(np.asarray(y_true, dtype=float)))
    if n_pos == 0:
        return float("nan")
    _, tp, predicted = score_cuts(y_true, scores)
    recall_gain = np.diff(np.r_[0.0, tp / n_pos])
    return float(np.sum(tp / predicted * recall_gain))


def best_f1_cut(y_true: Sequence[int], scores: Sequence[float]) -> float | None:
    """The threshold whose cut ``score >= threshold`` has the highest F1 (the highest such
    threshold on ties); None when there is no positive or no score.

    >>> best_f1_cut([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1])
    0.7
    """
    y = np.asarray(y_true, dtype=float)
    if len(y) == 0 or not y.any():
        return None
    thresholds, tp, predicted = score_cuts(y, scores)
    _, _, f1 = prf(tp, predicted - tp, y.sum() - tp)
    return float(thresholds[int(np.argmax(f1))])
