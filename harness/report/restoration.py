"""The report's restoration pages, ``restore/<restorer>/<config>.html``: for one restorer on
one config, each document's gold edits spun -> restored -> original, marked as a top-1 hit, a
top-5 hit or a miss, with the ranked candidates; the spans a detector flagged, when the run
restored them (``--spans-from``); and at the top the run's scores per edit kind with their
intervals, from its results file.

Outcomes come from :func:`harness.restoration.metrics.hit`, the function scoring uses, so a
page's counts are the results file's. The page's data file (``<config>.js`` beside it) holds
per document only what is the restorer's (edit rows, marks, distances); the texts are the
split's shared file (:mod:`harness.report.texts`).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from harness.core.files import write_text
from harness.report.formatting import harness_version, params_text
from harness.report.markup import character_ranges
from harness.report.rendering import PAGE_BUDGET_PX, PER_PAGE, write_data
from harness.report.runs import RestorationRun
from harness.report.texts import texts_file
from harness.restoration import metrics
from harness.restoration.contract import TOP_K, Span
from harness.restoration.items import GoldItem
from harness.restoration.kinds import KINDS
from harness.restoration.results import RestorationResults
from harness.runs.formatting import score_text

# outcome -> its text label (the colour is the CSS class ``r-<outcome>``; the label is always shown beside it)
OUTCOMES = {"top1": "top-1 hit", "top5": f"top-{TOP_K} hit", "miss": "miss"}
# a detector's span that is no gold edit: ``alarm`` (it covers no edit) or ``partial`` (part of one, or more than one)
SPAN_OUTCOMES = {**OUTCOMES, "alarm-kept": "false alarm, kept", "alarm-changed": "false alarm, rewritten", "partial": "overlaps an edit"}
KIND_LABELS = {k: k.replace("_", " ") for k in KINDS}
# A document lists this many of its edits' rows; the rest open on request (one long document
# has hundreds, more than a page's height).
EDIT_ROWS = 40


def outcome(candidates: list[str], original: str) -> str:
    """``top1``, ``top5`` (among the first :data:`TOP_K`, not first) or ``miss``, as scored.

    >>> outcome(["big", "large"], "Large"), outcome(["large"], "large"), outcome([], "large")
    ('top5', 'top1', 'miss')
    """
    if metrics.hit(candidates, original, 1):
        return "top1"
    return "top5" if metrics.hit(candidates, original, TOP_K) else "miss"


def restored_text(spun: str, candidates: list[str]) -> str:
    """What the span reads restored: its first candidate, or its spun wording where there is none."""
    return candidates[0] if candidates else spun


def rank_of(candidates: list[str], original: str) -> int | None:
    """The 1-based position of the first candidate that is the original wording (None: none is).

    >>> rank_of(["big", "Large", "large"], "large"), rank_of(["big"], "large")
    (2, None)
    """
    return next((n for n, c in enumerate(candidates, start=1) if metrics.hit([c], original, 1)), None)


def suggestion(ranked: list[str], confidences: list[float] | None, cut: float | None) -> dict:
    """A span's first candidate as a user meets it (``spinbench detect --suggest``): its
    ``confidence`` (where the restorer gives one) and whether it is ``withheld``, under the cut."""
    confidence = confidences[0] if ranked and confidences else None
    return {"confidence": confidence, "withheld": bool(ranked) and not metrics.is_shown(ranked, confidences, cut)}


def edit_rows(items: list[GoldItem], candidates: list[list[str]], confidences: list | None = None, cut: float | None = None) -> list[dict]:
    """One row per gold item: its kind, outcome, wordings, candidates and the rank of the right
    one, and its first candidate's confidence and whether it is withheld (:func:`suggestion`)."""
    confidences = confidences or [None] * len(items)
    return [{"kind": i.kind, "outcome": outcome(c, i.original), "spun": i.spun, "restored": restored_text(i.spun, c), "original": i.original,
             **shown(c), "rank": rank_of(c, i.original), **suggestion(c, f, cut)} for i, c, f in zip(items, candidates, confidences)]


def shown(candidates: list[str]) -> dict:
    """The candidates a page lists: the first :data:`TOP_K` (what is scored), and how many more
    there were (``more``); the rank of the right one is taken from all of them.

    >>> shown(list("abcdefg"))
    {'candidates': ['a', 'b', 'c', 'd', 'e'], 'more': 2}
    """
    return {"candidates": list(candidates[:TOP_K]), "more": max(0, len(candidates) - TOP_K)}


def detected_rows(tokens: list[str], items: list[GoldItem], item_candidates: list[list[str]], spans: list[Span],
                  candidates: list[list[str]], confidences: list | None = None, cut: float | None = None) -> list[dict]:
    """One row per span the detector flagged: a gold edit's own span is scored as one, and where
    the restorer ranked the same candidates for it, the row is ``{"item": k}``, the gold edit's row;
    a span covering no edit is a false alarm, kept or rewritten by its first candidate; the rest
    overlap edits without being one (their originals listed)."""
    rows, item_at = [], {(i.start, i.end): k for k, i in enumerate(items)}
    for (start, end), ranked, conf in zip(spans, candidates, confidences or [None] * len(spans)):
        spun = " ".join(tokens[start:end])
        inside = [i for i in items if i.start < end and start < i.end]
        same = item_at.get((start, end))
        if same is not None and ranked == item_candidates[same]:
            rows.append({"item": same})
            continue
        if same is not None:
            kind, original = outcome(ranked, items[same].original), items[same].original
        elif not inside:
            kept = not ranked or metrics.wording(ranked[0]) == metrics.wording(spun)
            kind, original = ("alarm-kept" if kept else "alarm-changed"), spun
        else:
            kind, original = "partial", " … ".join(i.original or "(nothing)" for i in inside)
        rows.append({"outcome": kind, "spun": spun, "restored": restored_text(spun, ranked), "original": original, **shown(ranked),
                     "rank": rank_of(ranked, original) if same is not None else None, **suggestion(ranked, conf, cut)})
    return rows


def document_rows(run: RestorationRun) -> list[dict]:
    """Per document, in the split's order: the edit rows, where each gold edit is in the shared
    text (``marks``: ``[gap, length]`` in characters, one per row, as
    :func:`~harness.report.markup.character_ranges` counts them), the detector's span rows, and the
    token edit distances before and after restoring."""
    out = []
    detected = run.detected or ([[] for _ in run.gold.ids], [[] for _ in run.gold.ids])
    for d, record in enumerate(run.split.records):
        items, candidates = run.gold.items[d], run.candidates[d]
        edits = edit_rows(items, candidates, run.confidences[d] if run.confidences else None, run.cut)
        tokens, original = run.gold.tokens[d], run.gold.original_tokens[d]
        row = {"edits": edits, "marks": character_ranges(record["tokens"], [(i.start, i.end) for i in items]),
               "distance": list(metrics.document_distances(tokens, original, [(i.start, i.end) for i in items], candidates))}
        if run.detected is not None:
            spans, found = detected[0][d], detected[1][d]
            found_conf = run.detected_confidences[d] if run.detected_confidences else None
            row["detected"] = detected_rows(tokens, items, candidates, spans, found, found_conf, run.cut)
            row["detected_distance"] = list(metrics.document_distances(tokens, original, spans, found))
        out.append(row)
    return out


def outcome_counts(rows: list[dict]) -> dict[str, dict[str, int]]:
    """{kind (and ``all``): {outcome: gold edits}} over the documents' rows."""
    counts = {k: Counter() for k in ("all", *KINDS)}
    for row in rows:
        for e in row["edits"]:
            counts["all"][e["outcome"]] += 1
            counts[e["kind"]][e["outcome"]] += 1
    return {k: {o: c[o] for o in OUTCOMES} for k, c in counts.items()}


def missed_edits(rows: list[dict], top: int = 50) -> list[dict]:
    """The edits missed most often (no candidate among the first :data:`TOP_K`): ``spun``,
    ``original``, ``missed``, ``edits`` (times the pair occurs) and the most common first guess."""
    seen, missed, guesses = Counter(), Counter(), {}
    for row in rows:
        for e in row["edits"]:
            key = (" ".join(e["spun"].lower().split()), " ".join(e["original"].lower().split()))
            seen[key] += 1
            if e["outcome"] == "miss":
                missed[key] += 1
                guesses.setdefault(key, Counter())[e["restored"].lower()] += 1
    ranked = sorted(missed, key=lambda k: (-missed[k], k))[:top]
    return [{"spun": k[0], "original": k[1], "missed": missed[k], "edits": seen[k], "guess": guesses[k].most_common(1)[0][0]} for k in ranked]


def score_rows(results: RestorationResults, counts: dict[str, dict[str, int]]) -> list[dict]:
    """The scores table: every gold edit, then each kind, with its intervals and outcome counts."""
    s = results.scores
    out = []
    for kind in ("all", *KINDS):
        block = s["edits"] if kind == "all" else s["by_kind"].get(kind)
        if block is None:
            continue
        out.append({"kind": kind, "label": "all" if kind == "all" else KIND_LABELS[kind], "count": block["count"],
                    "documents": results.dataset.documents if kind == "all" else block.get("documents"),
                    "top1": score_text(block["top1"]), "top5": score_text(block[f"top{TOP_K}"]), "top1_lemma": score_text(block.get("top1_lemma"), False),
                    "top5_lemma": score_text(block.get(f"top{TOP_K}_lemma"), False), "hits": counts[kind]})
    return out


def distance_rows(results: RestorationResults) -> list[dict]:
    end = results.scores["end_to_end"]
    rows = [("gold spans", end["gold_spans"], results.scores["edits"]["count"])]
    if "gold_spans_abstaining" in end:
        rows.append(("gold spans, guesses under the cut withheld", end["gold_spans_abstaining"], results.scores["edits"]["count"]))
    if "detected_spans" in end and results.detector:
        d = results.detector
        rows.append((f"{d['name']}'s spans (token threshold {d['token_threshold']:.4f})", end["detected_spans"], end["detected_spans"].get("spans")))
        if "detected_spans_abstaining" in end:
            rows.append((f"{d['name']}'s spans, guesses under the cut withheld", end["detected_spans_abstaining"], end["detected_spans_abstaining"].get("spans")))
    return [{"label": label, "spans": spans, "before": b["distance_before"], "after": b["distance_after"], "removed": score_text(b["distance_removed"])}
            for label, b, spans in rows]


def write_restoration_page(env, run: RestorationRun, folder: Path, models: list[str]) -> None:
    """``folder/<page>.html`` and its data, ``folder/<page>.js``."""
    rows = document_rows(run)
    res = run.results
    data = {"outcomes": SPAN_OUTCOMES, "gold_outcomes": OUTCOMES, "kinds": KIND_LABELS,
            "detector": res.detector["name"] if res.detector else None, "docs": rows}
    data_file = f"{run.label}.js"
    write_data(folder / data_file, "page", data)
    page = env.get_template("restoration.html").render(
        title=f"{run.model} on {run.label}: restoration", root="../../", models=models, model=run.model, config=res.dataset.config,
        split=res.dataset.split, target=res.model.target, params=params_text(res.model.params),
        date=res.date[:10], harness=harness_version(res.harness), top_k=TOP_K, outcomes=OUTCOMES,
        kinds=score_rows(res, outcome_counts(rows)), distances=distance_rows(res), missed=missed_edits(rows),
        texts_file=texts_file(run.split), data_file=data_file, budget=PAGE_BUDGET_PX, per_page=PER_PAGE, edit_rows=EDIT_ROWS,
        inline_css=None, abstention=res.scores.get("abstention"), coverage=score_text((res.scores.get("abstention") or {}).get("coverage")),
        precision=score_text((res.scores.get("abstention") or {}).get("precision")),
    )
    write_text(folder / f"{run.label}.html", page)
