"""The threshold rule (harness/evaluation/thresholds.py): cuts chosen on validation, moved to a scored split from its
scores alone, thresholds given by hand, records of older rules."""

import numpy as np
import pytest

from harness.core.dataset import GoldColumns
from harness.evaluation.scoring import score_split as score_records
from harness.evaluation.thresholds import Thresholds


def score_split(records, *args, **kwargs):
    return score_records(GoldColumns.from_records(records), *args, **kwargs)


def record(labels, spun=None, recipe="mixed"):
    spun = any(labels) if spun is None else spun
    return {"labels": labels, "is_spun": spun, "recipe": recipe if spun else "none", "spin_rate": 0.2 if spun else 0.0, "domain": "news"}


def test_thresholds_given_by_hand_say_so():
    base = Thresholds(0.4, 0.6, "news/validation")
    assert Thresholds.override(base, 0.3, None) == Thresholds(0.3, 0.6, "token: given; document: news/validation")
    assert Thresholds.override(None, 0.3, 0.2).chosen_on == "given"


def validation_like(rng, n_docs=80, spun_share=0.3, clean_docs=0.25, shift=0.0):
    """Documents of 40 tokens, a quarter clean, spun tokens scoring high (moved down by ``shift``
    logits), and document scores to match: (records, token scores, document scores)."""
    records, scores, docs = [], [], []
    for _ in range(n_docs):
        spun = rng.random() >= clean_docs
        labels = (rng.random(40) < spun_share).astype(int) if spun else np.zeros(40, int)
        records.append(record(labels.tolist(), spun=bool(labels.any())))
        s = np.where(labels == 1, rng.beta(8, 2, 40), rng.beta(2, 8, 40))
        s = np.where(labels == 1, 1 / (1 + np.exp(-(np.log(s / (1 - s)) + shift))), s)
        scores.append(np.round(s, 4).tolist())
        docs.append(round(float(np.clip(0.3 + 0.5 * labels.any() + 0.2 * rng.random() + 0.1 * shift, 0, 1)), 4))
    return records, scores, docs


def chosen_on_validation(seed=0):
    from harness.evaluation.thresholds import choose_thresholds

    records, scores, docs = validation_like(np.random.default_rng(seed), n_docs=400)
    return choose_thresholds(GoldColumns.from_records(records), scores, docs), records, scores, docs


def test_chosen_thresholds_are_the_validation_optimum_with_the_rule_s_references():
    from harness.evaluation.metrics import best_f1_cut
    from harness.evaluation.thresholds import RULE_NAME

    chosen, records, scores, docs = chosen_on_validation()
    gold = GoldColumns.from_records(records)
    assert chosen.token == chosen.validation_token == best_f1_cut(gold.labels, np.concatenate(scores))
    assert chosen.document == chosen.validation_document == best_f1_cut(gold.is_spun, docs)
    assert chosen.rule == RULE_NAME and chosen.token_reference is not None and chosen.document_reference is not None
    assert len(chosen.token_reference.clean) == 2  # tokens of clean documents; clean tokens of spun ones
    record_ = chosen.to_json()
    assert "token_reference" not in record_ and Thresholds.from_json(record_) == chosen


@pytest.mark.parametrize(("spun_share", "clean_docs", "shift"), [(0.1, 0.8, 0.0), (0.3, 0.25, 0.0), (0.45, 0.0, 0.0), (0.3, 0.25, -2.0)])
def test_for_split_the_rule_estimates_its_spun_share_and_cuts_near_the_best_f1(spun_share, clean_docs, shift):
    """Spun at least as much as calibration (22% of tokens), the cut is near the best one; spun
    less (the first case: 2.5%), the estimate is still made and reported, and the calibration cut
    is kept."""
    from harness.evaluation.metrics import best_f1_cut, prf

    chosen = chosen_on_validation()[0]
    records, scores, docs = validation_like(np.random.default_rng(1), n_docs=300, spun_share=spun_share, clean_docs=clean_docs, shift=shift)
    applied = chosen.for_split(scores, docs)
    y, s = GoldColumns.from_records(records).labels.astype(bool), np.concatenate(scores)
    assert applied.token_spun_share == pytest.approx(y.mean(), abs=0.03)
    assert applied.token_shift == pytest.approx(shift, abs=0.5) or y.mean() < 0.05  # a few dozen spun tokens cannot place their distribution
    f1 = lambda t: prf(((s >= t) & y).sum(), ((s >= t) & ~y).sum(), ((s < t) & y).sum())[2]  # noqa: E731
    described = applied.describe()
    head, token_line, document_line = described.split("\n")
    moved = [unit for unit, a, c in (("token", applied.token, chosen.validation_token), ("document", applied.document, chosen.validation_document)) if a != c]
    how = ("news/validation's cuts, kept by the rule (which reads this split's scores, not its labels)" if not moved
           else "set by the rule from this split's scores (not its labels)" if len(moved) == 2
           else f"the {moved[0]} cut set by the rule from this split's scores (not its labels); the "
                f"{'document' if moved[0] == 'token' else 'token'} cut is news/validation's")
    assert head == f"thresholds token {applied.token:.4f}, document {applied.document:.4f}, {how}"
    assert token_line.startswith(f"  tokens: about {applied.token_spun_share:.1%} spun") and document_line.startswith("  documents: about ")
    if applied.token_spun_share < chosen.token_reference.spun_share:
        share = f"{chosen.token_reference.spun_share:.1%}"
        assert applied.token == chosen.validation_token and f"kept: estimated less spun than news/validation ({share})" in token_line
        # read back from a file, the reference is gone and so is which reason held
        assert "or no cut scores better" in Thresholds.from_json(applied.to_json()).describe()
    else:
        assert f1(applied.token) >= f1(best_f1_cut(y, s)) - 0.05
    assert (applied.validation_token, applied.rule, applied.chosen_on) == (chosen.validation_token, chosen.rule, chosen.chosen_on)
    assert "spun" in applied.describe() and Thresholds.from_json(applied.to_json()) == applied


def test_a_split_too_small_to_estimate_from_keeps_the_validation_cuts():
    from harness.evaluation.thresholds import MIN_DOCUMENTS, MIN_TOKENS

    chosen = chosen_on_validation()[0]
    _, scores, docs = validation_like(np.random.default_rng(2), n_docs=MIN_DOCUMENTS - 1, shift=-2.0)
    applied = chosen.for_split(scores, docs)
    assert (applied.token, applied.document) == (chosen.validation_token, chosen.validation_document)
    assert applied.token_spun_share is None and applied.document_spun_share is None
    assert "too few to estimate from" in applied.describe() and "from this split's scores" not in applied.describe()
    _, scores, docs = validation_like(np.random.default_rng(2), n_docs=max(MIN_DOCUMENTS, MIN_TOKENS // 40 + 1), shift=-2.0)
    assert chosen.for_split(scores, docs).token_spun_share is not None and chosen.for_split(scores, docs).document_spun_share is not None
    one_long_text = [[s for doc in scores for s in doc] * (1 + MIN_TOKENS // (40 * MIN_DOCUMENTS))]
    assert len(one_long_text[0]) >= MIN_TOKENS and chosen.for_split(one_long_text, [0.9]).token == chosen.validation_token  # one text: kept


def test_the_rule_reads_no_label_of_the_scored_split(tmp_path):
    """The same predictions scored against labels flipped every way give the same thresholds
    (and other scores)."""
    from types import SimpleNamespace

    from harness.evaluation.predictions import score_predictions_file, write_predictions

    chosen = chosen_on_validation()[0]
    records, scores, docs = validation_like(np.random.default_rng(3), n_docs=60)
    ids = [str(i) for i in range(len(records))]
    path = tmp_path / "p.predictions.jsonl.gz"
    write_predictions(path, {"config": "news", "split": "test"}, ids, scores, docs)
    rng = np.random.default_rng(4)
    flipped = [{**r, "labels": (1 - np.asarray(r["labels"])).tolist() if i % 2 else rng.permutation(r["labels"]).tolist(), "is_spun": not r["is_spun"]}
               for i, r in enumerate(records)]
    seen = []
    for recs in (records, flipped):
        gold = SimpleNamespace(config="news", split="test", fingerprint=None, gold=GoldColumns.from_records([{**r, "id": i} for r, i in zip(recs, ids)]))
        seen.append(score_predictions_file(path, gold, 20, 0, chosen))
    assert seen[0].thresholds == seen[1].thresholds and seen[0].thresholds.token_spun_share is not None
    assert seen[0].scores["token"]["f1"] != seen[1].scores["token"]["f1"]


def test_thresholds_recorded_by_the_rule_before_are_read_as_not_this_rule_s():
    old = {"token": 0.38, "document": 0.81, "chosen_on": "news/validation", "token_share": 0.26, "document_share": 0.75,
           "validation_token": 0.37, "validation_document": 0.83}
    t = Thresholds.from_json(old)
    assert t.rule is None and (t.token, t.validation_token) == (0.38, 0.37)
    assert "token_share" not in t.to_json() and "as recorded" in t.describe()
    assert t.for_split([[0.1, 0.9]] * 30, [0.5] * 30) == t  # no reference: nothing to move them with


def test_thresholds_given_by_hand_are_not_moved():
    chosen = chosen_on_validation()[0]
    _, scores, docs = validation_like(np.random.default_rng(5), n_docs=60, shift=-2.0)
    half = Thresholds.override(chosen, 0.3, None)
    assert half.validation_token is None and half.validation_document == chosen.validation_document
    moved = half.for_split(scores, docs)
    assert moved.token == 0.3 and moved.token_spun_share is None and moved.document_spun_share is not None
    assert moved.document == chosen.for_split(scores, docs).document
    assert Thresholds.override(chosen, 0.3, 0.2).for_split(scores, docs) == Thresholds(0.3, 0.2, "given")
    assert Thresholds(0.3, 0.2, "given").to_json() == {"token": 0.3, "document": 0.2, "chosen_on": "given"}


def test_a_cut_kept_for_the_misfit_says_so_live_and_read_back_from_a_file():
    """The misfit guard's reason is recorded (``token_misfit``), so a results file read back names
    it too, not the generic "estimated less spun, or no cut scores better"."""
    import dataclasses

    from harness.evaluation.quantification import MAX_MISFIT

    chosen = chosen_on_validation()[0]
    _, scores, docs = validation_like(np.random.default_rng(4), n_docs=300)
    applied = chosen.for_split(scores, docs)
    share = chosen.token_reference.spun_share + 0.05  # more spun than validation: only the misfit keeps the cut
    kept = dataclasses.replace(applied, token=chosen.validation_token, token_spun_share=share, token_misfit=MAX_MISFIT + 1.5)
    for thresholds in (kept, Thresholds.from_json(kept.to_json())):
        token_line = thresholds.describe().split("\n")[1]
        # the cut and why first; the estimate it did not use last, said to be unused
        assert token_line.startswith(f"  tokens: news/validation's F1-optimal cut {chosen.validation_token:.4f}, kept: news/validation's score "
                                     f"distributions fit these scores poorly (misfit {MAX_MISFIT + 1.5:.1f}")
        assert token_line.endswith(f"so its estimate, about {share:.1%} spun, is not used")
        assert "or no cut scores better" not in token_line and "estimated less spun" not in token_line
    # both reasons where both held
    both = dataclasses.replace(kept, token_spun_share=chosen.token_reference.spun_share - 0.05)
    assert "estimated less spun than news/validation" in both.describe() and "; and news/validation's token score distributions" in both.describe()


def test_text_unlike_validation_keeps_both_validation_cuts():
    """Rule version 5: clean text of another domain (every token a little higher, documents
    scored like spun ones) is fitted far worse than sampling explains; the token cut is kept for
    that (version 4), and the document cut too, since document scores are made of the same token
    scores: read as nearly all spun, its estimated cut would flag every document."""
    from harness.evaluation import quantification
    from harness.evaluation.quantification import MAX_MISFIT
    from harness.evaluation.thresholds import RULE_NAME

    chosen = chosen_on_validation()[0]
    rng = np.random.default_rng(6)
    scores = [np.round(rng.beta(3, 7, 40), 4).tolist() for _ in range(1000)]
    docs = np.round(rng.uniform(0.6, 1.0, 1000), 4).tolist()  # between validation's clean (0.3-0.5) and spun (0.8-1.0)
    applied = chosen.for_split(scores, docs)
    assert RULE_NAME == "estimated-f1-v5" and applied.token_misfit > MAX_MISFIT
    assert (applied.token, applied.document) == (chosen.validation_token, chosen.validation_document)
    assert applied.document_spun_share > chosen.document_reference.spun_share  # only the misfit kept the document cut:
    estimated, _ = quantification.rule_cut(chosen.document_reference, np.asarray(docs), chosen.validation_document)
    assert estimated < chosen.validation_document - 0.1  # without it, the estimate's cut
    document_line = applied.describe().split("\n")[2]
    assert document_line.startswith(f"  documents: news/validation's F1-optimal cut {chosen.validation_document:.4f}, kept: news/validation's token "
                                    "score distributions fit this split's token scores poorly")
    # news-like text from the same distributions still moves both cuts where it is spun more
    _, scores, docs = validation_like(np.random.default_rng(7), n_docs=300, spun_share=0.5)
    applied = chosen.for_split(scores, docs)
    assert applied.token_misfit < MAX_MISFIT and applied.token != chosen.validation_token
