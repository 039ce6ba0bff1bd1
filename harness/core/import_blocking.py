"""Importing a library without the optional heavy packages it would load for features spinbench
never uses.

nlpaug imports torch and transformers (for its language-model augmenters) and lemminflect imports
spaCy (to register a token extension) whenever they are installed, each inside ``try: ...
except ImportError``. :func:`without` makes those imports fail as if the packages were missing,
for the duration of one import, which saves a build several seconds; they stay importable
afterwards (``import torch`` works), but the library's own modules imported in the block keep
what they saw: nlpaug's language-model augmenters cannot run later in the same process, and
inside the block ``importlib.util.find_spec`` raises for a hidden package rather than returning
None. Packages already loaded are left alone.

>>> import sys
>>> with without("json_never_installed_here"):
...     import harness.core.errors
>>> "harness.core.errors" in sys.modules
True
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator


class _Hidden:
    """An import hook under which importing one of ``names`` (or a submodule) fails."""

    def __init__(self, names: tuple[str, ...]):
        self.names = names

    def find_spec(self, fullname, path=None, target=None):
        if fullname.partition(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r} (hidden while another library imports)", name=fullname)
        return None


@contextlib.contextmanager
def without(*names: str) -> Iterator[None]:
    """Within the block, ``import name`` fails for each of ``names`` not already imported."""
    hook = _Hidden(tuple(name for name in names if name not in sys.modules))
    sys.meta_path.insert(0, hook)
    try:
        yield
    finally:
        sys.meta_path.remove(hook)
