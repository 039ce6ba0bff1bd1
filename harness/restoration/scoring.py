"""From gold items and a restorer's candidates to every restoration number, with bootstrap
intervals: the one scoring path, used by ``restore`` and by recomputation from a stored
predictions file (``rescore_restoration``, ``leaderboard --check``).

Intervals are percentile bootstraps over documents with detection's resampling
(:func:`harness.runs.bootstrap.weights`: the same seed draws the same documents), and the
same rules for groups: a kind's interval leaves out the resamples that drew none of its
documents, and a kind found in fewer than ``MIN_GROUP_DOCUMENTS`` documents has none. Every
score is a ratio of sums over documents, so a resample is a weighted sum of document rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from harness.restoration import metrics
from harness.restoration.contract import TOP_K, Span
from harness.restoration.items import RestorationGold
from harness.restoration.kinds import KINDS
from harness.runs.bootstrap import Intervals, group_resamples, left_out, ratio
from harness.runs.bootstrap import weights as resample_weights

# name -> (k, lemma-insensitive): the per-edit scores.
HIT_SCORES = {"top1": (1, False), f"top{TOP_K}": (TOP_K, False), "top1_lemma": (1, True), f"top{TOP_K}_lemma": (TOP_K, True)}
MAIN_SCORE_NAME = "top1"
# The abstention rule: the cut is the lowest confidence at which the first candidates shown on
# news/validation's gold spans are the original at least this often (metrics.choose_cut).
PRECISION_TARGET = 0.75
CUT_RULE = f"precision-{PRECISION_TARGET}"
COVERAGE_CURVE = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)

Confidences = Sequence[Sequence[Sequence[float] | None]]  # per document, per span (None: no confidence)


def hit_table(gold: RestorationGold, candidates: Sequence[Sequence[Sequence[str]]]) -> tuple[np.ndarray, np.ndarray]:
    """(hits, items): ``hits[d, k, s]`` counts document ``d``'s items of kind ``KINDS[k]`` that
    score ``s`` (in :data:`HIT_SCORES` order) counts as restored; ``items[d, k]`` its items of
    that kind."""
    hits = np.zeros((len(gold), len(KINDS), len(HIT_SCORES)))
    items = np.zeros((len(gold), len(KINDS)))
    for d, (doc_items, doc_candidates) in enumerate(zip(gold.items, candidates)):
        for item, ranked in zip(doc_items, doc_candidates):
            k = KINDS.index(item.kind)
            items[d, k] += 1
            for s, (top, lemmas) in enumerate(HIT_SCORES.values()):
                hits[d, k, s] += metrics.hit(ranked, item.original, top, lemmas)
    return hits, items


def distance_table(gold: RestorationGold, spans: Sequence[Sequence[Span]], candidates: Sequence[Sequence[Sequence[str]]]) -> np.ndarray:
    """(documents x 2): each document's token edit distance to its original before and after
    restoring ``spans`` with their first candidates."""
    return np.array([metrics.document_distances(t, o, s, c) for t, o, s, c in zip(gold.tokens, gold.original_tokens, spans, candidates)],
                    dtype=float).reshape(len(gold), 2)


def share(num, den):
    """num / den, NaN where den is 0 (no item: no score, and a resample without one is left out
    of the interval)."""
    return ratio(num, den, empty=float("nan"))


def _hit_block(ci: Intervals, hits: np.ndarray, items: np.ndarray, weights: np.ndarray, keep: np.ndarray | None) -> dict:
    """hits: (documents x scores); items: (documents,)."""
    out = {}
    for s, name in enumerate(HIT_SCORES):
        out[name] = ci.metric(share(hits[:, s].sum(), items.sum()), left_out(share(weights @ hits[:, s], weights @ items), keep))
    return out


def _distance_block(ci: Intervals, distances: np.ndarray, weights: np.ndarray) -> dict:
    before, after = distances[:, 0], distances[:, 1]
    point = metrics.distance_removed(before.sum(), after.sum())
    wb, wa = weights @ before, weights @ after
    boot = share(wb - wa, wb)
    return {"distance_before": int(before.sum()), "distance_after": int(after.sum()),
            "distance_removed": ci.metric(float("nan") if point is None else point, boot)}


def first_confidences(gold: RestorationGold, candidates, confidences: Confidences | None) -> tuple[list[float], list[bool]]:
    """Over the gold items that have a first candidate: its confidence
    (:func:`~harness.restoration.metrics.first_confidence`) and whether it is the original."""
    conf, hits = [], []
    for d, (doc_items, doc_candidates) in enumerate(zip(gold.items, candidates)):
        doc_conf = confidences[d] if confidences is not None else [None] * len(doc_items)
        for item, ranked, c in zip(doc_items, doc_candidates, doc_conf):
            if ranked:
                conf.append(metrics.first_confidence(ranked, c))
                hits.append(metrics.hit(ranked, item.original, 1))
    return conf, hits


def cut_on(gold: RestorationGold, candidates, confidences: Confidences | None) -> float | None:
    """The abstention cut :data:`CUT_RULE` chooses on ``gold`` (``news``/validation), or None for
    a restorer that gives no confidences (its suggestions are always shown)."""
    if confidences is None or all(c is None for doc in confidences for c in doc):
        return None
    return metrics.choose_cut(*first_confidences(gold, candidates, confidences), PRECISION_TARGET)


def _abstention(ci: Intervals, gold: RestorationGold, candidates, confidences: Confidences | None, cut: float | None, weights: np.ndarray) -> dict:
    """Coverage (share of gold items whose first candidate is shown) and precision (share of
    those that are the original) at ``cut``, with intervals; and the precision at each coverage of
    :data:`COVERAGE_CURVE` (the most confident first)."""
    rows = np.zeros((len(gold), 3))  # per document: items, shown, shown and right
    for d, (doc_items, doc_candidates) in enumerate(zip(gold.items, candidates)):
        doc_conf = confidences[d] if confidences is not None else [None] * len(doc_items)
        for item, ranked, c in zip(doc_items, doc_candidates, doc_conf):
            shown = metrics.is_shown(ranked, c, cut)
            rows[d] += (1, shown, shown and metrics.hit(ranked, item.original, 1))
    n, shown, right = (rows[:, k] for k in range(3))
    conf, hits = first_confidences(gold, candidates, confidences)
    order = sorted(range(len(conf)), key=lambda i: -conf[i])
    curve = []
    for coverage in COVERAGE_CURVE:
        k = min(len(order), round(coverage * n.sum()))
        if k:
            curve.append({"coverage": coverage, "precision": round(sum(hits[i] for i in order[:k]) / k, 4), "cut": conf[order[k - 1]]})
    return {"rule": CUT_RULE, "cut": cut, "coverage": ci.metric(share(shown.sum(), n.sum()), share(weights @ shown, weights @ n)),
            "precision": ci.metric(share(right.sum(), shown.sum()), share(weights @ right, weights @ shown)), "curve": curve}


def score_restoration(gold: RestorationGold, candidates: Sequence[Sequence[Sequence[str]]], n_boot: int = 1000, seed: int = 0,
                      detected: tuple[Sequence[Sequence[Span]], Sequence[Sequence[Sequence[str]]]] | None = None,
                      confidences: Confidences | None = None, detected_confidences: Confidences | None = None, cut: float | None = None) -> dict:
    """Every score of a restorer on one split. ``candidates``: per document, per gold item,
    the ranked candidates; ``detected``: (spans, candidates) on a detector's spans, when there are
    some. Scores: per-edit top-1 / top-k hit rates (exact and lemma-insensitive), the same per
    edit kind, and end to end the share of the token edit distance removed (gold spans, and the
    detector's).

    With ``confidences`` (per document, per span, as ``candidates``) and the ``cut`` chosen on
    ``news``/validation (:func:`cut_on`): the coverage and precision of the first candidates
    shown (``abstention``), and the distance removed when those below the cut are withheld
    (``end_to_end``: ``gold_spans_abstaining``, ``detected_spans_abstaining``)."""
    hits, items = hit_table(gold, candidates)
    weights = resample_weights(len(gold), n_boot, seed)
    ci = Intervals()
    all_hits, all_items = hits.sum(axis=1), items.sum(axis=1)
    out: dict = {"edits": {"count": int(all_items.sum()), **_hit_block(ci, all_hits, all_items, weights, None)}}
    out["by_kind"] = {}
    for k, kind in enumerate(KINDS):
        present = items[:, k] > 0
        out["by_kind"][kind] = {"count": int(items[:, k].sum()), "documents": int(present.sum()),
                                **_hit_block(ci, hits[:, k], items[:, k], weights, group_resamples(weights, present))}
    out["end_to_end"] = {"gold_spans": _distance_block(ci, distance_table(gold, gold.spans(), candidates), weights)}
    if detected is not None:
        spans, found = detected
        out["end_to_end"]["detected_spans"] = {"spans": int(sum(map(len, spans))), **_distance_block(ci, distance_table(gold, spans, found), weights)}
    if confidences is not None or detected_confidences is not None:
        out["abstention"] = _abstention(ci, gold, candidates, confidences, cut, weights)
        kept = [metrics.withheld(c, f, cut) for c, f in zip(candidates, confidences or [None] * len(gold))]
        out["end_to_end"]["gold_spans_abstaining"] = _distance_block(ci, distance_table(gold, gold.spans(), kept), weights)
        if detected is not None:
            spans, found = detected
            kept = [metrics.withheld(c, f, cut) for c, f in zip(found, detected_confidences or [None] * len(gold))]
            out["end_to_end"]["detected_spans_abstaining"] = {"spans": int(sum(map(len, spans))), "shown": int(sum(bool(k) for doc in kept for k in doc)),
                                                               **_distance_block(ci, distance_table(gold, spans, kept), weights)}
    # The main score in every resample, for paired comparisons (the restoration leaderboard's ranks).
    s = list(HIT_SCORES).index(MAIN_SCORE_NAME)
    out["resamples"] = {MAIN_SCORE_NAME: [round(float(v), 6) for v in np.nan_to_num(share(weights @ all_hits[:, s], weights @ all_items))]}
    ci.fill()
    return out
