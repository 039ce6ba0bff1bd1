"""The restoration table of ``leaderboard.md`` (from ``results/restore/``), and its ``--check``:
every entry recomputed from its stored predictions against the gold data, its detected spans
against the detector's own stored predictions.

``rescore`` rewrites every entry's scores from its predictions by the same recomputation
(``spinbench leaderboard --rescore``).

An entry is ``results/restore/<model>/<config>.json`` with its predictions beside it, scored on
the test split of a leaderboard config with the leaderboard's resampling and committed code
(:func:`harness.evaluation.admission.entry_problems`). Ranks: top-1 exact match on ``news``/test
by a paired bootstrap, as detection's token F1.
"""

from __future__ import annotations

from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG
from harness.core.dataset import DatasetNotFound, load
from harness.core.files import sha256_file
from harness.evaluation.admission import entry_problems
from harness.evaluation.leaderboard import Table, _close, _markdown
from harness.evaluation.results import ResultsError
from harness.evaluation.thresholds import CALIBRATED_ON
from harness.restoration.contract import TOP_K
from harness.restoration.items import detector_spans, restoration_gold
from harness.restoration.kinds import KINDS
from harness.restoration.predictions import score_restoration_file
from harness.restoration.results import RestorationResults, read_restoration_results, write_results
from harness.restoration.run import TASK_DIR
from harness.restoration.scoring import MAIN_SCORE_NAME
from harness.runs.bootstrap import DEFAULT_RESAMPLES, paired_interval

Entries = dict[str, dict[str, RestorationResults]]


def restore_dir(results_dir: Path) -> Path:
    return Path(results_dir) / TASK_DIR


def _files(results_dir: Path) -> tuple[list[Path], list[str]]:
    root = restore_dir(results_dir)
    if not root.is_dir():
        return [], []
    paths, problems = [], []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(folder.glob("*.json")):
            (paths if path.stem in CONFIGS else problems).append(path if path.stem in CONFIGS else f"restore/{folder.name}/{path.name}: not a leaderboard entry (entries are <config>.json)")
        for pred in sorted(folder.glob("*.predictions.jsonl.gz")):
            if not (folder / pred.name.replace(".predictions.jsonl.gz", ".json")).exists():
                problems.append(f"restore/{folder.name}/{pred.name}: predictions with no results file beside them")
    for stray in sorted(p for p in root.iterdir() if p.is_file() and not p.name.startswith(".")):
        problems.append(f"restore/{stray.name}: a stray file (results/restore holds one folder per restorer)")
    return paths, problems


def _read_entry(path: Path, older_scores: bool = False) -> RestorationResults:
    res = read_restoration_results(path, older_scores)
    d = res.dataset
    problems = [] if res.dataset.config == path.stem else [f"config {d.config!r} does not match the file name"]
    if res.model.name != path.parent.name:
        problems.append(f"its model name {res.model.name!r} is not its folder's")
    problems += entry_problems(d.config, d.split, CALIBRATED_ON, resamples=res.bootstrap.resamples, seed=res.bootstrap.seed,
                               dirty=res.harness.get("git_dirty") is not False, dirty_allowed=bool(res.harness.get("dirty_allowed")),
                               target=res.model.target, fitted_here=not res.model.fitted_outside, commit=res.harness.get("git_commit"))
    if problems:
        raise ResultsError(f"{path}: not a restoration leaderboard entry: " + "; ".join(problems))
    return res


def collect(results_dir: Path) -> Entries:
    paths, problems = _files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    entries: Entries = {}
    for path in paths:
        entries.setdefault(path.parent.name, {})[path.stem] = _read_entry(path)
    return entries


def _fmt(m: dict | None, interval: bool = False) -> str:
    if not m or m.get("value") is None:
        return "–"
    lo, hi = m["ci95"]
    return f"{m['value']:.3f} [{lo:.3f}, {hi:.3f}]" if interval and lo is not None else f"{m['value']:.3f}"


def ranks(entries: Entries) -> dict[str, str]:
    main = {m: c[DEFAULT_CONFIG].scores["resamples"].get(MAIN_SCORE_NAME) for m, c in entries.items() if DEFAULT_CONFIG in c}
    out = {m: 1 + sum(1 for o, theirs in main.items() if o != m and paired_interval(mine, theirs)[0] > 0) for m, mine in main.items()}
    counts = {r: list(out.values()).count(r) for r in set(out.values())}
    return {m: f"{r}=" if counts[r] > 1 else str(r) for m, r in out.items()}


def table(entries: Entries) -> Table:
    """Restoration on ``news``/test (gold spans; end to end on gold and detected spans), and
    top-1 on every held-out config; best top-1 first."""
    rank = ranks(entries)
    held_out = [c for c in CONFIGS if c != DEFAULT_CONFIG]
    rows = []

    def main(m):
        r = entries[m].get(DEFAULT_CONFIG)
        return -(r.main_score["value"] or 0) if r else 1

    for model in sorted(entries, key=lambda m: (main(m), m)):
        news = entries[model].get(DEFAULT_CONFIG)
        s = news.scores if news else {}
        detected = s.get("end_to_end", {}).get("detected_spans")
        speed = news.throughput.get("spans_per_second") if news else None
        rows.append([
            rank.get(model, "–"), model,
            _fmt(s.get("edits", {}).get("top1"), True), _fmt(s.get("edits", {}).get(f"top{TOP_K}"), True),
            _fmt(s.get("edits", {}).get("top1_lemma")), _fmt(s.get("edits", {}).get(f"top{TOP_K}_lemma")),
            *(_fmt(s.get("by_kind", {}).get(k, {}).get("top1")) for k in KINDS),
            _fmt(s.get("end_to_end", {}).get("gold_spans", {}).get("distance_removed"), True),
            f"{_fmt(detected['distance_removed'])} (`{news.detector['name']}`)" if detected and news.detector else "–",
            *(_fmt(entries[model][c].main_score) if c in entries[model] else "–" for c in held_out),
            f"{speed:,.0f}" if speed else "–",
        ])
    columns = ("rank", "model", "top-1 (main)", f"top-{TOP_K}", "top-1 lemma", f"top-{TOP_K} lemma", *(f"top-1 {k.replace('_', ' ')}" for k in KINDS),
               "edit distance removed, gold spans", "removed, detector's spans", *(f"{c} top-1" for c in held_out), "spans/s")
    return Table(f"restoration: `{DEFAULT_CONFIG}`/test, original wording recovered", columns, rows)


SECTION_INTRO = (
    "Restoration (the [restoration track](docs/restoration.md)): for each gold edit of a spun document, the restorer's "
    f"ranked guesses at the original wording; top-1 and top-{TOP_K} exact match (case-insensitive; *lemma*: up to inflection), "
    "broken down by edit kind, and end to end the share of the token edit distance to the original that putting its first "
    f"guess in every span removes (on the gold spans, and on a detector's flagged spans). 95% intervals from {DEFAULT_RESAMPLES:,} "
    "bootstrap resamples of documents; rank by a paired bootstrap of top-1. Rendered from `results/restore/`; "
    "`spinbench leaderboard --check` recomputes every entry from its predictions."
)


def section(entries: Entries) -> str:
    """The Markdown section appended to ``leaderboard.md`` ("" without entries)."""
    if not entries:
        return ""
    t = table(entries)
    return "\n".join([f"### {t.title}", "", SECTION_INTRO, "", *_markdown(t), ""])


def _gold_loader(dataset: str | None):
    """``gold_for(config, split) -> (split, restoration gold)``: each split loaded, and its gold
    items made, once."""
    splits: dict = {}

    def gold_for(config: str, split: str):
        if (config, split) not in splits:
            loaded = load(config, split, dataset=dataset)
            splits[(config, split)] = (loaded, restoration_gold(loaded))
        return splits[(config, split)]

    return gold_for


def recompute(path: Path, res: RestorationResults, results_dir: Path, gold_for) -> dict:
    """An entry's scores recomputed from its stored predictions (the one scoring path,
    :func:`~harness.restoration.predictions.score_restoration_file`), after checking the dataset
    revision, the predictions' hash and header, and the detector's spans against the detector's
    own stored predictions; ResultsError names the first mismatch."""
    split, gold = gold_for(res.dataset.config, res.dataset.split)
    if res.dataset.fingerprint != split.fingerprint:
        raise ResultsError(f"scored on dataset revision {res.dataset.fingerprint[:12]}, but {split.config}/{split.split} here is {split.fingerprint[:12]}")
    pred = path.parent / res.predictions
    if not pred.exists() or res.predictions_sha256 is None or sha256_file(pred) != res.predictions_sha256:
        raise ResultsError(f"{res.predictions} is missing or not the predictions these results were computed from")
    detector = None
    if res.detector is not None:
        detector = detector_spans(Path(results_dir) / res.detector["name"] / f"{res.dataset.config}.json", split)
    header, scores = score_restoration_file(pred, gold, res.bootstrap.resamples, res.bootstrap.seed, detector)
    for field, want in (("model", res.model.name), ("target", res.model.target), ("params", res.model.params)):
        if header.get(field) != want:
            raise ResultsError(f"its predictions header's {field} {header.get(field)!r} is not {want!r}")
    return scores


def check(results_dir: Path, dataset: str | None = None) -> tuple[list[str], Entries]:
    """(problems, valid entries): each entry recomputed from its predictions (every hash, the
    gold spans, the detector's spans from its own stored predictions, every score)."""
    paths, problems = _files(results_dir)
    gold_for = _gold_loader(dataset)
    valid: Entries = {}
    for path in paths:
        where = f"restore/{path.parent.name}/{path.stem}"
        try:
            res = _read_entry(path)
            if not _close(recompute(path, res, results_dir, gold_for), res.scores, 1e-6):
                raise ResultsError("scores do not match a recomputation from the predictions")
            if res.stored_main_score != res.main_score:
                raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
        except DatasetNotFound as err:
            return [str(err)], {}
        except ResultsError as err:
            problems.append(f"{where}: {err}")
            continue
        valid.setdefault(path.parent.name, {})[path.stem] = res
    return problems, valid


def rescore(results_dir: Path, dataset: str | None = None) -> list[Path]:
    """Recompute the scores of every restoration entry from its stored predictions with this
    harness (after a metric was added or changed), keeping everything else and recording the
    harness that rescored it; returns the files rewritten. A stray file, or predictions that do
    not recompute (a wrong hash, spans, revision), is a ResultsError naming it."""
    from harness import __version__
    from harness.evaluation.provenance import git_commit

    paths, problems = _files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    gold_for = _gold_loader(dataset)
    written = []
    for path in paths:
        res = _read_entry(path, older_scores=True)
        try:
            res.scores = recompute(path, res, results_dir, gold_for)
        except ResultsError as err:
            raise ResultsError(f"{path}: {err}") from None
        res.rescored = {"harness": {"version": __version__, **git_commit()}}
        write_results(path, res)
        written.append(path)
    return written
