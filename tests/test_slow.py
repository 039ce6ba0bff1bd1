"""Slow checks on the real dataset (run by .ci/run after `spinbench build`; `pytest -m slow`)."""

import subprocess
import sys
from pathlib import Path

import pytest

import harness
from harness.core.fingerprints import read_fingerprints

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
pytestmark = pytest.mark.slow

needs_data = pytest.mark.skipif(not (DATA / "news" / "test.parquet").exists(), reason="run `spinbench build` first")


@needs_data
def test_built_data_match_the_committed_fingerprints_and_card():
    committed = read_fingerprints(DATA)
    for config, splits in committed["configs"].items():
        for split, digest in splits.items():
            assert harness.load(config, split, dataset=DATA).fingerprint == digest, f"{config}/{split}"
    diff = subprocess.run(["git", "diff", "--stat", "--", "data/"], cwd=ROOT, capture_output=True, text=True).stdout
    assert diff == "", f"the build changed committed files in data/:\n{diff}"


@needs_data
def test_news_test_is_inside_every_real_range():
    from harness.corpus.realism import outside, profile, profile_table

    p = profile(harness.load("news", "test", dataset=DATA).records)
    assert outside(p) == [], profile_table({"news/test": p})


@needs_data
def test_datasets_loads_the_real_build_offline(tmp_path):
    from datasets import load_dataset

    news = load_dataset(str(DATA), "news", cache_dir=str(tmp_path))
    assert {k: len(v) for k, v in news.items()} == {s: len(harness.load("news", s, dataset=DATA).records) for s in ("train", "validation", "test")}


@needs_data
def test_leaderboard_check_passes_on_committed_results():
    run = subprocess.run([sys.executable, "-m", "harness.cli.main", "leaderboard", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


@needs_data
def test_leaderboard_reproduce_reruns_the_fast_committed_models():
    """Each model refitted and rerun at the commit its entries record (a few minutes on 2 cores;
    the torch models take longer and are rerun where a change touches them: .ci/run)."""
    fast = ["lexicon", "classifier", "all-spun", "random"]
    run = subprocess.run([sys.executable, "-m", "harness.cli.main", "leaderboard", "--reproduce", *fast], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert sorted(line.split(" at ")[0].split()[-1] for line in run.stdout.splitlines() if ": reproduced: " in line) == sorted(fast)


@needs_data
def test_evaluate_lexicon_reproduces_the_committed_scores(tmp_path):
    from harness.evaluation.evaluate import evaluate
    from harness.evaluation.results import read_results
    from harness.evaluation.verify import THRESHOLD_TOLERANCE
    from harness.runs.board import close

    committed = read_results(ROOT / "results" / "lexicon" / "news.json")
    fresh = evaluate("lexicon", dataset=str(DATA), output_dir=tmp_path, use_cache=False)
    assert fresh.scores == committed.scores
    # the shares the rule estimates may differ in the last bits between library builds, as --check allows
    assert close(fresh.thresholds.to_json(), committed.thresholds.to_json(), THRESHOLD_TOLERANCE)


@needs_data
def test_report_of_every_committed_result_is_light(tmp_path):
    """At most 30 MB; no page (nor page of documents) taller than the bound; opens in Chromium
    without a console error. (Its time is measured by benchmarks/report_size.py, not here.)"""
    from harness.report import browser
    from harness.report.site import site_bytes

    site = tmp_path / "report"
    run = subprocess.run([sys.executable, "-m", "harness.cli.main", "report", "--out", str(site)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert site_bytes(site) <= 30_000_000, f"the report of every committed result is {site_bytes(site) / 1e6:.1f} MB"
    if browser.missing():
        pytest.skip(f"report built; not opened: {browser.missing()}")
    heights = []
    with browser.headless_chromium() as driver:
        for page in sorted(site.rglob("*.html")):  # as opened, and each page of documents in the first order
            heights += [(h, f"{page.relative_to(site)}, {view}") for h, view in browser.page_heights(driver, page, orders=False)]
            assert browser.console_errors(driver) == [], page
        assert max(heights)[0] <= browser.MAX_PAGE_HEIGHT, max(heights)
        browser.open_page(driver, site / "errors" / "lexicon" / "news.html")
        documents = len(harness.load("news", "test", dataset=DATA).records)
        assert driver.find_element("id", "shown").text == f"{documents} of {documents} documents"
