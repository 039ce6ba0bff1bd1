"""The forgeries a fresh-clone trial got past `leaderboard --check`, each caught now by `--check`
or `--reproduce`, on a small board (conftest.py's `full_board`: lexicon and all-spun, keep and
reverse-thesaurus, on every config of the tiny dataset)."""

import json
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import copy_board

import harness
from harness.cli.main import main as spinbench
from harness.core.configs import CONFIGS
from harness.core.files import read_jsonl_gz, sha256_file, write_jsonl_gz
from harness.evaluation import verify
from harness.restoration import leaderboard as restoration
from harness.restoration.items import restoration_gold
from harness.runs.history import History


@pytest.fixture
def board(full_board, tiny_dataset, tmp_path):
    root, results, md = copy_board(full_board, tmp_path)
    return results, md, str(tiny_dataset)


def check(board) -> list[str]:
    """What `spinbench leaderboard --check` finds, both tracks."""
    results, md, data = board
    history = History()
    problems, entries = restoration.check(results, data, history)
    return problems + verify.check(results, md, data, restoration.section(entries), history)


def edit_json(path, change):
    obj = json.loads(path.read_text())
    change(obj)
    path.write_text(json.dumps(obj))


def edit_predictions(folder, config, change_rows, results_name=None):
    """Rewrite a predictions file as a forger would (``change_rows(rows)``: the header first) and
    fix the hash its results record."""
    path = folder / f"{config}.predictions.jsonl.gz"
    rows = read_jsonl_gz(path)
    change_rows(rows)
    write_jsonl_gz(path, rows)
    edit_json(folder / f"{results_name or config}.json", lambda o: o.update(predictions_sha256=sha256_file(path)))


def as_committed(folder):
    """Entries that say what a clean clone's say: made by committed code (the board's are made
    with --allow-dirty, since the tests may run in a checkout with changes)."""
    for config in CONFIGS:
        edit_json(folder / f"{config}.json", lambda o: (o["harness"].update(git_dirty=False), o["harness"].pop("dirty_allowed", None)))


def leaderboard(board, *args) -> int:
    results, md, data = board
    return spinbench(["leaderboard", *args, "--results", str(results), "--out", str(md), "--dataset", data])


def test_the_untouched_board_passes_both_tracks(board):
    assert check(board) == []


# 1. --rescore launders edited predictions


def test_rescore_refuses_edited_predictions_and_never_rewrites_any(board, capsys):
    results, md, data = board
    lexicon = results / "lexicon"
    pred = lexicon / "news.predictions.jsonl.gz"
    labels = dict(zip(harness.load("news", "test", dataset=data).gold.ids, harness.load("news", "test", dataset=data).gold.doc_labels()))
    edit_json(lexicon / "news.json", lambda o: o["thresholds"].update(rule="an-older-rule"))

    def raise_spun(rows):
        for row in rows[1:]:
            row["token_scores"] = [1.0 if spun else s for s, spun in zip(row["token_scores"], labels[row["id"]])]

    rows = read_jsonl_gz(pred)
    raise_spun(rows)
    write_jsonl_gz(pred, rows)
    entries = {p: p.read_bytes() for p in results.rglob("*.json")}
    assert leaderboard(board, "--rescore") == 2  # the hash is not the one recorded when they were written
    assert "news.predictions.jsonl.gz is not the predictions these results were computed from" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in results.rglob("*.json")} == entries  # a refused rescore rewrites no entry, not even another model's

    edit_json(lexicon / "news.json", lambda o: o.update(predictions_sha256=sha256_file(pred)))  # the forger fixes the hash too
    before = {p.name: sha256_file(p) for p in lexicon.glob("*.jsonl.gz")}
    assert leaderboard(board, "--rescore") == 0
    assert {p.name: sha256_file(p) for p in lexicon.glob("*.jsonl.gz")} == before  # rescoring rewrites results only
    stored = json.loads((lexicon / "news.json").read_text())
    assert stored["rescored"]["predictions_sha256"] == stored["predictions_sha256"] == before["news.predictions.jsonl.gz"]
    assert check(board) == []  # consistent with itself: only rerunning the model tells

    as_committed(lexicon)
    as_committed(results / "all-spun")
    capsys.readouterr()
    assert leaderboard(board, "--reproduce", "lexicon", "all-spun") == 1
    out, err = capsys.readouterr()
    assert "all-spun at" in out and "reproduced: held to: exact; validation predictions identical; predictions identical; scores match" in out
    assert "lexicon at" in err and "NOT reproduced: news: predictions differ from the stored ones" in err


# 2. near copies


def test_a_near_copy_under_a_new_name_is_flagged(board):
    """Another model's scores times (1 - 1e-7) under a new name, hashes fixed and rescored (an
    older rule named, so that --rescore recomputes the thresholds): two identical rows."""
    results = board[0]
    shutil.copytree(results / "lexicon", results / "lexicon-tuned")
    folder = results / "lexicon-tuned"

    def scaled(rows):
        rows[0]["header"]["model"] = "lexicon-tuned"
        for row in rows[1:]:
            row["token_scores"] = [s * (1 - 1e-7) for s in row["token_scores"]]

    edit_predictions(folder, "validation", scaled, results_name="news")
    for config in CONFIGS:
        edit_json(folder / f"{config}.json", lambda o: (o["model"].update(name="lexicon-tuned"), o["thresholds"].update(rule="older"),
                                                         o["validation"].update(predictions_sha256=sha256_file(folder / "validation.predictions.jsonl.gz"))))
        edit_predictions(folder, config, scaled)
    assert leaderboard(board, "--rescore") == 0
    found = check(board)
    assert any(p.startswith("lexicon and lexicon-tuned: their token scores on news/validation rank-correlate at 1.0000") for p in found), found


# 3. code outside the commit


def test_a_forged_claim_of_committed_model_code_is_caught(board):
    results = board[0]

    def forged(o):
        o["harness"].update(git_dirty=False, model_sources={**o["harness"]["model_sources"], "baselines/lexicon.py": "0" * 64})
        o["harness"].pop("dirty_allowed", None)

    edit_json(results / "lexicon" / "news.json", forged)
    found = check(board)
    assert any(p.startswith("lexicon/news: its model's source baselines/lexicon.py differs from the file at commit") for p in found), found


@pytest.fixture
def own_repository(tmp_path, monkeypatch):
    """A git repository of its own with a committed detector module (`owndet.py`), standing in
    for the spinbench checkout; and the same module outside it (`elsewhere/otherdet.py`)."""
    import subprocess

    repo, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    repo.mkdir(), elsewhere.mkdir()
    code = "class Det:\n    requires_fit = False\n    def predict_token_proba(self, docs):\n        return [[0.5] * len(d) for d in docs]\n"
    (repo / "owndet.py").write_text(code)
    (elsewhere / "otherdet.py").write_text(code)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(repo)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "owndet.py"], check=True)
    subprocess.run([*git, "commit", "-qm", "a detector"], check=True)
    monkeypatch.setattr("harness.runs.provenance.REPO_ROOT", repo)
    for module in ("owndet", "otherdet"):  # another test's copies, imported from its own repository
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.syspath_prepend(str(repo))
    monkeypatch.syspath_prepend(str(elsewhere))
    return repo


def test_a_submission_from_uncommitted_or_outside_model_code_is_refused(own_repository, tiny_dataset, tmp_path):
    import owndet

    from harness.runs.provenance import git_commit, model_files

    assert git_commit(model_files(owndet.Det))["uncommitted"] == []
    (own_repository / "owndet.py").write_text((own_repository / "owndet.py").read_text() + "# reads the test labels\n")
    for target, file in (("owndet:Det", "owndet.py"), ("otherdet:Det", "otherdet.py")):
        with pytest.raises(harness.core.errors.SpinbenchError, match=f"its model's own source \\(.*{file}\\) is not committed"):
            harness.evaluate(target, dataset=str(tiny_dataset), output_dir=tmp_path / "out", submit=True)
    assert not (tmp_path / "out").exists()
    allowed = harness.evaluate("owndet:Det", dataset=str(tiny_dataset), output_dir=tmp_path / "out", submit=True, allow_dirty=True)
    assert allowed.harness["dirty_allowed"] and allowed.harness["git_dirty"] and set(allowed.harness["model_sources"]) == {"owndet.py"}


def test_a_run_of_uncommitted_code_cannot_be_submitted_through_its_predictions(own_repository, tiny_dataset, tmp_path):
    """Scoring stored predictions again admits them on the code that made them (their run's
    results beside them), not on the checkout that scores them: a run of an edited model, its
    edit then undone, stays a run of uncommitted code; predictions with no run beside them are
    refused, since nothing tells their code."""
    source = own_repository / "owndet.py"
    committed = source.read_text()
    clean = harness.evaluate("owndet:Det", dataset=str(tiny_dataset), output_dir=tmp_path / "runs", name="clean", n_boot=1000)
    source.write_text(committed + "# an edit nobody committed\n")
    dirty = harness.evaluate("owndet:Det", dataset=str(tiny_dataset), output_dir=tmp_path / "runs", name="dirty", n_boot=1000)
    source.write_text(committed)  # the edit undone: this checkout is clean again
    assert dirty.harness["git_dirty"] and not clean.harness["git_dirty"]
    with pytest.raises(harness.core.errors.SpinbenchError, match=r"not committed.*\(as .*dirty/news\.test\.json, the results of the run that made these"):
        harness.rescore(dirty.path.parent / dirty.predictions, dataset=str(tiny_dataset), output_dir=tmp_path / "results", name="laundered", submit=True)
    edit_json(dirty.path, lambda o: o["harness"].update(git_dirty=False))  # its results edited to say clean: its source is not the commit's
    with pytest.raises(harness.core.errors.SpinbenchError, match="its model's source owndet.py differs from the file at commit"):
        harness.rescore(dirty.path.parent / dirty.predictions, dataset=str(tiny_dataset), output_dir=tmp_path / "results", name="laundered", submit=True)
    loose = tmp_path / "loose"
    loose.mkdir()
    for name in (clean.predictions, "validation.predictions.jsonl.gz"):
        shutil.copy(clean.path.parent / name, loose / name)
    with pytest.raises(harness.core.errors.SpinbenchError, match="no results file beside it records it"):
        harness.rescore(loose / clean.predictions, dataset=str(tiny_dataset), output_dir=tmp_path / "results", name="loose", submit=True)
    assert not (tmp_path / "results").exists()
    entry = harness.rescore(clean.path.parent / clean.predictions, dataset=str(tiny_dataset), output_dir=tmp_path / "results", name="clean", submit=True)
    assert {k: entry.harness.get(k) for k in ("git_commit", "git_dirty", "model_sources")} == \
        {k: clean.harness.get(k) for k in ("git_commit", "git_dirty", "model_sources")}


def test_the_leaderboard_marks_entries_from_uncommitted_code(board):
    from harness.evaluation.leaderboard import collect, render

    results = board[0]
    edit_json(results / "lexicon" / "news.json", lambda o: o["harness"].update(git_dirty=True, dirty_allowed=True))
    as_committed(results / "all-spun")
    text = render(collect(results))
    assert "Made from uncommitted code (`--allow-dirty`), so `spinbench leaderboard --reproduce` cannot rerun them from their commit: `lexicon`." in text


# 4. restoration entries get detection's checks


def test_restoration_forgeries_are_caught(board, capsys):
    results, md, data = board
    keep = results / "restore" / "keep"
    gold = restoration_gold(harness.load("news", "test", dataset=data))
    originals = {i: [item.original for item in items] for i, items in zip(gold.ids, gold.items)}

    def gold_first(rows):
        for row in rows[1:]:
            row["candidates"] = [[original, *c][:10] for original, c in zip(originals[row["id"]], row["candidates"])]

    edit_predictions(keep, "news", gold_first)
    assert leaderboard(board, "--rescore") == 0
    assert json.loads((keep / "news.json").read_text())["main_score"]["value"] == 1.0
    assert check(board) == []  # consistent with itself: only rerunning the restorer tells

    shutil.copytree(keep, results / "restore" / "keep2")
    for config in CONFIGS:
        edit_json(results / "restore" / "keep2" / f"{config}.json", lambda o: o["model"].update(name="keep2"))
        edit_predictions(results / "restore" / "keep2", config, lambda rows: rows[0]["header"].update(model="keep2"))
    for name in ("unseen-domain.json", "unseen-domain.predictions.jsonl.gz"):
        (results / "restore" / "reverse-thesaurus" / name).unlink()
    (results / "restore" / "restore").mkdir()
    (keep / "notes.txt").write_text("mine")
    found = check(board)
    for expected in ("restore/keep and restore/keep2: their first candidates on news/test agree at 1.0000",
                     "restore/reverse-thesaurus: a partial submission: no entry for unseen-domain",
                     "restore/'restore': not a model's folder (name 'restore' is reserved",
                     "restore/keep/notes.txt: a stray file"):
        assert any(p.startswith(expected) for p in found), (expected, found)

    as_committed(keep)
    capsys.readouterr()
    assert leaderboard(board, "--reproduce", "restore/keep") == 1
    err = capsys.readouterr().err
    assert "restore/keep at" in err and "NOT reproduced: news: its candidates differ from the stored ones" in err


def test_restoring_a_detectors_hand_set_spans_cannot_be_submitted(board, tmp_path):
    results, md, data = board
    hand_set = harness.evaluate("lexicon", dataset=data, output_dir=tmp_path / "runs", threshold=0.5, use_cache=True)
    with pytest.raises(harness.core.errors.SpinbenchError, match="the spans it restores come from .*, which could not be a leaderboard entry \\(its thresholds were 'token: given"):
        harness.restore("keep", dataset=data, spans_from=str(hand_set.path), output_dir=tmp_path / "entries", submit=True, allow_dirty=True)


def test_a_restoration_entry_whose_detector_is_no_entry_is_named(board):
    results, md, data = board
    harness.restore("keep", "news", dataset=data, spans_from="lexicon", results_dir=results, output_dir=results, submit=True, allow_dirty=True)
    assert restoration.check(results, data)[0] == []
    edit_json(results / "lexicon" / "news.json", lambda o: o["thresholds"].update(chosen_on="given"))
    problems, _ = restoration.check(results, data)
    assert any(p.startswith("restore/keep/news: the spans it restored come from a detection run that is not a leaderboard entry")
               and "its thresholds were 'given'" in p for p in problems), problems


# 5. unverified displayed fields


def test_a_commit_that_is_not_in_the_repository_and_an_edited_date_are_caught(board):
    results = board[0]
    edit_json(results / "lexicon" / "news.json", lambda o: o["harness"].update(git_commit="0" * 40))
    edit_json(results / "all-spun" / "news.json", lambda o: o.update(date="2001-01-01T00:00:00Z"))
    edit_json(results / "restore" / "keep" / "news.json", lambda o: o["harness"].update(git_commit="0" * 40))
    found = check(board)
    assert any(p.startswith("lexicon/news: its commit 000000000000 is not in this repository") for p in found), found
    assert any(p.startswith("all-spun/news: its date '2001-01-01T00:00:00Z' is not between its commit's") for p in found), found
    assert any(p.startswith("restore/keep/news: its commit 000000000000 is not in this repository") for p in found), found


def test_throughput_and_date_are_said_to_be_self_reported(board):
    text = board[1].read_text()
    assert "`tokens/s` and `date` are\nself-reported" in text and "`spans/s` is self-reported" in text


# --reproduce refuses what it cannot rerun from the commit


def test_reproduce_refuses_uncommitted_code_and_a_target_from_outside_the_commit(board, capsys):
    results = board[0]
    edit_json(results / "lexicon" / "news.json", lambda o: o["harness"].update(git_dirty=True, dirty_allowed=True))
    as_committed(results / "all-spun")
    for config in CONFIGS:
        edit_json(results / "all-spun" / f"{config}.json", lambda o: o["model"].update(target="json:JSONDecoder"))
    assert leaderboard(board, "--reproduce", "lexicon", "all-spun") == 1
    err = capsys.readouterr().err
    assert "lexicon at" in err and "NOT reproduced: it was made from uncommitted code (--allow-dirty)" in err
    assert "all-spun at" in err and "NOT reproduced: its target json:JSONDecoder cannot be imported from commit" in err
    assert "'json' is imported from" in err and "not from the commit's files" in err


def test_reproduce_names_an_unknown_model(board, capsys):
    assert leaderboard(board, "--reproduce", "lexicn") == 2
    err = capsys.readouterr().err
    assert "no entry of 'lexicn'" in err and "did you mean 'lexicon'?" in err


def test_the_copy_measures_tell_copies_from_models_that_agree():
    from harness.runs.copies import near_copies

    rng = np.random.default_rng(0)
    a = rng.random(2000)
    agreeing = np.clip(a + rng.normal(0, 0.05, 2000), 0, 1)  # another model that ranks much alike
    found = near_copies({"a": a, "copy": a * (1 - 1e-7), "agreeing": agreeing, "constant": np.ones(2000), "constant2": np.ones(2000)})
    assert [(x, y) for x, y, _ in found] == [("a", "copy"), ("constant", "constant2")]


def test_reruns_are_held_to_exact_scores_where_the_recorded_packages_are_installed(board):
    from harness.evaluation.results import read_results
    from harness.runs.reproduce import tolerance_of

    entry = read_results(board[0] / "lexicon" / "news.json")
    assert any(p.startswith("numpy==") for p in entry.harness["model_packages"])
    assert tolerance_of(entry, {"hardware": {}}).name == "exact"
    assert tolerance_of(entry, {"hardware": {"torch": "2.13.0+cpu"}}).name == "torch"
    entry.harness["model_packages"] = ["numpy==0.0.1"]
    other = tolerance_of(entry, {"hardware": {}})
    assert other.name == "numeric" and "numpy==0.0.1 recorded" in other.why
    del entry.harness["model_packages"]
    assert tolerance_of(entry, {"hardware": {}}).why == "its entry records no package versions"


def test_changed_since_names_the_models_whose_entries_a_change_touches(tmp_path, monkeypatch):
    import subprocess

    from harness.cli.evaluation_commands import changed_models

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    for path in ("results/a/news.json", "results/b/news.json", "results/b/calibration.predictions.jsonl.gz", "results/gone/news.json", "results/restore/k/news.json"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}")
    monkeypatch.chdir(tmp_path)
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "entries"], check=True)
    (tmp_path / "results/a/news.json").write_text('{"changed": true}')
    (tmp_path / "results/restore/k/news.predictions.jsonl.gz").write_text("new")
    shutil.rmtree(tmp_path / "results/gone")
    (tmp_path / "results/b/calibration.predictions.jsonl.gz").unlink()
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "a change"], check=True)
    assert changed_models(Path("results"), "HEAD~1") == ["a", "restore/k"]  # b's entry untouched (a leftover file removed), gone removed


def test_changed_since_skips_entries_that_were_only_rescored(tmp_path, monkeypatch):
    """A rescore (new scores and thresholds, the same run and predictions) is proved by --check
    and needs no rerun; any other change to the entry does."""
    import subprocess

    from harness.cli.evaluation_commands import changed_models

    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t"]
    entry = {"model": {"name": "m", "target": "x:Y"}, "harness": {"git_commit": "a" * 40}, "predictions_sha256": "1" * 64,
             "calibration": {"predictions_sha256": "2" * 64}, "scores": {"token": 0.5}, "schema_version": 1}
    for name in ("rescored", "edited", "moved"):
        (tmp_path / f"results/{name}").mkdir(parents=True)
        (tmp_path / f"results/{name}/news.json").write_text(json.dumps(entry))
    monkeypatch.chdir(tmp_path)
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "entries"], check=True)
    rescored = {k: v for k, v in entry.items() if k != "calibration"} | {
        "validation": entry["calibration"], "scores": {"token": 0.6}, "schema_version": 2, "rescored": {"date": "now"}}
    (tmp_path / "results/rescored/news.json").write_text(json.dumps(rescored))
    (tmp_path / "results/edited/news.json").write_text(json.dumps(rescored | {"predictions_sha256": "3" * 64}))
    (tmp_path / "results/moved/news.json").write_text(json.dumps(rescored | {"harness": {"git_commit": "b" * 40}}))
    subprocess.run([*git, "commit", "-qam", "a change"], check=True)
    assert changed_models(Path("results"), "HEAD~1") == ["edited", "moved"]


def test_reproduce_builds_the_entries_revision_when_the_dataset_given_is_another(board, tiny_dataset, tmp_path, monkeypatch):
    """The data given are another revision: the commit's own build is run once (here a stand-in
    that lays out the tiny dataset) and checked against the entries' fingerprints."""
    from dataclasses import replace

    from harness.evaluation.reproduce import groups
    from harness.runs import reproduce

    builds = []

    def build(command, cwd, env):
        out = Path(command[command.index("--out") + 1])
        shutil.copytree(tiny_dataset, out)
        builds.append(out)
        return 0

    monkeypatch.setattr(reproduce, "_run", build)
    [group, other], _ = groups(board[0], ["all-spun", "lexicon"])
    space = reproduce.Workspace(str(tmp_path / "no-data-here"))
    try:
        tree = tmp_path / "tree"
        assert space.data_for(group, tree) == space.data_for(other, tree) == tree / "data" and len(builds) == 1
        entry = group.entries["news"][1]
        entry.dataset = replace(entry.dataset, fingerprint="0" * 64)  # an entry of a revision the build does not give
        with pytest.raises(harness.core.errors.SpinbenchError, match="is not the revision its entries were scored on"):
            space.data_for(group, tree)
    finally:
        space.close()


def test_rerun_scores_are_compared_exactly_or_by_the_main_score_within_the_bound():
    import copy

    from harness.evaluation.results import Results
    from harness.runs.reproduce import EXACT, NUMERIC, compare_scores

    entry = Results.example()
    again = copy.deepcopy(entry.scores)
    assert compare_scores(entry, again, EXACT, "token F1") == ([], ["scores match"])
    again["token"]["recall"]["value"] = 0.51
    assert compare_scores(entry, again, EXACT, "token F1")[0] == ["its scores, recomputed from the rerun, are not the stored ones"]
    again["token"]["f1"]["value"] = 0.501
    assert compare_scores(entry, again, NUMERIC, "token F1") == ([], ["scores match (token F1 0.5010 rerun, 0.5000 stored)"])
    again["token"]["f1"]["value"] = 0.51
    assert compare_scores(entry, again, NUMERIC, "token F1") == (["token F1 0.5100 from the rerun, 0.5000 stored"], [])


def test_check_names_the_scores_and_thresholds_that_do_not_recompute(board):
    """An edited score or cut is named with its recorded and recomputed values, in one short line."""
    results, md, data = board
    entry = results / "lexicon" / "news.json"
    original = entry.read_text()
    edit_json(entry, lambda o: o["scores"]["document"]["auroc"].update(value=0.999))
    problems = check(board)
    assert any("document.auroc.value: recorded 0.999, recomputed" in p for p in problems), problems
    entry.write_text(original)
    edit_json(entry, lambda o: o["thresholds"].update(token=o["thresholds"]["token"] + 0.1))
    problem = next(p for p in check(board) if "thresholds" in p)
    assert "token: recorded" in problem and len(problem) < 400, problem
