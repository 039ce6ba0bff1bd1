"""Writing the report: a folder of static pages that opens from disk (no server, no network).

``index.html`` (leaderboard, and per config the precision-recall curves, calibration and
breakdowns), ``models/<model>.html`` (scores and breakdown tables), an error browser per model
and config, ``errors/<model>/<config>.html`` (:mod:`harness.report.errors`), and a page per
restoration run, ``restore/<restorer>/<config>.html`` (:mod:`harness.report.restoration`). The
document pages load their data from ``.js`` files, each split's texts once for all of them
(``texts/``, :mod:`harness.report.texts`).
The folder is written whole to a temporary sibling and then swapped in; an existing folder is
replaced only when it is an earlier report.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from markupsafe import Markup

from harness.core.configs import CONFIGS, DEFAULT_CONFIG, breakdown_order, rate_bands_text
from harness.core.dataset import Split
from harness.core.errors import SpinbenchError
from harness.core.files import write_text
from harness.evaluation import metrics
from harness.evaluation.leaderboard import RANK_RULE, revisions, tables
from harness.evaluation.scoring import breakdown_groups
from harness.report import plots
from harness.report.errors import write_error_browser
from harness.report.formatting import harness_version, params_text
from harness.report.markup import detection_highlights, marked_html
from harness.report.rendering import environment, stylesheet, write_assets
from harness.report.restoration import write_restoration_page
from harness.report.runs import ReportInputs, RestorationRun, Run
from harness.report.texts import texts_file, write_texts
from harness.restoration.contract import TOP_K
from harness.runs.formatting import score_text

MARKER = ".spinbench-report"  # marks a folder this module wrote, and may replace
BREAKDOWNS = (("regime", "spin regime"), ("recipe", "spinner recipe"), ("rate_band", "spin-rate band"), ("domain", "domain"))
TEXT_COLUMNS = ("rank", "model", "date")


def groups_with_spun_tokens(split: Split, kind: str) -> list[str]:
    """The groups of a breakdown that have spun tokens, so an F1 (clean documents have none)."""
    gold = split.gold
    keys = breakdown_groups(gold)[kind]
    spun = np.add.reduceat(gold.labels, gold.offsets[:-1]) > 0 if len(gold) else []
    return breakdown_order(kind, {k for k, has in zip(keys, spun) if has})


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


def model_page(env, model: str, runs: list[Run], models: list[str]) -> str:
    rows, breakdowns = [], []
    for run in runs:
        res = run.results
        s = res.scores
        rows.append({
            "config": run.config, "split": run.gold.split, "precision": score_text(s["token"]["precision"], False), "recall": score_text(s["token"]["recall"], False),
            "f1": score_text(s["token"]["f1"]), "strict": score_text(s["span_strict"]["f1"], False), "partial": score_text(s["span_partial"]["f1"], False),
            "doc_f1": score_text(s["document"]["f1"], False), "auroc": score_text(s["document"].get("auroc"), False),
            "thresholds": f"{res.thresholds.token:.4f}, {res.thresholds.document:.4f}",
        })
        tables = []
        for kind, title in BREAKDOWNS:
            groups = s["breakdown"].get(kind, {})
            scored = set(groups_with_spun_tokens(run.gold, kind))
            rows_of_kind = []
            for g in breakdown_order(kind, groups):
                row = groups[g]
                if g in scored:
                    rows_of_kind.append({"group": g, "documents": row["documents"], "precision": score_text(row["precision"], False),
                                         "recall": score_text(row["recall"], False), "f1": score_text(row["f1"])})
                else:  # clean documents: no spun token, so no precision, recall or F1 of their own
                    rows_of_kind.append({"group": f"{g} (nothing spun)", "documents": row["documents"], "precision": "–", "recall": "–", "f1": "–"})
            tables.append((title, rows_of_kind))
        breakdowns.append({"config": run.config, "tables": tables})
    first = runs[0].results
    return env.get_template("model.html").render(
        title=model, root="../", models=models, model=model, target=first.model.target,
        params=params_text(first.model.params), rows=rows, breakdowns=breakdowns,
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


def site_bytes(folder: Path) -> int:
    """A site's size as ``du -sb`` counts it: every file's and folder's bytes."""
    return sum(p.stat().st_size for p in [Path(folder), *Path(folder).rglob("*")])


def shown_splits(inputs: ReportInputs) -> list[Split]:
    """Each split a document page shows, once (its texts are shared by all of them)."""
    return list({texts_file(s): s for s in [*(r.gold for r in inputs.runs), *(r.split for r in inputs.restoration)]}.values())


def build_report(inputs: ReportInputs, out: Path, results_dir: str = "results", progress: bool = False) -> Path:
    """Write the whole site for ``inputs`` to ``out``; returns the index page's path."""
    from tqdm.auto import tqdm

    import harness

    env = environment()
    colors = plots.model_colors(inputs.models)
    by_config = {c: [r for r in inputs.runs if r.config == c] for c in inputs.configs}
    by_model = {m: [r for r in inputs.runs if r.model == m] for m in inputs.models}
    steps = len(by_config) + len(by_model) + len(inputs.runs) + len(inputs.restoration)
    with staged_folder(out) as tmp, tqdm(total=steps, desc="writing report", unit="page", disable=None if progress else True) as bar:
        write_assets(tmp)
        for split in shown_splits(inputs):
            write_texts(tmp, split)
        sections = []
        for runs in by_config.values():
            sections.append(config_section(runs, colors))
            bar.update()
        leaderboard = [
            {"title": t.title, "columns": t.columns, "rows": t.rows, "model_column": t.columns.index("model"),
             "numeric": [c not in TEXT_COLUMNS for c in t.columns]}
            for t in (tables(inputs.entries) if any(DEFAULT_CONFIG in configs for configs in inputs.entries.values()) else [])  # news/test's, or none
        ]
        write_text(tmp / "index.html", env.get_template("index.html").render(
            title="report", root="", models=inputs.models, version=harness.__version__, results_dir=results_dir,
            revisions=revisions(inputs.entries), tables=leaderboard, detection=bool(inputs.entries), rank_rule=RANK_RULE, sections=sections,
            restoration=restoration_index(inputs.restoration), top_k=TOP_K, inline_css=None,
            rate_bands=rate_bands_text(),
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
                     "edits": f"{s['edits']['count']:,}", "top1": score_text(s["edits"]["top1"]), "top5": score_text(s["edits"][f"top{TOP_K}"], False),
                     "gold": score_text(s["end_to_end"]["gold_spans"]["distance_removed"]),
                     "detected": f"{score_text(detected['distance_removed'], False)} ({detector['name']})" if detected and detector else "–"})
    return rows


def detection_page(text: str, result: dict) -> str:
    """One text's detection (:func:`harness.evaluation.detect.detect`) as a standalone page with
    the report's highlighting and its stylesheet inline: ``spinbench detect --format html``."""
    return environment().get_template("detect.html").render(
        title=f"{result['model']}: detection", root="", inline_css=Markup(stylesheet()), model=result["model"],
        rule=result.get("threshold_rule"), token_line=result["token_line"], verdict=result["document_verdict"],
        suggest=any(t.get("suggestion") for t in result["tokens"]),
        html=Markup(marked_html(text, result["tokens"], detection_highlights(result))),
    )
