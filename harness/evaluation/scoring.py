"""From gold labels and predicted scores to every reported number, with bootstrap intervals.

This is the only scoring path: ``evaluate`` and ``leaderboard --check`` both call
:func:`score_split`, so a stored result can always be recomputed from its predictions.
Intervals are percentile bootstraps over documents (seeded), vectorised: per-document counts
are summed under a (resamples x documents) matrix of resampling weights. A group's interval
(a breakdown group; the clean documents, for false alarms) leaves out the resamples that drew
none of its documents, and a group of fewer than :data:`MIN_GROUP_DOCUMENTS` has none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np

from harness.core.checks import is_probability
from harness.core.configs import CALIBRATION_SPLIT, CLEAN_REGIME, DEFAULT_CONFIG, rate_band
from harness.core.dataset import GoldColumns
from harness.core.errors import SpinbenchError
from harness.evaluation import metrics, quantification

# The bootstrap's (resamples x documents) weight matrix must fit in memory: 100,000 resamples of
# the largest split is about 2 GB.
MAX_RESAMPLES = 100_000
DEFAULT_RESAMPLES = 1000  # the leaderboard's
# With no positive example to learn from, a threshold cannot be chosen; this one is used.
FALLBACK_THRESHOLD = 0.5
# Where thresholds are chosen for every detector and every config.
CALIBRATED_ON = f"{DEFAULT_CONFIG}/{CALIBRATION_SPLIT}"
# The rule's name, recorded with the thresholds it sets (results from before it have none).
# Version 2 (issue 19) bounds the clean neighbours of swaps by calibration's count per spun token
# and keeps the calibration cut where the split is estimated to be spun less than calibration.
RULE_NAME = "estimated-f1-v2"
# The least scored set the rule estimates from; a smaller one keeps the calibration split's
# F1-optimal cuts. Tokens: this many (a set of one document has a rule of its own,
# harness.evaluation.one_text: its tokens are not independent draws); documents: this many
# documents (a mixture of a handful of document scores says little).
MIN_TOKENS = 1000
MIN_DOCUMENTS = 10
THRESHOLD_RULE = (
    f"estimated F1: on the scored split, the cut whose F1 is highest under a model of its scores fitted without its labels: "
    f"the {CALIBRATED_ON} scores of clean tokens (of clean documents; of spun ones away from a swap) and of spun tokens "
    f"with their neighbours (within {quantification.NEAR} tokens), the spun ones allowed to sit lower (an unfamiliar "
    f"spinner), mixed in the shares that best reproduce the split's scores; documents likewise; where the split is "
    f"estimated to be spun less than {CALIBRATED_ON}, or under {MIN_TOKENS:,} tokens (for documents, "
    f"under {MIN_DOCUMENTS} documents), the F1-optimal cuts on {CALIBRATED_ON}; a split of one document gets the "
    f"one-text cut (as `spinbench detect`: estimated from the document's own scores where it is long enough and "
    f"clearly more spun than {CALIBRATED_ON})"
)
GIVEN = "given"


@dataclass(frozen=True)
class Thresholds:
    """Token and document thresholds (spun if score >= threshold) and where they came from:
    ``"<config>/<split>"`` when chosen there, ``"given"`` when set by hand.

    Thresholds set by the rule (:data:`THRESHOLD_RULE`, ``rule`` = :data:`RULE_NAME`) carry the
    F1-optimal cuts on the calibration split (``calibration_token``, ``calibration_document``)
    and, once :meth:`applied_to` a scored split, what the rule estimated there: the share of its
    tokens (documents) that are spun and how far, in logits, their scores sit below calibration's
    (``token_spun_share``, ``token_shift``, ``document_spun_share``, ``document_shift``; None
    where the split was too small and the calibration cut was kept). The calibration split's
    reference distributions ride along unrecorded (``token_reference``, ``document_reference``):
    :func:`choose_thresholds` makes them, :meth:`applied_to` needs them. A threshold given by hand
    has none and is left alone."""

    token: float
    document: float
    chosen_on: str
    rule: str | None = None
    calibration_token: float | None = None
    calibration_document: float | None = None
    token_spun_share: float | None = None
    token_shift: float | None = None
    document_spun_share: float | None = None
    document_shift: float | None = None
    token_reference: quantification.Reference | None = field(default=None, compare=False, repr=False)
    document_reference: quantification.Reference | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.compare and getattr(self, f.name) is not None}

    @classmethod
    def from_json(cls, d: dict) -> Thresholds:
        """From a record; keys of an older rule's record (``token_share``, ``document_share``) are
        dropped, and its missing ``rule`` says it was not this rule's."""
        return cls(**{f.name: d.get(f.name) for f in fields(cls) if f.compare})

    def applied_to(self, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float]) -> Thresholds:
        """The rule's cuts for a scored split, from its scores alone: per document, ``token_scores``
        and ``doc_scores``. Thresholds without a reference (given by hand, or read from a file) are
        returned as they are."""
        token, document = self.token, self.document
        token_estimate = document_estimate = None
        if self.token_reference is not None and len(token_scores) == 1:
            token, token_estimate = _one_text_cut(self, token_scores[0], doc_scores[0] if len(doc_scores) else None)
        elif self.token_reference is not None:
            flat = _concat(token_scores)
            token, token_estimate = _rule_cut(self.token_reference, flat, self.calibration_token, len(flat) >= MIN_TOKENS)
        if self.document_reference is not None:
            enough = len(doc_scores) >= MIN_DOCUMENTS
            document, document_estimate = _rule_cut(self.document_reference, np.asarray(doc_scores, dtype=float), self.calibration_document, enough)
        estimates = {}
        for unit, est, ref in (("token", token_estimate, self.token_reference), ("document", document_estimate, self.document_reference)):
            if ref is not None:
                estimates[f"{unit}_spun_share"] = None if est is None else est.spun
                estimates[f"{unit}_shift"] = None if est is None else est.shift
        return replace(self, token=token, document=document, **estimates)

    def describe(self) -> str:
        """One line for people: the cuts used and how they were set."""
        used = f"token {self.token:.4f}, document {self.document:.4f}"
        if self.rule != RULE_NAME:
            if GIVEN in self.chosen_on and self.chosen_on != GIVEN:
                return f"thresholds {used} ({self.chosen_on})"
            origin = "given by hand" if self.chosen_on == GIVEN else f"as recorded; chosen on {self.chosen_on}"
            return f"thresholds {used} ({origin})"
        parts, estimated = [], []
        for unit, share, shift, cut, applied, ref in (
                ("token", self.token_spun_share, self.token_shift, self.calibration_token, self.token, self.token_reference),
                ("document", self.document_spun_share, self.document_shift, self.calibration_document, self.document, self.document_reference)):
            if cut is None:
                continue
            estimated.append(share is not None)
            if share is None:
                small = (f"under {MIN_TOKENS:,} tokens, or one text not clearly more spun than {CALIBRATED_ON}" if unit == "token"
                         else f"under {MIN_DOCUMENTS} documents")
                parts.append(f"{unit}s: the F1-optimal cut on {CALIBRATED_ON} ({cut:.4f}), too few to estimate from ({small})")
            else:
                kept = ""
                if applied == cut and ref is None:  # read back from a file: which reason held is not recorded
                    kept = f", kept: estimated to be spun less than {CALIBRATED_ON}, or no cut does better"
                elif applied == cut:
                    kept = (f", kept: estimated to be spun less than {CALIBRATED_ON} ({ref.spun_share:.1%})" if share < ref.spun_share
                            else ", kept: no cut does better under the fitted model")
                parts.append(f"{unit}s: about {share:.1%} spun, spun scores {0.0 - shift:.2f} logits lower than on {CALIBRATED_ON} (cut {cut:.4f} there{kept})")
        mixed = f" ({self.chosen_on})" if GIVEN in self.chosen_on else ""
        head = ("" if not any(estimated) else "the rule, from this split's scores without its labels; " if all(estimated)
                else "the rule, from this split's scores without its labels where it is large enough; ")
        return f"thresholds {used}{mixed}: {head}" + "; ".join(parts)

    @staticmethod
    def check_given(token: float | None, document: float | None) -> None:
        """Thresholds given by hand must be numbers in [0, 1] (None: not given)."""
        for what, value in (("threshold (--threshold)", token), ("doc_threshold (--doc-threshold)", document)):
            if value is not None and not is_probability(value):
                raise SpinbenchError(f"{what} must be a number in [0, 1], not {value!r}")

    @classmethod
    def override(cls, base: Thresholds | None, token: float | None, document: float | None) -> Thresholds:
        """``base`` with the thresholds given by hand put in, and ``chosen_on`` saying so."""
        cls.check_given(token, document)
        if base is None and (token is None or document is None):
            raise SpinbenchError("give both thresholds: threshold= and doc_threshold= (--threshold and --doc-threshold)")
        if token is not None and document is not None:
            return cls(float(token), float(document), GIVEN)
        assert base is not None
        if token is not None:
            return replace(base, token=float(token), chosen_on=f"token: {GIVEN}; document: {base.chosen_on}", calibration_token=None,
                           token_spun_share=None, token_shift=None, token_reference=None)
        return replace(base, document=float(document), chosen_on=f"token: {base.chosen_on}; document: {GIVEN}", calibration_document=None,
                       document_spun_share=None, document_shift=None, document_reference=None)


def _concat(token_scores: Sequence[Sequence[float]]) -> np.ndarray:
    return np.concatenate([np.asarray(t, dtype=float) for t in token_scores]) if len(token_scores) else np.zeros(0)


def _one_text_cut(thresholds: Thresholds, scores: Sequence[float], doc_score: float | None):
    """(cut, estimate) of a set of one document: the one-text rule's cut, and its estimate where
    the cut was estimated (else None: the text was too short, or not clearly spun)."""
    from harness.evaluation.one_text import one_text_cut  # it stands on this module

    cut = one_text_cut(thresholds, scores, doc_score)
    moved = cut.spun_share is not None and cut.cut != cut.calibration
    return cut.cut, (quantification.Estimate((), cut.spun_share, cut.shift, float("nan")) if moved else None)


def _rule_cut(ref: quantification.Reference, scores: np.ndarray, calibration_cut: float | None, enough: bool):
    """(cut, estimate) of the rule on one level's scores; the calibration cut and no estimate
    for a set too small to estimate from."""
    if not enough or not len(scores):
        return calibration_cut, None
    return quantification.rule_cut(ref, scores, calibration_cut)


def choose_thresholds(truth: GoldColumns, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float]) -> Thresholds:
    """The rule's thresholds (:data:`THRESHOLD_RULE`), chosen on ``truth`` (the calibration
    split) from a detector's scores there: its F1-optimal cuts, and the reference distributions
    that :meth:`Thresholds.applied_to` moves them with on a scored split. Every detector's
    thresholds come from here."""
    s, d = _concat(token_scores), np.asarray(doc_scores, dtype=float)
    y, spun_docs = truth.labels.astype(bool), truth.is_spun.astype(bool)
    token, document = best_cut(y, s), best_cut(spun_docs.astype(int), d)
    in_spun_doc = np.repeat(spun_docs, truth.lengths)
    token_ref = None
    if len(s) == len(y):
        near = quantification.near_spun(y, truth.lengths)
        token_ref = quantification.reference([s[~in_spun_doc], s[in_spun_doc & ~y & ~near]], s[y], s[near])
    document_ref = quantification.reference([d[~spun_docs]], d[spun_docs]) if len(d) == len(spun_docs) else None
    return Thresholds(token, document, CALIBRATED_ON, RULE_NAME, token, document, token_reference=token_ref, document_reference=document_ref)


def best_cut(y: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold (spun if score >= threshold) that maximises F1, or the fallback with no positive."""
    best = metrics.best_f1_cut(y, scores)
    return FALLBACK_THRESHOLD if best is None else best


def token_predictions(token_scores: Sequence[Sequence[float]], threshold: float) -> list[list[int]]:
    """1 where a token's score reaches the threshold (spun if score >= threshold), else 0."""
    return [[int(v >= threshold) for v in s] for s in token_scores]


# Below this many documents, a group's bootstrap interval describes the resampling more than the
# detector (one document gives an interval from 0 to its own score): the group gets none.
MIN_GROUP_DOCUMENTS = 5


def _group_resamples(weights: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Which resamples hold at least one of the group's documents: the others have no value for
    it, rather than a value of 0. None of them when the group is too small for an interval."""
    if mask.sum() < MIN_GROUP_DOCUMENTS:
        return np.zeros(len(weights), dtype=bool)
    return weights[:, mask].sum(axis=1) > 0


def _left_out(boot: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """``boot`` with NaN in the resamples not kept (NaN resamples are out of the interval)."""
    return boot if keep is None else np.where(keep, boot, np.nan)


def breakdown_groups(truth: GoldColumns) -> dict[str, list[str]]:
    """Each document's group in each breakdown: spin regime, spinner recipe, spin-rate band, domain."""
    return {"regime": list(truth.regime), "recipe": list(truth.recipe), "rate_band": [rate_band(r) for r in truth.spin_rate], "domain": list(truth.domain)}


def _regime_blocks(ci: _Intervals, truth: GoldColumns, gold: np.ndarray, scores: np.ndarray, doc_index: np.ndarray,
                   doc_scores: np.ndarray, weights: np.ndarray) -> dict:
    """Each spin regime's documents scored against the clean documents: does a detector tell a
    sparsely spun document from a clean one, and find its few spun tokens among clean tokens?
    Per regime: document AUROC, AUPRC and TPR at low FPR (clean documents the negatives), and the
    same over tokens (the regime's spun tokens against every token of the clean documents)."""
    regimes = np.asarray(truth.regime)
    clean = regimes == CLEAN_REGIME
    out = {}
    for regime in sorted(set(regimes.tolist()) - {CLEAN_REGIME}):
        docs = clean | (regimes == regime)
        sub = weights[:, docs]
        doc_block = _ranking_block(ci, truth.is_spun[docs], doc_scores[docs], np.arange(int(docs.sum())), sub, None)
        in_docs = docs[doc_index]
        # tokens: positives the regime's spun tokens, negatives the clean documents' tokens
        tokens = in_docs & (gold | clean[doc_index])
        renumber = np.cumsum(docs) - 1
        token_block = _ranking_block(ci, gold[tokens], scores[tokens], renumber[doc_index[tokens]], sub, TOKEN_RANKING_BINS)
        out[regime] = {"documents": int((regimes == regime).sum()), "clean_documents": int(clean.sum()),
                       "document": doc_block, "token": {k: token_block[k] for k in ("auroc", *FPR_POINTS)}}
    return out


class _Intervals:
    """Collects (point, resampled values) pairs as the scores are built, then computes every
    95% percentile interval in one call (NaN resamples left out)."""

    def __init__(self):
        self._pending: list[tuple[dict, np.ndarray]] = []

    def metric(self, point: float, boot: np.ndarray) -> dict:
        value = None if point is None or math.isnan(point) else round(float(point), 6)
        out = {"value": value, "ci95": [None, None]}
        self._pending.append((out, np.asarray(boot, dtype=float)))
        return out

    def fill(self) -> None:
        if not self._pending:
            return
        width = max(len(b) for _, b in self._pending)
        table = np.full((len(self._pending), width), np.nan)
        for i, (_, boot) in enumerate(self._pending):
            table[i, : len(boot)] = boot
        ends = _nan_percentiles(table, (2.5, 97.5))
        for (out, _), lo, hi in zip(self._pending, *ends):
            if not math.isnan(lo):
                out["ci95"] = [round(float(lo), 6), round(float(hi), 6)]
        self._pending.clear()


def _nan_percentiles(table: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """``np.nanpercentile(table, qs, axis=1)`` (linear interpolation), every row at once: NaN
    where a row has no number."""
    ordered = np.sort(table, axis=1)  # NaN sort last
    count = np.sum(~np.isnan(table), axis=1)
    out = np.full((len(qs), len(table)), np.nan)
    rows = np.nonzero(count)[0]
    for i, q in enumerate(qs):
        pos = q / 100 * (count[rows] - 1)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, count[rows] - 1)
        a, b = ordered[rows, lo], ordered[rows, hi]
        out[i, rows] = a + (b - a) * (pos - lo)
    return out


def _weights(n_docs: int, n_boot: int, seed: int) -> np.ndarray:
    """(resamples x documents): how often each document is drawn in each bootstrap resample."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n_docs, size=(n_boot, n_docs))
    flat = (idx + np.arange(n_boot)[:, None] * n_docs).ravel()
    return np.bincount(flat, minlength=n_boot * n_docs).reshape(n_boot, n_docs).astype(float)


def _prf_block(ci: _Intervals, counts: np.ndarray, boot: np.ndarray, keep: np.ndarray | None = None) -> dict:
    """counts: (tp, fp, fn) totals; boot: (B, 3) resampled totals; keep: the resamples that
    count for the interval (all when None)."""
    p, r, f = metrics.prf(*counts)
    bp, br, bf = (_left_out(b, keep) for b in metrics.prf(boot[:, 0], boot[:, 1], boot[:, 2]))
    return {"precision": ci.metric(p, bp), "recall": ci.metric(r, br), "f1": ci.metric(f, bf)}


def _span_blocks(ci: _Intervals, counts: np.ndarray, boot: np.ndarray) -> dict:
    point = metrics.span_prf_from_counts(dict(zip(metrics.SPAN_KEYS, counts)))
    resampled = metrics.span_prf_from_counts({k: boot[:, i] for i, k in enumerate(metrics.SPAN_KEYS)})
    names = ("precision", "recall", "f1")
    return {
        f"span_{kind}": {n: ci.metric(v, b) for n, v, b in zip(names, point[kind], resampled[kind])}
        for kind in ("strict", "partial")
    }


# Token scores take up to 10,001 distinct values (4 decimals); their bootstrap intervals use
# this many quantile levels instead, which moves interval ends by about 0.001 at most on the
# baselines' predictions (tests/test_scoring.py bounds it) and makes them fast. Point values,
# and everything about documents, use every distinct score.
TOKEN_RANKING_BINS = 1024


# Detection practice's operating points: the share of positives caught while at most this share
# of negatives is flagged (RAID and AI-text detection report TPR at 1% and 5% FPR).
FPR_POINTS = {"tpr_at_1pct_fpr": 0.01, "tpr_at_5pct_fpr": 0.05}


def _ranking_block(ci: _Intervals, y: np.ndarray, scores: np.ndarray, groups: np.ndarray, weights: np.ndarray, bins: int | None) -> dict:
    """AUROC, AUPRC and TPR at low FPR (:data:`FPR_POINTS`), with bootstrap intervals (see
    :func:`metrics.ranking_scores` and :func:`metrics.tpr_at_fpr`)."""
    point, boot = metrics.level_counts(y, scores), metrics.level_counts(y, scores, groups, weights, bins=bins)
    if not point[0].shape[1]:  # nothing scored
        nan = np.full(len(weights), np.nan)
        return {name: ci.metric(float("nan"), nan) for name in ("auroc", "auprc", *FPR_POINTS)}
    (point_roc, point_ap), (boot_roc, boot_ap) = metrics.areas(*point), metrics.areas(*boot)
    out = {"auroc": ci.metric(point_roc[0], boot_roc), "auprc": ci.metric(point_ap[0], boot_ap)}
    for name, fpr in FPR_POINTS.items():
        out[name] = ci.metric(metrics.tpr_at_fpr(*point, fpr)[0], metrics.tpr_at_fpr(*boot, fpr))
    return out


def _false_alarm_block(ci: _Intervals, tok: np.ndarray, lengths: np.ndarray, spun: np.ndarray, weights: np.ndarray) -> dict:
    """False alarms on clean documents: the share of them with any token flagged, and flagged
    tokens per 1,000 of their tokens. Their intervals follow the clean documents as a group."""
    clean = ~spun
    keep = _group_resamples(weights, clean)
    flagged = tok[:, 1] * clean  # a clean document has no spun token: every flag is false
    any_flag = (flagged > 0).astype(float)
    docs, tokens = clean.astype(float), lengths * clean
    none = float("nan") if not docs.sum() else None  # no clean document: no false-alarm rate at all
    share = none or metrics.ratio(any_flag.sum(), docs.sum()), _left_out(metrics.ratio(weights @ any_flag, weights @ docs), keep)
    per_1k = none or metrics.ratio(1000 * flagged.sum(), tokens.sum()), _left_out(metrics.ratio(1000 * (weights @ flagged), weights @ tokens), keep)
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


def _per_document_block(ci: _Intervals, gold: np.ndarray, scores: np.ndarray, offsets: np.ndarray, cuts: np.ndarray, spun: np.ndarray,
                        weights: np.ndarray) -> dict:
    """Token F1 averaged over the spun documents, each at its own cut (the way a user who runs
    ``spinbench detect`` on one text meets a detector), with an interval over resampled documents."""
    spun = spun.astype(bool)
    f1 = per_document_f1(gold, scores, offsets, cuts) * spun
    point = float(f1.sum() / spun.sum()) if spun.any() else float("nan")
    boot = _left_out(metrics.ratio(weights @ f1, weights @ spun.astype(float)), _group_resamples(weights, spun))
    return {"spun_documents": int(spun.sum()), "token_f1": ci.metric(point, boot)}


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
    scores = np.concatenate([np.asarray(t, dtype=float) for t in token_scores]) if n else np.zeros(0)
    doc_index = np.repeat(np.arange(n), lengths)
    pred = scores >= token_threshold
    tok = metrics.token_counts_by_doc(gold, pred, offsets)
    spn = metrics.span_counts_by_doc(gold, pred, offsets)
    y = truth.is_spun
    s = np.asarray(doc_scores, dtype=float)
    d_pred = s >= doc_threshold
    doc = np.stack([y & d_pred, ~y & d_pred, y & ~d_pred], axis=1).astype(float)

    weights = _weights(n, n_boot, seed)
    ci = _Intervals()
    out = {"token": {**_prf_block(ci, tok.sum(0), weights @ tok), **_ranking_block(ci, gold, scores, doc_index, weights, TOKEN_RANKING_BINS)}}
    out.update(_span_blocks(ci, spn.sum(0), weights @ spn))
    out["document"] = {**_prf_block(ci, doc.sum(0), weights @ doc), **_ranking_block(ci, y, s, np.arange(n), weights, None)}
    out["false_alarms"] = _false_alarm_block(ci, tok, lengths, y, weights)
    cuts = np.full(n, token_threshold, dtype=float) if document_cuts is None else np.asarray(document_cuts, dtype=float)
    out["per_document"] = _per_document_block(ci, gold, scores, offsets, cuts, y, weights)
    out["regimes"] = _regime_blocks(ci, truth, gold, scores, doc_index, s, weights)
    # The main score in every resample, for paired comparisons between models scored on the
    # same documents with the same resampling (the leaderboard's ranks: metrics.paired_interval).
    out["resamples"] = {"token_f1": [round(float(v), 6) for v in metrics.prf(*(weights @ tok).T)[2]]}

    out["breakdown"] = {}
    for kind, keys in breakdown_groups(truth).items():
        keys = np.asarray(keys)
        table = {}
        for key in sorted(set(keys.tolist())):
            mask = keys == key
            block = _prf_block(ci, tok[mask].sum(0), weights[:, mask] @ tok[mask], _group_resamples(weights, mask))
            table[key] = {"documents": int(mask.sum()), "tokens": int(lengths[mask].sum()), **block}
        out["breakdown"][kind] = table
    ci.fill()
    return out
