"""The *record* and *write* stages of ``evaluate``: a run's :class:`~harness.evaluation.results.Results`
made from what the earlier stages produced, and written with its predictions (through the run
layer's locked, validated write, :func:`harness.runs.write.write_run`).
"""

from __future__ import annotations

from harness.core.dataset import Split
from harness.core.files import sha256_file
from harness.evaluation.predictions import header_of, write_predictions
from harness.evaluation.results import Results, Throughput, ValidationPredictions
from harness.evaluation.thresholds import Thresholds
from harness.runs.paths import RunPaths
from harness.runs.plan import RunPlan
from harness.runs.provenance import hardware, harness_block, peak_memory_mb, utc_now
from harness.runs.results import Bootstrap, DatasetInfo, ModelInfo
from harness.runs.write import write_run


def _round(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value else None


def record(model: ModelInfo, split: Split, thresholds: Thresholds, scores: dict, plan: RunPlan, predict_seconds: float | None = None,
           fit_seconds: float | None = None) -> Results:
    """The results of scoring ``model`` on ``split``, with provenance (harness version and
    commit, date, hardware, throughput) from the run's ``plan``."""
    n_tokens = int(split.gold.offsets[-1])
    return Results(
        model=model,
        dataset=DatasetInfo(split.dataset, split.config, split.split, split.fingerprint, len(split), n_tokens),
        harness=harness_block(plan.code, plan.options.allow_dirty or bool(plan.code.get("dirty_allowed"))),
        date=utc_now(),
        thresholds=thresholds,
        bootstrap=Bootstrap(plan.options.n_boot, plan.options.seed),
        scores=scores,
        throughput=Throughput(
            tokens_per_second=_round(n_tokens / predict_seconds, 1) if predict_seconds else None,
            peak_memory_mb=peak_memory_mb(),
            predict_seconds=_round(predict_seconds, 3),
            fit_seconds=round(fit_seconds, 3) if fit_seconds is not None else None,
        ),
        hardware=hardware(),
        predictions=plan.paths.predictions.name,
    )


def write_detection_run(paths: RunPaths, results: Results, token_scores: list[list[float]], doc_scores: list[float], ids: list[str],
                        validation: tuple[Split, list[list[float]], list[float]] | None = None, entry: bool = False) -> Results:
    """Write the predictions (and ``validation``: the split thresholds are chosen on and the
    detector's scores there), then the results that name their hashes, as one unit (``entry``:
    a leaderboard entry, refused under the lock if another model's entry is in its folder)."""

    def predictions(res: Results) -> None:
        if validation is not None:
            split, val_tokens, val_docs = validation
            write_predictions(paths.validation, header_of(res.model, split), split.gold.ids, val_tokens, val_docs)
            res.validation = ValidationPredictions(paths.validation.name, sha256_file(paths.validation))
        write_predictions(paths.predictions, header_of(res.model, res.dataset, res.thresholds), ids, token_scores, doc_scores)
        res.predictions_sha256 = sha256_file(paths.predictions)

    return write_run(results, paths.results, predictions, entry)
