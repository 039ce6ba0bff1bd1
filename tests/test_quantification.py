"""The threshold rule's estimator (harness.evaluation.quantification) on scores drawn from known
distributions (seeded): it recovers the spun share and the shift it was drawn with, also where
swaps raise their neighbours' scores, agrees with the closed-form least-squares weight and with a
grid search over the constrained weights, and moves the cut the right way as the spun share
grows."""

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
    near_spun,
    reference,
    rule_cut,
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


def test_near_spun_marks_the_clean_tokens_within_reach_of_a_spun_one_in_the_same_document():
    """Against a loop over every pair of tokens."""
    rng = np.random.default_rng(0)
    for _ in range(30):
        lengths = rng.integers(0, 30, rng.integers(1, 6))
        labels = rng.random(lengths.sum()) < rng.random() * 0.3
        within = int(rng.integers(1, 5))
        doc = np.repeat(np.arange(len(lengths)), lengths)
        expected = [not labels[i] and any(labels[j] and doc[j] == doc[i] and abs(i - j) <= within for j in range(len(labels)))
                    for i in range(len(labels))]
        assert near_spun(labels, lengths, within).tolist() == expected


def context_documents(rng, n_docs, rate, spun_docs, within=2):
    """Documents of 60 tokens, ``spun_docs`` of them spun at ``rate`` of their tokens, in which
    the clean neighbours of a swap (within ``within``) score higher than other clean tokens, as a
    detector that reads context scores them: (scores, labels, lengths)."""
    scores, labels = [], []
    for _ in range(n_docs):
        y = (rng.random(60) < rate) & (rng.random() < spun_docs)
        near = near_spun(y, [60], within)
        scores.append(np.where(y, rng.beta(8, 2, 60), np.where(near, rng.beta(5, 4, 60), rng.beta(2, 8, 60))))
        labels.append(y)
    return np.concatenate(scores), np.concatenate(labels), [60] * n_docs


@pytest.fixture(scope="module")
def context_calibration():
    s, y, lengths = context_documents(np.random.default_rng(1), 800, 0.25, 0.75)
    near = near_spun(y, lengths, 2)
    in_spun = np.repeat([y[i * 60:(i + 1) * 60].any() for i in range(len(lengths))], 60)
    return reference([s[~in_spun], s[in_spun & ~y & ~near]], s[y], s[near])


@pytest.mark.parametrize(("rate", "spun_docs"), [(0.25, 0.04), (0.25, 0.12), (0.25, 0.4), (0.45, 1.0), (0.6, 1.0)])
def test_with_swaps_raising_their_neighbours_scores_the_spun_share_is_recovered_light_or_heavy(context_calibration, rate, spun_docs):
    """Calibration: 3 documents in 4 spun, at a quarter of their tokens. Neighbours bounded by
    calibration's count per spun token: a split with fewer spun documents is not read as clean
    with a few neighbours, and one spun more densely (fewer neighbours per swap, as they overlap)
    is not held down to calibration's ratio. (Swaps spread more thinly than on calibration have
    more neighbours each than the bound allows, and read as more spun than they are.)"""
    s, y, _ = context_documents(np.random.default_rng(2), 600, rate, spun_docs)
    est = estimate(context_calibration, s)
    # at 1% the pull towards calibration's share (PRIOR_WEIGHT) can be worth a few spun tokens
    # scoring lower in place of neighbours: 2.9% read here, still far below calibration's 18%
    assert est.spun == pytest.approx(y.mean(), abs=0.01 + 0.05 * y.mean() if y.mean() > 0.02 else 0.025)
    assert est.near <= context_calibration.near_ratio * est.spun + 1e-9


@pytest.mark.parametrize("seed", range(4))
def test_the_estimate_is_the_least_cost_mixture_with_neighbours_bounded(context_calibration, seed):
    """No point of a grid over the constrained weights (clean kinds, neighbours <= r * spun,
    spun; every shift) fits better than the estimate."""
    ref = context_calibration
    s, _, _ = context_documents(np.random.default_rng(10 + seed), 300, [0.02, 0.1, 0.3, 0.5][seed], 0.75)
    est = estimate(ref, s)
    observed = survival(np.sort(s), ref.grid)
    clean = [survival(k, ref.grid) for k in ref.clean]
    near = survival(ref.near, ref.grid)

    def cost(a, n, c, shift):
        model = sum(w * k for w, k in zip(a, clean)) + n * near + c * survival(ref.spun_scores(shift), ref.grid)
        return np.mean((model - observed) ** 2) + PRIOR_WEIGHT * (c - ref.spun_share) ** 2

    found = cost(est.clean, est.near, est.spun, est.shift)
    assert sum(est.clean) + est.near + est.spun == pytest.approx(1)
    steps = np.linspace(0, 1, 41)
    for shift in ref.shifts[::4]:
        for c in steps:
            for n in steps[steps <= min(ref.near_ratio * c, 1 - c) + 1e-12]:
                for a0 in steps[steps <= 1 - c - n + 1e-12]:
                    assert found <= cost((a0, 1 - c - n - a0), n, c, shift) + 1e-12


def test_the_rule_keeps_the_calibration_cut_below_calibration_s_spun_share(calibration):
    """20% spun on calibration: a split 5% spun keeps the cut given; one 40% spun gets the best
    expected-F1 cut, lower than calibration's."""
    rng = np.random.default_rng(4)
    light, _ = draws(rng, 20_000, 0.05)
    heavy, _ = draws(rng, 20_000, 0.4)
    cut, est = rule_cut(calibration, light, keep=0.6)
    assert cut == 0.6 and est.spun == pytest.approx(0.05, abs=0.01)
    cut, est = rule_cut(calibration, heavy, keep=0.6)
    assert cut == best_expected_f1_cut(calibration, est, heavy, keep=0.6) and cut < 0.6



def test_the_token_rule_keeps_the_calibration_cut_where_the_fit_misses_by_more_than_sampling_explains(calibration):
    """Clean text unlike calibration's (a new domain: every score a little higher, nothing spun)
    is read as a fifth or more spun, and fitted far worse than draws from calibration's own
    distributions ever are; the token rule keeps the cut given there, while a split spun by an
    unseen spinner that the shifts describe still gets its own cut."""
    from harness.evaluation.quantification import MAX_MISFIT, scaled_misfit

    rng = np.random.default_rng(5)
    other_domain = rng.beta(3, 7, 20_000)
    cut, est = rule_cut(calibration, other_domain, keep=0.6)
    assert est.spun > calibration.spun_share and cut < 0.4 and scaled_misfit(est, 20_000) > 1.4 * MAX_MISFIT
    assert rule_cut(calibration, other_domain, keep=0.6, max_misfit=MAX_MISFIT) == (0.6, est)
    unseen, _ = draws(rng, 20_000, 0.3, shift=-1.0)
    cut, est = rule_cut(calibration, unseen, keep=0.6, max_misfit=MAX_MISFIT)
    assert est.shift == pytest.approx(-1.0, abs=0.5) and cut < 0.6


@pytest.mark.parametrize(("n", "share"), list(itertools.product((2_000, 20_000, 200_000), (0.01, 0.2, 0.4))))
def test_draws_from_the_reference_distributions_fit_within_sampling_noise(calibration, n, share):
    """The misfit of sets drawn from calibration's own distributions, in units of sampling noise,
    stays well under MAX_MISFIT whatever their size: the scaling makes one bound serve a thousand
    tokens and a hundred thousand."""
    from harness.evaluation.quantification import MAX_MISFIT, scaled_misfit

    for seed in range(3):
        scores, _ = draws(np.random.default_rng(seed), n, share)
        assert scaled_misfit(estimate(calibration, scores), n) < 0.6 * MAX_MISFIT
