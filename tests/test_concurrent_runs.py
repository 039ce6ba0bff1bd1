"""Two runs writing to the same results folder at once never mix their files: the predictions and
the results that name their hash are written as one unit, under a lock on the folder. Both tracks
write through the run layer's one write stage (:func:`harness.runs.write.write_run`), so the
same tests hold for detection and for restoration runs."""

import multiprocessing
import threading
import time

import pytest
from filelock import FileLock

from harness.core.files import read_jsonl_gz, sha256_file, write_jsonl_gz
from harness.evaluation.predictions import read_predictions
from harness.evaluation.record import write_detection_run
from harness.evaluation.results import Results, read_results
from harness.restoration.results import RestorationResults, read_restoration_results
from harness.runs.paths import DETECT, LOCK_NAME, RESTORE, run_paths
from harness.runs.results import ResultsError
from harness.runs.write import write_run


def _write_restoration(paths, value: float) -> None:
    results = RestorationResults.example()
    results.scores["edits"]["top1"] = {"value": value, "ci95": [value, value]}  # tells the writers apart

    def predictions(res):
        write_jsonl_gz(paths.predictions, [{"header": {"task": RESTORE, "value": value}}])
        res.predictions_sha256 = sha256_file(paths.predictions)

    write_run(results, paths.results, predictions)


def _write(root, value: float, rounds: int, task: str = DETECT) -> None:
    paths = run_paths(root, "race", "news", "test", submit=True, task=task)
    for _ in range(rounds):
        if task == RESTORE:
            _write_restoration(paths, value)
            continue
        results = Results.example()
        results.scores["token"]["f1"] = {"value": value, "ci95": [value, value]}  # tells the writers apart
        write_detection_run(paths, results, [[value] * 50] * 200, [value] * 200, [f"d{i}" for i in range(200)])


def _consistent(root, task: str = DETECT) -> None:
    paths = run_paths(root, "race", "news", "test", submit=True, task=task)
    if task == RESTORE:
        res = read_restoration_results(paths.results)
        assert res.predictions_sha256 == sha256_file(paths.predictions)
        assert read_jsonl_gz(paths.predictions)[0]["header"]["value"] == res.get_score("edits", "top1")
        return
    res = read_results(paths.results)
    assert res.predictions_sha256 == sha256_file(paths.predictions)
    _, rows = read_predictions(paths.predictions)
    assert {scores[0] for scores, _ in rows.values()} == {res.get_score("token", "f1")}


@pytest.mark.parametrize("task", [DETECT, RESTORE])
def test_a_writer_waits_for_the_folder_lock(tmp_path, task):
    paths = run_paths(tmp_path, "race", "news", "test", submit=True, task=task)
    paths.results.parent.mkdir(parents=True)
    with FileLock(paths.results.parent / LOCK_NAME):
        writer = threading.Thread(target=_write, args=(tmp_path, 0.25, 1, task))
        writer.start()
        time.sleep(0.5)
        assert not paths.predictions.exists() and not paths.results.exists()  # nothing written while another holds it
    writer.join(30)
    _consistent(tmp_path, task)


@pytest.mark.parametrize("task", [DETECT, RESTORE])
def test_racing_processes_leave_a_matching_pair(tmp_path, task):
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write, args=(tmp_path, v, 15, task)) for v in (0.25, 0.75)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    _consistent(tmp_path, task)


@pytest.mark.parametrize("make", [Results.example, RestorationResults.example])
def test_results_that_do_not_fit_their_schema_write_nothing(tmp_path, make):
    results = make()
    results.scores = {"edits": "not a block"} if isinstance(results, RestorationResults) else {"token": "not a block"}
    written = []
    with pytest.raises(ResultsError, match="invalid at scores"):
        write_run(results, tmp_path / "m" / "news.json", written.append)
    assert not written and not (tmp_path / "m").exists()
