"""What is restored in a split: each document's spun and original tokens, and its gold items
(the spans of its edits, with the original wording and the edit's kind); and the spans a
detector flags, from its stored predictions.

A gold item is an edit with a non-empty spun side: an edit that only dropped words leaves no
token for a restorer to read, so it is no item, but the words it dropped still count in the
end-to-end edit distance (:func:`harness.restoration.metrics.document_distances`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.core.dataset import Split
from harness.core.errors import SpinbenchError
from harness.core.registry import did_you_mean
from harness.evaluation.metrics import spans as runs_of_ones
from harness.evaluation.predictions import read_scores
from harness.evaluation.results import ResultsError, read_results
from harness.restoration.contract import Span
from harness.restoration.kinds import edit_kind
from harness.runs.admission import entry_problems


@dataclass(frozen=True)
class GoldItem:
    """One edit to restore: spun tokens ``[start, end)``, the wording they replaced, its kind."""

    start: int
    end: int
    spun: str
    original: str
    kind: str


def gold_items(record: dict) -> list[GoldItem]:
    """The gold items of one dataset record, in token order."""
    edits = sorted((e for e in record["edits"] if e["spun_end"] > e["spun_start"]), key=lambda e: e["spun_start"])
    return [GoldItem(e["spun_start"], e["spun_end"], e["spun_text"], e["original_text"], edit_kind(e["spun_text"], e["original_text"])) for e in edits]


@dataclass(frozen=True)
class RestorationGold:
    """A split as the restoration track sees it, documents in the split's order."""

    config: str
    split: str
    fingerprint: str
    dataset: str
    ids: list[str]
    tokens: list[list[str]]
    original_tokens: list[list[str]]
    items: list[list[GoldItem]]

    def __len__(self) -> int:
        return len(self.ids)

    def spans(self) -> list[list[Span]]:
        return [[(i.start, i.end) for i in doc] for doc in self.items]

    @property
    def n_tokens(self) -> int:
        return sum(map(len, self.tokens))


def restoration_gold(split: Split) -> RestorationGold:
    """The restoration view of a loaded split (its records are read once)."""
    records = split.records
    return RestorationGold(
        split.config, split.split, split.fingerprint, split.dataset,
        ids=[r["id"] for r in records],
        tokens=[[t["text"] for t in r["tokens"]] for r in records],
        original_tokens=[[t["text"] for t in r["original_tokens"]] for r in records],
        items=[gold_items(r) for r in records],
    )


def training_data(split: Split) -> tuple[list[list[str]], list[list[Span]], list[list[str]]]:
    """``(docs, spans, originals)`` for a restorer's ``fit``: every document's tokens, its gold
    spans and the original wording of each."""
    gold = restoration_gold(split)
    return gold.tokens, gold.spans(), [[i.original for i in doc] for doc in gold.items]


def flagged_spans(token_scores: list[list[float]], threshold: float) -> list[list[Span]]:
    """Per document, the maximal runs of tokens whose score reaches ``threshold`` (spun if
    score >= threshold, as detection scores them).

    >>> flagged_spans([[0.1, 0.9, 0.8, 0.2, 0.7], []], 0.5)
    [[(1, 3), (4, 5)], []]
    """
    return [runs_of_ones([int(s >= threshold) for s in doc]) for doc in token_scores]


@dataclass(frozen=True)
class DetectorSpans:
    """The spans a detector flagged on a split: from its results file (which names its token
    threshold) and the predictions beside it."""

    name: str
    results_file: str
    predictions_sha256: str
    token_threshold: float
    spans: list[list[Span]]

    def header(self) -> dict:
        return {"name": self.name, "results_file": self.results_file, "predictions_sha256": self.predictions_sha256, "token_threshold": self.token_threshold}


def resolve_detector_results(spans_from: str, config: str, results_dir: str | Path = "results") -> Path:
    """A detection results file given as a path, or a detector's name (its leaderboard entry
    ``results/<name>/<config>.json``)."""
    path = Path(spans_from)
    if path.suffix == ".json" or path.exists():
        return path
    entry = Path(results_dir) / spans_from / f"{config}.json"
    if not entry.exists():
        known = sorted(p.parent.name for p in Path(results_dir).glob(f"*/{config}.json"))
        where = (f"; {results_dir}/ is read from the current folder ({Path.cwd()}), which has none: run from the repository's root, or "
                 "give the results file's path") if not Path(results_dir).is_absolute() and not Path(results_dir).is_dir() else ""
        raise SpinbenchError(f"no detection results {entry} for spans_from={spans_from!r}: {did_you_mean(spans_from, known)}give a results file "
                             f"(.json) or a detector with a leaderboard entry for {config}" + (f" ({', '.join(known)})" if known else "") + where)
    return entry


def detector_problems(results_path: str | Path) -> list[str]:
    """Why the detection run ``results_path`` could not give a leaderboard entry its spans: why
    it could not stand on the leaderboard itself (thresholds set by hand among them:
    :func:`harness.runs.admission.entry_problems`)."""
    problems = entry_problems(read_results(Path(results_path), older_scores=True))
    return [f"the spans it restores come from {results_path}, which could not be a leaderboard entry ({'; '.join(problems)})"] if problems else []


def detector_spans(results_path: str | Path, split: Split) -> DetectorSpans:
    """The spans flagged by the detection run ``results_path`` on ``split`` (same config, split
    and dataset revision, which :func:`harness.evaluation.predictions.read_scores` checks), at
    the token threshold its results record."""
    results = read_results(Path(results_path), older_scores=True)
    predictions = Path(results_path).parent / results.predictions
    if results.predictions_sha256 is None:
        raise ResultsError(f"{results_path}: names no hash of its predictions, so its spans cannot be tied to it")
    from harness.core.files import sha256_file

    if not predictions.exists() or sha256_file(predictions) != results.predictions_sha256:
        raise ResultsError(f"{results_path}: its predictions {predictions.name} are missing or not the ones it was computed from")
    _, token_scores, _ = read_scores(predictions, split)
    threshold = results.thresholds.token
    return DetectorSpans(results.model.name, str(results_path), results.predictions_sha256, threshold, flagged_spans(token_scores, threshold))
