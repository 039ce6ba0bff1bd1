"""Each source of a build read twice, as a stream: once to plan (checks, near-duplicate
groups, splits), once to spin. Between the two passes only ids, text digests and 8-word
shingles are kept, never the texts, so a source larger than memory can be built (the
shingle index, 8 bytes and some overhead a word, is the one part that grows with the corpus).

The plans of the installed sources are kept under ``$SPINBENCH_CACHE/source_plans/``, named by
a digest of the seed, the planning code and every file the sources read, so a warm build skips
the first pass (about ten seconds of one core; with more than one process the planning overlaps
the loading of the spinners' resources, so the build's wall time gains little); a plan file that
does not read back is planned again, and the build's log says so. What is kept is what planning
added to the build's log, not the log itself: the build's own warnings stay its own.

The default config's source is split with near-duplicates grouped; another source (a held-out
domain) loses the documents that repeat text of the default source's train or validation
originals. A source must give the same items in the same order on both passes.
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG
from harness.core.errors import SpinbenchError
from harness.core.files import cache_root, sha256_file, write_bytes
from harness.corpus.source_checks import BuildLog, Entry, SplitPlan, assign_splits, drop_overlaps, iter_checked
from harness.corpus.sources import SOURCE_FILES, SOURCES, Article, SourceItem, cleaned

SourceItems = Callable[[str], Iterable[SourceItem]]  # a source's name -> a fresh stream of its items


def source_items(name: str) -> Iterator[SourceItem]:
    """The items of one of the installed sources (``bbc-news``, ``wikipedia``)."""
    return SOURCES[name]()


class SourcePlans:
    """Each source's split plan, made once per build, and its planned articles on demand."""

    def __init__(self, items: SourceItems, seed: int, log: BuildLog, keep: bool = False):
        """``keep``: the items are the installed sources' (:data:`SOURCE_FILES`), whose plans
        may be kept on disk."""
        self.seed, self.log, self.keep = seed, log, keep
        self.items = lambda source: map(cleaned, items(source))  # both passes see normalised text
        self.main = CONFIGS[DEFAULT_CONFIG].source
        self._plans: dict[str, SplitPlan] = {}
        self._training_shingles: dict[str, frozenset[int]] = {}  # the main source's train and validation originals
        self._positions: dict[str, dict[str, list[int]]] = {}  # source -> source id -> places of its checked articles in the stream
        self._read: dict[str, dict[int, SourceItem]] = {}  # source -> place in the stream -> the item read there, for each checked article
        self.report: dict[str, dict] = {}

    def _checked_entries(self, source: str) -> list[Entry]:
        """The first pass: the checked articles' entries; remembers where each came in the stream."""
        where: list = [-1, None]

        def numbered() -> Iterator[SourceItem]:
            for n, item in enumerate(self.items(source)):
                where[:] = n, item
                yield item

        entries, positions, read = [], {}, {}
        for article in iter_checked(numbered(), self.log):
            entries.append(Entry.of(article))
            positions.setdefault(article.source_id, []).append(where[0])
            if self.keep:  # the installed sources, small: their articles are kept, not read again
                read[where[0]] = where[1]
        self._positions[source] = positions
        if self.keep:
            self._read[source] = read
        return entries

    def plan(self, source: str) -> SplitPlan:
        if source not in self._plans:
            entries = self._checked_entries(source)
            if source == self.main:
                plan = assign_splits(entries, self.seed, self.log)
                kept = set(plan.source_ids)
                self._training_shingles = {e.source_id: e.shingles for e in entries if e.source_id in kept and plan.split[e.source_id] != "test"}
                self.report[source] = {"near_duplicates": plan.report()}
            else:
                self.plan(self.main)
                entries, dropped = drop_overlaps(entries, self._training_shingles, self.log, f"a {DEFAULT_CONFIG} train or validation original")
                plan = SplitPlan([e.source_id for e in entries], {}, [], 0)
                self.report[source] = {"overlapping_training_text_skipped": dropped}
            self._plans[source] = plan
        return self._plans[source]

    @contextlib.contextmanager
    def planning(self, sources: list[str], background: bool = False) -> Iterator[None]:
        """Plan ``sources`` before the body runs or, with ``background``, in a forked process
        while it runs (a build loads its spinners' resources meanwhile: both take about ten
        seconds, on different cores). Either way every plan, report and log line is in place
        when the block ends, the same as planning here."""
        kept = self._kept_path(sources)
        if kept is not None and self._read_kept(kept, sources):
            yield
            return
        before = _LogMark.of(self.log)
        if not background:
            for source in sources:
                self.plan(source)
            self._keep(kept, before)
            yield
            return
        import multiprocessing

        context = multiprocessing.get_context("fork")
        receive, send = context.Pipe(duplex=False)
        child = context.Process(target=self._plan_and_send, args=(sources, send), name="spinbench-planning", daemon=True)
        child.start()
        send.close()
        try:
            yield
            try:
                outcome = receive.recv()
            except EOFError:
                child.join()
                raise SpinbenchError(f"planning the sources stopped without a result (its process ended with code {child.exitcode})") from None
        except BaseException:
            child.terminate()
            raise
        finally:
            child.join()
            receive.close()
        if isinstance(outcome, BaseException):
            raise outcome
        self._plans, self._positions, self._read, self.report, log = outcome
        vars(self.log).update(vars(log))
        self._keep(kept, before)

    def _kept_path(self, sources: list[str]) -> Path | None:
        """Where the plans of ``sources`` are kept, or None when they are not (other sources than
        the installed ones, or files that cannot be read)."""
        if not self.keep or any(s not in SOURCE_FILES for s in sources):
            return None
        import hashlib
        import unicodedata

        from harness.core import configs, text_checks, tokens, unicode_text
        from harness.corpus import near_duplicates, planning, source_checks
        from harness.corpus import sources as source_module

        # the articles kept with the plans are cleaned text, which the Unicode tables decide
        digest = hashlib.sha256(f"{self.seed}\t{sources}\t{DEFAULT_CONFIG}\t{unicodedata.unidata_version}".encode())
        try:
            for module in (source_module, source_checks, near_duplicates, planning, configs, text_checks, tokens, unicode_text, sys.modules[__name__]):
                digest.update(Path(module.__file__).read_bytes())
            for source in sources:
                for path in SOURCE_FILES[source]():
                    digest.update(f"\n{source}\t{path.name}\t{sha256_file(path)}".encode())
        except OSError:
            return None
        return cache_root() / "source_plans" / f"{digest.hexdigest()[:32]}.pkl"

    def _read_kept(self, path: Path, sources: list[str]) -> bool:
        """Take the plans kept at ``path`` and add what planning logged to the build's log; False
        when there are none, or they do not read back (which the log then says)."""
        import pickle

        try:
            with open(path, "rb") as f:
                plans, positions, read, report, added = pickle.load(f)
            if not (isinstance(added, _LogMark) and all(s in plans and s in positions and s in read for s in sources)):
                raise ValueError("not a kept plan")
        except FileNotFoundError:
            return False
        except Exception as err:  # noqa: BLE001 - a damaged file: planned again (and rewritten)
            self.log.note(f"kept source plans at {path} could not be read ({err.__class__.__name__}): planned again")
            return False
        self._plans, self._positions, self._read, self.report = plans, positions, read, report
        added.add_to(self.log)
        self.log.note(f"source plans of {', '.join(sources)} read from {path} (kept by their files' contents)")
        return True

    def _keep(self, path: Path | None, before: _LogMark) -> None:
        """Write the plans, and what planning added to the log since ``before``, to ``path``
        (atomically; a cache that cannot be written is skipped)."""
        if path is None:
            return
        import pickle

        try:
            write_bytes(path, pickle.dumps((self._plans, self._positions, self._read, self.report, before.since(self.log)), protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            return

    def _plan_and_send(self, sources: list[str], send) -> None:
        """The forked process's work: the plans, or the exception planning raised (the same one
        planning here would raise, with its traceback as a note, so the build reports it alike)."""
        import pickle
        import traceback

        try:
            for source in sources:
                self.plan(source)
            outcome = (self._plans, self._positions, self._read, self.report, self.log)
        except Exception as err:  # noqa: BLE001 - sent to the build, which raises it
            if not isinstance(err, SpinbenchError):
                err.add_note(f"(raised while planning the sources in a forked process)\n{traceback.format_exc()}")
            try:
                pickle.loads(pickle.dumps(err))
                outcome = err
            except Exception:  # noqa: BLE001 - an exception that does not pickle: its text
                outcome = (SpinbenchError if isinstance(err, SpinbenchError) else RuntimeError)(f"{err.__class__.__name__}: {err}")
        send.send(outcome)
        send.close()

    def articles(self, source: str) -> Iterator[Article]:
        """The source's planned articles, in source order (found by their place in the stream:
        the first pass checked them already): for the installed sources, the items the first
        pass kept; for others, read from the source again, so that no source is held in memory
        whole."""
        plan = self.plan(source)
        wanted = sorted(n for source_id in plan.source_ids for n in self._positions[source][source_id])
        if source in self._read:
            read = self._read[source]
            yield from (read[n] for n in wanted)
            return
        wanted_set = set(wanted)
        for n, item in enumerate(self.items(source)):
            if n in wanted_set:
                yield item


@dataclass
class _LogMark:
    """Where a build's log stood (``of``), or what was added to it since (``since``): lines,
    warnings, skipped documents and their examples."""

    lines: list
    warnings: list
    skipped: Counter
    examples: dict

    @classmethod
    def of(cls, log: BuildLog) -> _LogMark:
        return cls(list(log.lines), list(log.warnings), Counter(log.skipped), dict(log.examples))

    def since(self, log: BuildLog) -> _LogMark:
        return _LogMark(log.lines[len(self.lines):], log.warnings[len(self.warnings):], log.skipped - self.skipped,
                        {k: v for k, v in log.examples.items() if k not in self.examples})

    def add_to(self, log: BuildLog) -> None:
        """Add these to ``log``, saying the warnings again (planning did not run now)."""
        log.lines += self.lines
        log.skipped.update(self.skipped)
        for reason, doc_id in self.examples.items():
            log.examples.setdefault(reason, doc_id)
        for message in self.warnings:
            log.warn(message)
            log.lines.pop()  # warn() records the line again: it is among self.lines already
