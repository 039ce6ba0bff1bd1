"""leaderboard --check catches tampering, wrong revisions, malformed and missing files."""

import json

import pytest

from harness.cli.main import main as spinbench
from harness.evaluation.evaluate import evaluate
from harness.evaluation.leaderboard import check, collect, ranks, render


@pytest.fixture
def board(tmp_path, tiny_dataset):
    results = tmp_path / "results"
    for model in ("lexicon", "all-spun"):
        for config in ("news", "unseen-domain"):
            evaluate(model, config=config, dataset=str(tiny_dataset), output_dir=results, n_boot=100, submit=True)
    (tmp_path / "leaderboard.md").write_text(render(collect(results)))
    return tmp_path, results, str(tiny_dataset)


def problems(board):
    root, results, data = board
    return check(results, root / "leaderboard.md", data)


def test_untouched_board_passes(board):
    assert problems(board) == []
    root, results, data = board
    assert spinbench(["leaderboard", "--check", "--results", str(results), "--output", str(root / "leaderboard.md"), "--dataset", data]) == 0


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
    assert any(p.startswith("all-spun/news:") and "predictions file missing" in p for p in found)


def test_schema_violation(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o.pop("thresholds"))
    assert any("lexicon/news" in p and "thresholds" in p for p in problems(board))


def test_out_of_date_leaderboard(board):
    root, results, _ = board
    (root / "leaderboard.md").write_text((root / "leaderboard.md").read_text().replace("lexicon", "lexic0n"))
    [p] = problems(board)
    assert "out of date" in p


def test_ranks_share_when_intervals_overlap():
    from types import SimpleNamespace

    def entry(v, lo, hi):
        return {"news": SimpleNamespace(main_score={"name": "token_f1", "value": v, "ci95": [lo, hi]})}

    entries = {"a": entry(0.8, 0.78, 0.82), "b": entry(0.79, 0.77, 0.81), "c": entry(0.5, 0.45, 0.55)}
    assert ranks(entries) == {"a": "1=", "b": "1=", "c": "3"}


def test_rescore_brings_older_entries_up_to_the_current_metrics(board):
    root, results, data = board
    edit_json(results / "lexicon" / "news.json", lambda o: o["scores"]["token"].pop("auprc"))
    assert any("auprc" in p for p in problems(board))
    assert spinbench(["leaderboard", "--rescore", "--results", str(results), "--output", str(root / "leaderboard.md"), "--dataset", data]) == 0
    assert problems(board) == []
    assert json.loads((results / "lexicon" / "news.json").read_text())["rescored"]["harness"]["version"]


def test_thresholds_not_given_by_the_rule_are_caught(board):
    """An entry whose thresholds are not the matched-share cuts of its own predictions (here:
    a share edited after the run) is refused, naming the rule."""
    root, results, _ = board
    stored = json.loads((results / "lexicon" / "news.json").read_text())["thresholds"]
    assert 0 < stored["token_share"] < 1 and 0 < stored["document_share"] <= 1
    edit_json(results / "lexicon" / "news.json", lambda o: o["thresholds"].update(token_share=0.99))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "matched flag rate" in p


def test_an_entry_without_the_hash_of_its_predictions_is_refused(board):
    root, results, _ = board
    edit_json(results / "lexicon" / "news.json", lambda o: o.pop("predictions_sha256"))
    [p] = problems(board)
    assert p.startswith("lexicon/news:") and "predictions_sha256" in p


def test_stray_files_are_named(board):
    root, results, _ = board
    (results / "lexicon" / "notes.txt").write_text("mine")
    (results / "lexicon" / "news.json.tmp").write_text("{}")
    (results / "README.txt").write_text("hello")
    found = problems(board)
    for name in ("lexicon/notes.txt", "lexicon/news.json.tmp", "README.txt"):
        assert any(p.startswith(name + ":") and "stray" in p for p in found), (name, found)
