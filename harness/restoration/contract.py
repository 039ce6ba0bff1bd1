"""The restorer contract: guess the original wording of spun spans, as a ranked list.

A restorer sees a document as its list of token strings (from :func:`harness.tokenize`) and a
list of spans, ``(start, end)`` token ranges (end exclusive, in order, not overlapping)::

    class MyRestorer:
        requires_fit = True                      # False: fit is never called (and may be left out)
        def __init__(self, k=5):                 # store hyperparameters only
            self.k = k
        def fit(self, docs, spans, originals):   # news/train: token lists, their spans, and the
            self.table_ = ...                    # original wording of each span (one string each)
            return self
        def restore(self, tokens, spans):        # -> per span, candidate originals, best first
            return [[" ".join(tokens[s:e])] for s, e in spans]

A candidate is a string (tokens joined by spaces, or free text: it is tokenized again before it
is compared); ``""`` proposes deleting the span (the spinner inserted it). An empty list is no
guess: the span keeps its spun wording. A candidate may come with the restorer's confidence
that it is the original, as a pair ``(text, confidence)``, confidence in [0, 1]: the harness
then withholds first candidates below a cut chosen on ``news``/validation
(:func:`harness.restoration.metrics.choose_cut`). A span's candidates are all plain strings (no
confidence: always shown) or all pairs. Hyperparameters are checked as a detector's are
(:func:`harness.evaluation.contract.check_params`: the types of the defaults, ``param_ranges``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple, Protocol, runtime_checkable

from harness.core.errors import SpinbenchError

# Candidates scored per span (top-1 and top-k), and kept per span in a predictions file.
TOP_K = 5
MAX_CANDIDATES = 10

Span = tuple[int, int]


@runtime_checkable
class Restorer(Protocol):
    """What every restorer provides (checked by :func:`harness.restoration.conformance.check_restorer`).

    ``fit(docs, spans, originals) -> self`` is required unless ``requires_fit = False``."""

    def restore(self, tokens: list[str], spans: list[Span]) -> list[list[str]] | list[list[tuple[str, float]]]: ...


class Restored(NamedTuple):
    """A restorer's checked answer for one document: per span its candidates, and their
    confidences (None for a span answered with plain strings)."""

    candidates: list[list[str]]
    confidences: list[list[float] | None]


OPTIONAL_HOOKS: dict[str, str] = {
    "fit": "fit(docs, spans, originals) -> self: learn from news/train (token lists; per document its gold spans; "
           "per span the original wording). Required unless requires_fit is False",
    "requires_fit": "class attribute; False for a restorer that needs no training. Default True",
    "param_ranges": "class attribute {hyperparameter: harness.Interval(...)}, checked before the restorer is made",
}


class RestorerError(SpinbenchError):
    """A restorer failed, or returned something the contract does not allow."""


def requires_fit(restorer: object) -> bool:
    return bool(getattr(restorer, "requires_fit", True))


def call(name: str, method: str, fn, *args):
    """``fn(*args)``; any exception becomes a :class:`RestorerError` naming ``name.method``."""
    try:
        return fn(*args)
    except SpinbenchError:
        raise
    except Exception as err:
        raise RestorerError(f"restorer {name!r} failed in {method}: {err.__class__.__name__}: {err}") from err


def check_spans(tokens: Sequence[str], spans: Sequence[Span]) -> list[Span]:
    """``spans`` as a list of int pairs, or ValueError: each ``0 <= start < end <= len(tokens)``,
    in order, not overlapping.

    >>> check_spans(["a", "b", "c"], [(0, 1), [1, 3]])
    [(0, 1), (1, 3)]
    """
    out, last = [], 0
    for span in spans:
        start, end = (int(x) for x in span)
        if not 0 <= start < end <= len(tokens) or start < last:
            raise ValueError(f"span {tuple(span)} is not a non-empty range of the document's {len(tokens)} tokens after the span before it")
        out.append((start, end))
        last = end
    return out


def _confidence(value: object) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 1
    return float(value) if ok else None


def check_restored(name: str, doc_id: str, spans: Sequence[Span], candidates: object) -> Restored:
    """A restorer's answer for one document, checked: one list per span of strings, or of
    ``(string, confidence)`` pairs; each list cut to :data:`MAX_CANDIDATES` (only the first
    :data:`TOP_K` are scored)."""
    if not isinstance(candidates, (list, tuple)) or len(candidates) != len(spans):
        got = f"{len(candidates)} lists" if isinstance(candidates, (list, tuple)) else f"a {type(candidates).__name__}"
        raise RestorerError(f"restorer {name!r}: restore returned {got} for the {len(spans)} spans of document {doc_id!r}; it returns one list of candidates per span")
    texts, confidences = [], []
    for span, ranked in zip(spans, candidates):
        ranked = list(ranked)[:MAX_CANDIDATES] if isinstance(ranked, (list, tuple)) else None
        pairs = ranked is not None and bool(ranked) and all(isinstance(c, (list, tuple)) and len(c) == 2 for c in ranked)
        if pairs and all(isinstance(t, str) and _confidence(c) is not None for t, c in ranked):
            texts.append([" ".join(t.split()) for t, _ in ranked])
            confidences.append([_confidence(c) for _, c in ranked])
        elif ranked is not None and all(isinstance(c, str) for c in ranked):
            texts.append([" ".join(c.split()) for c in ranked])
            confidences.append(None)
        else:
            raise RestorerError(f"restorer {name!r}: the candidates for span {span} of document {doc_id!r} are neither a list of strings nor of "
                                f"(string, confidence in [0, 1]) pairs: {ranked!r}")
    return Restored(texts, confidences)


def check_candidates(name: str, doc_id: str, spans: Sequence[Span], candidates: object) -> list[list[str]]:
    """The candidates of :func:`check_restored`, without their confidences."""
    return check_restored(name, doc_id, spans, candidates).candidates


def restore_scored(name: str, restorer, doc_id: str, tokens: list[str], spans: list[Span]) -> Restored:
    """The restorer's checked candidates and confidences for the spans of one document (no call
    for no span)."""
    if not spans:
        return Restored([], [])
    return check_restored(name, doc_id, spans, call(name, "restore", restorer.restore, list(tokens), [tuple(s) for s in spans]))


def restore_document(name: str, restorer, doc_id: str, tokens: list[str], spans: list[Span]) -> list[list[str]]:
    """The restorer's checked candidates for the spans of one document (no call for no span)."""
    return restore_scored(name, restorer, doc_id, tokens, spans).candidates
