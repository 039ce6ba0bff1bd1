"""Which runs may stand on a leaderboard: the one admission rule of both tracks, used when a run
starts (a submission that could never be admitted fails before any work), by ``evaluate``'s
closing line, and by the leaderboards when they read their entries.

>>> admission_problems("news", "validation", resamples=1000, seed=0, commit="0" * 40, dirty=False, target="m:M")
["it was scored on the 'validation' split, not 'test'"]
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from harness.core.configs import CONFIGS, EVALUATION_SPLIT
from harness.core.dataset import recorded_fingerprints
from harness.runs.bootstrap import DEFAULT_RESAMPLES


def admission_problems(config: str, split: str, *, resamples: int, seed: int, commit: str | None, dirty: bool, dirty_allowed: bool = False,
                   target: str | None = None, fitted_here: bool = True, fingerprint: str | None = None, recorded: dict | None = None,
                   track: list[str] | tuple = (), uncommitted: list[str] | tuple = ()) -> list[str]:
    """Why a run cannot be a leaderboard entry (empty when it can).

    Every entry is scored on the test split of a leaderboard config; its intervals use the
    leaderboards' resampling (:data:`DEFAULT_RESAMPLES` resamples, seed 0), so intervals and
    paired ranks compare; its code is committed (``dirty``: uncommitted changes) unless the entry
    says otherwise (``dirty_allowed``; ``uncommitted``: the model's own files among the changes,
    :func:`harness.runs.provenance.git_commit`); its model is one others can rerun (``target``: not a class
    defined in a script or notebook), fitted by the harness (``fitted_here``: not evaluated with
    ``fit=False``). ``track``: the track's own problems. When there is no other problem, the run's
    ``fingerprint`` must be the one the dataset's build ``recorded`` (its ``fingerprints.json``)."""
    problems = []
    if config not in CONFIGS:
        problems.append(f"config {config!r} is not one of the leaderboard's ({', '.join(CONFIGS)})")
    if split != EVALUATION_SPLIT:
        problems.append(f"it was scored on the {split!r} split, not {EVALUATION_SPLIT!r}")
    problems += list(track)
    if (resamples, seed) != (DEFAULT_RESAMPLES, 0):
        problems.append(f"its intervals use {resamples:,} bootstrap resamples with seed {seed}; the leaderboard's use {DEFAULT_RESAMPLES:,} with seed 0")
    if commit is None:
        problems.append("it names no git commit (made outside a git checkout of spinbench), so its code cannot be told: run it from a clone")
    elif dirty and not dirty_allowed and uncommitted:
        problems.append(f"its model's own source ({', '.join(uncommitted)}) is not committed (changed, new or ignored by git) or lies outside the "
                        "repository, so nobody can rerun it from the commit: commit it, or say so in the entry with --allow-dirty")
    elif dirty and not dirty_allowed:
        problems.append("it was made by code that is not committed (changes in harness/ or baselines/, or model files that are changed, new, "
                        "ignored by git or outside the repository): commit them, or say so in the entry with --allow-dirty")
    if target is not None and target.startswith("__main__:"):
        problems.append(f"its model ({target}) was defined in a script or notebook, so nobody can rerun it: import it from a module")
    if not fitted_here:
        problems.append("it was evaluated with fit=False: a model fitted outside the harness may have seen any data")
    if recorded is not None and fingerprint is not None and not problems:
        want = recorded.get("configs", {}).get(config, {}).get(split)
        if want != fingerprint:
            problems.append(f"it was scored on dataset revision {fingerprint[:12]}, but its dataset folder's fingerprints.json records {str(want)[:12]}: "
                            "the data there are an older or changed build; rebuild them (spinbench build)")
    return problems


BUILD = "build"  # recorded fingerprints: those the build of the results' dataset folder recorded


def entry_problems(results, recorded: dict | str | None = BUILD) -> list[str]:
    """Why finished results (either track's) could not stand on the leaderboard, empty when they
    could (:func:`admission_problems`; ``results.track_problems()`` adds the track's own).
    ``recorded``: the fingerprints the run's revision must match: by default those the build of
    its dataset folder recorded; None checks no revision (``leaderboard --check`` recomputes
    every entry against the data instead)."""
    d, h = results.dataset, results.harness
    if recorded == BUILD:
        recorded = recorded_fingerprints(d.source) if Path(d.source).is_dir() else None
    return admission_problems(d.config, d.split, resamples=results.bootstrap.resamples, seed=results.bootstrap.seed, commit=h.get("git_commit"),
                          dirty=h.get("git_dirty") is not False, dirty_allowed=bool(h.get("dirty_allowed")), target=results.model.target,
                          fitted_here=not results.model.fitted_outside, fingerprint=d.fingerprint, recorded=recorded, track=results.track_problems())


def folder_problems(results_path: Path, model, read: Callable[[Path], object], error: type[Exception]) -> list[str]:
    """Entries of another model in the folder an entry goes to, the file it replaces among them
    (one model per folder: a submission under a name already taken would mix two models in one
    leaderboard row). ``read``: the track's results reader; a file it cannot read (``error``)
    is left to ``--check``."""
    for other in sorted(Path(results_path).parent.glob("*.json")):
        try:
            them = read(other).model
        except error:
            continue
        if (them.target, them.params) != (model.target, model.params):
            return [f"{other} is another model's entry ({them.target} {them.params}): one model per folder, so choose another name "
                    f"(or remove {Path(other).parent} first)"]
    return []
