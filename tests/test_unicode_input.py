"""Unicode at the entrances: a byte-order mark, zero-width characters and
decomposed accents (NFD) change nothing a detector or the aligner sees, and offsets shown to the
user still point into the text they gave."""

import json
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import harness
from harness.cli.main import main as spinbench
from harness.core.tokens import tokenize
from harness.core.unicode_text import INVISIBLE, clean_text

PLAIN = "Counterfeit consciousness shut the café near the harbour; Zoë said so."
# The same text as some files hold it: a byte-order mark, a zero-width space inside a word, NFD accents.
MESSY = "\ufeffCoun\u200bterfeit consciousness shut the cafe\u0301 near the har\u2060bour; Zoe\u0308 said so."


def strip(raw: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in raw if c not in INVISIBLE))


@pytest.mark.parametrize("seed", range(50))
def test_every_token_maps_back_to_the_raw_text_that_gave_it(seed):
    rng = random.Random(seed)
    pieces = ["a", "e", "o", "Z", " ", ".", "\u0301", "\u0308", "\u0327", "\u200b", "\ufeff", "\u2060", "\u200d", "é", "\u212b", "\u1100", "\u1161"]
    raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
    clean = clean_text(raw)
    assert clean.text == strip(raw)
    tokens = tokenize(clean.text)
    spans = [clean.raw_span(t.start, t.end) for t in tokens]
    for n, (t, (start, end)) in enumerate(zip(tokens, spans)):
        assert 0 <= start < end <= len(raw)
        shared = (n and spans[n - 1][1] > start) or (n + 1 < len(spans) and spans[n + 1][0] < end)
        if shared:  # a letter composed with a mark the tokenizer keeps apart: both get the cluster
            assert t.text in strip(raw[start:end]), (raw, t)
        else:
            assert strip(raw[start:end]) == t.text, (raw, t)


def test_clean_text_is_free_on_clean_text():
    assert clean_text(PLAIN).text is PLAIN and clean_text(PLAIN).starts is None
    assert clean_text(MESSY).text == PLAIN


def test_detect_scores_a_messy_text_as_its_clean_one_with_offsets_into_it(tmp_path, tiny_dataset, capsys):
    results = []
    for name, text in (("plain.txt", PLAIN), ("messy.txt", MESSY)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert spinbench(["detect", "--model", "lexicon", "--format", "json", "--dataset", str(tiny_dataset), str(tmp_path / name)]) == 0
        results.append(json.loads(capsys.readouterr().out))
    plain, messy = results
    assert messy["scores"] == plain["scores"] and messy["doc_score"] == plain["doc_score"]
    texts = [[text[a:b] for a, b in zip(out["starts"], out["ends"])] for text, out in ((PLAIN, plain), (MESSY, messy))]
    assert [strip(t) for t in texts[1]] == texts[0] == [t.text for t in harness.tokenize(PLAIN)]


def test_align_does_not_count_a_byte_order_mark_or_decomposed_accents_as_spinning(tmp_path, capsys):
    (tmp_path / "orig.txt").write_text(PLAIN, encoding="utf-8")
    (tmp_path / "spun.txt").write_text(MESSY, encoding="utf-8")
    assert spinbench(["align", "--format", "json", str(tmp_path / "orig.txt"), str(tmp_path / "spun.txt")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["edits"] == [] and not any(t["label"] for t in out["tokens"])
    assert all(MESSY[t["start"] : t["end"]] == t["text"] for t in out["tokens"])


def test_imported_pairs_and_local_sources_are_stored_normalised(tmp_path, paragraphs):
    original = paragraphs[0]
    spun = original.replace("the", "th\u200be", 1).replace(" ", " \ufeff", 1)
    (tmp_path / "pairs.jsonl").write_text(json.dumps({"id": "a", "original": "\ufeff" + original, "spun": spun}) + "\n", encoding="utf-8")
    assert spinbench(["align", "--pairs", str(tmp_path / "pairs.jsonl"), "--out", str(tmp_path / "wild")]) == 0
    [record] = harness.load("wild", "test", dataset=tmp_path / "wild").records
    assert record["original_text"] == original and record["text"] == original and not any(record["labels"])

    folder = tmp_path / "docs"
    folder.mkdir()
    for i, p in enumerate(paragraphs):
        (folder / f"a{i:02d}.txt").write_text(f"\ufeffTitle {i}\n\n" + unicodedata.normalize("NFD", p).replace("e", "e\u200b", 1), encoding="utf-8")
    assert spinbench(["build", "--source", f"local:{folder}", "--configs", "news", "--out", str(tmp_path / "out")]) == 0
    for split in ("train", "validation", "test"):
        for r in harness.load("news", split, dataset=tmp_path / "out").records:
            assert r["original_text"] in paragraphs and r["title"].startswith("Title ")


# detect's memory stays flat in the input's shape.


@given(st.lists(st.sampled_from(["spun", "text.", "U.S.", "don't", "e-mail", "42", "!", "\n", "\n\n", "  "]), max_size=400),
       st.sampled_from([5, 17, 64, 1000]))
@settings(max_examples=60, deadline=None)
def test_long_paragraphs_are_read_in_windows_that_give_the_same_tokens(words, window):
    from harness.core.tokens import tokenize
    from harness.evaluation import detect

    text = " ".join(words)
    old = detect.WINDOW_CHARS
    detect.WINDOW_CHARS = window
    try:
        flat = [t for passage in detect.passages(text, 50) for t in passage]
    finally:
        detect.WINDOW_CHARS = old
    assert flat == tokenize(text)


def test_a_text_on_one_line_is_not_tokenized_whole():
    import tracemalloc

    from harness.evaluation.detect import passages

    text = " ".join(["spun", "text", "here."] * 100_000)  # 1.5 MB, one line, no paragraph break
    tracemalloc.start()
    try:
        count = sum(len(p) for p in passages(text))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 400_000
    assert peak < 20e6  # tokenized whole, the line's 400,000 tokens took about 70 MB
