"""score_split on hand-made and random labels: false alarms, threshold-free scores, intervals."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from harness.core.dataset import GoldColumns
from harness.evaluation.scoring import Thresholds
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


def test_thresholds_given_by_hand_say_so():
    base = Thresholds(0.4, 0.6, "news/validation")
    assert Thresholds.override(base, 0.3, None) == Thresholds(0.3, 0.6, "token: given; document: news/validation")
    assert Thresholds.override(None, 0.3, 0.2).chosen_on == "given"


def test_thresholds_chosen_on_validation_carry_their_shares_and_move_to_match_them():
    """Chosen where F1 is best on the calibration split; on another split, moved to flag the same
    shares of its tokens and documents, whatever its scores' scale."""
    from harness.evaluation.scoring import choose_thresholds

    rng = np.random.default_rng(0)
    records, scores = [], []
    for i in range(60):
        labels = (rng.random(40) < (0.25 if i % 4 else 0.0)).astype(int)
        records.append(record(labels.tolist()))
        scores.append((0.5 * labels + 0.5 * rng.random(40)).tolist())
    doc_scores = [0.3 + 0.5 * r["is_spun"] + 0.2 * rng.random() for r in records]
    chosen = choose_thresholds(GoldColumns.from_records(records), scores, doc_scores)
    flat = np.concatenate(scores)
    assert chosen.token_share == pytest.approx(np.mean(flat >= chosen.token))
    assert chosen.document_share == pytest.approx(np.mean(np.asarray(doc_scores) >= chosen.document))
    shrunk = [list(0.2 * np.asarray(s)) for s in scores]  # the same ranking, every score lower
    moved = chosen.matched(shrunk, [0.2 * d for d in doc_scores])
    assert moved.token == pytest.approx(0.2 * chosen.token) and moved.document == pytest.approx(0.2 * chosen.document)
    assert (moved.token_share, moved.chosen_on) == (chosen.token_share, chosen.chosen_on)
    assert Thresholds.from_json(moved.to_json()) == moved


def test_thresholds_given_by_hand_are_not_moved():
    base = Thresholds(0.4, 0.6, "news/validation", 0.5, 0.5)
    half = Thresholds.override(base, 0.3, None)
    assert half.token_share is None and half.document_share == 0.5
    moved = half.matched([[0.1, 0.2, 0.3, 0.4]], [0.1, 0.9])
    assert moved.token == 0.3 and moved.document == 0.9
    assert Thresholds.override(base, 0.3, 0.2).matched([[0.1]], [0.1]) == Thresholds(0.3, 0.2, "given")
    assert "token_share" not in Thresholds(0.3, 0.2, "given").to_json()


@pytest.mark.parametrize("seed", range(5))
def test_interval_ends_match_numpy_nanpercentile(seed):
    import warnings

    from harness.evaluation.scoring import _nan_percentiles

    rng = np.random.default_rng(seed)
    table = rng.random((30, 50))
    table[rng.random(table.shape) < 0.3] = np.nan
    table[3] = np.nan  # a row with no number: no interval
    table[4, 1:] = np.nan  # a row with one
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = np.nanpercentile(table, [2.5, 97.5], axis=1)
    np.testing.assert_allclose(_nan_percentiles(table, (2.5, 97.5)), want, rtol=0, atol=1e-12, equal_nan=True)


def small_groups_split():
    """Twenty 'mixed' documents, two perfectly found 'heavy' ones and one clean one, flagged."""
    records = [record([1, 0, 0, 1, 0]) for _ in range(20)] + [record([1, 1, 0], recipe="heavy")] * 2 + [record([0, 0, 0])]
    scores = [[0.9, 0.9, 0.1, 0.1, 0.1]] * 20 + [[0.9, 0.9, 0.1]] * 2 + [[0.9, 0.1, 0.1]]
    return records, scores, [0.9] * 22 + [0.9]


def test_groups_below_the_minimum_size_get_no_interval():
    from harness.evaluation.scoring import MIN_GROUP_DOCUMENTS

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
    from harness.evaluation import scoring

    monkeypatch.setattr(scoring, "MIN_GROUP_DOCUMENTS", 1, raising=False)
    records, scores, docs = small_groups_split()
    out = score_split(records, scores, docs, 0.5, 0.5, n_boot=200)
    # Every resample that drew a heavy document found it perfectly; one that drew none says nothing.
    assert out["breakdown"]["recipe"]["heavy"]["f1"] == {"value": 1.0, "ci95": [1.0, 1.0]}
    assert out["false_alarms"]["documents_flagged"] == {"value": 1.0, "ci95": [1.0, 1.0]}
