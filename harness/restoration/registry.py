"""A lazy registry of restorers (:class:`harness.core.registry.LazyRegistry`): a name maps to a
``"module:Class"`` string imported only when chosen; ``--model`` also takes an import path
``package.module:Class`` as it is.

>>> make_restorer("keep").restore(["a", "b"], [(1, 2)])
[['b']]
>>> make_restorer("reverse-rule")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
harness.evaluation.registry.UnknownModel: unknown restorer 'reverse-rule'; did you mean 'reverse-rules'? ...
"""

from __future__ import annotations

from harness.core.registry import LazyRegistry, class_hint, import_target
from harness.evaluation.contract import check_params
from harness.evaluation.registry import BadModelArgs, UnknownModel

RESTORERS: dict[str, str] = {
    "keep": "harness.restoration.floor:KeepRestorer",
    "reverse-thesaurus": "baselines.restorers:ReverseThesaurusRestorer",
    "reverse-rules": "baselines.restorers:ReverseRulesRestorer",
    "context": "baselines.restorers:ContextRestorer",
    "ranker": "baselines.restorer_ranker:RankingRestorer",
}
# What `spinbench detect --suggest` uses unless told otherwise: the best top-1 on news/test among
# the committed entries (docs/restoration.md; tests/test_restoration_abstention.py keeps it so).
BEST_RESTORER = "ranker"

_REGISTRY = LazyRegistry("restorer", RESTORERS, UnknownModel)


def target_of(name: str) -> str:
    return RESTORERS.get(name, name)


def resolve_class(name: str) -> type:
    target = target_of(name)
    if ":" not in target:
        from harness.evaluation.registry import REGISTRY as DETECTORS

        if name in DETECTORS:
            raise UnknownModel(f"{name!r} is a detector, not a restorer: detectors are evaluated without --task restore "
                               f"(evaluate --model {name}; it can give the spans to restore: --spans-from {name})")
        raise _REGISTRY.unknown(name, " (or an import path package.module:Class)")
    try:
        cls = import_target(target)
    except ImportError as err:
        raise UnknownModel(f"cannot import {target.partition(':')[0]!r} for restorer {name!r}: {err}") from None
    except AttributeError:
        module_name, _, class_name = target.partition(":")
        raise UnknownModel(f"module {module_name!r} has no {class_name!r} (restorer {name!r}){class_hint(target)}") from None
    if not isinstance(cls, type):
        raise UnknownModel(f"{target} is a {type(cls).__name__}, not a restorer class (restorer {name!r})")
    return cls


def make_restorer(name: str, params: dict | None = None):
    """The restorer ``name`` made with ``params``, checked first against its ``__init__``."""
    if params is not None and not isinstance(params, dict):
        raise BadModelArgs(f"model_args must be a dict of hyperparameters, not a {type(params).__name__}")
    cls = resolve_class(name)
    return cls(**check_params(cls, dict(params or {}), name))
