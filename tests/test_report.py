"""`spinbench report` without a browser: its numbers are the metrics' numbers, its highlights
count what token_counts counts, text is escaped, output is deterministic and self-contained,
and bad input gets a one-line error."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from harness.cli.main import main as spinbench
from harness.evaluation import metrics
from harness.evaluation.leaderboard import tables
from harness.report import analysis
from harness.report.markup import marked_html
from harness.report.plots import curve_points
from harness.report.rendering import data_script, read_data, unpack
from harness.report.runs import load_inputs
from harness.report.texts import texts_file


@pytest.fixture(scope="module")
def inputs(report_results, report_dataset):
    return load_inputs(report_results, dataset=str(report_dataset))


def test_pr_curve_points_are_the_metrics_points_and_the_threshold_is_the_scored_one(inputs):
    for run in inputs.runs:
        y = np.concatenate([r["labels"] for r in run.gold.records])
        s = np.concatenate(run.token_scores)
        drawn = curve_points(y, s, run.threshold)
        _, precision, recall = metrics.precision_recall_curve(y, s)
        exact = set(zip(np.round(recall, 12), np.round(precision, 12)))
        assert set(zip(np.round(drawn["recall"], 12), np.round(drawn["precision"], 12))) <= exact
        assert (drawn["recall"][-1], drawn["precision"][-1]) == (recall[-1], precision[-1])
        token = run.results.scores["token"]
        assert drawn["chosen"] == pytest.approx((token["recall"]["value"], token["precision"]["value"]), abs=1e-6), run
        assert drawn["ap"] == pytest.approx(metrics.auprc(y, s))


def page_documents(page: Path) -> list[dict]:
    """The documents a document page shows: its split's shared texts (the file the page loads)
    with the page's own data, document by document."""
    html = page.read_text(encoding="utf-8")
    texts, own = re.findall(r'<script src="([^"]+)"></script>', html)[:2]
    assert "/texts/" in texts and own == page.with_suffix(".js").name, (texts, own)
    shared, data = read_data(page.parent / texts)["docs"], read_data(page.with_suffix(".js"))["docs"]
    assert len(shared) == len(data)
    return [{**t, **d} for t, d in zip(shared, data)]


def data_rows(site: Path, model: str, config: str) -> list[dict]:
    return page_documents(site / "errors" / model / f"{config}.html")


def unmark(text: str, marks: list[list]) -> tuple[str, list[tuple[int, int, str, str]]]:
    """What the page's script draws from a text and its marks ([gap, length, kind, title]): the
    text as read, and each mark's characters, kind and title."""
    shown, out, cursor = [], [], 0
    for gap, length, *rest in marks:
        assert gap >= 0 and length > 0
        start = cursor + gap
        shown += [text[cursor:start], text[start : start + length]]
        out.append((start, start + length, *rest))
        cursor = start + length
    return "".join(shown) + text[cursor:], out


class Marks(HTMLParser):
    """The text inside each <mark>, by class, and the whole text without tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.kind, self.marked, self.text = None, [], []

    def handle_starttag(self, tag, attrs):
        assert tag == "mark", tag
        self.kind = dict(attrs)["class"]

    def handle_endtag(self, tag):
        self.kind = None

    def handle_data(self, data):
        self.text.append(data)
        if self.kind:
            self.marked.append((self.kind, data))


def test_error_browser_counts_and_marks_match_token_counts(inputs, report_site):
    for run in inputs.runs:
        rows = data_rows(report_site, run.model, run.config)
        assert [r["id"] for r in rows] == [r["id"] for r in run.gold.records]
        for record, pred, scores, row in zip(run.gold.records, run.predicted, run.token_scores, rows):
            tp, fp, fn = metrics.token_counts(record["labels"], pred)
            assert (row["tp"], row["fp"], row["fn"]) == (tp, fp, fn)
            assert row["text"] == record["text"]
            highlights = analysis.document_highlights(record, pred, scores)
            per_kind = {k: 0 for k in analysis.OUTCOMES}
            for h in highlights:
                per_kind[h.kind] += h.end - h.start
            assert per_kind == {"tp": tp, "fp": fp, "fn": fn}
            text, marks = unmark(row["text"], row["marks"])
            assert text == record["text"]
            tokens = record["tokens"]
            assert marks == [(tokens[h.start]["start"], tokens[h.end - 1]["end"], h.kind, h.title) for h in highlights]


def test_every_split_text_is_written_once(inputs, report_site):
    texts = sorted(p.relative_to(report_site).as_posix() for p in (report_site / "texts").iterdir())
    assert texts == sorted({texts_file(run.gold) for run in inputs.runs})
    assert len(texts) == len(inputs.configs)  # one per split, whatever the number of models
    for run in inputs.runs:  # a model's page holds only what is the model's
        assert all(set(d) == {"tp", "fp", "fn", "f1", "marks"} for d in read_data(report_site / "errors" / run.model / f"{run.config}.js")["docs"])
        assert texts_file(run.gold) in (report_site / "errors" / run.model / f"{run.config}.html").read_text(encoding="utf-8")


def test_data_files_unpack_to_their_data():
    data = {"docs": [{"id": "<d1>", "text": "Heavy “rain” </script>", "marks": [[0, 5, "tp", "was “Weighty”"]]}]}
    script = data_script("texts", data)
    assert script.startswith("window.SPINBENCH = window.SPINBENCH || {};\nwindow.SPINBENCH.texts = \"") and script.endswith('";\n')
    assert "</script>" not in script and "<" not in script  # base64: nothing a page could read as markup
    assert unpack(script) == data and data_script("texts", data) == script


def test_edit_highlights_carry_the_original_wording():
    record = {"id": "d1", "text": "Weighty rain fell here.", "labels": [1, 0, 1, 0, 0],
              "tokens": [{"text": t, "start": s, "end": e} for t, s, e in [("Weighty", 0, 7), ("rain", 8, 12), ("fell", 13, 17), ("here", 18, 22), (".", 22, 23)]],
              "edits": [{"spun_start": 0, "spun_end": 1, "original_start": 0, "original_end": 1, "spun_text": "Weighty", "original_text": "Heavy"},
                        {"spun_start": 2, "spun_end": 3, "original_start": 2, "original_end": 3, "spun_text": "fell", "original_text": "dropped"}]}
    highlights = analysis.document_highlights(record, [1, 0, 0, 1, 0], [0.9, 0.1, 0.2, 0.7, 0.0])
    assert [(h.start, h.end, h.kind) for h in highlights] == [(0, 1, "tp"), (2, 3, "fn"), (3, 4, "fp")]
    assert highlights[0].title == "was “Heavy”; score 0.90"
    assert highlights[1].title == "was “dropped”; missed; score 0.20"
    html = marked_html(record["text"], record["tokens"], highlights)
    assert html == ('<mark class="tp" title="was “Heavy”; score 0.90">Weighty</mark> rain <mark class="fn" title="was “dropped”; missed; '
                    'score 0.20">fell</mark> <mark class="fp" title="false alarm; score 0.70">here</mark>.')
    assert analysis.missed_phrases([record], [[1, 0, 0, 1, 0]]) == [{"phrase": "fell", "missed": 1, "spun": 1, "original": "dropped"}]
    assert analysis.false_alarm_phrases([record], [[1, 0, 0, 1, 0]]) == [{"phrase": "here", "flagged": 1, "documents": 1}]


def test_document_text_and_titles_are_escaped():
    text = '<script>alert("x")</script> & done'
    tokens = [{"start": m.start(), "end": m.end()} for m in re.finditer(r"\S+", text)]
    html = marked_html(text, tokens, [analysis.Highlight(0, 1, "fp", 'a "quoted" <title>')])
    assert "<script" not in html and "&lt;script&gt;" in html and "&amp; done" in html
    assert 'title="a &quot;quoted&quot; &lt;title&gt;"' in html
    parsed = Marks()
    parsed.feed(html)
    assert "".join(parsed.text) == text


def test_index_has_every_leaderboard_column_and_links_every_model(inputs, report_site):
    index = (report_site / "index.html").read_text(encoding="utf-8")
    headers = re.findall(r"<thead><tr>(.*?)</tr></thead>", index)
    assert [re.findall(r"<th[^>]*>(.*?)</th>", h) for h in headers] == [list(t.columns) for t in tables(inputs.entries)]
    for model in inputs.models:
        assert f'href="models/{model}.html"' in index
    assert index.count("<svg") == 3 * len(inputs.configs)


def local_links(page: Path) -> list[str]:
    return re.findall(r'(?:href|src)="([^"#]+)"', page.read_text(encoding="utf-8"))


def test_site_is_self_contained(report_site):
    pages = sorted(report_site.rglob("*.html"))
    assert len(pages) == 1 + 2 + 4  # index, one page per model, one error browser per model and config
    for page in pages:
        for link in local_links(page):
            assert not re.match(r"^[a-z]+://", link) or link.startswith("data:"), f"{page}: {link}"
            if not link.startswith("data:"):
                assert (page.parent / link).resolve().is_file(), f"{page}: broken link {link}"
    for path in report_site.rglob("*"):
        if path.suffix in (".html", ".js", ".css"):  # nothing fetched from the network: no CDN, no web font
            assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//|url\(\s*[\"']?(https?:)?//|@import|fetch\(", path.read_text(encoding="utf-8")), path


def test_same_inputs_same_files(inputs, tmp_path):
    from harness.report.site import build_report

    a, b = build_report(inputs, tmp_path / "a").parent, build_report(inputs, tmp_path / "b").parent
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for f in files:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def report(args, results, data):
    return spinbench(["report", "--results", str(results), "--dataset", str(data), *args])


def test_cli_writes_the_chosen_models_and_configs(report_results, report_dataset, tmp_path, capsys):
    out = tmp_path / "site"
    assert report(["--models", "lexicon", "--configs", "unseen-domain", "--out", str(out)], report_results, report_dataset) == 0
    assert "(1 model, 1 config, 1 error browser)" in capsys.readouterr().out
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.html")) == ["errors/lexicon/unseen-domain.html", "index.html", "models/lexicon.html"]
    # a second run replaces its own earlier report
    assert report(["--models", "all-spun", "--out", str(out)], report_results, report_dataset) == 0
    assert not (out / "models" / "lexicon.html").exists() and (out / "models" / "all-spun.html").exists()


@pytest.mark.parametrize("args, message", [
    (["--models", "lexcon"], "unknown model 'lexcon' in --models; did you mean 'lexicon'?"),
    (["--models", "lexicon,nothing"], "unknown model 'nothing' in --models (models in"),
    (["--configs", "unseen-domian"], "unknown config 'unseen-domian' in --configs; did you mean 'unseen-domain'?"),
    (["--configs", "news,unseen-spinner"], "unknown config 'unseen-spinner' in --configs"),
    (["--models", ","], "--models names no model"),
])
def test_unknown_names_get_one_line_with_suggestions(report_results, report_dataset, tmp_path, capsys, args, message):
    assert report([*args, "--out", str(tmp_path / "site")], report_results, report_dataset) == 2
    err = capsys.readouterr().err
    assert err.startswith("spinbench: error: ") and message in err and err.count("\n") == 1
    assert not (tmp_path / "site").exists()


def test_missing_or_empty_results_folder(tmp_path, tiny_dataset, capsys):
    assert report(["--out", str(tmp_path / "site")], tmp_path / "nowhere", tiny_dataset) == 2
    assert "no results folder at" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert report(["--out", str(tmp_path / "site")], tmp_path / "empty", tiny_dataset) == 2
    assert "no results in" in capsys.readouterr().err


def test_a_folder_that_is_not_a_report_is_left_alone(report_results, report_dataset, tmp_path, capsys):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    assert report(["--out", str(tmp_path / "mine")], report_results, report_dataset) == 2
    assert "is not a spinbench report" in capsys.readouterr().err
    assert (tmp_path / "mine" / "notes.txt").read_text() == "keep me"


def test_results_from_another_dataset_revision_are_named(report_results, report_dataset, tmp_path, capsys):
    import shutil

    results = tmp_path / "results"
    shutil.copytree(report_results, results)
    path = results / "lexicon" / "news.json"
    obj = json.loads(path.read_text())
    obj["dataset"]["fingerprint"] = "0" * 64
    path.write_text(json.dumps(obj))
    assert report(["--out", str(tmp_path / "site")], results, report_dataset) == 2
    assert "lexicon/news.json: scored on dataset revision 000000000000" in capsys.readouterr().err


def test_detect_html_is_a_standalone_highlighted_page(tmp_path, tiny_dataset, capsys):
    (tmp_path / "in.txt").write_text("Weighty <rain> & fell.")
    assert spinbench(["detect", "--model", "all-spun", "--threshold", "0.5", "--format", "html", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt")]) == 0
    page = capsys.readouterr().out
    assert page.startswith("<!doctype html>") and "<style>" in page and "mark.flag" in page
    assert '<mark class="flag" title="score 1.00">Weighty &lt;rain&gt; &amp; fell.</mark>' in page
    assert "<script" not in page and "<link rel=\"stylesheet\"" not in page


def test_a_missing_predictions_file_is_named(report_results, report_dataset, tmp_path, capsys):
    import shutil

    results = tmp_path / "results"
    shutil.copytree(report_results, results)
    (results / "all-spun" / "news.predictions.jsonl.gz").unlink()
    assert report(["--out", str(tmp_path / "site")], results, report_dataset) == 2
    assert "all-spun/news.predictions.jsonl.gz: predictions file missing" in capsys.readouterr().err


def test_a_report_on_ordinary_runs(report_dataset, tmp_path, capsys):
    """`spinbench report --runs runs/`: runs made without --submit (a validation split here)
    get pages and error browsers too."""
    from harness.cli.main import main as spinbench
    from harness.evaluation.evaluate import evaluate

    runs = tmp_path / "runs"
    evaluate("lexicon", dataset=str(report_dataset), output_dir=runs, n_boot=20)
    evaluate("lexicon", split="validation", dataset=str(report_dataset), output_dir=runs, n_boot=20)
    out = tmp_path / "site"
    assert spinbench(["report", "--runs", str(runs), "--dataset", str(report_dataset), "--out", str(out)]) == 0
    assert "1 model, 2 configs, 2 error browsers" in capsys.readouterr().out
    index = (out / "index.html").read_text()
    assert "news/validation" in index and "lexicon" in index


def test_a_run_named_by_a_relative_dataset_folder_is_reported_from_elsewhere_only_with_dataset(report_dataset, tmp_path, monkeypatch, capsys):
    """From a new user's trial: a run made with a relative --dataset records that relative path;
    a report made from another folder said only "no dataset at ...". It now says why and what to do."""
    import shutil

    from harness.cli.main import main as spinbench
    from harness.evaluation.evaluate import evaluate

    work = tmp_path / "work"
    shutil.copytree(report_dataset, work / "mydata")
    monkeypatch.chdir(work)
    evaluate("lexicon", dataset="mydata", output_dir=work / "runs", n_boot=20)
    monkeypatch.chdir(tmp_path)
    assert spinbench(["report", "--runs", str(work / "runs"), "--out", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert "its run names its dataset 'mydata', a folder relative to where the run was made" in err and "--dataset" in err
    assert spinbench(["report", "--runs", str(work / "runs"), "--dataset", str(work / "mydata"), "--out", str(tmp_path / "site")]) == 0


def test_a_report_without_news_test_results_shows_no_empty_leaderboard(report_dataset, tmp_path, capsys):
    """From a new user's trial: a report on runs of one other split showed the news/test
    leaderboard tables, every cell empty. It says there are none instead, and shows the split's section."""
    from harness.cli.main import main as spinbench
    from harness.evaluation.evaluate import evaluate

    runs = tmp_path / "runs"
    evaluate("lexicon", "unseen-domain", dataset=str(report_dataset), output_dir=runs, n_boot=20)
    out = tmp_path / "site"
    assert spinbench(["report", "--runs", str(runs), "--dataset", str(report_dataset), "--out", str(out)]) == 0
    index = (out / "index.html").read_text()
    assert 'id="leaderboard-table"' not in index and "so no leaderboard tables" in index
    assert 'id="unseen-domain"' in index


def test_report_modules_import_one_another_without_a_circle():
    """Every import between harness.report's modules, function-level ones included, points one
    way: the graph has no circle."""
    import ast
    from graphlib import CycleError, TopologicalSorter

    folder = Path(analysis.__file__).parent
    graph = {}
    for path in folder.glob("*.py"):
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "harness.report":
                found |= {f"harness.report.{a.name}" for a in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("harness.report."):
                found.add(node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("harness.report.")}
        graph[f"harness.report.{path.stem}"] = found & {f"harness.report.{p.stem}" for p in folder.glob("*.py")}
    assert graph["harness.report.site"] >= {"harness.report.errors", "harness.report.restoration", "harness.report.runs"}
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as err:
        pytest.fail(f"an import circle in harness/report: {' -> '.join(err.args[1])}")
