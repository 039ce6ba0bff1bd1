"""From gold labels and predicted scores to every reported number, with bootstrap intervals.

This is the only scoring path: ``evaluate`` and ``leaderboard --check`` both call
:func:`score_split`, so a stored result can always be recomputed from its predictions.
Intervals are percentile bootstraps over documents (:mod:`harness.runs.bootstrap`): per-document
counts are summed under a (resamples x documents) matrix of resampling weights.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from harness.core.configs import CLEAN_REGIME, rate_band
from harness.core.dataset import GoldColumns
from harness.evaluation import metrics
from harness.evaluation.one_text import one_text_cuts
from harness.evaluation.ranking import Counts, RankedSplit, ranking_scores
from harness.evaluation.thresholds import Thresholds
from harness.runs.bootstrap import Intervals, group_resamples, left_out, ratio
from harness.runs.bootstrap import weights as resample_weights


def breakdown_groups(truth: GoldColumns) -> dict[str, list[str]]:
    """Each document's group in each breakdown: spin regime, spinner recipe, spin-rate band, domain."""
    return {"regime": list(truth.regime), "recipe": list(truth.recipe), "rate_band": [rate_band(r) for r in truth.spin_rate], "domain": list(truth.domain)}


def _regime_blocks(ci: Intervals, truth: GoldColumns, ranked: RankedSplit) -> dict:
    """Each spin regime's documents scored against the clean documents: does a detector tell a
    sparsely spun document from a clean one, and find its few spun tokens among clean tokens?
    Per regime: document AUROC, AUPRC and TPR at low FPR (clean documents the negatives), and the
    same over tokens (the regime's spun tokens against every token of the clean documents)."""
    regimes = np.asarray(truth.regime)
    clean = regimes == CLEAN_REGIME
    out = {}
    for regime in sorted(set(regimes.tolist()) - {CLEAN_REGIME}):
        mine = regimes == regime
        doc_block = _ranking_block(ci, *ranked.document_counts(clean | mine))
        token_block = _ranking_block(ci, *ranked.token_counts(mine, clean), auprc=False)
        out[regime] = {"documents": int(mine.sum()), "clean_documents": int(clean.sum()), "document": doc_block, "token": token_block}
    return out


def _prf_block(ci: Intervals, counts: np.ndarray, boot: np.ndarray, keep: np.ndarray | None = None) -> dict:
    """counts: (tp, fp, fn) totals; boot: (B, 3) resampled totals; keep: the resamples that
    count for the interval (all when None)."""
    points = metrics.prf(*counts)
    resampled = metrics.prf(boot[:, 0], boot[:, 1], boot[:, 2])
    return {name: ci.metric(point, left_out(b, keep)) for name, point, b in zip(_PRF, points, resampled)}


_PRF = ("precision", "recall", "f1")


def _breakdown_table(ci: Intervals, keys: Sequence[str], tok: np.ndarray, lengths: np.ndarray, weights: np.ndarray) -> dict:
    """Token precision, recall and F1 of each group of documents (``keys``: each document's
    group), every group's resampled counts made by one product."""
    names = sorted(set(keys))
    member = np.zeros((len(keys), len(names)))
    member[np.arange(len(keys)), [names.index(k) for k in keys]] = 1.0
    # (resamples x groups x (tp, fp, fn)), and each resample's draws of each group's documents
    resampled = (weights @ (member[:, :, None] * tok[:, None, :]).reshape(len(keys), -1)).reshape(len(weights), len(names), 3)
    drawn = weights @ member
    # every group's precision, recall and F1 at once: (groups,) points, (resamples x groups) resamples
    points = metrics.prf(*(member.T @ tok).T)
    resampled_prf = metrics.prf(resampled[..., 0], resampled[..., 1], resampled[..., 2])
    table = {}
    for j, key in enumerate(names):
        mask = member[:, j].astype(bool)
        keep = group_resamples(weights, mask, drawn[:, j])
        block = {name: ci.metric(float(point[j]), left_out(boot[:, j], keep)) for name, point, boot in zip(_PRF, points, resampled_prf)}
        table[key] = {"documents": int(mask.sum()), "tokens": int(lengths[mask].sum()), **block}
    return table


def _span_blocks(ci: Intervals, counts: np.ndarray, boot: np.ndarray) -> dict:
    point = metrics.span_prf_from_counts(dict(zip(metrics.SPAN_KEYS, counts)))
    resampled = metrics.span_prf_from_counts({k: boot[:, i] for i, k in enumerate(metrics.SPAN_KEYS)})
    names = ("precision", "recall", "f1")
    return {
        f"span_{kind}": {n: ci.metric(v, b) for n, v, b in zip(names, point[kind], resampled[kind])}
        for kind in ("strict", "partial")
    }


# Detection practice's operating points: the share of positives caught while at most this share
# of negatives is flagged (RAID and AI-text detection report TPR at 1% and 5% FPR).
FPR_POINTS = {"tpr_at_1pct_fpr": 0.01, "tpr_at_5pct_fpr": 0.05}


def _ranking_block(ci: Intervals, point: Counts, boot: Counts, auprc: bool = True) -> dict:
    """AUROC, AUPRC (unless ``auprc`` is False) and TPR at low FPR (:data:`FPR_POINTS`), with
    bootstrap intervals, from :class:`~harness.evaluation.ranking.RankedSplit`'s counts."""
    if not point[0].n_levels:  # nothing scored
        nan = np.full(len(boot[0].weights), np.nan)
        return {name: ci.metric(float("nan"), nan) for name in ("auroc", *(("auprc",) if auprc else ()), *FPR_POINTS)}
    return {name: ci.metric(value, resampled) for name, (value, resampled) in ranking_scores(point, boot, FPR_POINTS, auprc).items()}


def _false_alarm_block(ci: Intervals, tok: np.ndarray, lengths: np.ndarray, spun: np.ndarray, weights: np.ndarray) -> dict:
    """False alarms on clean documents: the share of them with any token flagged, and flagged
    tokens per 1,000 of their tokens. Their intervals follow the clean documents as a group."""
    clean = ~spun
    keep = group_resamples(weights, clean)
    flagged = tok[:, 1] * clean  # a clean document has no spun token: every flag is false
    any_flag = (flagged > 0).astype(float)
    docs, tokens = clean.astype(float), lengths * clean
    nan = float("nan")  # no clean document: no false-alarm rate at all
    share = ratio(any_flag.sum(), docs.sum(), nan), left_out(ratio(weights @ any_flag, weights @ docs, nan), keep)
    per_1k = ratio(1000 * flagged.sum(), tokens.sum(), nan), left_out(ratio(1000 * (weights @ flagged), weights @ tokens, nan), keep)
    return {
        "clean_documents": int(docs.sum()),
        "clean_tokens": int(tokens.sum()),
        "documents_flagged": ci.metric(*share),
        "flagged_per_1k_tokens": ci.metric(*per_1k),
    }


def per_document_f1(gold: np.ndarray, scores: np.ndarray, offsets: np.ndarray, cuts: np.ndarray) -> np.ndarray:
    """Token F1 of each document at its own cut (``cuts``: one per document; ``offsets``: where
    each document's tokens start in ``gold`` and ``scores``, and where the last ends); 0 for a
    document without a spun token (its F1 is undefined: the caller leaves it out)."""
    pred = scores >= np.repeat(cuts, np.diff(offsets))
    counts = metrics.token_counts_by_doc(gold, pred, offsets)
    return np.asarray(metrics.prf(counts[:, 0], counts[:, 1], counts[:, 2])[2], dtype=float)


def _per_document_block(ci: Intervals, gold: np.ndarray, scores: np.ndarray, offsets: np.ndarray, cuts: np.ndarray, spun: np.ndarray,
                        weights: np.ndarray) -> dict:
    """Token F1 averaged over the spun documents, each at its own cut (the way a user who runs
    ``spinbench detect`` on one text meets a detector), with an interval over resampled documents."""
    spun = spun.astype(bool)
    f1 = per_document_f1(gold, scores, offsets, cuts) * spun
    point = ratio(f1.sum(), spun.sum(), float("nan"))
    boot = left_out(ratio(weights @ f1, weights @ spun.astype(float), float("nan")), group_resamples(weights, spun))
    return {"spun_documents": int(spun.sum()), "token_f1": ci.metric(point, boot)}


def _flat(token_scores: Sequence[Sequence[float]], total: int) -> np.ndarray:
    """Every document's token scores end to end, as floats: lists (as read from a predictions
    file) in one pass, arrays joined."""
    if sum(map(len, token_scores)) != total:
        raise ValueError(f"{sum(map(len, token_scores))} token scores for {total} gold tokens")
    if all(isinstance(t, np.ndarray) for t in token_scores):
        return np.concatenate([t.astype(float, copy=False) for t in token_scores]) if token_scores else np.zeros(0)
    return np.fromiter(itertools.chain.from_iterable(token_scores), dtype=float, count=total)


def score_by_rule(truth: GoldColumns, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float], thresholds: Thresholds,
                  n_boot: int = 1000, seed: int = 0) -> tuple[Thresholds, dict]:
    """``thresholds`` moved to these scores by the rule (:meth:`Thresholds.for_split`; cuts given
    by hand, or read from a header, are left alone), and every score at them, each spun document
    also at its own one-text cut (the per-document view: :func:`harness.evaluation.one_text.one_text_cuts`).
    ``evaluate`` and :func:`~harness.evaluation.predictions.score_predictions_file` (so
    ``leaderboard --check``) score through here."""
    chosen = thresholds.for_split(token_scores, doc_scores)
    cuts = one_text_cuts(chosen, token_scores, doc_scores)
    return chosen, score_split(truth, token_scores, doc_scores, chosen.token, chosen.document, n_boot=n_boot, seed=seed, document_cuts=cuts)


def score_split(
    truth: GoldColumns,
    token_scores: Sequence[Sequence[float]],
    doc_scores: Sequence[float],
    token_threshold: float,
    doc_threshold: float,
    n_boot: int = 1000,
    seed: int = 0,
    document_cuts: Sequence[float] | None = None,
) -> dict:
    """All scores of one split: ``truth`` is its gold standard (``Split.gold``, or
    ``GoldColumns.from_records``); scores are aligned with its documents. Every count is kept per
    document, so a bootstrap resample is a weighted sum of document rows. ``document_cuts``: the
    token cut of each document scored alone (:func:`harness.evaluation.one_text.one_text_cuts`),
    for the per-document view; None: ``token_threshold`` for every document."""
    n = len(truth)
    lengths, offsets = truth.lengths, truth.offsets
    gold = truth.labels.astype(bool)
    scores = _flat(token_scores, int(offsets[-1]) if n else 0)
    doc_index = np.repeat(np.arange(n), lengths)
    pred = scores >= token_threshold
    tok = metrics.token_counts_by_doc(gold, pred, offsets)
    spn = metrics.span_counts_by_doc(gold, pred, offsets)
    y = truth.is_spun
    s = np.asarray(doc_scores, dtype=float)
    d_pred = s >= doc_threshold
    doc = np.stack([y & d_pred, ~y & d_pred, y & ~d_pred], axis=1).astype(float)

    weights = resample_weights(n, n_boot, seed)
    ci = Intervals()
    ranked = RankedSplit(gold, scores, doc_index, y, s, weights)
    out = {"token": {**_prf_block(ci, tok.sum(0), weights @ tok), **_ranking_block(ci, *ranked.token_counts())}}
    out.update(_span_blocks(ci, spn.sum(0), weights @ spn))
    out["document"] = {**_prf_block(ci, doc.sum(0), weights @ doc), **_ranking_block(ci, *ranked.document_counts())}
    out["false_alarms"] = _false_alarm_block(ci, tok, lengths, y, weights)
    cuts = np.full(n, token_threshold, dtype=float) if document_cuts is None else np.asarray(document_cuts, dtype=float)
    out["per_document"] = _per_document_block(ci, gold, scores, offsets, cuts, y, weights)
    out["regimes"] = _regime_blocks(ci, truth, ranked)
    # The main score in every resample, for paired comparisons between models scored on the
    # same documents with the same resampling (the leaderboard's ranks: harness.runs.bootstrap.paired_interval).
    out["resamples"] = {"token_f1": [round(float(v), 6) for v in metrics.prf(*(weights @ tok).T)[2]]}

    out["breakdown"] = {kind: _breakdown_table(ci, keys, tok, lengths, weights) for kind, keys in breakdown_groups(truth).items()}
    ci.fill()
    return out
