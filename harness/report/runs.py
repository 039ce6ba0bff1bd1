"""What a report is built from: each chosen model's results on each chosen config, its token
scores (from the predictions file beside the results) and the gold split, matched document by
document; and each chosen restorer's results with its candidates, read as ``leaderboard
--check`` reads them (its predictions checked against the gold spans of the split it names,
:func:`harness.restoration.predictions.rows_in_order`). Names given with
``--models``/``--configs`` are checked here, with suggestions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from harness.core.configs import CONFIGS, EVALUATION_SPLIT
from harness.core.dataset import Split
from harness.core.errors import SpinbenchError
from harness.core.registry import did_you_mean
from harness.evaluation.leaderboard import Entries, collect
from harness.evaluation.predictions import match_predictions, read_predictions
from harness.evaluation.results import Results, read_results
from harness.evaluation.thresholds import token_predictions
from harness.restoration import leaderboard as restoration_leaderboard
from harness.restoration import predictions as restoration_predictions
from harness.restoration.contract import Span
from harness.restoration.items import RestorationGold, restoration_gold
from harness.restoration.results import RestorationResults, read_restoration_results
from harness.runs.board import GoldSplits
from harness.runs.results import check_revision


@dataclass(frozen=True)
class Run:
    """One model on one config: its results, the gold split and its token scores, in the
    split's document order."""

    model: str  # the results folder's name
    config: str
    results: Results
    gold: Split
    token_scores: list[list[float]]

    @property
    def threshold(self) -> float:
        return self.results.thresholds.token

    @cached_property
    def predicted(self) -> list[list[int]]:
        """0/1 per token at the results' token threshold, as scoring applies it."""
        return token_predictions(self.token_scores, self.threshold)


@dataclass(frozen=True)
class RestorationRun:
    """One restorer on one split: its results, the split, and its candidates in the split's order."""

    model: str  # the results folder's name
    label: str  # the config, or ``config.split`` for a split other than test
    results: RestorationResults
    split: Split
    gold: RestorationGold
    candidates: list[list[list[str]]]  # per document, per gold item, best first
    detected: tuple[list[list[Span]], list[list[list[str]]]] | None  # the detector's spans and their candidates
    confidences: list | None = None  # per document, per gold item, the candidates' confidences (None: the restorer gives none)
    detected_confidences: list | None = None  # likewise for the detector's spans
    cut: float | None = None  # the abstention cut: first candidates under it are withheld (None: all shown)


@dataclass(frozen=True)
class ReportInputs:
    entries: Entries  # the chosen results, {model: {config: Results}}, for the leaderboard
    runs: list[Run]  # model-major, configs in the dataset's order
    restoration: list[RestorationRun] = field(default_factory=list)  # restorer-major

    @property
    def models(self) -> list[str]:
        return list(self.entries)

    @property
    def configs(self) -> list[str]:
        return ordered_configs({r.config for r in self.runs})


def ordered_configs(names) -> list[str]:
    """The dataset's configs in their defined order, then any others alphabetically."""
    return [c for c in CONFIGS if c in names] + sorted(set(names) - set(CONFIGS))


def choose(wanted: str | None, available: list[str], what: str, option: str, where: str) -> list[str]:
    """The names in a comma-separated option (all ``available`` when not given); an unknown name
    is an error with the closest known name and the full list."""
    if wanted is None:
        return list(available)
    names = list(dict.fromkeys(n.strip() for n in wanted.split(",") if n.strip()))
    if not names:
        raise SpinbenchError(f"{option} names no {what}; {what}s in {where}: {', '.join(available)}")
    for name in names:
        if name not in available:
            hint = did_you_mean(name, available).strip()
            raise SpinbenchError(f"unknown {what} {name!r} in {option}{'; ' + hint if hint else ''} ({what}s in {where}: {', '.join(available)})")
    return names


def collect_runs(runs_dir: Path) -> Entries:
    """Ordinary runs (``runs/<name>/<config>.<split>.json``, any split and thresholds), keyed by
    config for a test split and ``config/split`` otherwise; a malformed file is a ResultsError."""
    out: Entries = {}
    for path in sorted(Path(runs_dir).glob("*/*.json")):
        res = read_results(path)
        label = res.dataset.config if res.dataset.split == EVALUATION_SPLIT else f"{res.dataset.config}/{res.dataset.split}"
        out.setdefault(path.parent.name, {})[label] = res
    return out


def load_inputs(results_dir: Path, models: str | None = None, configs: str | None = None, dataset=None, progress: bool = False,
                runs: bool = False) -> ReportInputs:
    """The chosen results with their predictions and gold splits; every problem (a missing or
    malformed file, a result scored on another dataset revision) is a SpinbenchError naming it.
    ``runs``: ``results_dir`` holds ordinary runs (``evaluate`` without ``--submit``), not
    leaderboard entries."""
    from tqdm.auto import tqdm

    from_runs = runs
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        option = "--runs" if runs else "--results"
        raise SpinbenchError(f"no results folder at {results_dir}: run `evaluate` first, or pass {option}")
    everything = collect_runs(results_dir) if runs else collect(results_dir)
    restorations = restoration_labels(results_dir, runs)  # {restorer: {config label: results path}}
    if not everything and not restorations:
        raise SpinbenchError(f"no results in {results_dir} (expected {results_dir}/<model>/<config>.json): run `evaluate` first")
    chosen_models = choose(models, sorted(set(everything) | set(restorations)), "model", "--models", f"{results_dir}/")
    all_configs = ordered_configs({c for m in chosen_models for c in [*everything.get(m, {}), *restorations.get(m, {})]})
    chosen_configs = choose(configs, all_configs, "config", "--configs", f"{results_dir}/")
    entries = {m: {c: everything[m][c] for c in ordered_configs(chosen_configs) if c in everything.get(m, {})} for m in chosen_models}
    entries = {m: cfg for m, cfg in entries.items() if cfg}

    splits: dict = {}  # {dataset: GoldSplits}
    runs = []
    jobs = [(m, c) for m in entries for c in entries[m]]
    for model, config in tqdm(jobs, desc="reading results", unit="run", disable=None if progress else True):
        res = entries[model][config]
        where = res.path or results_dir / model / f"{config}.json"
        source = dataset if dataset is not None or not from_runs else recorded_dataset(res.dataset.source, where)  # a run names the dataset it was scored on
        gold = splits.setdefault(source, GoldSplits(source))(res.dataset.config, res.dataset.split)
        check_revision(res.dataset.fingerprint, gold, f"{where}: ")
        path = where.parent / res.predictions
        _, rows = read_predictions(path)
        token_scores, _ = match_predictions(path, gold.gold, rows)
        runs.append(Run(model, config, res, gold, token_scores))
    restoration_splits: dict = {}
    restoration = [load_restoration_run(restorations[m][c], dataset, runs=from_runs, splits=restoration_splits)
                   for m in chosen_models for c in ordered_configs(chosen_configs) if c in restorations.get(m, {})]
    return ReportInputs(entries, runs, restoration)


def restoration_labels(results_dir: Path, runs: bool) -> dict[str, dict[str, Path]]:
    """Restoration runs under ``results_dir/restore/``: {restorer: {config label: results file}},
    labelled as detection's (the config, or ``config/split`` for a split other than test)."""
    out: dict[str, dict[str, Path]] = {}
    for path in restoration_files(results_dir, runs):
        config, _, split = path.stem.rpartition(".") if runs else (path.stem, "", EVALUATION_SPLIT)
        out.setdefault(path.parent.name, {})[config if split == EVALUATION_SPLIT else f"{config}/{split}"] = path
    return out


def page_name(results: RestorationResults) -> str:
    """A restoration page's file stem: the config, or ``config.split`` for a split other than test."""
    d = results.dataset
    return d.config if d.split == EVALUATION_SPLIT else f"{d.config}.{d.split}"


def restoration_files(folder: Path, runs: bool) -> list[Path]:
    """Results files of restoration runs: leaderboard entries ``results/restore/<model>/<config>.json``
    (checked as the leaderboard checks them), or ordinary runs ``runs/restore/<model>/<config>.<split>.json``."""
    if not runs:
        return [r.path for configs in restoration_leaderboard.collect(folder).values() for r in configs.values()]
    return sorted(restoration_leaderboard.restore_dir(folder).glob("*/*.json"))


def recorded_dataset(source: str, results_path: Path) -> str:
    """The dataset a run's results name, or a one-line error where it is a folder named relative
    to where the run was made and no such folder is here (a hub id, ``owner/name``, is left to
    the loader)."""
    from harness.core.dataset import DatasetNotFound, is_hub_id

    path = Path(source)
    if not path.is_absolute() and not path.exists() and not is_hub_id(source):
        raise DatasetNotFound(f"{results_path}: its run names its dataset {source!r}, a folder relative to where the run was made, and there is no "
                              f"{Path.cwd() / source}: run the report from that folder, or give the dataset (--dataset)")
    return source


def load_restoration_run(path: Path, dataset=None, runs: bool = False, splits: dict | None = None) -> RestorationRun:
    """One restoration run with its gold split and its stored candidates; a file scored on
    another dataset revision, or predictions that are not its gold spans', is a ResultsError.
    ``splits``: ``{dataset: GoldSplits}`` shared by the runs read together."""
    res = read_restoration_results(path)
    source = dataset if dataset is not None or not runs else recorded_dataset(res.dataset.source, path)  # a run names the dataset it was scored on
    splits = {} if splits is None else splits
    loaded = splits.setdefault(source, GoldSplits(source, restoration_gold))
    split, gold = loaded(res.dataset.config, res.dataset.split), loaded.viewed(res.dataset.config, res.dataset.split)
    check_revision(res.dataset.fingerprint, split, f"{path}: ")
    predictions = path.parent / res.predictions
    header, rows = restoration_predictions.read_predictions(predictions)
    candidates, detected = restoration_predictions.rows_in_order(predictions, header, rows, gold)
    confidences, detected_confidences = restoration_predictions.confidences_in_order(header, rows, gold)
    return RestorationRun(path.parent.name, page_name(res), res, split, gold, candidates, detected, confidences, detected_confidences,
                          restoration_predictions.abstention_cut(header))
