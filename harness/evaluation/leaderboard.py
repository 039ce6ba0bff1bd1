"""``leaderboard.md`` from ``results/``, and ``--check``: every entry recomputed from its
predictions against the gold labels.

Ranks come from the main score (token F1 on ``news``/test), compared model against model by a
paired bootstrap (:data:`RANK_RULE`, :func:`ranks`).

An entry is ``results/<model>/<config>.json`` with its predictions beside it and the model's
``news``/validation predictions (``calibration.predictions.jsonl.gz``), scored on the test split of
a known config with thresholds chosen on ``news``/validation, the leaderboard's resampling and
committed code (:func:`harness.evaluation.admission.entry_problems`); ad-hoc runs (other splits,
hand-set thresholds) belong in ``runs/``.

``--check`` trusts nothing a results file says that can be recomputed: every hash, the
provenance in the predictions headers, the thresholds (chosen again from the calibration
predictions by the rule), every score; it also flags a model submitted for only some configs and
the same predictions submitted under two names.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from harness.core.configs import CALIBRATION_SPLIT, CLEAN_REGIME, CONFIGS, DEFAULT_CONFIG, REGIMES
from harness.core.dataset import DatasetNotFound, Split, load
from harness.core.errors import SpinbenchError
from harness.core.files import read_jsonl_gz, sha256_file, write_jsonl_gz
from harness.evaluation import metrics
from harness.evaluation.admission import results_problems
from harness.evaluation.calibration import CALIBRATION_FILE, read_calibration
from harness.evaluation.outputs import check_name
from harness.evaluation.predictions import ScoredPredictions, provenance_problems, read_predictions, score_predictions_file, with_thresholds
from harness.evaluation.record import LOCK_NAME
from harness.evaluation.results import MAIN_SCORE_NAME, Results, ResultsError, read_results
from harness.evaluation.scoring import DEFAULT_RESAMPLES, RULE_NAME, THRESHOLD_RULE, Thresholds

RANK_RULE = (
    "one more than the number of models that are better by a paired bootstrap: over the same "
    f"{DEFAULT_RESAMPLES:,} resamples of `news`/test documents, the 95% interval of the difference "
    "in token F1 lies above 0 (`2=`: models with the same count)."
)

HEADER = f"""# spinbench leaderboard

Token, span and document scores on `news`/test, with 95% bootstrap intervals ({DEFAULT_RESAMPLES:,} resamples
over documents), and on the held-out configs. Token AUPRC (average precision) needs no
threshold; every other score uses thresholds set by one rule for every model: on each scored
split, the cut with the best F1 estimated without its labels, from a mixture of the model's
`news`/validation score distributions fitted to the split's scores ([docs/evaluation.md](docs/evaluation.md#thresholds)).
False alarms are measured on the clean documents alone: the share of them with any token
flagged, and flagged tokens per 1,000 of their tokens. Rendered by `spinbench leaderboard` from
`results/`; `spinbench leaderboard --check` recomputes every entry from its per-token
predictions, thresholds included (from the `news`/validation predictions stored with each entry).
Rank: {RANK_RULE}

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
# results/restore/ holds the restoration track's entries (harness.restoration.leaderboard), not a model
OTHER_TASKS_DIR = "restore"


def _files(results_dir: Path) -> tuple[list[Path], list[str]]:
    """Entry files under ``results_dir``, and problems with anything else found there."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        raise ResultsError(f"no results folder at {results_dir}")
    entries, problems = [], []
    for stray in sorted(p for p in results_dir.iterdir() if not p.is_dir() and not p.name.startswith(".")):
        problems.append(f"{stray.name}: a stray file in {results_dir} (it holds one folder per model)")
    for folder in sorted(p for p in results_dir.iterdir() if p.is_dir() and p.name != OTHER_TASKS_DIR):
        try:
            check_name(folder.name)
        except SpinbenchError:
            problems.append(f"{folder.name!r}: not a model's folder (a model's name is letters, digits, '-', '_' and '.', starting with a letter or digit)")
            continue
        expected = lambda p: p.is_file() and (p.suffix == ".json" or p.name.endswith(".predictions.jsonl.gz") or p.name == LOCK_NAME)  # noqa: E731
        for stray in sorted(p for p in folder.iterdir() if not expected(p)):
            problems.append(f"{folder.name}/{stray.name}: a stray file (a model's folder holds <config>.json, <config>.predictions.jsonl.gz and {CALIBRATION_FILE})")
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
            if pred.name != CALIBRATION_FILE and not (folder / f"{config}.json").exists():
                problems.append(f"{folder.name}/{config}: predictions {pred} have no results file {config}.json beside them")
    return entries, problems


def _read_entry(path: Path, older_scores: bool = False) -> Results:
    res = read_results(path, older_scores)
    if res.dataset.config != path.stem:
        raise ResultsError(f"{path}: config {res.dataset.config!r} does not match the file name")
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
    """Ranks by a paired bootstrap (:data:`RANK_RULE`): every entry is scored on the same
    ``news``/test documents with the same resampling, so resample ``i`` of two models is the same
    draw of documents, and their difference in token F1 gets an interval of its own."""
    main = {m: c[DEFAULT_CONFIG].scores.get("resamples", {}).get(MAIN_SCORE_NAME) for m, c in entries.items() if DEFAULT_CONFIG in c}
    main = {m: r for m, r in main.items() if r}
    out = {}
    for model, mine in main.items():
        better = sum(1 for other, theirs in main.items() if other != model and metrics.paired_interval(mine, theirs)[0] > 0)
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
        speed = news.throughput.tokens_per_second if news else None
        rows.append([
            rank.get(model, "–"),
            model,
            _fmt(news.main_score) if news else "–",
            _cell(news, "per_document", "token_f1"),
            _cell(news, "token", "auprc", interval=True),
            _cell(news, "token", "precision"),
            _cell(news, "token", "recall"),
            _cell(news, "span_strict", "f1"),
            _cell(news, "span_partial", "f1"),
            _cell(news, "document", "f1"),
            _cell(news, "document", "auroc"),
            _cell(news, "document", "tpr_at_1pct_fpr"),
            _cell(news, "document", "tpr_at_5pct_fpr"),
            _cell(news, "false_alarms", "documents_flagged"),
            _cell(news, "false_alarms", "flagged_per_1k_tokens"),
            f"{speed:,.0f}" if speed else "–",
            (news or next(iter(cfg.values()))).date[:10],
        ])
    columns = ("rank", "model", "token F1 (main)", "token F1 per document", "token AUPRC", "token P", "token R", "span F1 strict", "span F1 partial", "doc F1",
               "doc AUROC", "doc TPR @1% FPR", "doc TPR @5% FPR", "clean docs flagged", "false alarms / 1k clean tokens", "tokens/s", "date")
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


SPUN_REGIMES = tuple(r for r in REGIMES if r != CLEAN_REGIME)


def _regime_cell(results: Results | None, regime: str, level: str, name: str) -> str:
    block = results.scores.get("regimes", {}).get(regime, {}).get(level, {}) if results else {}
    return _val(block[name]) if name in block else "–"


def regime_table(entries: Entries) -> Table:
    """``news``/test per spin regime: token F1 over the regime's documents, and how well its
    spun documents (tokens) are told from the clean ones: document AUROC and TPR at 1% FPR."""
    rows = []
    for model in _order(entries):
        news = entries[model].get(DEFAULT_CONFIG)
        row = [model]
        for regime in SPUN_REGIMES:
            f1 = news.scores["breakdown"].get("regime", {}).get(regime, {}).get("f1") if news else None
            row += [_val(f1) if f1 else "–", _regime_cell(news, regime, "document", "auroc"), _regime_cell(news, regime, "document", "tpr_at_1pct_fpr"),
                    _regime_cell(news, regime, "token", "tpr_at_1pct_fpr")]
        rows.append(row)
    columns = ("model", *(f"{r} {m}" for r in SPUN_REGIMES for m in ("token F1", "doc AUROC", "doc TPR @1% FPR", "token TPR @1% FPR")))
    return Table(f"`{DEFAULT_CONFIG}`/test by spin regime (each regime's documents against the clean ones)", columns, rows)


def tables(entries: Entries) -> list[Table]:
    return [main_table(entries), regime_table(entries), held_out_table(entries)]


def revisions(entries: Entries) -> list[str]:
    """``config@fingerprint`` of every dataset revision the entries were scored on."""
    return [f"{c}@{f}" for c, f in sorted({(c, r.dataset.fingerprint[:12]) for cfg in entries.values() for c, r in cfg.items()})]


def _markdown(table: Table) -> list[str]:
    right = {"tokens/s"}
    lines = ["| " + " | ".join(table.columns) + " |", "|" + "|".join("---:" if c in right else "---" for c in table.columns) + "|"]
    model_column = table.columns.index("model")
    for row in table.rows:
        lines.append("| " + " | ".join(f"`{c}`" if i == model_column else c for i, c in enumerate(row)) + " |")
    return lines


def render(entries: Entries, extra: str = "") -> str:
    """``leaderboard.md``; ``extra``: Markdown appended (the restoration section)."""
    parts = [HEADER]
    for t in tables(entries):
        parts += [f"### {t.title}", "", *_markdown(t), ""]
    scored = ", ".join(f"`{r}`" for r in revisions(entries)) or "none"
    return "\n".join(parts) + f"\nDataset revisions scored: {scored}.\n" + (f"\n{extra}" if extra else "")


def recompute(path: Path, res: Results, gold_for, older_rule_ok: bool = False) -> ScoredPredictions:
    """An entry's scores recomputed from its stored predictions, thresholds included, after
    checking every hash and every provenance field it can; ResultsError names the first mismatch.
    ``gold_for(config, split)`` gives a gold split. ``older_rule_ok``: thresholds recorded by an
    older threshold rule (no ``rule``, or another) may differ from the current rule's (for
    :func:`rescore`, which replaces them); thresholds that claim the current rule must be its."""
    config, split = res.dataset.config, res.dataset.split
    if res.model.name != path.parent.name:
        raise ResultsError(f"its model name {res.model.name!r} is not its folder's ({path.parent.name!r})")
    gold: Split = gold_for(config, split)
    if res.dataset.fingerprint != gold.fingerprint:
        raise ResultsError(f"scored on dataset revision {res.dataset.fingerprint[:12]}, but {config}/{split} here is {gold.fingerprint[:12]}")
    size = (len(gold), int(gold.gold.offsets[-1]))
    if (res.dataset.documents, res.dataset.tokens) != size:
        raise ResultsError(f"it says {res.dataset.documents} documents and {res.dataset.tokens} tokens; {config}/{split} has {size[0]} and {size[1]}")
    pred_path = path.parent / res.predictions
    _check_hash(pred_path, res.predictions_sha256, "predictions")
    read = read_predictions(pred_path)
    header = read[0]
    problems = provenance_problems(header, res.model, config, split, res.dataset.fingerprint)
    if not isinstance(header.get("thresholds"), dict) or Thresholds.from_json(header["thresholds"]) != res.thresholds:
        problems.append("its header's thresholds are not the results'")
    if problems:
        raise ResultsError(f"{pred_path.name}: " + "; ".join(problems))
    if res.calibration is None:
        raise ResultsError("it stores no calibration predictions, so its thresholds cannot be recomputed")
    cal_path = path.parent / res.calibration.predictions
    _check_hash(cal_path, res.calibration.predictions_sha256, "calibration predictions")
    chosen, _, _ = read_calibration(cal_path, gold_for(DEFAULT_CONFIG, CALIBRATION_SPLIT), res.model)
    scored = score_predictions_file(pred_path, gold, res.bootstrap.resamples, res.bootstrap.seed, chosen, read=read)
    if _close(scored.thresholds.to_json(), res.thresholds.to_json(), THRESHOLD_TOLERANCE):
        return scored
    if res.thresholds.rule != RULE_NAME:
        if older_rule_ok:
            return scored
        raise ResultsError(f"its thresholds were set by an older rule than the harness's ({RULE_NAME}): run `spinbench leaderboard --rescore` "
                           f"to recompute them from the stored predictions")
    raise ResultsError(f"its thresholds are not the ones the rule gives on its stored predictions ({THRESHOLD_RULE}): "
                       f"{scored.thresholds.to_json()} recomputed, {res.thresholds.to_json()} recorded")


# Thresholds recomputed on another machine may differ in the last bits of the fitted shares.
THRESHOLD_TOLERANCE = 1e-9


def _check_hash(path: Path, recorded: str | None, what: str) -> None:
    if recorded is None:
        raise ResultsError(f"it names no hash of its {what}, so they cannot be told from others: rerun it")
    if not path.exists():
        raise ResultsError(f"its {what} {path.name} are missing")
    if sha256_file(path) != recorded:
        raise ResultsError(f"{path.name} is not the {what} these results were computed from (its hash differs: an interrupted, mixed-up or edited run?)")


def _gold_loader(dataset: str | None):
    splits: dict[tuple[str, str], Split] = {}

    def gold_for(config: str, split: str) -> Split:
        if (config, split) not in splits:
            splits[(config, split)] = load(config, split, dataset=dataset)
        return splits[(config, split)]

    return gold_for


def rescore(results_dir: Path, dataset: str | None = None) -> list[Path]:
    """Recompute the scores of every entry from its predictions with this harness (after a
    metric was added or changed), keeping everything else; returns the files rewritten."""
    from harness import __version__
    from harness.evaluation.provenance import git_commit
    from harness.evaluation.results import write_results

    paths, problems = _files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    gold_for = _gold_loader(dataset)
    written = []
    for path in paths:
        res = _read_entry(path, older_scores=True)
        try:
            scored = recompute(path, res, gold_for, older_rule_ok=True)
        except ResultsError as err:
            raise ResultsError(f"{path}: {err}") from None
        res.scores = scored.scores
        if scored.thresholds.to_json() != res.thresholds.to_json():  # set by an older rule: the header records the new ones
            res.thresholds = scored.thresholds
            res.predictions_sha256 = _record_thresholds(path.parent / res.predictions, scored.thresholds)
        res.extra["rescored"] = {"harness": {"version": __version__, **git_commit()}}
        write_results(path, res)
        written.append(path)
    return written


def _record_thresholds(pred_path: Path, thresholds: Thresholds) -> str:
    """Rewrite a predictions file's header to record ``thresholds`` (every score line as it
    was); returns the file's new hash."""
    rows = read_jsonl_gz(pred_path)
    rows[0] = {"header": with_thresholds(rows[0]["header"], thresholds)}
    write_jsonl_gz(pred_path, rows)
    return sha256_file(pred_path)


def _close(a, b, tol: float = 1e-9) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=tol)
    return a == b


def check_entry(path: Path, gold_for) -> tuple[Results, str]:
    """Recompute one results file from its predictions (:func:`recompute`); raise ResultsError
    on any mismatch. Returns the results and a digest of the scores predicted (not of the file,
    whose header names the model)."""
    res = _read_entry(path)
    scored = recompute(path, res, gold_for)
    if not _close(scored.scores, res.scores, 1e-6):
        raise ResultsError("scores do not match a recomputation from the predictions")
    if res.stored_main_score != res.main_score:
        raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
    digest = hashlib.sha256(json.dumps([scored.token_scores, scored.doc_scores]).encode()).hexdigest()
    return res, digest


# Two models whose validation token scores agree this often are one model under two names.
NEAR_COPY_SHARE = 0.99


def _calibration_scores(folder: Path) -> np.ndarray | None:
    """A model's calibration token scores, end to end in document-id order (None when unreadable:
    the entries' own checks name the problem)."""
    try:
        rows = read_predictions(folder / CALIBRATION_FILE)[1]
    except ResultsError:
        return None
    return np.concatenate([np.asarray(rows[k][0], dtype=float) for k in sorted(rows)] or [np.zeros(0)])


def submission_problems(results_dir: Path, paths: list[Path], digests: dict[str, dict[str, str]]) -> list[str]:
    """Problems across entries: a model submitted for only some configs (``paths``: every entry
    file found), and the same predictions submitted under more than one name (``digests``:
    {model: {config: digest of its scores}} of the entries that recompute)."""
    problems = []
    present: dict[str, set[str]] = {}
    for path in paths:
        present.setdefault(path.parent.name, set()).add(path.stem)
    for model, configs in sorted(present.items()):
        missing = [c for c in CONFIGS if c not in configs]
        if missing:
            problems.append(f"{model}: a partial submission: no entry for {', '.join(missing)} (every model is scored on every config)")
    # Validation predictions are a model's fingerprint: a copy shares (nearly) all of them.
    calibration = {m: _calibration_scores(Path(results_dir) / m) for m in sorted(digests)}
    calibration = {m: s for m, s in calibration.items() if s is not None and len(s)}
    names = sorted(calibration)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if len(calibration[a]) == len(calibration[b]):
                share = float(np.mean(calibration[a] == calibration[b]))
                if share >= NEAR_COPY_SHARE:
                    problems.append(f"{b}: {share:.1%} of its calibration token scores are {a}'s: one model submitted under two names")
    seen: dict[tuple[str, str], str] = {}
    for model, configs in sorted(digests.items()):
        for config, digest in sorted(configs.items()):
            key = (config, digest)
            if key in seen:
                problems.append(f"{model}/{config}: the same predictions as {seen[key]}/{config}, submitted under another name")
            else:
                seen[key] = model
    return problems


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None, extra: str = "") -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly.
    ``extra``: what :func:`render` appends (the restoration section), for comparing the file."""
    results_dir = Path(results_dir)
    try:
        paths, problems = _files(results_dir)
    except ResultsError as err:
        return [str(err)]
    gold_for = _gold_loader(dataset)
    valid: Entries = {}
    digests: dict[str, dict[str, str]] = {}
    for path in paths:
        try:
            res, digest = check_entry(path, gold_for)
        except DatasetNotFound as err:  # no gold labels: every entry would say so, once is enough
            return [str(err)]
        except ResultsError as err:
            problems.append(f"{path.parent.name}/{path.stem}: {err}")
            continue
        valid.setdefault(path.parent.name, {})[path.stem] = res
        digests.setdefault(path.parent.name, {})[path.stem] = digest
    problems += submission_problems(results_dir, paths, digests)
    if not problems:
        expected = render(valid, extra)
        current = Path(leaderboard_path).read_text(encoding="utf-8") if Path(leaderboard_path).exists() else None
        if current is None:
            problems.append(f"{leaderboard_path}: missing; run `spinbench leaderboard`")
        elif current != expected:
            problems.append(f"{leaderboard_path}: out of date with results/; run `spinbench leaderboard`")
    return problems
