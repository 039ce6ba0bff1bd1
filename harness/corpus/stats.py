"""Statistics of a built split: documents, tokens and the spun-token rate, per spinner recipe and
per spin regime, and the split's realism profile (:mod:`harness.corpus.realism`): of its
whole-article documents (``profile``, the one held to the real range) and of each regime and all
spun documents (``profile_by_regime``), with the seen-in-train shares when the training split's
edit pairs are given.

They pool per-record facts (:func:`record_stats`), so a build's workers measure the records they
make and the build adds them up as the records arrive (:class:`SplitStats`); :func:`split_stats`
does both over a stream of records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from harness.corpus.realism import PROFILED_REGIME, DocumentFacts, Profiler, document_facts

_KEYS = ("documents", "spun_documents", "tokens", "spun_tokens", "edits")


@dataclass(frozen=True)
class RecordStats:
    """What the statistics need of one record."""

    recipe: str
    edits: int
    facts: DocumentFacts


def record_stats(r: dict) -> RecordStats:
    return RecordStats(r["recipe"], len(r["edits"]), document_facts(r))


def _row(counts: dict) -> dict:
    tokens, spun = counts["tokens"], counts["spun_tokens"]
    return {
        "documents": counts["documents"],
        "spun_documents": counts["spun_documents"],
        "tokens": tokens,
        "spun_tokens": spun,
        "spun_token_rate": round(spun / tokens, 4) if tokens else 0.0,
        "edits": counts["edits"],
    }


class SplitStats:
    """A split's statistics, one record at a time."""

    def __init__(self):
        self.total = dict.fromkeys(_KEYS, 0)
        self.by_recipe: dict[str, dict] = defaultdict(lambda: dict.fromkeys(_KEYS, 0))
        self.by_regime: dict[str, dict] = defaultdict(lambda: dict.fromkeys(_KEYS, 0))
        self.profilers: dict[str, Profiler] = defaultdict(Profiler)  # per regime, and ALL

    def add(self, s: RecordStats) -> None:
        for counts in (self.total, self.by_recipe[s.recipe], self.by_regime[s.facts.regime]):
            counts["documents"] += 1
            counts["spun_documents"] += s.facts.spun
            counts["tokens"] += s.facts.labels
            counts["spun_tokens"] += s.facts.spun_tokens
            counts["edits"] += s.edits
        if s.facts.spun:
            self.profilers[s.facts.regime].add(s.facts)
        self.profilers[ALL].add(s.facts)

    @property
    def pairs(self) -> set[str]:
        """The edit pairs of every spun document: a training split's reference."""
        return set(self.profilers[ALL].pairs)

    def result(self, reference: set[str] | None = None) -> dict:
        """The statistics; ``reference``: the training split's edit pairs (seen-in-train shares)."""
        profiled = self.profilers.get(PROFILED_REGIME) or self.profilers.get("unknown") or self.profilers[ALL]
        return {
            **_row(self.total),
            "by_recipe": {k: _row(v) for k, v in sorted(self.by_recipe.items())},
            "by_regime": {k: _row(v) for k, v in sorted(self.by_regime.items())},
            "profile": profiled.result(reference),
            "profile_by_regime": {k: v.result(reference) for k, v in sorted(self.profilers.items()) if v.spun_docs},
        }


ALL = "all spun"


def split_stats(records: Iterable[dict], reference: set[str] | None = None) -> dict:
    """The statistics of a split, from one pass over its records (which may be a stream)."""
    pooled = SplitStats()
    for r in records:
        pooled.add(record_stats(r))
    return pooled.result(reference)
