"""The report's restoration pages without a browser: their hits and misses are the results file's,
a known edit shows its spun, restored and original wording, the detector's spans and the edit
distances add up to the scores, text from the data or a restorer is escaped, and the index links
each page."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from harness.cli.main import main as spinbench
from harness.report.rendering import environment, read_data
from harness.report.restoration import OUTCOMES, document_rows, write_restoration_page
from harness.report.runs import RestorationRun, load_inputs
from harness.restoration.contract import TOP_K
from harness.restoration.items import GoldItem, RestorationGold
from harness.restoration.kinds import KINDS
from harness.restoration.results import RestorationResults


@pytest.fixture(scope="module")
def inputs(restoration_results, report_dataset):
    return load_inputs(restoration_results, dataset=str(report_dataset))


def page_data(site: Path, model: str, config: str) -> dict:
    """A restoration page's data, each document with its shared text and its detector rows
    resolved (a row ``{"item": k}`` is the gold edit's)."""
    from test_report import page_documents

    page = site / "restore" / model / f"{config}.html"
    data = read_data(page.with_suffix(".js"))
    data["docs"] = page_documents(page)
    for d in data["docs"]:
        if "detected" in d:
            d["detected"] = [d["edits"][e["item"]] if "item" in e else e for e in d["detected"]]
    return data


def test_hits_and_misses_are_the_results_files(inputs, restoration_site):
    assert [(r.model, r.label) for r in inputs.restoration] == [("keep", "unseen-domain"), ("reverse-rules", "news")]
    for run in inputs.restoration:
        docs = page_data(restoration_site, run.model, run.label)["docs"]
        assert [d["id"] for d in docs] == run.gold.ids
        scores = run.results.scores
        for kind, block in [("all", scores["edits"]), *scores["by_kind"].items()]:
            edits = [e for d in docs for e in d["edits"] if kind in ("all", e["kind"])]
            assert len(edits) == block["count"], (run.model, kind)
            top1 = sum(e["outcome"] == "top1" for e in edits)
            top5 = sum(e["outcome"] == "top5" for e in edits)
            if block["count"]:
                assert top1 == round(block["top1"]["value"] * block["count"]), (run.model, kind)
                assert top1 + top5 == round(block["top5"]["value"] * block["count"]), (run.model, kind)
        # the scores table states the same counts
        page = (restoration_site / "restore" / run.model / f"{run.label}.html").read_text(encoding="utf-8")
        row = re.search(r'<tr data-kind="all">(.*?)</tr>', page, re.DOTALL).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
        outcomes = [e["outcome"] for d in docs for e in d["edits"]]
        assert cells[-3:] == [str(outcomes.count(o)) for o in OUTCOMES]
        assert cells[1] == str(scores["edits"]["count"])
        distance = scores["end_to_end"]["gold_spans"]
        assert [sum(d["distance"][i] for d in docs) for i in (0, 1)] == [distance["distance_before"], distance["distance_after"]]
    reverse_rules = next(r for r in inputs.restoration if r.model == "reverse-rules")
    hits = [e["outcome"] for d in page_data(restoration_site, "reverse-rules", "news")["docs"] for e in d["edits"]]
    assert "top1" in hits and "miss" in hits  # a page with both to show
    assert set(page_data(restoration_site, "keep", "unseen-domain")["docs"][0]) >= {"edits", "distance"}
    assert reverse_rules.results.detector["name"] == "lexicon"


def test_a_known_edit_shows_spun_restored_and_original(inputs, restoration_site):
    run = next(r for r in inputs.restoration if r.model == "reverse-rules")
    docs = page_data(restoration_site, "reverse-rules", "news")["docs"]
    record, doc = next((r, d) for r, d in zip(run.split.records, docs) if any(e["spun_end"] > e["spun_start"] for e in r["edits"]))
    edit = next(e for e in record["edits"] if e["spun_end"] > e["spun_start"])
    row = doc["edits"][0]
    assert (row["spun"], row["original"]) == (edit["spun_text"], edit["original_text"])
    assert row["kind"] in KINDS and row["outcome"] in OUTCOMES
    ranked = run.candidates[0 if run.split.records[0] is record else run.split.records.index(record)][0]
    assert row["candidates"] == ranked[:TOP_K] and row["more"] == max(0, len(ranked) - TOP_K)  # the page lists what is scored
    assert row["restored"] == (row["candidates"][0] if row["candidates"] else row["spun"])
    assert (row["rank"] == 1) == (row["outcome"] == "top1") and (row["rank"] is None) == (row["outcome"] == "miss")
    from test_report import unmark

    text, marks = unmark(doc["text"], doc["marks"])
    assert text == record["text"] and len(marks) == len(doc["edits"])
    assert text[marks[0][0] : marks[0][1]] == edit["spun_text"]  # the first edit's mark covers its spun wording


def test_detector_spans_are_restored_and_add_up(inputs, restoration_site):
    run = next(r for r in inputs.restoration if r.model == "reverse-rules")
    docs = page_data(restoration_site, "reverse-rules", "news")["docs"]
    stored = [e for d in read_data(restoration_site / "restore" / "reverse-rules" / "news.js")["docs"] for e in d["detected"]]
    assert any("item" in e for e in stored)  # a gold edit's own span, ranked alike, is not written twice
    detected = run.results.scores["end_to_end"]["detected_spans"]
    assert sum(len(d["detected"]) for d in docs) == detected["spans"] > 0
    assert [sum(d["detected_distance"][i] for d in docs) for i in (0, 1)] == [detected["distance_before"], detected["distance_after"]]
    kinds = {e["outcome"] for d in docs for e in d["detected"]}
    assert kinds <= {*OUTCOMES, "alarm-kept", "alarm-changed", "partial"} and kinds
    assert "detected" not in page_data(restoration_site, "keep", "unseen-domain")["docs"][0]  # keep ran on gold spans only
    page = (restoration_site / "restore" / "reverse-rules" / "news.html").read_text(encoding="utf-8")
    assert "lexicon&#39;s spans (token threshold" in page


def test_index_links_every_restoration_page(inputs, restoration_site):
    index = (restoration_site / "index.html").read_text(encoding="utf-8")
    assert 'id="restoration-table"' in index and '<a href="#restoration">restoration</a>' in index
    for run in inputs.restoration:
        assert f'href="restore/{run.model}/{run.label}.html"' in index
        assert (restoration_site / "restore" / run.model / f"{run.label}.html").is_file()
    assert (restoration_site / "assets" / "restoration.js").is_file()
    for page in restoration_site.rglob("*.html"):  # every local link resolves
        for link in re.findall(r'(?:href|src)="([^"#]+)"', page.read_text(encoding="utf-8")):
            if not link.startswith("data:"):
                assert (page.parent / link).resolve().is_file(), f"{page}: broken link {link}"


def test_a_report_without_restoration_results_has_no_restoration_section(report_site):
    index = (report_site / "index.html").read_text(encoding="utf-8")
    assert "restoration-table" not in index and not (report_site / "restore").exists()


def hostile_run() -> RestorationRun:
    """A one-document run whose text and restorer's answers hold HTML."""
    text = 'The <b>big</b> & "bold" dog.'
    words = ["The", "<b>big</b>", "&", '"bold"', "dog", "."]
    tokens, cursor = [], 0
    for w in words:
        start = text.index(w, cursor)
        tokens.append({"text": w, "start": start, "end": start + len(w)})
        cursor = start + len(w)
    items = [GoldItem(1, 2, "<b>big</b>", "<i>large</i>", "one_word"), GoldItem(3, 4, '"bold"', "brave", "one_word")]
    record = {"id": "<doc>", "title": "<script>alert(1)</script>", "text": text, "tokens": tokens, "is_spun": True, "domain": "<u>news</u>",
              "recipe": "<em>", "engines": ["<s>"], "spin_rate": 0.5}
    gold = RestorationGold("news", "test", "0" * 64, "data", ["<doc>"], [words], [["The", "<i>large</i>", "&", "brave", "dog", "."]], [items])
    candidates = [[['<img src=x onerror="window.pwned=1">', "<i>large</i>"], ["<script>window.pwned=1</script>"]]]
    results = RestorationResults.example()
    split = SimpleNamespace(config="news", split="test", fingerprint="0" * 64, records=[record])
    return RestorationRun("toy", "news", results, split, gold, candidates, None)


def test_html_in_tokens_and_candidates_is_kept_as_text_in_the_data_and_escaped_in_the_page(tmp_path):
    run = hostile_run()
    [doc] = document_rows(run)
    assert [e["outcome"] for e in doc["edits"]] == ["top5", "miss"]
    assert doc["marks"] == [[4, 10], [3, 6]]  # "<b>big</b>" after "The ", then '"bold"' after " & "
    write_restoration_page(environment(), run, tmp_path, ["lexicon"])
    page = (tmp_path / "news.html").read_text(encoding="utf-8")
    assert "<script>window" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page  # the most-missed table, escaped
    assert read_data(tmp_path / "news.js")["docs"][0]["edits"][1]["restored"] == "<script>window.pwned=1</script>"  # set as text by the page's script


def test_cli_reports_restoration_pages_and_a_restorer_alone(restoration_results, report_dataset, tmp_path, capsys):
    out = tmp_path / "site"
    args = ["report", "--results", str(restoration_results), "--dataset", str(report_dataset), "--out", str(out)]
    assert spinbench(args) == 0
    assert "(2 models, 2 configs, 4 error browsers, 2 restoration pages)" in capsys.readouterr().out
    assert spinbench([*args, "--models", "keep"]) == 0  # a restorer alone: its page and an index without detection
    assert "(0 models, 0 configs, 0 error browsers, 1 restoration page)" in capsys.readouterr().out
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.html")) == ["index.html", "restore/keep/unseen-domain.html"]
    assert "No detection results here." in (out / "index.html").read_text(encoding="utf-8")
    assert spinbench([*args, "--models", "kep"]) == 2
    assert "did you mean 'keep'?" in capsys.readouterr().err


def test_a_report_on_ordinary_restoration_runs(report_dataset, tmp_path, capsys):
    """`spinbench report --runs runs/` shows restoration runs (runs/restore/<name>/<config>.<split>.json)."""
    from harness.restoration.run import restore

    runs = tmp_path / "runs"
    restore("keep", split="validation", dataset=str(report_dataset), output_dir=runs, n_boot=20)
    out = tmp_path / "site"
    assert spinbench(["report", "--runs", str(runs), "--dataset", str(report_dataset), "--out", str(out)]) == 0
    assert "1 restoration page" in capsys.readouterr().out
    assert (out / "restore" / "keep" / "news.validation.html").is_file()
    assert 'href="restore/keep/news.validation.html"' in (out / "index.html").read_text(encoding="utf-8")


def test_rows_show_a_guess_with_its_confidence_and_withhold_it_under_the_cut():
    from harness.report.restoration import detected_rows, edit_rows
    from harness.restoration.items import GoldItem

    items = [GoldItem(0, 1, "weighty", "heavy", "one_word"), GoldItem(2, 3, "commerce", "trade", "one_word")]
    rows = edit_rows(items, [["heavy", "large"], ["business"]], [[0.9, 0.1], [0.3]], cut=0.5)
    assert (rows[0]["confidence"], rows[0]["withheld"]) == (0.9, False)
    assert (rows[1]["confidence"], rows[1]["withheld"]) == (0.3, True) and rows[1]["restored"] == "business"
    plain = edit_rows(items, [["heavy"], []])  # a restorer without confidences: always shown, nothing to withhold without a guess
    assert [(r["confidence"], r["withheld"]) for r in plain] == [(None, False), (None, False)]
    alarm = detected_rows(["weighty", "rain", "commerce"], items, [["heavy"], ["business"]], [(1, 2)], [["water"]], [[0.2]], cut=0.5)
    assert alarm[0]["outcome"] == "alarm-changed" and alarm[0]["withheld"]
