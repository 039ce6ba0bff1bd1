"""The data revision of issues 18 and 19: spin regimes, lexical splits, spinner personalities and
article agreement, each checked on the spinner directly and on a build of the fixture sources."""

import json
import random
from collections import Counter

import pytest
from test_spin_alignment import _Scripted

from harness.core.configs import CLEAN_REGIME, REGIME_SHARES, REGIMES, SEEN_RECIPES, SPARSE_EDITS
from harness.core.dataset import load
from harness.core.lexical import analyses, indefinite_article
from harness.core.tokens import tokenize
from harness.corpus.align import align_texts
from harness.corpus.planning import plan_document
from harness.corpus.spin.base import Proposal
from harness.corpus.spin.lexical_split import LexicalSide, side_of
from harness.corpus.spin.personality import Personality
from harness.corpus.spin.spinner import Spinner, recorded_labels


def _spin(text, proposals, **kw):
    return Spinner([_Scripted(proposals)], **kw).spin(text, 1.0, random.Random(0))


# -- regimes -----------------------------------------------------------------------------------

def test_regimes_are_planned_in_their_shares_and_by_source_article_only():
    plans = [plan_document(f"s/{i}", 0, SEEN_RECIPES) for i in range(4000)]
    shares = Counter(p.regime for p in plans)
    for regime in REGIMES:
        assert abs(shares[regime] / len(plans) - REGIME_SHARES[regime]) < 0.03, regime
    assert all(p.spun == (p.regime != CLEAN_REGIME) for p in plans)
    assert all(SPARSE_EDITS[0] <= p.max_edits <= SPARSE_EDITS[1] for p in plans if p.regime == "sparse")
    # the same article gets the same plan whatever recipes a config has (held-out configs keep news/test's regimes)
    assert [plan_document(f"s/{i}", 0, {"glove": None}).regime for i in range(50)] == [p.regime for p in plans[:50]]


def test_a_partial_document_is_spun_only_where_asked_and_a_sparse_one_at_most_max_edits():
    from harness.corpus.build import partial_mask

    text = "The river rose quickly.\n\nFarmers moved their animals to higher ground.\n\nThe council opened two large shelters."
    tokens = tokenize(text)
    proposals = [Proposal(i, i + 1, f"x{i}", "scripted") for i, t in enumerate(tokens) if t.text.isalpha()]
    where = partial_mask(text, tokens, 1, random.Random(4))
    inside = {i for i, w in enumerate(where) if w}
    assert inside and len(inside) < len(tokens)
    spun = Spinner([_Scripted(proposals)]).spin(text, 1.0, random.Random(0), tokens=tokens, where=where)
    changed = {e.original_char_start for e in spun.edits}
    assert changed and changed <= {tokens[i].start for i in inside}
    sparse = Spinner([_Scripted(proposals)]).spin(text, 1.0, random.Random(0), max_edits=2)
    assert len(sparse.edits) == 2


def test_built_records_say_their_regime_and_spinner(tiny_dataset):
    seen = Counter()
    for config in ("news", "unseen-domain", "third-party-spinner"):
        for r in load(config, "test", dataset=tiny_dataset).records:
            seen[r["regime"]] += 1
            assert r["regime"] in REGIMES
            assert (r["regime"] == CLEAN_REGIME) == (not r["is_spun"]) == (r["spinner"] == "")
            if r["is_spun"]:
                habits = Personality(**json.loads(r["spinner"]))
                assert habits.recipe == r["recipe"]
            if r["regime"] == "sparse":
                assert len(r["edits"]) <= SPARSE_EDITS[1] or config == "third-party-spinner"


def test_scores_are_broken_down_by_regime_against_the_clean_documents():
    import numpy as np

    from harness.core.dataset import GoldColumns
    from harness.evaluation.scoring import score_split

    rng = np.random.default_rng(0)
    records = []
    for i in range(60):
        regime = ["clean", "whole", "sparse"][i % 3]
        labels = [0] * 50 if regime == "clean" else [int(rng.random() < (0.3 if regime == "whole" else 0.04)) for _ in range(50)]
        labels[0] = labels[0] or int(regime != "clean")
        records.append({"id": str(i), "labels": labels, "is_spun": regime != "clean", "recipe": "r", "spin_rate": 0.1, "domain": "d", "regime": regime})
    truth = GoldColumns.from_records(records)
    token_scores = [[0.8 if y else 0.2 for y in r["labels"]] for r in records]
    # documents: whole ones score high, sparse ones as the clean ones (a detector blind to them)
    doc_scores = [0.9 if r["regime"] == "whole" else 0.1 + 0.001 * i for i, r in enumerate(records)]
    s = score_split(truth, token_scores, doc_scores, 0.5, 0.5, n_boot=50)
    assert set(s["regimes"]) == {"whole", "sparse"}
    assert s["regimes"]["whole"]["document"]["auroc"]["value"] == 1.0
    assert s["regimes"]["whole"]["document"]["tpr_at_1pct_fpr"]["value"] == 1.0
    assert s["regimes"]["sparse"]["document"]["auroc"]["value"] < 0.8
    assert s["regimes"]["sparse"]["token"]["auroc"]["value"] == 1.0  # its tokens are still ranked right
    assert s["breakdown"]["regime"]["sparse"]["documents"] == 20


# -- lexical split -----------------------------------------------------------------------------

def test_the_two_sides_share_only_the_shared_band():
    train, held = LexicalSide("train"), LexicalSide("held-out")
    words = [f"w{i}" for i in range(3000)]
    for key in ("big", "in addition"):
        a, b = set(train.rewrites(key, tuple(words))), set(held.rewrites(key, tuple(words)))
        assert a | b == set(words)
        assert a & b == {w for w in words if side_of(0, key, w) == "shared"}
        assert not {w for w in a if side_of(0, key, w) == "held-out"} and not {w for w in b if side_of(0, key, w) == "train"}
    # multiword pairs share a narrower band
    one = sum(side_of(0, "big", w) == "shared" for w in words) / len(words)
    multi = sum(side_of(0, "in addition", w) == "shared" for w in words) / len(words)
    assert multi < one / 2


def test_a_content_word_engine_uses_only_its_sides_pairs(paragraphs):
    from harness.corpus.spin import engine
    from harness.corpus.spin.base import inflected

    thesaurus = engine("thesaurus")
    tokens = tokenize(" ".join(paragraphs[:4]))
    for side in ("train", "held-out"):
        allow, rng = LexicalSide(side), random.Random(1)
        proposals = [p for i in range(len(tokens)) if (p := thesaurus.propose_at(tokens, i, rng, allow))]
        assert len(proposals) > 10
        for p in proposals:
            usable = set()
            for upos, lemma, tag in analyses(tokens[p.start].text):
                usable.update(f.lower() for f in inflected(allow.rewrites(lemma, tuple(thesaurus.synonyms(lemma, upos))), upos, tag))
            assert p.replacement.lower() in usable, p


def test_build_stats_measure_edits_seen_in_train(tiny_dataset):
    from harness.core.files import read_build_stats

    stats = read_build_stats(tiny_dataset)["configs"]["news"]
    assert stats["train"]["profile"]["seen_in_train"] is None  # not measured against itself
    for split in ("validation", "test"):
        seen = stats[split]["profile"]["seen_in_train"]
        assert seen is None or 0.0 <= seen < 1.0


# -- article agreement ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "proposal", "spun"), [
    ("She ate a big apple today.", (3, 4, "enormous"), "She ate an enormous apple today."),
    ("It was an old house there.", (3, 4, "big"), "It was a big house there."),
    ("We saw an ugly dog there.", (3, 4, "unsightly"), "We saw an unsightly dog there."),  # agrees already
    ("It was a very old house.", (3, 4, ""), "It was an old house."),  # a deletion
    ("It was an old house.", (3, 3, "very"), "It was a very old house."),  # an insertion
])
def test_a_and_an_agree_with_the_word_that_now_follows(text, proposal, spun):
    result = _spin(text, [Proposal(*proposal, "scripted")])
    assert result.spun == spun
    alignment = align_texts(text, result.spun)
    assert alignment.labels == recorded_labels(alignment.tokens, result.edits)
    off = _spin(text, [Proposal(*proposal, "scripted")], fix_articles=False)
    tokens = [t.text for t in tokenize(off.spun)]
    if result.spun != off.spun:  # without the fix the article disagrees
        i = next(i for i, t in enumerate(tokens) if t in ("a", "an") and tokenize(text)[i].text in ("a", "an"))
        assert indefinite_article(tokens[i + 1]) != tokens[i]


def test_the_profile_counts_new_article_errors_only():
    from harness.corpus.realism import article_errors

    assert article_errors(["an", "hour", "and", "a", "unicorn"], [1, 1, 0, 1, 1]) == 0
    assert article_errors(["a", "apple"], [0, 0]) == 0  # the original's own error: not new
    assert article_errors(["a", "apple"], [0, 1]) == 1


# -- personalities -------------------------------------------------------------------------------

def test_a_personality_changes_the_engines_habits():
    from harness.corpus.spin import personal_engine, recipe_spinner

    shy = Personality("mixed", phrases=0.6, function_words=0.5, mean_drop=-0.5, cluster=0.3)
    bold = Personality("mixed", phrases=1.5, function_words=1.5, mean_drop=0.1, cluster=0.7)
    a, b = personal_engine("phrasebook", shy), personal_engine("phrasebook", bold)
    assert a.function_word_rate < b.function_word_rate and a.insert_rate < b.insert_rate and a.mean_drop < b.mean_drop
    assert personal_engine("thesaurus", shy).mean_drop == -0.5
    assert personal_engine("phrasebook", shy) is a  # shared per habits: caches kept
    assert recipe_spinner(SEEN_RECIPES["mixed"], bold).cluster == 0.7


def test_documents_get_different_personalities(tiny_dataset):
    spinners = [r["spinner"] for r in load("news", "train", dataset=tiny_dataset).records if r["is_spun"]]
    assert len(set(spinners)) > len(spinners) / 2


def test_regime_scores_equal_scikit_learn_on_the_regime_and_the_clean_documents():
    import numpy as np
    from sklearn.metrics import roc_auc_score, roc_curve

    from harness.core.dataset import GoldColumns
    from harness.evaluation.scoring import score_split

    rng = np.random.default_rng(3)
    regimes = rng.choice(["clean", "whole", "sparse", "partial"], size=80)
    records, token_scores = [], []
    for i, regime in enumerate(regimes):
        n = int(rng.integers(20, 60))
        labels = [0] * n if regime == "clean" else [int(rng.random() < {"whole": 0.3, "sparse": 0.03, "partial": 0.1}[regime]) for _ in range(n)]
        if regime != "clean":
            labels[int(rng.integers(n))] = 1
        records.append({"id": str(i), "labels": labels, "is_spun": regime != "clean", "recipe": "r", "spin_rate": 0.1, "domain": "d", "regime": regime})
        token_scores.append(np.round(rng.random(n) * 0.6 + 0.4 * np.array(labels), 4).tolist())
    doc_scores = np.round([max(t) * 0.5 + rng.random() * 0.5 for t in token_scores], 4)
    s = score_split(GoldColumns.from_records(records), token_scores, doc_scores, 0.5, 0.5, n_boot=20)
    for regime in ("whole", "sparse", "partial"):
        docs = np.isin(regimes, ["clean", regime])
        y = (regimes[docs] != "clean").astype(int)
        assert s["regimes"][regime]["document"]["auroc"]["value"] == pytest.approx(roc_auc_score(y, doc_scores[docs]), abs=1e-6)
        fpr, tpr, _ = roc_curve(y, doc_scores[docs])
        assert s["regimes"][regime]["document"]["tpr_at_5pct_fpr"]["value"] == pytest.approx(tpr[fpr <= 0.05].max(), abs=1e-6)
        ty = np.concatenate([np.array(r["labels"])[np.array(r["labels"]) == 1] if r["regime"] == regime else np.array(r["labels"])
                             for r in records if r["regime"] in ("clean", regime)])
        ts = np.concatenate([np.array(t)[np.array(r["labels"]) == 1] if r["regime"] == regime else np.array(t)
                             for r, t in zip(records, token_scores) if r["regime"] in ("clean", regime)])
        assert s["regimes"][regime]["token"]["auroc"]["value"] == pytest.approx(roc_auc_score(ty, ts), abs=1e-6)


@pytest.mark.parametrize("open_ended", [False, True])  # True: the later spins of a training original
def test_the_phrasebook_uses_only_its_sides_rules(paragraphs, open_ended):
    from harness.corpus.spin import engine
    from harness.corpus.spin.phrase_sources import rule_id

    phrasebook = engine("phrasebook", open_ended=open_ended)
    tokens = tokenize(" ".join(paragraphs))
    keys = [t.text.lower() for t in tokens]
    for side, allowed in (("train", {"train", "shared"}), ("held-out", {"held-out", "shared"})):
        allow = LexicalSide(side)
        proposals = [p for seed in range(5) for p in phrasebook.propose(tokens, random.Random(seed), allow) if p.start < p.end and p.replacement]
        assert len(proposals) > 20
        for p in proposals:
            key = tuple(keys[p.start : p.end])
            base = rule_id(key, p.replacement.lower()).split("->", 1)
            # a hand-written rule is judged as written, a derived one by its uninflected form
            assert side_of(0, " ".join(key), p.replacement.lower()) in allowed or side_of(0, *base) in allowed, p


def test_the_printed_summary_shows_each_regime_against_the_clean_documents():
    from pathlib import Path

    from harness.evaluation.results import read_results

    res = read_results(Path(__file__).resolve().parent.parent / "results" / "lexicon" / "news.json")
    text = res.summary()
    assert "each regime's documents against the clean ones" in text
    sparse = next(line for line in text.splitlines() if line.strip().startswith("sparse") and "[" in line and "AUROC" not in line and line.count("[") == 4)
    assert f"{res.scores['regimes']['sparse']['document']['auroc']['value']:.3f}" in sparse
