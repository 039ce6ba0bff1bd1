"""How much of a scored split is spun, and the cut with the best F1 expected there, from its
scores alone (no label of the scored split is read).

The calibration split (``news``/validation, labelled) gives *reference* score distributions: one
for each kind of clean item and one for the spun items. For tokens the clean kinds are the tokens
of clean documents and the clean tokens of spun documents (a detector that reads context scores
the neighbours of a swap higher, so the two differ, and their mix changes with how much of a
split is spun); for documents, the clean documents. A scored split's scores are modelled as a
mixture of those distributions (:func:`estimate`):

    share of scores >= t  =  sum_k a_k * clean_k(t)  +  c * spun_shift(t)     for every cut t

with weights ``a_k, c >= 0`` summing to 1, ``c`` the estimated spun share (quantification), and
``spun_shift`` the spun scores with every score's logit moved by ``shift`` <= 0: a spinner a
detector was not trained on gets lower scores, the ranking kept in large part. Weights are
fitted by least squares on the share flagged at :data:`GRID_LEVELS` cuts (a distribution
matching estimator, as Forman's and Gonzalez-Castro's, extended by the shift), with a weak pull of
``c`` towards the calibration split's share (:data:`PRIOR_WEIGHT`) for when scores cannot tell a
lightly spun split from a heavily spun one whose swaps score low; the shift is the one in
:data:`SHIFTS` that fits best, among those that leave the detector at least
:data:`KEPT_SEPARATION` of its separation (AUROC above one half) on calibration. The cut is then
the one whose F1 under the fitted model is highest (:func:`best_expected_f1_cut`; the calibration
cut when none is higher).

>>> rng = np.random.default_rng(0)
>>> ref = reference([rng.beta(2, 8, 4000)], rng.beta(8, 2, 1000))
>>> scored = np.r_[rng.beta(2, 8, 9500), rng.beta(8, 2, 500)]     # 5% spun
>>> round(estimate(ref, scored).spun, 2)
0.05
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from harness.evaluation import metrics

# Spun scores' logits may sit this much lower on a scored split than on calibration (0 to -4).
SHIFTS = tuple(0.0 - 0.25 * k for k in range(17))
# A shifted spun distribution must keep this share of the detector's calibration AUROC above
# one half: shifted further, spun scores would pass for clean ones, and a split of clean text
# could be read as one entirely spun by a spinner the detector cannot see.
KEPT_SEPARATION = 0.5
# Cuts at which the shares flagged are compared: quantiles of the calibration scores.
GRID_LEVELS = 199
# The pull of the spun share towards calibration's: a share 0.1 away from it costs as much as
# a misfit of 0.0012 in the share flagged at every cut, so it decides only between fits that
# the scores hardly tell apart.
PRIOR_WEIGHT = 1.5e-4
# The least spun share the cut is chosen for: at zero every cut has F1 0 and nothing would be
# flagged.
MIN_SPUN_SHARE = 0.005
_LOGIT_CLIP = 1e-4  # scores are clipped to [1e-4, 1 - 1e-4] before a logit is taken


@dataclass(frozen=True, eq=False)
class Reference:
    """Score distributions on the calibration split: ``clean``, one sorted array per kind of
    clean item; ``spun``, the spun items' scores, sorted; ``spun_share``, their share there;
    ``grid``, the cuts at which shares are compared; ``shifts``, the shifts allowed."""

    clean: tuple[np.ndarray, ...]
    spun: np.ndarray
    spun_share: float
    grid: np.ndarray
    shifts: tuple[float, ...]

    def spun_scores(self, shift: float) -> np.ndarray:
        """The spun scores with every logit moved by ``shift`` (still sorted: the move keeps order)."""
        if shift == 0:
            return self.spun
        p = np.clip(self.spun, _LOGIT_CLIP, 1 - _LOGIT_CLIP)
        return 1 / (1 + np.exp(-(np.log(p / (1 - p)) + shift)))


@dataclass(frozen=True)
class Estimate:
    """A scored split's fitted mixture: the share of each clean kind (``clean``), the spun share
    (``spun``), the spun scores' logit ``shift``, and the RMS ``misfit`` of the shares flagged."""

    clean: tuple[float, ...]
    spun: float
    shift: float
    misfit: float


def survival(sorted_scores: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """The share of ``sorted_scores`` at or above each cut (what the cut flags).

    >>> survival(np.array([0.1, 0.4, 0.4, 0.9]), [0.0, 0.4, 0.5, 1.0])
    array([1.  , 0.75, 0.25, 0.  ])
    """
    n = len(sorted_scores)
    if n == 0:
        return np.zeros(len(cuts))
    return 1.0 - np.searchsorted(sorted_scores, np.asarray(cuts, dtype=float), side="left") / n


def reference(clean: Sequence[Sequence[float]], spun: Sequence[float]) -> Reference | None:
    """The reference distributions from calibration scores: ``clean``, the scores of each kind of
    clean item; ``spun``, the spun items'. None without a spun item or a clean one."""
    kinds = tuple(np.sort(np.asarray(k, dtype=float)) for k in clean if len(k))
    spun_sorted = np.sort(np.asarray(spun, dtype=float))
    if not kinds or not len(spun_sorted):
        return None
    pooled = np.concatenate([*kinds, spun_sorted])
    grid = np.unique(np.quantile(pooled, np.linspace(0, 1, GRID_LEVELS + 2)[1:-1]))
    all_clean = np.sort(np.concatenate(kinds))
    ref = Reference(kinds, spun_sorted, len(spun_sorted) / len(pooled), grid, ())
    floor = 0.5 + KEPT_SEPARATION * (_auroc(all_clean, spun_sorted) - 0.5)
    shifts = tuple(s for s in SHIFTS if s == 0 or _auroc(all_clean, ref.spun_scores(s)) >= floor)
    return Reference(kinds, spun_sorted, ref.spun_share, grid, shifts)


def _auroc(clean_sorted: np.ndarray, spun: np.ndarray) -> float:
    """P(spun score > clean score), ties counted half."""
    below = np.searchsorted(clean_sorted, spun, side="left")
    at_or_below = np.searchsorted(clean_sorted, spun, side="right")
    return float(np.mean(below + at_or_below) / (2 * len(clean_sorted)))


def simplex_least_squares(columns: np.ndarray, target: np.ndarray, prior: tuple[int, float, float] | None = None) -> np.ndarray:
    """Weights ``w >= 0`` summing to 1 that minimise ``mean((columns @ w - target)**2)``, plus
    ``weight * (w[i] - value)**2`` with ``prior = (i, value, weight)``: exactly, by solving the
    equality-constrained problem on every support and keeping the best feasible solution (few
    columns: 2**k - 1 supports).

    >>> simplex_least_squares(np.array([[0.0, 1.0], [0.0, 1.0]]), np.array([0.3, 0.3]))
    array([0.7, 0.3])
    """
    columns, target = np.atleast_2d(np.asarray(columns, dtype=float)), np.asarray(target, dtype=float)
    k = columns.shape[1]
    rows, rhs = columns / np.sqrt(len(target)), target / np.sqrt(len(target))
    if prior is not None:
        i, value, weight = prior
        rows = np.vstack([rows, np.sqrt(weight) * np.eye(k)[i]])
        rhs = np.r_[rhs, np.sqrt(weight) * value]
    best, best_cost = np.full(k, 1.0 / k), np.inf
    for size in range(1, k + 1):
        for support in combinations(range(k), size):
            m = rows[:, support]
            # minimise |m v - rhs|^2 with sum(v) = 1: the KKT system, solved in the least-squares sense
            kkt = np.block([[2 * m.T @ m, np.ones((size, 1))], [np.ones((1, size)), np.zeros((1, 1))]])
            v = np.linalg.lstsq(kkt, np.r_[2 * m.T @ rhs, 1.0], rcond=None)[0][:size]
            if (v < -1e-12).any():
                continue
            w = np.zeros(k)
            w[list(support)] = np.clip(v, 0, None)
            w /= w.sum()
            cost = float(np.sum((rows @ w - rhs) ** 2))
            if cost < best_cost - 1e-15:
                best, best_cost = w, cost
    return best


def estimate(ref: Reference, scores: Sequence[float]) -> Estimate:
    """The mixture of ``ref``'s distributions that best reproduces the shares of ``scores``
    flagged at ``ref.grid``'s cuts (see the module docstring)."""
    s = np.sort(np.asarray(scores, dtype=float))
    observed = survival(s, ref.grid)
    clean = [survival(k, ref.grid) for k in ref.clean]
    spun_index = len(clean)
    best = None
    for shift in ref.shifts:
        columns = np.stack([*clean, survival(ref.spun_scores(shift), ref.grid)], axis=1)
        w = simplex_least_squares(columns, observed, (spun_index, ref.spun_share, PRIOR_WEIGHT))
        misfit = float(np.mean((columns @ w - observed) ** 2))
        cost = misfit + PRIOR_WEIGHT * (w[spun_index] - ref.spun_share) ** 2
        if best is None or cost < best[0] - 1e-15:
            best = (cost, Estimate(tuple(float(x) for x in w[:spun_index]), float(w[spun_index]), float(shift), float(np.sqrt(misfit))))
    assert best is not None
    return best[1]


def expected_f1(ref: Reference, est: Estimate, cuts: Sequence[float]) -> np.ndarray:
    """F1 of each cut under the fitted mixture: expected true positives ``c * spun_shift(t)``,
    false positives ``sum_k a_k * clean_k(t)``, positives ``c`` (at least :data:`MIN_SPUN_SHARE`)."""
    positives = max(est.spun, MIN_SPUN_SHARE)
    tp = positives * survival(ref.spun_scores(est.shift), cuts)
    fp = sum((a * survival(k, cuts) for a, k in zip(est.clean, ref.clean)), np.zeros(len(cuts)))
    return metrics.prf(tp, fp, positives - tp)[2]


def best_expected_f1_cut(ref: Reference, est: Estimate, scores: Sequence[float], keep: float | None = None) -> float | None:
    """Of the cuts ``score >= t`` at each distinct score in ``scores``, the one with the highest
    :func:`expected_f1` (the highest such cut on ties), or ``keep`` when no cut beats it: where the
    model's F1 is flat (no calibration score between two cuts, as often with a few hundred
    documents) the cut stays where it was rather than moving to some scored item's own score.
    None without a score."""
    cuts, _, _ = metrics.score_cuts(np.zeros(len(scores)), scores)
    if not len(cuts):
        return keep
    f1 = expected_f1(ref, est, cuts)
    if keep is not None and expected_f1(ref, est, [keep])[0] >= f1.max() - 1e-12:
        return float(keep)
    return float(cuts[int(np.argmax(f1))])
