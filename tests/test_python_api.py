"""The researcher's way in from Python: ``harness.evaluate`` with a detector object in hand (as
in a notebook), typed results, ``harness.rescore``, the ``examples/`` detector from Python and the
shell, and the pipeline's shape (its stages never call back into ``evaluate.py``)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness.cli.main import evaluate_main
from harness.core.errors import SpinbenchError

ROOT = Path(__file__).resolve().parents[1]


class Shouty:
    """Flags capitalised words: a detector typed into a notebook cell."""

    requires_fit = False

    def predict_token_proba(self, docs):
        return [[0.9 if t[:1].isupper() else 0.1 for t in doc] for doc in docs]


def test_an_in_memory_detector_is_evaluated_end_to_end(tiny_dataset, tmp_path):
    results = harness.evaluate(Shouty(), dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=50)
    assert isinstance(results, harness.Results)
    assert results.model.name == "Shouty" and results.model.target.endswith(":Shouty")
    assert (results.dataset.config, results.dataset.split) == ("news", "test")
    f1, low, high = results.get_score("token", "f1", ci=True)
    assert 0 < f1 < 1 and low <= f1 <= high
    assert results.get_score("token", "f1") == results.scores["token"]["f1"]["value"] == results.main_score["value"]
    assert not results.is_entry and any("50 bootstrap resamples" in p for p in results.entry_problems)  # the leaderboard's are 1,000
    assert results.path == tmp_path / "Shouty" / "news.test.json"  # an ordinary run's name
    # what it wrote reads back as the same results, through the one schema
    again = harness.read_results(results.path)
    assert again.scores == results.scores and again.thresholds == results.thresholds
    assert json.loads(results.path.read_text())["model"]["name"] == "Shouty"
    # and its predictions rescore to the same numbers
    rescored = harness.rescore(results.path.parent / results.predictions, dataset=str(tiny_dataset), n_boot=50, write=False)
    assert rescored.scores == results.scores


def test_write_false_writes_nothing_and_unknown_scores_say_what_exists(tiny_dataset, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    results = harness.evaluate(Shouty(), config="unseen-domain", dataset=str(tiny_dataset), n_boot=20, write=False)
    assert results.path is None and list(tmp_path.iterdir()) == []
    assert results.dataset.config == "unseen-domain"
    with pytest.raises(KeyError, match="token/auprc"):
        results.get_score("token", "accuracy")


def test_an_object_and_its_import_path_score_the_same(tiny_dataset, tmp_path):
    from toy_detectors import Suggesting

    by_object = harness.evaluate(Suggesting(), dataset=str(tiny_dataset), n_boot=30, write=False)
    by_name = harness.evaluate("toy_detectors:Suggesting", dataset=str(tiny_dataset), n_boot=30, write=False)
    assert by_object.scores == by_name.scores and by_object.thresholds == by_name.thresholds


@pytest.mark.parametrize("bad, needle", [
    (object(), "not a detector"),
    (Shouty, "pass an instance"),
])
def test_things_that_are_not_detectors_are_refused(tiny_dataset, bad, needle):
    with pytest.raises(SpinbenchError, match=needle):
        harness.evaluate(bad, dataset=str(tiny_dataset), write=False)


def test_model_args_belong_to_names_not_objects(tiny_dataset):
    with pytest.raises(SpinbenchError, match="model_args are for models given by name"):
        harness.evaluate(Shouty(), model_args={"x": 1}, dataset=str(tiny_dataset), write=False)


def test_fit_false_scores_an_already_fitted_detector_as_it_is(tiny_dataset):
    sys.path.insert(0, str(ROOT))
    from examples.my_detector import KeywordDetector

    split = harness.load("news", "train", dataset=str(tiny_dataset))
    fitted = KeywordDetector().fit(split.token_texts(), split.gold.doc_labels())
    as_is = harness.evaluate(fitted, dataset=str(tiny_dataset), fit=False, n_boot=20, write=False)
    refitted = harness.evaluate(KeywordDetector(), dataset=str(tiny_dataset), n_boot=20, write=False)
    assert as_is.scores == refitted.scores
    with pytest.raises(SpinbenchError, match="failed in predict_token_proba: AttributeError"):
        harness.evaluate(KeywordDetector(), dataset=str(tiny_dataset), fit=False, write=False)  # never fitted: no rates_


def test_the_example_runs_from_python_and_from_the_shell(tiny_dataset, tmp_path):
    script = subprocess.run([sys.executable, "examples/my_detector.py", "--dataset", str(tiny_dataset), "--out", str(tmp_path / "py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert script.returncode == 0, script.stderr
    assert "KeywordDetector on news/test: token F1" in script.stdout
    shell = subprocess.run([sys.executable, "-m", "harness.cli.main", "evaluate", "--model", "examples.my_detector:KeywordDetector",
                            "--dataset", str(tiny_dataset), "--out", str(tmp_path / "sh")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert shell.returncode == 0, shell.stderr
    from_python = harness.read_results(tmp_path / "py" / "KeywordDetector" / "news.test.json")
    from_shell = harness.read_results(tmp_path / "sh" / "examples.my_detector-KeywordDetector" / "news.test.json")
    assert from_python.scores == from_shell.scores
    assert from_python.model.params == from_shell.model.params == {"smoothing": 1.0}


def test_the_pipeline_never_calls_back_into_evaluate_py(tiny_dataset, tmp_path):
    """Following cmd_evaluate's call down the stages: evaluate.py is entered from the CLI only,
    and no stage (prepare, predict, score, record, write) calls a function of evaluate.py."""
    here = str(ROOT / "harness" / "evaluation" / "evaluate.py")
    callers = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == here and frame.f_back is not None:
            caller = frame.f_back.f_code.co_filename
            if caller != here:
                callers.append((Path(caller).name, frame.f_code.co_name))

    sys.setprofile(watch)
    try:
        code = evaluate_main(["--model", "lexicon", "--dataset", str(tiny_dataset), "--out", str(tmp_path), "--bootstrap", "20"])
    finally:
        sys.setprofile(None)
    assert code == 0
    assert callers == [("evaluation_commands.py", "evaluate")]


@pytest.mark.parametrize("argv, needle", [
    (["--seed", "-1"], "seed must be a whole number of at least 0"),
    (["--bootstrap", "100000000"], "must be a whole number from 1 to 100,000"),
])
def test_bad_resampling_options_are_refused_before_any_work(tiny_dataset, tmp_path, capsys, argv, needle):
    code = evaluate_main(["--model", "lexicon", "--dataset", str(tiny_dataset), "--out", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1  # one line, no fitting first
    assert list(tmp_path.iterdir()) == []


# Found by a new user's trial from a fresh clone.


class NoFit:
    def predict_token_proba(self, docs):
        return [[0.5] * len(d) for d in docs]


class Hidden:
    requires_fit = False

    def __init__(self, a: float = 1.0):
        self.b = a  # not stored under its own name: results would record the default

    def predict_token_proba(self, docs):
        return [[0.5] * len(d) for d in docs]


def test_a_detector_without_fit_that_needs_one_is_one_clear_error(tiny_dataset):
    with pytest.raises(SpinbenchError, match="has no fit\\(docs, labels\\) method; a detector that needs no training sets requires_fit = False"):
        harness.evaluate(NoFit(), dataset=str(tiny_dataset), write=False)


def test_a_detector_fitted_elsewhere_or_typed_into_a_script_cannot_be_submitted(tiny_dataset, tmp_path):
    sys.path.insert(0, str(ROOT))
    from examples.my_detector import KeywordDetector

    split = harness.load("news", "test", dataset=str(tiny_dataset))
    cheat = KeywordDetector().fit(split.token_texts(), split.gold.doc_labels())  # fitted on the test split
    with pytest.raises(SpinbenchError, match="fit=False: a model fitted outside the harness"):
        harness.evaluate(cheat, fit=False, dataset=str(tiny_dataset), output_dir=tmp_path, submit=True, allow_dirty=True)
    Typed = type("Typed", (NoFit,), {"requires_fit": False, "__module__": "__main__"})
    with pytest.raises(SpinbenchError, match="defined in a script or notebook"):
        harness.evaluate(Typed(), dataset=str(tiny_dataset), output_dir=tmp_path, submit=True, allow_dirty=True)
    assert list(tmp_path.iterdir()) == []


def test_a_name_taken_by_another_model_is_refused_for_a_submission(tiny_dataset, tmp_path):
    harness.evaluate("lexicon", dataset=str(tiny_dataset), output_dir=tmp_path, submit=True, allow_dirty=True)
    with pytest.raises(SpinbenchError, match="another model's entry"):
        harness.evaluate("random", config="unseen-domain", name="lexicon", dataset=str(tiny_dataset), output_dir=tmp_path, submit=True, allow_dirty=True)
    assert sorted(p.name for p in (tmp_path / "lexicon").iterdir() if not p.name.startswith(".")) == [
        "news.json", "news.predictions.jsonl.gz", "validation.predictions.jsonl.gz"]


def test_rescoring_reads_and_never_writes_over_its_input(tiny_dataset, tmp_path):
    first = harness.evaluate("lexicon", dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=50)
    predictions = first.path.parent / first.predictions
    before = predictions.read_bytes(), first.path.read_bytes()
    again = harness.rescore(predictions, dataset=str(tiny_dataset), n_boot=50)  # writes nothing by default
    assert again.scores == first.scores and again.thresholds == first.thresholds and again.path is None
    with pytest.raises(SpinbenchError, match="would write over it"):
        harness.rescore(predictions, dataset=str(tiny_dataset), n_boot=50, output_dir=tmp_path, write=True, threshold=0.9, doc_threshold=0.9)
    assert (predictions.read_bytes(), first.path.read_bytes()) == before


@pytest.mark.parametrize("kwargs, needle", [
    ({"threshold": "0.5"}, "threshold (--threshold) must be a number in [0, 1]"),
    ({"doc_threshold": -1}, "doc_threshold (--doc-threshold) must be a number in [0, 1]"),
    ({"name": 123}, "is not a plain name"),
])
def test_bad_arguments_fail_before_any_work(tiny_dataset, kwargs, needle):
    class Slow(NoFit):
        requires_fit = False

        def predict_token_proba(self, docs):
            raise AssertionError("predicted before the arguments were checked")

    with pytest.raises(SpinbenchError) as err:
        harness.evaluate(Slow(), dataset=str(tiny_dataset), write=False, **kwargs)
    assert needle in str(err.value)


def test_model_args_must_be_a_dict_and_hyperparameters_json(tiny_dataset):
    with pytest.raises(SpinbenchError, match="model_args must be a dict"):
        harness.evaluate("lexicon", model_args="alpha=1", dataset=str(tiny_dataset), write=False)

    class NumpyParam(NoFit):
        requires_fit = False

        def __init__(self, k=2):
            self.k = k

    import numpy as np

    with pytest.raises(SpinbenchError, match="hyperparameter k=np.int64\\(2\\) \\(int64\\) cannot be recorded"):
        harness.evaluate(NumpyParam(k=np.int64(2)), dataset=str(tiny_dataset), write=False)


def test_check_detector_names_what_it_was_given_and_hidden_hyperparameters():
    with pytest.raises(harness.check_detector.__globals__["ConformanceError"], match="takes the detector's class"):
        harness.check_detector(NoFit())
    with pytest.raises(harness.check_detector.__globals__["ConformanceError"], match="does not store \\['a'\\]"):
        harness.check_detector(Hidden)


def test_intervals_are_checked_where_they_are_written():
    with pytest.raises(ValueError, match="empty"):
        harness.Interval(2, 1)
    with pytest.raises(ValueError, match="finite numbers"):
        harness.Interval("x")


def test_results_read_well_in_a_notebook(tiny_dataset):
    results = harness.evaluate(Shouty(), dataset=str(tiny_dataset), n_boot=20, write=False)
    assert repr(results).startswith("Results(model='Shouty', news/test, token F1 ") and len(repr(results)) < 200
    assert "span (strict)" in results.summary() and "false alarms on the" in results.summary()
    with pytest.raises(KeyError, match="a count or a table"):
        results.get_score("false_alarms", "clean_documents")
    with pytest.raises(KeyError, match="did you mean 'token/f1'"):
        results.get_score("token", "F1")
    assert harness.profile(harness.load("news", "test", dataset=str(tiny_dataset)))["documents"] >= 0


def test_a_run_with_thresholds_given_by_hand_rescores_with_them(tiny_dataset, tmp_path):
    run = harness.evaluate("lexicon", dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=20, threshold=0.4, doc_threshold=0.6)
    again = harness.rescore(run.path.parent / run.predictions, dataset=str(tiny_dataset), n_boot=20)
    assert again.thresholds == run.thresholds and again.thresholds.chosen_on == "given" and again.scores == run.scores


def test_a_run_fitted_outside_stays_unsubmittable_through_its_predictions(tiny_dataset, tmp_path):
    sys.path.insert(0, str(ROOT))
    from examples.my_detector import KeywordDetector

    split = harness.load("news", "train", dataset=str(tiny_dataset))
    fitted = KeywordDetector().fit(split.token_texts(), split.gold.doc_labels())
    run = harness.evaluate(fitted, fit=False, dataset=str(tiny_dataset), output_dir=tmp_path / "runs", n_boot=20)
    assert run.model.fitted_outside and any("fit=False" in p for p in run.entry_problems)
    with pytest.raises(SpinbenchError, match="fit=False"):
        harness.rescore(run.path.parent / run.predictions, dataset=str(tiny_dataset), output_dir=tmp_path / "results", submit=True, allow_dirty=True)


def test_config_all_checks_every_split_before_any_work(tiny_dataset, tmp_path, capsys):
    code = evaluate_main(["--model", "lexicon", "--config", "all", "--split", "train", "--dataset", str(tiny_dataset), "--out", str(tmp_path)])
    assert code == 2 and "unseen-spinner" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_false_alarms_without_clean_documents_are_undefined(tiny_dataset):
    from harness.core.dataset import GoldColumns
    from harness.evaluation.scoring import score_split

    split = harness.load("unseen-domain", "test", dataset=str(tiny_dataset))
    spun = [r for r in split.records if any(r["labels"])]
    only_spun = GoldColumns.from_records(spun)
    scores = score_split(only_spun, [[0.5] * n for n in only_spun.lengths], [0.5] * len(spun), 0.5, 0.5, n_boot=20)
    assert scores["false_alarms"]["clean_documents"] == 0 and scores["false_alarms"]["documents_flagged"]["value"] is None


def test_a_small_groups_row_keeps_its_columns_apart():
    import re

    results = harness.Results.example()
    m = {"value": 0.692, "ci95": [None, None]}
    results.scores["breakdown"] = {"domain": {"unknown": {"documents": 3, "tokens": 51, "precision": m, "recall": m, "f1": m}}}
    results.scores["false_alarms"]["documents_flagged"] = {"value": None, "ci95": [None, None]}
    [row] = [line for line in results.summary().splitlines() if line.strip().startswith("unknown")]
    assert re.search(r"0\.692\s+0\.692\s+0\.692 \(too few documents\)$", row), row


def test_the_summary_lists_clean_first_then_regimes_and_rate_bands_in_their_order_with_the_bands_ranges():
    results = harness.Results.example()
    m = {"value": 0.5, "ci95": [0.4, 0.6]}
    row = {"documents": 20, "tokens": 900, "precision": m, "recall": m, "f1": m}
    results.scores["breakdown"] = {"rate_band": {b: row for b in ("heavy", "clean", "light", "low", "medium")},
                                   "regime": {r: row for r in ("partial", "clean", "sparse", "whole")}}

    def shown(heading):
        table = results.summary().split(f"token scores by {heading}:\n", 1)[1].split("\n\n")[0]
        return [line.split()[0] for line in table.splitlines() if not line.lstrip().startswith(("(", "group"))]

    # the rate bands' table says what each covers, under its heading
    ranges = ("low under 20% (sparse and most partial documents); light 20% to under 29%, medium 29% to under 38%, heavy 38% and over "
              "(light, medium and heavy split into thirds the 20-47% that whole-article spinning is asked for)")
    assert f"token scores by rate band:\n  (the share of a document's tokens the spinner was asked to replace: {ranges})\n" in results.summary()
    assert shown("rate band") == ["clean", "low", "light", "medium", "heavy"]
    assert shown("regime") == ["clean", "whole", "sparse", "partial"]


def test_the_summary_keeps_the_level_tables_columns_apart_for_a_small_split():
    import dataclasses
    import re

    results = harness.Results.example()
    for level in ("token", "span_strict", "span_partial", "document"):
        for metric in ("precision", "recall", "f1"):
            results.scores[level][metric] = {"value": 0.674, "ci95": [None, None]}
    results.dataset = dataclasses.replace(results.dataset, documents=2)
    [row] = [line for line in results.summary().splitlines() if line.startswith("span (partial)")]
    assert re.fullmatch(r"span \(partial\)( +0\.674 \(too few documents\)){3}", row), row


def test_the_summary_says_when_the_document_cut_flags_nearly_every_document():
    """On unseen-domain every detector's document cut passes nearly all documents: F1 then sits at
    the flag-everything floor's, which the table says rather than leave it to pass as a finding."""
    import dataclasses

    results = harness.Results.example()
    results = dataclasses.replace(results, dataset=dataclasses.replace(results.dataset, documents=264))
    s = results.scores
    n = results.dataset.documents
    s["false_alarms"]["clean_documents"] = clean = 68
    spun = n - clean
    s["document"]["recall"]["value"], s["document"]["precision"]["value"] = 1.0, spun / (n - 1)  # all but one clean document flagged
    line = f"the document cut flags {n - 1:,} of the {n:,} documents ({clean - 1:,} of the {clean:,} clean ones)"
    assert line in results.summary() and f"flagging every one scores ({2 * spun / (n + spun):.3f})" in results.summary()
    s["document"]["precision"]["value"] = 0.99  # few false alarms: no such line
    assert "the document cut flags" not in results.summary()
