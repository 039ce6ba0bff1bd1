"""The installed sources' plans are kept on disk (harness.corpus.source_plans): a warm build
skips the first pass, and anything that could change a plan (a source file, the seed, damage to
the kept file) plans again."""

import pytest
from conftest import fake_sources, fixture_paragraphs

from harness.corpus import source_plans
from harness.corpus.source_checks import BuildLog
from harness.corpus.source_plans import SourcePlans


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Fixture sources standing in for the installed ones: each reads one file of its own."""
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
    items = fake_sources(fixture_paragraphs())
    files = {}
    for name in items:
        files[name] = tmp_path / f"{name}.txt"
        files[name].write_text(f"{name} version 1")
    monkeypatch.setattr(source_plans, "SOURCE_FILES", {name: (lambda p=path: [p]) for name, path in files.items()})
    log = tmp_path / "reads.log"  # a file, so that a forked planning process's reads count too
    log.write_text("")

    def read(name):
        with open(log, "a") as f:
            f.write(name + "\n")
        return items[name]

    return read, Reads(log), files


class Reads:
    """Which sources were read since the last ``clear``."""

    def __init__(self, log):
        self.log = log

    def __bool__(self):
        return bool(self.log.read_text())

    def __eq__(self, other):
        return self.log.read_text().split() == other

    def clear(self):
        self.log.write_text("")


def _plan(read, seed=0, background=False, log=None):
    plans = SourcePlans(read, seed, log or BuildLog(), keep=True)
    with plans.planning(["bbc-news", "wikipedia"], background=background):
        pass
    return plans


def _read_again(read, plans, source):
    """The planned articles read from the source afresh, as the second pass used to."""
    from harness.corpus.sources import cleaned

    wanted = {n for source_id in plans.plan(source).source_ids for n in plans._positions[source][source_id]}
    return [item for n, item in enumerate(map(cleaned, read(source))) if n in wanted]


def _state(plans):
    return plans._plans, plans._positions, plans.report, plans.log.skipped, plans.log.warnings


@pytest.mark.parametrize("background", [False, True])
def test_a_second_planning_reads_the_kept_plans_and_gets_the_same(installed, background):
    read, reads, _ = installed
    first = _plan(read, background=background)
    assert reads  # planned: the sources were read
    reads.clear()
    second = _plan(read, background=background)
    assert reads == []  # read back: no source was read
    assert _state(second) == _state(first)
    assert "read from" in second.log.lines[-1]
    # the planned articles were kept with the plans: no source is read again for them, and they
    # are the items that reading the source again gives at the planned places
    kept = {source: list(second.articles(source)) for source in ("bbc-news", "wikipedia")}
    assert reads == []
    for source, articles in kept.items():
        assert articles and articles == list(first.articles(source)) == _read_again(read, first, source)


def test_a_changed_source_file_or_seed_plans_again(installed):
    read, reads, files = installed
    _plan(read)
    reads.clear()
    files["wikipedia"].write_text("wikipedia version 2")
    _plan(read)
    assert reads  # the file's contents name the plan
    reads.clear()
    _plan(read, seed=1)
    assert reads


def test_a_damaged_kept_plan_is_planned_again_and_rewritten(installed, tmp_path):
    read, reads, _ = installed
    first = _plan(read)
    (kept,) = (tmp_path / "cache" / "source_plans").glob("*.pkl")
    kept.write_bytes(kept.read_bytes()[:100])
    reads.clear()
    again = _plan(read)
    assert reads and _state(again) == _state(first)
    assert any("could not be read" in line for line in again.log.lines)
    reads.clear()
    _plan(read)
    assert reads == []  # rewritten whole


def test_other_sources_are_never_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SPINBENCH_CACHE", str(tmp_path / "cache"))
    items = fake_sources(fixture_paragraphs())
    reads = []
    plans = SourcePlans(lambda name: reads.append(name) or items[name], 0, BuildLog())  # keep=False: a --source build
    with plans.planning(["bbc-news"]):
        pass
    assert not (tmp_path / "cache" / "source_plans").exists()
    # nor are its articles held: they are read from the source again, the same ones
    assert reads == ["bbc-news"] and not plans._read
    articles = list(plans.articles("bbc-news"))
    assert reads == ["bbc-news", "bbc-news"] and articles == _read_again(lambda name: items[name], plans, "bbc-news") and articles


@pytest.mark.parametrize("background", [False, True])
def test_kept_plans_bring_planning_s_log_and_leave_the_build_s_own(installed, background):
    read, reads, _ = installed
    first_log, second_log = BuildLog(), BuildLog()
    first_log.warn("said by the first build before planning")
    first = _plan(read, background=background, log=first_log)
    planned = [w for w in first.log.warnings if "first build" not in w]
    assert first.log.skipped  # the fixture's sources have near-duplicates: planning logs them
    second_log.warn("said by the second build before planning")
    reads.clear()
    second = _plan(read, background=background, log=second_log)
    assert reads == []  # read back
    assert second.log.warnings == ["said by the second build before planning", *planned]
    assert second.log.skipped == first.log.skipped and second.log.examples == first.log.examples
    assert not any("first build" in line for line in second.log.lines)
    assert sum(line.startswith("warning: said by the second") for line in second.log.lines) == 1
