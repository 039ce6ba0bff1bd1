"""score_split on hand-made and random labels: false alarms, threshold-free scores, intervals."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from harness.core.dataset import GoldColumns
from harness.evaluation.scoring import score_split as score_records


def score_split(records, *args, **kwargs):
    return score_records(GoldColumns.from_records(records), *args, **kwargs)


def record(labels, spun=None, recipe="mixed"):
    spun = any(labels) if spun is None else spun
    return {"labels": labels, "is_spun": spun, "recipe": recipe if spun else "none", "spin_rate": 0.2 if spun else 0.0, "domain": "news"}


def test_false_alarms_count_clean_documents_only():
    records = [record([1, 0, 1, 0]), record([0, 0, 0, 0, 0]), record([0, 0, 0, 0, 0]), record([0] * 10)]
    scores = [[0.9, 0.9, 0.9, 0.1], [0.9, 0.1, 0.1, 0.1, 0.9], [0.1] * 5, [0.9] + [0.1] * 9]
    out = score_split(records, scores, [0.9, 0.5, 0.1, 0.5], 0.5, 0.5, n_boot=50)
    fa = out["false_alarms"]
    assert fa["clean_documents"] == 3 and fa["clean_tokens"] == 20
    assert fa["documents_flagged"]["value"] == pytest.approx(2 / 3)
    assert fa["flagged_per_1k_tokens"]["value"] == pytest.approx(1000 * 3 / 20)


@pytest.mark.parametrize("seed", range(5))
def test_token_and_document_ranking_scores_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    records, scores = [], []
    for i in range(40):
        n = int(rng.integers(1, 50))
        labels = (rng.random(n) < (0.3 if i % 4 else 0.0)).astype(int).tolist()  # every 4th is clean
        records.append(record(labels))
        scores.append(np.round(rng.random(n), 4).tolist())
    doc_scores = np.round(rng.random(40), 4).tolist()
    out = score_split(records, scores, doc_scores, 0.5, 0.5, n_boot=200, seed=seed)
    y = np.concatenate([r["labels"] for r in records])
    s = np.concatenate(scores)
    assert out["token"]["auroc"]["value"] == pytest.approx(roc_auc_score(y, s), abs=1e-6)
    assert out["token"]["auprc"]["value"] == pytest.approx(average_precision_score(y, s), abs=1e-6)
    spun = [r["is_spun"] for r in records]
    assert out["document"]["auroc"]["value"] == pytest.approx(roc_auc_score(spun, doc_scores), abs=1e-6)
    for level in ("token", "document"):
        for name in ("auroc", "auprc", "f1"):
            lo, hi = out[level][name]["ci95"]
            assert lo <= out[level][name]["value"] <= hi or lo == hi


def small_groups_split():
    """Twenty 'mixed' documents, two perfectly found 'heavy' ones and one clean one, flagged."""
    records = [record([1, 0, 0, 1, 0]) for _ in range(20)] + [record([1, 1, 0], recipe="heavy")] * 2 + [record([0, 0, 0])]
    scores = [[0.9, 0.9, 0.1, 0.1, 0.1]] * 20 + [[0.9, 0.9, 0.1]] * 2 + [[0.9, 0.1, 0.1]]
    return records, scores, [0.9] * 22 + [0.9]


def test_groups_below_the_minimum_size_get_no_interval():
    from harness.runs.bootstrap import MIN_GROUP_DOCUMENTS

    assert MIN_GROUP_DOCUMENTS == 5
    records, scores, docs = small_groups_split()
    out = score_split(records, scores, docs, 0.5, 0.5, n_boot=200)
    heavy, mixed = out["breakdown"]["recipe"]["heavy"], out["breakdown"]["recipe"]["mixed"]
    assert heavy["f1"] == {"value": 1.0, "ci95": [None, None]}
    assert mixed["f1"]["ci95"][0] is not None  # twenty documents: an interval
    fa = out["false_alarms"]
    assert fa["clean_documents"] == 1
    assert fa["documents_flagged"] == {"value": 1.0, "ci95": [None, None]}
    assert fa["flagged_per_1k_tokens"]["ci95"] == [None, None]


def test_resamples_without_the_group_are_left_out_of_its_interval(monkeypatch):
    from harness.runs import bootstrap

    monkeypatch.setattr(bootstrap, "MIN_GROUP_DOCUMENTS", 1)
    records, scores, docs = small_groups_split()
    out = score_split(records, scores, docs, 0.5, 0.5, n_boot=200)
    # Every resample that drew a heavy document found it perfectly; one that drew none says nothing.
    assert out["breakdown"]["recipe"]["heavy"]["f1"] == {"value": 1.0, "ci95": [1.0, 1.0]}
    assert out["false_alarms"]["documents_flagged"] == {"value": 1.0, "ci95": [1.0, 1.0]}


@pytest.mark.parametrize("seed", range(3))
def test_each_breakdown_group_is_scored_as_its_documents_alone(seed):
    """Every group's counts come from one product for all groups: each group's F1 and interval
    are those of its own documents' counts, resampled with the split's weights."""
    from harness.evaluation import metrics
    from harness.runs.bootstrap import MIN_GROUP_DOCUMENTS, nan_percentiles, weights

    rng = np.random.default_rng(seed)
    recipes = ["heavy", "mixed", "phrase", "rare"]
    records, scores = [], []
    for i in range(60):
        n = int(rng.integers(3, 40))
        labels = (rng.random(n) < 0.3).astype(int).tolist()
        records.append(record(labels, recipe=recipes[i % 7 % 3] if i < 58 else "rare"))  # two "rare": no interval
        scores.append(np.round(rng.random(n) * 0.6 + 0.4 * np.array(labels), 4).tolist())
    out = score_split(records, scores, [0.5] * 60, 0.5, 0.5, n_boot=300, seed=seed)
    w = weights(60, 300, seed)
    for recipe in {r["recipe"] for r in records}:
        mask = np.array([r["recipe"] == recipe for r in records])
        tok = np.array([metrics.token_counts(r["labels"], (np.array(s) >= 0.5).astype(int)) for r, s in zip(records, scores)], dtype=float)
        got = out["breakdown"]["recipe"][recipe]["f1"]
        assert got["value"] == pytest.approx(metrics.prf(*tok[mask].sum(0))[2], abs=1e-6)
        if mask.sum() < MIN_GROUP_DOCUMENTS:
            assert got["ci95"] == [None, None]
            continue
        drawn = w[:, mask].sum(axis=1) > 0
        resampled = metrics.prf(*(w[:, mask] @ tok[mask]).T)[2]
        want = nan_percentiles(np.where(drawn, resampled, np.nan)[None, :], (2.5, 97.5))[:, 0]
        assert got["ci95"] == pytest.approx(want.tolist(), abs=1e-6)


def test_token_scores_that_do_not_cover_the_tokens_are_an_error():
    records = [record([1, 0, 1]), record([0, 0])]
    with pytest.raises(ValueError, match="4 token scores for 5 gold tokens"):
        score_split(records, [[0.9, 0.1, 0.8], [0.1]], [0.9, 0.1], 0.5, 0.5, n_boot=10)
    arrays = [np.array([0.9, 0.1, 0.8]), np.array([0.1, 0.2])]
    lists = [a.tolist() for a in arrays]
    assert score_split(records, arrays, [0.9, 0.1], 0.5, 0.5, n_boot=10) == score_split(records, lists, [0.9, 0.1], 0.5, 0.5, n_boot=10)
