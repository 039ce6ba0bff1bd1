"""What both leaderboards (detection's, :mod:`harness.evaluation.leaderboard`, and restoration's,
:mod:`harness.restoration.leaderboard`) and the report share: finding the entries under
``results/``, reading and admitting them, paired ranks, tables, the gold splits loaded once,
and the checks every recomputation starts with (dataset revision, file hashes).

An entry is ``<root>/<model>/<config>.json`` with its predictions beside it
(``<config>.predictions.jsonl.gz``), scored on the test split of a leaderboard config by
committed code with the leaderboards' resampling (:func:`harness.runs.admission.entry_problems`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG
from harness.core.dataset import DatasetNotFound, Split, build_problem, load
from harness.core.files import sha256_file
from harness.runs.admission import entry_problems
from harness.runs.bootstrap import DEFAULT_RESAMPLES, paired_interval
from harness.runs.history import History
from harness.runs.paths import LOCK_NAME, PREDICTIONS_SUFFIX, name_problem
from harness.runs.provenance import git_commit, harness_block, utc_now
from harness.runs.results import ResultsError, RunResults

Entries = dict[str, dict[str, RunResults]]  # {model folder: {config: results}}


def entry_files(root: Path, *, label: str = "", extra_files: tuple[str, ...] = (), skip: tuple[str, ...] = (), required: bool = True,
                ) -> tuple[list[Path], list[str]]:
    """The entry files under ``root`` (one folder per model), and a problem for anything else
    found there: stray files, folders that are no model's name, results that are not an entry,
    predictions with no results beside them. ``label``: how messages name ``root`` (``restore/``);
    ``extra_files``: other files a model's folder may hold; ``skip``: folders that are not a
    model's (another track's entries); a missing ``root`` is an error when ``required``."""
    root = Path(root)
    if not root.is_dir():
        if required:
            raise ResultsError(f"no results folder at {root}")
        return [], []
    entries, problems = [], []
    for stray in sorted(p for p in root.iterdir() if not p.is_dir() and not p.name.startswith(".")):
        problems.append(f"{label}{stray.name}: a stray file in {root} (it holds one folder per model)")
    holds = ", ".join(["<config>.json", f"<config>{PREDICTIONS_SUFFIX}", *extra_files])
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and p.name not in skip):
        if [p.name for p in folder.iterdir()] == [LOCK_NAME]:  # an entry removed (git clean), its run's lock left: no entry, nothing wrong
            continue
        where = f"{label}{folder.name}"
        reason = name_problem(folder.name)
        if reason is not None:
            problems.append(f"{label}{folder.name!r}: not a model's folder ({reason})")
            continue
        expected = lambda p: p.is_file() and (p.suffix == ".json" or p.name.endswith(PREDICTIONS_SUFFIX) or p.name == LOCK_NAME)  # noqa: E731
        for stray in sorted(p for p in folder.iterdir() if not expected(p)):
            problems.append(f"{where}/{stray.name}: a stray file (a model's folder holds {holds})")
        jsons = sorted(folder.glob("*.json"))
        if not jsons:
            problems.append(f"{where}: no results file in {folder}")
        for path in jsons:
            if path.stem in CONFIGS:
                entries.append(path)
            else:
                problems.append(f"{where}/{path.name}: not a leaderboard entry (entries are <config>.json; ad-hoc runs belong in runs/)")
        for pred in sorted(folder.glob(f"*{PREDICTIONS_SUFFIX}")):
            config = pred.name[: -len(PREDICTIONS_SUFFIX)]
            if pred.name not in extra_files and not (folder / f"{config}.json").exists():
                problems.append(f"{where}/{config}: predictions {pred} have no results file {config}.json beside them")
    return entries, problems


def read_entry(path: Path, read: Callable[..., RunResults], older_scores: bool = False) -> RunResults:
    """An entry read by its track's reader (``read(path, older_scores)``) and admitted: its file
    and folder name its config and model, and it may stand on a leaderboard; else a
    :class:`ResultsError` naming it."""
    res = read(path, older_scores)
    problems = [] if res.dataset.config == path.stem else [f"config {res.dataset.config!r} does not match the file name"]
    if res.model.name != path.parent.name:
        problems.append(f"its model name {res.model.name!r} is not its folder's ({path.parent.name!r})")
    problems += entry_problems(res, recorded=None)
    if problems:
        raise ResultsError(f"{path}: not a leaderboard entry: " + "; ".join(problems))
    return res


def collect(paths: Iterable[Path], read: Callable[..., RunResults]) -> Entries:
    """``{model: {config: results}}`` of the entry files ``paths`` (:func:`read_entry` each)."""
    entries: Entries = {}
    for path in paths:
        entries.setdefault(path.parent.name, {})[path.stem] = read_entry(path, read)
    return entries


def rank_rule(score: str) -> str:
    """How both leaderboards rank, in words (``score``: the main score's name)."""
    return ("one more than the number of models that are better by a paired bootstrap: over the same "
            f"{DEFAULT_RESAMPLES:,} resamples of `{DEFAULT_CONFIG}`/test documents, the 95% interval of the difference "
            f"in {score} lies above 0 (`2=`: models with the same count).")


def paired_ranks(resamples: dict[str, list[float] | None]) -> dict[str, str]:
    """Ranks by a paired bootstrap: one more than the number of models whose main score is better
    over the same resamples of the same documents (the 95% interval of the difference lies above
    0); ``2=`` for models with the same count. ``resamples``: each model's main score in every
    resample (models without any are not ranked).

    >>> paired_ranks({"a": [0.5, 0.6, 0.55], "b": [0.7, 0.8, 0.75], "c": [0.71, 0.79, 0.76]})
    {'a': '3', 'b': '1=', 'c': '1='}
    """
    main = {m: r for m, r in resamples.items() if r}
    out = {m: 1 + sum(1 for o, theirs in main.items() if o != m and paired_interval(mine, theirs)[0] > 0) for m, mine in main.items()}
    counts = {r: list(out.values()).count(r) for r in set(out.values())}
    return {m: f"{r}=" if counts[r] > 1 else str(r) for m, r in out.items()}


def main_resamples(entries: Entries, name: str) -> dict[str, list[float] | None]:
    """Each model's main score ``name`` in every resample of its ``news``/test entry."""
    return {m: c[DEFAULT_CONFIG].scores.get("resamples", {}).get(name) for m, c in entries.items() if DEFAULT_CONFIG in c}


@dataclass
class Table:
    """One table of a leaderboard: ``leaderboard.md`` and the HTML report render the same."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[str]]


def markdown(table: Table, right: tuple[str, ...] = ("tokens/s", "spans/s")) -> list[str]:
    """A table's Markdown lines, the model names in code font, the ``right`` columns aligned right."""
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "|".join("---:" if c in right else "---" for c in table.columns) + "|"]
    model_column = table.columns.index("model")
    for row in table.rows:
        lines.append("| " + " | ".join(f"`{c}`" if i == model_column else c for i, c in enumerate(row)) + " |")
    return lines


class GoldSplits:
    """Gold splits loaded once each, for recomputing many entries (``splits(config, split)``);
    ``view`` makes what a track scores against from a split (restoration's gold items), once."""

    def __init__(self, dataset: str | None = None, view: Callable[[Split], object] | None = None):
        self.dataset, self.view = dataset, view
        self._loaded: dict[tuple[str, str], tuple[Split, object]] = {}

    def __call__(self, config: str, split: str) -> Split:
        return self._get(config, split)[0]

    def viewed(self, config: str, split: str):
        """The track's view of the split (``view(split)``)."""
        return self._get(config, split)[1]

    def _get(self, config: str, split: str) -> tuple[Split, object]:
        if (config, split) not in self._loaded:
            loaded = load(config, split, dataset=self.dataset)
            stale = build_problem(loaded)
            if stale:  # every entry would fail against it: said once, as what it is
                raise DatasetNotFound(stale)
            self._loaded[(config, split)] = (loaded, self.view(loaded) if self.view else None)
        return self._loaded[(config, split)]


def check_hash(path: Path, recorded: str | None, what: str) -> None:
    """A :class:`ResultsError` unless ``path`` is the file whose hash was ``recorded``."""
    if recorded is None:
        raise ResultsError(f"it names no hash of its {what}, so they cannot be told from others: rerun it")
    if not path.exists():
        raise ResultsError(f"its {what} {path.name} are missing")
    if sha256_file(path) != recorded:
        raise ResultsError(f"{path.name} is not the {what} these results were computed from (its hash differs: an interrupted, mixed-up or edited run?)")


def close(a, b, tol: float = 1e-9) -> bool:
    """Whether two JSON values are equal, numbers to within ``tol``.

    >>> close({"f1": [0.5, 1]}, {"f1": [0.5 + 1e-12, 1]}), close({"f1": 0.5}, {"f1": 0.6})
    (True, False)
    """
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=tol)
    return a == b


def differences(recomputed, stored, tol: float = 1e-9, where: str = "") -> list[str]:
    """Where two JSON values differ (numbers by more than ``tol``), as ``path: recorded X,
    recomputed Y`` lines, for messages that say what did not match.

    >>> differences({"token": {"f1": 0.5, "auroc": 0.9}}, {"token": {"f1": 0.6, "auroc": 0.9}})
    ['token.f1: recorded 0.6, recomputed 0.5']
    >>> differences({"resamples": [0.5, 0.6, 0.7]}, {"resamples": [0.5, 0.9, 1.0]})
    ['resamples[1]: recorded 0.9, recomputed 0.6 (2 of the 3 items differ)']
    """
    if isinstance(recomputed, dict) and isinstance(stored, dict):
        out = [f"{where}{k}: recorded, not recomputed" for k in stored.keys() - recomputed.keys()]
        out += [f"{where}{k}: recomputed, not recorded" for k in recomputed.keys() - stored.keys()]
        return out + [d for k in recomputed.keys() & stored.keys() for d in differences(recomputed[k], stored[k], tol, f"{where}{k}.")]
    if isinstance(recomputed, list) and isinstance(stored, list) and len(recomputed) == len(stored):  # which items, not just "a list of N"
        at = [i for i, (a, b) in enumerate(zip(recomputed, stored)) if not close(a, b, tol)]
        if not at:
            return []
        first = differences(recomputed[at[0]], stored[at[0]], tol, f"{where.rstrip('.') or 'value'}[{at[0]}].")
        return [first[0] + (f" ({len(at):,} of the {len(stored):,} items differ)" if len(at) > 1 else "")]
    if not close(recomputed, stored, tol):
        shown = [v if not isinstance(v, (list, dict)) else f"{type(v).__name__} of {len(v)}" for v in (stored, recomputed)]
        return [f"{where.rstrip('.') or 'value'}: recorded {shown[0]}, recomputed {shown[1]}"]
    return []


def said(differing: list[str], most: int = 3) -> str:
    """The first ``most`` of :func:`differences`' lines, and how many more."""
    more = f" (and {len(differing) - most} more)" if len(differing) > most else ""
    return "; ".join(sorted(differing)[:most]) + more


# Recomputed scores may differ from stored ones in the last printed digits (6 decimals).
SCORE_TOLERANCE = 1e-6


def check_entries(paths: list[Path], check_one: Callable[[Path], object], label: str = "", history: History | None = None,
                  ) -> tuple[list[str], dict[Path, object]]:
    """``check_one(path)`` on every entry, then its recorded code against ``history``
    (:meth:`~harness.runs.history.History.code_problems`; ``check_one`` returns the results, or
    an object whose ``results`` they are): (problems, each passing entry's result). A missing
    dataset (:class:`~harness.core.dataset.DatasetNotFound`) is raised: every entry would say it."""
    from harness.core.progress import progress

    problems, passed = [], {}
    with progress(len(paths), f"checking the entries{f' under {label}' if label else ''}", "entry file") as bar:
        for path in paths:
            try:
                checked = check_one(path)
                res = getattr(checked, "results", checked)
                found = history.code_problems(res.harness, res.date) if history is not None else []
                if found:
                    raise ResultsError("; ".join(found))
                passed[path] = checked
            except ResultsError as err:
                problems.append(f"{label}{path.parent.name}/{path.stem}: {err}")
            bar.update(1)
    return problems, passed


def rescored_by(predictions_sha256: str | None) -> dict:
    """What a rescored entry records: the harness that recomputed it, when, and the hash of the
    predictions it recomputed them from (the one recorded when they were written: rescoring
    never rewrites predictions)."""
    return {"harness": harness_block(git_commit()), "date": utc_now(), "predictions_sha256": predictions_sha256}


# What ``--rescore`` rewrites in an entry (results schema 1 named ``validation`` ``calibration``):
# an entry that differs from an earlier version only here was rescored, not rerun.
RESCORED_FIELDS = frozenset({"scores", "thresholds", "main_score", "rescored", "schema_version"})


def only_rescored(before: dict, after: dict) -> bool:
    """Whether entry ``after`` is ``before`` rescored: the same run (model, parameters, commit,
    data, predictions and their hashes) with recomputed scores. ``--check`` proves such scores
    from the predictions; only a different run needs rerunning to be trusted."""
    def run(entry: dict) -> dict:
        kept = {k: v for k, v in entry.items() if k not in RESCORED_FIELDS}
        if "calibration" in kept and "validation" not in kept:
            kept["validation"] = kept.pop("calibration")
        return kept

    return isinstance(before, dict) and isinstance(after, dict) and run(before) == run(after)


def rescore_entries(paths: list[Path], rescore_one: Callable[[Path], RunResults]) -> list[tuple[Path, RunResults]]:
    """Every entry's scores recomputed by ``rescore_one(path) -> results`` (everything else kept,
    the predictions untouched) and stamped with who rescored it, nothing written yet: a problem
    is a :class:`ResultsError` naming the entry, raised before any entry is rewritten
    (:func:`write_rescored` writes them once every entry of both tracks has recomputed)."""
    rescored = []
    for path in paths:
        try:
            res = rescore_one(path)
        except ResultsError as err:
            raise ResultsError(f"{path}: {err}") from None
        res.rescored = rescored_by(res.predictions_sha256)
        rescored.append((path, res))
    return rescored


def write_rescored(rescored: list[tuple[Path, RunResults]]) -> list[Path]:
    """Write entries made by :func:`rescore_entries`; returns their files."""
    for path, res in rescored:
        res.write(path)
    return [path for path, _ in rescored]


def dirty_models(entries: Entries) -> list[str]:
    """Models with an entry made from uncommitted code (``--allow-dirty``)."""
    return sorted(m for m, configs in entries.items() if any(r.harness.get("git_dirty") is not False for r in configs.values()))


def revisions(entries: Entries) -> list[str]:
    """``config@fingerprint`` of every dataset revision the entries were scored on."""
    return [f"{c}@{f}" for c, f in sorted({(c, r.dataset.fingerprint[:12]) for cfg in entries.values() for c, r in cfg.items()})]
