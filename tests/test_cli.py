"""The spinbench command as a user meets it: align, align --pairs, detect; bad input gets a
one-line error and a non-zero exit, never a traceback."""

import json
from types import SimpleNamespace

import numpy as np
import pytest
from test_one_text import document, synthetic_calibration

import harness
from harness.cli.main import main as spinbench
from harness.evaluation.metrics import spans

ORIGINAL = "The Bank of England raised interest rates on Thursday, after heavy rain hit the harvest."
SPUN = "The Financial institution of England lifted premium rates on Thursday, following weighty rain hit the harvest."


def test_align_json_gives_offsets_labels_and_edits(tmp_path, capsys):
    (tmp_path / "o.txt").write_text(ORIGINAL)
    (tmp_path / "s.txt").write_text(SPUN)
    assert spinbench(["align", str(tmp_path / "o.txt"), str(tmp_path / "s.txt"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    spun = [t["text"] for t in out["tokens"] if t["label"]]
    assert spun == ["Financial", "institution", "lifted", "premium", "following", "weighty"]
    for t in out["tokens"]:
        assert SPUN[t["start"] : t["end"]] == t["text"]
    assert {"original_text": "Bank", "spun_text": "Financial institution"}.items() <= out["edits"][0].items()


@pytest.mark.parametrize("content, message", [(b"", "is empty"), (b"\x00\x01\x02", "binary"), (b"\xff\xfe caf\xe9", "not valid UTF-8")])
def test_align_rejects_unreadable_input(tmp_path, capsys, content, message):
    (tmp_path / "o.txt").write_text(ORIGINAL)
    (tmp_path / "bad.txt").write_bytes(content)
    assert spinbench(["align", str(tmp_path / "o.txt"), str(tmp_path / "bad.txt")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("spinbench: error:") and "Traceback" not in err


@pytest.mark.parametrize("extra, message", [(["--out", "somewhere"], "--out is where --pairs imports go"), (["-", "-"], "only one of ORIGINAL and SPUN")])
def test_align_of_two_texts_refuses_what_it_would_ignore(tmp_path, capsys, extra, message):
    """From a new user's trial: `align a b --out DIR` printed the alignment and ignored --out;
    `align - -` read standard input twice and said the second read was empty."""
    (tmp_path / "o.txt").write_text(ORIGINAL)
    files = [str(tmp_path / "o.txt"), str(tmp_path / "o.txt")] if extra[0] == "--out" else []
    extra = [str(tmp_path / e) if e == "somewhere" else e for e in extra]
    assert spinbench(["align", *files, *extra]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "somewhere").exists()


def test_align_pairs_imports_and_rejects_with_reasons(tmp_path, capsys):
    pairs = tmp_path / "pairs.jsonl"
    rows = [
        {"id": "ok", "original": ORIGINAL, "spun": SPUN},
        {"id": "other", "original": ORIGINAL, "spun": "My cat sleeps all afternoon in the warm sunny kitchen window."},
        {"id": "ok", "original": ORIGINAL, "spun": SPUN},
        {"id": "empty", "original": ORIGINAL, "spun": ""},
    ]
    pairs.write_text("\n".join(json.dumps(r) for r in rows) + "\nnot json\n")
    assert spinbench(["align", "--pairs", str(pairs), "--out", str(tmp_path / "wild")]) == 0
    captured = capsys.readouterr()
    assert "imported 1 pairs" in captured.out
    assert "rejected other: only" in captured.err and "not plausibly the same article" in captured.err
    assert "rejected ok: duplicate id" in captured.err
    assert "rejected empty: the spun text has no tokens" in captured.err
    assert "rejected line 5: line 5 is not JSON" in captured.err
    [record] = harness.load("wild", "test", dataset=tmp_path / "wild").records
    assert record["id"] == "ok" and sum(record["labels"]) == 6


def test_detect_json_is_compact_and_its_offsets_give_back_the_tokens(tmp_path, tiny_dataset, capsys):
    text = "Weighty rain shut three streets close to the harbour.\n\nThe council said the roads would reopen."
    (tmp_path / "in.txt").write_text(text)
    code = spinbench(["detect", "--model", "lexicon", "--format", "json", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt")])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["model"] == "lexicon" and 0 <= out["doc_score"] <= 1 and "text" not in json.dumps(out)
    # a short text keeps the validation cut, and says so
    assert out["threshold_reason"] == "too short" and "the F1-optimal cut on news/validation, kept: too short" in out["threshold_rule"]
    assert [text[a:b] for a, b in zip(out["starts"], out["ends"])] == [t.text for t in harness.tokenize(text)]
    assert out["token_count"] == len(out["scores"]) and out["flagged_count"] == sum(v >= out["threshold"] for v in out["scores"])
    runs = [(out["starts"][a], out["ends"][b - 1]) for a, b in spans([int(v >= out["threshold"]) for v in out["scores"]])]
    assert [tuple(s) for s in out["spans"]] == runs and "suggestions" not in out


def coded_text(rng, n: int, share: float) -> tuple[str, np.ndarray, np.ndarray]:
    """A text of ``n`` tokens for toy_detectors:CodedScores, ``share`` of them spun (scores drawn
    as in tests/test_one_text.py), in paragraphs of 100 tokens: (text, labels, scores)."""
    labels, scores = document(rng, n, share)
    words = [f"{'s' if y else 'w'}{round(v * 10_000):04d}" for y, v in zip(labels, scores)]
    return "\n\n".join(" ".join(words[i : i + 100]) for i in range(0, n, 100)), labels, scores


def test_detect_cuts_a_long_text_where_its_own_scores_say(tmp_path, capsys, monkeypatch):
    from toy_detectors import CodedScores

    import harness.evaluation.prepare as prepare

    thresholds = synthetic_calibration()  # validation about 5% spun
    monkeypatch.setattr(prepare, "prepare_detector", lambda *a, **k: SimpleNamespace(detector=CodedScores(), thresholds=thresholds))
    rng = np.random.default_rng(3)
    cuts = {}
    for share in (0.01, 0.10, 0.30):
        text, labels, scores = coded_text(rng, 3000, share)
        (tmp_path / "in.txt").write_text(text)
        assert spinbench(["detect", "--model", "toy_detectors:CodedScores", "--format", "json", str(tmp_path / "in.txt")]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["scores"] == scores.tolist()
        cuts[share] = out["threshold"]
        # the document score read against validation's document cut: a verdict on the whole text
        assert out["document_threshold"] == thresholds.document and out["document_spun"] == (out["doc_score"] >= thresholds.document)
        assert out["document_spun"] == (share >= 0.10)
        # with what the cuts let through on validation: its clean documents' tokens, its clean and spun documents
        rates, ref = out["on_validation"], thresholds.document_reference
        assert rates["clean_tokens_flagged"] == pytest.approx(np.mean(thresholds.token_reference.clean[0] >= out["threshold"]))
        assert rates["clean_documents_over_cut"] == pytest.approx(np.mean(ref.clean[0] >= thresholds.document))
        assert rates["spun_documents_over_cut"] == pytest.approx(np.mean(ref.spun >= thresholds.document))
        if share == 0.01:
            assert out["threshold"] == thresholds.validation_token and out["threshold_reason"] in ("read as clean", "not clearly more spun")
        else:
            assert out["threshold_reason"] == "estimated" and out["estimated_spun_share"] == pytest.approx(share, abs=0.03)
            assert f"estimated from this text: about {out['estimated_spun_share']:.1%} spun" in out["threshold_rule"]
    assert cuts[0.30] < cuts[0.10] < thresholds.validation_token
    assert spinbench(["detect", "--model", "toy_detectors:CodedScores", str(tmp_path / "in.txt")]) == 0  # the 30% text, highlighted
    highlighted = capsys.readouterr().out
    assert f"-- threshold: {cuts[0.30]:.4f}, estimated from this text: about" in highlighted
    assert f"the document cut {thresholds.document:.4f} chosen on news/validation: the text as a whole reads as spun" in highlighted
    assert f"which flags {rates['clean_tokens_flagged']:.1%} of the tokens of news/validation's clean documents" in highlighted
    assert f"(on news/validation, {rates['clean_documents_over_cut']:.0%} of clean documents and {rates['spun_documents_over_cut']:.0%} of spun ones reach that cut" in highlighted


def test_detect_text_marks_spans(tmp_path, tiny_dataset, capsys):
    (tmp_path / "in.txt").write_text("Weighty rain fell.")
    assert spinbench(["detect", "--model", "all-spun", "--threshold", "0.5", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[[Weighty rain fell.]]") and "4 of 4 tokens flagged as spun (threshold 0.5000" in out
    assert "-- threshold: 0.5000, given by hand (--threshold)" in out


@pytest.mark.parametrize("content, message", [(b"   \n", "is empty"), (b"\x89PNG\x00\x00", "binary"),
                                              ("Weighty rain fell.".encode("utf-16"), "looks like UTF-16 text; spinbench reads UTF-8: convert it first")])
def test_detect_rejects_bad_input(tmp_path, tiny_dataset, capsys, content, message):
    (tmp_path / "in.bin").write_bytes(content)
    assert spinbench(["detect", "--model", "lexicon", "--dataset", str(tiny_dataset), str(tmp_path / "in.bin")]) == 2
    assert message in capsys.readouterr().err


def test_detect_unknown_model(tmp_path, tiny_dataset, capsys):
    (tmp_path / "in.txt").write_text("Some text.")
    assert spinbench(["detect", "--model", "clasifier", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt")]) == 2
    assert "did you mean 'classifier'" in capsys.readouterr().err


def test_detect_suggest_shows_the_detectors_guesses(tmp_path, tiny_dataset, capsys):
    text = "Weighty precipitation fell."
    (tmp_path / "in.txt").write_text(text)
    base = ["detect", "--threshold", "0.5", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt"), "--restorer", "detector"]
    assert spinbench([*base, "--model", "toy_detectors:Suggesting", "--suggest", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(text[g["start"] : g["end"]], g["suggestion"]) for g in out["suggestions"]] == [("Weighty", "Weig"), ("precipitation", "prec")]
    assert out["threshold_reason"] == "given by hand" and out["spans"] == [[0, 21]]
    assert spinbench([*base, "--model", "toy_detectors:Suggesting", "--suggest"]) == 0
    assert "'precipitation' was probably 'prec'" in capsys.readouterr().out
    # a detector without suggest is refused before its fit, which may take minutes
    import harness.evaluation.prepare as prepare

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(prepare, "fit_and_validate", lambda *a, **k: pytest.fail("fitted before refusing"))
        assert spinbench([*base, "--model", "lexicon", "--suggest", "--no-cache"]) == 2
    assert "model 'lexicon' cannot suggest originals: it has no suggest(doc) method" in capsys.readouterr().err


def test_passages_are_whole_paragraphs_within_the_limit():
    from harness.evaluation.detect import passages

    paragraph = "One two three four. Five six seven eight. Nine ten eleven twelve."  # 15 tokens
    text = "\n\n".join([paragraph] * 7) + "\n\n" + " ".join(["word"] * 40) + "."
    parts = list(passages(text, limit=32))
    tokens = [t for part in parts for t in part]
    assert [t.text for t in tokens] == [t.text for t in harness.tokenize(text)]
    assert all(text[t.start : t.end] == t.text for t in tokens)
    assert all(len(p) <= 32 for p in parts)
    assert [len(p) for p in parts[:3]] == [30, 30, 30]  # two paragraphs each, never one cut in two
    assert len(parts[-1]) + len(parts[-2]) == 41  # the 41-token paragraph is cut at the limit


def test_a_long_text_is_scored_in_passages_with_the_same_tokens_and_a_default_document_score(tmp_path, tiny_dataset, capsys, monkeypatch):
    import harness.evaluation.detect as detect_module
    from harness.evaluation.contract import doc_scores_from_tokens

    monkeypatch.setattr(detect_module, "PASSAGE_TOKENS", 50)
    monkeypatch.setattr(detect_module, "JSON_CHUNK", 7)  # arrays written in several pieces
    text = "\n\n".join(["Weighty rain shut three streets close to the harbour, said the administration."] * 12)
    (tmp_path / "long.txt").write_text(text)
    assert spinbench(["detect", "--model", "lexicon", "--format", "json", "--dataset", str(tiny_dataset), str(tmp_path / "long.txt")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [text[a:b] for a, b in zip(out["starts"], out["ends"])] == [t.text for t in harness.tokenize(text)]
    assert out["doc_score"] == round(doc_scores_from_tokens([out["scores"]])[0], 4)
    assert spinbench(["detect", "--model", "lexicon", "--dataset", str(tiny_dataset), str(tmp_path / "long.txt")]) == 0
    marked = capsys.readouterr().out
    assert marked.replace("[[", "").replace("]]", "").startswith(text)
    assert len(list(detect_module.passages(text))) == 4  # three 14-token paragraphs per 50-token passage
    assert f"{out['flagged_count']} of {out['token_count']} tokens flagged as spun" in marked


def test_the_table_says_when_a_group_is_too_small_for_an_interval(tmp_path, tiny_dataset, capsys):
    from harness.runs.bootstrap import MIN_GROUP_DOCUMENTS

    code = spinbench(["evaluate", "--model", "lexicon", "--dataset", str(tiny_dataset), "--out", str(tmp_path), "--bootstrap", "50"])
    out = capsys.readouterr().out
    assert code == 0
    breakdowns = out.split("token scores by", 1)[1].split("each regime's documents against")[0]  # the breakdown tables
    rows = [line.split() for line in breakdowns.splitlines()
            if line.startswith("  ") and not line.startswith("  (") and "clean documents" not in line and "group" not in line]  # "  (": a table's note
    small = [r for r in rows if int(r[1]) < MIN_GROUP_DOCUMENTS]
    assert small and all(" ".join(r).endswith("(too few documents)") for r in small), out
    assert all(" ".join(r).endswith("]") for r in rows if int(r[1]) >= MIN_GROUP_DOCUMENTS), out



def test_a_submission_of_one_config_is_told_which_configs_the_leaderboard_still_needs(tmp_path, tiny_dataset, capsys):
    from harness.core.configs import CONFIGS

    base = ["evaluate", "--model", "lexicon", "--dataset", str(tiny_dataset), "--out", str(tmp_path), "--submit", "--allow-dirty"]
    assert spinbench(base) == 0
    rest = [c for c in CONFIGS if c != "news"]
    assert f"and {', '.join(rest)} have none yet: rerun with --config all" in capsys.readouterr().out
    assert spinbench([*base, "--config", "all"]) == 0
    assert "none yet" not in capsys.readouterr().out


def test_detect_passes_restorer_args_to_the_restorer_it_suggests_with(tmp_path, tiny_dataset, capsys, monkeypatch):
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
    (tmp_path / "in.txt").write_text("Weighty precipitation fell.")
    base = ["detect", "--threshold", "0.5", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt"), "--model", "all-spun"]
    assert spinbench([*base, "--suggest", "--restorer", "reverse-thesaurus", "--restorer-args", "max_candidates=1"]) == 0
    assert "likely originals" in capsys.readouterr().out
    assert spinbench([*base, "--suggest", "--restorer", "reverse-thesaurus", "--restorer-args", "nosuch=1"]) == 2
    assert "has no hyperparameter 'nosuch'" in capsys.readouterr().err
    assert spinbench([*base, "--restorer-args", "max_candidates=1"]) == 2
    assert "--restorer-args sets the hyperparameters of the restorer --suggest uses: add --suggest" in capsys.readouterr().err
