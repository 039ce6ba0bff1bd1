"""Metrics against trusted oracles on random label sequences: scikit-learn for token and
document scores, seqeval (strict IOB2) for strict spans."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score

from harness.evaluation.metrics import auprc, auroc, best_f1_cut, matched_share_cut, prf, span_counts, span_prf_from_counts, spans, token_counts


def random_docs(rng, n_docs=30):
    gold, pred = [], []
    for _ in range(n_docs):
        n = int(rng.integers(1, 60))
        gold.append(list((rng.random(n) < rng.uniform(0, 0.5)).astype(int)))
        pred.append(list((rng.random(n) < rng.uniform(0, 0.5)).astype(int)))
    return gold, pred


def iob(labels):
    out = []
    for i, v in enumerate(labels):
        out.append("O" if not v else ("I-S" if i and labels[i - 1] else "B-S"))
    return out


@pytest.mark.parametrize("seed", range(25))
def test_token_prf_matches_sklearn(seed):
    gold, pred = random_docs(np.random.default_rng(seed))
    counts = np.sum([token_counts(g, p) for g, p in zip(gold, pred)], axis=0)
    ours = prf(*counts)
    flat_g = [x for d in gold for x in d]
    flat_p = [x for d in pred for x in d]
    p, r, f, _ = precision_recall_fscore_support(flat_g, flat_p, average="binary", zero_division=0)
    assert ours == pytest.approx((p, r, f))


@pytest.mark.parametrize("seed", range(25))
def test_strict_span_prf_matches_seqeval(seed):
    from seqeval.metrics import f1_score, precision_score, recall_score
    from seqeval.scheme import IOB2

    gold, pred = random_docs(np.random.default_rng(100 + seed))
    total = {}
    for g, p in zip(gold, pred):
        for k, v in span_counts(g, p).items():
            total[k] = total.get(k, 0) + v
    ours = span_prf_from_counts(total)["strict"]
    yt, yp = [iob(g) for g in gold], [iob(p) for p in pred]
    kw = dict(mode="strict", scheme=IOB2, zero_division=0)
    assert ours == pytest.approx((precision_score(yt, yp, **kw), recall_score(yt, yp, **kw), f1_score(yt, yp, **kw)))


def test_partial_spans_count_overlaps():
    gold = [0, 1, 1, 1, 0, 0, 1, 0]
    pred = [0, 0, 1, 0, 0, 1, 1, 1]
    c = span_counts(gold, pred)
    assert c == {"gold": 2, "pred": 2, "strict": 0, "partial_gold": 2, "partial_pred": 2}
    assert span_prf_from_counts(c)["partial"] == (1.0, 1.0, 1.0)
    assert span_prf_from_counts(c)["strict"] == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("seed", range(25))
def test_document_auroc_and_auprc_match_sklearn(seed):
    rng = np.random.default_rng(200 + seed)
    n = int(rng.integers(5, 300))
    y = (rng.random(n) < 0.7).astype(int)
    y[0], y[1] = 0, 1
    scores = np.round(rng.random(n) * 10) / 10  # many ties
    assert auroc(y, scores) == pytest.approx(roc_auc_score(y, scores))
    assert auprc(y, scores) == pytest.approx(average_precision_score(y, scores))


def test_spans_edges():
    assert spans([]) == [] and spans([1]) == [(0, 1)] and spans([0, 0]) == []
    assert spans([1, 1, 0, 1]) == [(0, 2), (3, 4)]


def test_zero_denominators_are_zero_not_nan():
    assert prf(0, 0, 0) == (0.0, 0.0, 0.0)
    assert np.isnan(auroc([1, 1], [0.2, 0.3]))


def _reference_spans(labels):
    out, start = [], None
    for i, v in enumerate(list(labels) + [0]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            out.append((start, i))
            start = None
    return out


@pytest.mark.parametrize("seed", range(25))
def test_counts_of_many_documents_at_once_match_one_by_one(seed):
    """Documents end to end (some empty, spans touching the boundaries) give the same counts as
    a plain per-document reference."""
    from harness.evaluation.metrics import span_counts_by_doc, token_counts_by_doc

    rng = np.random.default_rng(300 + seed)
    gold, pred = random_docs(rng, n_docs=20)
    gold.insert(3, [])
    pred.insert(3, [])
    gold[0][-1:] = [1]
    gold[1][:1] = [1]  # a span ends and another starts across a document boundary
    offsets = np.r_[0, np.cumsum([len(g) for g in gold])]
    flat_g, flat_p = np.concatenate(gold), np.concatenate(pred)
    tok = token_counts_by_doc(flat_g, flat_p, offsets)
    spn = span_counts_by_doc(flat_g, flat_p, offsets)
    for d, (g, p) in enumerate(zip(gold, pred)):
        gs, ps = _reference_spans(g), _reference_spans(p)
        assert tuple(tok[d]) == (sum(a and b for a, b in zip(g, p)), sum(b and not a for a, b in zip(g, p)), sum(a and not b for a, b in zip(g, p)))
        expected = (len(gs), len(ps), len(set(gs) & set(ps)), sum(any(p[s:e]) for s, e in gs), sum(any(g[s:e]) for s, e in ps))
        assert tuple(spn[d]) == expected


@pytest.mark.parametrize("seed", range(15))
def test_resampled_ranking_scores_match_sklearn_with_sample_weights(seed):
    from harness.evaluation.metrics import ranking_scores

    rng = np.random.default_rng(400 + seed)
    n_groups = 12
    groups = rng.integers(0, n_groups, size=300)
    y = (rng.random(300) < 0.3).astype(int)
    y[:2] = [0, 1]
    scores = np.round(rng.random(300), 2)  # ties
    weights = rng.integers(0, 4, size=(5, n_groups)).astype(float)
    weights[:, groups[0]] += 1
    weights[:, groups[1]] += 1
    roc, ap = ranking_scores(y, scores, groups, weights)
    for b in range(len(weights)):
        w = weights[b][groups]
        assert roc[b] == pytest.approx(roc_auc_score(y, scores, sample_weight=w))
        assert ap[b] == pytest.approx(average_precision_score(y, scores, sample_weight=w))


def test_binned_ranking_scores_are_exact_with_enough_bins_and_close_with_fewer():
    from harness.evaluation.metrics import ranking_scores

    rng = np.random.default_rng(7)
    y = (rng.random(5000) < 0.2).astype(int)
    scores = np.round(np.clip(rng.normal(0.3 + 0.3 * y, 0.2), 0, 1), 4)
    groups = rng.integers(0, 50, size=5000)
    weights = rng.integers(0, 3, size=(20, 50)).astype(float)
    exact = ranking_scores(y, scores, groups, weights)
    assert np.allclose(ranking_scores(y, scores, groups, weights, bins=100_000), exact)
    binned = ranking_scores(y, scores, groups, weights, bins=1024)
    assert np.abs(binned[0] - exact[0]).max() < 1e-3 and np.abs(binned[1] - exact[1]).max() < 3e-3


@pytest.mark.parametrize("seed", range(10))
def test_precision_recall_curve_matches_sklearn(seed):
    from sklearn.metrics import precision_recall_curve as sk_curve

    from harness.evaluation.metrics import precision_recall_curve

    rng = np.random.default_rng(seed)
    y = (rng.random(300) < 0.3).astype(int)
    s = np.round(rng.random(300), 2)  # ties, as real detectors give
    thresholds, precision, recall = precision_recall_curve(y, s)
    sk_p, sk_r, sk_t = sk_curve(y, s)  # increasing thresholds, with a final (1, 0) point
    assert thresholds == pytest.approx(sk_t[::-1])
    assert precision == pytest.approx(sk_p[:-1][::-1])
    assert recall == pytest.approx(sk_r[:-1][::-1])


@pytest.mark.parametrize("seed", range(10))
def test_calibration_bins_match_sklearn(seed):
    from sklearn.calibration import calibration_curve

    from harness.evaluation.metrics import calibration_bins

    rng = np.random.default_rng(seed)
    s = np.r_[np.round(rng.random(200), 1), [0.0, 1.0, 0.5]]  # edges included
    y = (rng.random(len(s)) < s).astype(int)
    mean_score, observed, count = calibration_bins(y, s, n_bins=10)
    sk_true, sk_pred = calibration_curve(y, s, n_bins=10, strategy="uniform")
    assert observed == pytest.approx(sk_true) and mean_score == pytest.approx(sk_pred)
    assert count.sum() == len(s)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("margin", [0.0, 0.02, 0.1])
def test_best_f1_cut_against_sklearn_f1_at_every_cut(seed, margin):
    """The chosen cut is, by brute force over every distinct score with scikit-learn's F1, the
    highest cut of maximal F1 (margin 0) or the lowest cut within ``margin`` of it."""
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 60)
    y[0] = 1
    s = np.round(rng.random(60) * 0.6 + 0.4 * y, 2)  # ties on purpose
    cuts = np.unique(s)
    f1 = np.array([f1_score(y, s >= c, zero_division=0) for c in cuts])
    want = cuts[f1 == f1.max()].max() if margin == 0 else cuts[f1 >= f1.max() - margin].min()
    assert best_f1_cut(y, s, margin=margin) == pytest.approx(want)
    assert best_f1_cut(y, s, margin=margin) <= best_f1_cut(y, s)


def test_best_f1_cut_without_positives_is_none():
    assert best_f1_cut([0, 0], [0.3, 0.9], margin=0.02) is None
    assert best_f1_cut([], []) is None


@pytest.mark.parametrize("seed", range(20))
def test_matched_share_cut_flags_the_nearest_share_by_brute_force(seed):
    rng = np.random.default_rng(seed)
    s = np.round(rng.random(int(rng.integers(1, 80))), 1)  # many ties
    share = float(rng.random())
    cut = matched_share_cut(s, share)
    best = min(abs(np.mean(s >= c) - share) for c in np.unique(s))
    assert abs(np.mean(s >= cut) - share) == pytest.approx(best)
    assert matched_share_cut([], 0.3) is None


def _sklearn_tpr_at(y, s, fpr, weight=None):
    """The ROC curve read at ``fpr``: the highest TPR among operating points with FPR <= fpr."""
    from sklearn.metrics import roc_curve

    f, t, _ = roc_curve(y, s, sample_weight=weight, drop_intermediate=False)
    return float(t[f <= fpr + 1e-12].max())


@pytest.mark.parametrize("seed", range(20))
def test_tpr_at_low_fpr_matches_sklearn(seed):
    from harness.evaluation.metrics import level_counts, tpr_at_fpr

    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 400))
    y = rng.random(n) < rng.uniform(0.1, 0.9)
    y[:2] = [True, False]
    s = np.round(rng.random(n) + 0.5 * y, int(rng.integers(1, 4)))  # ties at every precision
    for fpr in (0.0, 0.01, 0.05, 0.2):
        assert tpr_at_fpr(*level_counts(y, s), fpr)[0] == pytest.approx(_sklearn_tpr_at(y, s, fpr))


@pytest.mark.parametrize("seed", range(5))
def test_resampled_tpr_at_low_fpr_matches_sklearn_with_sample_weights(seed):
    from harness.evaluation.metrics import level_counts, tpr_at_fpr

    rng = np.random.default_rng(seed)
    groups = np.repeat(np.arange(30), 10)
    y = rng.random(300) < 0.3
    y[:2] = [True, False]
    s = np.round(rng.random(300) + 0.4 * y, 2)
    weights = rng.integers(0, 3, size=(4, 30)).astype(float)
    weights[:, 0] = 1  # the group holding a positive and a negative is always drawn
    got = tpr_at_fpr(*level_counts(y, s, groups, weights), 0.05)
    for row, w in zip(got, weights):
        assert row == pytest.approx(_sklearn_tpr_at(y, s, 0.05, w[groups]))


@pytest.mark.parametrize("seed", range(5))
def test_auroc_from_misordered_pairs_is_auroc_from_levels(seed):
    from harness.evaluation.metrics import auroc_from_levels, auroc_from_misordered

    rng = np.random.default_rng(seed)
    tp_at, fp_at = rng.poisson(2, (8, 30)).astype(float), rng.poisson(3, (8, 30)).astype(float)
    tp_at[0] = 0  # a row without a positive: NaN
    half = np.cumsum(fp_at, axis=1) - 0.5 * fp_at
    misordered = (tp_at * half).sum(axis=1)
    got = auroc_from_misordered(misordered, tp_at.sum(axis=1), fp_at.sum(axis=1))
    np.testing.assert_array_equal(got, auroc_from_levels(tp_at, fp_at))
    assert np.isnan(got[0])
