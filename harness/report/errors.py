"""The error browser of one model on one config, ``errors/<model>/<config>.html``: the phrases
the model misses and flags most, then the documents with their found, missed and falsely
flagged tokens marked, a page of them at a time (sortable and filterable across all of them).

The page's data file (``<config>.js`` beside it) holds, per document, only what is the model's:
its counts, F1 and marks (characters, outcome, hover text); the texts are the split's shared file
(:mod:`harness.report.texts`).
"""

from __future__ import annotations

from pathlib import Path

from harness.core.files import write_text
from harness.report import analysis
from harness.report.markup import character_marks
from harness.report.rendering import PAGE_BUDGET_PX, PER_PAGE, write_data
from harness.report.runs import Run
from harness.report.texts import texts_file
from harness.runs.formatting import score_text


def document_marks(run: Run) -> list[dict]:
    """Per document, in the split's order: token counts, F1 and the marks of its outcomes."""
    rows = []
    for record, pred, scores in zip(run.gold.records, run.predicted, run.token_scores):
        summary = analysis.document_summary(record, pred)
        rows.append({**summary, "f1": None if summary["f1"] is None else round(summary["f1"], 4),
                     "marks": character_marks(record["tokens"], analysis.document_highlights(record, pred, scores))})
    return rows


def write_error_browser(env, run: Run, folder: Path, models: list[str]) -> None:
    """``folder/<config>.html`` and its data, ``folder/<config>.js``."""
    rows = document_marks(run)
    data_file = f"{run.config}.js"
    write_data(folder / data_file, "page", {"docs": rows})
    res = run.results
    records = run.gold.records
    page = env.get_template("errors.html").render(
        title=f"{run.model} on {run.config}: errors", root="../../", models=models, model=run.model, config=run.config,
        split=run.gold.split, threshold=run.threshold, chosen_on=res.thresholds.chosen_on,
        precision=score_text(res.metric("token", "precision"), False), recall=score_text(res.metric("token", "recall"), False),
        f1=score_text(res.metric("token", "f1")),
        missed=analysis.missed_phrases(records, run.predicted), flagged=analysis.false_alarm_phrases(records, run.predicted),
        engines=sorted({e for r in records for e in r["engines"]}),
        clean_with_alarms=sum(1 for r, row in zip(records, rows) if not r["is_spun"] and row["fp"]),
        texts_file=texts_file(run.gold), data_file=data_file, budget=PAGE_BUDGET_PX, per_page=PER_PAGE, inline_css=None,
    )
    write_text(folder / f"{run.config}.html", page)
