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
    from harness.corpus.build import build, checked_articles
    from harness.core.configs import CONFIGS

    sources = fake_sources(fixture_paragraphs())
    out = tmp_path_factory.mktemp("tiny-data")
    build(out, list(CONFIGS), seed=0, source_loader=lambda name, log: checked_articles(sources[name], log))
    return out


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Fitted-detector caches go to a per-test folder, never the user's."""
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
