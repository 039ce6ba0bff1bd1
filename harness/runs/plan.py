"""The *check* stage of both tracks' runs: everything that can be told before any work.

:func:`plan_run` is called once the options are checked (:class:`~harness.runs.options.RunOptions`),
the model is made and the evaluated split loaded, and before anything is fitted or predicted:
it asks git for the code's commit (once per run), names the files the run will write, and says
why the run could not be a leaderboard entry, refusing a submission that could never be one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from harness.core.dataset import Split, recorded_fingerprints
from harness.core.errors import SpinbenchError
from harness.runs import provenance
from harness.runs.admission import admission_problems, folder_problems
from harness.runs.history import History
from harness.runs.options import RunOptions
from harness.runs.paths import RunPaths, run_paths
from harness.runs.provenance import STORED, git_commit, model_files, model_packages, restart_peak_memory
from harness.runs.results import ModelInfo, ResultsError


@dataclass(frozen=True)
class RunPlan:
    """A run about to start: its options, its files, its code (``git_commit()``) and why it
    could not be a leaderboard entry (empty when it could)."""

    options: RunOptions
    paths: RunPaths
    code: dict
    problems: list[str]


def plan_run(options: RunOptions, model: ModelInfo, split: Split, dataset=None, track_problems: list[str] | tuple = (),
             read_entry: Callable | None = None, model_class: type | None = None, code: dict | None = None) -> RunPlan:
    """The plan of running ``model`` on ``split`` with ``options`` (checked). ``track_problems``:
    what the track already knows keeps it off the leaderboard; ``read_entry``: the track's
    results reader, to find another model's entries in the folder a submission goes to;
    ``model_class``: the model's class, whose own source files are recorded with their hashes
    and the versions of the packages it imports (:mod:`harness.runs.provenance`); ``code``: the
    code that made the predictions when it is not this checkout's (a stored predictions file
    scored again: :func:`code_of_predictions`)."""
    if code is None:
        code = git_commit(model_files(model_class) if model_class is not None else ())
        if model_class is not None:
            code["model_packages"] = model_packages(model_class)
    paths = run_paths(options.output_dir, model.name, split.config, split.split, options.submit, options.task)
    problems = admission_problems(split.config, split.split, resamples=options.n_boot, seed=options.seed, commit=code["git_commit"],
                              dirty=code["git_dirty"] is not False, dirty_allowed=options.allow_dirty or bool(code.get("dirty_allowed")), target=model.target,
                              fitted_here=not model.fitted_outside, fingerprint=split.fingerprint, recorded=recorded_fingerprints(dataset),
                              track=track_problems, uncommitted=code.get("uncommitted", ()))
    if options.submit and read_entry is not None:
        problems += folder_problems(paths.results, model, read_entry, ResultsError)
    if options.submit and problems:
        said = f" (as {code[MADE_BY]}, the results of the run that made these predictions, records)" if MADE_BY in code else ""
        raise SpinbenchError("not a leaderboard entry, so nothing was written: " + "; ".join(problems) + said)
    return RunPlan(options, paths, code, problems)


MADE_BY = "made_by"  # code_of_predictions' note of the results it read the code from (a results file keeps only STORED)


def code_of_predictions(predictions: Path, reader: Callable) -> dict:
    """The code that made a stored predictions file, as the results of its run record it: the
    results file beside it that names it with its hash (``reader``: the track's results reader).
    A submission of stored predictions is admitted on that code, not on the checkout that scores
    them again (a run of uncommitted code would otherwise come back clean); with no such results
    file there is nothing to tell its code by, and the submission is refused."""
    from harness.core.files import sha256_file

    predictions = Path(predictions)
    digest = sha256_file(predictions)
    for path in sorted(predictions.parent.glob("*.json")):
        try:
            made = reader(path)
        except (ResultsError, ValueError, OSError):
            continue
        if made.predictions == predictions.name and made.predictions_sha256 == digest:
            # What --check would say of the entry, said before it is one (a run that says it is dirty: admission says so below)
            said = made.harness if made.harness.get("git_dirty") is False else {**made.harness, "dirty_allowed": True}
            problems = History(provenance.REPO_ROOT).code_problems(said, made.date)
            if problems:
                raise SpinbenchError(f"{predictions} cannot be submitted: {path}, the results of the run that made it, " + "; ".join(problems))
            return {k: made.harness[k] for k in (*STORED, "dirty_allowed") if k in made.harness} | {MADE_BY: str(path)}
    raise SpinbenchError(f"{predictions} cannot be submitted: no results file beside it records it (a <name>.json naming it with its sha256), "
                         "so the code that made its scores cannot be told. Submit the run that makes them instead "
                         "(evaluate --model <your model> --submit)")


def run_every_config(run_one: Callable, model: object, configs: list[str] | None, split: str | None, kwargs: dict) -> dict:
    """``run_one(model, config, split, **kwargs)`` on each config (default: every leaderboard
    config), the default config first, after every split is loaded (so a missing one stops the
    run before any work): both tracks' ``--config all``. A refit asked for (``use_cache=False``)
    happens once: later configs take it from the cache. Each later config's peak memory is its
    own (:func:`~harness.runs.provenance.restart_peak_memory`), from what the process holds when
    it starts: the fitted model, the loaded resources. Returns ``{config: results}``."""
    from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
    from harness.core.dataset import load

    configs = list(configs or CONFIGS)
    configs = [c for c in configs if c == DEFAULT_CONFIG] + [c for c in configs if c != DEFAULT_CONFIG]
    for config in configs:
        load(config, split or EVALUATION_SPLIT, dataset=kwargs.get("dataset"))
    out = {}
    for config in configs:
        if out:
            restart_peak_memory()
        out[config] = run_one(model, config, split, **{**kwargs, "use_cache": kwargs.get("use_cache", True) or bool(out)})
    return out
