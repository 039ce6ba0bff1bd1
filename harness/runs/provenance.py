"""Where a result came from: the code's git commit, the model's own source files, the harness
version, the date, the machine, and the process's peak memory.

A run records the commit of the checkout it ran in and whether its code differed from it: the
harness and baselines (``harness/``, ``baselines/``) and the model's own source files (the
module of its class and the modules of its package that module imports, as the fit cache
follows them), each recorded with its hash (``model_sources``: paths relative to the
repository, or absolute for a file outside it). A model file that is not committed, is ignored
by git, or lies outside the repository makes the run *dirty*: nobody could rerun it from the
commit.
"""

from __future__ import annotations

import os
import platform
import resource
import subprocess
import sys
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from harness.core.files import sha256_file
from harness.runs import numeric_kernels

REPO_ROOT = Path(__file__).resolve().parents[2]
# The code every run is made with, and checked as a whole by the commit and git_dirty.
CODE_FOLDERS = ("harness", "baselines")


def model_files(cls: type) -> list[Path]:
    """The model's own source files (see the module docstring): the files behind ``cls`` less
    the harness's, which the commit covers."""
    from harness.runs.fit_cache import source_files

    harness_root = REPO_ROOT / "harness"
    return sorted(f for f in source_files((cls,))[0] if not f.is_relative_to(harness_root))


def model_packages(cls: type) -> list[str]:
    """``name==version`` of the third-party packages the model's code imports (scikit-learn,
    torch...): a rerun with other versions of them may differ in the last digits."""
    from harness.runs.fit_cache import package_versions, source_files

    imported = source_files((cls,))[1]
    own = {t for t in imported if (REPO_ROOT / t).is_dir() or (REPO_ROOT / f"{t}.py").is_file()}  # the repository's own code
    return sorted(set(package_versions(imported - own)))


def source_name(path: Path) -> str:
    """How ``model_sources`` names a file: relative to the repository, else absolute."""
    path = Path(path).resolve()
    return path.relative_to(REPO_ROOT).as_posix() if path.is_relative_to(REPO_ROOT) else str(path)


def _status(porcelain: str) -> dict[str, str]:
    """``{path: two-letter status}`` from ``git status --porcelain -z`` (a rename's old path too;
    ``!!``: ignored)."""
    fields = porcelain.split("\0")
    out, i = {}, 0
    while i < len(fields):
        entry = fields[i]
        if len(entry) > 3:
            out[entry[3:]] = entry[:2]
            if entry[0] in "RC":  # a rename or copy: its source path follows
                i += 1
                out[fields[i]] = entry[:2]
        i += 1
    return out


def _listed(name: str, status: dict[str, str]) -> bool:
    """Whether git status names the file ``name`` or a folder it lies in."""
    return any(name == p or (p.endswith("/") and name.startswith(p)) for p in status)


def git_commit(model_sources: Iterable[Path] = ()) -> dict:
    """The checkout's commit (``git_commit``), whether the code differs from it (``git_dirty``:
    ``harness/``, ``baselines/`` or a file of ``model_sources``) and, when ``model_sources``
    are given, their hashes (``model_sources``) and which of them are not committed
    (``uncommitted``: changed, new, ignored, or outside the repository; not stored)."""
    files = [Path(f).resolve() for f in model_sources]
    names = [source_name(f) for f in files]
    inside = [n for n, f in zip(names, files) if f.is_relative_to(REPO_ROOT)]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10).stdout.strip()
        porcelain = subprocess.run(["git", "status", "--porcelain", "-z", "--untracked-files=all", "--ignored=matching", "--", *CODE_FOLDERS, *inside],
                                   cwd=REPO_ROOT, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        commit, porcelain = "", ""
    status = _status(porcelain)
    uncommitted = [n for n, f in zip(names, files) if not f.is_relative_to(REPO_ROOT) or _listed(n, status)]
    changed = [p for p, xy in status.items() if xy != "!!"]  # ignored files in the code folders are caches
    code: dict = {"git_commit": commit or None, "git_dirty": bool(changed or uncommitted) if commit else None}
    if files:
        code["model_sources"] = {n: sha256_file(f) for n, f in zip(names, files)}
        code["uncommitted"] = uncommitted
    return code


def hardware() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {"cpu": cpu, "cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    kernels = numeric_kernels.used()
    if kernels:  # what a rerun needs to give the same last digits (harness.runs.numeric_kernels)
        info["numeric_kernels"] = kernels
    torch = sys.modules.get("torch")
    if torch is not None:
        info["torch"] = torch.__version__
        info["gpu"] = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return info


def peak_memory_mb() -> float:
    """The process's peak resident memory so far (since :func:`restart_peak_memory`, where it could)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def restart_peak_memory() -> bool:
    """Start the peak of :func:`peak_memory_mb` afresh from what the process holds now, so that a
    second run in one process (``--config all``) records its own peak, not an earlier run's fit.
    Memory freed before is given back first (a garbage collection, then glibc's ``malloc_trim``).
    Linux only (``/proc/self/clear_refs``); returns whether it was done."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets the resident set's high-water mark, which ru_maxrss reads
    except OSError:
        return False
    return True


STORED = ("git_commit", "git_dirty", "model_sources", "model_packages")  # what a results file keeps of the run's code


def harness_block(code: dict, dirty_allowed: bool = False) -> dict:
    """A results file's ``harness`` block: the version, ``code`` (:func:`git_commit`, asked once
    per run) and whether uncommitted code was allowed to make a leaderboard entry."""
    from harness import __version__

    return {"version": __version__, **{k: code[k] for k in STORED if k in code}, **({"dirty_allowed": True} if dirty_allowed else {})}


def utc_now() -> str:
    """The date a results file records (UTC, to the second)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
