"""A lazy registry: names mapped to ``"module:attribute"`` strings, imported only when asked for
(as lm-evaluation-harness does), so naming one entry never imports another's dependencies.
Detectors (:mod:`harness.evaluation.registry`) and spinner engines (:mod:`harness.corpus.spin`)
both use it, with the same "did you mean" errors.

>>> r = LazyRegistry("colour", {"json-dumps": "json:dumps"})
>>> r.resolve("json-dumps").__name__
'dumps'
>>> r.resolve("json-dump")
Traceback (most recent call last):
...
harness.core.registry.UnknownName: unknown colour 'json-dump'; did you mean 'json-dumps'? Known colours: json-dumps
"""

from __future__ import annotations

import difflib
import importlib
import sys

from harness.core.errors import SpinbenchError


class UnknownName(SpinbenchError, KeyError):
    """A name that is not registered (``KeyError`` too, for ``dict``-like callers)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def did_you_mean(name: str, known) -> str:
    """``"did you mean 'x'? "`` for the closest known name, or ``""``."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}? " if close else ""


def class_hint(target: str) -> str:
    """For a ``"module:Class"`` whose module imported but has no such class: ``": did you mean
    'Closest'?"`` among the module's classes, or ``""``."""
    module_name, _, attribute = target.partition(":")
    module = sys.modules.get(module_name)
    classes = [k for k, v in vars(module).items() if isinstance(v, type)] if module is not None else []
    hint = did_you_mean(attribute, classes).rstrip()
    return f": {hint}" if hint else ""


def import_target(target: str):
    """The attribute a ``"module:attribute"`` string names (import errors propagate)."""
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


class LazyRegistry:
    """``name -> "module:attribute"``; :meth:`resolve` imports on first use."""

    def __init__(self, kind: str, entries: dict[str, str], error: type[Exception] = UnknownName):
        self.kind = kind
        self.entries = entries
        self.error = error

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self):
        return iter(self.entries)

    def names(self) -> list[str]:
        return sorted(self.entries)

    def unknown(self, name: str, also: str = "") -> Exception:
        """The error for a name that is not registered; ``also`` adds what else is accepted."""
        hint = did_you_mean(name, self.entries)
        return self.error(f"unknown {self.kind} {name!r}; {hint}{'K' if hint else 'k'}nown {self.kind}s: {', '.join(self.names())}{also}")

    def target(self, name: str) -> str:
        if name not in self.entries:
            raise self.unknown(name)
        return self.entries[name]

    def resolve(self, name: str):
        return import_target(self.target(name))
