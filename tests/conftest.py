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
