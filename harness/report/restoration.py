"""The report's restoration pages: for one restorer on one config, each document's gold edits
spun -> restored -> original, marked as a top-1 hit, a top-5 hit or a miss, with the ranked
candidates; the spans a detector flagged, when the run restored them (``--spans-from``); and at
the top the run's scores per edit kind with their intervals, from its results file.

Outcomes come from :func:`harness.restoration.metrics.hit`, the function scoring uses, so a
page's counts are the results file's. A run is read as ``leaderboard --check`` reads it: its
predictions checked against the gold spans of the split it names
(:func:`harness.restoration.predictions.rows_in_order`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from harness.core.configs import EVALUATION_SPLIT
from harness.core.dataset import Split, load
from harness.evaluation.results import ResultsError
from harness.report.analysis import Highlight
from harness.report.markup import marked_html
from harness.restoration import metrics
from harness.restoration.contract import TOP_K, Span
from harness.restoration.items import GoldItem, RestorationGold, restoration_gold
from harness.restoration.kinds import KINDS
from harness.restoration.predictions import read_predictions, rows_in_order
from harness.restoration.results import RestorationResults, read_restoration_results

# outcome -> its text label (the colour is the CSS class ``r-<outcome>``; the label is always shown beside it)
OUTCOMES = {"top1": "top-1 hit", "top5": f"top-{TOP_K} hit", "miss": "miss"}
# a detector's span that is no gold edit: ``alarm`` (it covers no edit) or ``partial`` (part of one, or more than one)
SPAN_OUTCOMES = {**OUTCOMES, "alarm-kept": "false alarm, kept", "alarm-changed": "false alarm, rewritten", "partial": "overlaps an edit"}
KIND_LABELS = {k: k.replace("_", " ") for k in KINDS}


@dataclass(frozen=True)
class RestorationRun:
    """One restorer on one split: its results, the split, and its candidates in the split's order."""

    model: str  # the results folder's name
    label: str  # the config, or ``config.split`` for a split other than test
    results: RestorationResults
    split: Split
    gold: RestorationGold
    candidates: list[list[list[str]]]  # per document, per gold item, best first
    detected: tuple[list[list[Span]], list[list[list[str]]]] | None  # the detector's spans and their candidates


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


def edit_rows(items: list[GoldItem], candidates: list[list[str]]) -> list[dict]:
    """One row per gold item: its kind, outcome, wordings, candidates and the rank of the right one."""
    return [{"kind": i.kind, "outcome": outcome(c, i.original), "spun": i.spun, "restored": restored_text(i.spun, c), "original": i.original,
             **shown(c), "rank": rank_of(c, i.original)} for i, c in zip(items, candidates)]


def shown(candidates: list[str]) -> dict:
    """The candidates a page lists: the first :data:`TOP_K` (what is scored), and how many more
    there were (``more``); the rank of the right one is taken from all of them.

    >>> shown(list("abcdefg"))
    {'candidates': ['a', 'b', 'c', 'd', 'e'], 'more': 2}
    """
    return {"candidates": list(candidates[:TOP_K]), "more": max(0, len(candidates) - TOP_K)}


def detected_rows(tokens: list[str], items: list[GoldItem], spans: list[Span], candidates: list[list[str]]) -> list[dict]:
    """One row per span the detector flagged: a gold edit's own span is scored as one; a span
    covering no edit is a false alarm, kept or rewritten by its first candidate; the rest overlap
    edits without being one (their originals listed)."""
    rows = []
    for (start, end), ranked in zip(spans, candidates):
        spun = " ".join(tokens[start:end])
        inside = [i for i in items if i.start < end and start < i.end]
        same = [i for i in inside if (i.start, i.end) == (start, end)]
        if same:
            kind, original = outcome(ranked, same[0].original), same[0].original
        elif not inside:
            kept = not ranked or metrics.wording(ranked[0]) == metrics.wording(spun)
            kind, original = ("alarm-kept" if kept else "alarm-changed"), spun
        else:
            kind, original = "partial", " … ".join(i.original or "(nothing)" for i in inside)
        rows.append({"outcome": kind, "spun": spun, "restored": restored_text(spun, ranked), "original": original, **shown(ranked),
                     "rank": rank_of(ranked, original) if same else None})
    return rows


def document_rows(run: RestorationRun) -> list[dict]:
    """The page's documents: metadata, the text with its gold edits marked by outcome, the edit
    rows, the detector's span rows, and the token edit distances before and after restoring."""
    out = []
    detected = run.detected or ([[] for _ in run.gold.ids], [[] for _ in run.gold.ids])
    for d, record in enumerate(run.split.records):
        items, candidates = run.gold.items[d], run.candidates[d]
        edits = edit_rows(items, candidates)
        highlights = [Highlight(i.start, i.end, f"r-{e['outcome']}", f"{OUTCOMES[e['outcome']]}: was “{i.original}”, restored “{e['restored']}”")
                      for i, e in zip(items, edits)]
        tokens, original = run.gold.tokens[d], run.gold.original_tokens[d]
        row = {"id": record["id"], "title": record.get("title", ""), "spun": bool(record.get("is_spun", True)),
               "html": marked_html(record["text"], record["tokens"], highlights), "edits": edits,
               "distance": list(metrics.document_distances(tokens, original, [(i.start, i.end) for i in items], candidates))}
        if run.detected is not None:
            spans, found = detected[0][d], detected[1][d]
            row["detected"] = detected_rows(tokens, items, spans, found)
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


def page_name(results: RestorationResults) -> str:
    """The page's file stem: the config, or ``config.split`` for a split other than test."""
    d = results.dataset
    return d.config if d.split == EVALUATION_SPLIT else f"{d.config}.{d.split}"


def restoration_files(folder: Path, runs: bool) -> list[Path]:
    """Results files of restoration runs: leaderboard entries ``results/restore/<model>/<config>.json``
    (checked as the leaderboard checks them), or ordinary runs ``runs/restore/<model>/<config>.<split>.json``."""
    from harness.restoration.leaderboard import collect, restore_dir

    if not runs:
        return [r.path for configs in collect(folder).values() for r in configs.values()]
    return sorted(restore_dir(folder).glob("*/*.json"))


def load_restoration_run(path: Path, dataset=None, runs: bool = False, splits: dict | None = None) -> RestorationRun:
    """One restoration run with its gold split and its stored candidates; a file scored on
    another dataset revision, or predictions that are not its gold spans', is a ResultsError."""
    res = read_restoration_results(path)
    source = dataset if dataset is not None or not runs else res.dataset.source  # a run names the dataset it was scored on
    key = (source, res.dataset.config, res.dataset.split)
    splits = {} if splits is None else splits
    if key not in splits:
        loaded = load(res.dataset.config, res.dataset.split, dataset=source)
        splits[key] = (loaded, restoration_gold(loaded))
    split, gold = splits[key]
    if res.dataset.fingerprint != split.fingerprint:
        raise ResultsError(f"{path}: scored on dataset revision {res.dataset.fingerprint[:12]}, but {split.config}/{split.split} here is {split.fingerprint[:12]}")
    predictions = path.parent / res.predictions
    header, rows = read_predictions(predictions)
    candidates, detected = rows_in_order(predictions, header, rows, gold)
    return RestorationRun(path.parent.name, page_name(res), res, split, gold, candidates, detected)


def score_rows(results: RestorationResults, counts: dict[str, dict[str, int]], fmt) -> list[dict]:
    """The scores table: every gold edit, then each kind, with its intervals and outcome counts."""
    s = results.scores
    out = []
    for kind in ("all", *KINDS):
        block = s["edits"] if kind == "all" else s["by_kind"].get(kind)
        if block is None:
            continue
        out.append({"kind": kind, "label": "all" if kind == "all" else KIND_LABELS[kind], "count": block["count"],
                    "documents": results.dataset.documents if kind == "all" else block.get("documents"),
                    "top1": fmt(block["top1"], True), "top5": fmt(block[f"top{TOP_K}"], True), "top1_lemma": fmt(block.get("top1_lemma")),
                    "top5_lemma": fmt(block.get(f"top{TOP_K}_lemma")), "hits": counts[kind]})
    return out


def distance_rows(results: RestorationResults, fmt) -> list[dict]:
    end = results.scores["end_to_end"]
    rows = [("gold spans", end["gold_spans"], results.scores["edits"]["count"])]
    if "detected_spans" in end and results.detector:
        d = results.detector
        rows.append((f"{d['name']}'s spans (token threshold {d['token_threshold']:.4f})", end["detected_spans"], end["detected_spans"].get("spans")))
    return [{"label": label, "spans": spans, "before": b["distance_before"], "after": b["distance_after"], "removed": fmt(b["distance_removed"], True)}
            for label, b, spans in rows]


def write_restoration_page(env, run: RestorationRun, folder: Path, models: list[str]) -> None:
    """``folder/<page>.html`` and the documents it shows, ``folder/<page>.js``."""
    import json

    from harness.core.files import write_text
    from harness.report.site import fmt, harness_version

    rows = document_rows(run)
    res = run.results
    data = {"outcomes": SPAN_OUTCOMES, "gold_outcomes": OUTCOMES, "kinds": KIND_LABELS,
            "detector": res.detector["name"] if res.detector else None, "docs": rows}
    data_file = f"{run.label}.js"
    write_text(folder / data_file, "window.SPINBENCH_RESTORATION = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n")
    page = env.get_template("restoration.html").render(
        title=f"{run.model} on {run.label}: restoration", root="../../", models=models, model=run.model, config=res.dataset.config,
        split=res.dataset.split, target=res.model.target, params=", ".join(f"{k}={v}" for k, v in sorted(res.model.params.items())),
        date=res.date[:10], harness=harness_version(res.harness), top_k=TOP_K, outcomes=OUTCOMES,
        kinds=score_rows(res, outcome_counts(rows), fmt), distances=distance_rows(res, fmt), missed=missed_edits(rows),
        data_file=data_file, inline_css=None,
    )
    write_text(folder / f"{run.label}.html", page)
