"""leaderboard --check catches tampering, wrong revisions, malformed and missing files."""

import json
import shutil

import numpy as np
import pytest
from conftest import copy_board

from harness.cli.main import main as spinbench
from harness.core.configs import CONFIGS
from harness.core.files import read_jsonl_gz, sha256_file, write_jsonl_gz
from harness.evaluation.leaderboard import collect, ranks, render
from harness.evaluation.thresholds import RULE_NAME
from harness.evaluation.verify import check


@pytest.fixture
def board(full_board, tmp_path, tiny_dataset):
    """`lexicon` and `all-spun` on every config (conftest.py's `full_board` less its restorers)."""
    root, results, md = copy_board(full_board, tmp_path)
    shutil.rmtree(results / "restore")
    md.write_text(render(collect(results)))
    return root, results, str(tiny_dataset)


def problems(board):
    root, results, data = board
    return check(results, root / "leaderboard.md", data)


def test_untouched_board_passes(board):
    assert problems(board) == []
    root, results, data = board
    assert spinbench(["leaderboard", "--check", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data]) == 0


def edit_json(path, change):
    obj = json.loads(path.read_text())
    change(obj)
    path.write_text(json.dumps(obj))


def test_tampered_score_is_named(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o["scores"]["token"]["f1"].update(value=0.99))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "recomputation" in p


def test_tampered_main_score_is_caught(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o["main_score"].update(value=0.99))
    assert any("lexicon/news" in p and "main_score" in p for p in problems(board))


def test_wrong_dataset_revision(board):
    root, results, _ = board
    edit_json(results / "all-spun" / "news.json", lambda o: o["dataset"].update(fingerprint="0" * 64))
    [p] = problems(board)
    assert p.startswith("all-spun/news:") and "dataset revision" in p


def test_malformed_and_missing_files(board):
    root, results, _ = board
    (results / "lexicon" / "unseen-domain.json").write_text("{not json")
    (results / "all-spun" / "news.predictions.jsonl.gz").unlink()
    found = problems(board)
    assert any(p.startswith("lexicon/unseen-domain:") and "not valid JSON" in p for p in found)
    assert any(p.startswith("all-spun/news:") and "news.predictions.jsonl.gz are missing" in p for p in found)


def test_schema_violation(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o.pop("thresholds"))
    assert any("lexicon/news" in p and "thresholds" in p for p in problems(board))


def test_out_of_date_leaderboard(board):
    root, results, _ = board
    (root / "leaderboard.md").write_text((root / "leaderboard.md").read_text().replace("lexicon", "lexic0n"))
    [p] = problems(board)
    assert "out of date" in p


def _entry(resamples):
    from types import SimpleNamespace

    return {"news": SimpleNamespace(scores={"resamples": {"token_f1": list(resamples)}})}


def test_paired_ranks_separate_models_whose_own_intervals_overlap():
    """Document difficulty moves both models alike: their separate intervals overlap widely,
    yet b beats a in every paired resample, so b ranks above a; c ties a."""
    rng = np.random.default_rng(0)
    difficulty = rng.normal(0.7, 0.05, 1000)  # what each resample of documents does to any model
    a, b = difficulty, difficulty + 0.01
    c = difficulty + rng.normal(0, 0.002, 1000)
    assert np.percentile(b, 2.5) < np.percentile(a, 97.5)  # the old rule would call a and b equal
    assert ranks({"a": _entry(a), "b": _entry(b), "c": _entry(c)}) == {"b": "1", "a": "2=", "c": "2="}


def test_every_entry_stores_its_main_score_per_resample(board):
    root, results, _ = board
    stored = json.loads((results / "lexicon" / "news.json").read_text())
    resamples = stored["scores"]["resamples"]["token_f1"]
    assert len(resamples) == stored["bootstrap"]["resamples"] == 1000
    lo, hi = stored["main_score"]["ci95"]
    assert abs(np.percentile(resamples, 2.5) - lo) < 1e-5 and abs(np.percentile(resamples, 97.5) - hi) < 1e-5


def test_rescore_brings_older_entries_up_to_the_current_metrics(board):
    root, results, data = board
    edit_json(results / "lexicon" / "news.json", lambda o: o["scores"]["token"].pop("auprc"))
    assert any("auprc" in p for p in problems(board))
    assert spinbench(["leaderboard", "--rescore", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data]) == 0
    assert problems(board) == []
    assert json.loads((results / "lexicon" / "news.json").read_text())["rescored"]["harness"]["version"]


def test_thresholds_edited_in_the_results_alone_are_caught(board):
    root, results, _ = board
    stored = json.loads((results / "lexicon" / "news.json").read_text())["thresholds"]
    assert stored["rule"] == RULE_NAME and 0 < stored["validation_token"] < 1
    edit_json(results / "lexicon" / "news.json", lambda o: o["thresholds"].update(validation_token=0.99))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "its thresholds are not the ones rule" in p and "validation_token: recorded 0.99" in p


def _rewrite_predictions(results, model, config, change_header):
    """Edit a predictions file's header as a forger would, and the results' hash to match."""
    path = results / model / f"{config}.predictions.jsonl.gz"
    rows = read_jsonl_gz(path)
    change_header(rows[0]["header"])
    write_jsonl_gz(path, rows)
    edit_json(results / model / f"{config}.json", lambda o: o.update(predictions_sha256=sha256_file(path)))


def test_thresholds_tuned_on_test_are_caught_even_when_results_and_header_agree(board):
    """Thresholds set to the test-optimal cut in the results and the predictions header alike,
    hashes fixed, the leaderboard re-rendered: the shares recomputed from the stored validation
    predictions still give the rule's cut, not this one."""
    root, results, data = board

    def tuned(thresholds):
        thresholds.update(token=0.9)

    edit_json(results / "lexicon" / "news.json", lambda o: tuned(o["thresholds"]))
    _rewrite_predictions(results, "lexicon", "news", lambda h: (tuned(h["thresholds"]), h.update(token_threshold=0.9)))
    assert spinbench(["leaderboard", "--rescore", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data]) == 2
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "its thresholds are not the ones rule estimated-f1" in p and "token: recorded 0.9," in p


def test_rescore_moves_entries_from_an_older_threshold_rule_to_the_current_one(board):
    """An entry whose thresholds the rule before this one set (matched flag rate: shares, no
    rule name) fails the check with a hint; --rescore recomputes them into the results alone,
    and the board passes again. The predictions are never rewritten: their header keeps the
    thresholds of the run that wrote them, their hash stays the one recorded then."""
    root, results, data = board
    pred = results / "lexicon" / "news.predictions.jsonl.gz"
    written = sha256_file(pred)

    def older(thresholds):
        thresholds.pop("rule")
        thresholds.update(token=0.5, token_share=0.26, document_share=0.75)

    edit_json(results / "lexicon" / "news.json", lambda o: older(o["thresholds"]))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "older rule" in p and "--rescore" in p
    assert spinbench(["leaderboard", "--rescore", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data]) == 0
    assert problems(board) == []
    stored = json.loads((results / "lexicon" / "news.json").read_text())
    assert stored["thresholds"]["rule"] == RULE_NAME and "token_share" not in stored["thresholds"]
    assert sha256_file(pred) == written == stored["predictions_sha256"] == stored["rescored"]["predictions_sha256"]


def test_an_entry_without_the_hash_of_its_predictions_is_refused(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o.pop("predictions_sha256"))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "names no hash of its predictions" in p


@pytest.mark.parametrize("edit, needle", [
    (lambda o: o["model"]["params"].update(max_n=9), "header params"),
    (lambda o: o["model"].update(target="elsewhere:Better"), "header target"),
    (lambda o: o.update(hacked=True), "Additional properties are not allowed ('hacked'"),
    (lambda o: (o["harness"].update(git_dirty=True), o["harness"].pop("dirty_allowed", None)), "made by code that is not committed"),
    (lambda o: o["bootstrap"].update(resamples=1), "1 bootstrap resamples"),
    (lambda o: o["validation"].update(predictions_sha256="0" * 64), "not the validation predictions"),
    # from a second fresh-clone trial
    (lambda o: o["validation"].update(predictions=".cal/elsewhere.predictions.jsonl.gz"), "validation/predictions"),
    (lambda o: o["harness"].update(git_commit="hello"), "harness/git_commit"),
    (lambda o: o["harness"].update(git_commit=None, git_dirty=None), "names no git commit"),
    (lambda o: o["dataset"].update(documents=5), "it says 5 documents"),
])
def test_provenance_and_admission_are_checked_field_by_field(board, edit, needle):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", edit)
    found = problems(board)
    assert any(p.startswith("lexicon/news:") and needle in p for p in found), found


def test_a_changed_header_model_is_caught(board):
    root, results, _ = board
    _rewrite_predictions(results, "lexicon", "news", lambda h: h["params"].update(alpha=9.0))
    [p] = problems(board)
    assert "header params" in p


def _copy_model(results, model, name):
    """A model's folder copied under another name, renamed everywhere and every hash fixed: only
    the scores give it away."""
    import shutil

    shutil.copytree(results / model, results / name)
    for config in CONFIGS:
        edit_json(results / name / f"{config}.json", lambda o: o["model"].update(name=name))
        _rewrite_predictions(results, name, config, lambda h: h.update(model=name))
    cal = results / name / "validation.predictions.jsonl.gz"
    rows = read_jsonl_gz(cal)
    rows[0]["header"]["model"] = name
    write_jsonl_gz(cal, rows)
    for config in CONFIGS:
        edit_json(results / name / f"{config}.json", lambda o: o["validation"].update(predictions_sha256=sha256_file(cal)))


def test_partial_and_duplicate_submissions_are_flagged(board):
    root, results, _ = board
    _copy_model(results, "lexicon", "copycat")
    (results / "all-spun" / "unseen-domain.json").unlink()
    (results / "all-spun" / "unseen-domain.predictions.jsonl.gz").unlink()
    found = problems(board)
    assert "all-spun: a partial submission: no entry for unseen-domain (every model is scored on every config)" in found
    assert any(p.startswith("copycat and lexicon: their token scores on news/validation rank-correlate at 1.0000") for p in found), found


def test_a_submission_must_use_the_leaderboards_resampling(board, capsys):
    root, results, data = board
    code = spinbench(["evaluate", "--model", "lexicon", "--dataset", data, "--submit", "--allow-dirty", "--out", str(root / "new"), "--bootstrap", "1"])
    assert code == 2 and "1 bootstrap resamples with seed 0; the leaderboard's use 1,000 with seed 0" in capsys.readouterr().err
    assert not (root / "new").exists()


def test_stray_files_are_named(board):
    root, results, _ = board
    (results / "lexicon" / "notes.txt").write_text("mine")
    (results / "lexicon" / "news.json.tmp").write_text("{}")
    (results / "README.txt").write_text("hello")
    found = problems(board)
    for name in ("lexicon/notes.txt", "lexicon/news.json.tmp", "README.txt"):
        assert any(p.startswith(name + ":") and "stray" in p for p in found), (name, found)


# From a second fresh-clone trial.


def test_a_copy_of_a_model_is_flagged_by_its_validation_predictions(board):
    root, results, _ = board
    _copy_model(results, "lexicon", "lexicon2")
    found = problems(board)
    assert found == ["lexicon and lexicon2: their token scores on news/validation rank-correlate at 1.0000 (at least 0.999 is a near copy): "
                     "one model submitted under two names"]


def test_folders_that_are_not_model_names_and_hidden_entries_are_named(board):
    root, results, _ = board
    (results / "rand | x`").mkdir()
    (results / "lexicon" / ".cal").mkdir()
    found = problems(board)
    assert any("'rand | x`': not a model's folder" in p for p in found), found
    assert any(p.startswith("lexicon/.cal: a stray file") for p in found), found


def test_leftover_validation_predictions_are_named_and_a_lock_alone_is_no_entry(board):
    """From a forger's trial: a validation predictions file no entry names was never checked
    (any bytes passed); a folder left holding only a run's lock (its entry removed) read as an
    entry with no results file."""
    from harness.runs.paths import LOCK_NAME

    root, results, _ = board
    (results / "lexicon" / "calibration.predictions.jsonl.gz").write_bytes(b"x")
    (results / "gone").mkdir()
    (results / "gone" / LOCK_NAME).touch()
    found = problems(board)
    assert found == ["lexicon/calibration.predictions.jsonl.gz: no entry in " + str(results / "lexicon")
                     + " names it (its validation predictions are another file): a leftover, so remove it"], found


def test_check_and_rescore_together_are_refused(board, capsys):
    root, results, data = board
    code = spinbench(["leaderboard", "--check", "--rescore", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data])
    assert code == 2 and "run one, then the other" in capsys.readouterr().err
