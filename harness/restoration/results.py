"""Restoration results files: ``results/restore/<model>/<config>.json`` (leaderboard entries) or
``runs/restore/<model>/<config>.<split>.json``, one :class:`RestorationResults` each, checked
against :data:`RESTORATION_SCHEMA` when written and read.

They share detection's provenance parts (:class:`~harness.evaluation.results.ModelInfo`,
:class:`~harness.evaluation.results.DatasetInfo`, :class:`~harness.evaluation.results.Bootstrap`)
and say which spans the end-to-end score on detected spans came from (``detector``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from harness.core.files import write_json
from harness.core.registry import did_you_mean
from harness.evaluation.results import Bootstrap, DatasetInfo, ModelInfo, results_json, validate_results
from harness.restoration.scoring import HIT_SCORES, MAIN_SCORE_NAME

SCHEMA_VERSION = 1
_METRIC = {"type": "object", "required": ["value", "ci95"], "properties": {"value": {"type": ["number", "null"]},
           "ci95": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": ["number", "null"]}}}}
_HITS = {"type": "object", "required": ["count", *HIT_SCORES], "properties": {"count": {"type": "integer"}, **{k: _METRIC for k in HIT_SCORES}}}
_DISTANCE = {"type": "object", "required": ["distance_before", "distance_after", "distance_removed"], "properties": {"distance_removed": _METRIC}}
_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
RESTORATION_SCHEMA = {
    "type": "object",
    "required": ["schema_version", "task", "model", "dataset", "harness", "date", "detector", "bootstrap", "scores", "main_score", "throughput", "hardware", "predictions"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "task": {"const": "restore"},
        "model": {"type": "object", "required": ["name", "target", "params"], "additionalProperties": False,
                  "properties": {"name": {"type": "string"}, "target": {"type": "string"}, "params": {"type": "object"}, "fitted_outside": {"const": True}}},
        "dataset": {"type": "object", "required": ["source", "config", "split", "fingerprint"], "additionalProperties": False,
                    "properties": {"source": {"type": "string"}, "config": {"type": "string"}, "split": {"type": "string"}, "fingerprint": _SHA256,
                                   "documents": {"type": "integer"}, "tokens": {"type": "integer"}}},
        "harness": {"type": "object", "required": ["version", "git_commit"]},
        "date": {"type": "string"},
        "detector": {"anyOf": [{"type": "null"}, {"type": "object", "required": ["name", "results_file", "predictions_sha256", "token_threshold"],
                                                  "additionalProperties": False, "properties": {"name": {"type": "string"}, "results_file": {"type": "string"},
                                                                                                "predictions_sha256": _SHA256, "token_threshold": {"type": "number"}}}]},
        "bootstrap": {"type": "object", "required": ["resamples", "seed"], "additionalProperties": False,
                      "properties": {"resamples": {"type": "integer", "minimum": 1}, "seed": {"type": "integer", "minimum": 0}}},
        "scores": {"type": "object", "required": ["edits", "by_kind", "end_to_end", "resamples"],
                   "properties": {"edits": _HITS, "by_kind": {"type": "object", "additionalProperties": _HITS},
                                  "end_to_end": {"type": "object", "required": ["gold_spans"], "additionalProperties": _DISTANCE}}},
        "main_score": {"type": "object", "required": ["name", "value", "ci95"]},
        "throughput": {"type": "object", "required": ["spans_per_second"], "additionalProperties": False,
                       "properties": {k: {"type": ["number", "null"]} for k in ("spans_per_second", "predict_seconds", "fit_seconds", "peak_memory_mb")}},
        "hardware": {"type": "object"},
        "predictions": {"type": "string"},
        "predictions_sha256": _SHA256,
        # written by `spinbench leaderboard --rescore`: the harness that recomputed the scores
        "rescored": {"type": "object"},
    },
}
# Results written by an older harness, whose scores lack later metrics: readable for rescoring.
OLDER_SCORES_SCHEMA = {**RESTORATION_SCHEMA, "properties": {**RESTORATION_SCHEMA["properties"], "scores": {"type": "object"}}}


@dataclass
class RestorationResults:
    """One restorer scored on one split.

    >>> r = RestorationResults.example()
    >>> r.get_score("edits", "top1", ci=True), r.get_score("by_kind", "top1", kind="one_word")
    ((0.5, 0.4, 0.6), 0.5)
    """

    model: ModelInfo
    dataset: DatasetInfo
    harness: dict
    date: str
    detector: dict | None
    bootstrap: Bootstrap
    scores: dict
    throughput: dict
    hardware: dict
    predictions: str
    predictions_sha256: str | None = None
    rescored: dict | None = None
    schema_version: int = SCHEMA_VERSION
    task: str = "restore"
    stored_main_score: dict | None = field(default=None, compare=False, repr=False)
    path: Path | None = field(default=None, compare=False, repr=False)
    entry_problems: list[str] = field(default_factory=list, compare=False, repr=False)

    def get_score(self, level: str, name: str, ci: bool = False, kind: str | None = None):
        """One score (None where undefined), or ``(value, low, high)`` with ``ci``. Levels:
        ``edits`` and ``by_kind`` (with ``kind``) for top1, top5, top1_lemma, top5_lemma;
        ``end_to_end`` for ``gold_spans`` or ``detected_spans`` (their distance_removed)."""
        try:
            block = self.scores[level][kind] if kind is not None else self.scores[level]
            m = block[name]["distance_removed"] if level == "end_to_end" else block[name]
            return (m["value"], *m["ci95"]) if ci else m["value"]
        except (KeyError, TypeError):
            edits = [n for n, v in self.scores.get("edits", {}).items() if isinstance(v, dict)]
            kinds = list(self.scores.get("by_kind", {}))
            spans = [n for n, v in self.scores.get("end_to_end", {}).items() if isinstance(v, dict) and "distance_removed" in v]
            known = [*(f"edits/{n}" for n in edits), *(f"end_to_end/{n}" for n in spans)]
            asked = f"{level}/{name}" + (f" (kind={kind!r})" if kind is not None else "")
            hint = did_you_mean(kind, kinds) if kind is not None and kind not in kinds else did_you_mean(f"{level}/{name}", known)
            raise KeyError(f"no restoration score {asked}; {hint}scores: {', '.join(known)}; "
                           f"by_kind/<edits score> with kind= one of {', '.join(kinds)}") from None

    @property
    def main_score(self) -> dict:
        return {"name": MAIN_SCORE_NAME, **self.scores["edits"][MAIN_SCORE_NAME]}

    @property
    def is_entry(self) -> bool:
        return not self.entry_problems

    def __repr__(self) -> str:
        v = self.main_score["value"]
        return f"RestorationResults(model={self.model.name!r}, {self.dataset.config}/{self.dataset.split}, top-1 {'n/a' if v is None else f'{v:.3f}'})"

    def to_json(self) -> dict:
        obj = {k: getattr(self, k) for k in ("schema_version", "task", "harness", "date", "detector", "scores", "throughput", "hardware", "predictions")}
        obj["model"] = {k: v for k, v in asdict(self.model).items() if k != "fitted_outside" or v}
        obj["dataset"], obj["bootstrap"] = asdict(self.dataset), asdict(self.bootstrap)
        if self.predictions_sha256 is not None:
            obj["predictions_sha256"] = self.predictions_sha256
        if self.rescored is not None:
            obj["rescored"] = self.rescored
        obj["main_score"] = self.main_score
        return obj

    @classmethod
    def from_json(cls, obj: object, where: str = "restoration results", schema: dict = RESTORATION_SCHEMA) -> RestorationResults:
        validate_results(obj, where, schema)
        plain = {k: obj[k] for k in ("harness", "date", "detector", "scores", "throughput", "hardware", "predictions", "schema_version", "task")}
        return cls(model=ModelInfo(**obj["model"]), dataset=DatasetInfo(**obj["dataset"]), bootstrap=Bootstrap(**obj["bootstrap"]),
                   predictions_sha256=obj.get("predictions_sha256"), rescored=obj.get("rescored"), stored_main_score=obj["main_score"], **plain)

    @classmethod
    def example(cls) -> RestorationResults:
        m = {"value": 0.5, "ci95": [0.4, 0.6]}
        hits = {"count": 2, **{k: m for k in HIT_SCORES}}
        scores = {"edits": hits, "by_kind": {"one_word": hits}, "end_to_end": {"gold_spans": {"distance_before": 4, "distance_after": 2, "distance_removed": m}},
                  "resamples": {MAIN_SCORE_NAME: [0.5]}}
        return cls(ModelInfo("toy", "toy:Toy", {}), DatasetInfo("data", "news", "test", "0" * 64, 1, 10), {"version": "0", "git_commit": None},
                   "2026-01-01T00:00:00Z", None, Bootstrap(1000, 0), scores, {"spans_per_second": None}, {}, "toy.predictions.jsonl.gz")


def write_results(path: Path, results: RestorationResults) -> None:
    obj = results.to_json()
    validate_results(obj, str(path), RESTORATION_SCHEMA)
    write_json(path, obj)


def read_restoration_results(path: Path, older_scores: bool = False) -> RestorationResults:
    """The results in ``path``; ``older_scores`` accepts scores written before a metric was added
    (for :func:`harness.restoration.leaderboard.rescore`)."""
    obj = results_json(path)
    results = RestorationResults.from_json(obj, str(path), OLDER_SCORES_SCHEMA if older_scores else RESTORATION_SCHEMA)
    results.path = Path(path)
    return results
