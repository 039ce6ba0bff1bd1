"""The lines ``evaluate`` prints when a run is done, for either track's results."""

from __future__ import annotations


def entry_line(results, submitted: bool) -> str:
    """What the closing line of a run says about the leaderboard (a submission that leaves a
    config without an entry is told which, since the leaderboard refuses a partial one)."""
    if submitted:
        from harness.core.configs import CONFIGS

        missing = [c for c in CONFIGS if not (results.path.parent / f"{c}.json").exists()]
        more = (f"; the leaderboard takes a model with an entry for every config, and {', '.join(missing)} "
                f"{'has' if len(missing) == 1 else 'have'} none yet: rerun with --config all") if missing else ""
        return f"submitted: {results.path} (run `spinbench leaderboard`, then commit {results.path.parent}/ and leaderboard.md){more}"
    problems = results.entry_problems
    return "to submit it to the leaderboard, rerun with --submit" if not problems else "not a leaderboard entry: " + "; ".join(problems)
