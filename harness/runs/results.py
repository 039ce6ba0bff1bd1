"""The results base both tracks' results extend (as MTEB's ``TaskResult``): the parts every run
records, their JSON schema blocks, the JSON round trip, ``get_score`` and ``main_score``.

A results file names the model, the dataset revision it was scored on (config, split, content
fingerprint), the harness version and commit, the date, how its intervals were resampled, every
score with its interval, the machine, and the predictions file beside it from which every score
can be recomputed. Each track adds only what is its own (:attr:`RunResults.TRACK_FIELDS`):
detection its thresholds (:class:`harness.evaluation.results.Results`), restoration the detector
whose spans it restored (:class:`harness.restoration.results.RestorationResults`). The JSON is
checked against the track's schema when written and when read.

>>> from harness.runs.results import closed
>>> closed(["a"], {"a": {"type": "integer"}})["additionalProperties"]
False
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import ClassVar

from harness.core.errors import SpinbenchError
from harness.core.files import write_json
from harness.core.registry import did_you_mean
from harness.runs.admission import entry_problems

# 2: a detection run's validation predictions are "validation" (1 named them "calibration").
SCHEMA_VERSION = 2
READABLE_VERSIONS = (1, 2)

METRIC = {
    "type": "object",
    "required": ["value", "ci95"],
    "properties": {
        "value": {"type": ["number", "null"]},
        "ci95": {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": ["number", "null"]}},
    },
}
SHA256 = {"type": "string", "pattern": "^[0-9a-f]{64}$"}
SHARE = {"type": "number", "minimum": 0, "maximum": 1}


def closed(required: list[str], properties: dict) -> dict:
    """An object schema that refuses keys it does not name (a hand-added key is not provenance)."""
    return {"type": "object", "required": required, "properties": properties, "additionalProperties": False}


def numbers(*names: str) -> dict:
    """Properties that hold a number or null."""
    return {k: {"type": ["number", "null"]} for k in names}


COMMON_PROPERTIES = {
    "schema_version": {"enum": list(READABLE_VERSIONS)},
    "model": closed(["name", "target", "params"], {"name": {"type": "string"}, "target": {"type": "string"}, "params": {"type": "object"},
                                                   "fitted_outside": {"const": True}}),
    "dataset": closed(["source", "config", "split", "fingerprint"], {
        "source": {"type": "string"}, "config": {"type": "string"}, "split": {"type": "string"}, "fingerprint": SHA256,
        "documents": {"type": "integer"}, "tokens": {"type": "integer"},
    }),
    "harness": closed(["version", "git_commit"], {
        "version": {"type": "string"}, "git_commit": {"anyOf": [{"type": "string", "pattern": "^[0-9a-f]{40}$"}, {"type": "null"}]},
        "git_dirty": {"type": ["boolean", "null"]},
        "dirty_allowed": {"type": "boolean"},
        # the model's own source files and their hashes (harness.runs.provenance)
        "model_sources": {"type": "object", "additionalProperties": SHA256},
        "model_packages": {"type": "array", "items": {"type": "string"}},
    }),
    "date": {"type": "string"},
    "bootstrap": closed(["resamples", "seed"], {"resamples": {"type": "integer", "minimum": 1}, "seed": {"type": "integer", "minimum": 0}}),
    "main_score": {"type": "object", "required": ["name", "value", "ci95"]},
    "hardware": {"type": "object"},
    "predictions": {"type": "string"},
    "predictions_sha256": SHA256,
    # written by `spinbench leaderboard --rescore`: the harness that recomputed the scores
    "rescored": {"type": "object"},
}
COMMON_REQUIRED = ["schema_version", "model", "dataset", "harness", "date", "bootstrap", "scores", "main_score", "throughput", "hardware", "predictions"]


def results_schema(required: list[str], properties: dict) -> dict:
    """A track's results schema: the common parts with the track's own (``scores`` and
    ``throughput`` among them)."""
    return closed([*COMMON_REQUIRED, *required], {**COMMON_PROPERTIES, **properties})


def older_scores(schema: dict) -> dict:
    """``schema`` with any ``scores`` object: results written by an older harness, whose scores lack
    later metrics, are read for rescoring."""
    return {**schema, "properties": {**schema["properties"], "scores": {"type": "object"}}}


class ResultsError(SpinbenchError, ValueError):
    """A results or predictions file that is malformed or does not fit the dataset."""


@dataclass(frozen=True)
class ModelInfo:
    """Which model made the predictions: its results name, the ``"module:Class"`` it was made
    from (or ``"predictions-file"``) and its hyperparameters."""

    name: str
    target: str
    params: dict
    fitted_outside: bool = False  # evaluated with fit=False: fitted by someone, on something, elsewhere

    def to_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k != "fitted_outside" or v}


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


def to_plain(value: object) -> object:
    """A field's JSON: its own ``to_json`` where it has one, a dataclass's fields, else itself."""
    if hasattr(value, "to_json"):
        return value.to_json()
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return value


@dataclass(kw_only=True)
class RunResults:
    """What every run records (see the module docstring). A track's class adds its fields,
    :attr:`SCHEMA`, :attr:`MAIN_SCORE` (the path of its main score in ``scores``) and how its
    scores are addressed (:meth:`score_path`, :meth:`known_scores`)."""

    model: ModelInfo
    dataset: DatasetInfo
    harness: dict
    date: str
    bootstrap: Bootstrap
    scores: dict
    hardware: dict
    predictions: str
    predictions_sha256: str | None = None  # the predictions file's hash, written after it
    rescored: dict | None = None
    schema_version: int = SCHEMA_VERSION
    stored_main_score: dict | None = field(default=None, compare=False, repr=False)  # as read from a file
    path: Path | None = field(default=None, compare=False, repr=False)  # where it was read or written

    SCHEMA: ClassVar[dict] = {}
    MAIN_SCORE: ClassVar[tuple[str, ...]] = ()
    MAIN_SCORE_NAME: ClassVar[str] = ""
    # Fields made from JSON by their own class: {field: callable(json value) -> value}.
    PARTS: ClassVar[dict] = {"model": lambda d: ModelInfo(**d), "dataset": lambda d: DatasetInfo(**d), "bootstrap": lambda d: Bootstrap(**d)}
    _NOT_STORED: ClassVar[frozenset] = frozenset({"stored_main_score", "path"})

    def written_files(self) -> list[Path]:
        """The files a run of these results wrote: the results, their predictions and, where the
        results name them, the validation predictions the thresholds were chosen on."""
        validation = getattr(self, "validation", None)
        names = [self.path.name, self.predictions, *([validation.predictions] if validation is not None else [])]
        return [self.path.parent / name for name in dict.fromkeys(names)]

    # -- scores --------------------------------------------------------------------------------
    def score_path(self, level: str, name: str, **where) -> tuple[str, ...]:
        """Where a score lies in ``scores``."""
        return (level, name)

    def known_scores(self) -> list[str]:
        """Every score's ``level/name``, for error messages."""
        return [f"{lv}/{n}" for lv, block in self.scores.items() if isinstance(block, dict) for n, m in block.items() if _is_metric(m)]

    def metric(self, level: str, name: str, **where) -> dict:
        """``{"value", "ci95"}`` of one score, e.g. ``metric("token", "f1")``."""
        node: object = self.scores
        try:
            for key in self.score_path(level, name, **where):
                node = node[key]
        except (KeyError, TypeError):
            asked = f"{level}/{name}" + "".join(f" ({k}={v!r})" for k, v in where.items() if v is not None)
            known = self.known_scores()
            raise KeyError(f"no score {asked}; {did_you_mean(f'{level}/{name}', known)}scores: {', '.join(known)}{self.more_scores()}") from None
        return node

    def more_scores(self) -> str:
        """What else a score may be asked for with (the end of the unknown-score message)."""
        return ""

    def get_score(self, level: str, name: str, ci: bool = False, **where) -> float | None | tuple:
        """One score's value (None where undefined), or with ``ci=True`` ``(value, low, high)`` of
        its 95% bootstrap interval."""
        m = self.metric(level, name, **where)
        if not _is_metric(m):
            raise KeyError(f"{level}/{name} is a count or a table, not a score: read results.scores[{level!r}][{name!r}]")
        return (m["value"], *m["ci95"]) if ci else m["value"]

    @property
    def main_score(self) -> dict:
        """``{"name", "value", "ci95"}`` of the track's main score (no value where the scores
        lack it: the schema names what is wrong with them)."""
        node: object = self.scores
        try:
            for key in self.MAIN_SCORE:
                node = node[key]
            return {"name": self.MAIN_SCORE_NAME, "value": node["value"], "ci95": node["ci95"]}
        except (KeyError, TypeError):
            return {"name": self.MAIN_SCORE_NAME, "value": None, "ci95": [None, None]}

    # -- JSON ------------------------------------------------------------------------------------
    def to_json(self) -> dict:
        obj = {}
        for f in fields(self):
            if f.name in self._NOT_STORED:
                continue
            value = getattr(self, f.name)
            if value is None and f.default is None:  # optional parts are left out until set
                continue
            obj[f.name] = to_plain(value)
        obj["main_score"] = self.main_score
        return obj

    @classmethod
    def upgraded(cls, obj: dict) -> dict:
        """A results object of an older schema version in the current one's form."""
        return {**obj, "schema_version": SCHEMA_VERSION}

    @classmethod
    def from_json(cls, obj: object, where: str = "results", older_scores_ok: bool = False):
        """Results from their JSON, checked against the track's schema (any ``scores`` object
        with ``older_scores_ok``)."""
        validate(obj, where, older_scores(cls.SCHEMA) if older_scores_ok else cls.SCHEMA)
        obj = cls.upgraded(obj)
        names = {f.name for f in fields(cls)} - cls._NOT_STORED
        values = {k: v for k, v in obj.items() if k in names}
        try:
            for name, make in cls.PARTS.items():
                if values.get(name) is not None:
                    values[name] = make(values[name])
            return cls(**values, stored_main_score=obj["main_score"])
        except TypeError as err:  # a key the schema allows but the record does not know
            raise ResultsError(f"{where}: {err}") from None

    def write(self, path: Path) -> None:
        """Write the results as JSON, checked first."""
        obj = self.to_json()
        validate(obj, str(path), self.SCHEMA)
        write_json(path, obj)

    @classmethod
    def read(cls, path: Path, older_scores_ok: bool = False):
        """The results in ``path``; ``older_scores_ok`` accepts scores written before a metric was
        added (for ``leaderboard --rescore``)."""
        results = cls.from_json(results_json(path), str(path), older_scores_ok)
        results.path = Path(path)
        return results

    # -- leaderboard admission -------------------------------------------------------------------
    def track_problems(self) -> list[str]:
        """Why this run cannot be a leaderboard entry for reasons of its track (see
        :func:`harness.runs.admission.entry_problems`)."""
        return []

    @property
    def entry_problems(self) -> list[str]:
        """Why this run cannot be a leaderboard entry (empty when it can), against the
        fingerprints its dataset's build recorded: :func:`harness.entry_problems`."""
        return entry_problems(self)

    @property
    def is_entry(self) -> bool:
        """Whether this run may stand on the leaderboard (no :attr:`entry_problems`)."""
        return not self.entry_problems


def _is_metric(node: object) -> bool:
    return isinstance(node, dict) and "value" in node and "ci95" in node


def validate(obj: object, where: str, schema: dict) -> None:
    """Raise a one-line :class:`ResultsError` unless ``obj`` fits ``schema``."""
    import jsonschema

    try:
        jsonschema.validate(obj, schema)
    except jsonschema.ValidationError as err:
        path = "/".join(map(str, err.absolute_path)) or "(top level)"
        raise ResultsError(f"{where}: invalid at {path}: {err.message}") from None


def results_json(path: Path) -> dict:
    """A results file's JSON (either track's), or a :class:`ResultsError` saying why not."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsError(f"{path}: missing") from None
    except IsADirectoryError:
        raise ResultsError(f"{path}: is a folder, not a results file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ResultsError(f"{path}: not valid JSON ({err})") from None


def check_revision(fingerprint: str | None, split, where: str = "", made: str = "scored") -> None:
    """A :class:`ResultsError` unless something ``made`` on dataset revision ``fingerprint`` (a
    result scored, predictions made) is of ``split``'s revision (None: not recorded, not checked)."""
    if fingerprint is not None and fingerprint != split.fingerprint:
        raise ResultsError(f"{where}{made} on dataset revision {str(fingerprint)[:12]}, but {split.config}/{split.split} here is {split.fingerprint[:12]}")
