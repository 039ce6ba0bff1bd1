"""The tokenizer: offsets always slice back to the token, and no non-space character is lost."""

from hypothesis import given
from hypothesis import strategies as st

from harness.core.tokens import normalize, tokenize


def texts(s):
    return [t.text for t in tokenize(s)]


def test_numbers_keep_their_punctuation():
    assert texts("Profits rose 76% to $1.13bn (£600m) in 2004, from 1,000.") == [
        "Profits", "rose", "76%", "to", "$1.13bn", "(", "£600m", ")", "in", "2004", ",", "from", "1,000", ".",
    ]


def test_hyphens_contractions_and_curly_quotes():
    assert texts("A well-known co-operative didn’t say “no” to 24-hour rock'n'roll.") == [
        "A", "well-known", "co-operative", "didn’t", "say", "“", "no", "”", "to", "24-hour", "rock'n'roll", ".",
    ]


def test_trailing_punctuation_is_its_own_token():
    assert texts("It's over... (really)!") == ["It's", "over", ".", ".", ".", "(", "really", ")", "!"]


def test_normalize_ignores_case_and_quote_style():
    assert normalize("Didn’t") == normalize("didn't")


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_offsets_slice_back_and_cover_every_non_space_character(text):
    tokens = tokenize(text)
    covered = set()
    last_end = 0
    for t in tokens:
        assert text[t.start:t.end] == t.text
        assert t.start >= last_end and t.end > t.start
        last_end = t.end
        covered.update(range(t.start, t.end))
    for i, ch in enumerate(text):
        if not ch.isspace():
            assert i in covered, (text, i)


@given(st.text(max_size=120), st.integers(0, 120), st.integers(0, 120))
def test_a_slice_tokenizes_like_the_sliced_text(text, a, b):
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    shifted = [(t.text, t.start - start, t.end - start) for t in tokenize(text, start, end)]
    assert shifted == [tuple(t) for t in tokenize(text[start:end])]
