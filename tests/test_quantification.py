"""The threshold rule's estimator (harness.evaluation.quantification) on scores drawn from known
distributions (seeded): it recovers the spun share and the shift it was drawn with, agrees with
the closed-form least-squares weight, and moves the cut the right way as the spun share grows."""

import itertools

import numpy as np
import pytest

from harness.evaluation import metrics
from harness.evaluation.quantification import (
    PRIOR_WEIGHT,
    SHIFTS,
    best_expected_f1_cut,
    estimate,
    expected_f1,
    reference,
    simplex_least_squares,
    survival,
)


def shifted(p, shift):
    logit = np.log(p / (1 - p))
    return 1 / (1 + np.exp(-(logit + shift)))


def draws(rng, n, spun_share, shift=0.0):
    """``n`` scores, ``spun_share`` of them spun: clean ~ Beta(2, 8), spun ~ Beta(8, 2) moved by
    ``shift`` logits; returns (scores, labels)."""
    k = int(round(spun_share * n))
    clean, spun = rng.beta(2, 8, n - k), shifted(rng.beta(8, 2, k), shift)
    return np.r_[clean, spun], np.r_[np.zeros(n - k, bool), np.ones(k, bool)]


@pytest.fixture(scope="module")
def calibration():
    rng = np.random.default_rng(0)
    return reference([rng.beta(2, 8, 40_000)], rng.beta(8, 2, 10_000))  # 20% spun


@pytest.mark.parametrize(("share", "seed"), list(itertools.product((0.01, 0.05, 0.2, 0.4), range(3))))
def test_the_spun_share_of_a_split_drawn_from_known_distributions_is_recovered(calibration, share, seed):
    scores, _ = draws(np.random.default_rng(100 + seed), 20_000, share)
    est = estimate(calibration, scores)
    assert est.spun == pytest.approx(share, abs=0.01)
    assert est.shift == 0 or share < 0.05  # 200 spun scores cannot place the spun distribution to 0.25 logits


@pytest.mark.parametrize(("share", "shift"), [(0.05, -1.0), (0.2, -1.5), (0.4, -0.5), (0.3, -2.0)])
def test_spun_scores_sitting_lower_are_recovered_with_their_shift(calibration, share, shift):
    scores, _ = draws(np.random.default_rng(7), 20_000, share, shift)
    est = estimate(calibration, scores)
    assert est.spun == pytest.approx(share, abs=0.02)
    assert est.shift == pytest.approx(shift, abs=0.25)


def test_the_estimate_and_the_cut_move_with_the_spun_share(calibration):
    """More spun text: a higher estimate and a cut no higher (more of the split is worth flagging)."""
    rng = np.random.default_rng(3)
    shares, cuts = [], []
    for share in (0.01, 0.05, 0.1, 0.2, 0.4):
        scores, _ = draws(rng, 20_000, share)
        est = estimate(calibration, scores)
        shares.append(est.spun)
        cuts.append(best_expected_f1_cut(calibration, est, scores))
    assert shares == sorted(shares) and cuts == sorted(cuts, reverse=True)
    assert cuts[0] > cuts[-1]


@pytest.mark.parametrize("share", [0.02, 0.2, 0.4])
def test_the_cut_is_near_the_best_one(calibration, share):
    """On a split drawn from the model's own family, the estimated-F1 cut's F1 is within 0.01
    of the best cut's (an oracle that reads the labels)."""
    scores, y = draws(np.random.default_rng(11), 20_000, share, -1.0)
    cut = best_expected_f1_cut(calibration, estimate(calibration, scores), scores)
    best = metrics.best_f1_cut(y, scores)

    def f1(t):
        flags = scores >= t
        return metrics.prf((flags & y).sum(), (flags & ~y).sum(), (~flags & y).sum())[2]

    assert f1(cut) >= f1(best) - 0.01


@pytest.mark.parametrize("seed", range(10))
def test_two_component_weights_are_the_closed_form_least_squares_weight(seed):
    """With two columns the weight on the second is clip((mean(d*r) + l*c0) / (mean(d*d) + l), 0, 1),
    d = second - first, r = target - first: the simplex solver must give exactly that."""
    rng = np.random.default_rng(seed)
    a, b = np.sort(rng.random(50))[::-1], np.sort(rng.random(50))[::-1]
    target = np.clip((1 - rng.random() * 1.4) * a + rng.random() * 1.4 * b + rng.normal(0, 0.02, 50), 0, 1)
    d, r = b - a, target - a
    for prior in (None, (1, rng.random(), PRIOR_WEIGHT), (1, rng.random(), 0.5)):
        weight, value = (0.0, 0.0) if prior is None else (prior[2], prior[1])
        closed = np.clip((np.mean(d * r) + weight * value) / (np.mean(d * d) + weight), 0, 1)
        w = simplex_least_squares(np.stack([a, b], axis=1), target, prior)
        assert w == pytest.approx([1 - closed, closed], abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_three_component_weights_beat_every_point_of_a_simplex_grid(seed):
    rng = np.random.default_rng(seed)
    columns = np.sort(rng.random((40, 3)), axis=0)[::-1]
    target = np.clip(columns @ rng.dirichlet([1, 1, 1]) + rng.normal(0, 0.05, 40), 0, 1)

    def cost(w):
        return np.mean((columns @ w - target) ** 2) + PRIOR_WEIGHT * (w[2] - 0.2) ** 2

    w = simplex_least_squares(columns, target, (2, 0.2, PRIOR_WEIGHT))
    assert (w >= 0).all() and w.sum() == pytest.approx(1)
    steps = np.linspace(0, 1, 51)
    grid = [np.array([x, y, 1 - x - y]) for x in steps for y in steps if x + y <= 1 + 1e-12]
    assert cost(w) <= min(cost(np.clip(g, 0, None)) for g in grid) + 1e-12


def test_expected_f1_is_the_f1_of_the_mixture_it_describes(calibration):
    """With the true shares, the model's F1 at a cut is the F1 of a large split drawn from it."""
    rng = np.random.default_rng(5)
    scores, y = draws(rng, 200_000, 0.1)
    est = estimate(calibration, scores)
    cuts = np.array([0.3, 0.5, 0.7])
    actual = [metrics.prf(((scores >= t) & y).sum(), ((scores >= t) & ~y).sum(), ((scores < t) & y).sum())[2] for t in cuts]
    assert expected_f1(calibration, est, cuts) == pytest.approx(actual, abs=0.01)


def test_survival_is_the_share_at_or_above_each_cut():
    rng = np.random.default_rng(0)
    s = np.round(rng.random(300), 2)
    cuts = np.linspace(0, 1, 23)
    assert survival(np.sort(s), cuts) == pytest.approx([np.mean(s >= t) for t in cuts])
    assert survival(np.zeros(0), cuts).tolist() == [0.0] * len(cuts)


def test_shifts_that_would_make_spun_scores_pass_for_clean_ones_are_not_tried():
    rng = np.random.default_rng(0)
    sharp = reference([rng.beta(1, 30, 5000)], rng.beta(30, 1, 1000))
    weak = reference([rng.beta(4, 6, 5000)], rng.beta(6, 4, 1000))
    constant = reference([np.ones(50)], np.ones(10))
    assert sharp.shifts == SHIFTS  # far apart: even -4 logits leaves them apart
    assert 0 in weak.shifts and len(weak.shifts) < len(SHIFTS)
    assert constant.shifts == (0,)
    assert reference([[]], [0.5]) is None and reference([[0.1]], []) is None


def test_a_detector_with_one_score_gets_that_score_as_its_cut():
    """all-spun: every score is 1, so the only cut flags everything."""
    ref = reference([np.ones(500)], np.ones(100))
    scores = np.ones(300)
    assert best_expected_f1_cut(ref, estimate(ref, scores), scores) == 1.0
