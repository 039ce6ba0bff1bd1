"""Bad environments and misbehaving models, as a new user meets them: one line naming the
problem (exit status 2) and nothing lost, never a traceback or a silent exit; and the Python API
shows progress as the command line does."""

import errno
import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness.cli.main import main as spinbench
from harness.core.errors import SpinbenchError
from harness.core.files import FINGERPRINTS, sha256_file, write_json
from harness.core.fingerprints import read_fingerprints

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def data(tiny_dataset):
    return str(tiny_dataset)


def one_line(capsys, code, *needles):
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err, err
    errors = [line for line in err.splitlines() if ": error: " in line]
    assert len(errors) == 1 and all(n in errors[0] for n in needles), err
    return errors[0]


def test_a_dataset_that_is_a_file_is_one_line(tmp_path, capsys, monkeypatch):
    (tmp_path / "data.txt").write_text("not a dataset")
    one_line(capsys, spinbench(["evaluate", "--model", "random", "--dataset", str(tmp_path / "data.txt")]), "data.txt (--dataset", "is a file")
    monkeypatch.setenv("SPINBENCH_DATA", str(tmp_path / "data.txt"))
    one_line(capsys, spinbench(["evaluate", "--model", "random"]), "data.txt ($SPINBENCH_DATA) is a file")


def test_a_full_disk_is_one_line_and_loses_nothing(data, tmp_path, capsys, monkeypatch):
    out = tmp_path / "runs"
    assert spinbench(["evaluate", "--model", "random", "--dataset", data, "--out", str(out)]) == 0
    before = {p: sha256_file(p) for p in out.rglob("*") if p.is_file()}

    def full(path, data):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("harness.core.files.write_bytes", full)
    capsys.readouterr()
    one_line(capsys, spinbench(["evaluate", "--model", "random", "--dataset", data, "--out", str(out)]), "No space left on device",
             "validation.predictions.jsonl.gz", "as they were")
    assert {p: sha256_file(p) for p in out.rglob("*") if p.is_file()} == before


def test_spans_from_a_folder_is_one_line(data, tmp_path, capsys):
    one_line(capsys, spinbench(["evaluate", "--task", "restore", "--model", "keep", "--dataset", data, "--spans-from", str(tmp_path)]),
             "is a folder, not a results file")


@pytest.mark.parametrize("argv, message", [
    (["--model", "toy_detectors:NoPredict"], "a NoPredict (toy_detectors:NoPredict) is not a detector: it has no predict_token_proba(docs) method"),
    (["--task", "restore", "--model", "toy_detectors:NoRestore"], "a NoRestore (toy_detectors:NoRestore) is not a restorer: it has no restore(tokens, spans) method"),
])
def test_a_model_without_its_method_is_refused_before_any_work(data, tmp_path, capsys, argv, message):
    one_line(capsys, spinbench(["evaluate", *argv, "--dataset", data, "--out", str(tmp_path / "runs")]), message)
    assert not (tmp_path / "runs").exists()


def test_a_detector_that_needs_a_fit_and_has_none_is_told_so_before_fitting_is_announced(data, tmp_path, capsys):
    code = spinbench(["evaluate", "--model", "toy_detectors:NoFit", "--dataset", data, "--out", str(tmp_path / "runs")])
    err = capsys.readouterr().err
    assert code == 2 and "has no fit(docs, labels) method" in err and "fitting " not in err, err


def test_a_fit_cache_that_is_a_file_or_holds_a_folder_is_said_before_the_fit(data, tmp_path, capsys, monkeypatch):
    from harness.runs import fit_cache

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "fits").write_text("not a folder")
    monkeypatch.setenv("SPINBENCH_CACHE", str(cache))
    one_line(capsys, spinbench(["evaluate", "--model", "lexicon", "--dataset", data]), "fits is a file, not a folder")

    (cache / "fits").unlink()
    monkeypatch.setattr(fit_cache, "fit_key", lambda *args: "taken")
    fit_cache.entry_path("taken").mkdir(parents=True)

    def never(model):
        raise AssertionError("fitted")

    from baselines.lexicon import LexiconDetector

    with pytest.raises(SpinbenchError, match="holds a folder where this fit goes"):
        fit_cache.fit_with_cache(LexiconDetector(), "baselines.lexicon:LexiconDetector", {}, [], never)


def test_a_model_that_calls_sys_exit_is_an_error_naming_it(data, tmp_path, capsys):
    one_line(capsys, spinbench(["evaluate", "--model", "toy_detectors:ExitsInFit", "--dataset", data, "--out", str(tmp_path)]),
             "detector 'toy_detectors:ExitsInFit' called sys.exit(0) in fit")
    one_line(capsys, spinbench(["evaluate", "--task", "restore", "--model", "toy_detectors:ExitsInRestore", "--dataset", data, "--out", str(tmp_path)]),
             "restorer 'toy_detectors:ExitsInRestore' called sys.exit(0) in restore")


def test_what_a_detector_prints_goes_to_stderr_so_detect_json_stays_json(data, tmp_path, capsys):
    (tmp_path / "in.txt").write_text("Heavy rain fell on the town.")
    assert spinbench(["detect", "--model", "toy_detectors:Prints", "--format", "json", "--dataset", data, str(tmp_path / "in.txt")]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out)["model"] == "toy_detectors:Prints" and "a detector's own chatter" in out.err


def test_candidates_of_thousands_of_words_are_refused(data, tmp_path, capsys):
    one_line(capsys, spinbench(["evaluate", "--task", "restore", "--model", "toy_detectors:LongCandidates", "--dataset", data, "--out", str(tmp_path)]),
             "returned a candidate of 5,000 words for span")


def test_ctrl_c_while_restoring_is_one_line(data, tmp_path, capsys):
    code = spinbench(["evaluate", "--task", "restore", "--model", "toy_detectors:InterruptedRestorer", "--dataset", data, "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 130 and err.strip().splitlines()[-1] == "spinbench: interrupted" and "Traceback" not in err


def test_summaries_say_n_a_for_0_over_0_and_too_few_documents_for_one(data):
    from dataclasses import replace

    results = harness.evaluate("random", dataset=data, write=False, n_boot=50)
    results.dataset = replace(results.dataset, documents=1)
    undefined = {"value": None, "ci95": [None, None]}  # a recall of no spun token
    results.scores["token"]["recall"] = undefined
    for group in results.scores["breakdown"]["regime"].values():
        group["recall"] = undefined
    text = results.summary()
    token_line = next(line for line in text.splitlines() if line.startswith("token "))
    assert "n/a" in token_line and "(too few documents)" in token_line and "[" not in token_line
    assert any(" n/a " in line for line in text.splitlines() if line.startswith("  ") and "clean documents" not in line)


def test_profile_against_names_the_split_it_measured_against(data, capsys):
    assert spinbench(["profile", "news", "--dataset", data, "--against", "news/validation"]) == 0
    out = capsys.readouterr().out
    assert "occurs in news/validation" in out and "occurs in news/train" not in out


def test_restoration_runs_with_the_old_output_option_are_where_report_runs_reads(data, tmp_path, capsys):
    runs = tmp_path / "mine"
    assert spinbench(["evaluate", "--task", "restore", "--model", "keep", "--split", "validation", "--dataset", data, "--output-dir", str(runs),
                      "--bootstrap", "20"]) == 0
    assert "--output-dir is now --out" in capsys.readouterr().err
    assert (runs / "restore" / "keep" / "news.validation.json").is_file()
    assert spinbench(["report", "--runs", str(runs), "--dataset", data, "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "restore" / "keep" / "news.validation.html").is_file()


def test_a_second_restoration_run_says_it_replaces_the_first(data, tmp_path, caplog):
    for _ in range(2):
        harness.restore("keep", split="validation", dataset=data, output_dir=tmp_path, n_boot=20)
    assert any("replacing" in r.getMessage() and "restore/keep/news.validation.json" in r.getMessage() for r in caplog.records)


def test_two_models_submitted_under_one_name_at_once(data, tmp_path, monkeypatch):
    """Both checked the folder before either wrote: the lock's second check refuses the second."""
    harness.evaluate("random", dataset=data, output_dir=tmp_path, name="dup", submit=True, allow_dirty=True)
    written = {p.name: sha256_file(p) for p in (tmp_path / "dup").iterdir()}
    monkeypatch.setattr("harness.runs.plan.folder_problems", lambda *args: [])
    with pytest.raises(SpinbenchError, match="nothing was written: .*news.json is another model's entry"):
        harness.evaluate("all-spun", dataset=data, output_dir=tmp_path, name="dup", submit=True, allow_dirty=True)
    assert {p.name: sha256_file(p) for p in (tmp_path / "dup").iterdir()} == written


def test_restore_is_no_detectors_name(data, tmp_path, capsys):
    one_line(capsys, spinbench(["evaluate", "--model", "random", "--name", "restore", "--dataset", data, "--out", str(tmp_path)]),
             "name 'restore' is reserved")


def test_export_checks_its_destination_before_the_fit(data, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("harness.evaluation.prepare.fit_and_validate", lambda *a, **k: pytest.fail("fitted before the checks"))
    (tmp_path / "taken").write_text("a file")
    one_line(capsys, spinbench(["export", str(tmp_path / "taken"), "--model", "toy_detectors:Suggesting", "--dataset", data]), "no export(path) method")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine")
    one_line(capsys, spinbench(["export", str(tmp_path / "taken"), "--model", "toy_detectors:Exporting", "--dataset", data]), "is a file, not a folder")
    one_line(capsys, spinbench(["export", str(tmp_path / "full"), "--model", "toy_detectors:Exporting", "--dataset", data]), "not an earlier export")


def test_an_older_data_build_is_named_as_such(full_board, tiny_dataset, tmp_path):
    from conftest import copy_board

    from harness.evaluation import verify

    stale = tmp_path / "data"
    shutil.copytree(tiny_dataset, stale)
    recorded = read_fingerprints(stale)
    recorded["configs"]["news"]["test"] = "f" * 64  # as when git brings a newer fingerprints.json than the data built
    write_json(stale / FINGERPRINTS, recorded)
    _, results, md = copy_board(full_board, tmp_path)
    [problem] = verify.check(results, md, str(stale))
    assert problem.startswith(f"the data in {stale} are an older or changed build: news/test there is revision") and "spinbench build" in problem
    from harness.runs.admission import admission_problems

    actual = harness.load("news", "test", dataset=str(stale)).fingerprint
    [why] = admission_problems("news", "test", resamples=1000, seed=0, commit="a" * 40, dirty=False, target="m:M", fingerprint=actual,
                               recorded=read_fingerprints(stale))
    assert why.endswith("its dataset folder's fingerprints.json records ffffffffffff: the data there are an older or changed build; "
                        "rebuild them (spinbench build)")


def test_datasets_stale_cache_remedy_loads_the_new_build(tiny_dataset, tmp_path):
    """`datasets` can serve a cache written from an earlier build of the same folder; the remedy
    docs/dataset.md gives loads the build that is there now."""
    from datasets import load_dataset

    folder = tmp_path / "data"
    shutil.copytree(tiny_dataset, folder)
    cache = str(tmp_path / "hf-cache")
    first = load_dataset(str(folder), "news", cache_dir=cache)
    assert first["test"]["id"] == harness.load("news", "test", dataset=str(folder)).gold.ids
    shutil.copy(tiny_dataset / "news" / "validation.parquet", folder / "news" / "test.parquet")  # a rebuild with other test documents
    fresh = load_dataset(str(folder), "news", cache_dir=cache, download_mode="force_redownload", verification_mode="no_checks")
    assert fresh["test"]["id"] == harness.load("news", "validation", dataset=str(tiny_dataset)).gold.ids


@pytest.mark.parametrize("setup, once", [("", False), ("import logging; logging.basicConfig(level=logging.INFO)", True)])
def test_the_python_api_shows_progress_as_the_command_line_does(tiny_dataset, tmp_path, setup, once):
    code = (f"{setup}\nimport harness\n"
            f"harness.evaluate('lexicon', dataset={str(tiny_dataset)!r}, write=False, n_boot=20)\n"
            f"harness.restore('reverse-rules', dataset={str(tiny_dataset)!r}, write=False, n_boot=20)\n")
    env = {k: v for k, v in __import__("os").environ.items() if k != "PYTHONPATH"}
    env.update(PYTHONPATH=str(ROOT), SPINBENCH_CACHE=str(tmp_path / "cache"))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    fits = [line for line in run.stderr.splitlines() if " on news/train (" in line and "fitting " in line]
    assert len(fits) == 2, run.stderr  # the detector's fit and the restorer's, each said once
    assert "fitting lexicon on" in fits[0] and "fitting the restorer reverse-rules on" in fits[1]
    assert all(line.startswith("INFO:harness.") for line in fits) == once  # a program's own logging takes the records


def test_the_default_handler_stays_quiet_when_the_program_logs_itself(capsys):
    from harness.runs.logs import DefaultHandler

    handler = DefaultHandler()
    record = logging.LogRecord("harness.x", logging.INFO, __file__, 1, "progress", None, None)
    root = logging.getLogger()
    saved = root.handlers[:]
    try:
        root.handlers = []
        handler.emit(record)
        root.handlers = [logging.NullHandler()]
        handler.emit(record)
    finally:
        root.handlers = saved
    assert capsys.readouterr().err == "progress\n"


def test_a_detector_defined_in_piped_code_has_no_source_files(monkeypatch):
    """``python - < script.py`` names the main module's file ``<stdin>``: the run goes on with no
    model source files (so it cannot be submitted), not a FileNotFoundError."""
    import sys
    import types

    from harness.runs.fit_cache import code_fingerprint
    from harness.runs.provenance import model_files

    piped = types.ModuleType("piped_main")
    piped.__file__ = "<stdin>"
    monkeypatch.setitem(sys.modules, "piped_main", piped)
    Detector = type("Detector", (), {"__module__": "piped_main"})
    assert model_files(Detector) == []
    assert code_fingerprint(Detector)["sources"] == []
    from harness.runs.fit_cache import cacheable

    assert not cacheable(Detector())  # nothing to key its code by: fitted afresh every run


def test_a_lone_detector_module_beside_a_virtual_environment_keeps_its_packages_third_party(tmp_path, monkeypatch):
    """A one-file detector at the top of a folder that holds the virtual environment (a clone with
    ``.venv/`` in it): the packages it imports are installed ones, versioned, not first-party code
    to follow, which once reached a module importing ``__main__`` and crashed (a script's
    ``__main__`` has no spec: asking for one raises)."""
    import sys
    import types

    from harness.runs import fit_cache

    site = tmp_path / ".venv" / "lib" / "site-packages"
    (site / "fakepkg").mkdir(parents=True)
    (site / "fakepkg" / "__init__.py").write_text("import __main__\nfrom fakepkg import inner\n")
    (site / "fakepkg" / "inner.py").write_text("X = 1\n")
    (tmp_path / "lonedet.py").write_text("import fakepkg\n\n\nclass MyDetector:\n    pass\n")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(fit_cache, "_installed_folders", lambda: (site.resolve(),))
    script_main = types.ModuleType("__main__")
    script_main.__spec__ = None  # as under a console script
    monkeypatch.setitem(sys.modules, "__main__", script_main)
    import lonedet

    files, third_party = fit_cache.source_files((lonedet.MyDetector,))
    assert files == [(tmp_path / "lonedet.py").resolve()]
    assert "fakepkg" in third_party
    monkeypatch.delitem(sys.modules, "lonedet")
