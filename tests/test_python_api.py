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
    script = subprocess.run([sys.executable, "examples/my_detector.py", "--dataset", str(tiny_dataset), "--output-dir", str(tmp_path / "py")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert script.returncode == 0, script.stderr
    assert "KeywordDetector on news/test: token F1" in script.stdout
    shell = subprocess.run([sys.executable, "-m", "harness.cli.main", "evaluate", "--model", "examples.my_detector:KeywordDetector",
                            "--model-args", "smoothing=2.0", "--dataset", str(tiny_dataset), "--output-dir", str(tmp_path / "sh")],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert shell.returncode == 0, shell.stderr
    from_python = harness.read_results(tmp_path / "py" / "KeywordDetector" / "news.test.json")
    from_shell = harness.read_results(tmp_path / "sh" / "examples.my_detector-KeywordDetector" / "news.test.json")
    assert from_python.scores == from_shell.scores
    assert from_python.model.params == from_shell.model.params == {"smoothing": 2.0}


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
        code = evaluate_main(["--model", "lexicon", "--dataset", str(tiny_dataset), "--output-dir", str(tmp_path), "--bootstrap", "20"])
    finally:
        sys.setprofile(None)
    assert code == 0
    assert callers == [("evaluation_commands.py", "evaluate")]


@pytest.mark.parametrize("argv, needle", [
    (["--seed", "-1"], "seed must be a whole number of at least 0"),
    (["--bootstrap", "100000000"], "must be a whole number from 1 to 100,000"),
])
def test_bad_resampling_options_are_refused_before_any_work(tiny_dataset, tmp_path, capsys, argv, needle):
    code = evaluate_main(["--model", "lexicon", "--dataset", str(tiny_dataset), "--output-dir", str(tmp_path), *argv])
    err = capsys.readouterr().err
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1  # one line, no fitting first
    assert list(tmp_path.iterdir()) == []
