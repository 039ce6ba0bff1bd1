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
