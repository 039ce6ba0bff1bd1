"""A lazy registry of detectors: names map to ``"module:Class"`` strings, imported only when
chosen, so ``--model lexicon`` never imports torch. ``hf:PATH_OR_HUB_ID`` names a saved Hugging
Face token-classification model (:mod:`harness.evaluation.hf_model`); its path becomes the
``model`` hyperparameter, so the fit cache key covers the folder's content.

>>> resolve_class("all-spun").__name__
'AllSpunDetector'
>>> resolve_class("lexcon")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
harness.evaluation.registry.UnknownModel: unknown model 'lexcon'; did you mean 'lexicon'? Known models: all-spun, classifier, ...
"""

from __future__ import annotations

import ast
import os
import re

from harness.core.errors import SpinbenchError
from harness.core.registry import LazyRegistry, class_hint, import_target
from harness.evaluation.contract import check_params

REGISTRY: dict[str, str] = {
    "random": "harness.evaluation.floor_detectors:RandomDetector",
    "all-spun": "harness.evaluation.floor_detectors:AllSpunDetector",
    "lexicon": "baselines.lexicon:LexiconDetector",
    "classifier": "baselines.classifier:ClassifierDetector",
    "embedding": "baselines.embedding:EmbeddingDetector",
    "transformer": "baselines.transformer:TransformerDetector",
}
HF_PREFIX = "hf:"
HF_TARGET = "harness.evaluation.hf_model:HFTokenClassifier"
_NEEDS_TORCH = ("embedding", "transformer")
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")


class UnknownModel(SpinbenchError, ValueError):
    """A --model value that is neither registered nor importable."""


_REGISTRY = LazyRegistry("model", REGISTRY, UnknownModel)


class BadModelArgs(SpinbenchError, ValueError):
    """A --model-args value that does not fit the detector's hyperparameters."""


def target_of(name: str) -> str:
    """The ``"module:Class"`` a model name stands for.

    >>> target_of("lexicon"), target_of("hf:models/mine")
    ('baselines.lexicon:LexiconDetector', 'harness.evaluation.hf_model:HFTokenClassifier')
    """
    return HF_TARGET if name.startswith(HF_PREFIX) else REGISTRY.get(name, name)


def resolve_class(name: str, predictions_file_ok: bool = True) -> type:
    """A registered name, ``hf:...`` or an import path ``package.module:Class`` -> the detector class."""
    target = target_of(name)
    if ":" not in target:
        also = ", or a predictions file" if predictions_file_ok else ""
        raise _REGISTRY.unknown(name, f" (or hf:PATH_OR_HUB_ID, an import path package.module:Class{also})")
    module_name, _, class_name = target.partition(":")
    try:
        cls = import_target(target)
    except ImportError as err:
        extra = " (install it with: pip install -e '.[embedding]')" if name in _NEEDS_TORCH or name.startswith(HF_PREFIX) else ""
        hint = " (run from the folder that holds it, or put that folder on PYTHONPATH)" if isinstance(err, ModuleNotFoundError) and err.name == module_name.split(".")[0] else ""
        raise UnknownModel(f"cannot import {module_name!r} for model {name!r}: {err}{extra}{hint}") from None
    except AttributeError:
        raise UnknownModel(f"module {module_name!r} has no {class_name!r} (model {name!r}){class_hint(target)}") from None
    except Exception as err:  # a user's module that fails while importing
        raise UnknownModel(f"importing {module_name!r} for model {name!r} failed: {err.__class__.__name__}: {err}") from None
    if not isinstance(cls, type):
        raise UnknownModel(f"{target} is a {type(cls).__name__}, not a detector class (model {name!r})")
    return cls


def parse_model_args(text: str | None) -> dict:
    """``"k=v,k2=v2"`` -> a dict; values are Python literals where they parse (``3``, ``0.5``,
    ``True``), strings otherwise. A value wholly in quotes (``"..."`` or ``'...'``) is that
    string as written: it may hold commas, and nothing in it is parsed or unescaped.

    >>> parse_model_args('lexicon="/tmp/a,b.txt",max_n=3')
    {'lexicon': '/tmp/a,b.txt', 'max_n': 3}
    >>> parse_model_args("lexicon='new, old.txt', name=O'Brien, flag=True")
    {'lexicon': 'new, old.txt', 'name': "O'Brien", 'flag': True}
    """
    if not text:
        return {}
    # Split on the commas outside a quoted value; a quote only opens at the start of a value,
    # so an apostrophe inside one (O'Brien) is text.
    items, item, quote, value_starts = [], "", None, False
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
        elif ch == ",":
            items.append(item)
            item, value_starts = "", False
            continue
        elif ch == "=" and "=" not in item:
            value_starts = True
        elif value_starts and ch in "\"'":
            quote, value_starts = ch, False
        elif not ch.isspace():
            value_starts = False
        item += ch
    if quote:
        raise BadModelArgs(f"bad --model-args item {item!r}: its quote {quote} is not closed")
    items.append(item)
    out = {}
    for item in items:
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key:
            raise BadModelArgs(f"bad --model-args item {item!r}: expected key=value")
        if key in out:
            raise BadModelArgs(f"--model-args gives {key!r} twice")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            out[key] = value[1:-1]
            continue
        try:
            out[key] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            out[key] = value
    return out


def make_detector(name: str, params: dict | None = None, predictions_file_ok: bool = True):
    """The detector ``name`` made with ``params``, checked first against its ``__init__``
    (names, the types of their defaults, ``param_ranges``)."""
    if params is not None and not isinstance(params, dict):
        raise BadModelArgs(f"model_args must be a dict of hyperparameters ({{'alpha': 1.0}}), not a {type(params).__name__}: {params!r}")
    params = dict(params or {})
    if name.startswith(HF_PREFIX):
        if "model" in params:
            raise BadModelArgs("give the Hugging Face model in --model hf:PATH_OR_HUB_ID, not as model= in --model-args")
        params["model"] = hf_model_path(name)
    cls = resolve_class(name, predictions_file_ok)
    return cls(**check_params(cls, params, name))


def hf_model_path(name: str) -> str:
    """The folder or hub id of ``hf:PATH_OR_HUB_ID``: an existing folder, or something shaped like
    a hub id (``owner/name`` or ``name``).

    >>> hf_model_path("hf:")
    Traceback (most recent call last):
    ...
    harness.evaluation.registry.UnknownModel: --model hf: needs a model after 'hf:': a save_pretrained folder or a Hugging Face hub id
    """
    path = name[len(HF_PREFIX) :]
    if not path:
        raise UnknownModel("--model hf: needs a model after 'hf:': a save_pretrained folder or a Hugging Face hub id")
    if os.path.exists(path):
        if not os.path.isdir(path) or not os.path.exists(os.path.join(path, "config.json")):
            raise UnknownModel(f"--model {name}: {path!r} is not a save_pretrained folder (no config.json)")
    elif not _HUB_ID.fullmatch(path):
        raise UnknownModel(f"--model {name}: there is no folder {path!r}, and it is not a hub id (owner/name)")
    return path
