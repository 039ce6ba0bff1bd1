"""The cache of fitted models, detectors and restorers alike (``~/.cache/spinbench/fits``, or
``$SPINBENCH_CACHE``).

An entry holds a fitted model and what its track keeps with it (a detector's scores on
``news``/validation). Its key changes with anything that could change the fit:

- the data: the fingerprints of the splits it is fitted (and validated) on;
- the model's hyperparameters, and the content of every file or folder a hyperparameter names
  (``--model-args lexicon=F`` refits when F changes);
- the source of the model's module, of the modules of its base classes, and of every module of
  this project or the model's package that those import, followed transitively;
- the versions of the third-party packages those modules import.

Entries are written under a unique temporary name and renamed, so concurrent runs never share a
half-written file; an entry that cannot be read is treated as a miss (and refitted). The cache
keeps at most ``$SPINBENCH_CACHE_MAX_GB`` (default 5) GB, dropping the least recently used
entries; ``spinbench cache clear`` empties it. :func:`fit_with_cache` is the one way both tracks
fit a model.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.util
import json
import logging
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from harness.core.errors import SpinbenchError
from harness.core.files import cache_root, write_bytes
from harness.core.paths import writable_location

log = logging.getLogger(__name__)
MODEL = "model"  # an entry's fitted model; the rest of the entry is what its track keeps with it
_HARNESS_ROOT = Path(__file__).resolve().parents[1]


def cache_dir() -> Path:
    return cache_root()


def max_bytes() -> int:
    """``$SPINBENCH_CACHE_MAX_GB`` (default 5) in bytes; anything but a number of at least 0 is an error."""
    text = os.environ.get("SPINBENCH_CACHE_MAX_GB", "5")
    try:
        gb = float(text)
    except ValueError:
        gb = float("nan")
    if not gb >= 0 or gb == float("inf"):
        raise SpinbenchError(f"SPINBENCH_CACHE_MAX_GB={text!r} is not a size in GB: give a number of at least 0, e.g. 5")
    return int(gb * 1e9)


def _imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def _spec(module: str):
    """``importlib.util.find_spec``, or None where it cannot tell (``__main__`` of a script has no
    spec, and asking raises)."""
    try:
        return importlib.util.find_spec(module)
    except (ImportError, ValueError, AttributeError):
        return None


def _origin(module: str) -> Path | None:
    spec = _spec(module)
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin).resolve()


@lru_cache(maxsize=1)
def _installed_folders() -> tuple[Path, ...]:
    """Where installed packages live (site-packages of this environment and the user's)."""
    import site
    import sysconfig

    found = {sysconfig.get_paths()[k] for k in ("purelib", "platlib")} | set(getattr(site, "getsitepackages", list)())
    found.add(site.getusersitepackages())
    return tuple(sorted({Path(f).resolve() for f in found if f}))


def _installed(path: Path) -> bool:
    return any(path.is_relative_to(folder) for folder in _installed_folders())


def _first_party(origin: Path, roots: set[Path]) -> bool:
    """A module under one of ``roots``, not an installed package inside one (a virtual
    environment in the folder of a lone detector module), unless that root is installed too."""
    return any(origin.is_relative_to(r) and (not _installed(origin) or _installed(r)) for r in roots)


@lru_cache(maxsize=1)
def _distributions() -> dict[str, list[str]]:
    from importlib.metadata import packages_distributions

    return packages_distributions()


def _version(top_level: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    for dist in _distributions().get(top_level, []):
        try:
            return f"{dist}=={version(dist)}"
        except PackageNotFoundError:
            continue
    return None


def _package_root(module_name: str, path: Path) -> Path:
    """The folder of a module's top-level package (its own folder for a lone module)."""
    top = sys.modules.get(module_name.split(".")[0])
    top_file = getattr(top, "__file__", None)  # None for a namespace package (a folder without __init__.py)
    return Path(top_file).resolve().parent if top_file and getattr(top, "__path__", None) else path.parent


def source_files(classes: tuple[type, ...]) -> tuple[list[Path], set[str]]:
    """The first-party source files behind ``classes`` (their modules, and every module of this
    project or of their packages those import, followed transitively) and the top-level names
    of the third-party packages they import."""
    roots = {_HARNESS_ROOT}
    start = []
    for klass in classes:
        module = sys.modules.get(klass.__module__)
        path = Path(module.__file__).resolve() if module is not None and getattr(module, "__file__", None) else None
        if path is None or klass.__module__ == "builtins" or not path.is_file():  # a class typed at a prompt or piped in (``<stdin>``)
            continue
        roots.add(_package_root(klass.__module__, path))
        start.append(path)
    seen: dict[Path, None] = {}
    third_party: set[str] = set()
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen[path] = None
        for name in _imported_names(path):
            top = name.split(".")[0]
            if top in sys.stdlib_module_names:
                continue
            origin = _origin(name)
            if origin is not None and _first_party(origin, roots):
                queue.append(origin)
            elif origin is not None or _spec(top) is not None:
                third_party.add(top)
    return list(seen), third_party


def code_fingerprint(cls: type) -> dict:
    """Source hashes of the first-party modules behind ``cls`` (and its base classes) and
    versions of the third-party packages they import (see the module docstring)."""
    files, third_party = source_files(cls.__mro__)
    # Paths differ between checkouts; what matters is the code, so sort the hashes alone.
    return {"sources": sorted(hashlib.sha256(f.read_bytes()).hexdigest() for f in files), "packages": package_versions(third_party)}


def package_versions(top_level: set[str]) -> list[str]:
    """``distribution==version`` of the installed packages with these top-level names, sorted."""
    return sorted(filter(None, (_version(t) for t in top_level)))


def _content_hash(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for f in files:
        h.update(str(f.relative_to(path) if path.is_dir() else f.name).encode())
        with open(f, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def referenced_files(params: dict) -> dict[str, str]:
    """Content hashes of the files and folders that hyperparameter values name."""
    out = {}
    for name, value in sorted(params.items()):
        if isinstance(value, str) and value and os.path.exists(value):
            out[name] = _content_hash(Path(value))
    return out


def fit_key(model: object, target: str, params: dict, fingerprints: list[str]) -> str:
    """The cache key of fitting ``model`` (see the module docstring)."""
    blob = json.dumps(
        {"target": target, "params": params, "files": referenced_files(params), "code": code_fingerprint(type(model)), "data": fingerprints},
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:24]


def check_writable() -> None:
    """Say before a fit, not after it, when the cache cannot be written (a fit is stored even
    with ``use_cache=False``)."""
    max_bytes()  # a malformed $SPINBENCH_CACHE_MAX_GB is said before the fit, not after it
    writable_location(cache_dir() / "fits", "the cache of fitted models ($SPINBENCH_CACHE, else ~/.cache/spinbench)")


def entry_path(key: str) -> Path:
    return cache_dir() / "fits" / f"{key}.pkl"


def load_entry(key: str) -> dict | None:
    """The cached entry, or None when there is none or it cannot be read (a warning says so)."""
    path = entry_path(key)
    if not path.exists():
        return None
    try:
        with open(path, "rb") as f:
            entry = pickle.load(f)
        if not isinstance(entry, dict) or MODEL not in entry:
            raise ValueError("not a fit-cache entry")
    except Exception as err:  # a truncated, corrupt or foreign file: refit rather than fail
        log.warning("ignoring unreadable cached fit %s (%s: %s); refitting", path, err.__class__.__name__, err)
        return None
    os.utime(path)  # recently used: kept longest when the cache is trimmed
    return entry


def entries() -> list[tuple[Path, int]]:
    """(path, size in bytes) of every cached fit, least recently used first."""
    folder = cache_dir() / "fits"
    paths = sorted(folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime) if folder.exists() else []
    return [(p, p.stat().st_size) for p in paths]


def clear(model: str | None = None, target: str | None = None) -> tuple[int, int]:
    """Remove every cached fit, or those of ``model`` (its ``"module:Class"`` ``target``, the
    name itself, or its class name); returns (fits removed, bytes freed)."""
    removed = freed = 0
    for path, size in entries():
        if model is not None and not is_of(about(path).get("target", ""), model, target):
            continue
        path.unlink(missing_ok=True)
        _about_path(path).unlink(missing_ok=True)
        removed, freed = removed + 1, freed + size
    return removed, freed


def is_of(cached: str, model: str, target: str | None = None) -> bool:
    """Whether a fit cached for ``cached`` (a ``"module:Class"``) is one of ``model``'s."""
    return bool(cached) and (cached == target or cached == model or cached.rsplit(":", 1)[-1] == model)


def _about_path(path: Path) -> Path:
    return path.with_suffix(".json")


def about(path: Path) -> dict:
    """What a cached fit is (model target, hyperparameters, when it was made), from the small
    file beside it; {} for an entry written before there was one."""
    try:
        return json.loads(_about_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def store_entry(key: str, entry: dict, target: str = "", params: dict | None = None) -> Path:
    path = entry_path(key)
    write_bytes(path, pickle.dumps(entry))
    made = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    write_bytes(_about_path(path), json.dumps({"target": target, "params": params or {}, "created": made}, default=repr).encode())
    cached = entries()
    total = sum(size for _, size in cached)
    for old, size in cached:
        if total <= max_bytes() or old == path:
            break
        old.unlink(missing_ok=True)
        _about_path(old).unlink(missing_ok=True)
        total -= size
    return path


def cacheable(model: object) -> bool:
    """Whether the cache can key this model's code: its class must live in a module file (a class
    typed into a notebook or ``python -c`` has none to fingerprint)."""
    module = sys.modules.get(type(model).__module__)
    path = getattr(module, "__file__", None)
    return type(model).__module__ != "__main__" and path is not None and Path(path).is_file()


@dataclass
class Fitted:
    """A model fitted (or its fit loaded from the cache): ``seconds`` the fit took (None from the
    cache), ``kept`` what the cache held with it, ``key`` its cache key (None: not cacheable)."""

    model: object
    seconds: float | None
    kept: dict = field(default_factory=dict)
    key: str | None = None
    target: str = ""
    params: dict = field(default_factory=dict)

    def keep(self, **values) -> None:
        """Store the model in the cache with ``values`` (a track's data kept with the fit). A model
        that cannot be pickled (it may hold an open file or connection, made when it was used) is
        not cached: it is fitted again next time, and a warning says why."""
        if self.key is not None:
            self.kept = values
            try:
                store_entry(self.key, {MODEL: self.model, **values}, self.target, self.params)
            except (pickle.PicklingError, TypeError, AttributeError) as err:
                log.warning("the fit of %s is not cached: it cannot be pickled (%s: %s)", self.target or "the model", type(err).__name__, err)


def fit_with_cache(model: object, target: str, params: dict, data: list[str], fit: Callable[[object], object], *, use_cache: bool = True,
                   store: bool = True, what: str = "", label: str = "") -> Fitted:
    """``model`` fitted by ``fit(model) -> fitted model``, or its fit loaded from the cache: the
    key covers ``target``, ``params``, the model's code and ``data`` (fingerprints of what it is
    fitted on). ``use_cache=False`` refits and caches the new fit; ``store=False`` leaves storing
    to the caller (:meth:`Fitted.keep`, once the track has what it keeps with the fit). ``what``:
    the data, and ``label`` the model (``the restorer ranker``), for the log line."""
    key = None
    if cacheable(model):
        check_writable()
        key = fit_key(model, target, params, data)
        if entry_path(key).is_dir():  # said before the fit, which could not be stored there
            raise SpinbenchError(f"the cache of fitted models holds a folder where this fit goes ({entry_path(key)}): remove it, "
                                 "or point $SPINBENCH_CACHE elsewhere")
        cached = load_entry(key) if use_cache else None
        if cached is not None:
            log.info("using the fit %scached at %s", f"of {label} " if label else "", entry_path(key))
            return Fitted(cached.pop(MODEL), None, cached, key, target, params)
    log.info("fitting %son %s...", f"{label} " if label else "", what or "the training split")
    started = time.perf_counter()
    fitted = fit(model)
    done = Fitted(fitted, time.perf_counter() - started, {}, key, target, params)
    if store:
        done.keep()
    return done
