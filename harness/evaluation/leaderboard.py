"""``leaderboard.md`` from ``results/``, and ``--check``: every entry recomputed from its
predictions against the gold labels.

Ranks come from the main score (token F1 on ``news``/test). A model's rank is one more than the
number of models whose whole 95% interval lies above its interval, so models the intervals
cannot separate share a rank (shown as ``2=``).

An entry is ``results/<model>/<config>.json`` with its predictions beside it, scored on the test
split of a known config with thresholds chosen on ``news``/validation
(:func:`entry_problems`); ad-hoc runs (other splits, hand-set thresholds) belong in ``runs/``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, EVALUATION_SPLIT
from harness.core.dataset import DatasetNotFound, Split, load
from harness.core.errors import SpinbenchError
from harness.core.files import sha256_file
from harness.evaluation.predictions import score_predictions_file
from harness.evaluation.results import MAIN_SCORE_NAME, Results, ResultsError, read_results
from harness.evaluation.scoring import CALIBRATED_ON, THRESHOLD_RULE, Thresholds

HEADER = f"""# spinbench leaderboard

Token, span and document scores on `news`/test, with 95% bootstrap intervals (1,000 resamples
over documents), and on the held-out configs. Token AUPRC (average precision) needs no
threshold; every other score uses thresholds set by one rule for every model: chosen where F1
is best on `news`/validation, then moved on each scored split to flag the same share of its
tokens and of its documents as they flag on `news`/validation (the README's "Thresholds").
False alarms are measured on the clean documents alone: the share of them with any token
flagged, and flagged tokens per 1,000 of their tokens. Rendered by `spinbench leaderboard` from
`results/`; `spinbench leaderboard --check` recomputes every entry from its per-token
predictions, thresholds included. Rank: models whose token-F1 intervals overlap share a rank.

**Submit a result**: run `evaluate --model YOUR_MODEL --config C --submit` for every config
({", ".join(f"`{c}`" for c in CONFIGS)}), run `spinbench leaderboard`, commit
`results/YOUR_MODEL/` and `leaderboard.md`, and open a pull request; CI runs
`spinbench leaderboard --check`.
"""
# The line every rendered leaderboard starts with: the only kind of file rendering may replace.
FIRST_LINE = HEADER.splitlines()[0]


def check_output(path: Path) -> None:
    """Refuse to render over anything but an earlier leaderboard (a README, pyproject.toml), as
    ``spinbench report --out`` refuses a folder that holds no report."""
    path = Path(path)
    if path.is_dir():
        raise SpinbenchError(f"{path} is a folder: --output names the leaderboard file to write")
    if not path.exists():
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            first = f.readline().rstrip("\r\n")
    except OSError as err:
        raise SpinbenchError(f"cannot read {path} to see whether it is a leaderboard: {err.strerror or err}") from None
    if first != FIRST_LINE:
        raise SpinbenchError(f"{path} exists and is not a spinbench leaderboard (its first line is not {FIRST_LINE!r}): choose another --output, or remove it")


Entries = dict[str, dict[str, Results]]  # {model folder: {config: results}}


def entry_problems(config: str, split: str, chosen_on: str, fingerprint: str | None = None, recorded: dict | None = None) -> list[str]:
    """Why a run cannot be a leaderboard entry (empty when it can). ``recorded``: the
    fingerprints the dataset's build recorded (its ``fingerprints.json``), which the run's
    ``fingerprint`` must match."""
    problems = []
    if config not in CONFIGS:
        problems.append(f"config {config!r} is not one of the leaderboard's ({', '.join(CONFIGS)})")
    if split != EVALUATION_SPLIT:
        problems.append(f"it was scored on the {split!r} split, not {EVALUATION_SPLIT!r}")
    if chosen_on != CALIBRATED_ON:
        problems.append(f"its thresholds were {chosen_on!r}, not chosen on {CALIBRATED_ON}")
    if recorded is not None and fingerprint is not None and not problems:
        want = recorded.get("configs", {}).get(config, {}).get(split)
        if want != fingerprint:
            problems.append(f"it was scored on dataset revision {fingerprint[:12]}, but the build recorded {str(want)[:12]}")
    return problems


def results_problems(results: Results, recorded: dict | None = None) -> list[str]:
    """:func:`entry_problems` of a finished run."""
    d = results.dataset
    return entry_problems(d["config"], d["split"], results.thresholds["chosen_on"], d["fingerprint"], recorded)


def _files(results_dir: Path) -> tuple[list[Path], list[str]]:
    """Entry files under ``results_dir``, and problems with anything else found there."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        raise ResultsError(f"no results folder at {results_dir}")
    entries, problems = [], []
    for stray in sorted(p for p in results_dir.iterdir() if not p.is_dir() and not p.name.startswith(".")):
        problems.append(f"{stray.name}: a stray file in {results_dir} (it holds one folder per model)")
    for folder in sorted(p for p in results_dir.iterdir() if p.is_dir()):
        for stray in sorted(p for p in folder.iterdir() if not p.name.startswith(".") and not (p.suffix == ".json" or p.name.endswith(".predictions.jsonl.gz"))):
            problems.append(f"{folder.name}/{stray.name}: a stray file (a model's folder holds <config>.json and <config>.predictions.jsonl.gz)")
        jsons = sorted(folder.glob("*.json"))
        if not jsons:
            problems.append(f"{folder.name}: no results file in {folder}")
        for path in jsons:
            if path.stem in CONFIGS:
                entries.append(path)
            else:
                problems.append(f"{folder.name}/{path.name}: not a leaderboard entry (entries are <config>.json; ad-hoc runs belong in runs/)")
        for pred in sorted(folder.glob("*.predictions.jsonl.gz")):
            config = pred.name[: -len(".predictions.jsonl.gz")]
            if not (folder / f"{config}.json").exists():
                problems.append(f"{folder.name}/{config}: predictions {pred} have no results file {config}.json beside them")
    return entries, problems


def _read_entry(path: Path, older_scores: bool = False) -> Results:
    res = read_results(path, older_scores)
    if res.dataset["config"] != path.stem:
        raise ResultsError(f"{path}: config {res.dataset['config']!r} does not match the file name")
    problems = results_problems(res)
    if problems:
        raise ResultsError(f"{path}: not a leaderboard entry: " + "; ".join(problems))
    return res


def collect(results_dir: Path) -> Entries:
    """Every entry under ``results_dir``; a malformed or ineligible file, or a stray one, raises
    ResultsError naming it."""
    paths, problems = _files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    entries: Entries = {}
    for path in paths:
        entries.setdefault(path.parent.name, {})[path.stem] = _read_entry(path)
    return entries


def _fmt(metric: dict | None) -> str:
    if not metric or metric.get("value") is None:
        return "–"
    lo, hi = metric["ci95"]
    return f"{metric['value']:.3f} [{lo:.3f}, {hi:.3f}]" if lo is not None else f"{metric['value']:.3f}"


def _val(metric: dict | None) -> str:
    return "–" if not metric or metric.get("value") is None else f"{metric['value']:.3f}"


def ranks(entries: Entries) -> dict[str, str]:
    main = {m: c[DEFAULT_CONFIG].main_score for m, c in entries.items() if DEFAULT_CONFIG in c and c[DEFAULT_CONFIG].main_score["value"] is not None}
    out = {}
    for model, score in main.items():
        lo, hi = score["ci95"]
        better = sum(1 for other, s in main.items() if other != model and s["ci95"][0] is not None and hi is not None and s["ci95"][0] > hi)
        out[model] = better + 1
    counts = {r: list(out.values()).count(r) for r in set(out.values())}
    return {m: f"{r}=" if counts[r] > 1 else str(r) for m, r in out.items()}


def _main_value(results: Results | None) -> float:
    value = results.main_score["value"] if results else None
    return -1.0 if value is None else value


@dataclass
class Table:
    """One table of the leaderboard: ``leaderboard.md`` and the HTML report render the same."""

    title: str
    columns: tuple[str, ...]
    rows: list[list[str]]


HELD_OUT = tuple(c for c in CONFIGS if c != DEFAULT_CONFIG)


def _order(entries: Entries) -> list[str]:
    return sorted(entries, key=lambda m: (-_main_value(entries[m].get(DEFAULT_CONFIG)), m))


def _cell(results: Results | None, level: str, name: str, interval: bool = False) -> str:
    if results is None or level not in results.scores or name not in results.scores[level]:
        return "–"
    metric = results.metric(level, name)
    return _fmt(metric) if interval else _val(metric)


def main_table(entries: Entries) -> Table:
    """Scores on ``news``/test, best token F1 first."""
    rank = ranks(entries)
    rows = []
    for model in _order(entries):
        cfg = entries[model]
        news = cfg.get(DEFAULT_CONFIG)
        speed = news.throughput["tokens_per_second"] if news else None
        rows.append([
            rank.get(model, "–"),
            model,
            _fmt(news.main_score) if news else "–",
            _cell(news, "token", "auprc", interval=True),
            _cell(news, "token", "precision"),
            _cell(news, "token", "recall"),
            _cell(news, "span_strict", "f1"),
            _cell(news, "span_partial", "f1"),
            _cell(news, "document", "f1"),
            _cell(news, "document", "auroc"),
            _cell(news, "false_alarms", "documents_flagged"),
            _cell(news, "false_alarms", "flagged_per_1k_tokens"),
            f"{speed:,.0f}" if speed else "–",
            (news or next(iter(cfg.values()))).date[:10],
        ])
    columns = ("rank", "model", "token F1 (main)", "token AUPRC", "token P", "token R", "span F1 strict", "span F1 partial", "doc F1",
               "doc AUROC", "clean docs flagged", "false alarms / 1k clean tokens", "tokens/s", "date")
    return Table(f"`{DEFAULT_CONFIG}`/test", columns, rows)


def held_out_table(entries: Entries) -> Table:
    """Token F1 and AUPRC and document F1 on every held-out config."""
    rows = []
    for model in _order(entries):
        cfg = entries[model]
        row = [model]
        for config in HELD_OUT:
            res = cfg.get(config)
            row += [_fmt(res.main_score) if res else "–", _cell(res, "token", "auprc"), _cell(res, "document", "f1")]
        rows.append(row)
    columns = ("model", *(f"{c} {m}" for c in HELD_OUT for m in ("token F1", "token AUPRC", "doc F1")))
    return Table("held-out configs (test), thresholds by the same rule", columns, rows)


def tables(entries: Entries) -> list[Table]:
    return [main_table(entries), held_out_table(entries)]


def revisions(entries: Entries) -> list[str]:
    """``config@fingerprint`` of every dataset revision the entries were scored on."""
    return [f"{c}@{f}" for c, f in sorted({(c, r.dataset["fingerprint"][:12]) for cfg in entries.values() for c, r in cfg.items()})]


def _markdown(table: Table) -> list[str]:
    right = {"tokens/s"}
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "|".join("---:" if c in right else "---" for c in table.columns) + "|"]
    model_column = table.columns.index("model")
    for row in table.rows:
        lines.append("| " + " | ".join(f"`{c}`" if i == model_column else c for i, c in enumerate(row)) + " |")
    return lines


def render(entries: Entries) -> str:
    parts = [HEADER]
    for t in tables(entries):
        parts += [f"### {t.title}", "", *_markdown(t), ""]
    scored = ", ".join(f"`{r}`" for r in revisions(entries)) or "none"
    return "\n".join(parts) + f"\nDataset revisions scored: {scored}.\n"


def rescore(results_dir: Path, dataset: str | None = None) -> list[Path]:
    """Recompute the scores of every entry from its predictions with this harness (after a
    metric was added or changed), keeping everything else; returns the files rewritten."""
    from harness import __version__
    from harness.evaluation.provenance import git_commit
    from harness.evaluation.results import write_results

    paths, problems = _files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    splits: dict[tuple[str, str], Split] = {}
    written = []
    for path in paths:
        res = _read_entry(path, older_scores=True)
        key = (res.dataset["config"], res.dataset["split"])
        if key not in splits:
            splits[key] = load(*key, dataset=dataset)
        scored = score_predictions_file(path.parent / res.predictions, splits[key], res.bootstrap["resamples"], res.bootstrap["seed"])
        if (scored.thresholds.token, scored.thresholds.document) != (res.thresholds["token"], res.thresholds["document"]):
            raise ResultsError(f"{path}: thresholds in the results and the predictions header differ")
        res.scores = scored.scores
        res.predictions_sha256 = sha256_file(path.parent / res.predictions)
        res.extra["rescored"] = {"harness": {"version": __version__, **git_commit()}}
        write_results(path, res)
        written.append(path)
    return written


def _close(a, b, tol: float = 1e-9) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=tol)
    return a == b


def check_entry(path: Path, gold_for) -> Results:
    """Recompute one results file from its predictions; raise ResultsError on any mismatch.
    ``gold_for(config, split)`` gives the gold split."""
    res = _read_entry(path)
    config, split = res.dataset["config"], res.dataset["split"]
    gold: Split = gold_for(config, split)
    if res.dataset["fingerprint"] != gold.fingerprint:
        raise ResultsError(f"scored on dataset revision {res.dataset['fingerprint'][:12]}, but {config}/{split} here is {gold.fingerprint[:12]}")
    pred_path = path.parent / res.predictions
    if res.predictions_sha256 is None:
        raise ResultsError("it names no predictions_sha256, so its predictions cannot be told from others: rerun it, or `spinbench leaderboard --rescore`")
    if pred_path.exists() and sha256_file(pred_path) != res.predictions_sha256:
        raise ResultsError(f"{pred_path} is not the predictions these results were computed from (its hash differs: an interrupted or mixed-up run?)")
    scored = score_predictions_file(pred_path, gold, res.bootstrap["resamples"], res.bootstrap["seed"])
    if (scored.thresholds.token, scored.thresholds.document) != (res.thresholds["token"], res.thresholds["document"]):
        raise ResultsError("thresholds in the results and the predictions header differ")
    rule = Thresholds.from_json(res.thresholds).matched(scored.token_scores, scored.doc_scores)
    if (rule.token, rule.document) != (res.thresholds["token"], res.thresholds["document"]):
        raise ResultsError(f"thresholds are not the ones the rule gives on these predictions ({THRESHOLD_RULE}): token {rule.token}, document {rule.document}")
    if not _close(scored.scores, res.scores, 1e-6):
        raise ResultsError("scores do not match a recomputation from the predictions")
    if res.stored_main_score != res.main_score:
        raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
    return res


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None) -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly."""
    results_dir = Path(results_dir)
    try:
        paths, problems = _files(results_dir)
    except ResultsError as err:
        return [str(err)]
    splits: dict[tuple[str, str], Split] = {}

    def gold_for(config: str, split: str) -> Split:
        if (config, split) not in splits:
            splits[(config, split)] = load(config, split, dataset=dataset)
        return splits[(config, split)]

    valid: Entries = {}
    for path in paths:
        try:
            valid.setdefault(path.parent.name, {})[path.stem] = check_entry(path, gold_for)
        except (ResultsError, DatasetNotFound) as err:
            problems.append(f"{path.parent.name}/{path.stem}: {err}")
    if not problems:
        expected = render(valid)
        current = Path(leaderboard_path).read_text(encoding="utf-8") if Path(leaderboard_path).exists() else None
        if current is None:
            problems.append(f"{leaderboard_path}: missing; run `spinbench leaderboard`")
        elif current != expected:
            problems.append(f"{leaderboard_path}: out of date with results/; run `spinbench leaderboard`")
    return problems
