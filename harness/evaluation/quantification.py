"""How much of a scored split is spun, and the cut with the best F1 expected there, from its
scores alone (no label of the scored split is read).

The validation split (``news``/validation, labelled) gives *reference* score distributions: one
for each kind of clean item, one for the spun items and, for tokens, one for the clean tokens
*near* a spun one (within :data:`NEAR` tokens of it, in the same document). For tokens the clean
kinds are the tokens of clean documents and the other (far) clean tokens of spun documents; for
documents, the clean documents. A detector that reads context scores the neighbours of a swap
higher; on validation there are ``r`` (``near_ratio``) of them per spun token, and where more is
spun, fewer (neighbours of one swap are often swaps themselves). A scored split's scores are
modelled as a mixture (:func:`estimate`):

    share of scores >= t  =  sum_k a_k * clean_k(t)  +  n * near(t)  +  c * spun_shift(t)     for every cut t

with weights ``a_k, n, c >= 0`` summing to 1 and ``n <= r * c``, ``c`` the estimated spun share
(quantification), and ``spun_shift`` the spun scores with every score's logit moved by
``shift`` <= 0: a spinner a detector was not trained on gets lower scores, the ranking kept in
large part. The bound on the neighbours is what keeps a handful of high-scoring clean tokens
from being read as neighbours of swaps that are not there (with ``n`` free, a split 1% spun
was read as 0% spun by the transformer). Weights are fitted by least squares on the share flagged at
:data:`GRID_LEVELS` cuts (a distribution matching estimator, as Forman's and Gonzalez-Castro's,
extended by the shift), with a weak pull of ``c`` towards the validation split's share
(:data:`PRIOR_WEIGHT`); the shift is the one in :data:`SHIFTS` that fits best, among those that
leave the detector at least :data:`KEPT_SEPARATION` of its separation (AUROC above one half) on
validation.

The cut (:func:`rule_cut`) is the one whose F1 under the fitted model is highest
(:func:`best_expected_f1_cut`), where the split is estimated to be spun at least as much as the
validation split; below that, the validation split's F1-optimal cut, and for tokens also where
the fit misses the split's scores by more than sampling explains (:data:`MAX_MISFIT`): text unlike
validation's, as a new domain, whose high clean scores the mixture reads as swaps. A lightly spun split moves
the model's spun share by less than the model's misfit to real scores (a few tenths of a percent
of the tokens at each cut), so its estimate cannot place the cut; where much is spun it can, and
the cut follows the spun scores down when a spinner the detector was not trained on lowers them.

>>> rng = np.random.default_rng(0)
>>> ref = reference([rng.beta(2, 8, 4000)], rng.beta(8, 2, 1000))
>>> scored = np.r_[rng.beta(2, 8, 9500), rng.beta(8, 2, 500)]     # 5% spun
>>> round(estimate(ref, scored).spun, 2)
0.05
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from harness.evaluation import metrics

# Clean tokens within this many tokens of a spun one (same document) are its neighbours.
NEAR = 8
# Spun scores' logits may sit this much lower on a scored split than on validation (0 to -4).
SHIFTS = tuple(0.0 - 0.25 * k for k in range(17))
# A shifted spun distribution must keep this share of the detector's validation AUROC above
# one half: shifted further, spun scores would pass for clean ones, and a split of clean text
# could be read as one entirely spun by a spinner the detector cannot see.
KEPT_SEPARATION = 0.5
# Cuts at which the shares flagged are compared: quantiles of the validation scores.
GRID_LEVELS = 199
# The pull of the spun share towards validation's: a share 0.1 away from it costs as much as
# a misfit of 0.0012 in the share flagged at every cut, so it decides only between fits that
# the scores hardly tell apart.
PRIOR_WEIGHT = 1.5e-4
# The token rule trusts an estimate whose misfit, in units of sampling noise (scaled_misfit), is
# at most this: validation's halves reach 1.9, so a split of news-like text passes with room.
MAX_MISFIT = 2.5
# The least spun share the cut is chosen for: at zero every cut has F1 0 and nothing would be
# flagged.
MIN_SPUN_SHARE = 0.005
_LOGIT_CLIP = 1e-4  # scores are clipped to [1e-4, 1 - 1e-4] before a logit is taken


@dataclass(frozen=True, eq=False)
class Reference:
    """Score distributions on the validation split: ``clean``, one sorted array per kind of
    clean item; ``spun``, the spun items' scores, sorted; ``near``, the scores of the clean items
    near a spun one, sorted, and ``near_ratio``, how many of them there are per spun item (empty
    and 0 for documents); ``spun_share``, the spun items' share there; ``grid``, the cuts at which
    shares are compared; ``shifts``, the shifts allowed."""

    clean: tuple[np.ndarray, ...]
    spun: np.ndarray
    near: np.ndarray
    near_ratio: float
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
    (``spun``), the spun scores' logit ``shift``, the RMS ``misfit`` of the shares flagged, and
    the share of the clean items near a spun one (``near``, at most ``spun * near_ratio``)."""

    clean: tuple[float, ...]
    spun: float
    shift: float
    misfit: float
    near: float = 0.0


def survival(sorted_scores: np.ndarray, cuts: Sequence[float]) -> np.ndarray:
    """The share of ``sorted_scores`` at or above each cut (what the cut flags).

    >>> survival(np.array([0.1, 0.4, 0.4, 0.9]), [0.0, 0.4, 0.5, 1.0])
    array([1.  , 0.75, 0.25, 0.  ])
    """
    n = len(sorted_scores)
    if n == 0:
        return np.zeros(len(cuts))
    return 1.0 - np.searchsorted(sorted_scores, np.asarray(cuts, dtype=float), side="left") / n


def reference(clean: Sequence[Sequence[float]], spun: Sequence[float], near: Sequence[float] = ()) -> Reference | None:
    """The reference distributions from validation scores: ``clean``, the scores of each kind of
    clean item; ``spun``, the spun items'; ``near``, the clean items' near a spun one (tokens: see
    :func:`near_spun`). None without a spun item or a clean one."""
    kinds = tuple(np.sort(np.asarray(k, dtype=float)) for k in clean if len(k))
    spun_sorted = np.sort(np.asarray(spun, dtype=float))
    near_sorted = np.sort(np.asarray(near, dtype=float))
    if not (kinds or len(near_sorted)) or not len(spun_sorted):
        return None
    pooled = np.concatenate([*kinds, near_sorted, spun_sorted])
    grid = np.unique(np.quantile(pooled, np.linspace(0, 1, GRID_LEVELS + 2)[1:-1]))
    all_clean = np.sort(np.concatenate([*kinds, near_sorted]))
    ratio = len(near_sorted) / len(spun_sorted)
    ref = Reference(kinds, spun_sorted, near_sorted, ratio, len(spun_sorted) / len(pooled), grid, ())
    floor = 0.5 + KEPT_SEPARATION * (_auroc(all_clean, spun_sorted) - 0.5)
    shifts = tuple(s for s in SHIFTS if s == 0 or _auroc(all_clean, ref.spun_scores(s)) >= floor)
    return Reference(kinds, spun_sorted, near_sorted, ratio, ref.spun_share, grid, shifts)


def near_spun(labels: np.ndarray, lengths: Sequence[int], within: int = NEAR) -> np.ndarray:
    """True for each clean token within ``within`` tokens of a spun one in the same document
    (``labels``: every document's token labels, concatenated; ``lengths``: tokens per document).

    >>> near_spun(np.array([0, 0, 1, 0, 0, 0, 0, 1]).astype(bool), [5, 3], within=1).astype(int)
    array([0, 1, 0, 1, 0, 0, 1, 0])
    """
    labels = np.asarray(labels, dtype=bool)
    out = np.zeros(len(labels), dtype=bool)
    kernel = np.ones(2 * within + 1)
    start = 0
    for n in lengths:
        y = labels[start:start + n]
        if y.any():
            out[start:start + n] = np.convolve(y, kernel)[within:within + n] > 0
        start += n
    return out & ~labels


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


def estimate(ref: Reference, scores: Sequence[float], prior_weight: float = PRIOR_WEIGHT) -> Estimate:
    """The mixture of ``ref``'s distributions that best reproduces the shares of ``scores``
    flagged at ``ref.grid``'s cuts, with at most ``ref.near_ratio`` neighbours per spun item (see
    the module docstring); ``prior_weight``: the pull of the spun share towards validation's.

    For each shift the least-squares problem is convex, with one constraint beyond the simplex:
    neighbours ``n <= r * c``. So its optimum is the simplex optimum with the neighbours free
    where that satisfies the constraint, and otherwise lies on ``n = r * c``: the fit of the
    bundle (spun items with their neighbours in validation's ratio)."""
    s = np.sort(np.asarray(scores, dtype=float))
    observed = survival(s, ref.grid)
    clean = [survival(k, ref.grid) for k in ref.clean]
    k, per_spun = len(clean), 1 + ref.near_ratio
    near = [survival(ref.near, ref.grid)] if len(ref.near) else []
    best = None
    for shift in ref.shifts:
        spun_column = survival(ref.spun_scores(shift), ref.grid)
        columns = np.stack([*clean, *near, spun_column], axis=1)
        w = simplex_least_squares(columns, observed, (len(columns[0]) - 1, ref.spun_share, prior_weight))
        spun, n = w[-1], (w[k] if near else 0.0)
        if n > ref.near_ratio * spun + 1e-12:
            # the bundle's weight is c * (1 + r): its column is one spun item with its neighbours,
            # and the pull on c is a pull on that weight, rescaled
            columns = np.stack([*clean, (spun_column + ref.near_ratio * near[0]) / per_spun], axis=1)
            w = simplex_least_squares(columns, observed, (k, ref.spun_share * per_spun, prior_weight / per_spun**2))
            spun = w[k] / per_spun
            n = spun * ref.near_ratio
        misfit = float(np.mean((columns @ w - observed) ** 2))
        cost = misfit + prior_weight * (spun - ref.spun_share) ** 2
        if best is None or cost < best[0] - 1e-15:
            best = (cost, Estimate(tuple(float(x) for x in w[:k]), float(spun), float(shift), float(np.sqrt(misfit)), float(n)))
    assert best is not None
    return best[1]


def expected_f1(ref: Reference, est: Estimate, cuts: Sequence[float]) -> np.ndarray:
    """F1 of each cut under the fitted mixture: expected true positives ``c * spun_shift(t)``,
    false positives ``sum_k a_k * clean_k(t) + n * near(t)``, positives ``c`` (at least
    :data:`MIN_SPUN_SHARE`)."""
    positives = max(est.spun, MIN_SPUN_SHARE)
    tp = positives * survival(ref.spun_scores(est.shift), cuts)
    fp = sum((a * survival(k, cuts) for a, k in zip(est.clean, ref.clean)), est.near * survival(ref.near, cuts))
    return metrics.prf(tp, fp, positives - tp)[2]


def best_expected_f1_cut(ref: Reference, est: Estimate, scores: Sequence[float], keep: float | None = None) -> float | None:
    """Of the cuts ``score >= t`` at each distinct score in ``scores``, the one with the highest
    :func:`expected_f1` (the highest such cut on ties), or ``keep`` when no cut beats it: where the
    model's F1 is flat (no validation score between two cuts, as often with a few hundred
    documents) the cut stays where it was rather than moving to some scored item's own score.
    None without a score."""
    cuts = np.unique(np.asarray(scores, dtype=float))[::-1]  # every distinct score, highest first
    if not len(cuts):
        return keep
    f1 = expected_f1(ref, est, cuts)
    if keep is not None and expected_f1(ref, est, [keep])[0] >= f1.max() - 1e-12:
        return float(keep)
    return float(cuts[int(np.argmax(f1))])


def scaled_misfit(est: Estimate, n: int) -> float:
    """The fit's RMS misfit to ``n`` scores, in units of sampling noise (times sqrt(n)): what a
    mixture of validation's distributions cannot explain. On ``news``/validation's halves it
    stays under 1.9 (``benchmarks/threshold_transfer.py --cross-fit``), on the held-out
    spinners' splits under 1.6; on ``unseen-domain``'s Wikipedia it reaches 7.9."""
    return est.misfit * math.sqrt(n)


def rule_cut(ref: Reference, scores: Sequence[float], keep: float, max_misfit: float | None = None) -> tuple[float, Estimate]:
    """The rule's cut on a scored split and the estimate behind it: :func:`best_expected_f1_cut`
    where the split is estimated to be spun at least as much as the validation split
    (``ref.spun_share``), else ``keep`` (the validation split's F1-optimal cut; see the module
    docstring). With ``max_misfit`` (the token rule: :data:`MAX_MISFIT`), ``keep`` also where the
    fit's :func:`scaled_misfit` exceeds it: validation's distributions do not describe the scores,
    so neither does the estimate."""
    s = np.asarray(scores, dtype=float)
    est = estimate(ref, s)
    if est.spun < ref.spun_share or (max_misfit is not None and scaled_misfit(est, len(s)) > max_misfit):
        return float(keep), est
    return best_expected_f1_cut(ref, est, s, keep=keep), est
