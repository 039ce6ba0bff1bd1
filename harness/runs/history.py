"""An entry's recorded code checked against the repository's history, for ``leaderboard --check``.

A results file names the commit it was made at (``harness.git_commit``) and the hashes of the
model's own source files (``harness.model_sources``, :mod:`harness.runs.provenance`). The commit
must exist in this repository and be an ancestor of ``HEAD`` (entries are made at a commit and
committed in a later one); the run's date may not precede the commit's, nor lie in the future;
and each source file recorded must be the file at that commit, byte for byte, unless the entry
says it was made from uncommitted code (``dirty_allowed``). Git is asked once per commit.

>>> print(History(Path("/nonexistent-spinbench-folder")).problem)  # doctest: +ELLIPSIS
cannot check the entries' commits: ... is not a git checkout (or git is missing); run the check in a clone
"""

from __future__ import annotations

import hashlib
import subprocess
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

from harness.runs.provenance import REPO_ROOT

# Clocks differ between the machine that committed and the one that ran.
CLOCK_SLACK = timedelta(minutes=10)


def parse_date(text: str) -> datetime | None:
    """A results file's date (``2026-01-01T00:00:00Z``) as an aware datetime, or None."""
    try:
        date = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return date if date.tzinfo else date.replace(tzinfo=timezone.utc)


class History:
    """The git history of the repository at ``root``; ``problem`` says why it cannot be read
    (None when it can)."""

    def __init__(self, root: Path = REPO_ROOT):
        self.root = Path(root)
        self.problem = None
        head = self._git("rev-parse", "HEAD")
        if head is None:
            self.problem = f"cannot check the entries' commits: {self.root} is not a git checkout (or git is missing); run the check in a clone"
        elif self._git("rev-parse", "--is-shallow-repository") == "true":
            self.problem = "cannot check the entries' commits: this clone is shallow; fetch its history (git fetch --unshallow)"
        self._commit_date = lru_cache(maxsize=None)(self._date_of)
        self._ancestor = lru_cache(maxsize=None)(self._is_ancestor)
        self._file_hash = lru_cache(maxsize=None)(self._hash_at)

    def _git(self, *args: str, text: bool = True) -> str | bytes | None:
        try:
            run = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=text, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return None
        if run.returncode != 0:
            return None
        return run.stdout.strip() if text else run.stdout

    def _date_of(self, commit: str) -> datetime | None:
        found = self._git("show", "-s", "--format=%cI", f"{commit}^{{commit}}")
        return datetime.fromisoformat(found) if found else None

    def _is_ancestor(self, commit: str) -> bool:
        try:
            run = subprocess.run(["git", "merge-base", "--is-ancestor", commit, "HEAD"], cwd=self.root, capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return False
        return run.returncode == 0

    def _hash_at(self, commit: str, name: str) -> str | None:
        blob = self._git("show", f"{commit}:{name}", text=False)
        return hashlib.sha256(blob).hexdigest() if blob is not None else None

    def code_problems(self, harness: dict, date: str, now: datetime | None = None) -> list[str]:
        """Why a results file's ``harness`` block and ``date`` do not fit the history (see the
        module docstring); empty when they do, or when the history cannot be read (``problem``
        says that once)."""
        commit = harness.get("git_commit")
        if self.problem is not None or commit is None:
            return []
        committed = self._commit_date(commit)
        if committed is None:
            return [f"its commit {commit[:12]} is not in this repository: an entry names the commit it was made at"]
        if not self._ancestor(commit):
            return [f"its commit {commit[:12]} is not an ancestor of HEAD: entries are made at a commit of this branch's history"]
        problems = []
        made = parse_date(date)
        now = now or datetime.now(timezone.utc)
        if made is None or made < committed - CLOCK_SLACK or made > now + CLOCK_SLACK:
            problems.append(f"its date {date!r} is not between its commit's ({committed.isoformat()}) and now")
        if not harness.get("dirty_allowed"):
            for name, recorded in sorted((harness.get("model_sources") or {}).items()):
                at_commit = None if Path(name).is_absolute() else self._file_hash(commit, name)
                if at_commit != recorded:
                    where = "is not in the repository at" if at_commit is None else "differs from the file at"
                    problems.append(f"its model's source {name} {where} commit {commit[:12]}: made from uncommitted code, yet it does not say so")
        return problems
