"""The bootstrap (harness/runs/bootstrap.py): resample weights, interval ends against numpy, paired
differences against a loop, the empty value of a ratio."""

import numpy as np
import pytest

from harness.runs.bootstrap import ratio, weights


def test_weights_draw_every_resample_as_many_documents_as_the_split_and_repeat_with_the_seed():
    w = weights(7, 300, seed=3)
    assert w.shape == (300, 7) and (w.sum(axis=1) == 7).all()
    assert np.array_equal(w, weights(7, 300, seed=3)) and not np.array_equal(w, weights(7, 300, seed=4))
    assert abs(w.mean() - 1.0) < 1e-12  # each document drawn once per resample on average


def test_ratio_says_what_an_empty_denominator_gives():
    assert ratio(1, 0) == 0.0 and np.isnan(ratio(1, 0, empty=float("nan")))
    assert ratio(3, 4) == 0.75
    np.testing.assert_array_equal(ratio(np.array([1.0, 2.0]), np.array([2.0, 0.0]), empty=-1.0), [0.5, -1.0])


@pytest.mark.parametrize("seed", range(5))
def test_interval_ends_match_numpy_nanpercentile(seed):
    import warnings

    from harness.runs.bootstrap import nan_percentiles

    rng = np.random.default_rng(seed)
    table = rng.random((30, 50))
    table[rng.random(table.shape) < 0.3] = np.nan
    table[3] = np.nan  # a row with no number: no interval
    table[4, 1:] = np.nan  # a row with one
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanpercentile(table, [2.5, 97.5], axis=1)
    np.testing.assert_allclose(nan_percentiles(table, (2.5, 97.5)), want, rtol=0, atol=1e-12, equal_nan=True)


def test_paired_interval_matches_a_loop_over_resamples():
    from harness.runs.bootstrap import paired_interval

    rng = np.random.default_rng(1)
    x, y = rng.random(1000), rng.random(1000)
    diffs = sorted(float(q - p) for p, q in zip(x, y))
    lo, hi = paired_interval(x, y)
    assert abs(lo - float(np.percentile(diffs, 2.5))) < 1e-12 and abs(hi - float(np.percentile(diffs, 97.5))) < 1e-12
