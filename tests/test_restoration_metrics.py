"""Restoration metrics against simple, obviously-correct references (loops) on random inputs,
and the scoring of a split against a per-document reference."""

import random

import numpy as np
import pytest

from harness.restoration import metrics
from harness.restoration.items import GoldItem, RestorationGold, flagged_spans
from harness.restoration.kinds import KINDS, edit_kind
from harness.restoration.scoring import HIT_SCORES, score_restoration

VOCAB = ["the", "bank", "Bank", "banks", "rate", "rates", "rose", "fell", "a", "of"]


def reference_distance(a, b):
    """Textbook Levenshtein, a full table filled cell by cell."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            if i == 0 or j == 0:
                table[i][j] = i + j
            else:
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return table[-1][-1]


def reference_hit(candidates, original, k, lemmas):
    want = original.lower().split()
    for c in candidates[:k]:
        got = c.lower().split()
        if got == want:
            return True
        if lemmas and len(got) == len(want) and all(x == y or metrics.all_lemmas(x) & metrics.all_lemmas(y) for x, y in zip(got, want)):
            return True
    return False


@pytest.mark.parametrize("seed", range(40))
def test_edit_distance_matches_the_textbook_table(seed):
    rng = random.Random(seed)
    a = [rng.choice(VOCAB[:5]) for _ in range(rng.randint(0, 12))]
    b = [rng.choice(VOCAB[:5]) for _ in range(rng.randint(0, 12))]
    assert metrics.token_edit_distance(a, b) == reference_distance(a, b)


@pytest.mark.parametrize("seed", range(40))
def test_hits_match_a_loop_reference(seed):
    rng = random.Random(seed)
    original = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 2)))
    candidates = [" ".join(rng.choice(VOCAB) for _ in range(rng.randint(1, 2))) for _ in range(rng.randint(0, 7))]
    for k in (1, 5):
        for lemmas in (False, True):
            assert metrics.hit(candidates, original, k, lemmas) == reference_hit(candidates, original, k, lemmas)


def test_hits_are_case_insensitive_and_lemma_variant_is_wider():
    assert metrics.hit(["Interest  Rates"], "interest rates", 1)
    assert not metrics.hit(["interest rate"], "interest rates", 1)
    assert metrics.hit(["interest rate"], "interest rates", 1, lemmas=True)
    assert not metrics.hit(["x", "y", "z", "w", "v", "interest rates"], "interest rates", 5)


def test_restored_tokens_and_distances():
    spun = ["The", "focal", "bank", "kept", "premium", "rates", "."]
    original = ["The", "central", "bank", "kept", "interest", "rates", "."]
    spans = [(1, 2), (4, 5)]
    assert metrics.document_distances(spun, original, spans, [["central"], ["interest"]]) == (2, 0)
    assert metrics.document_distances(spun, original, spans, [["central"], []]) == (2, 1)  # no guess keeps the span
    assert metrics.document_distances(spun, original, spans, [["middle"], ["interest of"]]) == (2, 2)
    assert metrics.restored_tokens(spun, [(1, 3)], [""]) == ["The", "kept", "premium", "rates", "."]


def test_edit_kinds():
    assert edit_kind("that", "") == "function_words"
    assert edit_kind("at that point", "then") == "function_words"
    assert edit_kind("three", "3") == "one_word"
    assert edit_kind("securities exchange", "stock market") == "fixed_term"
    assert edit_kind("tight web", "fast net") == "phrase"
    assert edit_kind("the disaster", "casualty") == "phrase"


def random_gold(rng, n_docs=12):
    ids, tokens, originals, items, candidates = [], [], [], [], []
    for d in range(n_docs):
        doc = [rng.choice(VOCAB) for _ in range(rng.randint(0, 15))]
        cuts = sorted(rng.sample(range(len(doc) + 1), min(len(doc) + 1, 2 * rng.randint(0, 3))))
        spans = [(a, b) for a, b in zip(cuts[::2], cuts[1::2]) if b > a]
        doc_items, doc_candidates, orig, cursor = [], [], [], 0
        for a, b in spans:
            wording = " ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 2)))
            doc_items.append(GoldItem(a, b, " ".join(doc[a:b]), wording, edit_kind(" ".join(doc[a:b]), wording)))
            doc_candidates.append([" ".join(rng.choice(VOCAB) for _ in range(rng.randint(0, 2))) for _ in range(rng.randint(0, 6))] + ([wording] if rng.random() < 0.4 else []))
            orig += doc[cursor:a] + wording.split()
            cursor = b
        ids.append(f"d{d}")
        tokens.append(doc)
        originals.append(orig + doc[cursor:])
        items.append(doc_items)
        candidates.append(doc_candidates)
    return RestorationGold("news", "test", "0" * 64, "data", ids, tokens, originals, items), candidates


@pytest.mark.parametrize("seed", range(8))
def test_scores_match_a_per_item_reference(seed):
    rng = random.Random(seed)
    gold, candidates = random_gold(rng)
    scores = score_restoration(gold, candidates, n_boot=20, seed=0)
    flat = [(item, ranked) for doc_items, doc_c in zip(gold.items, candidates) for item, ranked in zip(doc_items, doc_c)]
    for name, (k, lemmas) in HIT_SCORES.items():
        hits = [reference_hit(ranked, item.original, k, lemmas) for item, ranked in flat]
        want = sum(hits) / len(hits) if hits else None
        assert scores["edits"][name]["value"] == (None if want is None else pytest.approx(want, abs=1e-6))
        for kind in KINDS:
            of_kind = [h for h, (item, _) in zip(hits, flat) if item.kind == kind]
            got = scores["by_kind"][kind][name]["value"]
            assert got == (None if not of_kind else pytest.approx(sum(of_kind) / len(of_kind), abs=1e-6))
    before = sum(reference_distance([t.lower() for t in t0], [t.lower() for t in o]) for t0, o in zip(gold.tokens, gold.original_tokens))
    after = 0
    for doc, orig, doc_items, doc_c in zip(gold.tokens, gold.original_tokens, gold.items, candidates):
        restored, cursor = [], 0
        for item, ranked in zip(doc_items, doc_c):
            restored += doc[cursor:item.start] + (ranked[0].split() if ranked else doc[item.start:item.end])
            cursor = item.end
        after += reference_distance([t.lower() for t in restored + doc[cursor:]], [t.lower() for t in orig])
    block = scores["end_to_end"]["gold_spans"]
    assert (block["distance_before"], block["distance_after"]) == (before, after)
    assert block["distance_removed"]["value"] == (None if before == 0 else pytest.approx((before - after) / before, abs=1e-6))


def test_bootstrap_is_seeded_and_brackets_the_value():
    gold, candidates = random_gold(random.Random(3), n_docs=40)
    a = score_restoration(gold, candidates, n_boot=200, seed=1)
    assert a == score_restoration(gold, candidates, n_boot=200, seed=1)
    assert a != score_restoration(gold, candidates, n_boot=200, seed=2)
    top1 = a["edits"]["top1"]
    assert top1["ci95"][0] <= top1["value"] <= top1["ci95"][1]
    assert len(a["resamples"]["top1"]) == 200
    # The resampled main score is the ratio of resampled sums (documents drawn with replacement).
    from harness.runs.bootstrap import weights

    w = weights(len(gold), 200, 1)
    hits = np.array([sum(metrics.hit(r, i.original, 1) for i, r in zip(items, c)) for items, c in zip(gold.items, candidates)])
    n = np.array([len(items) for items in gold.items])
    assert a["resamples"]["top1"] == pytest.approx(list(np.round((w @ hits) / (w @ n), 6)))


def test_detected_spans_are_scored_end_to_end():
    gold, candidates = random_gold(random.Random(5))
    spans = flagged_spans([[1.0 if rng_i % 3 == 0 else 0.0 for rng_i in range(len(doc))] for doc in gold.tokens], 0.5)
    keep = [[[" ".join(doc[a:b])] for a, b in s] for doc, s in zip(gold.tokens, spans)]
    scores = score_restoration(gold, candidates, n_boot=10, detected=(spans, keep))
    block = scores["end_to_end"]["detected_spans"]
    assert block["distance_after"] == block["distance_before"]  # putting the spun words back changes nothing
    assert block["spans"] == sum(map(len, spans))
