"""The docs stay true: generated blocks up to date, links that resolve, a short README, no stale
hand-typed counts, and every token F1 quoted in prose equal to the committed result.

Fast and offline: reads only committed files (README.md, docs/, results/, data/*.json).
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
GENERATED = re.compile(r"^<!-- BEGIN generated: (?P<name>[\w-]+)[^\n]*-->$.*?^<!-- END generated: (?P=name) -->$", re.DOTALL | re.MULTILINE)
FENCE = re.compile(r"^```.*?^```", re.DOTALL | re.MULTILINE)
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _docs_figures():
    spec = importlib.util.spec_from_file_location("docs_figures", ROOT / "benchmarks" / "docs_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _prose(text: str) -> str:
    """The text a person typed: generated blocks and code blocks blanked out."""
    return FENCE.sub("", GENERATED.sub("", text))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation but ``-`` and ``_`` dropped, spaces to ``-``."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text())
    return {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.MULTILINE)}


def test_generated_blocks_are_up_to_date():
    figures = _docs_figures()
    stale = figures.update(ROOT, check=True, skip=figures.DATA_BLOCKS)
    assert not stale, f"stale generated blocks (run: python benchmarks/docs_figures.py): {stale}"


@pytest.mark.slow
def test_generated_blocks_that_read_the_built_dataset_are_up_to_date():
    """The threshold-transfer figures read the scored splits' labels: checked where the dataset
    is built (CI's slow stage)."""
    from harness.core.configs import CONFIGS

    if not all((ROOT / "data" / config).is_dir() for config in CONFIGS):
        pytest.skip("the dataset is not built here (spinbench build)")
    figures = _docs_figures()
    stale = figures.update(ROOT, check=True, only=figures.DATA_BLOCKS)
    assert not stale, f"stale generated blocks (run: python benchmarks/docs_figures.py): {stale}"


def test_every_generated_block_has_a_renderer_and_is_used():
    figures = _docs_figures()
    used = {m.group("name") for path in DOCS for m in GENERATED.finditer(path.read_text())}
    assert used == set(figures.RENDERERS), f"unused renderers {set(figures.RENDERERS) - used}, unknown blocks {used - set(figures.RENDERERS)}"


def test_stale_block_is_found(tmp_path):
    """The check fails when a generated figure is edited by hand."""
    figures = _docs_figures()
    text = "<!-- BEGIN generated: registry (python benchmarks/docs_figures.py) -->\nedited by hand\n<!-- END generated: registry -->\n"
    new, found, stale = figures.replace_blocks(text, {"registry": figures.registry(ROOT)})
    assert found == ["registry"] and stale == ["registry"] and "`lexicon`" in new
    assert figures.replace_blocks(new, {"registry": figures.registry(ROOT)})[2] == []


def _block(path: Path, name: str) -> str:
    m = next(m for m in GENERATED.finditer(path.read_text()) if m.group("name") == name)
    return m.group(0)


def test_restoration_block_quotes_every_committed_entry_or_says_there_is_none():
    """docs/restoration.md's figure table comes from results/restore/; before any entry is
    committed it says so (and is still up to date)."""
    from harness.restoration.kinds import KINDS

    figures = _docs_figures()
    assert list(figures.RESTORATION_KINDS) == list(KINDS)
    committed = figures.load_restoration_results(ROOT)
    block = _block(ROOT / "docs" / "restoration.md", "restoration-scores")
    if not committed:
        assert figures.NO_RESTORATION_RESULTS in block
    for (model, config), res in committed.items():
        assert f"| {config} | `{model}` | {figures._interval(res['scores']['edits']['top1'])} |" in block, (model, config)


def test_restoration_block_renders_entries_as_written(tmp_path):
    """With no results/restore/ the block says so; with entries (written as the harness writes
    them) it quotes their scores, per edit kind and end to end, news first."""
    from harness.restoration.results import RestorationResults

    figures = _docs_figures()
    assert figures.restoration_scores(tmp_path) == figures.NO_RESTORATION_RESULTS
    news = RestorationResults.example()
    held_out = RestorationResults.example()
    held_out.dataset = type(news.dataset)(**{**news.dataset.__dict__, "config": "unseen-domain"})
    held_out.detector = {"name": "lexicon", "results_file": "results/lexicon/unseen-domain.json", "predictions_sha256": "0" * 64, "token_threshold": 0.5}
    held_out.scores = {**news.scores, "end_to_end": {**news.scores["end_to_end"], "detected_spans": {
        "spans": 3, "distance_before": 4, "distance_after": 5, "distance_removed": {"value": -0.25, "ci95": [None, None]}},
        "detected_spans_abstaining": {"spans": 3, "shown": 1, "distance_before": 4, "distance_after": 3.5,
                                      "distance_removed": {"value": 0.125, "ci95": [None, None]}}}}
    held_out.write(tmp_path / "results" / "restore" / "toy" / "unseen-domain.json")
    news.write(tmp_path / "results" / "restore" / "toy" / "news.json")
    lines = figures.restoration_scores(tmp_path).splitlines()
    assert "removed, `lexicon`'s spans |" in lines[0] and "removed, `lexicon`'s spans, abstaining |" in lines[0]
    assert lines[2] == "| news | `toy` | 0.500 [0.400, 0.600] | 0.500 [0.400, 0.600] | 0.500 | 0.500 / 0.500 | – | – | – | 0.500 [0.400, 0.600] | – | – | – |"
    assert lines[3].startswith("| unseen-domain | `toy` |") and lines[3].endswith("| -0.250 | 0.125 (33% shown) | – |")
    assert lines[-1] == "Edits scored: `news`/test: 2 gold edits (2 one word); `unseen-domain`/test: 2 gold edits (2 one word)."


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    broken = []
    for target in LINK.findall(FENCE.sub("", path.read_text())):
        if re.match(r"[a-z]+:", target):  # https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (path.parent / file).resolve() if file else path
        if not dest.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {dest.relative_to(ROOT)})")
    assert not broken, f"{path.relative_to(ROOT)}: broken links: {broken}"


def test_readme_is_short_and_holds_no_development_history():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= 200
    for pattern in (r"issue #?\d+", r"this stop", r"`[0-9a-f]{7,40}`", r"\bbefore/after\b"):
        assert not re.search(pattern, text, re.IGNORECASE), f"README.md holds development history: {pattern!r}"


STALE_COUNTS = (
    r"\b\d[\d,]* tests\b",               # "518 tests": the suite's size changes with every commit
    r"\b\d[\d,]* (?:`news` )?test documents\b",  # "221 test documents": use the generated statistics
)


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_hand_typed_counts(path):
    prose = _prose(path.read_text())
    for pattern in STALE_COUNTS:
        hit = re.search(pattern, prose)
        assert not hit, f"{path.relative_to(ROOT)}: hand-typed count {hit.group(0)!r}; quote it from a generated block"


def test_code_docstrings_quote_no_scores():
    """Scores belong to the leaderboard; a docstring that quotes one goes stale with the data."""
    for path in sorted((ROOT / "baselines").glob("*.py")):
        hit = re.search(r"token F1 0\.\d+", path.read_text())
        assert not hit, f"{path.relative_to(ROOT)} quotes {hit.group(0)!r}; point to leaderboard.md instead"


def _committed_token_f1() -> dict[tuple[str, str], float]:
    out = {}
    for path in (ROOT / "results").glob("*/*.json"):
        res = json.loads(path.read_text())
        out[(res["model"]["name"], res["dataset"]["config"])] = res["scores"]["token"]["f1"]["value"]
    return out


QUOTE = re.compile(r"token F1 (?:of |is |at )?(0\.\d{2,4})\b")


def quoted_scores(text: str, models: set[str], configs: set[str]) -> list[tuple[str, str | None, str | None]]:
    """Each "token F1 0.xyz" in the prose of ``text`` with the model and config named last
    before it in the same paragraph (None where none is).

    >>> quoted_scores("The `lexicon` on `news`: token F1 0.713.", {"lexicon"}, {"news"})
    [('0.713', 'lexicon', 'news')]
    """
    prose = _prose(text)
    out = []
    for m in QUOTE.finditer(prose):
        start = prose.rfind("\n\n", 0, m.start()) + 1
        before = prose[start : m.start()]
        names = re.findall(r"`([\w-]+)`", before) + re.findall(r"\b([\w-]+)/test\b", before)
        model = next((n for n in reversed(names) if n in models), None)
        config = next((n for n in reversed(names) if n in configs), None)
        out.append((m.group(1), model, config))
    return out


@pytest.mark.parametrize("path", [p for p in DOCS if p.name != "changelog.md"], ids=lambda p: str(p.relative_to(ROOT)))
def test_quoted_token_f1_matches_committed_results(path):
    """The changelog quotes earlier revisions' scores on purpose; every other page must quote the
    committed ones, naming the model and the config."""
    committed = _committed_token_f1()
    models, configs = {m for m, _ in committed}, {c for _, c in committed}
    for value, model, config in quoted_scores(path.read_text(), models, configs):
        assert model and config, f"{path.relative_to(ROOT)}: token F1 {value} quoted without a `model` and `config` before it"
        assert (model, config) in committed, f"{path.relative_to(ROOT)}: no committed result for {model} on {config}"
        digits = len(value) - 2
        assert value == f"{committed[(model, config)]:.{digits}f}", (
            f"{path.relative_to(ROOT)}: token F1 {value} quoted for {model} on {config}; "
            f"results/{model}/{config}.json says {committed[(model, config)]:.{digits}f}")


def test_quoted_score_check_can_fail():
    committed = _committed_token_f1()
    models, configs = {m for m, _ in committed}, {c for _, c in committed}
    right = f"{committed[('lexicon', 'news')]:.3f}"
    assert quoted_scores(f"The `lexicon` on `news`: token F1 {right}.", models, configs) == [(right, "lexicon", "news")]
    assert quoted_scores("Some model reaches token F1 0.999.", models, configs) == [("0.999", None, None)]
