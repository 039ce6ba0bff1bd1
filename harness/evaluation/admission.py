"""Which runs may stand on the leaderboard: the one admission rule, used by ``evaluate`` (before
any work, so a submission that could never be admitted fails at once) and by the leaderboard
(when it reads its entries).

>>> entry_problems("news", "validation", "given")
["it was scored on the 'validation' split, not 'test'", "its thresholds were 'given', not chosen on news/validation"]
"""

from __future__ import annotations

from harness.core.configs import CONFIGS, EVALUATION_SPLIT
from harness.evaluation.results import Results
from harness.evaluation.scoring import CALIBRATED_ON, DEFAULT_RESAMPLES


def entry_problems(config: str, split: str, chosen_on: str, fingerprint: str | None = None, recorded: dict | None = None, *,
                   resamples: int = DEFAULT_RESAMPLES, seed: int = 0, dirty: bool = False, dirty_allowed: bool = False,
                   calibrated: bool = True) -> list[str]:
    """Why a run cannot be a leaderboard entry (empty when it can). ``recorded``: the
    fingerprints the dataset's build recorded (its ``fingerprints.json``), which the run's
    ``fingerprint`` must match. Every entry's intervals use the leaderboard's resampling
    (:data:`DEFAULT_RESAMPLES` resamples, seed 0), so intervals and ranks compare; its code is
    committed (``dirty``: uncommitted changes to ``harness/`` or ``baselines/``) unless the entry
    says otherwise (``dirty_allowed``); and it stores the calibration predictions its thresholds
    are recomputed from (``calibrated``)."""
    problems = []
    if config not in CONFIGS:
        problems.append(f"config {config!r} is not one of the leaderboard's ({', '.join(CONFIGS)})")
    if split != EVALUATION_SPLIT:
        problems.append(f"it was scored on the {split!r} split, not {EVALUATION_SPLIT!r}")
    if chosen_on != CALIBRATED_ON:
        problems.append(f"its thresholds were {chosen_on!r}, not chosen on {CALIBRATED_ON}")
    if (resamples, seed) != (DEFAULT_RESAMPLES, 0):
        problems.append(f"its intervals use {resamples:,} bootstrap resamples with seed {seed}; the leaderboard's use {DEFAULT_RESAMPLES:,} with seed 0")
    if dirty and not dirty_allowed:
        problems.append("it was made by code with uncommitted changes (harness/ or baselines/): commit them, or say so in the entry with --allow-dirty")
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
                          seed=results.bootstrap.seed, dirty=bool(results.harness.get("git_dirty")),
                          dirty_allowed=bool(results.harness.get("dirty_allowed")), calibrated=results.calibration is not None)
