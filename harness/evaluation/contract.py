"""The detector contract, shaped like a scikit-learn estimator.

A detector sees documents as lists of token strings (``[t.text for t in harness.tokenize(text)]``)::

    class MyDetector:
        def __init__(self, alpha=1.0):          # store hyperparameters only
            self.alpha = alpha
        def fit(self, docs, labels):             # lists of token lists, lists of 0/1 lists
            self.vocab_ = ...                    # learned state ends in "_"
            return self
        def predict_token_proba(self, docs):     # -> one spun-probability per token
            return [[0.5] * len(doc) for doc in docs]

Hyperparameter values are checked before a detector is made: each must have the type of its
default, and a class may declare allowed values in ``param_ranges`` (``{"max_n": Interval(1)}``,
``{"kind": OneOf("a", "b")}``).

Every optional hook is listed in :data:`OPTIONAL_HOOKS` and found through :func:`hook`, so what
the harness may call on a detector stands here and nowhere else.
Run ``evaluate --model my_package.my_module:MyDetector`` to score it, or
``harness.evaluate(MyDetector())`` from Python; no registration needed.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from harness.core.checks import is_finite_number
from harness.core.errors import SpinbenchError
from harness.core.registry import did_you_mean
from harness.core.tokens import Token


@runtime_checkable
class Detector(Protocol):
    """What every detector provides (checked by :func:`harness.evaluation.conformance.check_detector`).

    ``fit`` may be left out by a detector that sets ``requires_fit = False``; the optional hooks
    are in :data:`OPTIONAL_HOOKS`."""

    def fit(self, docs: list[list[str]], labels: list[list[int]]) -> Detector: ...

    def predict_token_proba(self, docs: list[list[str]]) -> list[list[float]]: ...


# name -> what it is and who uses it. Methods are called with the arguments shown; attributes are
# read on the class or the instance.
OPTIONAL_HOOKS: dict[str, str] = {
    "predict_doc_proba": "predict_doc_proba(docs) -> one spun-probability per document; without it, "
                         "the mean of each document's top 5% token scores (doc_scores_from_tokens)",
    "suggest": "suggest(doc) -> one guess (str or None) per token at its original wording; shown by "
               "`spinbench detect --suggest --restorer detector`",
    "export": "export(path) writes the fitted detector where others can use it (`spinbench export`; the "
              "transformer baseline writes a Hugging Face folder for --model hf:DIR)",
    "param_ranges": "class attribute {hyperparameter: Interval(...) or OneOf(...)}: allowed values, checked before the "
                    "detector is made",
    "requires_fit": "class attribute; False for a detector that needs no training (fit is then never "
                    "called and may be left out). Default True",
}


def hook(detector: object, name: str, default=None):
    """The optional hook ``name`` of ``detector`` (a method only when callable), else ``default``.

    >>> class D:
    ...     requires_fit = False
    ...     def predict_token_proba(self, docs): return [[0.0] * len(d) for d in docs]
    >>> hook(D(), "requires_fit", True), hook(D(), "suggest")
    (False, None)
    """
    if name not in OPTIONAL_HOOKS:
        raise KeyError(f"{name!r} is not an optional hook of the detector contract: {', '.join(OPTIONAL_HOOKS)}")
    value = getattr(detector, name, default)
    if name in ("requires_fit", "param_ranges"):
        return value
    return value if callable(value) else default


def get_params(detector: object) -> dict:
    """Hyperparameters: the ``__init__`` keyword arguments, read back from the attributes."""
    sig = inspect.signature(type(detector).__init__)
    params = {}
    for name, p in sig.parameters.items():
        if name == "self" or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        params[name] = getattr(detector, name, p.default)
    return params


class BadHyperparameter(SpinbenchError, ValueError):
    """A hyperparameter value that a detector does not take."""


@dataclass(frozen=True)
class Interval:
    """Allowed values of a numeric hyperparameter: ``low <= x <= high`` (a bound of None is
    open-ended; ``closed=False`` excludes both bounds).

    >>> Interval(1).check("max_n", 0)
    'max_n must be at least 1, not 0'
    >>> Interval(0, 1, closed=False).check("p", 1) is not None, Interval(0, 1).check("p", 1)
    (True, None)
    """

    low: float | None = None
    high: float | None = None
    closed: bool = True

    def __post_init__(self):
        for bound in (self.low, self.high):
            if bound is not None and not is_finite_number(bound):
                raise ValueError(f"Interval bounds must be finite numbers or None, not {bound!r}")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"Interval({self.low}, {self.high}) is empty: low must not exceed high")

    def check(self, name: str, value: float) -> str | None:
        below = self.low is not None and (value < self.low or (not self.closed and value == self.low))
        above = self.high is not None and (value > self.high or (not self.closed and value == self.high))
        if not (below or above):
            return None
        if self.low is not None and self.high is not None:
            return f"{name} must be in {'[' if self.closed else '('}{self.low}, {self.high}{']' if self.closed else ')'}, not {value}"
        if self.low is not None:
            return f"{name} must be {'at least' if self.closed else 'more than'} {self.low}, not {value}"
        return f"{name} must be {'at most' if self.closed else 'less than'} {self.high}, not {value}"


@dataclass(frozen=True)
class OneOf:
    """Allowed values of a hyperparameter that names a choice.

    >>> OneOf("float32", "bfloat16").check("train_dtype", "float16")
    "train_dtype must be one of 'float32', 'bfloat16', not 'float16'"
    >>> OneOf(1, 2).check("k", True)
    'k must be one of 1, 2, not True'
    """

    values: tuple

    def __init__(self, *values):
        if not values:
            raise ValueError("OneOf() allows nothing: give the allowed values, OneOf('a', 'b')")
        object.__setattr__(self, "values", values)

    def check(self, name: str, value: object) -> str | None:
        # and of the same type: True is not 1, nor is 1.0
        if any(value == v and type(value) is type(v) for v in self.values):
            return None
        return f"{name} must be one of {', '.join(map(repr, self.values))}, not {value!r}"


def _type_problem(name: str, default: object, value: object) -> str | None:
    """Why ``value`` cannot stand where ``default`` does (None when it can)."""
    if default is None or default is inspect.Parameter.empty:
        return None
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = is_finite_number(value)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:
        return None
    kind = {"int": "an integer", "float": "a number", "bool": "true or false", "str": "a string"}.get(type(default).__name__, f"a {type(default).__name__}")
    return None if ok else f"{name} takes {kind} (like its default {default!r}), not {value!r}"


def check_params(cls: type, params: dict, model: str) -> dict:
    """``params`` checked against ``cls.__init__``: known names, the types of their defaults and
    ``cls.param_ranges``; integers given for float hyperparameters become floats."""
    sig = inspect.signature(cls.__init__)
    accepted = {n: p for n, p in sig.parameters.items() if n != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    takes_any = any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values())
    ranges = hook(cls, "param_ranges", {})
    strays = sorted(set(ranges) - set(accepted)) if not takes_any else []
    if strays:
        raise BadHyperparameter(f"model {model!r}: param_ranges names {strays}, which __init__ does not take")
    out = {}
    for name, value in params.items():
        if name not in accepted:
            if takes_any:
                out[name] = value
                continue
            raise BadHyperparameter(f"model {model!r} has no hyperparameter {name!r}; {did_you_mean(name, accepted)}it takes: {', '.join(accepted) or 'none'}")
        problem = _type_problem(name, accepted[name].default, value)
        rule = ranges.get(name)
        if problem is None and rule is not None and (isinstance(rule, OneOf) or isinstance(value, (int, float)) and not isinstance(value, bool)):
            problem = rule.check(name, value)
        if problem:
            raise BadHyperparameter(f"model {model!r}: {problem}")
        out[name] = float(value) if isinstance(accepted[name].default, float) and isinstance(value, int) else value
    return out


class BadDocuments(SpinbenchError, TypeError):
    """Documents (or labels) not in the shape a detector takes: lists of token strings."""


_DOCS_SHAPE = "documents as lists of token strings, e.g. [[t.text for t in harness.tokenize(text)] for text in texts]"
_TOKENS_SHAPE = "one text's tokens as a list of strings, e.g. [t.text for t in harness.tokenize(text)]"


def type_phrase(value: object) -> str:
    """``value``'s type with its article, for messages: "a str", "an int", "an ndarray"."""
    name = type(value).__name__
    return f"{'an' if name[:1].lower() in 'aeiou' or name == 'ndarray' else 'a'} {name}"


def _token_texts(doc: object, name: str, shape: str = _DOCS_SHAPE) -> list[str]:
    """``doc`` (called ``name`` in messages) as a list of token strings; see :func:`check_docs`."""
    if isinstance(doc, np.ndarray) and doc.ndim == 1:
        doc = doc.tolist()  # an array of strings: its items as Python strings
    if isinstance(doc, str) or not isinstance(doc, Sequence):
        raise BadDocuments(f"{name} is {type_phrase(doc)}, not a list of tokens: pass {shape}")
    if all(type(t) is str for t in doc):
        return doc if isinstance(doc, list) else list(doc)
    out = []
    for j, t in enumerate(doc):
        if isinstance(t, str):
            out.append(str(t))
        elif isinstance(t, Token):
            out.append(t.text)
        else:
            raise BadDocuments(f"{name}[{j}] is {type_phrase(t)}, not a token string: pass {shape}")
    return out


def check_docs(docs: object, labels: object = None, what: str = "docs", fitting: bool = False) -> list[list[str]]:
    """``docs`` as lists of token strings, checked the way scikit-learn's ``check_X_y`` checks its
    input at the top of ``fit`` (and ``labels``, when given, one 0/1 per token). ``fitting``: a
    detector's ``fit``, which needs the labels and a token to learn from.

    The :class:`~harness.core.tokens.Token` objects of :func:`harness.tokenize` are taken as their
    text; a document given as one string, or tokens of another type, is refused with a message that
    says what to pass. A document already a list of strings is returned as it is (no copy).

    >>> from harness import tokenize
    >>> check_docs([tokenize("Weighty rain fell.")])
    [['Weighty', 'rain', 'fell', '.']]
    >>> check_docs(["Weighty rain fell."])
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.BadDocuments: docs[0] is a str, not a list of tokens: pass documents as lists of token strings, e.g. [[t.text for t in harness.tokenize(text)] for text in texts]
    >>> check_docs([["a", "b"]], [[0, 0.5]])
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.BadDocuments: labels[0][1] is 0.5: each label is 0 (clean) or 1 (spun)
    >>> check_docs([["a", "b"]], [[0]])
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.BadDocuments: labels[0] has 1 label for 2 tokens: one 0/1 label per token
    >>> check_docs([[]], [[]], fitting=True)
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.BadDocuments: nothing to fit on: 1 document, none with a token
    """
    if isinstance(docs, np.ndarray) and docs.ndim in (1, 2):
        docs = list(docs)  # its rows, each taken as a document below
    if isinstance(docs, str) or not isinstance(docs, Sequence):
        raise BadDocuments(f"{what} is {type_phrase(docs)}, not a list of documents: pass {_DOCS_SHAPE}")
    out = [_token_texts(doc, f"{what}[{i}]") for i, doc in enumerate(docs)]
    if fitting and labels is None:
        raise BadDocuments("labels is None: fit needs one list of 0/1 labels per document, one label per token (1 = spun)")
    if fitting and not any(out):
        raise BadDocuments(f"nothing to fit on: {len(out)} document{'s' * (len(out) != 1)}, none with a token")
    if labels is not None:
        if isinstance(labels, str) or not isinstance(labels, Sequence | np.ndarray):
            raise BadDocuments(f"labels is {type_phrase(labels)}, not a list of per-token 0/1 lists")
        if len(labels) != len(out):
            raise BadDocuments(f"{len(labels)} label lists for {len(out)} documents: one list of 0/1 labels per document")
        for i, (doc, lab) in enumerate(zip(out, labels)):
            if isinstance(lab, str) or not isinstance(lab, Sequence | np.ndarray):
                raise BadDocuments(f"labels[{i}] is {type_phrase(lab)}, not a list of 0/1 labels: one label per token of docs[{i}]")
            if len(lab) != len(doc):
                raise BadDocuments(f"labels[{i}] has {len(lab)} label{'s' * (len(lab) != 1)} for {len(doc)} tokens: one 0/1 label per token")
            if not _all_labels(lab):
                bad = next(j for j, v in enumerate(lab) if not _is_label(v))
                value = lab[bad].item() if isinstance(lab[bad], np.generic) else lab[bad]
                raise BadDocuments(f"labels[{i}][{bad}] is {value!r}: each label is 0 (clean) or 1 (spun)")
    return out


def check_tokens(tokens: object, what: str = "tokens") -> list[str]:
    """One document's tokens as :func:`check_docs` takes a document (a restorer's ``restore``).

    >>> check_tokens("Weighty rain")
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.BadDocuments: tokens is a str, not a list of tokens: pass one text's tokens as a list of strings, e.g. [t.text for t in harness.tokenize(text)]
    """
    return _token_texts(tokens, what, _TOKENS_SHAPE)


def _all_labels(labels) -> bool:
    """Every value 0 or 1, checked once per distinct value (a document has two)."""
    if isinstance(labels, np.ndarray):
        return labels.dtype.kind in "biuf" and bool(np.isin(labels, (0, 1)).all())
    try:
        distinct = set(labels)
    except TypeError:  # unhashable values: none of them is a label
        return False
    return all(_is_label(v) for v in distinct)


def _is_label(value: object) -> bool:
    """0 or 1 (ints, bools, numpy integers or floats equal to them); not the strings "0", "1"."""
    return isinstance(value, int | float | np.integer | np.floating | np.bool_) and value in (0, 1)


class NotFitted(SpinbenchError, ValueError, AttributeError):
    """A model asked to predict or restore before it was fitted (scikit-learn's ``NotFittedError``)."""


def check_fitted(model: object, *attributes: str, method: str) -> None:
    """Refuse ``method`` on ``model`` until ``fit`` has set every one of ``attributes``, as
    scikit-learn's ``check_is_fitted`` does, with a message that names the call to make first
    (the model's own ``fit`` signature).

    >>> class D:
    ...     def fit(self, docs, labels):
    ...         self.scores_ = {}
    ...         return self
    >>> check_fitted(D(), "scores_", method="predict_token_proba")
    Traceback (most recent call last):
    ...
    harness.evaluation.contract.NotFitted: this D is not fitted yet: call fit(docs, labels) before predict_token_proba
    >>> check_fitted(D().fit([], []), "scores_", method="predict_token_proba")
    """
    if all(name in getattr(model, "__dict__", ()) for name in attributes):
        return
    fit = getattr(type(model), "fit", None)
    params = list(inspect.signature(fit).parameters)[1:] if fit is not None else []
    raise NotFitted(f"this {type(model).__name__} is not fitted yet: call fit({', '.join(params)}) before {method}")


# What a caller cannot do without one of a detector's optional methods, and that method's signature.
_NEEDED_FOR = {"suggest": ("suggest originals", "suggest(doc)")}


def require_hooks(detector: object, label: str, methods) -> None:
    """Refuse a detector that lacks one of the optional ``methods`` its caller will use, naming
    what it cannot do (said before a fit that may take minutes, or before scoring a text)."""
    for method in methods:
        if hook(detector, method) is None:
            what, signature = _NEEDED_FOR.get(method, (f"call {method}", method))
            raise SpinbenchError(f"model {label!r} cannot {what}: it has no {signature} method")


def requires_fit(detector: object) -> bool:
    return bool(hook(detector, "requires_fit", True))


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
