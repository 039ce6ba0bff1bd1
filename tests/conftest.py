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


def fake_sources(paragraphs):
    """Sources for the builder made of the fixture paragraphs: 40 two-paragraph 'news'
    articles and one 'wikipedia' entry per paragraph."""
    import itertools

    from harness.corpus.sources import Article

    pairs = list(itertools.combinations(range(len(paragraphs)), 2))[:40]
    news = [Article(f"n-{i}-{j}", f"Story {i}", paragraphs[i] + "\n\n" + paragraphs[j], "bbc-news", f"s/{i}-{j}", "news") for i, j in pairs]
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


@pytest.fixture(scope="session")
def tiny_hf_model(tmp_path_factory):
    """A tiny BERT token classifier saved with save_pretrained (see tiny_models.py)."""
    pytest.importorskip("transformers")
    from tiny_models import save_tiny_model

    return save_tiny_model(tmp_path_factory.mktemp("tiny-hf"), fixture_paragraphs())


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    """Fitted-detector caches go to a per-test folder, never the user's."""
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
