"""evaluate end to end on a tiny dataset built from fixtures, and its answers to bad input."""

import gzip
import json
import logging
from pathlib import Path

import pytest

from harness.cli.main import evaluate_main
from harness.evaluation.evaluate import evaluate
from harness.evaluation.results import read_results
from harness.evaluation.verify import check


def run(tmp_path, tiny_dataset, model="lexicon", config="news", **kw):
    """A leaderboard entry under tmp_path/results."""
    return evaluate(model, config=config, dataset=str(tiny_dataset), output_dir=tmp_path / "results", submit=True, allow_dirty=True, **kw)


def spun_test_documents(tiny_dataset) -> int:
    import harness

    return int(harness.load("news", "test", dataset=str(tiny_dataset)).gold.is_spun.sum())


def test_results_name_the_dataset_revision_and_can_be_recomputed(tmp_path, tiny_dataset):
    res = run(tmp_path, tiny_dataset)
    stored = read_results(tmp_path / "results" / "lexicon" / "news.json")
    assert stored.dataset.fingerprint == res.dataset.fingerprint
    assert len(stored.dataset.fingerprint) == 64
    assert stored.harness["version"] and "git_commit" in stored.harness
    assert stored.thresholds.chosen_on == "news/validation"
    assert stored.main_score["value"] == stored.scores["token"]["f1"]["value"]
    lo, hi = stored.main_score["ci95"]
    assert lo <= stored.main_score["value"] <= hi
    assert set(stored.scores["breakdown"]) == {"regime", "recipe", "rate_band", "domain"}
    # each spun document also at its own one-text cut: recomputed by the check below, shown by the summary
    per_doc = stored.scores["per_document"]
    assert per_doc["spun_documents"] == spun_test_documents(tiny_dataset) and 0 <= per_doc["token_f1"]["value"] <= 1
    assert f"token F1 per document: {per_doc['token_f1']['value']:.3f}" in res.summary()
    from harness.core.configs import CONFIGS
    from harness.evaluation.leaderboard import collect, render

    for config in CONFIGS:
        if config != "news":
            run(tmp_path, tiny_dataset, config=config)
    rendered = render(collect(tmp_path / "results"))
    assert f"| {stored.main_score['value']:.3f} [" in rendered and f"] | {per_doc['token_f1']['value']:.3f} |" in rendered
    (tmp_path / "leaderboard.md").write_text(rendered)
    assert check(tmp_path / "results", tmp_path / "leaderboard.md", str(tiny_dataset)) == []


def test_same_inputs_same_scores_and_cached_fit(tmp_path, tiny_dataset, caplog):
    a = run(tmp_path, tiny_dataset)
    with caplog.at_level(logging.INFO, logger="harness"):
        b = run(tmp_path, tiny_dataset)
    assert a.scores == b.scores
    assert b.throughput.fit_seconds is None  # the second run used the cached fit
    assert "using the fit of lexicon cached at" in caplog.text  # which model's fit: detect loads a restorer's too


def test_held_out_config_uses_news_thresholds(tmp_path, tiny_dataset):
    """Chosen on news/validation, then applied by the rule to the held-out split's scores: the
    same cuts as the rule recomputed from the stored validation predictions."""
    from harness.core.dataset import load
    from harness.evaluation.predictions import read_scores
    from harness.evaluation.validation import read_validation, threshold_split

    news = run(tmp_path, tiny_dataset)
    held = run(tmp_path, tiny_dataset, config="unseen-spinner")
    assert held.dataset.config == "unseen-spinner"
    t = held.thresholds
    assert t.chosen_on == news.thresholds.chosen_on == "news/validation" and t.rule == news.thresholds.rule is not None
    assert (t.validation_token, t.validation_document) == (news.thresholds.validation_token, news.thresholds.validation_document)
    folder = tmp_path / "results" / "lexicon"
    chosen, _, _ = read_validation(folder / "validation.predictions.jsonl.gz", threshold_split(str(tiny_dataset)), held.model)
    _, tokens, docs = read_scores(folder / "unseen-spinner.predictions.jsonl.gz", load("unseen-spinner", "test", dataset=str(tiny_dataset)))
    assert chosen.for_split(tokens, docs) == t


def test_predictions_file_scores_without_the_model(tmp_path, tiny_dataset):
    res = run(tmp_path, tiny_dataset)
    pred = tmp_path / "results" / "lexicon" / "news.predictions.jsonl.gz"
    again = evaluate(str(pred), dataset=str(tiny_dataset), output_dir=tmp_path / "again")
    assert again.scores == res.scores
    assert again.model.name == "lexicon"


def write_preds(path, rows, header=None):
    lines = ([{"header": header}] if header else []) + rows
    path.write_bytes(gzip.compress("".join(json.dumps(r) + "\n" for r in lines).encode()))


@pytest.fixture
def good_rows(tmp_path, tiny_dataset):
    run(tmp_path, tiny_dataset)
    with gzip.open(tmp_path / "results" / "lexicon" / "news.predictions.jsonl.gz", "rt") as f:
        rows = [json.loads(line) for line in f]
    return rows[0]["header"], rows[1:]


@pytest.mark.parametrize(
    "corrupt, message",
    [
        (lambda rows: rows + [{"id": "nope", "token_scores": [0.1]}], "unknown document id"),
        (lambda rows: rows[1:], "have no predictions"),
        (lambda rows: [{**rows[0], "token_scores": rows[0]["token_scores"][:-1]}] + rows[1:], "scores for"),
        (lambda rows: [{**rows[0], "token_scores": [float("nan")] * len(rows[0]["token_scores"])}] + rows[1:], "NaN or out of range"),
        (lambda rows: [{**rows[0], "token_scores": [1.5] * len(rows[0]["token_scores"])}] + rows[1:], "NaN or out of range"),
    ],
)
def test_bad_predictions_get_one_line_errors(tmp_path, tiny_dataset, good_rows, corrupt, message, capsys):
    header, rows = good_rows
    path = tmp_path / "bad.jsonl.gz"
    write_preds(path, corrupt(rows), header)
    code = evaluate_main(["--model", str(path), "--dataset", str(tiny_dataset), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "bad.jsonl.gz" in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_not_a_predictions_file(tmp_path, tiny_dataset, capsys):
    path = tmp_path / "junk.jsonl.gz"
    path.write_text("not json")
    assert evaluate_main(["--model", str(path), "--dataset", str(tiny_dataset)]) == 2
    assert "not a JSONL predictions file, gzipped or plain" in capsys.readouterr().err


def test_a_plain_jsonl_predictions_file_scores_as_its_gzipped_twin(tmp_path, tiny_dataset):
    import gzip

    first = evaluate("lexicon", dataset=str(tiny_dataset), output_dir=tmp_path / "runs", n_boot=50)
    plain = tmp_path / "plain" / "news.test.predictions.jsonl"
    plain.parent.mkdir()
    plain.write_bytes(gzip.decompress((first.path.parent / first.predictions).read_bytes()))
    again = evaluate(str(plain), dataset=str(tiny_dataset), n_boot=50, write=False)
    assert again.scores == first.scores


def test_config_all_runs_every_config_fitting_once(tmp_path, tiny_dataset, capsys):
    from harness.core.configs import CONFIGS

    assert evaluate_main(["--model", "lexicon", "--config", "all", "--dataset", str(tiny_dataset), "--out", str(tmp_path), "--bootstrap", "20"]) == 0
    captured = capsys.readouterr()
    assert sorted(p.name for p in (tmp_path / "lexicon").glob("*.json")) == sorted(f"{c}.test.json" for c in CONFIGS)
    assert captured.err.count("fitting lexicon on news/train") == 1


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="a run's own peak memory needs Linux's /proc/self/clear_refs")
def test_config_all_records_each_configs_own_peak_memory(tmp_path, tiny_dataset):
    """The first config's entry holds the fit's peak (400 MB held while fitting); a later config,
    run in the same process, records its own, not the fit's again."""
    from harness.core.configs import CONFIGS, DEFAULT_CONFIG
    from harness.evaluation.evaluate import evaluate_all

    runs = evaluate_all("toy_detectors:HungryFit", dataset=str(tiny_dataset), output_dir=tmp_path, n_boot=20, use_cache=False)
    peaks = {c: r.throughput.peak_memory_mb for c, r in runs.items()}
    assert set(peaks) == set(CONFIGS) and peaks[DEFAULT_CONFIG] > 400
    assert all(peaks[c] < peaks[DEFAULT_CONFIG] - 300 for c in CONFIGS if c != DEFAULT_CONFIG)


@pytest.mark.parametrize(
    "model, message",
    [("lexcon", "did you mean 'lexicon'"), ("no_such_pkg.mod:Thing", "cannot import 'no_such_pkg.mod'"), ("harness.evaluation.floor_detectors:Nope", "has no 'Nope'")],
)
def test_bad_model_names(tmp_path, tiny_dataset, model, message, capsys):
    assert evaluate_main(["--model", model, "--dataset", str(tiny_dataset), "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_missing_dataset(tmp_path, capsys):
    assert evaluate_main(["--model", "random", "--dataset", str(tmp_path / "none")]) == 2
    assert "spinbench build" in capsys.readouterr().err


def test_user_detector_by_import_path_and_model_args(tmp_path, tiny_dataset, capsys):
    code = evaluate_main(["--model", "harness.evaluation.floor_detectors:RandomDetector", "--model-args", "seed=3", "--dataset", str(tiny_dataset),
                          "--out", str(tmp_path / "r"), "--bootstrap", "50"])
    assert code == 0
    res = read_results(tmp_path / "r" / "harness.evaluation.floor_detectors-RandomDetector" / "news.test.json")
    assert res.model.params == {"seed": 3}
    assert "token" in capsys.readouterr().out


def test_a_predictions_file_is_scored_on_the_split_its_header_names(tmp_path, tiny_dataset):
    held = run(tmp_path, tiny_dataset, config="unseen-spinner")
    pred = tmp_path / "results" / "lexicon" / "unseen-spinner.predictions.jsonl.gz"
    again = evaluate(str(pred), dataset=str(tiny_dataset), output_dir=tmp_path / "again")
    assert again.dataset.config == "unseen-spinner" and again.dataset.split == "test"
    assert again.scores == held.scores
    assert again.thresholds == held.thresholds and again.thresholds.validation_token is not None  # shares and validation cuts kept
