"""``evaluate`` and ``rescore``: the evaluation pipeline, in stages, each a function in a module
of its own that never calls back here.

``evaluate(detector_or_name)``:

1. *check* the options, the output location and whether the run may be a leaderboard entry
   (:mod:`~harness.evaluation.outputs`, :mod:`~harness.evaluation.admission`), before any work;
2. *prepare*: make or take the detector, fit it on the default config's train split (or load the
   fit from the cache), choose thresholds on its validation split (:mod:`~harness.evaluation.prepare`);
3. *predict* the evaluated split (:mod:`~harness.evaluation.predict`);
4. *score* it, the thresholds moved by :data:`~harness.evaluation.scoring.THRESHOLD_RULE`
   (:mod:`~harness.evaluation.scoring`);
5. *record* the results and *write* them with the predictions (:mod:`~harness.evaluation.record`).

``rescore(predictions_file)`` scores a stored predictions file instead of steps 2-3, with the
same function ``leaderboard --check`` uses (:func:`~harness.evaluation.predictions.score_predictions_file`,
with the rule's thresholds from the stored calibration predictions).
Held-out configs (test split only) use the default config's train and validation splits too.
Progress and notices go to the ``harness`` loggers; the CLI shows them. ``examples/`` holds a
detector evaluated both ways (``tests/test_examples.py`` runs it).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import NamedTuple

from harness.core.configs import DEFAULT_CONFIG, EVALUATION_SPLIT
from harness.core.dataset import load, recorded_fingerprints
from harness.core.errors import SpinbenchError
from harness.core.paths import writable_location
from harness.evaluation.admission import entry_problems, folder_problems
from harness.evaluation.calibration import CALIBRATION_FILE, calibration_split, read_calibration
from harness.evaluation.contract import get_params
from harness.evaluation.outputs import check_name, is_predictions_file, output_root, results_name, run_paths
from harness.evaluation.predict import predict_split
from harness.evaluation.predictions import header_thresholds, read_predictions, score_by_rule, score_predictions_file
from harness.evaluation.prepare import checked_params, fit_and_calibrate, make, nonempty
from harness.evaluation.provenance import git_commit
from harness.evaluation.record import record, write_run
from harness.evaluation.results import Bootstrap, ModelInfo, Results
from harness.evaluation.scoring import CALIBRATED_ON, DEFAULT_RESAMPLES, GIVEN, MAX_RESAMPLES, Thresholds


def evaluate(
    model: object,
    config: str | None = None,
    split: str | None = None,
    *,
    model_args: dict | None = None,
    dataset: str | None = None,
    output_dir: str | Path | None = None,
    name: str | None = None,
    n_boot: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    threshold: float | None = None,
    doc_threshold: float | None = None,
    use_cache: bool = True,
    fit: bool = True,
    submit: bool = False,
    write: bool = True,
    allow_dirty: bool = False,
) -> Results:
    """Score a detector on ``config``/``split`` (default: ``news``/test) and return the results.

    ``model``: a detector object (anything with ``fit`` and ``predict_token_proba``: see
    :class:`harness.Detector`), a registered name (``"lexicon"``), ``"hf:PATH_OR_HUB_ID"`` or an
    import path ``"package.module:Class"``; a predictions file is passed on to :func:`rescore`.
    ``model_args``: hyperparameters of a model given by name. ``fit=False`` scores a detector
    object as it is (already fitted; such a run cannot be a leaderboard entry, since its training
    is not the harness's). A detector object given with ``fit=True`` is fitted in place, unless a
    fit of the same class, hyperparameters and data is in the cache, which is used instead.
    ``threshold``/``doc_threshold`` replace the thresholds chosen on validation. ``write``
    (default) writes the results and predictions under ``runs/`` (``results/`` with ``submit``,
    or ``output_dir``); ``name`` names their folder. A leaderboard entry (``submit``) must come
    from committed code, unless ``allow_dirty`` says so in it.
    """
    if is_predictions_file(model):
        return rescore(model, config, split, dataset=dataset, output_dir=output_dir, name=name, n_boot=n_boot, seed=seed,
                       threshold=threshold, doc_threshold=doc_threshold, submit=submit, write=write, allow_dirty=allow_dirty)
    given = _given(threshold, doc_threshold)
    evaluated = nonempty(load(config or DEFAULT_CONFIG, split or EVALUATION_SPLIT, dataset=dataset))
    detector, label, target = make(model, model_args)
    default_name = results_name(model) if isinstance(model, str) else type(model).__name__
    model_info = ModelInfo(default_name if name is None else name, target, checked_params(label, get_params(detector)), fitted_outside=not fit)
    run = _RunOptions(model_info.name, n_boot, seed, dataset, output_dir, submit, write, allow_dirty)
    paths, problems = _check_run(evaluated, GIVEN if given else CALIBRATED_ON, True, run, model_info)

    calibrated = fit_and_calibrate(detector, label, target, dataset, use_cache, fit)
    predicted = predict_split(label, calibrated.detector, evaluated, f"{evaluated.config}/{evaluated.split}")
    chosen = Thresholds.override(calibrated.thresholds, *given) if given else calibrated.thresholds
    thresholds, scores = score_by_rule(evaluated.gold, predicted.token_scores, predicted.doc_scores, chosen, n_boot, seed)

    results = record(model_info, evaluated, thresholds, scores, Bootstrap(n_boot, seed), paths.predictions.name,
                     predicted.seconds, calibrated.fit_seconds, dirty_allowed=allow_dirty)
    results.entry_problems = problems
    if not write:
        return results
    calibration = (calibrated.validation, calibrated.token_scores, calibrated.doc_scores)
    return write_run(paths, results, predicted.token_scores, predicted.doc_scores, evaluated.gold.ids, calibration)


def rescore(
    path: str | Path,
    config: str | None = None,
    split: str | None = None,
    *,
    dataset: str | None = None,
    output_dir: str | Path | None = None,
    name: str | None = None,
    n_boot: int = DEFAULT_RESAMPLES,
    seed: int = 0,
    threshold: float | None = None,
    doc_threshold: float | None = None,
    submit: bool = False,
    write: bool = False,
    allow_dirty: bool = False,
) -> Results:
    """Score a stored predictions file (``<config>.predictions.jsonl.gz``) and return the results.

    ``config`` and ``split`` default to the ones its header names. Thresholds: recomputed by the
    rule from the calibration predictions stored beside the file
    (:mod:`~harness.evaluation.calibration`), else the ones its header records;
    ``threshold``/``doc_threshold`` replace them. Writes nothing unless ``write`` (or ``submit``)
    is given, then like :func:`evaluate`, never over the file it reads. The results carry no
    throughput: nothing was predicted."""
    write = write or submit
    path = Path(path)
    read = read_predictions(path)
    header = read[0]
    given = _given(threshold, doc_threshold)
    evaluated = nonempty(load(config or header.get("config") or DEFAULT_CONFIG, split or header.get("split") or EVALUATION_SPLIT, dataset=dataset))
    model_name = name if name is not None else str(header.get("model") or path.name.split(".")[0])
    model_info = ModelInfo(model_name, header.get("target", "predictions-file"), header.get("params", {}), bool(header.get("fitted_outside")))
    cal_path = path.parent / CALIBRATION_FILE
    calibration = None
    by_rule = header.get("thresholds_chosen_on") == CALIBRATED_ON  # not a run whose thresholds were given by hand
    if cal_path.exists() and by_rule and None in (given or (None,)):  # some threshold comes from the rule
        validation = calibration_split(dataset)
        base, cal_tokens, cal_docs = read_calibration(cal_path, validation, replace(model_info, name=str(header.get("model"))))
        calibration = (validation, cal_tokens, cal_docs)
    else:
        base = header_thresholds(path, header) if given is None or None in given else None
    chosen = Thresholds.override(base, *given) if given else base
    run = _RunOptions(model_name, n_boot, seed, dataset, output_dir, submit, write, allow_dirty)
    paths, problems = _check_run(evaluated, chosen.chosen_on, calibration is not None, run, model_info)
    if write and paths.predictions.absolute() == path.absolute():
        raise SpinbenchError(f"rescoring {path} would write over it: give another name or output_dir (--name, --output-dir)")

    scored = score_predictions_file(path, evaluated, n_boot, seed, chosen, read=read)
    results = record(model_info, evaluated, scored.thresholds, scored.scores, Bootstrap(n_boot, seed), paths.predictions.name, dirty_allowed=allow_dirty)
    results.entry_problems = problems
    return write_run(paths, results, scored.token_scores, scored.doc_scores, evaluated.gold.ids, calibration) if write else results


def _given(threshold: float | None, doc_threshold: float | None) -> tuple[float | None, float | None] | None:
    """The thresholds given by hand, checked now rather than after the work."""
    Thresholds.check_given(threshold, doc_threshold)
    return (threshold, doc_threshold) if threshold is not None or doc_threshold is not None else None


class _RunOptions(NamedTuple):
    name: str
    n_boot: int
    seed: int
    dataset: str | None
    output_dir: str | Path | None
    submit: bool
    write: bool
    allow_dirty: bool


def _check_run(evaluated, chosen_on: str, calibrated: bool, run: _RunOptions, model: ModelInfo):
    """Stage 1: everything that can be told before any work. Returns the run's paths and why it
    could not be a leaderboard entry (a submission that could not be one is refused here)."""
    if not isinstance(run.n_boot, int) or isinstance(run.n_boot, bool) or not 1 <= run.n_boot <= MAX_RESAMPLES:
        raise SpinbenchError(f"n_boot (--bootstrap) must be a whole number from 1 to {MAX_RESAMPLES:,}, not {run.n_boot!r}")
    if not isinstance(run.seed, int) or isinstance(run.seed, bool) or run.seed < 0:
        raise SpinbenchError(f"seed must be a whole number of at least 0, not {run.seed!r}")
    check_name(run.name)
    if run.write:
        writable_location(output_root(run.output_dir, run.submit), "results")
    elif run.submit:
        raise SpinbenchError("submit needs write=True: a leaderboard entry is the files it writes")
    code = git_commit()
    problems = entry_problems(evaluated.config, evaluated.split, chosen_on, evaluated.fingerprint, recorded_fingerprints(run.dataset),
                              resamples=run.n_boot, seed=run.seed, dirty=code["git_dirty"] is not False, dirty_allowed=run.allow_dirty,
                              calibrated=calibrated, target=model.target, fitted_here=not model.fitted_outside, commit=code["git_commit"])
    paths = run_paths(run.output_dir, run.name, evaluated.config, evaluated.split, run.submit)
    if run.submit:
        problems += folder_problems(paths.results, model)
    if run.submit and problems:
        raise SpinbenchError("not a leaderboard entry, so nothing was written: " + "; ".join(problems))
    return paths, problems


__all__ = ["evaluate", "rescore"]
