"""Bootstrap intervals over documents, for every score of both tracks.

A resample draws the split's documents with replacement (seeded); every score is a ratio of sums
over documents, so a resample is a weighted sum of document rows, and all resamples at once are
one product with a (resamples x documents) matrix of weights (:func:`weights`). Intervals are
95% percentile intervals (:class:`Intervals`). A group's interval (a breakdown group, the clean
documents, an edit kind) leaves out the resamples that drew none of its documents, and a group
of fewer than :data:`MIN_GROUP_DOCUMENTS` documents has none (:func:`group_resamples`).

>>> w = weights(3, 2, seed=0)
>>> w.shape, w.sum(axis=1).tolist()
((2, 3), [3.0, 3.0])
>>> ratio([1, 1], [2, 0]), ratio([1, 1], [2, 0], empty=float("nan"))
(array([0.5, 0. ]), array([0.5, nan]))
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

DEFAULT_RESAMPLES = 1000  # the leaderboards'
# The (resamples x documents) weight matrix must fit in memory: 100,000 resamples of the largest
# split is about 2 GB.
MAX_RESAMPLES = 100_000
# Below this many documents, a group's interval describes the resampling more than the model
# (one document gives an interval from 0 to its own score): the group gets none.
MIN_GROUP_DOCUMENTS = 5


def ratio(num, den, empty: float = 0.0):
    """``num / den``, ``empty`` where ``den`` is 0; scalars give floats, arrays (resamples) arrays.

    ``empty=0.0`` is the convention of precision, recall and F1 (scikit-learn's
    ``zero_division=0``); ``empty=nan`` says "no value", and a resample with none is left out of
    its interval (:class:`Intervals`).
    """
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(den > 0, num / np.where(den > 0, den, 1.0), empty)
    return float(out) if out.ndim == 0 else out


def weights(n_docs: int, n_boot: int, seed: int) -> np.ndarray:
    """(resamples x documents): how often each document is drawn in each bootstrap resample. The
    same ``(n_docs, n_boot, seed)`` draws the same documents, so two models scored on one split
    are resampled alike (:func:`paired_interval`)."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_docs, size=(n_boot, n_docs))
    flat = (idx + np.arange(n_boot)[:, None] * n_docs).ravel()
    return np.bincount(flat, minlength=n_boot * n_docs).reshape(n_boot, n_docs).astype(float)


def group_resamples(w: np.ndarray, mask: np.ndarray, drawn: np.ndarray | None = None) -> np.ndarray:
    """Which resamples hold at least one of the group's documents (``mask``): the others have no
    value for it, rather than a value of 0. None of them when the group is too small for an
    interval. ``drawn``: each resample's draws of the group's documents, when counted already."""
    if mask.sum() < MIN_GROUP_DOCUMENTS:
        return np.zeros(len(w), dtype=bool)
    return (w[:, mask].sum(axis=1) if drawn is None else drawn) > 0


def left_out(boot: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """``boot`` with NaN in the resamples not kept (NaN resamples are out of the interval)."""
    return boot if keep is None else np.where(keep, boot, np.nan)


def nan_percentiles(table: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """``np.nanpercentile(table, qs, axis=1)`` (linear interpolation), every row at once: NaN
    where a row has no number.

    >>> nan_percentiles(np.array([[1.0, 2.0, 3.0], [np.nan, 4.0, np.nan]]), [50]).tolist()
    [[2.0, 4.0]]
    """
    ordered = np.sort(table, axis=1)  # NaN sort last
    count = np.sum(~np.isnan(table), axis=1)
    out = np.full((len(qs), len(table)), np.nan)
    rows = np.nonzero(count)[0]
    for i, q in enumerate(qs):
        pos = q / 100 * (count[rows] - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, count[rows] - 1)
        a, b = ordered[rows, lo], ordered[rows, hi]
        out[i, rows] = a + (b - a) * (pos - lo)
    return out


class Intervals:
    """Collects (point, resampled values) pairs as the scores are built, then computes every 95%
    percentile interval in one call (:meth:`fill`; NaN resamples left out).

    >>> ci = Intervals()
    >>> m = ci.metric(0.5, np.array([0.4, 0.5, 0.6]))
    >>> ci.fill(); m
    {'value': 0.5, 'ci95': [0.405, 0.595]}
    """

    def __init__(self):
        self._pending: list[tuple[dict, np.ndarray]] = []

    def metric(self, point: float | None, boot: np.ndarray) -> dict:
        """``{"value", "ci95"}`` for a score (``value`` None where ``point`` is None or NaN); the
        interval is filled in by :meth:`fill`."""
        value = None if point is None or math.isnan(point) else round(float(point), 6)
        out = {"value": value, "ci95": [None, None]}
        self._pending.append((out, np.asarray(boot, dtype=float)))
        return out

    def fill(self) -> None:
        if not self._pending:
            return
        width = max(len(b) for _, b in self._pending)
        table = np.full((len(self._pending), width), np.nan)
        for i, (_, boot) in enumerate(self._pending):
            table[i, : len(boot)] = boot
        ends = nan_percentiles(table, (2.5, 97.5))
        for (out, _), lo, hi in zip(self._pending, *ends):
            if not math.isnan(lo):
                out["ci95"] = [round(float(lo), 6), round(float(hi), 6)]
        self._pending.clear()


def paired_interval(a: Sequence[float], b: Sequence[float], level: float = 0.95) -> tuple[float, float]:
    """The percentile interval of ``b - a`` over paired bootstrap resamples (the same resampled
    documents for both, as sacrebleu's paired bootstrap): ``b`` is better than ``a`` at this
    level when the interval lies above 0.

    >>> paired_interval([0.5, 0.6, 0.7], [0.6, 0.7, 0.8])
    (0.1, 0.1)
    """
    d = np.asarray(b, dtype=float) - np.asarray(a, dtype=float)
    tail = (1 - level) / 2 * 100
    lo, hi = np.percentile(d, [tail, 100 - tail])
    return round(float(lo), 12), round(float(hi), 12)
