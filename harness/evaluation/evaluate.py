"""``evaluate``, ``evaluate_all`` and ``rescore``: the detection pipeline, in stages, each a
function in a module of its own that never calls back here.

``evaluate(detector_or_name)``:

1. *check* the options, the output location and whether the run may be a leaderboard entry,
   before any work (:mod:`harness.runs.options`, :mod:`harness.runs.plan`);
2. *prepare*: make or take the detector, fit it on the default config's train split (or load the
   fit from the cache), choose thresholds on its validation split (:mod:`~harness.evaluation.prepare`);
3. *predict* the evaluated split (:mod:`~harness.evaluation.predict`);
4. *score* it, the thresholds moved by :data:`~harness.evaluation.thresholds.THRESHOLD_RULE`
   (:mod:`~harness.evaluation.thresholds`, :mod:`~harness.evaluation.scoring`);
5. *record* the results (:mod:`~harness.evaluation.record`); then, a step apart, *write* them with
   the predictions unless ``write=False``.

``rescore(predictions_file)`` scores a stored predictions file instead of steps 2-3, with the
same function ``leaderboard --check`` uses (:func:`~harness.evaluation.predictions.score_predictions_file`,
with the rule's thresholds from the stored validation predictions).
Held-out configs (test split only) use the default config's train and validation splits too.
Progress and notices go to the ``harness`` loggers; the CLI shows them, and so does a program
that set up no logging of its own (:func:`harness.runs.logs.log_by_default`). ``examples/`` holds a
detector evaluated both ways (``tests/test_examples.py`` runs it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from harness.core.configs import ALL_CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
from harness.core.dataset import load, nonempty
from harness.core.errors import SpinbenchError
from harness.evaluation.contract import get_params
from harness.evaluation.predict import predict_split
from harness.evaluation.predictions import header_thresholds, read_predictions, score_predictions_file
from harness.evaluation.prepare import DETECTOR, fit_and_validate
from harness.evaluation.record import record, write_detection_run
from harness.evaluation.results import Results, read_results
from harness.evaluation.scoring import score_by_rule
from harness.evaluation.thresholds import GIVEN, THRESHOLDS_CHOSEN_ON, Thresholds
from harness.evaluation.validation import read_validation, threshold_split, validation_file
from harness.runs.logs import log_by_default
from harness.runs.models import checked_params, default_name, make
from harness.runs.options import RunOptions
from harness.runs.paths import is_predictions_file
from harness.runs.plan import code_of_predictions, plan_run, run_every_config
from harness.runs.results import ModelInfo


def evaluate(model: object, config: str | None = None, split: str | None = None, *, model_args: dict | None = None, dataset: str | None = None,
             threshold: float | None = None, doc_threshold: float | None = None, use_cache: bool = True, fit: bool = True, **options) -> Results:
    """Score a detector on ``config``/``split`` (default: ``news``/test) and return the results.

    ``model``: a detector object (anything with ``fit`` and ``predict_token_proba``: see
    :class:`harness.Detector`), a registered name (``"lexicon"``), ``"hf:PATH_OR_HUB_ID"`` or an
    import path ``"package.module:Class"``; a predictions file is passed on to :func:`rescore`.
    ``model_args``: hyperparameters of a model given by name. ``fit=False`` scores a detector
    object as it is (already fitted; such a run cannot be a leaderboard entry, since its training
    is not the harness's). A detector object given with ``fit=True`` is fitted in place, unless a
    fit of the same class, hyperparameters and data is in the cache, which is used instead.
    ``threshold``/``doc_threshold`` replace the thresholds chosen on validation.

    ``options`` (:class:`~harness.runs.options.RunOptions`): ``write`` (default True) writes the
    results and predictions under ``runs/`` (``results/`` with ``submit=True``, or
    ``output_dir``); ``name`` names their folder; ``n_boot`` (default 1,000) and ``seed`` (0)
    resample the intervals. A leaderboard entry (``submit``) must come from committed code,
    unless ``allow_dirty=True`` says so in it. Every config in turn: :func:`evaluate_all`.
    """
    log_by_default()
    if is_predictions_file(model):
        return rescore(model, config, split, dataset=dataset, threshold=threshold, doc_threshold=doc_threshold, **{"write": True, **options})
    if config == ALL_CONFIGS:
        raise SpinbenchError("config='all' is evaluate_all(model, ...): it returns one Results per config")
    # 1. check: the options, then the model and the split, then the plan (before any fit or prediction)
    run = RunOptions.of(**options)
    given = Thresholds.given(threshold, doc_threshold)
    made = make(model, model_args, DETECTOR)
    info = ModelInfo(run.name or default_name(model), made.target, checked_params(made.label, get_params(made.model)), fitted_outside=not fit)
    evaluated = nonempty(load(config or DEFAULT_CONFIG, split or EVALUATION_SPLIT, dataset=dataset))
    plan = plan_run(run, info, evaluated, dataset, Results.threshold_problems(GIVEN if given else THRESHOLDS_CHOSEN_ON, True), read_results,
                    type(made.model))
    # 2. prepare, 3. predict, 4. score
    prepared = fit_and_validate(made.model, made.label, made.target, dataset, use_cache, fit)
    predicted = predict_split(made.label, prepared.detector, evaluated, f"{evaluated.config}/{evaluated.split}")
    chosen = Thresholds.override(prepared.thresholds, *given) if given else prepared.thresholds
    thresholds, scores = score_by_rule(evaluated.gold, predicted.token_scores, predicted.doc_scores, chosen, run.n_boot, run.seed)
    # 5. record; writing is a step of its own
    results = record(info, evaluated, thresholds, scores, plan, predicted.seconds, prepared.fit_seconds)
    if not run.write:
        return results
    validation = (prepared.validation, prepared.token_scores, prepared.doc_scores)
    return write_detection_run(plan.paths, results, predicted.token_scores, predicted.doc_scores, evaluated.gold.ids, validation, run.submit)


def evaluate_all(model: object, configs: list[str] | None = None, split: str | None = None, **kwargs) -> dict[str, Results]:
    """``model`` evaluated on each config (default: every leaderboard config), the default config
    first: it fits (or loads the fit) once for all of them, and every split is loaded before any
    work, so none is left half done. ``kwargs``: :func:`evaluate`'s. Returns ``{config: results}``."""
    log_by_default()
    return run_every_config(evaluate, model, configs, split, kwargs)


def rescore(path: str | Path, config: str | None = None, split: str | None = None, *, dataset: str | None = None, threshold: float | None = None,
            doc_threshold: float | None = None, **options) -> Results:
    """Score a stored predictions file (``<config>.predictions.jsonl.gz``) and return the results.

    ``config`` and ``split`` default to the ones its header names. Thresholds: recomputed by the
    rule from the validation predictions stored beside the file
    (:mod:`~harness.evaluation.validation`), else the ones its header records;
    ``threshold``/``doc_threshold`` replace them. ``options``: :func:`evaluate`'s, but nothing is
    written unless ``write=True`` (or ``submit=True``) is given, and never over the file read.
    The results carry no throughput: nothing was predicted."""
    log_by_default()
    run = RunOptions.of(**{"write": bool(options.get("submit")), **options})
    given = Thresholds.given(threshold, doc_threshold)
    path = Path(path)
    read = read_predictions(path)
    header = read[0]
    evaluated = nonempty(load(config or header.get("config") or DEFAULT_CONFIG, split or header.get("split") or EVALUATION_SPLIT, dataset=dataset))
    info = ModelInfo(run.name if run.name is not None else str(header.get("model") or path.name.split(".")[0]), header.get("target", "predictions-file"),
                     header.get("params", {}), bool(header.get("fitted_outside")))
    stored = validation_file(path.parent)
    by_rule = header.get("thresholds_chosen_on") == THRESHOLDS_CHOSEN_ON  # not a run whose thresholds were given by hand
    validation = None
    if stored is not None and by_rule and None in (given or (None,)):  # some threshold comes from the rule
        split_obj = threshold_split(dataset)
        base, val_tokens, val_docs = read_validation(stored, split_obj, replace(info, name=str(header.get("model"))))
        validation = (split_obj, val_tokens, val_docs)
    else:
        base = header_thresholds(path, header) if given is None or None in given else None
    chosen = Thresholds.override(base, *given) if given else base
    code = code_of_predictions(path, read_results) if run.submit else None  # an entry is admitted on the code that made the scores
    plan = plan_run(run, info, evaluated, dataset, Results.threshold_problems(chosen.chosen_on, validation is not None), read_results, code=code)
    if run.write and plan.paths.predictions.absolute() == path.absolute():
        raise SpinbenchError(f"rescoring {path} would write over it: give another name or output folder (--name, --out)")

    scored = score_predictions_file(path, evaluated, run.n_boot, run.seed, chosen, read=read)
    results = record(info, evaluated, scored.thresholds, scored.scores, plan)
    if not run.write:
        return results
    return write_detection_run(plan.paths, results, scored.token_scores, scored.doc_scores, evaluated.gold.ids, validation, run.submit)


__all__ = ["evaluate", "evaluate_all", "rescore"]
