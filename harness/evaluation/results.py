"""Results files: ``results/<model>/<config>.json``, one :class:`Results` each.

A results file names the model, the dataset revision it was scored on (config, split, content
fingerprint), the harness version and commit, the thresholds and how they were chosen, every
score with its interval, throughput and hardware, and the predictions file beside it from which
every score can be recomputed (:mod:`harness.evaluation.predictions`). The JSON is checked
against :data:`RESULTS_SCHEMA` when written and when read.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.files import write_json

SCHEMA_VERSION = 1
# The leaderboard's main score: token-level F1 of the spun class.
MAIN_SCORE = ("token", "f1")
MAIN_SCORE_NAME = "token_f1"

_METRIC = {
    "type": "object",
    "required": ["value", "ci95"],
    "properties": {
        "value": {"type": ["number", "null"]},
        "ci95": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": ["number", "null"]}},
    },
}
_PRF = {"type": "object", "required": ["precision", "recall", "f1"], "properties": {k: _METRIC for k in ("precision", "recall", "f1")}}
_RANKED = {"type": "object", "required": ["precision", "recall", "f1", "auroc", "auprc"], "properties": {k: _METRIC for k in ("precision", "recall", "f1", "auroc", "auprc")}}
_FALSE_ALARMS = {
    "type": "object",
    "required": ["clean_documents", "clean_tokens", "documents_flagged", "flagged_per_1k_tokens"],
    "properties": {"documents_flagged": _METRIC, "flagged_per_1k_tokens": _METRIC},
}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["schema_version", "model", "dataset", "harness", "date", "thresholds", "bootstrap", "scores", "main_score", "throughput", "hardware", "predictions"],
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "model": {"type": "object", "required": ["name", "target", "params"]},
        "dataset": {
            "type": "object",
            "required": ["source", "config", "split", "fingerprint"],
            "properties": {"fingerprint": {"type": "string", "pattern": "^[0-9a-f]{64}$"}},
        },
        "harness": {"type": "object", "required": ["version", "git_commit"]},
        "date": {"type": "string"},
        "thresholds": {
            "type": "object",
            "required": ["token", "document", "chosen_on"],
            "properties": {
                "token": {"type": "number"}, "document": {"type": "number"}, "chosen_on": {"type": "string"},
                "token_share": {"type": "number", "minimum": 0, "maximum": 1}, "document_share": {"type": "number", "minimum": 0, "maximum": 1},
                "calibration_token": {"type": "number"}, "calibration_document": {"type": "number"},
            },
        },
        "bootstrap": {"type": "object", "required": ["resamples", "seed"]},
        "scores": {
            "type": "object",
            "required": ["token", "span_strict", "span_partial", "document", "false_alarms", "breakdown"],
            "properties": {"token": _RANKED, "span_strict": _PRF, "span_partial": _PRF, "document": _RANKED, "false_alarms": _FALSE_ALARMS},
        },
        "main_score": {"type": "object", "required": ["name", "value", "ci95"]},
        "throughput": {"type": "object", "required": ["tokens_per_second", "peak_memory_mb"]},
        "hardware": {"type": "object"},
        "predictions": {"type": "string"},
        "predictions_sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    },
}


# Results written by an older harness, whose scores lack later metrics: readable for rescoring.
OLDER_SCORES_SCHEMA = {**RESULTS_SCHEMA, "properties": {**RESULTS_SCHEMA["properties"], "scores": {"type": "object"}}}


class ResultsError(SpinbenchError, ValueError):
    """A results or predictions file that is malformed or does not fit the dataset."""


@dataclass
class Results:
    """One model scored on one split; see the module docstring for what each part holds."""

    model: dict
    dataset: dict
    harness: dict
    date: str
    thresholds: dict
    bootstrap: dict
    scores: dict
    throughput: dict
    hardware: dict
    predictions: str
    predictions_sha256: str | None = None  # the predictions file's hash, written after it
    schema_version: int = SCHEMA_VERSION
    extra: dict = field(default_factory=dict)  # fields a later version may add, kept as read
    stored_main_score: dict | None = field(default=None, compare=False, repr=False)  # as read from a file
    path: Path | None = field(default=None, compare=False, repr=False)  # where it was read or written

    def metric(self, level: str, name: str) -> dict:
        """``{"value", "ci95"}`` of one score, e.g. ``metric("token", "f1")``."""
        return self.scores[level][name]

    @property
    def main_score(self) -> dict:
        level, name = MAIN_SCORE
        return {"name": MAIN_SCORE_NAME, **self.metric(level, name)}

    def to_json(self) -> dict:
        obj = asdict(self)
        obj.pop("stored_main_score")
        obj.pop("path")
        if obj["predictions_sha256"] is None:
            obj.pop("predictions_sha256")
        obj.update(obj.pop("extra"))
        obj["main_score"] = self.main_score
        return obj

    @classmethod
    def from_json(cls, obj: object, where: str = "results", schema: dict = RESULTS_SCHEMA) -> "Results":
        """Results from their JSON, checked against ``schema``."""
        validate_results(obj, where, schema)
        known = set(cls.__dataclass_fields__) - {"extra", "stored_main_score", "path"}
        extra = {k: v for k, v in obj.items() if k not in known | {"main_score"}}
        return cls(**{k: v for k, v in obj.items() if k in known}, extra=extra, stored_main_score=obj["main_score"])


def validate_results(obj: object, where: str = "results", schema: dict = RESULTS_SCHEMA) -> None:
    import jsonschema

    try:
        jsonschema.validate(obj, schema)
    except jsonschema.ValidationError as err:
        path = "/".join(map(str, err.absolute_path)) or "(top level)"
        raise ResultsError(f"{where}: invalid at {path}: {err.message}") from None


def write_results(path: Path, results: Results) -> None:
    obj = results.to_json()
    validate_results(obj, str(path))
    write_json(path, obj)


def read_results(path: Path, older_scores: bool = False) -> Results:
    """The results in ``path``; ``older_scores`` accepts scores written before a metric was added
    (for :func:`harness.evaluation.leaderboard.rescore`)."""
    try:
        obj = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not valid JSON ({err})") from None
    results = Results.from_json(obj, str(path), OLDER_SCORES_SCHEMA if older_scores else RESULTS_SCHEMA)
    results.path = Path(path)
    return results
