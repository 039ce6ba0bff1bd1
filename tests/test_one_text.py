"""The token cut for one text scored alone (harness/evaluation/one_text.py): estimated from the
text's own scores where it is long enough and clearly more spun than validation, shared by
``spinbench detect``, a scored set of one document and the per-document view of the scores."""

import numpy as np
import pytest

from harness.core.dataset import GoldColumns
from harness.evaluation import metrics, one_text
from harness.evaluation.contract import doc_scores_from_tokens
from harness.evaluation.predictions import score_by_rule
from harness.evaluation.scoring import score_split
from harness.evaluation.thresholds import choose_thresholds

CLEAN, SPUN = (2, 6), (5, 2)  # Beta parameters of clean and spun tokens' scores: they overlap


def document(rng, n: int, share: float) -> tuple[np.ndarray, np.ndarray]:
    """(labels, scores) of one text of ``n`` tokens, ``share`` of them spun (at random places)."""
    labels = np.zeros(n, dtype=bool)
    labels[rng.choice(n, int(round(share * n)), replace=False)] = True
    scores = np.where(labels, rng.beta(*SPUN, n), rng.beta(*CLEAN, n)).round(4)
    return labels, scores


def synthetic_calibration(seed: int = 0):
    """Thresholds chosen on a made-up calibration split about 5% spun: a third of its documents
    clean, the others 4-12% spun."""
    rng = np.random.default_rng(seed)
    records, tokens = [], []
    for i in range(150):
        labels, scores = document(rng, 300, 0.0 if i % 3 == 0 else rng.uniform(0.04, 0.12))
        records.append({"id": str(i), "labels": labels.astype(int).tolist(), "is_spun": bool(labels.any()), "recipe": "x",
                        "spin_rate": float(labels.mean()), "domain": "news", "regime": "clean" if i % 3 == 0 else "whole"})
        tokens.append(scores.tolist())
    return choose_thresholds(GoldColumns.from_records(records), tokens, doc_scores_from_tokens(tokens))


@pytest.fixture(scope="module")
def thresholds():
    return synthetic_calibration()


def f1_at(labels, scores, cut):
    flags = scores >= cut
    return float(metrics.prf((flags & labels).sum(), (flags & ~labels).sum(), (~flags & labels).sum())[2])


@pytest.mark.parametrize("seed", [0, 1])
def test_a_long_text_gets_a_cut_from_its_own_spun_share(thresholds, seed):
    rng = np.random.default_rng(100 + seed)
    cuts = {}
    for share in (0.01, 0.10, 0.30):
        labels, scores = document(rng, 3000, share)
        cut = one_text.one_text_cut(thresholds, scores, doc_scores_from_tokens([scores])[0])
        cuts[share] = cut
        if share == 0.01:  # lighter than validation (about 5%): its cut is kept, and the output says why
            assert cut.reason in (one_text.READ_AS_CLEAN, one_text.LIGHTER) and cut.cut == thresholds.validation_token
            unread = one_text.one_text_cut(thresholds, scores)  # no document score: the estimate decides
            assert unread.reason == one_text.LIGHTER and unread.spun_share == pytest.approx(share, abs=0.02)
            assert f"about {unread.spun_share:.1%} spun, not clearly more than news/validation (5." in unread.describe()
        else:  # heavier: the cut moves down with the share, to near the best cut for the text
            assert cut.reason == one_text.ESTIMATED and cut.spun_share == pytest.approx(share, abs=0.03)
            best = f1_at(labels, scores, metrics.best_f1_cut(labels, scores))
            assert f1_at(labels, scores, cut.cut) >= best - 0.03 > f1_at(labels, scores, thresholds.validation_token) - 0.03
            assert cut.cut < thresholds.validation_token
            assert f"estimated from this text: about {cut.spun_share:.1%} spun" in cut.describe()
    assert cuts[0.30].cut < cuts[0.10].cut


def test_a_text_under_the_length_floor_keeps_the_validation_cut(thresholds):
    labels, scores = document(np.random.default_rng(7), 4000, 0.3)
    floor = one_text.MIN_TEXT_TOKENS
    short = one_text.one_text_cut(thresholds, scores[: floor - 1])
    assert (short.reason, short.cut, short.spun_share) == (one_text.TOO_SHORT, thresholds.validation_token, None)
    assert f"too short to estimate from ({floor - 1:,} tokens; {floor:,} or more are)" in short.describe()
    assert one_text.one_text_cut(thresholds, scores[:floor]).reason == one_text.ESTIMATED
    # the margin the estimate must lead validation's share by falls with length
    assert one_text.margin(floor) > one_text.margin(4 * floor) == pytest.approx(one_text.margin(floor) / 2)


def test_a_text_the_detector_reads_as_clean_keeps_the_validation_cut(thresholds):
    _, scores = document(np.random.default_rng(8), 3000, 0.3)
    cut = one_text.one_text_cut(thresholds, scores, doc_score=thresholds.validation_document - 0.01)
    assert (cut.reason, cut.cut) == (one_text.READ_AS_CLEAN, thresholds.validation_token)
    assert one_text.one_text_cut(thresholds, scores, doc_score=thresholds.validation_document).reason == one_text.ESTIMATED


def test_thresholds_without_the_references_give_their_own_cut(thresholds):
    from harness.evaluation.scoring import Thresholds

    given = Thresholds.override(thresholds, 0.42, None)
    cut = one_text.one_text_cut(given, np.full(500, 0.9))
    assert (cut.cut, cut.reason) == (0.42, one_text.AS_GIVEN)


def test_a_scored_set_of_one_document_is_cut_as_one_text(thresholds):
    labels, scores = document(np.random.default_rng(9), 2000, 0.3)
    doc_score = doc_scores_from_tokens([scores])[0]
    applied = thresholds.for_split([scores.tolist()], [doc_score])
    cut = one_text.one_text_cut(thresholds, scores, doc_score)
    assert applied.token == cut.cut < thresholds.validation_token
    assert applied.token_spun_share == pytest.approx(cut.spun_share)


def test_the_per_document_f1_is_the_mean_over_spun_documents_each_at_its_own_cut(thresholds):
    rng = np.random.default_rng(11)
    records, tokens, labels_all = [], [], []
    for i, (n, share) in enumerate([(150, 0.3), (600, 0.0), (800, 0.02), (1200, 0.3), (900, 0.15), (400, 0.25), (700, 0.4)]):
        labels, scores = document(rng, n, share)
        records.append({"id": str(i), "labels": labels.astype(int).tolist(), "is_spun": bool(labels.any()), "recipe": "x",
                        "spin_rate": share, "domain": "news", "regime": "whole"})
        tokens.append(scores.tolist())
        labels_all.append(labels)
    truth, docs = GoldColumns.from_records(records), doc_scores_from_tokens(tokens)
    _, scores = score_by_rule(truth, tokens, docs, thresholds, n_boot=200, seed=0)
    # a plain loop: each spun document's F1 at the cut one_text_cut gives it alone, averaged
    per_doc = [f1_at(y, np.asarray(s), one_text.one_text_cut(thresholds, s, d).cut) for y, s, d in zip(labels_all, tokens, docs) if y.any()]
    block = scores["per_document"]
    assert block["spun_documents"] == len(per_doc) == 6
    assert block["token_f1"]["value"] == pytest.approx(np.mean(per_doc), abs=1e-6)
    lo, hi = block["token_f1"]["ci95"]
    assert lo <= block["token_f1"]["value"] <= hi
    # every document at one cut, when none is given: the pooled cut's per-document view
    same = score_split(truth, tokens, docs, 0.5, 0.5, n_boot=10)["per_document"]["token_f1"]["value"]
    assert same == pytest.approx(np.mean([f1_at(y, np.asarray(s), 0.5) for y, s in zip(labels_all, tokens) if y.any()]), abs=1e-6)


def test_a_text_s_spun_scores_are_read_at_most_a_logit_lower_than_validation_s(thresholds):
    labels, scores = document(np.random.default_rng(12), 3000, 0.3)
    logit = np.log(scores.clip(1e-4, 1 - 1e-4) / (1 - scores.clip(1e-4, 1 - 1e-4)))
    lowered = np.where(labels, 1 / (1 + np.exp(-(logit - 1.5))), scores).round(4)  # an unseen spinner's swaps
    cut = one_text.one_text_cut(thresholds, lowered)
    assert cut.reason == one_text.ESTIMATED and cut.shift == -one_text.TEXT_MAX_SHIFT
    # a set of documents may read them lower (here two copies of the text)
    assert thresholds.for_split([lowered.tolist()] * 2, [0.9, 0.9]).token_shift < -one_text.TEXT_MAX_SHIFT
