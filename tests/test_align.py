"""The aligner on hand-made pairs; its agreement with the spinners is in test_spin_alignment.py."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.corpus.align import ImplausiblePair, align_texts, check_plausible


def spun_words(a):
    return [t.text for t, label in zip(a.tokens, a.labels) if label]


def test_one_to_many_substitution():
    a = align_texts("The Bank of England raised rates.", "The Financial institution of England raised rates.")
    assert spun_words(a) == ["Financial", "institution"]
    [e] = a.edits
    assert (e.original_text, e.spun_text) == ("Bank", "Financial institution")
    assert (e.original_start, e.original_end, e.spun_start, e.spun_end) == (1, 2, 1, 3)


def test_many_to_one_and_case_changes_are_not_edits():
    a = align_texts("In addition to the rain, THE wind blew.", "Besides the rain, the wind blew.")
    assert spun_words(a) == ["Besides"]
    assert a.edits[0].original_text == "In addition to"


def test_insertion_and_deletion():
    a = align_texts("He left early.", "He very quietly left.")
    assert spun_words(a) == ["very", "quietly"]
    kinds = {(e.original_text, e.spun_text) for e in a.edits}
    assert kinds == {("", "very quietly"), ("early", "")}


def test_repeated_words_are_matched_in_order():
    a = align_texts("the cat saw the dog and the cat ran", "the cat saw the hound and the cat ran")
    assert a.labels == [0, 0, 0, 0, 1, 0, 0, 0, 0]


def test_punctuation_and_curly_quotes_are_kept():
    a = align_texts("It isn't heavy rain, it's a storm.", "It isn’t weighty rain, it’s a tempest.")
    assert spun_words(a) == ["weighty", "tempest"]


def test_identical_texts_have_no_edits():
    a = align_texts("Nothing changed here.", "Nothing changed here.")
    assert a.labels == [0, 0, 0, 0] and a.edits == [] and a.overlap == 1.0


def test_unrelated_texts_are_implausible():
    a = align_texts("The central bank raised interest rates on Thursday.", "Our cat enjoys sleeping in warm sunny windows all afternoon.")
    with pytest.raises(ImplausiblePair, match="not plausibly the same article"):
        check_plausible(a)


def test_empty_side_is_implausible():
    with pytest.raises(ImplausiblePair, match="no tokens"):
        check_plausible(align_texts("Some words here.", "   "))


def test_a_very_long_pair_is_cut_at_unique_tokens_and_labels_exactly_the_changes():
    # 26,000 tokens: past the length where the aligner first cuts at tokens found once on each
    # side (difflib alone is quadratic there); numbered sentences give it those tokens.
    import random

    rng = random.Random(0)
    original = " ".join(f"In year {n} the rain fell on the bank of the river ." for n in range(2000))
    words = original.split(" ")
    changed = sorted(rng.sample([i for i, w in enumerate(words) if w in ("rain", "bank", "river")], 300))
    spun = list(words)
    for i in changed:
        spun[i] = {"rain": "precipitation", "bank": "embankment", "river": "stream"}[words[i]]
    a = align_texts(original, " ".join(spun))
    assert len(a.tokens) == 26_000
    assert [i for i, label in enumerate(a.labels) if label] == changed
    assert all(e.spun_end - e.spun_start == 1 and e.original_end - e.original_start == 1 for e in a.edits)


def test_a_long_text_that_repeats_itself_is_refused_not_aligned_for_days(tmp_path):
    # From a new user's trial: one sentence repeated to 28,500 tokens has no token found once on
    # either side to cut at, and difflib's time grows with the cube of the length there (a few
    # megabytes of it ran for minutes, with days to go). The pair is refused, saying what to do.
    from harness.corpus.pairs import import_pairs

    sentence = "The bank of England raised rates on Thursday , saying that inflation was still too high and rising . "
    original, spun = sentence * 1_500, sentence.replace("bank", "financial institution") * 1_500
    with pytest.raises(ImplausiblePair, match="28,500 tokens long and repeats itself.*split the pair into parts of under 20,000 tokens"):
        align_texts(original, spun)
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(json.dumps({"id": "echo", "original": original, "spun": spun}) + "\n"
                     + json.dumps({"id": "fine", "original": "Heavy rain fell today.", "spun": "Weighty rain fell today."}) + "\n")
    report = import_pairs(pairs, tmp_path / "out")
    assert [i for i, _ in report.rejected] == ["echo"] and "repeats itself" in report.rejected[0][1]


def _cell_by_cell_costs(a, b, gap, open_):
    """The alignment DP written out one cell at a time (the oracle for the row-wise numpy one)."""
    inf = float("inf")
    matched = [[inf] * (len(b) + 1) for _ in range(len(a) + 1)]
    edited = [[inf] * (len(b) + 1) for _ in range(len(a) + 1)]
    matched[0][0] = 0
    for i in range(len(a) + 1):
        for j in range(len(b) + 1):
            if i and j and a[i - 1] == b[j - 1]:
                matched[i][j] = min(matched[i - 1][j - 1], edited[i - 1][j - 1])
            options = []
            if i:
                options += [matched[i - 1][j] + gap + open_, edited[i - 1][j] + gap]
            if j:
                options += [matched[i][j - 1] + gap + open_, edited[i][j - 1] + gap]
            edited[i][j] = min(options, default=inf)
    return [sum(matched, []), sum(edited, [])]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from("abcd"), max_size=14), st.lists(st.sampled_from("abcd"), max_size=14))
def test_the_row_wise_alignment_costs_equal_the_cell_by_cell_recurrence(a, b):
    from harness.corpus import align

    assert align._costs(a, b) == _cell_by_cell_costs(a, b, align._GAP, align._OPEN)


def test_the_compiled_matcher_gives_difflibs_blocks():
    import difflib
    import random

    from harness.corpus.align import SequenceMatcher

    rng = random.Random(3)
    for _ in range(200):
        a = [rng.choice("the cat sat on a mat".split()) for _ in range(rng.randint(0, 60))]
        b = [rng.choice("the cat sat on a mat".split()) for _ in range(rng.randint(0, 60))]
        ours = SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
        assert ours == difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
