"""The several-spins train split (issue 25): each spun training original spun ``train_spins``
times, each spin by its own personality, plan and rate in the original's regime, the later ones
drawing from the open-ended rule sources; the lexical split holds for every spin (the open-ended phrasebook's side:
tests/test_spin_regimes.py)."""

import json
import random
from collections import defaultdict

from harness.core.configs import CONFIGS, SEEN_RECIPES
from harness.core.dataset import load
from harness.core.tokens import tokenize
from harness.corpus.build import spin_id
from harness.corpus.planning import plan_document
from harness.corpus.spin.lexical_split import LexicalSide
from harness.corpus.spin.personality import Personality, sample_personality

SPINS = CONFIGS["news"].train_spins


def _by_original(records):
    groups = defaultdict(list)
    for r in records:
        groups[r["source_id"]].append(r)
    return groups


def test_news_trains_on_several_spins_and_scores_one():
    assert SPINS >= 3
    assert all(spec.train_spins == 1 for name, spec in CONFIGS.items() if name != "news")


def test_a_spun_training_original_is_spun_several_times_each_its_own_way(tiny_dataset):
    groups = _by_original(load("news", "train", dataset=tiny_dataset).records)
    spun = {k: g for k, g in groups.items() if g[0]["is_spun"]}
    assert spun and len(spun) < len(groups)  # the fixture's train split has clean originals too
    for source_id, group in groups.items():
        if not group[0]["is_spun"]:
            assert len(group) == 1 and group[0]["regime"] == "clean"
            continue
        assert [r["id"] for r in group] == [spin_id(group[0]["id"], k) for k in range(SPINS)]
        assert len({r["original_text"] for r in group}) == 1
        assert len({r["regime"] for r in group}) == 1  # every spin in the original's regime
        assert len({r["text"] for r in group}) == SPINS, source_id  # three different spun texts
        assert len({r["spinner"] for r in group}) == SPINS
        habits = [Personality(**json.loads(r["spinner"])) for r in group]
        assert [h.open_ended for h in habits] == [False] + [True] * (SPINS - 1)
        assert all(r["is_spun"] and sum(r["labels"]) for r in group)


def test_scored_splits_hold_each_original_once_and_read_as_before(tiny_dataset):
    for config, spec in CONFIGS.items():
        for split in spec.splits:
            if split == "train":
                continue
            records = load(config, split, dataset=tiny_dataset).records
            assert len({r["source_id"] for r in records}) == len(records), (config, split)
            # a first spin's spinner field has no open_ended key: scored data did not change
            assert all("open_ended" not in r["spinner"] for r in records)


def test_later_spins_keep_the_regime_and_draw_the_rest_anew():
    ids = [f"s/{i}" for i in range(400)]
    firsts = [plan_document(i, 0, SEEN_RECIPES) for i in ids]
    for k in range(1, SPINS):
        later = [plan_document(i, 0, SEEN_RECIPES, spin=k) for i in ids]
        assert [p.regime for p in later] == [p.regime for p in firsts]
        assert [p.spun for p in later] == [p.spun for p in firsts]
        spun = [(a, b) for a, b in zip(firsts, later) if a.spun and a.regime != "sparse"]
        assert sum(a.rate != b.rate for a, b in spun) > 0.95 * len(spun)
        assert sum(a.recipe != b.recipe for a, b in spun) > 0.5 * len(spun)
    assert plan_document("s/7", 0, SEEN_RECIPES, spin=1) == plan_document("s/7", 0, SEEN_RECIPES, spin=1)  # seeded


def test_an_open_ended_personality_keeps_the_grids_and_says_so():
    a = sample_personality(random.Random(5), "mixed")
    b = sample_personality(random.Random(5), "mixed", open_ended=True)
    assert (a.phrases, a.function_words, a.mean_drop, a.cluster) == (b.phrases, b.function_words, b.mean_drop, b.cluster)
    assert "open_ended" not in a.to_json() and json.loads(b.to_json())["open_ended"] is True
    assert Personality(**json.loads(b.to_json())) == b and Personality(**json.loads(a.to_json())) == a
    assert b.describe().endswith("open-ended rules")


def _proposals(phrasebook, tokens, allow, seeds=range(30)):
    return [p for seed in seeds for p in phrasebook.propose(tokens, random.Random(seed), allow) if p.start < p.end and p.replacement]


def test_the_open_ended_phrasebook_trades_small_words_more_ways_at_the_same_rate():
    from harness.corpus.spin import engine
    from harness.corpus.spin.phrasebook import _tables

    text = ("The council met on Monday within the town hall, but the plan was not approved by all members. "
            "Some residents came from nearby villages through the rain, yet each of them spoke with anger.")
    tokens = tokenize(text)
    expressions, hand, _, derived, derived_words, _ = _tables()
    keys = [t.text.lower() for t in tokens]
    shared_keys = {i for i, k in enumerate(keys) if (k,) in hand and (k,) in derived_words}
    assert len(shared_keys) >= 6
    allow = LexicalSide("train")
    plain, open_ended = engine("phrasebook", function_word_rate=1.0), engine("phrasebook", function_word_rate=1.0, open_ended=True)
    before, after = _proposals(plain, tokens, allow), _proposals(open_ended, tokens, allow)
    rewrites = lambda ps: {(keys[p.start], p.replacement.lower()) for p in ps if p.start in shared_keys and p.end == p.start + 1}  # noqa: E731
    hand_written = {(k[0], r) for table in (expressions, hand) for k, rs in table.items() if len(k) == 1 for r in rs}
    assert rewrites(before) <= hand_written  # without it, a key with a hand-written rule takes only that
    new = rewrites(after) - hand_written
    assert len(new) >= 5, new  # with it, derived rewrites too (``within`` -> ``inside``, ``on`` -> ``about``, ...)
    assert new <= {(k[0], r) for table in (derived, derived_words) for k, rs in table.items() if len(k) == 1 for r in rs}
    assert 0.8 < len(after) / len(before) < 1.25  # as many rewrites, drawn from more sources


def test_the_docs_say_how_many_times_train_spins_an_original():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    said = {2: "twice", 3: "three times", 4: "four times"}[SPINS]
    for doc in ("README.md", "docs/dataset.md"):
        assert f"spun original {said}" in (root / doc).read_text(encoding="utf-8"), doc


def test_the_ranker_never_describes_a_span_by_another_spin_of_its_own_original():
    from baselines.restorer_ranker import _halves

    # three spins of one original ("the council met on monday") and two of another, interleaved
    docs = [["the", "board", "met", "on", "monday"], ["rain", "shut", "the", "roads"], ["the", "council", "gathered", "on", "monday"],
            ["rain", "closed", "the", "streets"], ["The", "council", "met", "upon", "Monday"]]
    spans = [[(1, 2)], [(1, 2)], [(2, 3)], [(1, 2), (3, 4)], [(3, 4)]]
    originals = [["council"], ["closed"], ["met"], ["closed", "roads"], ["on"]]
    side = _halves(docs, spans, originals)
    assert side[0] == side[2] == side[4] and side[1] == side[3]
    assert _halves(docs[:1] * 3, spans[:1] * 3, originals[:1] * 3) == [0, 1, 0]  # one original only: no half left empty
