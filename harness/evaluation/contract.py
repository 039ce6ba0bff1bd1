"""The detector contract, shaped like a scikit-learn estimator.

A detector sees documents as lists of token strings (from :func:`harness.tokenize`)::

    class MyDetector:
        def __init__(self, alpha=1.0):          # store hyperparameters only
            self.alpha = alpha
        def fit(self, docs, labels):             # lists of token lists, lists of 0/1 lists
            self.vocab_ = ...                    # learned state ends in "_"
            return self
        def predict_token_proba(self, docs):     # -> one spun-probability per token
            return [[0.5] * len(doc) for doc in docs]

``predict_doc_proba(docs)`` is optional: without it the harness derives a document score with
:func:`doc_scores_from_tokens`. ``suggest(doc) -> list[str | None]`` is optional too: a guess at
each token's original wording (``spinbench detect --suggest`` shows it). A detector that needs no
training sets ``requires_fit = False``.
Run ``evaluate --model my_package.my_module:MyDetector`` to score it; no registration needed.
"""

from __future__ import annotations

import inspect
from typing import Protocol, Sequence, runtime_checkable

import numpy as np


@runtime_checkable
class Detector(Protocol):
    """What every detector provides (checked by :func:`harness.evaluation.conformance.check_detector`)."""

    def fit(self, docs: list[list[str]], labels: list[list[int]]) -> "Detector": ...

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]: ...


def get_params(detector: object) -> dict:
    """Hyperparameters: the ``__init__`` keyword arguments, read back from the attributes."""
    sig = inspect.signature(type(detector).__init__)
    params = {}
    for name, p in sig.parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        params[name] = getattr(detector, name, p.default)
    return params


def requires_fit(detector: object) -> bool:
    return bool(getattr(detector, "requires_fit", True))


def doc_scores_from_tokens(token_scores: Sequence[Sequence[float]], top_share: float = 0.05) -> list[float]:
    """A document's spun score: the mean of its top ``top_share`` token scores (at least one).

    A spun document has many suspicious tokens; a clean one, at most a few false alarms, so the
    mean of the highest few separates them better than the single maximum.
    """
    out = []
    for scores in token_scores:
        if len(scores) == 0:
            out.append(0.0)
            continue
        k = max(1, int(round(top_share * len(scores))))
        top = np.partition(np.asarray(scores, dtype=float), len(scores) - k)[len(scores) - k :]
        out.append(float(top.mean()))
    return out


def predict_doc_proba(detector: object, docs: list[list[str]], token_scores: list[list[float]]) -> list[float]:
    """The detector's own document scores if it has them, else derived from token scores."""
    own = getattr(detector, "predict_doc_proba", None)
    return list(map(float, own(docs))) if callable(own) else doc_scores_from_tokens(token_scores)
