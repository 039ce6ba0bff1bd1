"""Detection results files: ``results/<model>/<config>.json`` (leaderboard entries) or
``runs/<name>/<config>.<split>.json``, one :class:`Results` each.

They extend the run layer's results (:class:`harness.runs.results.RunResults`: model, dataset
revision, harness version and commit, date, resampling, scores, machine, predictions) with what
is detection's own: the thresholds and how they were chosen, throughput, and the detector's
``news``/validation predictions stored beside the results, from which the thresholds are
recomputed (:mod:`harness.evaluation.validation`). The JSON is checked against
:data:`RESULTS_SCHEMA` when written and when read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from harness.evaluation.thresholds import THRESHOLDS_CHOSEN_ON, Thresholds
from harness.runs.bootstrap import DEFAULT_RESAMPLES
from harness.runs.paths import OLD_VALIDATION_FILE, VALIDATION_FILE
from harness.runs.results import (
    METRIC,
    SCHEMA_VERSION,
    SHA256,
    SHARE,
    Bootstrap,
    DatasetInfo,
    ModelInfo,
    ResultsError,
    RunResults,
    closed,
    numbers,
    results_schema,
)

__all__ = ["Results", "ModelInfo", "DatasetInfo", "Bootstrap", "Throughput", "ValidationPredictions", "ResultsError", "read_results", "RESULTS_SCHEMA"]

# The leaderboard's main score: token-level F1 of the spun class.
MAIN_SCORE = ("token", "f1")
MAIN_SCORE_NAME = "token_f1"

_PRF = {"type": "object", "required": ["precision", "recall", "f1"], "properties": {k: METRIC for k in ("precision", "recall", "f1")}}
_RANKED = {"type": "object", "required": ["precision", "recall", "f1", "auroc", "auprc"], "properties": {k: METRIC for k in ("precision", "recall", "f1", "auroc", "auprc")}}
_FALSE_ALARMS = {
    "type": "object",
    "required": ["clean_documents", "clean_tokens", "documents_flagged", "flagged_per_1k_tokens"],
    "properties": {"documents_flagged": METRIC, "flagged_per_1k_tokens": METRIC},
}
RESULTS_SCHEMA = results_schema(["thresholds"], {
    "thresholds": closed(["token", "document", "chosen_on"], {
        "token": {"type": "number"}, "document": {"type": "number"}, "chosen_on": {"type": "string"},
        "rule": {"type": "string"}, "validation_token": {"type": "number"}, "validation_document": {"type": "number"},
        "token_spun_share": SHARE, "document_spun_share": SHARE, "token_shift": {"type": "number"}, "document_shift": {"type": "number"},
        "token_misfit": {"type": "number", "minimum": 0},
        # read from older files, never written: schema 1's names of the validation cuts, the shares of the rule before estimated F1
        "calibration_token": {"type": "number"}, "calibration_document": {"type": "number"}, "token_share": SHARE, "document_share": SHARE,
    }),
    "scores": {
        "type": "object",
        "required": ["token", "span_strict", "span_partial", "document", "false_alarms", "breakdown"],
        "properties": {"token": _RANKED, "span_strict": _PRF, "span_partial": _PRF, "document": _RANKED, "false_alarms": _FALSE_ALARMS},
    },
    "throughput": closed(["tokens_per_second", "peak_memory_mb"], numbers("tokens_per_second", "peak_memory_mb", "predict_seconds", "fit_seconds")),
    # the detector's news/validation predictions, from which its thresholds are recomputed
    "validation": closed(["predictions", "predictions_sha256"], {"predictions": {"enum": [VALIDATION_FILE, OLD_VALIDATION_FILE]}, "predictions_sha256": SHA256}),
    # schema 1's name for them
    "calibration": closed(["predictions", "predictions_sha256"], {"predictions": {"const": OLD_VALIDATION_FILE}, "predictions_sha256": SHA256}),
})


@dataclass(frozen=True)
class ValidationPredictions:
    """The detector's predictions on ``news``/validation, stored beside the results so that the
    thresholds chosen from them can be recomputed."""

    predictions: str
    predictions_sha256: str


@dataclass(frozen=True)
class Throughput:
    """Prediction speed and the process's peak memory (None where not measured, e.g. a rescored
    predictions file)."""

    tokens_per_second: float | None
    peak_memory_mb: float | None
    predict_seconds: float | None = None
    fit_seconds: float | None = None


@dataclass(kw_only=True)
class Results(RunResults):
    """One detector scored on one split; see the module docstring for what each part holds.

    >>> r = Results.example()
    >>> r.get_score("token", "f1"), r.get_score("token", "f1", ci=True)
    (0.5, (0.5, 0.4, 0.6))
    """

    thresholds: Thresholds
    throughput: Throughput
    validation: ValidationPredictions | None = None

    SCHEMA: ClassVar[dict] = RESULTS_SCHEMA
    MAIN_SCORE: ClassVar[tuple[str, ...]] = MAIN_SCORE
    MAIN_SCORE_NAME: ClassVar[str] = MAIN_SCORE_NAME
    PARTS: ClassVar[dict] = {**RunResults.PARTS, "thresholds": Thresholds.from_json, "throughput": lambda d: Throughput(**d),
                             "validation": lambda d: ValidationPredictions(**d)}

    def known_scores(self) -> list[str]:
        return [s for s in super().known_scores() if not s.startswith(("breakdown/", "regimes/", "resamples/"))]

    def get_score(self, level: str, name: str, ci: bool = False) -> float | None | tuple:
        """One score's value (None where undefined), or with ``ci=True`` ``(value, low, high)``
        of its 95% bootstrap interval. Levels: token, span_strict, span_partial, document,
        false_alarms; names: precision, recall, f1, auroc, auprc, tpr_at_1pct_fpr, tpr_at_5pct_fpr
        (token and document), documents_flagged and flagged_per_1k_tokens (false_alarms)."""
        return super().get_score(level, name, ci)

    def summary(self) -> str:
        """Every score as a plain-text table, as ``evaluate`` prints it."""
        from harness.evaluation.summary import format_table

        return format_table(self)

    def __repr__(self) -> str:
        from harness.runs.formatting import score_text

        return f"Results(model={self.model.name!r}, {self.dataset.config}/{self.dataset.split}, token F1 {score_text(self.metric('token', 'f1'), missing='n/a')}; .summary() for every score)"

    def track_problems(self) -> list[str]:
        return self.threshold_problems(self.thresholds.chosen_on, self.validation is not None)

    @staticmethod
    def threshold_problems(chosen_on: str, has_validation: bool) -> list[str]:
        """Why thresholds keep a detection run off the leaderboard: chosen anywhere but by the
        rule on ``news``/validation, or not recomputable (no validation predictions stored)."""
        problems = []
        if chosen_on != THRESHOLDS_CHOSEN_ON:
            problems.append(f"its thresholds were {chosen_on!r}, not chosen on {THRESHOLDS_CHOSEN_ON}")
        if not has_validation:
            problems.append(f"it stores no validation predictions ({VALIDATION_FILE} beside the predictions), so its thresholds cannot be recomputed")
        return problems

    @classmethod
    def upgraded(cls, obj: dict) -> dict:
        """Schema 1 named the validation predictions ``calibration``."""
        obj = dict(obj)
        if "calibration" in obj:
            obj["validation"] = obj.pop("calibration")
        return super().upgraded(obj)

    @classmethod
    def example(cls) -> Results:
        """A small made-up instance, for doctests and tests."""
        def block(*names):
            return {n: {"value": 0.5, "ci95": [0.4, 0.6]} for n in names}

        ranked = ("precision", "recall", "f1", "auroc", "auprc")
        scores = {
            "token": block(*ranked), "span_strict": block(*ranked[:3]), "span_partial": block(*ranked[:3]), "document": block(*ranked),
            "false_alarms": {"clean_documents": 1, "clean_tokens": 10, **block("documents_flagged", "flagged_per_1k_tokens")}, "breakdown": {},
        }
        return cls(model=ModelInfo("toy", "toy:Toy", {}), dataset=DatasetInfo("data", "news", "test", "0" * 64, 1, 10),
                   harness={"version": "0", "git_commit": None}, date="2026-01-01T00:00:00Z", thresholds=Thresholds(0.5, 0.5, "given"),
                   bootstrap=Bootstrap(DEFAULT_RESAMPLES, 0), scores=scores, throughput=Throughput(None, None), hardware={},
                   predictions="toy.predictions.jsonl.gz", schema_version=SCHEMA_VERSION)


def read_results(path: Path, older_scores: bool = False) -> Results:
    """The detection results in ``path``; ``older_scores`` accepts scores written before a metric
    was added (for ``leaderboard --rescore``)."""
    return Results.read(path, older_scores)
