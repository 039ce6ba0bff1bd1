"""The token cut for one text scored alone: what ``spinbench detect`` flags a text at, what a
scored set of one document is cut at, and what the per-document view of every result scores each
spun document at. :func:`one_text_cut` is the one function all three call.

A set of many documents gets the threshold rule's cut (:meth:`Thresholds.for_split
<harness.evaluation.thresholds.Thresholds.for_split>`), a set of one document this one. One text
is a set of one document whose tokens are not independent draws (a swap raises its neighbours' scores; a text has a style of its
own), so its spun share is estimated by the same mixture
(:func:`harness.evaluation.quantification.estimate`) more cautiously, in five ways, each measured
on single documents of every config and regime (``benchmarks/threshold_transfer.py``, its
per-document tables; docs/evaluation.md, "Thresholds"):

- **a length floor**: a text under :data:`MIN_TEXT_TOKENS` tokens keeps the validation cut;
- **the detector's own verdict**: a text whose document score is under the validation document
  cut keeps it too (the detector reads it as clean);
- **shrinkage**: the estimate is pulled towards validation's spun share with a weight that falls
  with the text's length (:data:`TEXT_PULL` / tokens, on top of the rule's own pull);
- **a margin on the guard**: the cut moves only where the text is estimated to be spun more than
  validation by :data:`TEXT_MARGIN` / sqrt(tokens): a clean text misread as spun is flagged far
  more than at the validation cut, and a shorter text's estimate is noisier;
- **a smaller shift**: its spun scores may sit at most :data:`TEXT_MAX_SHIFT` logits lower than on
  validation (a set's, 4): further, clean text a little unlike validation's reads as the work of
  an unseen spinner.

Where it moves, the cut is the one with the best F1 under the fitted mixture, as for a set.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from harness.core.configs import THRESHOLDS_CHOSEN_ON
from harness.evaluation import quantification

# Chosen on the per-document tables of benchmarks/threshold_transfer.py --cross-fit (validation
# halves) and on the held-out configs; news/test was the check.
MIN_TEXT_TOKENS = 200
TEXT_PULL = 5.0
TEXT_MARGIN = 1.2
TEXT_MAX_SHIFT = 1.0

# Why a text's cut is what it is (OneTextCut.reason).
ESTIMATED = "estimated"        # estimated from the text's own scores
TOO_SHORT = "too short"        # under MIN_TEXT_TOKENS tokens: the validation cut
READ_AS_CLEAN = "read as clean"  # document score under the validation document cut: the validation cut
LIGHTER = "not clearly more spun"  # not estimated clearly more spun than validation: the validation cut
NO_BETTER = "no better cut"    # estimated, but no cut beats validation's under the fitted mixture
AS_GIVEN = "as given"          # thresholds without validation's distributions (given by hand, read back): their cut
GIVEN_BY_HAND = "given by hand"  # spinbench detect --threshold


@dataclass(frozen=True)
class OneTextCut:
    """The token cut for one text and why (``reason``: one of the constants above), with the
    text's length, the validation cut and spun share it started from (``started_from``:
    ``validation``, ``validation_share``) and what was estimated (``spun_share``, ``shift``: None where nothing
    was)."""

    cut: float
    reason: str
    tokens: int
    started_from: tuple[float, float] | None = None  # news/validation's cut and spun share
    spun_share: float | None = None
    shift: float | None = None

    @property
    def validation(self) -> float | None:
        return self.started_from[0] if self.started_from else None

    @property
    def validation_share(self) -> float | None:
        return self.started_from[1] if self.started_from else None

    def describe(self) -> str:
        """One line for people: the cut and why."""
        if self.reason == GIVEN_BY_HAND:
            return f"{self.cut:.4f}, given by hand (--threshold)"
        if self.reason == AS_GIVEN:
            return f"{self.cut:.4f}, as given (no {THRESHOLDS_CHOSEN_ON} score distributions to estimate from)"
        about = "" if self.spun_share is None else f"about {self.spun_share:.1%} spun"
        if self.reason == ESTIMATED:
            lower = (f", its spun tokens scored lower than on {THRESHOLDS_CHOSEN_ON} (by {0.0 - self.shift:.2f} in log-odds, "
                     "as a spinner the detector was not trained on)") if self.shift else ""
            return f"{self.cut:.4f}, estimated from this text: {about}{lower} (the {THRESHOLDS_CHOSEN_ON} cut is {self.validation:.4f})"
        kept = f"{self.cut:.4f}, the F1-optimal cut on {THRESHOLDS_CHOSEN_ON}, kept"
        if self.reason == TOO_SHORT:
            return f"{kept}: too short to estimate from ({self.tokens:,} tokens; {MIN_TEXT_TOKENS:,} or more are)"
        if self.reason == READ_AS_CLEAN:
            return (f"{kept}: its document score is under the {THRESHOLDS_CHOSEN_ON} document cut (the detector reads the text as "
                    "mostly clean), so the cut is not estimated from this text; tokens above it are still flagged")
        if self.reason == LIGHTER:
            return (f"{kept}: estimated {about}, not clearly more than {THRESHOLDS_CHOSEN_ON} ({self.validation_share:.1%}; "
                    f"at {self.tokens:,} tokens the estimate must lead by {margin(self.tokens):.1%})")
        return f"{kept}: estimated {about}, but no cut does better under the fitted model"


def margin(tokens: int) -> float:
    """How much more spun than validation a text of ``tokens`` tokens must be estimated to be for
    its cut to move."""
    return TEXT_MARGIN / math.sqrt(max(tokens, 1))


def one_text_cut(thresholds, scores: Sequence[float], doc_score: float | None = None, min_tokens: int = MIN_TEXT_TOKENS) -> OneTextCut:
    """The token cut for one text, from its token ``scores`` and document score (``doc_score``;
    None: not known, no verdict) under ``thresholds`` (:class:`~harness.evaluation.thresholds.Thresholds`,
    the rule's; see the module docstring). Thresholds without the validation split's
    distributions (given by hand, read back from a file) give their own token cut.
    ``min_tokens``: the length floor (another only to measure it)."""
    s = np.asarray(scores, dtype=float)
    ref, keep = thresholds.token_reference, thresholds.validation_token
    if ref is None or keep is None:
        return OneTextCut(float(thresholds.token), AS_GIVEN, len(s))
    kept = dict(cut=float(keep), tokens=len(s), started_from=(float(keep), ref.spun_share))
    if len(s) < min_tokens:
        return OneTextCut(reason=TOO_SHORT, **kept)
    if doc_score is not None and thresholds.validation_document is not None and doc_score < thresholds.validation_document:
        return OneTextCut(reason=READ_AS_CLEAN, **kept)
    ref = replace(ref, shifts=tuple(x for x in ref.shifts if x >= -TEXT_MAX_SHIFT))
    est = quantification.estimate(ref, s, prior_weight=quantification.PRIOR_WEIGHT + TEXT_PULL / len(s))
    found = dict(spun_share=est.spun, shift=est.shift)
    if est.spun < ref.spun_share + margin(len(s)):
        return OneTextCut(reason=LIGHTER, **kept, **found)
    cut = float(quantification.best_expected_f1_cut(ref, est, s, keep=keep))
    return OneTextCut(cut, ESTIMATED if cut != keep else NO_BETTER, len(s), (float(keep), ref.spun_share), **found)


def one_text_cuts(thresholds, token_scores: Sequence[Sequence[float]], doc_scores: Sequence[float] | None = None) -> np.ndarray:
    """:func:`one_text_cut` of every document (``token_scores``, ``doc_scores``: one per document)."""
    docs = [None] * len(token_scores) if doc_scores is None else doc_scores
    return np.array([one_text_cut(thresholds, s, d).cut for s, d in zip(token_scores, docs)], dtype=float)
