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
from harness.core.registry import did_you_mean
from harness.evaluation.thresholds import Thresholds

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
_SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
_SHARE = {"type": "number", "minimum": 0, "maximum": 1}


def _closed(required: list[str], properties: dict) -> dict:
    """An object schema that refuses keys it does not name (a hand-added key is not provenance)."""
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


RESULTS_SCHEMA = {
    "type": "object",
    "required": ["schema_version", "model", "dataset", "harness", "date", "thresholds", "bootstrap", "scores", "main_score", "throughput", "hardware", "predictions"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"const": SCHEMA_VERSION},
        "model": _closed(["name", "target", "params"], {"name": {"type": "string"}, "target": {"type": "string"}, "params": {"type": "object"},
                                                        "fitted_outside": {"const": True}}),
        "dataset": _closed(["source", "config", "split", "fingerprint"], {
            "source": {"type": "string"}, "config": {"type": "string"}, "split": {"type": "string"}, "fingerprint": _SHA256,
            "documents": {"type": "integer"}, "tokens": {"type": "integer"},
        }),
        "harness": _closed(["version", "git_commit"], {
            "version": {"type": "string"}, "git_commit": {"anyOf": [{"type": "string", "pattern": "^[0-9a-f]{40}$"}, {"type": "null"}]},
            "git_dirty": {"type": ["boolean", "null"]},
            "dirty_allowed": {"type": "boolean"},
        }),
        "date": {"type": "string"},
        "thresholds": {
            "type": "object",
            "required": ["token", "document", "chosen_on"],
            "additionalProperties": False,
            "properties": {
                "token": {"type": "number"}, "document": {"type": "number"}, "chosen_on": {"type": "string"},
                "rule": {"type": "string"}, "calibration_token": {"type": "number"}, "calibration_document": {"type": "number"},
                "token_spun_share": _SHARE, "document_spun_share": _SHARE, "token_shift": {"type": "number"}, "document_shift": {"type": "number"},
                # written by the rule before this one (matched flag rate): read, never written
                "token_share": _SHARE, "document_share": _SHARE,
            },
        },
        "bootstrap": _closed(["resamples", "seed"], {"resamples": {"type": "integer", "minimum": 1}, "seed": {"type": "integer", "minimum": 0}}),
        "scores": {
            "type": "object",
            "required": ["token", "span_strict", "span_partial", "document", "false_alarms", "breakdown"],
            "properties": {"token": _RANKED, "span_strict": _PRF, "span_partial": _PRF, "document": _RANKED, "false_alarms": _FALSE_ALARMS},
        },
        "main_score": {"type": "object", "required": ["name", "value", "ci95"]},
        "throughput": _closed(["tokens_per_second", "peak_memory_mb"], {k: {"type": ["number", "null"]} for k in ("tokens_per_second", "peak_memory_mb", "predict_seconds", "fit_seconds")}),
        "hardware": {"type": "object"},
        "predictions": {"type": "string"},
        "predictions_sha256": _SHA256,
        # the detector's news/validation predictions, from which its thresholds are recomputed
        "calibration": _closed(["predictions", "predictions_sha256"], {"predictions": {"const": "calibration.predictions.jsonl.gz"}, "predictions_sha256": _SHA256}),
        # written by `spinbench leaderboard --rescore`: the harness that recomputed the scores
        "rescored": {"type": "object"},
    },
}


# Results written by an older harness, whose scores lack later metrics: readable for rescoring.
OLDER_SCORES_SCHEMA = {**RESULTS_SCHEMA, "properties": {**RESULTS_SCHEMA["properties"], "scores": {"type": "object"}}}


class ResultsError(SpinbenchError, ValueError):
    """A results or predictions file that is malformed or does not fit the dataset."""


@dataclass(frozen=True)
class ModelInfo:
    """Which detector made the predictions: its results name, the ``"module:Class"`` it was made
    from (or ``"predictions-file"``) and its hyperparameters."""

    name: str
    target: str
    params: dict
    fitted_outside: bool = False  # evaluated with fit=False: fitted by someone, on something, elsewhere


@dataclass(frozen=True)
class DatasetInfo:
    """The dataset revision scored: where it was loaded from, config, split, content fingerprint,
    and its size."""

    source: str
    config: str
    split: str
    fingerprint: str
    documents: int | None = None
    tokens: int | None = None


@dataclass(frozen=True)
class Bootstrap:
    """How the 95% intervals were resampled (over documents, seeded)."""

    resamples: int
    seed: int


@dataclass(frozen=True)
class Calibration:
    """The detector's predictions on the calibration split (``news``/validation), stored beside
    the results so that the thresholds chosen from them can be recomputed."""

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


def _plain(obj: object) -> dict:
    if isinstance(obj, Thresholds):
        return obj.to_json()
    if isinstance(obj, ModelInfo) and not obj.fitted_outside:
        return {k: v for k, v in asdict(obj).items() if k != "fitted_outside"}
    return asdict(obj)


@dataclass
class Results:
    """One model scored on one split; see the module docstring for what each part holds.

    >>> r = Results.example()
    >>> r.get_score("token", "f1"), r.get_score("token", "f1", ci=True)
    (0.5, (0.5, 0.4, 0.6))
    """

    model: ModelInfo
    dataset: DatasetInfo
    harness: dict
    date: str
    thresholds: Thresholds
    bootstrap: Bootstrap
    scores: dict
    throughput: Throughput
    hardware: dict
    predictions: str
    predictions_sha256: str | None = None  # the predictions file's hash, written after it
    calibration: Calibration | None = None
    schema_version: int = SCHEMA_VERSION
    extra: dict = field(default_factory=dict)  # fields a later version may add, kept as read
    stored_main_score: dict | None = field(default=None, compare=False, repr=False)  # as read from a file
    path: Path | None = field(default=None, compare=False, repr=False)  # where it was read or written
    # Why this run could not be a leaderboard entry (empty when it can); set by evaluate, not stored.
    entry_problems: list[str] = field(default_factory=list, compare=False, repr=False)

    def metric(self, level: str, name: str) -> dict:
        """``{"value", "ci95"}`` of one score, e.g. ``metric("token", "f1")``."""
        try:
            return self.scores[level][name]
        except (KeyError, TypeError):
            known = [f"{lv}/{n}" for lv, block in self.scores.items() if lv != "breakdown" for n, m in block.items() if isinstance(m, dict)]
            hint = did_you_mean(f"{level}/{name}", known)
            raise KeyError(f"no score {level}/{name}; {hint}scores: {', '.join(known)}") from None

    def get_score(self, level: str, name: str, ci: bool = False) -> float | None | tuple:
        """One score's value (None where undefined), or with ``ci=True`` ``(value, low, high)``
        of its 95% bootstrap interval. Levels: token, span_strict, span_partial, document,
        false_alarms; names: precision, recall, f1, auroc, auprc (token and document),
        documents_flagged and flagged_per_1k_tokens (false_alarms)."""
        m = self.metric(level, name)
        if not (isinstance(m, dict) and "value" in m):
            raise KeyError(f"{level}/{name} is a count or a table, not a score: read results.scores[{level!r}][{name!r}]")
        return (m["value"], *m["ci95"]) if ci else m["value"]

    def summary(self) -> str:
        """Every score as a plain-text table, as ``evaluate`` prints it."""
        from harness.evaluation.summary import format_table

        return format_table(self)

    def __repr__(self) -> str:
        f1 = self.metric("token", "f1")
        interval = f" [{f1['ci95'][0]:.3f}, {f1['ci95'][1]:.3f}]" if f1["value"] is not None and f1["ci95"][0] is not None else ""
        value = "n/a" if f1["value"] is None else f"{f1['value']:.3f}"
        return f"Results(model={self.model.name!r}, {self.dataset.config}/{self.dataset.split}, token F1 {value}{interval}; .summary() for every score)"

    @property
    def main_score(self) -> dict:
        level, name = MAIN_SCORE
        return {"name": MAIN_SCORE_NAME, **self.metric(level, name)}

    @property
    def is_entry(self) -> bool:
        """Whether this run may stand on the leaderboard (see ``entry_problems``)."""
        return not self.entry_problems

    def to_json(self) -> dict:
        obj = {f: getattr(self, f) for f in ("harness", "date", "scores", "hardware", "predictions", "schema_version")}
        for part in ("model", "dataset", "thresholds", "bootstrap", "throughput"):
            obj[part] = _plain(getattr(self, part))
        if self.predictions_sha256 is not None:
            obj["predictions_sha256"] = self.predictions_sha256
        if self.calibration is not None:
            obj["calibration"] = asdict(self.calibration)
        obj.update(self.extra)
        obj["main_score"] = self.main_score
        return obj

    @classmethod
    def from_json(cls, obj: object, where: str = "results", schema: dict = RESULTS_SCHEMA) -> Results:
        """Results from their JSON, checked against ``schema``."""
        validate_results(obj, where, schema)
        known = set(cls.__dataclass_fields__) - {"extra", "stored_main_score", "path", "entry_problems"}
        extra = {k: v for k, v in obj.items() if k not in known | {"main_score"}}
        fields = {k: v for k, v in obj.items() if k in known}
        try:
            fields.update(
                model=ModelInfo(**obj["model"]), dataset=DatasetInfo(**obj["dataset"]), thresholds=Thresholds.from_json(obj["thresholds"]),
                bootstrap=Bootstrap(**obj["bootstrap"]), throughput=Throughput(**obj["throughput"]),
            )
            if "calibration" in obj:
                fields["calibration"] = Calibration(**obj["calibration"])
        except TypeError as err:  # a key the schema allows but the record does not know
            raise ResultsError(f"{where}: {err}") from None
        return cls(**fields, extra=extra, stored_main_score=obj["main_score"])

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
        return cls(
            ModelInfo("toy", "toy:Toy", {}), DatasetInfo("data", "news", "test", "0" * 64, 1, 10), {"version": "0", "git_commit": None}, "2026-01-01T00:00:00Z",
            Thresholds(0.5, 0.5, "given"), Bootstrap(1000, 0), scores, Throughput(None, None), {}, "toy.predictions.jsonl.gz",
        )


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


def results_json(path: Path) -> dict:
    """A results file's JSON (detection's or restoration's), or a ResultsError saying why not."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not valid JSON ({err})") from None


def read_results(path: Path, older_scores: bool = False) -> Results:
    """The results in ``path``; ``older_scores`` accepts scores written before a metric was added
    (for :func:`harness.evaluation.leaderboard.rescore`)."""
    obj = results_json(path)
    results = Results.from_json(obj, str(path), OLDER_SCORES_SCHEMA if older_scores else RESULTS_SCHEMA)
    results.path = Path(path)
    return results
