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

import numpy as np

from harness.core.errors import SpinbenchError
from harness.evaluation.contract import check_docs, check_tokens, type_phrase

# Candidates scored per span (top-1 and top-k), and kept per span in a predictions file.
TOP_K = 5
MAX_CANDIDATES = 10
# A candidate replaces its span's words: at most twice as many, and this many more (the longest
# original wording of a phrase swap is a few words; a paragraph is no guess, and slows scoring).
EXTRA_CANDIDATE_WORDS = 50

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


class BadSpans(SpinbenchError, ValueError):
    """Spans (or their originals) not in the shape a restorer takes."""


def _pair(span: object) -> Span | None:
    """``span`` as two whole numbers (ints or numpy integers, not floats or bools), else None."""
    if isinstance(span, str | bytes) or not isinstance(span, Sequence | np.ndarray) or len(span) != 2:
        return None
    if not all(isinstance(x, int | np.integer) and not isinstance(x, bool | np.bool_) for x in span):
        return None
    return int(span[0]), int(span[1])


def check_spans(tokens: Sequence[str], spans: object, what: str = "spans", strict: bool = True) -> list[Span]:
    """``spans`` as a list of int pairs, each ``0 <= start < end <= len(tokens)``, in order, not
    overlapping; else :class:`BadSpans` saying which and why. ``strict=False`` (a restorer that
    restores each span alone): any order, and an empty span (``start == end``) allowed.

    >>> check_spans(["a", "b", "c"], [(0, 1), [1, 3]])
    [(0, 1), (1, 3)]
    >>> check_spans(["a", "b"], [(0, 5)])
    Traceback (most recent call last):
    ...
    harness.restoration.contract.BadSpans: spans[0] (0, 5) is not a range of the text's 2 tokens: 0 <= start < end <= 2 (end exclusive)
    """
    if isinstance(spans, str | bytes) or not isinstance(spans, Sequence | np.ndarray):
        raise BadSpans(f"{what} is {type_phrase(spans)}, not a list of (start, end) token ranges")
    out, last = [], 0
    for j, span in enumerate(spans):
        pair = _pair(span)
        if pair is None:
            raise BadSpans(f"{what}[{j}] is {span!r}, not a (start, end) pair of token indices")
        start, end = pair
        if not (0 <= start < end <= len(tokens) or (not strict and 0 <= start == end <= len(tokens))):
            least = "<" if strict else "<="
            raise BadSpans(f"{what}[{j}] {pair} is not a range of the text's {len(tokens)} tokens: 0 <= start {least} end <= {len(tokens)} (end exclusive)")
        if strict and start < last:
            raise BadSpans(f"{what}[{j}] {pair} starts inside or before {what}[{j - 1}]: spans come in order, not overlapping")
        out.append(pair)
        last = end
    return out


def check_restore_input(tokens: object, spans: object) -> tuple[list[str], list[Span]]:
    """``restore``'s input for a restorer that restores each span alone: one text's tokens
    (:func:`harness.evaluation.contract.check_tokens`) and spans within it, in any order
    (:func:`check_spans` with ``strict=False``)."""
    tokens = check_tokens(tokens)
    return tokens, check_spans(tokens, spans, strict=False)


def check_fit_input(docs: object, spans: object, originals: object) -> tuple[list[list[str]], list[list[Span]], list[list[str]]]:
    """A restorer's ``fit`` input checked (as scikit-learn's ``check_X_y``): token lists
    (:func:`harness.evaluation.contract.check_docs`), per document its spans
    (:func:`check_spans`), per span one original wording (a string). No span at all is allowed: a
    restorer may draw on resources alone (``reverse-rules`` reads the phrasebook backwards).

    >>> check_fit_input([["weighty", "rain"]], [[(0, 1)]], [["heavy", "light"]])
    Traceback (most recent call last):
    ...
    harness.restoration.contract.BadSpans: originals[0] has 2 wordings for 1 span: one original wording (a string) per span
    """
    docs = check_docs(docs)
    checked = []
    for name, value in (("spans", spans), ("originals", originals)):
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise BadSpans(f"{name} is {type_phrase(value)}, not a list with one list per document")
        if len(value) != len(docs):
            raise BadSpans(f"{len(value)} {name} lists for {len(docs)} documents: one list per document")
    for i, (doc, mine) in enumerate(zip(docs, spans)):
        checked.append(check_spans(doc, mine, f"spans[{i}]"))
        words = originals[i]
        if isinstance(words, str) or not isinstance(words, Sequence) or len(words) != len(checked[-1]):
            got = f"{len(words)} wordings" if isinstance(words, Sequence) and not isinstance(words, str) else type_phrase(words)
            raise BadSpans(f"originals[{i}] has {got} for {len(checked[-1])} span{'s' * (len(checked[-1]) != 1)}: one original wording (a string) per span")
        bad = next((j for j, w in enumerate(words) if not isinstance(w, str)), None)
        if bad is not None:
            raise BadSpans(f"originals[{i}][{bad}] is {type_phrase(words[bad])}: each original wording is a string (\"\" where the spinner inserted the span)")
    return docs, checked, [list(w) for w in originals]


def _confidence(value: object) -> float | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and 0 <= value <= 1
    return float(value) if ok else None


def check_restored(name: str, doc_id: str, spans: Sequence[Span], candidates: object) -> Restored:
    """A restorer's answer for one document, checked: one list per span of strings, or of
    ``(string, confidence)`` pairs; each list cut to :data:`MAX_CANDIDATES` (only the first
    :data:`TOP_K` are scored); no candidate longer than :data:`EXTRA_CANDIDATE_WORDS` words past
    twice its span's."""
    if not isinstance(candidates, (list, tuple)) or len(candidates) != len(spans):
        got = f"{len(candidates)} lists" if isinstance(candidates, (list, tuple)) else f"a {type(candidates).__name__}"
        raise RestorerError(f"restorer {name!r}: restore returned {got} for the {len(spans)} spans of document {doc_id!r}; it returns one list of candidates per span")
    texts, confidences = [], []
    for span, answer in zip(spans, candidates):
        ranked = list(answer)[:MAX_CANDIDATES] if isinstance(answer, (list, tuple)) else None
        pairs = ranked is not None and bool(ranked) and all(isinstance(c, (list, tuple)) and len(c) == 2 for c in ranked)
        if pairs and all(isinstance(t, str) and _confidence(c) is not None for t, c in ranked):
            texts.append([" ".join(t.split()) for t, _ in ranked])
            confidences.append([_confidence(c) for _, c in ranked])
        elif ranked is not None and all(isinstance(c, str) for c in ranked):
            texts.append([" ".join(c.split()) for c in ranked])
            confidences.append(None)
        else:
            shown = repr(answer if ranked is None else ranked)
            raise RestorerError(f"restorer {name!r}: the candidates for span {span} of document {doc_id!r} are neither a list of strings nor of "
                                f"(string, confidence in [0, 1]) pairs: {shown[:200]}{'...' if len(shown) > 200 else ''}")
        start, end = span
        for candidate in texts[-1]:
            words = len(candidate.split())
            if words > 2 * (end - start) + EXTRA_CANDIDATE_WORDS:
                raise RestorerError(f"restorer {name!r} returned a candidate of {words:,} words for span ({start}, {end}) of document {doc_id!r}: "
                                    f"a candidate replaces the span's {end - start} token(s), so it may hold at most "
                                    f"{2 * (end - start) + EXTRA_CANDIDATE_WORDS} words")
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
