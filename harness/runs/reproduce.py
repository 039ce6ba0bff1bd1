"""``spinbench leaderboard --reproduce``: a model refitted and rerun by the code of the commit its
entries record, and what it predicts compared with what they store.

``--check`` proves an entry's scores follow from its stored predictions; only running the model
again proves the predictions are the model's. For each model (its entries grouped by commit,
target and hyperparameters):

1. *checkout*: the commit is exported to a temporary folder (``git archive``: its files and
   nothing else; no local change, no untracked file), once per commit;
2. *data*: the dataset given (``--dataset``, ``$SPINBENCH_DATA``) when every entry's
   fingerprint is its, else one built by that commit's own ``spinbench build`` (which checks
   the fingerprints the commit records), once per commit;
3. *run*: that commit's harness (``PYTHONPATH`` the export alone, run inside it, with an empty
   fit cache, so the model is fitted afresh) imports the entry's target from the export, refused
   when it cannot or when the module comes from elsewhere, and predicts every config through its
   Python API (``harness.evaluate`` or ``harness.restore``, ``output_dir`` a temporary folder);
4. *compare*: the track compares the predictions with the stored ones (:class:`Tolerance`: exact
   when the packages the model imports are the versions its entry records, else a stated bound,
   a wider one for models that ran on torch) and the scores this harness computes from them with
   the stored scores.

Entries made from uncommitted code (``--allow-dirty``) cannot be rerun and are refused. Each
model says how long it took.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from harness.core.configs import DEFAULT_CONFIG
from harness.core.dataset import DatasetNotFound, default_data_dir, load
from harness.core.errors import SpinbenchError
from harness.core.fingerprints import read_fingerprints
from harness.runs import numeric_kernels
from harness.runs.board import close
from harness.runs.provenance import REPO_ROOT
from harness.runs.results import RunResults, results_json

log = logging.getLogger(__name__)
REFUSED = 3  # the run's exit status when the target cannot be imported from the commit

# Run by the recorded commit's own Python: import the target from the export, then score each
# config with its public API. Kept to what every version of the harness has had.
RUN_AT_COMMIT = r"""
import importlib, json, logging, sys
from pathlib import Path
logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
job = json.loads(sys.argv[1])
tree = Path.cwd().resolve()
for module in ("harness", job["target"].partition(":")[0]):
    try:
        found = importlib.import_module(module)
    except Exception as err:
        print(f"cannot import {module!r} from the commit's files: {type(err).__name__}: {err}", file=sys.stderr)
        sys.exit(3)
    origin = Path(getattr(found, "__file__", None) or "").resolve()
    if not origin.is_relative_to(tree):
        print(f"{module!r} is imported from {origin}, not from the commit's files", file=sys.stderr)
        sys.exit(3)
import harness
run = getattr(harness, job["function"])
for config in job["configs"]:
    run(job["target"], config, model_args=job["params"] or None, dataset=job["dataset"], output_dir=job["out"], name=job["name"],
        n_boot=1, **job["extra"])
"""


@dataclass(frozen=True)
class Tolerance:
    """How close a rerun's predictions must be to the stored ones: every score within ``score``
    of the stored one on at least ``share`` of the items, and the main score within
    ``main_score``; ``why`` a bound is held rather than equality."""

    name: str
    score: float
    share: float
    main_score: float
    why: str = ""

    def describe(self) -> str:
        if self.name == "exact":
            return "exact"
        return f"{self.name} bound: within {self.score} on {self.share:.0%} of scores, main score within {self.main_score}, as {self.why}"


# A deterministic model rerun with the packages it was run with gives the same scores, digit for
# digit. Other versions of its numerical libraries (scikit-learn's solvers, BLAS) move scores in
# the last digits (the committed classifier, rerun with other versions: at most 0.0013, on 16% of
# scores); torch's training kernels differ between machines and builds, and small differences in
# the weights move scores more.
EXACT = Tolerance("exact", 0.0, 1.0, 1e-6)
NUMERIC = Tolerance("numeric", 0.005, 0.99, 0.002)
TORCH = Tolerance("torch", 0.02, 0.99, 0.01)


def installed(requirement: str) -> str | None:
    """``name==version`` of what is installed here of the distribution ``requirement`` names."""
    from importlib.metadata import PackageNotFoundError, version

    name = requirement.split("==")[0]
    try:
        return f"{name}=={version(name)}"
    except PackageNotFoundError:
        return None


def tolerance_of(entry: RunResults, rerun: dict) -> Tolerance:
    """The tolerance a rerun is held to: torch's when the rerun ran on torch (its own results
    say so), exact when every package the entry records is installed here at its version, else
    the numeric bound."""
    if (rerun.get("hardware") or {}).get("torch"):
        return replace(TORCH, why="it ran on torch")
    recorded = entry.harness.get("model_packages")
    if recorded is None:
        return replace(NUMERIC, why="its entry records no package versions")
    other = [f"{installed(p) or p.split('==')[0] + ' missing'} here, {p} recorded" for p in recorded if installed(p) != p]
    return replace(NUMERIC, why="; ".join(other)) if other else EXACT


def compare_scores(res: RunResults, again: dict, tolerance: Tolerance, label: str) -> tuple[list[str], list[str]]:
    """(problems, notes): the scores this harness computes from a rerun (``again``) against the
    entry's: every one equal when ``tolerance`` is exact, else the main score (``label`` names
    it) within the bound."""
    node: object = again
    for key in res.MAIN_SCORE:
        node = node[key]
    main, stored = node["value"], res.main_score["value"]
    if tolerance.name == "exact":
        return ([], ["scores match"]) if close(again, res.scores, tolerance.main_score) else (["its scores, recomputed from the rerun, are not the stored ones"], [])
    if main is not None and stored is not None and abs(main - stored) > tolerance.main_score:
        return [f"{label} {main:.4f} from the rerun, {stored:.4f} stored"], []
    shown = ["n/a" if v is None else f"{v:.4f}" for v in (main, stored)]
    return [], [f"scores match ({label} {shown[0]} rerun, {shown[1]} stored)"]


def speed_note(res: RunResults, rerun: dict, field: str, unit: str) -> list[str]:
    """The speed the leaderboard shows (``news``'s), measured by the rerun here beside the one
    the entry reports."""
    speed = (rerun.get("throughput") or {}).get(field)
    if not speed or res.dataset.config != DEFAULT_CONFIG:
        return []
    return [f"{speed:,.0f} {unit} here ({getattr(res.throughput, field) or 0:,.0f} reported)"]


@dataclass
class Group:
    """One model's entries that one run reproduces: the same commit, target, hyperparameters
    (and, for restoration, the same detector)."""

    label: str  # how messages name the model ("lexicon", "restore/keep")
    name: str
    commit: str | None
    target: str
    params: dict
    entries: dict[str, tuple[Path, RunResults]]  # {config: (results file, results)}
    extra: dict = field(default_factory=dict)  # further keyword arguments of the track's run function
    # more of them worked out once the commit is exported: setup(group, tree) -> keyword arguments
    setup: Callable[[Group, Path], dict] | None = None

    @property
    def refused(self) -> str | None:
        """Why the group cannot be rerun from its commit (None when it can)."""
        if self.commit is None:
            return "it names no commit to rerun"
        if any(r.harness.get("git_dirty") is not False for _, r in self.entries.values()):
            return "it was made from uncommitted code (--allow-dirty), so its commit does not hold the code that made it"
        return None


@dataclass
class Reproduction:
    """What reproducing a group found: ``problems`` (empty: reproduced), ``notes`` (what matched
    and how closely), and the seconds it took."""

    group: Group
    problems: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)  # (config, note)
    seconds: float = 0.0

    def line(self) -> str:
        """One line for people: what was found, a note shared by every config said once."""
        g = self.group
        head = f"{g.label} at {(g.commit or 'no commit')[:12]} ({len(g.entries)} config(s), {self.seconds:.1f} s)"
        if self.problems:
            return f"{head}: NOT reproduced: " + "; ".join(self.problems)
        configs: dict[str, list[str]] = {}
        for config, note in self.notes:
            configs.setdefault(note, []).append(config)
        said = [note if len(c) == len(g.entries) else f"{', '.join(c)}: {note}" for note, c in configs.items()]
        return f"{head}: reproduced: " + "; ".join(said)


# What a track gives: the comparison of one entry with its rerun, compare(entry path, entry
# results, rerun results JSON, rerun results path, dataset) -> (problems, notes).
Compare = Callable[[Path, RunResults, dict, Path, Path], tuple[list[str], list[str]]]


class Workspace:
    """Temporary checkouts and datasets, one per commit, removed on :meth:`close`."""

    def __init__(self, dataset: str | None = None):
        self.root = Path(tempfile.mkdtemp(prefix="spinbench-reproduce-"))
        self.dataset = Path(dataset) if dataset is not None else default_data_dir()
        self._trees: dict[str, Path] = {}
        self._built: dict[str, Path] = {}

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def tree(self, commit: str) -> Path:
        """The commit's files, exported once (``results/`` left out: entries are read from here)."""
        if commit not in self._trees:
            tree = self.root / commit[:12]
            tree.mkdir()
            archive = subprocess.run(["git", "archive", "--format=tar", commit, "--", ".", ":(exclude)results"], cwd=REPO_ROOT,
                                     capture_output=True, timeout=600)
            if archive.returncode != 0:
                raise SpinbenchError(f"cannot export commit {commit[:12]}: {archive.stderr.decode(errors='replace').strip()}")
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                tar.extractall(tree, filter="data")
            self._trees[commit] = tree
        return self._trees[commit]

    def data_for(self, group: Group, tree: Path) -> Path:
        """The dataset the group's entries were scored on: the one given when its fingerprints are
        theirs, else one built at the commit (checked against them)."""
        if _has_revision(self.dataset, group):
            return self.dataset
        if group.commit not in self._built:
            out = tree / "data"
            log.info("%s: the dataset at %s is not the revision its entries were scored on: building it at commit %s", group.label, self.dataset,
                     group.commit[:12])
            done = _run([sys.executable, "-m", "harness.cli.main", "build", "--out", str(out), "--num-proc", str(os.cpu_count() or 1)], tree,
                        self._env(tree))
            if done != 0:
                raise SpinbenchError(f"building the dataset at commit {group.commit[:12]} failed (exit status {done})")
            self._built[group.commit] = out
        if not _has_revision(self._built[group.commit], group):
            raise SpinbenchError(f"the dataset built at commit {group.commit[:12]} is not the revision its entries were scored on")
        return self._built[group.commit]

    def _env(self, tree: Path, cache: Path | None = None) -> dict:
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SPINBENCH_DATA")}
        env.update(PYTHONPATH=str(tree), SPINBENCH_CACHE=str(cache or self.root / "cache"), PYTHONDONTWRITEBYTECODE="1")
        return env

    def run(self, group: Group, function: str, compare: Compare) -> Reproduction:
        """Reproduce one group (see the module docstring): with the numeric kernels its entries
        record (:mod:`harness.runs.numeric_kernels`), or, where they record none and this
        machine's own kernels give other predictions, again with each other kernel this CPU runs."""
        started = time.monotonic()
        done = Reproduction(group)
        try:
            if group.refused:
                done.problems.append(group.refused)
                return done
            tree = self.tree(group.commit)
            data = self.data_for(group, tree)
            extra = {**group.extra, **(group.setup(group, tree) if group.setup else {})}  # once, whatever kernels are tried
            here = numeric_kernels.used()
            recorded = sorted({k for _, res in group.entries.values() for k in (res.hardware or {}).get("numeric_kernels") or ()})
            on_torch = any((res.hardware or {}).get("torch") for _, res in group.entries.values())
            tried = []
            for kernel in kernels_to_try(recorded, here, on_torch):
                problems, notes, compared = self._attempt(group, function, compare, tree, data, kernel, extra)
                tried.append(kernel)
                if not problems:
                    done.problems, done.notes = [], notes
                    if kernel is not None:
                        whose = "the kernels its entries record" if recorded else "its entries record none"
                        note = f"rerun with OpenBLAS's {kernel} kernels ({whose}; this machine's own: {', '.join(here) or 'none'})"
                        done.notes += [(config, note) for config in group.entries]
                    break
                if len(tried) == 1:
                    done.problems = problems
                if not compared:  # the rerun itself failed: other kernels would not help
                    break
                if len(tried) == 1 and not recorded:
                    log.info("%s: its predictions differ with this machine's numeric kernels (%s); its entries record none: rerunning with others",
                             group.label, ", ".join(here) or "none")
            if done.problems and len(tried) > 1:
                done.problems.append(f"nor with OpenBLAS's {', '.join(k for k in tried if k)} kernels")
        except SpinbenchError as err:
            done.problems.append(str(err))
        finally:
            done.seconds = time.monotonic() - started
        return done

    def _attempt(self, group: Group, function: str, compare: Compare, tree: Path, data: Path, kernel: str | None,
                 extra: dict) -> tuple[list[str], list, bool]:
        """One rerun of the group (with OpenBLAS's ``kernel`` forced, when given, in its own fit
        cache) compared with its entries: (problems, notes, whether the comparison was made)."""
        label = group.label.replace("/", "-") + (f"-{kernel}" if kernel else "")
        out = self.root / "runs" / label
        job = {"function": function, "target": group.target, "params": group.params, "name": group.name, "configs": sorted(group.entries),
               "dataset": str(Path(data).absolute()), "out": str(out), "extra": extra}
        env = self._env(tree, self.root / "cache" / label)
        if kernel is not None:
            env["OPENBLAS_CORETYPE"] = kernel
        status = _run([sys.executable, "-c", RUN_AT_COMMIT, json.dumps(job)], tree, env)
        if status == REFUSED:
            return [f"its target {group.target} cannot be imported from commit {group.commit[:12]} (see the lines above)"], [], False
        if status != 0:
            return [f"the commit's harness failed to rerun it (exit status {status}; see the lines above)"], [], False
        reran = rerun_results(out)
        problems, notes = [], []
        for config, (path, res) in sorted(group.entries.items()):
            if config not in reran:
                problems.append(f"{config}: the rerun wrote no results")
                continue
            found, said = compare(path, res, *reran[config], data)
            problems += [f"{config}: {p}" for p in found]
            notes += [(config, n) for n in said]
        return problems, notes, True


def kernels_to_try(recorded: list[str], here: list[str], on_torch: bool = False) -> list[str | None]:
    """The numeric kernels to rerun with, in turn (None: this machine's own): the one the entries
    record where it is not this machine's and this CPU runs it; where they record none, this
    machine's, then each other kernel this CPU runs. A model that ran on torch is rerun once:
    torch's own kernels, not OpenBLAS's, move its digits, and its bound allows for them.

    >>> kernels_to_try(["Haswell"], ["Haswell"]), kernels_to_try(["Itanium"], ["Haswell"]), kernels_to_try([], ["Haswell"], on_torch=True)
    ([None], [None], [None])
    """
    if on_torch:
        return [None]
    if recorded:
        if len(recorded) == 1 and recorded != here and numeric_kernels.runnable(recorded[0]):
            return [recorded[0]]
        return [None]
    return [None, *(k for k in numeric_kernels.KERNELS if k not in here and numeric_kernels.runnable(k))]


def _has_revision(dataset: Path, group: Group) -> bool:
    """Whether every entry of ``group`` was scored on the splits in ``dataset``."""
    if not Path(dataset).is_dir():
        return False
    recorded = read_fingerprints(dataset) or {}
    for _, res in group.entries.values():
        d = res.dataset
        if recorded.get("configs", {}).get(d.config, {}).get(d.split) != d.fingerprint:
            return False
        try:
            if load(d.config, d.split, dataset=str(dataset)).fingerprint != d.fingerprint:
                return False
        except DatasetNotFound:
            return False
    return True


def _run(command: list[str], cwd: Path, env: dict) -> int:
    """Run ``command``, its output passed on line by line as log records; its exit status."""
    with subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace") as proc:
        for line in proc.stdout:
            log.info("  | %s", line.rstrip())
        return proc.wait()


def rerun_results(out: Path) -> dict[str, tuple[dict, Path]]:
    """``{config: (results JSON, its path)}`` of the runs a rerun wrote anywhere under ``out``
    (whatever layout its commit used)."""
    found = {}
    for path in sorted(Path(out).rglob("*.json")):
        try:
            obj = results_json(path)
        except SpinbenchError:
            continue
        config = (obj.get("dataset") or {}).get("config") if isinstance(obj, dict) else None
        if config:
            found[config] = (obj, path)
    return found


def reproduce(jobs: list[tuple[Group, str, Compare]], dataset: str | None = None) -> Iterator[Reproduction]:
    """Each ``(group, harness function, comparison)`` reproduced in turn (see the module
    docstring); the temporary files are removed at the end."""
    space = Workspace(dataset)
    try:
        for group, function, compare in jobs:
            log.info("reproducing %s at commit %s...", group.label, (group.commit or "none")[:12])
            yield space.run(group, function, compare)
    finally:
        space.close()


def grouped(label: str, entries: dict[str, tuple[Path, RunResults]], extra: Callable[[RunResults], dict] | None = None,
            setup: Callable[[Group, Path], dict] | None = None) -> list[Group]:
    """A model's entries (``{config: (path, results)}``) grouped into runs: one per commit,
    target, hyperparameters and ``extra`` (the track's further arguments); ``setup``: see
    :class:`Group`."""
    groups: dict[str, Group] = {}
    for config, (path, res) in sorted(entries.items()):
        more = extra(res) if extra else {}
        key = json.dumps([res.harness.get("git_commit"), res.model.target, res.model.params, more], sort_keys=True, default=str)
        if key not in groups:
            groups[key] = Group(label, res.model.name, res.harness.get("git_commit"), res.model.target, res.model.params, {}, more, setup)
        groups[key].entries[config] = (path, res)
    return list(groups.values())

