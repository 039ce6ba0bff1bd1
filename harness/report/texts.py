"""The documents of a split as the report's pages show them: text, title and how each was spun.
Written once per split (``texts/<config>.<split>-<revision>.js``) and shared by every error
browser and restoration page of that split, which carry only their own marks and rows.
"""

from __future__ import annotations

from pathlib import Path

from harness.core.dataset import Split
from harness.report.rendering import write_data

KEY = "texts"  # the data file sets window.SPINBENCH.texts


def texts_file(split: Split) -> str:
    """The split's texts file, relative to the report's root; named by its content's fingerprint,
    so two datasets with a split of the same name never share one."""
    return f"texts/{split.config}.{split.split}-{split.fingerprint[:12]}.js"


def texts_data(split: Split) -> dict:
    """Each document's id, title, text and spinning (domain, recipe, engines, rate, spun or clean), in the split's order."""
    return {"docs": [{"id": r["id"], "title": r["title"], "text": r["text"], "domain": r["domain"], "recipe": r["recipe"],
                      "engines": list(r["engines"]), "rate": round(float(r["spin_rate"]), 3), "spun": bool(r["is_spun"])}
                     for r in split.records]}


def write_texts(root: Path, split: Split) -> None:
    write_data(Path(root) / texts_file(split), KEY, texts_data(split))
