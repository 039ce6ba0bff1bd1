"""Calling a detector: every method call wrapped, every output checked against the contract.

A detector is the user's code: when it raises, the error names the detector and the method and
keeps the exception's own message (the traceback is chained, for ``--debug``); when it returns
too few or too many scores, or scores that are not finite numbers in [0, 1], the error names the
first bad document and what was wrong. A string or a bool is not a score, even where numpy
would convert it (``"0.5"``, ``True``). Nothing it returned is written anywhere before it passed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from harness.core.checks import first_non_probability, is_probability
from harness.core.errors import SpinbenchError
from harness.evaluation.contract import doc_scores_from_tokens, hook
from harness.runs.models import model_code


class DetectorError(SpinbenchError):
    """A detector failed, or returned something the contract does not allow."""


def call(name: str, method: str, fn: Callable, *args):
    """``fn(*args)``; any exception becomes a :class:`DetectorError` naming ``name.method``, as
    does ``sys.exit()``; what it prints goes to stderr (:func:`harness.runs.models.model_code`)."""
    try:
        with model_code("detector", name, method, DetectorError):
            return fn(*args)
    except SpinbenchError:
        raise
    except Exception as err:
        raise DetectorError(f"detector {name!r} failed in {method}: {err.__class__.__name__}: {err}{_install_hint(err)}") from err


def _install_hint(err: Exception) -> str:
    """Where a missing module comes with one of spinbench's extras (``embedding``: torch and
    sentence-transformers), the command that installs it; else nothing. Read from the installed
    package's own requirements, so it says what ``pyproject.toml`` says."""
    if not isinstance(err, ModuleNotFoundError) or not err.name:
        return ""
    import re
    from importlib.metadata import PackageNotFoundError, requires

    try:
        requirements = requires("spinbench") or []
    except PackageNotFoundError:
        return ""
    wanted = err.name.partition(".")[0].lower()
    for requirement in requirements:
        name, _, marker = requirement.partition(";")
        extra = re.search(r"extra\s*==\s*['\"]([^'\"]+)['\"]", marker)
        if extra and re.split(r"[\s<>=!~\[(]", name.strip(), maxsplit=1)[0].lower().replace("-", "_") == wanted:
            return f" (it comes with spinbench's {extra.group(1)} extra: python -m pip install -e \".[{extra.group(1)}]\")"
    return ""


def fit_method(name: str, detector):
    """The detector's ``fit``, or an error saying it has none (checked before a fit is announced)."""
    method = getattr(detector, "fit", None)
    if not callable(method):
        raise DetectorError(f"detector {name!r} has no fit(docs, labels) method; a detector that needs no training sets requires_fit = False")
    return method


def fit(name: str, detector, docs: list[list[str]], labels: list[list[int]]):
    """The fitted detector (``fit`` must return self, or at least a detector)."""
    fitted = call(name, "fit", fit_method(name, detector), docs, labels)
    if fitted is None:
        raise DetectorError(f"detector {name!r}: fit returned None; it must return self")
    if not callable(getattr(fitted, "predict_token_proba", None)):
        raise DetectorError(f"detector {name!r}: fit returned {type(fitted).__name__}, not a detector; it must return self")
    return fitted


def _not_a_number(value) -> bool:
    """A string or a bool (numpy's too): something ``float()`` would take that is not a score."""
    return isinstance(value, (str, bytes, bool, np.bool_, np.str_, np.bytes_))


def _first_non_number(doc_scores) -> tuple[int, object] | None:
    """Index and value of the first string or bool among one document's scores, if any."""
    if isinstance(doc_scores, np.ndarray):
        if doc_scores.dtype.kind not in "USbO":
            return None
        doc_scores = doc_scores.ravel().tolist()
    try:
        return next(((i, v) for i, v in enumerate(doc_scores) if _not_a_number(v)), None)
    except TypeError:  # not iterable: the shape check names it
        return None


def check_token_scores(name: str, ids: Sequence[str], docs: Sequence[Sequence[str]], scores: object) -> list[list[float]]:
    """Scores as lists of floats, one per token of each document, or a DetectorError."""
    try:
        n = len(scores)  # type: ignore[arg-type]
    except TypeError:
        raise DetectorError(f"detector {name!r}: predict_token_proba returned {type(scores).__name__}, not a list of score lists") from None
    if n != len(docs):
        raise DetectorError(f"detector {name!r} returned scores for {n} documents, given {len(docs)}")
    out = []
    for doc_id, doc, doc_scores in zip(ids, docs, scores):  # type: ignore[call-overload]
        found = _first_non_number(doc_scores)
        if found is not None:
            i, v = found
            where = f"token {i} ({doc[i]!r})" if i < len(doc) else f"token {i}"
            raise DetectorError(
                f"detector {name!r} returned {v!r} ({type(v).__name__}) for {where} of document {doc_id!r}: "
                "scores must be numbers, not strings or bools"
            )
        try:
            values = np.asarray(doc_scores, dtype=float)
        except (TypeError, ValueError, OverflowError):
            raise DetectorError(f"detector {name!r} returned non-numeric scores for document {doc_id!r}") from None
        if values.ndim != 1 or len(values) != len(doc):
            got = len(values) if values.ndim == 1 else f"an array of shape {values.shape} as"
            raise DetectorError(f"detector {name!r} returned {got} scores for document {doc_id!r} of {len(doc)} tokens")
        i = first_non_probability(values)
        if i is not None:
            raise DetectorError(
                f"detector {name!r} returned {float(values[i])!r} for token {i} ({doc[i]!r}) of document {doc_id!r}: "
                "scores must be finite numbers in [0, 1]"
            )
        out.append(values.tolist())
    return out


def predict(name: str, detector, ids: Sequence[str], docs: list[list[str]]) -> tuple[list[list[float]], list[float]]:
    """Checked token scores and document scores (the detector's own ``predict_doc_proba`` if it
    has one, else :func:`~harness.evaluation.contract.doc_scores_from_tokens`)."""
    tokens = check_token_scores(name, ids, docs, call(name, "predict_token_proba", detector.predict_token_proba, docs))
    own = hook(detector, "predict_doc_proba")
    if own is None:
        return tokens, doc_scores_from_tokens(tokens)
    raw = call(name, "predict_doc_proba", own, docs)
    if isinstance(raw, (str, bytes)):
        raise DetectorError(f"detector {name!r}: predict_doc_proba returned the string {raw!r}; it must return one number per document")
    if not isinstance(raw, np.ndarray):
        try:
            raw = list(raw)
        except TypeError:
            raise DetectorError(f"detector {name!r}: predict_doc_proba must return one number per document") from None
    found = _first_non_number(raw)
    if found is not None:
        i, v = found
        doc_id = ids[i] if i < len(ids) else f"#{i}"
        raise DetectorError(
            f"detector {name!r}: predict_doc_proba returned {v!r} ({type(v).__name__}) for document {doc_id!r}: "
            "document scores must be numbers, not strings or bools"
        )
    try:
        values = [float(v) for v in raw]
    except (TypeError, ValueError):
        raise DetectorError(f"detector {name!r}: predict_doc_proba must return one number per document") from None
    if len(values) != len(docs):
        raise DetectorError(f"detector {name!r} returned {len(values)} document scores for {len(docs)} documents")
    for doc_id, v in zip(ids, values):
        if not is_probability(v):
            raise DetectorError(f"detector {name!r} returned document score {v!r} for document {doc_id!r}: it must be a finite number in [0, 1]")
    return tokens, values
