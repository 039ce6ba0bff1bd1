"""``leaderboard.md`` from ``results/``, and ``--check``: every entry recomputed from its
predictions against the gold labels.

Ranks come from the main score (token F1 on ``news``/test). A model's rank is one more than the
number of models whose whole 95% interval lies above its interval, so models the intervals
cannot separate share a rank (shown as ``2=``).
"""

from __future__ import annotations

import math
from pathlib import Path

from harness.configs import CONFIGS
from harness.dataset import DatasetNotFound, load
from harness.results import ResultsError, match_predictions, read_predictions, read_results
from harness.scoring import score_split

HEADER = """# spinbench leaderboard

Token, span and document scores on `news`/test, with 95% bootstrap intervals (1,000 resamples
over documents); token F1 on the held-out configs. Rendered by `spinbench leaderboard` from
`results/`; `spinbench leaderboard --check` recomputes every entry from its per-token
predictions. Rank: models whose intervals overlap share a rank.

**Submit a result**: run `evaluate --model YOUR_MODEL --config C` for `news`,
`unseen-spinner` and `unseen-domain`, run `spinbench leaderboard`, commit `results/YOUR_MODEL/`
and `leaderboard.md`, and open a pull request; CI runs `spinbench leaderboard --check`.
"""


def collect(results_dir: Path) -> dict[str, dict[str, dict]]:
    """{model folder: {config: results}}; malformed files raise ResultsError naming the file."""
    entries: dict[str, dict[str, dict]] = {}
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


def ranks(entries: dict[str, dict[str, dict]]) -> dict[str, str]:
    main = {m: c["news"]["main_score"] for m, c in entries.items() if "news" in c and c["news"]["main_score"]["value"] is not None}
    out = {}
    for model, score in main.items():
        lo, hi = score["ci95"]
        better = sum(1 for other, s in main.items() if other != model and s["ci95"][0] is not None and hi is not None and s["ci95"][0] > hi)
        out[model] = better + 1
    counts = {r: list(out.values()).count(r) for r in set(out.values())}
    return {m: f"{r}=" if counts[r] > 1 else str(r) for m, r in out.items()}


def render(entries: dict[str, dict[str, dict]]) -> str:
    rank = ranks(entries)
    order = sorted(entries, key=lambda m: (-(entries[m].get("news", {}).get("main_score", {}).get("value") or -1.0), m))
    rows = [
        "| rank | model | token F1 (main) | token P | token R | span F1 strict | span F1 partial | doc F1 | doc AUROC | unseen-spinner token F1 | unseen-domain token F1 | tokens/s | date |",
        "|---|---|---|---|---|---|---|---|---|---|---|---:|---|",
    ]
    for model in order:
        cfg = entries[model]
        news = cfg.get("news")
        s = news["scores"] if news else {}
        speed = news["throughput"]["tokens_per_second"] if news else None
        rows.append(
            "| "
            + " | ".join(
                [
                    rank.get(model, "–"),
                    f"`{model}`",
                    _fmt(news["main_score"]) if news else "–",
                    _val(s.get("token", {}).get("precision")),
                    _val(s.get("token", {}).get("recall")),
                    _val(s.get("span_strict", {}).get("f1")),
                    _val(s.get("span_partial", {}).get("f1")),
                    _val(s.get("document", {}).get("f1")),
                    _val(s.get("document", {}).get("auroc")),
                    _fmt(cfg["unseen-spinner"]["main_score"]) if "unseen-spinner" in cfg else "–",
                    _fmt(cfg["unseen-domain"]["main_score"]) if "unseen-domain" in cfg else "–",
                    f"{speed:,.0f}" if speed else "–",
                    (news or next(iter(cfg.values())))["date"][:10],
                ]
            )
            + " |"
        )
    fingerprints = sorted({(c, r["dataset"]["fingerprint"][:12]) for cfg in entries.values() for c, r in cfg.items()})
    revisions = ", ".join(f"`{c}@{f}`" for c, f in fingerprints) or "none"
    return f"{HEADER}\n" + "\n".join(rows) + f"\n\nDataset revisions scored: {revisions}.\n"


def _close(a, b, tol: float = 1e-9) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=0, abs_tol=tol)
    return a == b


def check(results_dir: Path, leaderboard_path: Path, dataset: str | None = None) -> list[str]:
    """Problems found, each naming its entry; empty when every entry recomputes exactly."""
    problems: list[str] = []
    results_dir = Path(results_dir)
    paths = sorted(results_dir.glob("*/*.json"))
    valid: dict[str, dict[str, dict]] = {}
    splits = {}
    for path in paths:
        entry = f"{path.parent.name}/{path.stem}"
        try:
            res = read_results(path)
            config, split = res["dataset"]["config"], res["dataset"]["split"]
            if config not in CONFIGS or path.stem != config:
                raise ResultsError(f"{path}: config {config!r} does not match the file name")
            if (config, split) not in splits:
                splits[(config, split)] = load(config, split, dataset=dataset)
            gold = splits[(config, split)]
            if res["dataset"]["fingerprint"] != gold.fingerprint:
                raise ResultsError(
                    f"scored on dataset revision {res['dataset']['fingerprint'][:12]}, but {config}/{split} here is {gold.fingerprint[:12]}"
                )
            pred_path = path.parent / res["predictions"]
            header, rows = read_predictions(pred_path)
            token_scores, doc_scores = match_predictions(pred_path, gold.records, rows)
            if any(d is None for d in doc_scores):
                raise ResultsError(f"{pred_path}: doc_score missing")
            t = res["thresholds"]
            if header.get("token_threshold") != t["token"] or header.get("doc_threshold") != t["document"]:
                raise ResultsError("thresholds in the results and the predictions header differ")
            again = score_split(gold.records, token_scores, doc_scores, t["token"], t["document"], res["bootstrap"]["resamples"], res["bootstrap"]["seed"])
            if not _close(again, res["scores"], 1e-6):
                raise ResultsError("scores do not match a recomputation from the predictions")
            if not _close(res["main_score"], {"name": "token_f1", **again["token"]["f1"]}, 1e-6):
                raise ResultsError("main_score is not the token F1")
            valid.setdefault(path.parent.name, {})[path.stem] = res
        except (ResultsError, DatasetNotFound) as err:
            problems.append(f"{entry}: {err}")
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
