"""How the report writes provenance as text: the harness version a result was made with, a
model's parameters, a title's `code` (scores and their intervals: :mod:`harness.runs.formatting`,
as everywhere else). Every page module formats through these, so a figure reads the same on every
page."""

from __future__ import annotations

import re


def harness_version(harness: dict) -> str:
    """The harness a result was made with: its version and, where known, its commit.

    >>> harness_version({"version": "0.4.0", "git_commit": "0123456789abcdef"})
    '0.4.0 (01234567)'
    """
    commit = harness.get("git_commit")
    return f"{harness.get('version')} ({commit[:8]})" if commit else str(harness.get("version"))


def params_text(params: dict) -> str:
    """A model's parameters as ``k=v`` pairs in name order.

    >>> params_text({"top": 5, "alpha": 0.1})
    'alpha=0.1, top=5'
    """
    return ", ".join(f"{k}={v}" for k, v in sorted(params.items()))


def code_spans(text: str):
    """Markdown's `code` in a title (the leaderboard's table titles) as HTML ``<code>``, the rest escaped.

    >>> str(code_spans("`news`/test <b>"))
    '<code>news</code>/test &lt;b&gt;'
    """
    from markupsafe import Markup, escape

    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))
