"""Restoration results files: ``results/restore/<model>/<config>.json`` (leaderboard entries) or
``runs/restore/<model>/<config>.<split>.json``, one :class:`RestorationResults` each.

They extend the run layer's results (:class:`harness.runs.results.RunResults`) with what is the
restoration track's own: which detector's spans the end-to-end score on detected spans came from
(``detector``), and throughput in spans. The JSON is checked against :data:`RESTORATION_SCHEMA`
when written and read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from harness.restoration.scoring import HIT_SCORES, MAIN_SCORE_NAME
from harness.runs.bootstrap import DEFAULT_RESAMPLES
from harness.runs.paths import RESTORE
from harness.runs.results import METRIC, SCHEMA_VERSION, SHA256, Bootstrap, DatasetInfo, ModelInfo, RunResults, closed, numbers, results_schema

_HITS = {"type": "object", "required": ["count", *HIT_SCORES], "properties": {"count": {"type": "integer"}, **{k: METRIC for k in HIT_SCORES}}}
_DISTANCE = {"type": "object", "required": ["distance_before", "distance_after", "distance_removed"], "properties": {"distance_removed": METRIC}}
RESTORATION_SCHEMA = results_schema(["task", "detector"], {
    "task": {"const": RESTORE},
    "detector": {"anyOf": [{"type": "null"}, closed(["name", "results_file", "predictions_sha256", "token_threshold"], {
        "name": {"type": "string"}, "results_file": {"type": "string"}, "predictions_sha256": SHA256, "token_threshold": {"type": "number"}})]},
    "scores": {"type": "object", "required": ["edits", "by_kind", "end_to_end", "resamples"],
               "properties": {"edits": _HITS, "by_kind": {"type": "object", "additionalProperties": _HITS},
                              "end_to_end": {"type": "object", "required": ["gold_spans"], "additionalProperties": _DISTANCE}}},
    "throughput": closed(["spans_per_second"], numbers("spans_per_second", "predict_seconds", "fit_seconds", "peak_memory_mb")),
})


@dataclass(frozen=True)
class RestorationThroughput:
    """Restoring speed and the process's peak memory (None where not measured)."""

    spans_per_second: float | None
    predict_seconds: float | None = None
    fit_seconds: float | None = None
    peak_memory_mb: float | None = None


@dataclass(kw_only=True)
class RestorationResults(RunResults):
    """One restorer scored on one split.

    >>> r = RestorationResults.example()
    >>> r.get_score("edits", "top1", ci=True), r.get_score("by_kind", "top1", kind="one_word")
    ((0.5, 0.4, 0.6), 0.5)
    """

    detector: dict | None
    throughput: RestorationThroughput
    task: str = RESTORE

    SCHEMA: ClassVar[dict] = RESTORATION_SCHEMA
    MAIN_SCORE: ClassVar[tuple[str, ...]] = ("edits", MAIN_SCORE_NAME)
    MAIN_SCORE_NAME: ClassVar[str] = MAIN_SCORE_NAME
    PARTS: ClassVar[dict] = {**RunResults.PARTS, "throughput": lambda d: RestorationThroughput(**d)}

    def score_path(self, level: str, name: str, kind: str | None = None) -> tuple[str, ...]:
        if level == "end_to_end":
            return (level, name, "distance_removed")
        return (level, kind, name) if kind is not None else (level, name)

    def known_scores(self) -> list[str]:
        edits = [n for n, v in self.scores.get("edits", {}).items() if isinstance(v, dict)]
        spans = [n for n, v in self.scores.get("end_to_end", {}).items() if isinstance(v, dict) and "distance_removed" in v]
        return [*(f"edits/{n}" for n in edits), *(f"end_to_end/{n}" for n in spans)]

    def more_scores(self) -> str:
        return f"; by_kind/<edits score> with kind= one of {', '.join(self.scores.get('by_kind', {}))}"

    def get_score(self, level: str, name: str, ci: bool = False, kind: str | None = None):
        """One score (None where undefined), or ``(value, low, high)`` with ``ci``. Levels:
        ``edits`` and ``by_kind`` (with ``kind``) for top1, top5, top1_lemma, top5_lemma;
        ``end_to_end`` for ``gold_spans`` or ``detected_spans`` (their distance_removed)."""
        return super().get_score(level, name, ci, kind=kind)

    def __repr__(self) -> str:
        from harness.runs.formatting import score_text

        return f"RestorationResults(model={self.model.name!r}, {self.dataset.config}/{self.dataset.split}, top-1 {score_text(self.main_score, False, 'n/a')})"

    @classmethod
    def example(cls) -> RestorationResults:
        m = {"value": 0.5, "ci95": [0.4, 0.6]}
        hits = {"count": 2, **{k: m for k in HIT_SCORES}}
        scores = {"edits": hits, "by_kind": {"one_word": hits}, "end_to_end": {"gold_spans": {"distance_before": 4, "distance_after": 2, "distance_removed": m}},
                  "resamples": {MAIN_SCORE_NAME: [0.5]}}
        return cls(model=ModelInfo("toy", "toy:Toy", {}), dataset=DatasetInfo("data", "news", "test", "0" * 64, 1, 10),
                   harness={"version": "0", "git_commit": None}, date="2026-01-01T00:00:00Z", detector=None,
                   bootstrap=Bootstrap(DEFAULT_RESAMPLES, 0), scores=scores, throughput=RestorationThroughput(None), hardware={},
                   predictions="toy.predictions.jsonl.gz", schema_version=SCHEMA_VERSION)


def read_restoration_results(path: Path, older_scores: bool = False) -> RestorationResults:
    """The restoration results in ``path``; ``older_scores`` accepts scores written before a
    metric was added (for ``leaderboard --rescore``)."""
    return RestorationResults.read(path, older_scores)
