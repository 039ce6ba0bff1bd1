"""A model made from a name or taken as an object, the same way for detectors and restorers:
what a track says about its kind of model (:class:`ModelKind`), the ``"module:Class"`` target a
run records, and hyperparameters that a results file can hold.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass
from typing import NamedTuple

from harness.core.errors import SpinbenchError
from harness.runs.paths import results_name


@dataclass(frozen=True)
class ModelKind:
    """A track's kind of model: ``noun`` ("detector"), the ``method`` every one has (and how it is
    called, for messages), where its contract is documented, and how one is made from a name
    (``make_by_name(name, model_args)``, errors already in the track's words) and which
    ``"module:Class"`` a name stands for (``target_of``)."""

    noun: str
    method: str
    call: str
    contract: str
    make_by_name: Callable[[str, dict | None], object]
    target_of: Callable[[str], str]


class Made(NamedTuple):
    """A model ready for a run: the object, what messages call it (``label``), its ``"module:Class"``."""

    model: object
    label: str
    target: str


def target_of_object(model: object) -> str:
    cls = type(model)
    return f"{cls.__module__}:{cls.__qualname__}"


def make(model: object, model_args: dict | None, kind: ModelKind) -> Made:
    """``model`` made from a name (``model_args``: its hyperparameters), or taken as it is when
    it is an object of the kind; either way it must have the kind's method (before any fit:
    a model that needs none would otherwise fail only when first called)."""
    if isinstance(model, str):
        made = Made(kind.make_by_name(model, model_args), model, kind.target_of(model))
    elif isinstance(model, type):
        raise SpinbenchError(f"got the class {model.__name__}, not a {kind.noun}: pass an instance, {model.__name__}()")
    elif model_args:
        raise SpinbenchError(f"model_args are for models given by name: give a {kind.noun} object its hyperparameters when you make it")
    else:
        made = Made(model, type(model).__name__, target_of_object(model))
    if not callable(getattr(made.model, kind.method, None)):
        raise SpinbenchError(f"a {type(made.model).__name__} ({made.target}) is not a {kind.noun}: it has no {kind.call} method (see {kind.contract})")
    return made


@contextmanager
def model_code(noun: str, name: str, method: str, error: type[SpinbenchError] = SpinbenchError) -> Iterator[None]:
    """Around a call into a model's own code: what it prints goes to stderr (stdout carries a
    command's output, such as ``detect --format json``), and ``sys.exit()`` in it becomes an
    ``error`` naming the model instead of ending the run quietly."""
    try:
        with redirect_stdout(sys.stderr):
            yield
    except SystemExit as err:
        raise error(f"{noun} {name!r} called sys.exit({err.code!r}) in {method}: a {noun} returns its answer; it may not end the run") from None


def default_name(model: object) -> str:
    """The results folder's name when none is given: a name made safe, or the object's class."""
    return results_name(model) if isinstance(model, str) else type(model).__name__


def checked_params(label: str, params: dict) -> dict:
    """``params`` if they can be stored in a results file (JSON, finite numbers), else a one-line
    error before any work."""
    for key, value in params.items():
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise SpinbenchError(f"model {label!r}: hyperparameter {key}={value!r} ({type(value).__name__}) cannot be recorded in the results: "
                                 "use plain numbers, strings, booleans, None, or lists and dicts of them") from None
    return params
