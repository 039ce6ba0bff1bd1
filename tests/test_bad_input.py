"""What users will do to evaluate, the fit cache, results and the leaderboard, and the answers
they get: one line naming the problem, exit status 2, nothing written.

The corpus side's bad input (pairs, sources, build) is in test_bad_input_corpus.py.
"""

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

import harness
from harness.cli.main import evaluate_main
from harness.cli.main import main as spinbench
from harness.core.configs import CONFIGS
from harness.core.files import write_json
from harness.evaluation.evaluate import evaluate
from harness.evaluation.leaderboard import collect, render
from harness.evaluation.results import ResultsError, read_results
from harness.evaluation.verify import check


@pytest.fixture
def data(tiny_dataset):
    return str(tiny_dataset)


def run_cli(capsys, *argv, prog=evaluate_main):
    code = prog(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line_error(err: str, *needles: str) -> None:
    """Exactly one error line, no traceback; progress messages may come before it."""
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and "Traceback" not in err, err
    for needle in needles:
        assert needle in errors[0], (needle, err)


def board(tmp_path, data, models=("lexicon", "all-spun")):
    results = tmp_path / "results"
    for model in models:
        for config in CONFIGS:  # a whole submission: the leaderboard flags partial ones
            evaluate(model, config=config, dataset=data, output_dir=results, submit=True, allow_dirty=True)
    (tmp_path / "leaderboard.md").write_text(render(collect(results)))
    return results


# 1. The leaderboard takes only test-split runs at validation-chosen thresholds.


def test_an_ordinary_run_goes_to_runs_and_says_so(tmp_path, data, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(capsys, "--model", "lexicon", "--split", "train", "--dataset", data, "--bootstrap", "20")
    assert code == 0
    assert (tmp_path / "runs" / "lexicon" / "news.train.json").exists()
    assert not (tmp_path / "results").exists()
    assert "wrote runs/lexicon/news.train.json" in out
    assert "not a leaderboard entry: it was scored on the 'train' split" in out


def test_submit_refuses_a_training_split_or_given_thresholds_and_writes_nothing(tmp_path, data, capsys):
    for extra in (["--split", "train"], ["--threshold", "0.3"]):
        code, _, err = run_cli(capsys, "--model", "lexicon", "--dataset", data, "--submit", "--out", str(tmp_path / "results"), "--bootstrap", "20", *extra)
        assert code == 2
        one_line_error(err, "not a leaderboard entry, so nothing was written")
    assert not (tmp_path / "results").exists()


def test_check_rejects_an_entry_scored_on_train_or_with_given_thresholds(tmp_path, data):
    results = board(tmp_path, data)
    ad_hoc = evaluate("lexicon", split="train", dataset=data, output_dir=tmp_path / "runs", n_boot=20)
    shutil.copy(ad_hoc.path, results / "lexicon" / "news.json")
    shutil.copy(ad_hoc.path.parent / ad_hoc.predictions, results / "lexicon" / "news.predictions.jsonl.gz")
    [problem] = check(results, tmp_path / "leaderboard.md", data)
    assert problem.startswith("lexicon/news:") and "scored on the 'train' split" in problem
    with pytest.raises(ResultsError, match="not a leaderboard entry"):
        collect(results)


def test_stray_results_files_are_named(tmp_path, data):
    results = board(tmp_path, data)
    shutil.copy(results / "lexicon" / "news.json", results / "lexicon" / "news.test.json")
    assert any("news.test.json: not a leaderboard entry" in p for p in check(results, tmp_path / "leaderboard.md", data))


# 2. Missing files and folders fail, naming the path.


def test_results_deleted_but_predictions_kept_is_named(tmp_path, data):
    results = board(tmp_path, data)
    (results / "lexicon" / "news.json").unlink()
    found = check(results, tmp_path / "leaderboard.md", data)
    assert any("lexicon/news: predictions" in p and "have no results file news.json" in p for p in found)


def test_missing_results_folder_fails_for_render_and_check(tmp_path, capsys):
    missing = tmp_path / "resluts"
    code, _, err = run_cli(capsys, "leaderboard", "--results", str(missing), "--out", str(tmp_path / "lb.md"), prog=spinbench)
    assert code == 2
    one_line_error(err, f"no results folder at {missing}")
    assert not (tmp_path / "lb.md").exists()
    code, _, err = run_cli(capsys, "leaderboard", "--check", "--results", str(missing), "--out", str(tmp_path / "lb.md"), prog=spinbench)
    assert code == 1 and f"no results folder at {missing}" in err


def test_older_output_options_still_work_and_say_their_new_name(tmp_path, capsys):
    results = str(tmp_path / "nowhere")
    code, _, err = run_cli(capsys, "leaderboard", "--results", results, "--output", str(tmp_path / "lb.md"), prog=spinbench)
    assert code == 2 and "warning: --output is now --out" in err and "no results folder" in err


def test_leaderboard_output_replaces_only_a_leaderboard(tmp_path, capsys):
    results = str(Path(__file__).parents[1] / "results")  # the committed entries: rendering needs no dataset
    for name, content in (("pyproject.toml", "[project]\nname = 'x'\n"), ("README.md", "# my project\n"), ("empty.md", "")):
        (tmp_path / name).write_text(content)
        code, _, err = run_cli(capsys, "leaderboard", "--results", results, "--out", str(tmp_path / name), prog=spinbench)
        assert code == 2
        one_line_error(err, f"{tmp_path / name} exists and is not a spinbench leaderboard", "choose another --out")
        assert (tmp_path / name).read_text() == content
    code, _, err = run_cli(capsys, "leaderboard", "--results", results, "--out", str(tmp_path), prog=spinbench)
    assert code == 2
    one_line_error(err, "is a folder")
    (tmp_path / "lb.md").write_text("# spinbench leaderboard\n\nan earlier rendering\n")
    code, _, _ = run_cli(capsys, "leaderboard", "--results", results, "--out", str(tmp_path / "lb.md"), prog=spinbench)
    assert code == 0 and "an earlier rendering" not in (tmp_path / "lb.md").read_text()


# 3. Names are plain.


@pytest.mark.parametrize("name", ["..", ".", "../x", "a/b", "", "-x"])
def test_names_that_are_not_plain_are_refused(tmp_path, data, capsys, name, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "--model", "all-spun", "--dataset", data, f"--name={name}", "--bootstrap", "20")
    assert code == 2
    one_line_error(err, "is not a plain name")
    assert list(tmp_path.iterdir()) == []


# 4. Provenance says what happened.


def test_given_thresholds_are_recorded_as_given(tmp_path, data):
    res = evaluate("lexicon", dataset=data, output_dir=tmp_path, n_boot=20, threshold=0.3)
    assert res.thresholds.token == 0.3
    assert res.thresholds.chosen_on == "token: given; document: news/validation"
    res = evaluate("lexicon", dataset=data, output_dir=tmp_path, n_boot=20, threshold=0.3, doc_threshold=0.2)
    assert res.thresholds.chosen_on == "given"


def test_a_predictions_file_without_header_needs_both_thresholds(tmp_path, data, capsys):
    made = evaluate("lexicon", dataset=data, output_dir=tmp_path / "a", n_boot=20)
    rows = [json.loads(line) for line in gzip.open(made.path.parent / made.predictions, "rt")][1:]
    bare = tmp_path / "bare.jsonl.gz"
    bare.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    code, _, err = run_cli(capsys, "--model", str(bare), "--dataset", data, "--out", str(tmp_path / "b"))
    assert code == 2
    one_line_error(err, "the file has no header line", "--threshold and --doc-threshold")
    res = evaluate(str(bare), dataset=data, output_dir=tmp_path / "b", n_boot=20, threshold=0.4, doc_threshold=0.5)
    assert res.thresholds.to_json() == {"token": 0.4, "document": 0.5, "chosen_on": "given"}
    # a header without thresholds, and a file with nothing in it, say so
    headed = tmp_path / "headed.jsonl.gz"
    headed.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in [{"header": {"model": "mine"}}, *rows]).encode()))
    code, _, err = run_cli(capsys, "--model", str(headed), "--dataset", data, "--out", str(tmp_path / "c"))
    assert code == 2
    one_line_error(err, "the header gives no token_threshold", "--threshold and --doc-threshold")
    empty = tmp_path / "empty.jsonl.gz"
    empty.write_bytes(gzip.compress(b""))
    code, _, err = run_cli(capsys, "--model", str(empty), "--dataset", data, "--out", str(tmp_path / "d"))
    assert code == 2
    one_line_error(err, "the file is empty (no header line and no predictions)")


def test_a_broken_line_of_a_predictions_file_is_named_by_its_line_in_the_file(tmp_path, data, capsys):
    made = evaluate("lexicon", dataset=data, output_dir=tmp_path / "a", n_boot=20)
    lines = gzip.open(made.path.parent / made.predictions, "rt").read().splitlines()
    assert len(lines) > 2
    lines[-1] = lines[-1][:30]  # the last line cut short
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    code, _, err = run_cli(capsys, "--model", str(broken), "--dataset", data, "--out", str(tmp_path / "b"))
    assert code == 2
    one_line_error(err, "not a JSONL predictions file", f": line {len(lines)} column")
    import pickle

    from harness.core.files import read_jsonl_gz

    with pytest.raises(json.JSONDecodeError) as raised:
        read_jsonl_gz(broken)
    again = pickle.loads(pickle.dumps(raised.value))  # as an error crosses processes
    assert str(again) == str(raised.value) and again.lineno == len(lines)


def test_a_predictions_file_scored_alone_says_its_per_document_cut_is_the_splits(tmp_path, data):
    """Without the validation predictions beside it, a file's documents are each cut at the split's
    token cut, not at the one-text cut `detect` would use: the summary says which."""
    import shutil

    made = evaluate("lexicon", dataset=data, output_dir=tmp_path / "a", n_boot=20)
    assert "each at the cut `spinbench detect` would use on it alone" in made.summary()
    (tmp_path / "alone").mkdir()
    alone = tmp_path / "alone" / made.predictions
    shutil.copy(made.path.parent / made.predictions, alone)
    res = evaluate(str(alone), dataset=data, output_dir=tmp_path / "b", n_boot=20)
    assert f"each at the split's token cut {res.thresholds.token:.4f} (not the one-text cut" in res.summary()
    assert "needs the validation predictions" in res.summary()
    # a token threshold given by hand is every document's cut; a document threshold alone leaves the one-text cut
    given = evaluate("lexicon", dataset=data, output_dir=tmp_path / "c", n_boot=20, threshold=0.3)
    assert "each at the split's token cut 0.3000 (not the one-text cut `spinbench detect` uses: the token threshold was given by hand)" in given.summary()
    doc_only = evaluate("lexicon", dataset=data, output_dir=tmp_path / "d", n_boot=20, doc_threshold=0.3)
    assert "each at the cut `spinbench detect` would use on it alone" in doc_only.summary()


# 5-7. Detector output and failures.


@pytest.mark.parametrize(
    "model, needles",
    [
        ("toy_detectors:NaNScores", ["returned nan for token 0", "of document", "finite numbers in [0, 1]"]),
        ("toy_detectors:OutOfRange", ["returned 1.5 for token 0"]),
        ("toy_detectors:TooFew", ["scores for document", "tokens"]),
        ("toy_detectors:TooMany", ["scores for document", "tokens"]),
        ("toy_detectors:RaisesInFit", ["failed in fit: RuntimeError: boom in fit"]),
        ("toy_detectors:NeedsAnExtra", ["failed in fit: ModuleNotFoundError: No module named 'sentence_transformers' (it comes with spinbench's "
                                        "embedding extra: python -m pip install -e \".[embedding]\")"]),
        ("toy_detectors:RaisesInPredict", ["failed in predict_token_proba: KeyError: 'no such word'"]),
        ("toy_detectors:FitReturnsNone", ["fit returned None; it must return self"]),
    ],
)
def test_bad_detectors_are_named_and_nothing_is_written(tmp_path, data, capsys, model, needles):
    code, _, err = run_cli(capsys, "--model", model, "--dataset", data, "--out", str(tmp_path / "out"))
    assert code == 2
    one_line_error(err, f"detector {model!r}", *needles)
    assert not (tmp_path / "out").exists()


def test_a_missing_package_that_no_extra_brings_gets_no_install_hint(tmp_path, data, capsys):
    code, _, err = run_cli(capsys, "--model", "toy_detectors:NeedsAnUnknownPackage", "--dataset", data, "--out", str(tmp_path / "out"))
    assert code == 2 and "No module named 'qqqzzx'" in err and "extra" not in err


def test_the_first_bad_document_is_named(tmp_path, data, capsys):
    first = harness.load("news", "validation", dataset=data).records[0]["id"]
    _, _, err = run_cli(capsys, "--model", "toy_detectors:NaNScores", "--dataset", data, "--out", str(tmp_path))
    assert f"of document {first!r}" in err


def test_wrong_lengths_name_both_lengths(tmp_path, data, capsys):
    first = harness.load("news", "validation", dataset=data).records[0]
    n = len(first["tokens"])
    _, _, err = run_cli(capsys, "--model", "toy_detectors:TooFew", "--dataset", data, "--out", str(tmp_path))
    assert f"returned {n - 1} scores for document {first['id']!r} of {n} tokens (in news/validation)" in err  # and which split it is in


@pytest.mark.parametrize(
    "model, token, value",
    [("toy_detectors:StringScores", 0, "'0.5' (str)"), ("toy_detectors:BoolScores", 1, "True (bool)")],
)
def test_strings_and_bools_are_not_scores(tmp_path, data, capsys, model, token, value):
    first = harness.load("news", "validation", dataset=data).records[0]
    code, _, err = run_cli(capsys, "--model", model, "--dataset", data, "--out", str(tmp_path / "out"))
    assert code == 2
    one_line_error(err, f"returned {value} for token {token} ({first['tokens'][token]['text']!r}) of document {first['id']!r}", "not strings or bools")
    assert not (tmp_path / "out").exists()


def test_string_document_scores_are_not_scores(tmp_path, data, capsys):
    first = harness.load("news", "validation", dataset=data).records[0]
    code, _, err = run_cli(capsys, "--model", "toy_detectors:StringDocScores", "--dataset", data, "--out", str(tmp_path / "out"))
    assert code == 2
    one_line_error(err, f"predict_doc_proba returned '0.5' (str) for document {first['id']!r}")


def test_debug_shows_the_detectors_own_traceback(tmp_path, data, capsys):
    code, _, err = run_cli(capsys, "--model", "toy_detectors:RaisesInFit", "--dataset", data, "--out", str(tmp_path), "--debug")
    assert code == 2 and "Traceback" in err and 'raise RuntimeError("boom in fit")' in err


@pytest.mark.parametrize("model", ["toy_detectors:NaNScores", "toy_detectors:TooMany"])
def test_detect_refuses_bad_scores_too(tmp_path, data, capsys, model):
    (tmp_path / "in.txt").write_text("Weighty rain shut three streets close to the harbour.")
    code, out, err = run_cli(capsys, "detect", "--model", model, "--dataset", data, "--threshold", "0.5", str(tmp_path / "in.txt"), prog=spinbench)
    assert code == 2 and out == ""
    one_line_error(err, f"detector {model!r}")


@pytest.mark.parametrize("value", ["nan", "inf", "2", "-0.1", "abc"])
def test_thresholds_must_be_numbers_in_0_1(data, capsys, value):
    with pytest.raises(SystemExit) as exit_:
        evaluate_main(["--model", "lexicon", "--dataset", data, "--threshold", value])
    assert exit_.value.code == 2
    assert "--threshold" in capsys.readouterr().err


def test_results_never_hold_nan(tmp_path):
    with pytest.raises(ValueError):
        write_json(tmp_path / "x.json", {"f1": float("nan")})
    assert not (tmp_path / "x.json").exists()


# 8. Hyperparameters are checked before anything runs.


@pytest.mark.parametrize(
    "args, needle",
    [
        ("max_n=abc", "max_n takes an integer (like its default 4), not 'abc'"),
        ("max_n=-1", "max_n must be in [1, 16], not -1"),
        ("max_n=99999", "max_n must be in [1, 16], not 99999"),
        ("alpha=-2", "alpha must be at least 0"),
        ("max_n=2,max_n=3", "gives 'max_n' twice"),
        ("maxn=2", "has no hyperparameter 'maxn'; did you mean 'max_n'?"),
        ("max_n", "expected key=value"),
    ],
)
def test_bad_model_args(tmp_path, data, capsys, args, needle):
    code, _, err = run_cli(capsys, "--model", "lexicon", "--model-args", args, "--dataset", data, "--out", str(tmp_path))
    assert code == 2
    one_line_error(err, needle)


def test_float_hyperparameters_take_integers(tmp_path, data):
    res = evaluate("lexicon", model_args={"alpha": 1}, dataset=data, output_dir=tmp_path, n_boot=20)
    assert res.model.params["alpha"] == 1.0 and isinstance(res.model.params["alpha"], float)


# 9-10. The fit cache.


def test_a_corrupt_or_empty_cache_entry_is_a_miss(tmp_path, data, caplog):
    evaluate("lexicon", dataset=data, output_dir=tmp_path, n_boot=20)
    from harness.runs.fit_cache import cache_dir

    [entry] = (cache_dir() / "fits").glob("*.pkl")
    for garbage in (b"", b"\x80\x04not a pickle"):
        entry.write_bytes(garbage)
        res = evaluate("lexicon", dataset=data, output_dir=tmp_path, n_boot=20)
        assert res.throughput.fit_seconds is not None  # refitted
        assert "ignoring unreadable cached fit" in caplog.text
        caplog.clear()
    assert not list((cache_dir() / "fits").glob(".*.tmp"))


def test_an_external_lexicon_edit_refits(tmp_path, data):
    lexicon = tmp_path / "list.txt"
    lexicon.write_text("weighty rain\n")
    first = evaluate("lexicon", model_args={"lexicon": str(lexicon)}, dataset=data, output_dir=tmp_path, n_boot=20)
    again = evaluate("lexicon", model_args={"lexicon": str(lexicon)}, dataset=data, output_dir=tmp_path, n_boot=20)
    lexicon.write_text("weighty rain\ncounterfeit consciousness\n")
    edited = evaluate("lexicon", model_args={"lexicon": str(lexicon)}, dataset=data, output_dir=tmp_path, n_boot=20)
    assert first.throughput.fit_seconds is not None and again.throughput.fit_seconds is None
    assert edited.throughput.fit_seconds is not None


def test_the_key_follows_base_classes_imports_and_package_versions(tmp_path, monkeypatch):
    import importlib
    import sys

    from harness.runs.fit_cache import code_fingerprint

    pkg = tmp_path / "mydet"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "base.py").write_text("import numpy\nclass Base:\n    alpha = 1\n")
    (pkg / "model.py").write_text("from mydet.base import Base\nclass Model(Base):\n    pass\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    model = importlib.import_module("mydet.model").Model
    before = code_fingerprint(model)
    assert any(p.startswith("numpy==") for p in before["packages"])
    (pkg / "base.py").write_text("import numpy\nclass Base:\n    alpha = 2\n")
    assert code_fingerprint(model) != before
    for name in ("mydet", "mydet.base", "mydet.model"):
        sys.modules.pop(name, None)


def test_cache_list_and_clear(tmp_path, data, capsys, monkeypatch):
    evaluate("lexicon", dataset=data, output_dir=tmp_path, n_boot=20)
    evaluate("lexicon", model_args={"max_n": 2}, dataset=data, output_dir=tmp_path, n_boot=20)
    code, out, _ = run_cli(capsys, "cache", "list", prog=spinbench)
    assert code == 0 and "2 cached fit(s)" in out
    assert "baselines.lexicon:LexiconDetector(alpha=2.0, external_score=0.9, lexicon=None, max_n=2, min_spun=2)" in out
    assert "pickled detectors" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: no one to ask
    code, _, err = run_cli(capsys, "cache", "clear", prog=spinbench)
    assert code == 2 and "add --yes to confirm" in err
    code, _, err = run_cli(capsys, "cache", "clear", "random", "--yes", prog=spinbench)
    assert code == 2 and "no cached fit of 'random'; cached: baselines.lexicon:LexiconDetector" in err
    code, out, _ = run_cli(capsys, "cache", "clear", "lexicon", "--yes", prog=spinbench)
    assert code == 0 and "removed 2 cached fit(s)" in out
    from harness.runs.fit_cache import cache_dir

    assert not list((cache_dir() / "fits").glob("*"))


@pytest.mark.parametrize("value", ["lots", "-1", "nan", ""])
def test_a_malformed_cache_size_is_one_line(data, capsys, monkeypatch, value):
    monkeypatch.setenv("SPINBENCH_CACHE_MAX_GB", value)
    code, _, err = run_cli(capsys, "cache", "list", prog=spinbench)
    assert code == 2 and "is not a size in GB" in err


# 11. Results name the hash of their predictions.


def test_predictions_that_do_not_belong_to_their_results_are_caught(tmp_path, data):
    results = board(tmp_path, data)
    stored = read_results(results / "lexicon" / "news.json")
    assert len(stored.predictions_sha256) == 64
    other = evaluate("lexicon", model_args={"max_n": 1}, dataset=data, output_dir=tmp_path / "other", submit=True, allow_dirty=True)
    shutil.copy(other.path.parent / other.predictions, results / "lexicon" / "news.predictions.jsonl.gz")
    [problem] = check(results, tmp_path / "leaderboard.md", data)
    assert problem.startswith("lexicon/news:") and "its hash differs" in problem


# 15. Other inputs.


def test_predictions_header_with_a_string_threshold(tmp_path, data, capsys):
    made = evaluate("lexicon", dataset=data, output_dir=tmp_path / "a", n_boot=20)
    rows = [json.loads(line) for line in gzip.open(made.path.parent / made.predictions, "rt")]
    rows[0]["header"]["token_threshold"] = "0.5"
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    code, _, err = run_cli(capsys, "--model", str(bad), "--dataset", data, "--out", str(tmp_path / "b"))
    assert code == 2
    one_line_error(err, "header token_threshold must be a finite number, not '0.5'")


def test_predictions_from_another_config_or_revision(tmp_path, data, capsys):
    made = evaluate("lexicon", config="unseen-spinner", dataset=data, output_dir=tmp_path / "a", n_boot=20)
    path = str(made.path.parent / made.predictions)
    code, _, err = run_cli(capsys, "--model", path, "--config", "news", "--dataset", data, "--out", str(tmp_path / "b"))
    assert code == 2
    one_line_error(err, "predictions are for config 'unseen-spinner', not 'news'")
    rows = [json.loads(line) for line in gzip.open(path, "rt")]
    rows[0]["header"]["dataset_fingerprint"] = "0" * 64
    stale = tmp_path / "stale.jsonl.gz"
    stale.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in rows).encode()))
    code, _, err = run_cli(capsys, "--model", str(stale), "--config", "unseen-spinner", "--dataset", data, "--out", str(tmp_path / "b"))
    assert code == 2
    one_line_error(err, "predictions were made on dataset revision 000000000000")


def test_an_unreachable_hub_dataset_is_one_line(tmp_path, capsys, monkeypatch):
    import datasets

    def offline(*args, **kwargs):
        raise ConnectionError("Couldn't reach 'someone/nosuch' on the Hub (LocalEntryNotFoundError)")

    monkeypatch.setattr(datasets, "load_dataset", offline)
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(capsys, "--model", "all-spun", "--dataset", "someone/nosuch")
    assert code == 2
    one_line_error(err, "cannot load news/test of 'someone/nosuch' from the Hugging Face hub", "ConnectionError")


def test_an_empty_split_is_refused(tmp_path, data, capsys):
    from harness.core.fingerprints import write_split

    shutil.copytree(data, tmp_path / "d")
    write_split(tmp_path / "d" / "news" / "validation.parquet", [])
    code, _, err = run_cli(capsys, "--model", "lexicon", "--dataset", str(tmp_path / "d"), "--out", str(tmp_path / "o"))
    assert code == 2
    one_line_error(err, "news/validation", "has no documents")


# Newcomer friction.


def test_detect_does_not_offer_a_predictions_file(tmp_path, data, capsys):
    (tmp_path / "in.txt").write_text("Some text.")
    code, _, err = run_cli(capsys, "detect", "--model", "lexcon", "--dataset", data, str(tmp_path / "in.txt"), prog=spinbench)
    assert code == 2 and "did you mean 'lexicon'" in err and "predictions file" not in err
    code, _, err = run_cli(capsys, "--model", "lexcon", "--dataset", data)
    assert code == 2 and "or a predictions file" in err


def test_a_mistyped_config_gets_a_suggestion(data, capsys):
    code, _, err = run_cli(capsys, "--model", "lexicon", "--dataset", data, "--config", "unseen-spiner")
    assert code == 2
    one_line_error(err, "did you mean 'unseen-spinner'?")


def test_an_import_path_to_a_function_is_not_a_class(data, capsys):
    code, _, err = run_cli(capsys, "--model", "toy_detectors:not_a_class", "--dataset", data)
    assert code == 2
    one_line_error(err, "toy_detectors:not_a_class is a function, not a detector class")


def test_an_output_dir_that_cannot_be_made_is_refused_before_any_work(tmp_path, tiny_dataset, capsys):
    from harness.cli.main import evaluate_main

    blocker = tmp_path / "afile"
    blocker.write_text("not a folder")
    code = evaluate_main(["--model", "lexicon", "--dataset", str(tiny_dataset), "--out", str(blocker / "sub"), "--bootstrap", "10"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot write results at" in err and "fitting" not in err


# Output locations: checked before any work, one line.


@pytest.mark.parametrize("argv, needle", [
    (["report", "--results", "{tmp}/nowhere", "--out", "/proc/rep"], "cannot write the report (--out) at /proc/rep: files cannot be created in /proc"),
    (["report", "--results", "{tmp}/nowhere", "--out", "{tmp}/afile/sub"], "afile is a file, not a folder"),
    (["leaderboard", "--results", "{tmp}/nowhere", "--out", "/proc/lb.md"], "cannot write the leaderboard (--out) at /proc/lb.md"),
])
def test_output_locations_that_cannot_be_written_are_one_line_before_any_work(tmp_path, capsys, argv, needle):
    (tmp_path / "afile").write_text("x")
    code, _, err = run_cli(capsys, *[a.replace("{tmp}", str(tmp_path)) for a in argv], prog=spinbench)
    assert code == 2
    one_line_error(err, needle)  # not "no results folder": the output is checked first


@pytest.mark.parametrize("argv", [["evaluate"], ["detect", "-"]])
def test_a_cache_that_is_a_file_is_one_line_before_any_work(tmp_path, capsys, monkeypatch, argv):
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "afile"))
    code, _, err = run_cli(capsys, *argv, "--model", "lexicon", "--dataset", str(tmp_path / "nowhere"), prog=spinbench)
    assert code == 2
    one_line_error(err, "cannot write the cache of fitted models ($SPINBENCH_CACHE", "afile is a file, not a folder")


@pytest.mark.parametrize("data, needle", [(b"", "standard input is empty"), (b" \n\t", "standard input is empty"),
                                          (b"a\x00b", "standard input looks binary"), (b"\xff\xfe rain", "standard input is not valid UTF-8")])
def test_text_from_standard_input_is_named_so(monkeypatch, data, needle):
    import io
    import types

    from harness.cli.text_input import read_text_input
    from harness.core.errors import SpinbenchError

    monkeypatch.setattr("sys.stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    with pytest.raises(SpinbenchError, match=needle):
        read_text_input("-")
