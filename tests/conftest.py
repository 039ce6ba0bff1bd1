"""Shared fixtures: articles written for spinbench's tests (no third-party text)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_paragraphs() -> list[str]:
    text = (FIXTURES / "articles.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


@pytest.fixture(scope="session")
def paragraphs() -> list[str]:
    return fixture_paragraphs()


def fixture_stories() -> list[str]:
    """Short news stories written for spinbench's tests; the last two are updated versions of
    the first two (near-duplicates)."""
    text = (FIXTURES / "news_stories.txt").read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def fake_sources(paragraphs):
    """Sources for the builder: the fixture news stories as 'news' articles (two of them updated
    versions of earlier ones) and one 'wikipedia' entry per fixture paragraph."""
    from harness.corpus.sources import Article

    news = [Article(f"n-{i:02d}", f"Story {i}", story, "bbc-news", f"s/{i:02d}", "news") for i, story in enumerate(fixture_stories())]
    wiki = [Article(f"w-{i}", f"Entry {i}", p, "wikipedia", f"w/{i}", "encyclopedia") for i, p in enumerate(paragraphs)]
    return {"bbc-news": news, "wikipedia": wiki}


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory):
    """Every config built from the fixture sources, once per test session."""
    from harness.core.configs import CONFIGS
    from harness.corpus.build import build

    sources = fake_sources(fixture_paragraphs())
    out = tmp_path_factory.mktemp("tiny-data")
    build(out, list(CONFIGS), seed=0, sources=lambda name: sources[name])
    return out


@pytest.fixture(scope="session")
def tiny_hf_model(tmp_path_factory):
    """A tiny BERT token classifier saved with save_pretrained (see tiny_models.py)."""
    pytest.importorskip("transformers")
    from tiny_models import save_tiny_model

    return save_tiny_model(tmp_path_factory.mktemp("tiny-hf"), fixture_paragraphs())


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    """spinbench's caches (fitted detectors, fingerprints) go to a per-test folder beside the
    test's own tmp_path, never the user's."""
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path_factory.mktemp("cache")))


def with_clean_documents(src, dst, config: str, n: int):
    """A copy of the dataset at ``src`` in which the first ``n`` documents of ``config``/test are
    left clean (their originals, nothing spun), as a quarter of the real ones are."""
    import shutil

    import harness
    from harness.core.files import FINGERPRINTS, write_json
    from harness.core.fingerprints import read_fingerprints, write_split

    shutil.copytree(src, dst)
    path = dst / config / "test.parquet"
    records = harness.load(config, "test", dataset=dst).records
    for r in records[:n]:
        r.update(text=r["original_text"], tokens=r["original_tokens"], labels=[0] * len(r["original_tokens"]), edits=[], engines=[],
                 recipe="none", spin_rate=0.0, is_spun=False)
    fingerprints = read_fingerprints(dst)
    fingerprints["configs"][config]["test"] = write_split(path, records)
    write_json(dst / FINGERPRINTS, fingerprints)
    return dst


@pytest.fixture(scope="session")
def report_dataset(tiny_dataset, tmp_path_factory):
    """The tiny dataset with four clean documents in unseen-domain/test, for the report's tests."""
    return with_clean_documents(tiny_dataset, tmp_path_factory.mktemp("report-data") / "data", "unseen-domain", 4)


@pytest.fixture(scope="session")
def report_results(report_dataset, tmp_path_factory):
    """Results of `lexicon` and `all-spun` on `report_dataset`'s news and unseen-domain tests."""
    from harness.evaluation.evaluate import evaluate

    root = tmp_path_factory.mktemp("report-results")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINBENCH_CACHE", str(root / "cache"))
        for model in ("lexicon", "all-spun"):
            for config in ("news", "unseen-domain"):
                evaluate(model, config=config, dataset=str(report_dataset), output_dir=root / "results", submit=True, allow_dirty=True)
    return root / "results"


@pytest.fixture(scope="session")
def report_site(report_results, report_dataset, tmp_path_factory):
    """The report of `report_results`, built once per test session (tests must not change it)."""
    from harness.report.runs import load_inputs
    from harness.report.site import build_report

    out = tmp_path_factory.mktemp("report-site") / "report"
    build_report(load_inputs(report_results, dataset=str(report_dataset)), out, results_dir=str(report_results))
    return out


@pytest.fixture(scope="session")
def restoration_results(report_results, report_dataset, tmp_path_factory):
    """`report_results` with restoration entries: `reverse-rules` on news/test with the lexicon's
    spans, `keep` on unseen-domain/test (gold spans only)."""
    import shutil

    from harness.restoration.run import restore

    root = tmp_path_factory.mktemp("restoration-results")
    shutil.copytree(report_results, root / "results")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINBENCH_CACHE", str(root / "cache"))
        restore("reverse-rules", "news", dataset=str(report_dataset), spans_from="lexicon", results_dir=root / "results",
                output_dir=root / "results", submit=True, allow_dirty=True)
        restore("keep", "unseen-domain", dataset=str(report_dataset), output_dir=root / "results", submit=True, allow_dirty=True)
    return root / "results"


@pytest.fixture(scope="session")
def restoration_site(restoration_results, report_dataset, tmp_path_factory):
    """The report of `restoration_results` (tests must not change it)."""
    from harness.report.runs import load_inputs
    from harness.report.site import build_report

    out = tmp_path_factory.mktemp("restoration-site") / "report"
    build_report(load_inputs(restoration_results, dataset=str(report_dataset)), out, results_dir=str(restoration_results))
    return out


@pytest.fixture(scope="session")
def full_board(tiny_dataset, tmp_path_factory):
    """A complete leaderboard on the tiny dataset, made once per session (copy it before changing
    it: :func:`copy_board`): `lexicon` and `all-spun` on every config, the restorers `keep` and
    `reverse-thesaurus` on every config (gold spans), and `leaderboard.md` rendered."""
    from harness.cli.main import main as spinbench
    from harness.core.configs import CONFIGS
    from harness.evaluation.evaluate import evaluate_all
    from harness.restoration.run import restore_all

    root = tmp_path_factory.mktemp("full-board")
    results, data = root / "results", str(tiny_dataset)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SPINBENCH_CACHE", str(root / "cache"))
        for model in ("lexicon", "all-spun"):
            evaluate_all(model, list(CONFIGS), dataset=data, output_dir=results, submit=True, allow_dirty=True)
        for model in ("keep", "reverse-thesaurus"):
            restore_all(model, list(CONFIGS), dataset=data, output_dir=results, submit=True, allow_dirty=True)
    assert spinbench(["leaderboard", "--results", str(results), "--out", str(root / "leaderboard.md"), "--dataset", data]) == 0
    return root


def copy_board(board, tmp_path):
    """A copy of a board made by `full_board` in ``tmp_path``: (root, results, leaderboard.md)."""
    import shutil

    root = tmp_path / "board"
    shutil.copytree(board / "results", root / "results")
    shutil.copy(board / "leaderboard.md", root / "leaderboard.md")
    return root, root / "results", root / "leaderboard.md"
