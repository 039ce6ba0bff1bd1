"""``leaderboard.md`` from ``results/``, and ``--check``: every entry recomputed from its
predictions against the gold labels.

Ranks come from the main score (token F1 on ``news``/test). A model's rank is one more than the
number of models whose whole 95% interval lies above its interval, so models the intervals
cannot separate share a rank (shown as ``2=``).
"""

from __future__ import annotations

import math
from pathlib import Path

from harness.core.configs import CONFIGS, DEFAULT_CONFIG
from harness.core.dataset import DatasetNotFound, Split, load
from harness.evaluation.predictions import score_predictions_file
from harness.evaluation.results import MAIN_SCORE_NAME, Results, ResultsError, read_results

HEADER = """# spinbench leaderboard

Token, span and document scores on `news`/test, with 95% bootstrap intervals (1,000 resamples
over documents); token F1 on the held-out configs. Rendered by `spinbench leaderboard` from
`results/`; `spinbench leaderboard --check` recomputes every entry from its per-token
predictions. Rank: models whose intervals overlap share a rank.

**Submit a result**: run `evaluate --model YOUR_MODEL --config C` for `news`,
`unseen-spinner` and `unseen-domain`, run `spinbench leaderboard`, commit `results/YOUR_MODEL/`
and `leaderboard.md`, and open a pull request; CI runs `spinbench leaderboard --check`.
"""


Entries = dict[str, dict[str, Results]]  # {model folder: {config: results}}


def collect(results_dir: Path) -> Entries:
    """Every results file under ``results_dir``; malformed files raise ResultsError naming the file."""
    entries: Entries = {}
    for path in sorted(Path(results_dir).glob("*/*.json")):
        entries.setdefault(path.parent.name, {})[path.stem] = read_results(path)
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


COLUMNS = ("rank", "model", "token F1 (main)", "token P", "token R", "span F1 strict", "span F1 partial", "doc F1", "doc AUROC",
           "unseen-spinner token F1", "unseen-domain token F1", "tokens/s", "date")


def table(entries: Entries) -> list[list[str]]:
    """The leaderboard as rows of cells under :data:`COLUMNS`, best first; ``leaderboard.md``
    and the HTML report both render these rows."""
    rank = ranks(entries)
    order = sorted(entries, key=lambda m: (-_main_value(entries[m].get(DEFAULT_CONFIG)), m))
    rows = []
    for model in order:
        cfg = entries[model]
        news = cfg.get(DEFAULT_CONFIG)
        metric = (lambda level, name: news.metric(level, name)) if news else (lambda level, name: None)
        speed = news.throughput["tokens_per_second"] if news else None
        rows.append([
            rank.get(model, "–"),
            model,
            _fmt(news.main_score) if news else "–",
            _val(metric("token", "precision")),
            _val(metric("token", "recall")),
            _val(metric("span_strict", "f1")),
            _val(metric("span_partial", "f1")),
            _val(metric("document", "f1")),
            _val(metric("document", "auroc")),
            _fmt(cfg["unseen-spinner"].main_score) if "unseen-spinner" in cfg else "–",
            _fmt(cfg["unseen-domain"].main_score) if "unseen-domain" in cfg else "–",
            f"{speed:,.0f}" if speed else "–",
            (news or next(iter(cfg.values()))).date[:10],
        ])
    return rows


def revisions(entries: Entries) -> list[str]:
    """``config@fingerprint`` of every dataset revision the entries were scored on."""
    return [f"{c}@{f}" for c, f in sorted({(c, r.dataset["fingerprint"][:12]) for cfg in entries.values() for c, r in cfg.items()})]


def render(entries: Entries) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join("---:" if c == "tokens/s" else "---" for c in COLUMNS) + "|"]
    model_column = COLUMNS.index("model")
    for row in table(entries):
        cells = [f"`{c}`" if i == model_column else c for i, c in enumerate(row)]
        lines.append("| " + " | ".join(cells) + " |")
    scored = ", ".join(f"`{r}`" for r in revisions(entries)) or "none"
    return f"{HEADER}\n" + "\n".join(lines) + f"\n\nDataset revisions scored: {scored}.\n"


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
    res = read_results(path)
    config, split = res.dataset["config"], res.dataset["split"]
    if config not in CONFIGS or path.stem != config:
        raise ResultsError(f"{path}: config {config!r} does not match the file name")
    gold: Split = gold_for(config, split)
    if res.dataset["fingerprint"] != gold.fingerprint:
        raise ResultsError(f"scored on dataset revision {res.dataset['fingerprint'][:12]}, but {config}/{split} here is {gold.fingerprint[:12]}")
    scored = score_predictions_file(path.parent / res.predictions, gold, res.bootstrap["resamples"], res.bootstrap["seed"])
    if (scored.thresholds.token, scored.thresholds.document) != (res.thresholds["token"], res.thresholds["document"]):
        raise ResultsError("thresholds in the results and the predictions header differ")
    if not _close(scored.scores, res.scores, 1e-6):
        raise ResultsError("scores do not match a recomputation from the predictions")
    if res.stored_main_score != res.main_score:
        raise ResultsError(f"main_score is not the {MAIN_SCORE_NAME} in its scores")
    return res


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None) -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly."""
    problems: list[str] = []
    results_dir = Path(results_dir)
    splits: dict[tuple[str, str], Split] = {}

    def gold_for(config: str, split: str) -> Split:
        if (config, split) not in splits:
            splits[(config, split)] = load(config, split, dataset=dataset)
        return splits[(config, split)]

    valid: Entries = {}
    for path in sorted(results_dir.glob("*/*.json")):
        try:
            valid.setdefault(path.parent.name, {})[path.stem] = check_entry(path, gold_for)
        except (ResultsError, DatasetNotFound) as err:
            problems.append(f"{path.parent.name}/{path.stem}: {err}")
    for folder in sorted(p for p in results_dir.iterdir() if p.is_dir()) if results_dir.exists() else []:
        if not list(folder.glob("*.json")):
            problems.append(f"{folder.name}: no results file in {folder}")
    if not problems:
        expected = render(valid)
        current = Path(leaderboard_path).read_text(encoding="utf-8") if Path(leaderboard_path).exists() else None
        if current is None:
            problems.append(f"{leaderboard_path}: missing; run `spinbench leaderboard`")
        elif current != expected:
            problems.append(f"{leaderboard_path}: out of date with results/; run `spinbench leaderboard`")
    return problems
