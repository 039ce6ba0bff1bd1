"""Metrics against trusted oracles on random label sequences: scikit-learn for token and
document scores, seqeval (strict IOB2) for strict spans."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, precision_recall_fscore_support, roc_auc_score

from harness.evaluation.metrics import auprc, auroc, prf, span_counts, span_prf_from_counts, spans, token_counts


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
