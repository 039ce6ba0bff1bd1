"""The report in a real browser (headless Chromium): every page loads from disk without a
console error and stays within the page height bound, the figures and the error browser render
with a size, the filters and sorting work across pages of documents, and screenshots are saved
(to $SPINBENCH_SCREENSHOTS, or the test's temporary folder).
Skipped, saying what to install, where there is no Chromium with chromedriver and selenium;
failed instead where SPINBENCH_REQUIRE_BROWSER=1 (as in CI, which installs them)."""

import os
from pathlib import Path

import pytest

from harness.report import browser

REQUIRED = os.environ.get("SPINBENCH_REQUIRE_BROWSER") == "1"
pytestmark = pytest.mark.skipif(bool(browser.missing()) and not REQUIRED, reason=f"no browser for the report test: {browser.missing()}")


@pytest.fixture(scope="module")
def chromium():
    if browser.missing():
        pytest.fail(f"SPINBENCH_REQUIRE_BROWSER=1, but there is no browser for the report test: {browser.missing()}")
    with browser.headless_chromium() as driver:
        yield driver


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    return Path(os.environ.get("SPINBENCH_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))


def open_page(driver, path: Path):
    browser.open_page(driver, path)
    assert driver.execute_script("return document.readyState") == "complete"
    return driver


def sizes(driver, selector: str) -> list[tuple[float, float]]:
    return [tuple(s) for s in driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => { const r = e.getBoundingClientRect(); return [r.width, r.height]; })", selector)]


def test_every_page_loads_without_console_errors(chromium, report_site, shots):
    pages = sorted(report_site.rglob("*.html"))
    assert len(pages) == 7
    for page in pages:
        heights = browser.page_heights(chromium, page)  # as opened, and every page of documents in every order
        assert browser.console_errors(chromium) == [], page
        assert chromium.title.endswith("· spinbench")
        assert max(heights)[0] <= browser.MAX_PAGE_HEIGHT, (page, max(heights))
    browser.screenshot(open_page(chromium, report_site / "models" / "lexicon.html"), shots / "model.png")


def test_overview_draws_the_leaderboard_and_the_figures(chromium, report_site, shots):
    open_page(chromium, report_site / "index.html")
    assert len(sizes(chromium, "#leaderboard-table tbody tr")) == 2
    figures = sizes(chromium, "figure svg")
    assert len(figures) == 3 * 2 and all(w > 200 and h > 150 for w, h in figures), figures
    lines = sizes(chromium, "figure.pr-curve svg g[id^='line2d'] path")
    assert len(lines) >= 2 * 2 and max(w for w, _ in lines) > 150 and max(h for _, h in lines) > 20, lines
    browser.screenshot(chromium, shots / "overview.png")
    assert (shots / "overview.png").stat().st_size > 10_000


def shown(driver) -> list[str]:
    """The documents on the page of documents shown now."""
    return driver.execute_script("return [...document.querySelectorAll('#documents article.doc')].map(a => a.dataset.id)")


def every_page(driver) -> list[list[str]]:
    """The documents of every page of documents, from the first (turned with the pager's buttons)."""
    while driver.execute_script("return !document.querySelector('.pager .previous').disabled"):
        driver.find_element("css selector", ".pager .previous").click()
    pages = [shown(driver)]
    while driver.execute_script("return !document.querySelector('.pager .next').disabled"):
        driver.find_element("css selector", ".pager .next").click()
        pages.append(shown(driver))
    return pages


def paginate(driver, per_page: int, budget: int = 100_000) -> None:
    """Pages of at most ``per_page`` documents (and ``budget`` estimated px), drawn again."""
    driver.execute_script("const l = document.getElementById('documents'); l.dataset.perPage = arguments[0]; l.dataset.budget = arguments[1];"
                          "document.getElementById('sort').dispatchEvent(new Event('change'))", per_page, budget)


def test_error_browser_renders_filters_and_sorts(chromium, report_site, shots, inputs_all_spun):
    from selenium.webdriver.support.ui import Select

    run, rows = inputs_all_spun
    open_page(chromium, report_site / "errors" / "all-spun" / "unseen-domain.html")
    assert len(shown(chromium)) == len(rows)
    assert chromium.find_element("id", "shown").text == f"{len(rows)} of {len(rows)} documents"
    for kind in ("tp", "fp", "fn") if any(r["fn"] for r in rows) else ("tp", "fp"):
        marks = sizes(chromium, f"#documents mark.{kind}")
        assert marks and all(w > 0 and h > 0 for w, h in marks), kind
    assert len(sizes(chromium, "#false-alarm-phrases tbody tr")) > 0
    assert chromium.find_element("css selector", "#documents mark.tp").get_attribute("title").startswith("was “")
    browser.screenshot(chromium, shots / "errors.png")

    chromium.find_element("id", "clean-alarms").click()
    clean_with_alarms = [r["id"] for r in rows if not r["spun"] and r["fp"]]
    assert clean_with_alarms and sorted(shown(chromium)) == sorted(clean_with_alarms)
    chromium.find_element("id", "clean-alarms").click()

    engine = sorted({e for r in rows for e in r["engines"]})[0]
    Select(chromium.find_element("id", "engine")).select_by_value(engine)
    assert sorted(shown(chromium)) == sorted(r["id"] for r in rows if engine in r["engines"])
    Select(chromium.find_element("id", "engine")).select_by_value("")

    Select(chromium.find_element("id", "sort")).select_by_value("f1-desc")
    f1 = {r["id"]: 1.0 if r["f1"] is None else r["f1"] for r in rows}
    order = [f1[i] for i in shown(chromium)]
    assert order == sorted(order, reverse=True)
    assert browser.console_errors(chromium) == []


def test_error_browser_sorts_and_filters_across_pages_of_documents(chromium, report_site, inputs_all_spun):
    """A page of documents at a time: the sort runs over all of them (page after page reads as
    the one sorted list), a filter starts again at the first page, and each page keeps to its
    size; a document taller than the height budget has a page of its own."""
    from selenium.webdriver.support.ui import Select

    _, rows = inputs_all_spun
    open_page(chromium, report_site / "errors" / "all-spun" / "unseen-domain.html")
    Select(chromium.find_element("id", "sort")).select_by_value("fp-desc")
    [whole] = every_page(chromium)
    assert len(whole) == len(rows) > 4
    paginate(chromium, 3)
    pages = every_page(chromium)
    assert [len(p) for p in pages] == [3] * (len(rows) // 3) + ([len(rows) % 3] if len(rows) % 3 else [])
    assert sum(pages, []) == whole  # the same order, page after page
    assert chromium.find_element("css selector", ".pager .page-of").text == f"page {len(pages)} of {len(pages)}"
    assert chromium.find_element("css selector", ".controls.bottom .page-of").text == f"page {len(pages)} of {len(pages)}"
    assert chromium.find_element("css selector", ".pager .next").get_attribute("disabled")

    chromium.find_element("id", "clean-alarms").click()  # a filter: back to the first page
    clean_with_alarms = [r["id"] for r in rows if not r["spun"] and r["fp"]]
    assert sum(every_page(chromium), []) == [i for i in whole if i in clean_with_alarms]
    chromium.find_element("id", "clean-alarms").click()

    paginate(chromium, 20, budget=1)
    assert [len(p) for p in every_page(chromium)] == [1] * len(rows)
    assert browser.console_errors(chromium) == []


def test_detect_html_page_renders(chromium, tmp_path, tiny_dataset, capsys):
    from harness.cli.main import main as spinbench

    (tmp_path / "in.txt").write_text("Weighty rain shut <three> streets.")
    assert spinbench(["detect", "--model", "all-spun", "--threshold", "0.5", "--format", "html", "--dataset", str(tiny_dataset), str(tmp_path / "in.txt")]) == 0
    (tmp_path / "detect.html").write_text(capsys.readouterr().out, encoding="utf-8")
    open_page(chromium, tmp_path / "detect.html")
    assert browser.console_errors(chromium) == []
    [(w, h)] = sizes(chromium, "article mark.flag")
    assert w > 0 and h > 0
    assert chromium.find_element("css selector", "article mark.flag").text == "Weighty rain shut <three> streets."


@pytest.fixture(scope="module")
def inputs_all_spun(report_site):
    from test_report import data_rows

    return "all-spun", data_rows(report_site, "all-spun", "unseen-domain")


def visible_edit_rows(driver) -> list[tuple[str, str]]:
    return [tuple(r) for r in driver.execute_script(
        "return [...document.querySelectorAll('#documents table.gold tbody tr')].map(t => [t.dataset.kind, t.dataset.outcome])")]


def test_restoration_page_renders_and_filters(chromium, restoration_site):
    """The restoration page's documents render with labelled outcomes; the kind and outcome
    filters show exactly the matching edits."""
    from selenium.webdriver.support.ui import Select
    from test_report_restoration import page_data

    docs = page_data(restoration_site, "reverse-rules", "news")["docs"]
    edits = [(e["kind"], e["outcome"]) for d in docs for e in d["edits"]]
    open_page(chromium, restoration_site / "restore" / "reverse-rules" / "news.html")
    assert browser.console_errors(chromium) == []
    assert chromium.title.endswith("· spinbench")
    assert len(shown(chromium)) == len(docs)
    assert chromium.find_element("id", "shown").text == f"{len(docs)} of {len(docs)} documents, {len(edits)} gold edits"
    assert sorted(visible_edit_rows(chromium)) == sorted(edits)
    for outcome, label in (("top1", "top-1 hit"), ("miss", "miss")):
        marks = sizes(chromium, f"#documents mark.r-{outcome}")
        assert marks and all(w > 0 and h > 0 for w, h in marks), outcome
        assert label in {e.text for e in chromium.find_elements("css selector", f"#documents .outcome.r-{outcome}")}

    Select(chromium.find_element("id", "outcome")).select_by_value("miss")
    assert sorted(visible_edit_rows(chromium)) == sorted(e for e in edits if e[1] == "miss")
    assert sorted(shown(chromium)) == sorted(d["id"] for d in docs if any(e["outcome"] == "miss" for e in d["edits"]))
    kind = edits[0][0]
    Select(chromium.find_element("id", "kind")).select_by_value(kind)
    assert sorted(visible_edit_rows(chromium)) == sorted(e for e in edits if e == (kind, "miss"))
    Select(chromium.find_element("id", "outcome")).select_by_value("")
    Select(chromium.find_element("id", "kind")).select_by_value("")
    assert len(shown(chromium)) == len(docs)
    assert browser.console_errors(chromium) == []


def test_restoration_page_sets_html_from_the_data_as_text(chromium, tmp_path):
    """Tokens and candidates holding HTML show as text and run nothing."""
    from test_report_restoration import hostile_run

    from harness.report.rendering import environment, write_assets
    from harness.report.restoration import write_restoration_page
    from harness.report.texts import write_texts

    run = hostile_run()
    write_restoration_page(environment(), run, tmp_path / "restore" / "toy", [])
    write_texts(tmp_path, run.split)
    write_assets(tmp_path)
    open_page(chromium, tmp_path / "restore" / "toy" / "news.html")
    assert browser.console_errors(chromium) == []
    assert chromium.execute_script("return window.pwned === undefined")
    cells = [e.text for e in chromium.find_elements("css selector", "#documents table.gold tbody td")]
    assert "<b>big</b>" in cells and '<img src=x onerror="window.pwned=1">' in cells
    assert chromium.find_element("css selector", "#documents article.doc h3").text == "<doc> · <script>alert(1)</script>"
    assert chromium.find_element("css selector", "#documents .doc-text").text == 'The <b>big</b> & "bold" dog.'
    [first, second] = chromium.find_elements("css selector", "#documents mark")
    assert (first.text, first.get_attribute("class"), second.text) == ("<b>big</b>", "r-top5", '"bold"')
    assert first.get_attribute("title") == 'top-5 hit: was “<i>large</i>”, restored “<img src=x onerror="window.pwned=1">”'
