"""``restore``, ``restore_all`` and ``rescore_restoration``: the restoration pipeline, in the same
stages as ``evaluate``'s and on the same run layer (:mod:`harness.runs`).

``restore(restorer_or_name)``:

1. *check* the options and where the run writes, and whether it may be a leaderboard entry;
2. *prepare*: make or take the restorer (:data:`RESTORER`), fit it on ``news``/train (gold spans
   and their original wording; the fit cached as detectors' are), unless ``requires_fit = False``;
3. *restore* every gold span of the evaluated split, and, with ``spans_from`` (a detection results
   file, or a detector's leaderboard name), every span that detector flags at its threshold;
4. *score* (:func:`~harness.restoration.scoring.score_restoration`), *record*; then, a step apart,
   *write* the predictions and the results naming their hash, under the run layer's lock.

``rescore_restoration(file)`` scores stored restoration predictions with the same scoring
function, after checking them against the gold data (and the detector's stored predictions).
"""

from __future__ import annotations

import logging
import sys
import time
from functools import lru_cache
from pathlib import Path

from harness.core.configs import DEFAULT_CONFIG, EVALUATION_SPLIT, FIT_SPLIT, THRESHOLD_SPLIT
from harness.core.dataset import Split, fit_dataset, load, nonempty
from harness.core.errors import SpinbenchError
from harness.core.files import sha256_file
from harness.core.progress import progress
from harness.evaluation.contract import get_params
from harness.restoration.contract import Restored, RestorerError, call, requires_fit, restore_scored
from harness.restoration.items import (
    DetectorSpans,
    RestorationGold,
    detector_problems,
    detector_spans,
    resolve_detector_results,
    restoration_gold,
    training_data,
)
from harness.restoration.predictions import header_of, read_predictions, score_restoration_file, with_abstention_provenance, write_predictions
from harness.restoration.registry import make_restorer, target_of
from harness.restoration.results import RestorationResults, RestorationThroughput, read_restoration_results
from harness.restoration.scoring import CUT_RULE, cut_on, score_restoration
from harness.runs.bootstrap import DEFAULT_RESAMPLES
from harness.runs.fit_cache import Fitted, fit_with_cache
from harness.runs.logs import log_by_default
from harness.runs.models import ModelKind, checked_params, default_name, make, model_code
from harness.runs.options import RunOptions
from harness.runs.paths import RESTORE, RESULTS_DIR, VALIDATION_FILE, RunPaths, is_predictions_file
from harness.runs.plan import plan_run, run_every_config
from harness.runs.provenance import git_commit, hardware, harness_block, peak_memory_mb, utc_now
from harness.runs.results import Bootstrap, DatasetInfo, ModelInfo
from harness.runs.write import write_run

log = logging.getLogger(__name__)


def _make_by_name(name: str, model_args: dict | None):
    with model_code("restorer", name, "__init__", RestorerError):
        return call(name, "__init__", make_restorer, name, model_args)


RESTORER = ModelKind("restorer", "restore", "restore(tokens, spans)", "harness.restoration.contract", _make_by_name, target_of)


def fitted_restorer(restorer, name: str, target: str, dataset=None, use_cache: bool = True) -> Fitted:
    """The restorer fitted on ``news``/train (or its fit from the cache), with the seconds it took
    (None from the cache, 0 when it needs no fit) and what the cache keeps beside it
    (:class:`~harness.runs.fit_cache.Fitted`)."""
    if not requires_fit(restorer):
        return Fitted(restorer, 0.0)
    if not callable(getattr(restorer, "fit", None)):
        raise RestorerError(f"restorer {name!r} has no fit(docs, spans, originals) method; give it one, or set requires_fit = False "
                            "if it needs no training (harness.check_restorer checks the whole contract)")
    train = nonempty(load(DEFAULT_CONFIG, FIT_SPLIT, dataset=fit_dataset(dataset)))

    def fit(model):
        with model_code("restorer", name, "fit", RestorerError):
            fitted = call(name, "fit", model.fit, *training_data(train))
        if fitted is None or not callable(getattr(fitted, "restore", None)):
            raise RestorerError(f"restorer {name!r}: fit returned {type(fitted).__name__}, not the restorer; it must return self")
        return fitted

    return fit_with_cache(restorer, target, get_params(restorer), [train.fingerprint, RESTORE], fit, use_cache=use_cache,
                          what=f"{DEFAULT_CONFIG}/{FIT_SPLIT} ({len(train)} documents)", label=f"the restorer {name}")


ABSTENTION_CUT = "abstention_cut"  # what the fit cache keeps beside a restorer: its cut on news/validation
VALIDATION_RESTORED = "validation_restored"  # and what it restored there: {"fingerprint", "candidates", "confidences"}


def suggesting_restorer(name: str, dataset=None, use_cache: bool = True, params: dict | None = None) -> tuple[object, float | None]:
    """The restorer ``name`` (with the hyperparameters ``params``) fitted (or its fit from the cache) and the confidence below which
    its suggestions are withheld: the cut ``restore`` chooses on ``news``/validation
    (:func:`choose_cut`), kept in the cache beside the fit; None for a restorer that gives no
    confidences (its suggestions are always shown)."""
    made = make(name, params, RESTORER)
    done = fitted_restorer(made.model, made.label, made.target, dataset, use_cache)
    if ABSTENTION_CUT in done.kept and done.kept[ABSTENTION_CUT] is None:
        return done.model, None  # it gives no confidences
    if VALIDATION_RESTORED not in done.kept:  # does it give confidences? One document says
        validation = restoration_gold(nonempty(load(DEFAULT_CONFIG, THRESHOLD_SPLIT, dataset=fit_dataset(dataset))))
        first = next(((i, t, sp) for i, t, sp in zip(validation.ids, validation.tokens, validation.spans()) if sp), None)
        if first is None or all(c is None for c in restored(made.label, done.model, *first).confidences):
            done.keep(**{**done.kept, ABSTENTION_CUT: None})  # a restorer that needs no fit is not cached: asked again each time
            return done.model, None
    return done.model, choose_cut(made.label, done, dataset)[3]  # from the kept validation candidates where they are current


def restored(name: str, restorer, doc_id: str, tokens: list[str], spans: list[tuple[int, int]]) -> Restored:
    """The restorer's checked candidates and confidences for the spans of one document (its
    prints on stderr; :func:`harness.restoration.contract.check_restored`)."""
    with model_code("restorer", name, "restore", RestorerError):
        return restore_scored(name, restorer, doc_id, tokens, spans)


def restore_spans(name: str, restorer, gold: RestorationGold, spans: list[list[tuple[int, int]]], desc: str) -> tuple[list, list | None, float]:
    """Every document's candidates for ``spans``, checked (:func:`restored`), their confidences
    (None when the restorer gives none), and the seconds it took."""
    out = []
    started = time.perf_counter()
    with progress(sum(map(len, spans)), desc, "span") as bar:
        for doc_id, tokens, doc_spans in zip(gold.ids, gold.tokens, spans):
            out.append(restored(name, restorer, doc_id, tokens, doc_spans))
            bar.update(len(doc_spans))
    confidences = [r.confidences for r in out]
    given = any(c is not None for doc in confidences for c in doc)
    return [r.candidates for r in out], (confidences if given else None), time.perf_counter() - started


def choose_cut(label: str, done: Fitted, dataset) -> tuple[RestorationGold, list, list | None, float | None]:
    """(gold, candidates, confidences, cut) of ``news``/validation's gold spans restored by the
    fitted restorer (``done``): the abstention cut is chosen there
    (:func:`~harness.restoration.scoring.cut_on`), never on the split scored. What it restored
    there is kept in the fit cache beside the fit, with the split's fingerprint, so the runs of
    the other configs that load the fit restore validation no more (a restorer not cached,
    or a validation split that changed, restores it again)."""
    validation = restoration_gold(nonempty(load(DEFAULT_CONFIG, THRESHOLD_SPLIT, dataset=fit_dataset(dataset))))
    made_by = {"fingerprint": validation.fingerprint, "harness": _restoring_code()}
    kept = done.kept.get(VALIDATION_RESTORED)
    if isinstance(kept, dict) and all(kept.get(k) == v for k, v in made_by.items()) and len(kept.get("candidates", ())) == len(validation.ids):
        candidates, confidences = kept["candidates"], kept["confidences"]
        return validation, candidates, confidences, cut_on(validation, candidates, confidences)
    candidates, confidences, _ = restore_spans(label, done.model, validation, validation.spans(), f"{validation.config}/{validation.split} gold spans (the cut)")
    cut = cut_on(validation, candidates, confidences)
    done.keep(**{**done.kept, ABSTENTION_CUT: cut, VALIDATION_RESTORED: {**made_by, "candidates": candidates, "confidences": confidences}})
    return validation, candidates, confidences, cut


@lru_cache(maxsize=1)
def _restoring_code() -> str:
    """A digest of the harness code that turns a restorer's output into checked candidates and
    gold spans (this module, the contract, the gold items): the fit cache's key covers the
    restorer's own code only, so validation candidates kept beside a fit name this too."""
    import hashlib

    from harness.restoration import contract, items

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], contract, items):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()


def restore(model: object, config: str | None = None, split: str | None = None, *, model_args: dict | None = None, dataset: str | None = None,
            spans_from: str | None = None, results_dir: str | Path = RESULTS_DIR, use_cache: bool = True, fit: bool = True, **options) -> RestorationResults:
    """Score a restorer on ``config``/``split`` (default ``news``/test) and return the results.

    ``model``: a restorer object (anything with ``restore(tokens, spans)``), a registered name
    (``"reverse-rules"``) or ``"package.module:Class"``; a restoration predictions file is scored
    as it is (:func:`rescore_restoration`). ``spans_from``: a detection results file
    (``results/lexicon/news.json``) or a detector with a leaderboard entry in ``results_dir`` for
    this config, whose flagged spans are restored too (the end-to-end score on detected spans).
    ``fit=False`` uses a restorer object as it is. ``options``: the run options, as
    :func:`harness.evaluate`'s (:class:`~harness.runs.options.RunOptions`): it writes
    ``runs/restore/<name>/`` (``results/restore/`` with ``submit=True``; ``output_dir/restore/``)
    unless ``write=False``. Every config in turn: :func:`restore_all`.
    """
    log_by_default()
    if is_predictions_file(model):
        if model_args or options.get("submit"):
            raise SpinbenchError("a restoration predictions file is scored as it is: no model_args or submit (--model-args, --submit)")
        run = RunOptions.of(RESTORE, **{**options, "write": False})
        return rescore_restoration(model, config, split, dataset=dataset, results_dir=results_dir, n_boot=run.n_boot, seed=run.seed)
    # 1. check
    run = RunOptions.of(RESTORE, **options)
    made = make(model, model_args, RESTORER)
    info = ModelInfo(run.name or default_name(model), made.target, checked_params(made.label, get_params(made.model)), fitted_outside=not fit)
    evaluated = nonempty(load(config or DEFAULT_CONFIG, split or EVALUATION_SPLIT, dataset=dataset))
    detector_path = resolve_detector_results(spans_from, evaluated.config, results_dir) if spans_from else None
    plan = plan_run(run, info, evaluated, dataset, detector_problems(detector_path) if detector_path else (), read_restoration_results,
                    type(made.model))
    detector = detector_spans(detector_path, evaluated) if detector_path else None
    # 2. prepare, 3. restore, 4. score
    gold = restoration_gold(evaluated)
    done = fitted_restorer(made.model, made.label, made.target, dataset, use_cache) if fit else Fitted(made.model, None)
    restorer, fit_seconds = done.model, done.seconds
    candidates, confidences, seconds = restore_spans(made.label, restorer, gold, gold.spans(), f"{gold.config}/{gold.split} gold spans")
    detected, found_confidences = None, None
    if detector is not None:
        found, found_confidences, _ = restore_spans(made.label, restorer, gold, detector.spans, f"{gold.config}/{gold.split} {detector.name} spans")
        detected = (detector.spans, found)
    validation = choose_cut(made.label, done, dataset) if confidences is not None or found_confidences is not None else None
    cut = validation[3] if validation else None
    scores = score_restoration(gold, candidates, run.n_boot, run.seed, detected, confidences, found_confidences, cut)
    n_spans = sum(map(len, gold.items))
    throughput = RestorationThroughput(round(n_spans / seconds, 1) if seconds else None, round(seconds, 3),
                                       None if fit_seconds is None else round(fit_seconds, 3), peak_memory_mb())
    results = record(info, evaluated, gold, detector, scores, throughput, Bootstrap(run.n_boot, run.seed), plan.paths.predictions.name,
                     harness_block(plan.code, run.allow_dirty))
    # 5. write, a step of its own
    predictions = (candidates, detected, confidences, found_confidences)
    return write_restoration_run(plan.paths, results, gold, predictions, detector, validation, run.submit) if run.write else results


def restore_all(model: object, configs: list[str] | None = None, split: str | None = None, **kwargs) -> dict[str, RestorationResults]:
    """``model`` scored on each config (default: every leaderboard config), the default config
    first (a fit, once, serves them all); every split is loaded before any work. ``kwargs``:
    :func:`restore`'s. Returns ``{config: results}``."""
    log_by_default()
    return run_every_config(restore, model, configs, split, kwargs)


def record(model: ModelInfo, split: Split, gold: RestorationGold, detector: DetectorSpans | None, scores: dict,
           throughput: RestorationThroughput, bootstrap: Bootstrap, predictions: str, harness: dict) -> RestorationResults:
    """The results of a restoration run, with its provenance (``harness``: :func:`harness.runs.provenance.harness_block`)."""
    return RestorationResults(
        model=model, dataset=DatasetInfo(split.dataset, gold.config, gold.split, gold.fingerprint, len(gold), gold.n_tokens),
        harness=harness, date=utc_now(), detector=detector.header() if detector else None, bootstrap=bootstrap, scores=scores,
        throughput=throughput, hardware=hardware(), predictions=predictions,
    )


def rescore_restoration(path: str | Path, config: str | None = None, split: str | None = None, *, dataset: str | None = None,
                        results_dir: str | Path = RESULTS_DIR, n_boot: int = DEFAULT_RESAMPLES, seed: int = 0) -> RestorationResults:
    """Score a stored restoration predictions file again (nothing written). Its detected spans,
    if any, are checked against the detector's stored predictions (the results file its header
    names, else ``results_dir/<detector>/<config>.json``)."""
    RunOptions(n_boot=n_boot, seed=seed, write=False, task=RESTORE).checked()
    path = Path(path)
    read = read_predictions(path)
    header = read[0]
    evaluated = load(config or header.get("config") or DEFAULT_CONFIG, split or header.get("split") or EVALUATION_SPLIT, dataset=dataset)
    gold = restoration_gold(evaluated)
    detector = None
    if header.get("detector"):
        given = Path(header["detector"].get("results_file", ""))
        where = given if given.is_file() else Path(results_dir) / str(header["detector"].get("name")) / f"{gold.config}.json"
        detector = detector_spans(where, evaluated)
    _, scores = score_restoration_file(path, gold, n_boot, seed, detector, read=read)
    info = ModelInfo(str(header.get("model")), str(header.get("target")), header.get("params") or {})
    return record(info, evaluated, gold, detector, scores, RestorationThroughput(None), Bootstrap(n_boot, seed), path.name, harness_block(git_commit()))


def write_restoration_run(paths: RunPaths, results: RestorationResults, gold: RestorationGold, predictions: tuple, detector: DetectorSpans | None,
                          validation: tuple | None = None, entry: bool = False) -> RestorationResults:
    """The predictions (and ``validation``'s, from which the abstention cut was chosen), then the
    results naming their hashes, as one unit (:func:`harness.runs.write.write_run`; ``entry``: a
    leaderboard entry). ``predictions``: (candidates, detected, confidences, detected confidences)."""
    candidates, detected, confidences, found_confidences = predictions

    def write(res: RestorationResults) -> None:
        abstention = None
        if validation is not None:
            split, val_candidates, val_confidences, cut = validation
            where = paths.results.parent / VALIDATION_FILE
            write_predictions(where, header_of(res.model, split, None), split, val_candidates, None, val_confidences)
            abstention = {"rule": CUT_RULE, "cut": cut, "chosen_on": f"{split.config}/{split.split}", "predictions": where.name,
                          "predictions_sha256": sha256_file(where)}
            with_abstention_provenance(res.scores, abstention)
        write_predictions(paths.predictions, header_of(res.model, gold, detector, abstention), gold, candidates, detected, confidences, found_confidences)
        res.predictions_sha256 = sha256_file(paths.predictions)

    return write_run(results, paths.results, write, entry)


__all__ = ["restore", "restore_all", "rescore_restoration"]
