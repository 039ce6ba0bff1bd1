"""Two runs writing to the same results folder at once never mix their files: the predictions and
the results that name their hash are written as one unit, under a lock on the folder."""

import multiprocessing
import threading
import time

from filelock import FileLock

from harness.core.files import sha256_file
from harness.evaluation.outputs import run_paths
from harness.evaluation.predictions import read_predictions
from harness.evaluation.record import LOCK_NAME, write_run
from harness.evaluation.results import Results, read_results


def _write(root, value: float, rounds: int) -> None:
    paths = run_paths(root, "race", "news", "test", submit=True)
    for _ in range(rounds):
        results = Results.example()
        results.scores["token"]["f1"] = {"value": value, "ci95": [value, value]}  # tells the writers apart
        write_run(paths, results, [[value] * 50] * 200, [value] * 200, [f"d{i}" for i in range(200)])


def _consistent(root) -> None:
    paths = run_paths(root, "race", "news", "test", submit=True)
    res = read_results(paths.results)
    assert res.predictions_sha256 == sha256_file(paths.predictions)
    _, rows = read_predictions(paths.predictions)
    assert {scores[0] for scores, _ in rows.values()} == {res.get_score("token", "f1")}


def test_a_writer_waits_for_the_folder_lock(tmp_path):
    paths = run_paths(tmp_path, "race", "news", "test", submit=True)
    paths.results.parent.mkdir(parents=True)
    with FileLock(paths.results.parent / LOCK_NAME):
        writer = threading.Thread(target=_write, args=(tmp_path, 0.25, 1))
        writer.start()
        time.sleep(0.5)
        assert not paths.predictions.exists() and not paths.results.exists()  # nothing written while another holds it
    writer.join(30)
    _consistent(tmp_path)


def test_racing_processes_leave_a_matching_pair(tmp_path):
    ctx = multiprocessing.get_context("fork")
    workers = [ctx.Process(target=_write, args=(tmp_path, v, 15)) for v in (0.25, 0.75)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    _consistent(tmp_path)
