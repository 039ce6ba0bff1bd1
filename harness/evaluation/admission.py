"""Which runs may stand on the leaderboard: the one admission rule, used by ``evaluate`` (before
any work, so a submission that could never be admitted fails at once) and by the leaderboard
(when it reads its entries).

>>> entry_problems("news", "validation", "given")
["it was scored on the 'validation' split, not 'test'", "its thresholds were 'given', not chosen on news/validation"]
"""

from __future__ import annotations

from pathlib import Path

from harness.core.configs import CONFIGS, EVALUATION_SPLIT
from harness.evaluation.results import ModelInfo, Results, ResultsError, read_results
from harness.evaluation.thresholds import CALIBRATED_ON
from harness.runs.bootstrap import DEFAULT_RESAMPLES


def entry_problems(config: str, split: str, chosen_on: str, fingerprint: str | None = None, recorded: dict | None = None, *,
                   resamples: int = DEFAULT_RESAMPLES, seed: int = 0, dirty: bool = False, dirty_allowed: bool = False,
                   calibrated: bool = True, target: str | None = None, fitted_here: bool = True, commit: str | None = "unchecked") -> list[str]:
    """Why a run cannot be a leaderboard entry (empty when it can). ``recorded``: the
    fingerprints the dataset's build recorded (its ``fingerprints.json``), which the run's
    ``fingerprint`` must match. Every entry's intervals use the leaderboard's resampling
    (:data:`DEFAULT_RESAMPLES` resamples, seed 0), so intervals and ranks compare; its code is
    committed (``dirty``: uncommitted changes to ``harness/`` or ``baselines/``) unless the entry
    says otherwise (``dirty_allowed``); and it stores the calibration predictions its thresholds
    are recomputed from (``calibrated``). Its detector must be one others can rerun (``target``:
    not a class defined in a script or notebook) and fitted by the harness on ``news``/train
    (``fitted_here``: not a detector fitted elsewhere and evaluated with ``fit=False``)."""
    problems = []
    if config not in CONFIGS:
        problems.append(f"config {config!r} is not one of the leaderboard's ({', '.join(CONFIGS)})")
    if split != EVALUATION_SPLIT:
        problems.append(f"it was scored on the {split!r} split, not {EVALUATION_SPLIT!r}")
    if chosen_on != CALIBRATED_ON:
        problems.append(f"its thresholds were {chosen_on!r}, not chosen on {CALIBRATED_ON}")
    if (resamples, seed) != (DEFAULT_RESAMPLES, 0):
        problems.append(f"its intervals use {resamples:,} bootstrap resamples with seed {seed}; the leaderboard's use {DEFAULT_RESAMPLES:,} with seed 0")
    if commit is None:
        problems.append("it names no git commit (made outside a git checkout of spinbench), so its code cannot be told: run it from a clone")
    elif dirty and not dirty_allowed:
        problems.append("it was made by code with uncommitted changes (harness/ or baselines/): commit them, or say so in the entry with --allow-dirty")
    if target is not None and target.startswith("__main__:"):
        problems.append(f"its detector ({target}) was defined in a script or notebook, so nobody can rerun it: import it from a module")
    if not fitted_here:
        problems.append("it was evaluated with fit=False: a detector fitted outside the harness may have seen any data")
    if not calibrated:
        problems.append("it stores no calibration predictions (calibration.predictions.jsonl.gz beside the predictions), so its thresholds cannot be recomputed")
    if recorded is not None and fingerprint is not None and not problems:
        want = recorded.get("configs", {}).get(config, {}).get(split)
        if want != fingerprint:
            problems.append(f"it was scored on dataset revision {fingerprint[:12]}, but the build recorded {str(want)[:12]}")
    return problems


def results_problems(results: Results, recorded: dict | None = None) -> list[str]:
    """:func:`entry_problems` of a finished run."""
    d = results.dataset
    return entry_problems(d.config, d.split, results.thresholds.chosen_on, d.fingerprint, recorded, resamples=results.bootstrap.resamples,
                          seed=results.bootstrap.seed, dirty=results.harness.get("git_dirty") is not False,
                          dirty_allowed=bool(results.harness.get("dirty_allowed")), calibrated=results.calibration is not None,
                          target=results.model.target, fitted_here=not results.model.fitted_outside, commit=results.harness.get("git_commit"))


def folder_problems(results_path: Path, model: ModelInfo) -> list[str]:
    """Entries of another model in the folder an entry goes to (one model per folder: a
    submission under a name already taken would mix two models in one leaderboard row)."""
    problems = []
    for other in sorted(Path(results_path).parent.glob("*.json")):
        if other.name == Path(results_path).name:
            continue
        try:
            them = read_results(other, older_scores=True).model
        except ResultsError:
            continue  # --check names a malformed file
        if (them.target, them.params) != (model.target, model.params):
            problems.append(f"{other} is another model's entry ({them.target} {them.params}): one model per folder, so choose another name")
            break
    return problems
