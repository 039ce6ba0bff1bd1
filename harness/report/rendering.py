"""What every page of the report is written with: the jinja environment of the templates, the
stylesheet and scripts copied beside the pages, and the data files the document pages load.

A data file is a script that sets one entry of ``window.SPINBENCH`` (browsers refuse ``fetch``
on ``file://``, but run a ``<script src>``): the JSON of its data, gzipped and in base64, which
the page's script unpacks with the browser's own ``DecompressionStream``. Gzip keeps the site
small (the documents' data are the bulk of it, and repetitive); the bytes are the same for the
same data (no time stamp in the gzip header).

>>> data = {"docs": [{"id": "d1", "text": "Heavy rain."}]}
>>> unpack(data_script("texts", data)) == data
True
"""

from __future__ import annotations

import base64
import gzip
import json
from importlib import resources
from pathlib import Path

from harness.core.files import write_text
from harness.report.formatting import code_spans

# A document page shows its documents a page at a time: at most PER_PAGE, and no more than its
# script estimates fill PAGE_BUDGET_PX (well inside the 20,000 px a page may be at 1280 px wide).
PER_PAGE = 20
PAGE_BUDGET_PX = 14_000
ASSETS = ("report.css", "documents.js", "errors.js", "restoration.js")
_PREFIX = "window.SPINBENCH = window.SPINBENCH || {};\nwindow.SPINBENCH."


def environment():
    """The templates' environment: autoescaped, undefined names an error."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("harness.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["code_spans"] = code_spans
    return env


def asset(name: str) -> str:
    return resources.files("harness.report").joinpath(f"static/{name}").read_text(encoding="utf-8")


def stylesheet() -> str:
    return asset("report.css")


def write_assets(folder: Path) -> None:
    """The stylesheet and the scripts, in ``folder/assets/``."""
    for name in ASSETS:
        write_text(Path(folder) / "assets" / name, asset(name))


def data_script(key: str, data) -> str:
    """The script that sets ``window.SPINBENCH[key]`` to ``data`` packed (JSON, gzip, base64)."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    packed = base64.b64encode(gzip.compress(raw, compresslevel=6, mtime=0)).decode("ascii")
    return f'{_PREFIX}{key} = "{packed}";\n'


def write_data(path: Path, key: str, data) -> None:
    write_text(path, data_script(key, data))


def unpack(script: str):
    """The data a :func:`data_script` holds (for tests and benchmarks: the pages unpack it in the browser)."""
    if not script.startswith(_PREFIX):
        raise ValueError("not a spinbench report data file")
    packed = script[script.index('"') + 1 : script.rindex('"')]
    return json.loads(gzip.decompress(base64.b64decode(packed)))


def read_data(path: Path):
    return unpack(Path(path).read_text(encoding="utf-8"))
