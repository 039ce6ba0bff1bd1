"""From gold labels and predicted scores to every reported number, with bootstrap intervals.

This is the only scoring path: ``evaluate`` and ``leaderboard --check`` both call
:func:`score_split`, so a stored result can always be recomputed from its predictions.
Intervals are percentile bootstraps over documents (seeded), vectorised: per-document counts
are summed under a (resamples x documents) matrix of resampling weights.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np

from harness.core.configs import rate_band
from harness.evaluation import metrics

_SPAN_KEYS = ("gold", "pred", "strict", "partial_gold", "partial_pred")


# With no positive example to learn from, a threshold cannot be chosen; this one is used.
FALLBACK_THRESHOLD = 0.5


@dataclass(frozen=True)
class Thresholds:
    """Token and document thresholds (spun if score >= threshold) and where they came from:
    ``"<config>/<split>"`` when chosen there by maximising F1, ``"given"`` when set by hand."""

    token: float
    document: float
    chosen_on: str

    def to_json(self) -> dict:
        return asdict(self)


def choose_threshold(gold: Sequence[Sequence[int]], scores: Sequence[Sequence[float]]) -> float:
    """The token threshold (spun if score >= threshold) that maximises token F1."""
    y = np.concatenate([np.asarray(g, dtype=bool) for g in gold]) if gold else np.zeros(0, bool)
    s = np.concatenate([np.asarray(x, dtype=float) for x in scores]) if scores else np.zeros(0)
    best = metrics.best_f1_cut(y, s)
    return FALLBACK_THRESHOLD if best is None else best


def choose_doc_threshold(y: Sequence[int], scores: Sequence[float]) -> float:
    """The document threshold that maximises document F1."""
    best = metrics.best_f1_cut(y, scores)
    return FALLBACK_THRESHOLD if best is None else best


def token_predictions(token_scores: Sequence[Sequence[float]], threshold: float) -> list[list[int]]:
    """1 where a token's score reaches the threshold (spun if score >= threshold), else 0."""
    return [[int(v >= threshold) for v in s] for s in token_scores]


def _interval(values: np.ndarray) -> list[float | None]:
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return [None, None]
    lo, hi = np.percentile(values, [2.5, 97.5])
    return [round(float(lo), 6), round(float(hi), 6)]


def _metric(point: float, boot: np.ndarray) -> dict:
    value = None if point is None or math.isnan(point) else round(float(point), 6)
    return {"value": value, "ci95": _interval(np.asarray(boot, dtype=float))}


def _weights(n_docs: int, n_boot: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(resamples x documents) counts of how often each document is drawn, and the draws."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_docs, size=(n_boot, n_docs))
    flat = (idx + np.arange(n_boot)[:, None] * n_docs).ravel()
    return np.bincount(flat, minlength=n_boot * n_docs).reshape(n_boot, n_docs).astype(float), idx


def _prf_block(counts: np.ndarray, boot: np.ndarray) -> dict:
    """counts: (tp, fp, fn) totals; boot: (B, 3) resampled totals."""
    p, r, f = metrics.prf(*counts)
    bp, br, bf = metrics.prf(boot[:, 0], boot[:, 1], boot[:, 2])
    return {"precision": _metric(p, bp), "recall": _metric(r, br), "f1": _metric(f, bf)}


def _span_blocks(counts: np.ndarray, boot: np.ndarray) -> dict:
    point = metrics.span_prf_from_counts(dict(zip(_SPAN_KEYS, counts)))
    resampled = metrics.span_prf_from_counts({k: boot[:, i] for i, k in enumerate(_SPAN_KEYS)})
    names = ("precision", "recall", "f1")
    return {
        f"span_{kind}": {n: _metric(v, b) for n, v, b in zip(names, point[kind], resampled[kind])}
        for kind in ("strict", "partial")
    }


def breakdown_groups(records: list[dict]) -> dict[str, list[str]]:
    """Each document's group in each breakdown: spinner recipe, spin-rate band, domain."""
    return {
        "recipe": [r["recipe"] for r in records],
        "rate_band": [rate_band(r["spin_rate"]) for r in records],
        "domain": [r["domain"] for r in records],
    }


def score_split(
    records: list[dict],
    token_scores: list[list[float]],
    doc_scores: list[float],
    token_threshold: float,
    doc_threshold: float,
    n_boot: int = 1000,
    seed: int = 0,
) -> dict:
    """All scores of one split. ``records`` are dataset records (``labels``, ``is_spun``,
    ``recipe``, ``spin_rate``, ``domain``); scores are aligned with them."""
    n = len(records)
    gold = [r["labels"] for r in records]
    pred = token_predictions(token_scores, token_threshold)
    tok = np.array([metrics.token_counts(g, p) for g, p in zip(gold, pred)], dtype=float).reshape(n, 3)
    spn = np.array([[metrics.span_counts(g, p)[k] for k in _SPAN_KEYS] for g, p in zip(gold, pred)], dtype=float).reshape(n, 5)
    y = np.array([int(r["is_spun"]) for r in records])
    s = np.asarray(doc_scores, dtype=float)
    d_pred = (s >= doc_threshold).astype(int)
    doc = np.stack([(y & d_pred), ((1 - y) & d_pred), (y & (1 - d_pred))], axis=1).astype(float)

    weights, idx = _weights(n, n_boot, seed)
    out = {"token": _prf_block(tok.sum(0), weights @ tok)}
    out.update(_span_blocks(spn.sum(0), weights @ spn))
    document = _prf_block(doc.sum(0), weights @ doc)
    document["auroc"] = _metric(metrics.auroc(y, s), np.array([metrics.auroc(y[i], s[i]) for i in idx]))
    document["auprc"] = _metric(metrics.auprc(y, s), np.array([metrics.auprc(y[i], s[i]) for i in idx]))
    out["document"] = document

    out["breakdown"] = {}
    for kind, keys in breakdown_groups(records).items():
        table = {}
        for key in sorted(set(keys)):
            mask = np.array([k == key for k in keys])
            block = _prf_block(tok[mask].sum(0), weights[:, mask] @ tok[mask])
            table[key] = {"documents": int(mask.sum()), "tokens": int(sum(len(g) for g, m in zip(gold, mask) if m)), **block}
        out["breakdown"][kind] = table
    return out
