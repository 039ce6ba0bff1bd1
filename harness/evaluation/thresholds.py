"""Thresholds: the cuts at which a detector's scores flag tokens and documents as spun, and the one
rule that chooses them for every detector (:data:`THRESHOLD_RULE`).

:func:`choose_thresholds` takes a detector's scores on ``news``/validation (labelled) and
returns :class:`Thresholds`: the F1-optimal cuts there, with the reference score distributions
the rule needs; :meth:`Thresholds.for_split` moves them to a scored split from its scores alone
(:mod:`harness.evaluation.quantification`). ``evaluate``, ``rescore``, ``leaderboard --check``
and ``detect`` all take their thresholds from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace

import numpy as np

from harness.core.checks import is_probability
from harness.core.configs import THRESHOLDS_CHOSEN_ON
from harness.core.dataset import GoldColumns
from harness.core.errors import SpinbenchError
from harness.evaluation import metrics, one_text, quantification

# With no positive example to learn from, a threshold cannot be chosen; this one is used.
FALLBACK_THRESHOLD = 0.5
# The rule's name, recorded with the thresholds it sets (results from before it have none; what
# each version changed: docs/changelog.md).
RULE_NAME = "estimated-f1-v5"
# The least scored set the rule estimates from; a smaller one keeps the validation split's
# F1-optimal cuts. Tokens: this many (a set of one document has a rule of its own,
# harness.evaluation.one_text: its tokens are not independent draws); documents: this many
# documents (a mixture of a handful of document scores says little).
MIN_TOKENS = 1000
MIN_DOCUMENTS = 10
THRESHOLD_RULE = (
    f"estimated F1: on the scored split, the cut whose F1 is highest under a model of its scores fitted without its labels: "
    f"the {THRESHOLDS_CHOSEN_ON} scores of clean tokens (of clean documents; of spun ones away from a swap) and of spun tokens "
    f"with their neighbours (within {quantification.NEAR} tokens), the spun ones allowed to sit lower (an unfamiliar "
    f"spinner), mixed in the shares that best reproduce the split's scores; documents likewise; where the split is "
    f"estimated to be spun less than {THRESHOLDS_CHOSEN_ON}, or whose token scores are fitted worse than sampling explains "
    f"(misfit times the root of its tokens over {quantification.MAX_MISFIT}: both cuts), or under {MIN_TOKENS:,} tokens (for documents, "
    f"under {MIN_DOCUMENTS} documents), the F1-optimal cuts on {THRESHOLDS_CHOSEN_ON}; a split of one document gets the "
    f"one-text cut (as `spinbench detect`: estimated from the document's own scores where it is long enough and "
    f"clearly more spun than {THRESHOLDS_CHOSEN_ON})"
)
# The rule in one sentence, where a page states it (the leaderboard's header, detect's output).
RULE_SUMMARY = (f"on each scored split, the cut with the best F1 estimated without its labels, from a mixture of the model's "
                f"{THRESHOLDS_CHOSEN_ON} score distributions fitted to the split's scores")
GIVEN = "given"
_RENAMED = {"calibration_token": "validation_token", "calibration_document": "validation_document"}  # results schema 1's names



def _digits_apart(a: float, b: float) -> int:
    """Decimals of a percentage that tell ``a`` from ``b`` (1 to 3).

    >>> _digits_apart(0.1412, 0.1408), _digits_apart(0.10, 0.20)
    (2, 1)
    """
    return next((d for d in (1, 2) if f"{a:.{d}%}" != f"{b:.{d}%}"), 3)

@dataclass(frozen=True)
class Thresholds:
    """Token and document thresholds (spun if score >= threshold) and where they came from:
    ``"<config>/<split>"`` when chosen there, ``"given"`` when set by hand.

    Thresholds set by the rule (:data:`THRESHOLD_RULE`, ``rule`` = :data:`RULE_NAME`) carry the
    F1-optimal cuts on the validation split (``validation_token``, ``validation_document``)
    and, once moved to a scored split (:meth:`for_split`), what the rule estimated there: the share of its
    tokens (documents) that are spun and how far, in logits, their scores sit below validation's
    (``token_spun_share``, ``token_shift``, ``document_spun_share``, ``document_shift``; None
    where the split was too small and the validation cut was kept), and how far the token model
    misses the split's scores in units of sampling noise (``token_misfit``: the rule keeps the
    validation token cut above :data:`~harness.evaluation.quantification.MAX_MISFIT`). The validation split's
    reference distributions ride along unrecorded (``token_reference``, ``document_reference``):
    :func:`choose_thresholds` makes them, :meth:`for_split` needs them. A threshold given by hand
    has none and is left alone."""

    token: float
    document: float
    chosen_on: str
    rule: str | None = None
    validation_token: float | None = None
    validation_document: float | None = None
    token_spun_share: float | None = None
    token_shift: float | None = None
    token_misfit: float | None = None
    document_spun_share: float | None = None
    document_shift: float | None = None
    token_reference: quantification.Reference | None = field(default=None, compare=False, repr=False)
    document_reference: quantification.Reference | None = field(default=None, compare=False, repr=False)

    def to_json(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.compare and getattr(self, f.name) is not None}

    @classmethod
    def from_json(cls, d: dict) -> Thresholds:
        """From a record; keys of an older rule's record (``token_share``, ``document_share``) are
        dropped, and its missing ``rule`` says it was not this rule's. Records written before
        results schema 2 name the validation cuts ``calibration_token``/``calibration_document``."""
        d = {_RENAMED.get(k, k): v for k, v in d.items()}
        return cls(**{f.name: d.get(f.name) for f in fields(cls) if f.compare})

    def for_split(self, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float]) -> Thresholds:
        """The rule's cuts for a scored split, from its scores alone: per document, ``token_scores``
        and ``doc_scores``. Thresholds without a reference (given by hand, or read from a file) are
        returned as they are."""
        token, document = self.token, self.document
        token_estimate = document_estimate = token_misfit = None
        if self.token_reference is not None and len(token_scores) == 1:
            token, token_estimate = _one_text_cut(self, token_scores[0], doc_scores[0] if len(doc_scores) else None)
        elif self.token_reference is not None:
            flat = _concat(token_scores)
            token, token_estimate = _rule_cut(self.token_reference, flat, self.validation_token, len(flat) >= MIN_TOKENS,
                                              max_misfit=quantification.MAX_MISFIT)
            if token_estimate is not None:
                token_misfit = quantification.scaled_misfit(token_estimate, len(flat))
        if self.document_reference is not None:
            enough = len(doc_scores) >= MIN_DOCUMENTS
            document, document_estimate = _rule_cut(self.document_reference, np.asarray(doc_scores, dtype=float), self.validation_document, enough)
            if token_misfit is not None and token_misfit > quantification.MAX_MISFIT:
                # documents are scored from the same token scores: where validation's distributions
                # do not describe those (another domain), its document distributions do not describe
                # these either, and the document estimate is no more to be trusted (version 5)
                document = self.validation_document
        estimates = {}
        for unit, est, ref in (("token", token_estimate, self.token_reference), ("document", document_estimate, self.document_reference)):
            if ref is not None:
                estimates[f"{unit}_spun_share"] = None if est is None else est.spun
                estimates[f"{unit}_shift"] = None if est is None else est.shift
        if self.token_reference is not None:
            estimates["token_misfit"] = token_misfit
        return replace(self, token=token, document=document, **estimates)

    def describe(self) -> str:
        """For people: the cuts used and how they were set (under the rule, a first line, then
        one indented line for tokens and one for documents)."""
        used = f"token {self.token:.4f}, document {self.document:.4f}"
        if self.rule != RULE_NAME:
            if GIVEN in self.chosen_on and self.chosen_on != GIVEN:
                return f"thresholds {used} ({self.chosen_on})"
            origin = "given by hand" if self.chosen_on == GIVEN else f"as recorded; chosen on {self.chosen_on}"
            return f"thresholds {used} ({origin})"
        validation = THRESHOLDS_CHOSEN_ON
        lines, estimated = [], []
        for unit, share, shift, cut, applied, ref in (
                ("token", self.token_spun_share, self.token_shift, self.validation_token, self.token, self.token_reference),
                ("document", self.document_spun_share, self.document_shift, self.validation_document, self.document, self.document_reference)):
            if cut is None:
                continue
            estimated.append(share is not None)
            if share is None:
                small = (f"under {MIN_TOKENS:,} tokens, or one text not clearly more spun than {validation}" if unit == "token"
                         else f"under {MIN_DOCUMENTS} documents")
                lines.append(f"{unit}s: {validation}'s F1-optimal cut {cut:.4f}, kept: too few to estimate from ({small})")
                continue
            lower = (f"; its spun {unit}s score lower than on {validation} (by {0.0 - shift:.2f} in log-odds, "
                     "as under a spinner the detector was not trained on)") if shift else ""
            misfit = self.token_misfit is not None and self.token_misfit > quantification.MAX_MISFIT  # keeps both cuts
            digits = 1
            if applied != cut:
                why = f"cut where the estimate scores best ({validation}'s F1-optimal cut: {cut:.4f})"
                if share >= 0.999:  # read as all spun: the best cut flags every item
                    why += f"; read as all spun, so the cut flags every {unit}, and {unit} F1 is what flagging all of them scores"
            elif misfit and (ref is None or share >= ref.spun_share):
                # the estimate is not trusted: say so before giving it
                whose = "score distributions fit these scores" if unit == "token" else "token score distributions fit this split's token scores"
                lines.append(f"{unit}s: {validation}'s F1-optimal cut {cut:.4f}, kept: {validation}'s {whose} "
                             f"poorly (misfit {self.token_misfit:.1f} in units of sampling noise; the rule trusts up to {quantification.MAX_MISFIT}), "
                             f"as with text unlike {validation}'s (another domain), so its estimate, about {share:.1%} spun, is not used")
                continue
            else:
                # every reason that held; read back from a file (no reference), validation's spun
                # share is not there, but the misfit is
                below = ref is not None and share < ref.spun_share
                digits = _digits_apart(share, ref.spun_share) if below else 1  # "14.1% ... less than 14.1%" would read as a slip
                reasons = [f"estimated less spun than {validation} ({ref.spun_share:.{digits}%})"] if below else []
                if misfit:
                    reasons.append(f"{validation}'s token score distributions fit this split's token scores poorly (misfit {self.token_misfit:.1f} in units of "
                                   f"sampling noise; the rule trusts up to {quantification.MAX_MISFIT}), as with text unlike {validation}'s "
                                   "(another domain)")
                if not reasons:
                    reasons.append(f"estimated less spun than {validation}, or no cut scores better" if ref is None
                                   else "no other cut scores better on the model fitted to these scores")
                why = f"{validation}'s F1-optimal cut {cut:.4f}, kept: " + "; and ".join(reasons)
            lines.append(f"{unit}s: about {share:.{digits}%} spun{lower}; {why}")
        mixed = f" ({self.chosen_on})" if GIVEN in self.chosen_on else ""
        moved = [unit for unit, applied, cut in (("token", self.token, self.validation_token), ("document", self.document, self.validation_document))
                 if cut is not None and applied != cut]
        head = ("" if not any(estimated) else f", {validation}'s cuts, kept by the rule (which reads this split's scores, not its labels)"
                if not moved else ", set by the rule from this split's scores (not its labels)" if len(moved) == 2
                else f", the {moved[0]} cut set by the rule from this split's scores (not its labels); the "
                     f"{'document' if moved[0] == 'token' else 'token'} cut is {validation}'s")
        return f"thresholds {used}{mixed}{head}" + "".join(f"\n  {line}" for line in lines)

    @classmethod
    def given(cls, token: float | None, document: float | None) -> tuple[float | None, float | None] | None:
        """The thresholds given by hand (None when neither is), checked now rather than after
        the work."""
        cls.check_given(token, document)
        return (token, document) if token is not None or document is not None else None

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
            return replace(base, token=float(token), chosen_on=f"token: {GIVEN}; document: {base.chosen_on}", validation_token=None,
                           token_spun_share=None, token_shift=None, token_reference=None)
        return replace(base, document=float(document), chosen_on=f"token: {base.chosen_on}; document: {GIVEN}", validation_document=None,
                       document_spun_share=None, document_shift=None, document_reference=None)


def _concat(token_scores: Sequence[Sequence[float]]) -> np.ndarray:
    return np.concatenate([np.asarray(t, dtype=float) for t in token_scores]) if len(token_scores) else np.zeros(0)


def _one_text_cut(thresholds: Thresholds, scores: Sequence[float], doc_score: float | None):
    """(cut, estimate) of a set of one document: the one-text rule's cut, and its estimate where
    the cut was estimated (else None: the text was too short, or not clearly spun)."""
    cut = one_text.one_text_cut(thresholds, scores, doc_score)
    moved = cut.spun_share is not None and cut.cut != cut.validation
    return cut.cut, (quantification.Estimate((), cut.spun_share, cut.shift, float("nan")) if moved else None)


def _rule_cut(ref: quantification.Reference, scores: np.ndarray, validation_cut: float | None, enough: bool, max_misfit: float | None = None):
    """(cut, estimate) of the rule on one level's scores; the validation cut and no estimate
    for a set too small to estimate from."""
    if not enough or not len(scores):
        return validation_cut, None
    return quantification.rule_cut(ref, scores, validation_cut, max_misfit)


def choose_thresholds(truth: GoldColumns, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float]) -> Thresholds:
    """The rule's thresholds (:data:`THRESHOLD_RULE`), chosen on ``truth`` (the validation
    split) from a detector's scores there: its F1-optimal cuts, and the reference distributions
    that :meth:`Thresholds.for_split` moves them with on a scored split. Every detector's
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
    return Thresholds(token, document, THRESHOLDS_CHOSEN_ON, RULE_NAME, token, document, token_reference=token_ref, document_reference=document_ref)


def best_cut(y: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold (spun if score >= threshold) that maximises F1, or the fallback with no positive."""
    best = metrics.best_f1_cut(y, scores)
    return FALLBACK_THRESHOLD if best is None else best


def token_predictions(token_scores: Sequence[Sequence[float]], threshold: float) -> list[list[int]]:
    """1 where a token's score reaches the threshold (spun if score >= threshold), else 0."""
    return [[int(v >= threshold) for v in s] for s in token_scores]
