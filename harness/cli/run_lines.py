"""The lines ``evaluate`` prints when a run is done, for either track's results."""

from __future__ import annotations


def entry_line(results, submitted: bool) -> str:
    """What the closing line of a run says about the leaderboard."""
    if submitted:
        return f"submitted: {results.path} (run `spinbench leaderboard`, then commit {results.path.parent}/ and leaderboard.md)"
    problems = results.entry_problems
    return "to submit it to the leaderboard, rerun with --submit" if not problems else "not a leaderboard entry: " + "; ".join(problems)
