"""Writing the report: a folder of static pages that opens from disk (no server, no network).

``index.html`` (leaderboard, and per config the precision-recall curves, calibration and
breakdowns), ``models/<model>.html`` (scores and breakdown tables), and an error browser per
model and config, ``errors/<model>/<config>.html``, whose documents are in the ``.js`` file
beside it (a script that sets a global, because browsers refuse ``fetch`` on ``file://``); and a
page per restoration run, ``restore/<restorer>/<config>.html``, built the same way
(:mod:`harness.report.restoration`).
The folder is written whole to a temporary sibling and then swapped in; an existing folder is
replaced only when it is an earlier report.
"""

from __future__ import annotations

import re

import json
import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import numpy as np
from markupsafe import Markup

from harness.core.configs import CONFIGS, RATE_BANDS, REGIMES
from harness.core.dataset import Split
from harness.core.errors import SpinbenchError
from harness.core.files import write_text
from harness.evaluation import metrics
from harness.evaluation.leaderboard import RANK_RULE, revisions, tables
from harness.evaluation.scoring import breakdown_groups
from harness.report import analysis, plots
from harness.report.markup import detection_highlights, marked_html
from harness.report.restoration import RestorationRun, write_restoration_page
from harness.restoration.contract import TOP_K
from harness.report.runs import ReportInputs, Run

MARKER = ".spinbench-report"  # marks a folder this module wrote, and may replace
BREAKDOWNS = (("regime", "spin regime"), ("recipe", "spinner recipe"), ("rate_band", "spin-rate band"), ("domain", "domain"))
TEXT_COLUMNS = ("rank", "model", "date")


def environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["code_spans"] = code_spans
    return env


def code_spans(text: str):
    """Markdown's `code` in a title (the leaderboard's table titles) as HTML ``<code>``, the rest escaped.

    >>> str(code_spans("`news`/test <b>"))
    '<code>news</code>/test &lt;b&gt;'
    """
    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def stylesheet() -> str:
    return resources.files("harness.report").joinpath("static/report.css").read_text(encoding="utf-8")


def fmt(metric: dict | None, interval: bool = False) -> str:
    """A ``{"value", "ci95"}`` score as text: ``0.789`` or ``0.789 [0.769, 0.807]``."""
    if not metric or metric.get("value") is None:
        return "–"
    lo, hi = metric.get("ci95") or (None, None)
    return f"{metric['value']:.3f} [{lo:.3f}, {hi:.3f}]" if interval and lo is not None else f"{metric['value']:.3f}"


def groups_in_order(kind: str, names) -> list[str]:
    order = {"rate_band": RATE_BANDS, "regime": REGIMES}.get(kind, ())
    return [b for b in order if b in names] + sorted(set(names) - set(order))


def groups_with_spun_tokens(split: Split, kind: str) -> list[str]:
    """The groups of a breakdown that have spun tokens, so an F1 (clean documents have none)."""
    gold = split.gold
    keys = breakdown_groups(gold)[kind]
    spun = np.add.reduceat(gold.labels, gold.offsets[:-1]) > 0 if len(gold) else []
    return groups_in_order(kind, {k for k, has in zip(keys, spun) if has})


def config_section(runs: list[Run], colors: dict[str, str]) -> dict:
    """Everything index.html shows for one config: counts and the three figures."""
    gold = runs[0].gold
    y = gold.gold.labels.astype(int)
    curves, calibration = {}, {}
    for run in runs:
        s = np.concatenate([np.asarray(x, dtype=float) for x in run.token_scores])
        curves[run.model] = plots.curve_points(y, s, run.threshold)
        calibration[run.model] = metrics.calibration_bins(y, s)
    panels = []
    for kind, title in BREAKDOWNS:
        groups = groups_with_spun_tokens(gold, kind)
        docs = Counter(breakdown_groups(gold.gold)[kind])
        by_model = {r.model: {g: r.results.scores["breakdown"][kind][g]["f1"] for g in groups if g in r.results.scores["breakdown"].get(kind, {})} for r in runs}
        panels.append((title, [(g, f"{g} ({docs[g]})") for g in groups], by_model))
    spec = CONFIGS.get(gold.config)
    spun_share = float(y.mean()) if len(y) else 0.0
    return {
        "config": gold.config,
        "split": gold.split,
        "description": spec.description if spec else "",
        "documents": len(gold),
        "tokens": f"{len(y):,}",
        "spun_share": spun_share,
        "models": [r.model for r in runs],
        "pr_svg": Markup(plots.pr_figure(curves, spun_share, colors)),
        "calibration_svg": Markup(plots.calibration_figure(calibration, colors)),
        "breakdown_svg": Markup(plots.breakdown_figure(panels, colors)),
    }


def document_rows(run: Run) -> list[dict]:
    """The error browser's documents: metadata, counts and the highlighted text."""
    rows = []
    for record, pred, scores in zip(run.gold.records, run.predicted, run.token_scores):
        summary = analysis.document_summary(record, pred)
        html = marked_html(record["text"], record["tokens"], analysis.document_highlights(record, pred, scores))
        rows.append({
            "id": record["id"], "title": record["title"], "domain": record["domain"], "recipe": record["recipe"],
            "engines": list(record["engines"]), "rate": round(float(record["spin_rate"]), 3), "spun": bool(record["is_spun"]),
            **summary, "f1": None if summary["f1"] is None else round(summary["f1"], 4), "html": html,
        })
    return rows


def write_error_browser(env, run: Run, folder: Path, models: list[str]) -> None:
    rows = document_rows(run)
    data_file = f"{run.config}.js"
    write_text(folder / data_file, "window.SPINBENCH_DOCS = " + json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + ";\n")
    res = run.results
    page = env.get_template("errors.html").render(
        title=f"{run.model} on {run.config}: errors", root="../../", models=models, model=run.model, config=run.config,
        split=run.gold.split, threshold=run.threshold, chosen_on=res.thresholds.chosen_on,
        precision=fmt(res.metric("token", "precision")), recall=fmt(res.metric("token", "recall")), f1=fmt(res.metric("token", "f1"), True),
        missed=analysis.missed_phrases(run.gold.records, run.predicted), flagged=analysis.false_alarm_phrases(run.gold.records, run.predicted),
        engines=sorted({e for r in run.gold.records for e in r["engines"]}),
        clean_with_alarms=sum(1 for r in rows if not r["spun"] and r["fp"]), data_file=data_file, inline_css=None,
    )
    write_text(folder / f"{run.config}.html", page)


def harness_version(harness: dict) -> str:
    commit = harness.get("git_commit")
    return f"{harness.get('version')} ({commit[:8]})" if commit else str(harness.get("version"))


def model_page(env, model: str, runs: list[Run], models: list[str]) -> str:
    rows, breakdowns = [], []
    for run in runs:
        res = run.results
        s = res.scores
        rows.append({
            "config": run.config, "split": run.gold.split, "precision": fmt(s["token"]["precision"]), "recall": fmt(s["token"]["recall"]),
            "f1": fmt(s["token"]["f1"], True), "strict": fmt(s["span_strict"]["f1"]), "partial": fmt(s["span_partial"]["f1"]),
            "doc_f1": fmt(s["document"]["f1"]), "auroc": fmt(s["document"].get("auroc")),
            "thresholds": f"{res.thresholds.token:.4f}, {res.thresholds.document:.4f}",
        })
        tables = []
        for kind, title in BREAKDOWNS:
            groups = s["breakdown"].get(kind, {})
            scored = set(groups_with_spun_tokens(run.gold, kind))
            rows_of_kind = []
            for g in groups_in_order(kind, groups):
                row = groups[g]
                if g in scored:
                    rows_of_kind.append({"group": g, "documents": row["documents"], "precision": fmt(row["precision"]), "recall": fmt(row["recall"]), "f1": fmt(row["f1"], True)})
                else:  # clean documents: no spun token, so no precision, recall or F1 of their own
                    rows_of_kind.append({"group": f"{g} (nothing spun)", "documents": row["documents"], "precision": "–", "recall": "–", "f1": "–"})
            tables.append((title, rows_of_kind))
        breakdowns.append({"config": run.config, "tables": tables})
    first = runs[0].results
    return env.get_template("model.html").render(
        title=model, root="../", models=models, model=model, target=first.model.target,
        params=", ".join(f"{k}={v}" for k, v in sorted(first.model.params.items())), rows=rows, breakdowns=breakdowns,
        chosen_on=", ".join(sorted({r.results.thresholds.chosen_on for r in runs})), dates=", ".join(sorted({r.results.date[:10] for r in runs})),
        harness=", ".join(sorted({harness_version(r.results.harness) for r in runs})), inline_css=None,
    )


@contextmanager
def staged_folder(out: Path):
    """A temporary folder beside ``out`` that replaces it when the block succeeds."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SpinbenchError(f"{out} exists and is not a spinbench report: choose another --out, or remove it")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        yield tmp
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a report is for everyone to read
        (tmp / MARKER).write_text("written by `spinbench report`; the next run replaces this folder\n", encoding="utf-8")
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        if out.exists():
            os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def build_report(inputs: ReportInputs, out: Path, results_dir: str = "results", progress: bool = False) -> Path:
    """Write the whole site for ``inputs`` to ``out``; returns the index page's path."""
    import harness
    from tqdm.auto import tqdm

    env = environment()
    colors = plots.model_colors(inputs.models)
    by_config = {c: [r for r in inputs.runs if r.config == c] for c in inputs.configs}
    by_model = {m: [r for r in inputs.runs if r.model == m] for m in inputs.models}
    steps = len(by_config) + len(by_model) + len(inputs.runs) + len(inputs.restoration)
    with staged_folder(out) as tmp, tqdm(total=steps, desc="writing report", unit="page", disable=None if progress else True) as bar:
        for name in ("report.css", "report.js", "restoration.js"):
            write_text(tmp / "assets" / name, resources.files("harness.report").joinpath(f"static/{name}").read_text(encoding="utf-8"))
        sections = []
        for runs in by_config.values():
            sections.append(config_section(runs, colors))
            bar.update()
        leaderboard = [
            {"title": t.title, "columns": t.columns, "rows": t.rows, "model_column": t.columns.index("model"),
             "numeric": [c not in TEXT_COLUMNS for c in t.columns]}
            for t in (tables(inputs.entries) if inputs.entries else [])
        ]
        write_text(tmp / "index.html", env.get_template("index.html").render(
            title="report", root="", models=inputs.models, version=harness.__version__, results_dir=results_dir,
            revisions=revisions(inputs.entries), tables=leaderboard, rank_rule=RANK_RULE, sections=sections,
            restoration=restoration_index(inputs.restoration), top_k=TOP_K, inline_css=None,
        ))
        for model, runs in by_model.items():
            write_text(tmp / "models" / f"{model}.html", model_page(env, model, runs, inputs.models))
            bar.update()
        for run in inputs.runs:
            write_error_browser(env, run, tmp / "errors" / run.model, inputs.models)
            bar.update()
        for run in inputs.restoration:
            write_restoration_page(env, run, tmp / "restore" / run.model, inputs.models)
            bar.update()
    return Path(out) / "index.html"


def restoration_index(runs: list[RestorationRun]) -> list[dict]:
    """index.html's restoration table: each run's headline scores and its page."""
    rows = []
    for run in runs:
        s, detector = run.results.scores, run.results.detector
        detected = s["end_to_end"].get("detected_spans")
        rows.append({"model": run.model, "config": f"{run.results.dataset.config}/{run.results.dataset.split}", "href": f"restore/{run.model}/{run.label}.html",
                     "edits": f"{s['edits']['count']:,}", "top1": fmt(s["edits"]["top1"], True), "top5": fmt(s["edits"][f"top{TOP_K}"]),
                     "gold": fmt(s["end_to_end"]["gold_spans"]["distance_removed"], True),
                     "detected": f"{fmt(detected['distance_removed'])} ({detector['name']})" if detected and detector else "–"})
    return rows


def detection_page(text: str, result: dict) -> str:
    """One text's detection (:func:`harness.evaluation.detect.detect`) as a standalone page with
    the report's highlighting and its stylesheet inline: ``spinbench detect --format html``."""
    return environment().get_template("detect.html").render(
        title=f"{result['model']}: detection", root="", inline_css=Markup(stylesheet()), model=result["model"],
        threshold=result["threshold"], rule=result.get("threshold_rule"), doc_score=result["doc_score"], tokens=len(result["tokens"]),
        flagged=sum(t["spun"] for t in result["tokens"]), suggest=any(t.get("suggestion") for t in result["tokens"]),
        html=Markup(marked_html(text, result["tokens"], detection_highlights(result))),
    )
