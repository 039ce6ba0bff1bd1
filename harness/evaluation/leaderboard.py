"""``leaderboard.md`` from ``results/``: the detection tables, and the page they stand on.

Ranks come from the main score (token F1 on ``news``/test), compared model against model by a
paired bootstrap (:func:`harness.runs.board.rank_rule`). An entry is
``results/<model>/<config>.json`` with its predictions beside it and the model's
``news``/validation predictions (``validation.predictions.jsonl.gz``), scored on the test split
of a known config with thresholds chosen on ``news``/validation, the leaderboard's resampling
and committed code; ad-hoc runs (other splits, hand-set thresholds) belong in ``runs/``.
Finding, admitting and ranking entries is the run layer's (:mod:`harness.runs.board`), shared
with the restoration leaderboard; ``spinbench leaderboard --check`` is :mod:`harness.evaluation.verify`.
"""

from __future__ import annotations

import json
from pathlib import Path

from harness.core.configs import CLEAN_REGIME, CONFIGS, DEFAULT_CONFIG, REGIMES
from harness.core.errors import SpinbenchError
from harness.evaluation.results import MAIN_SCORE_NAME, Results, read_results
from harness.evaluation.thresholds import RULE_SUMMARY
from harness.runs import board
from harness.runs.audit import dirty_note
from harness.runs.board import Table, markdown, revisions
from harness.runs.bootstrap import DEFAULT_RESAMPLES
from harness.runs.formatting import MISSING, score_text
from harness.runs.paths import OLD_VALIDATION_FILE, RESTORE, TASK_DIRS, VALIDATION_FILE
from harness.runs.results import ResultsError

RANK_RULE = board.rank_rule("token F1")

HEADER = f"""# spinbench leaderboard

Token, span and document scores on `news`/test, with 95% bootstrap intervals ({DEFAULT_RESAMPLES:,} resamples
over documents), and on the held-out configs. Token AUPRC (average precision) needs no
threshold; every other score uses thresholds set by one rule for every model: {RULE_SUMMARY}
([docs/evaluation.md](docs/evaluation.md#thresholds)).
False alarms are measured on the clean documents alone: the share of them with any token
flagged, and flagged tokens per 1,000 of their tokens. Rendered by `spinbench leaderboard` from
`results/`; `spinbench leaderboard --check` recomputes every entry from its per-token
predictions, thresholds included (from the `news`/validation predictions stored with each entry);
`spinbench leaderboard --reproduce` refits each model at its recorded commit and predicts again
([what each proves](docs/evaluation.md#what-the-checks-prove)). `tokens/s` and `date` are
self-reported: the entry's own machine and clock, which no check can verify.
Rank: {RANK_RULE}

**Submit a result**: run `evaluate --model YOUR_MODEL --config all --submit`
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
        raise SpinbenchError(f"{path} is a folder: --out names the leaderboard file to write")
    if not path.exists():
        return
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            first = f.readline().rstrip("\r\n")
    except OSError as err:
        raise SpinbenchError(f"cannot read {path} to see whether it is a leaderboard: {err.strerror or err}") from None
    if first != FIRST_LINE:
        raise SpinbenchError(f"{path} exists and is not a spinbench leaderboard (its first line is not {FIRST_LINE!r}): choose another --out, or remove it")


Entries = dict[str, dict[str, Results]]  # {model folder: {config: results}}


def entry_files(results_dir: Path) -> tuple[list[Path], list[str]]:
    """Detection entry files under ``results_dir``, and problems with anything else found there
    (``restore/`` holds the restoration leaderboard's entries), a validation predictions file
    that no entry of its folder names among them: nothing would check what it holds."""
    paths, problems = board.entry_files(results_dir, extra_files=(VALIDATION_FILE, OLD_VALIDATION_FILE), skip=(TASK_DIRS[RESTORE],))
    for folder in sorted({p.parent for p in paths}):
        named = set()
        for path in folder.glob("*.json"):
            try:
                block = json.loads(path.read_text())
                named |= {(block.get(key) or {}).get("predictions") for key in ("validation", "calibration")}
            except (ValueError, OSError, AttributeError):
                continue  # the entry's own check says what is wrong with it
        problems += [f"{folder.name}/{name}: no entry in {folder} names it (its validation predictions are another file): a leftover, "
                     "so remove it" for name in (VALIDATION_FILE, OLD_VALIDATION_FILE) if (folder / name).is_file() and name not in named]
    return paths, problems


def collect(results_dir: Path) -> Entries:
    """Every entry under ``results_dir``; a malformed or ineligible file, or a stray one, raises
    ResultsError naming it."""
    paths, problems = entry_files(results_dir)
    if problems:
        raise ResultsError(problems[0])
    return board.collect(paths, read_results)


def ranks(entries: Entries) -> dict[str, str]:
    """Ranks by a paired bootstrap (:data:`RANK_RULE`): every entry is scored on the same
    ``news``/test documents with the same resampling, so resample ``i`` of two models is the same
    draw of documents, and their difference in token F1 gets an interval of its own."""
    return board.paired_ranks(board.main_resamples(entries, MAIN_SCORE_NAME))


def _main_value(results: Results | None) -> float:
    value = results.main_score["value"] if results else None
    return -1.0 if value is None else value


HELD_OUT = tuple(c for c in CONFIGS if c != DEFAULT_CONFIG)
SPUN_REGIMES = tuple(r for r in REGIMES if r != CLEAN_REGIME)


def _order(entries: Entries) -> list[str]:
    return sorted(entries, key=lambda m: (-_main_value(entries[m].get(DEFAULT_CONFIG)), m))


def _cell(results: Results | None, level: str, name: str, interval: bool = False) -> str:
    block = results.scores.get(level, {}) if results is not None else {}
    return score_text(block.get(name), interval)


def main_table(entries: Entries) -> Table:
    """Scores on ``news``/test, best token F1 first."""
    rank = ranks(entries)
    rows = []
    for model in _order(entries):
        cfg = entries[model]
        news = cfg.get(DEFAULT_CONFIG)
        speed = news.throughput.tokens_per_second if news else None
        rows.append([
            rank.get(model, MISSING),
            model,
            score_text(news.main_score) if news else MISSING,
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
            f"{speed:,.0f}" if speed else MISSING,
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
            row += [score_text(res.main_score) if res else MISSING, _cell(res, "token", "auprc"), _cell(res, "document", "f1")]
        rows.append(row)
    columns = ("model", *(f"{c} {m}" for c in HELD_OUT for m in ("token F1", "token AUPRC", "doc F1")))
    return Table("held-out configs (test), thresholds by the same rule", columns, rows)


def _regime_cell(results: Results | None, regime: str, level: str, name: str) -> str:
    block = results.scores.get("regimes", {}).get(regime, {}).get(level, {}) if results else {}
    return score_text(block.get(name), interval=False)


def regime_table(entries: Entries) -> Table:
    """``news``/test per spin regime: token F1 over the regime's documents, and how well its
    spun documents (tokens) are told from the clean ones: document AUROC and TPR at 1% FPR."""
    rows = []
    for model in _order(entries):
        news = entries[model].get(DEFAULT_CONFIG)
        row = [model]
        for regime in SPUN_REGIMES:
            f1 = news.scores["breakdown"].get("regime", {}).get(regime, {}).get("f1") if news else None
            row += [score_text(f1, interval=False), _regime_cell(news, regime, "document", "auroc"),
                    _regime_cell(news, regime, "document", "tpr_at_1pct_fpr"), _regime_cell(news, regime, "token", "tpr_at_1pct_fpr")]
        rows.append(row)
    columns = ("model", *(f"{r} {m}" for r in SPUN_REGIMES for m in ("token F1", "doc AUROC", "doc TPR @1% FPR", "token TPR @1% FPR")))
    return Table(f"`{DEFAULT_CONFIG}`/test by spin regime (each regime's documents against the clean ones)", columns, rows)


def tables(entries: Entries) -> list[Table]:
    return [main_table(entries), regime_table(entries), held_out_table(entries)]


def render(entries: Entries, extra: str = "") -> str:
    """``leaderboard.md``; ``extra``: Markdown appended (the restoration section)."""
    parts = [HEADER]
    for t in tables(entries):
        parts += [f"### {t.title}", "", *markdown(t), ""]
    note = dirty_note(board.dirty_models(entries))
    scored = ", ".join(f"`{r}`" for r in revisions(entries)) or "none"
    return "\n".join(parts) + (f"\n{note}\n" if note else "") + f"\nDataset revisions scored: {scored}.\n" + (f"\n{extra}" if extra else "")
