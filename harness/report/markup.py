"""A text with highlighted tokens as HTML: the one renderer behind the report's error browser
and ``spinbench detect --format html``. Everything from the text or a title is escaped.

>>> tokens = [{"start": 0, "end": 5}, {"start": 6, "end": 10}]
>>> marked_html("Heavy <b>.", tokens, [Highlight(1, 2, "fp", "score 0.90")])
'Heavy <mark class="fp" title="score 0.90">&lt;b&gt;.</mark>'
"""

from __future__ import annotations

from html import escape
from typing import Sequence

from harness.evaluation.metrics import spans
from harness.report.analysis import Highlight


def marked_html(text: str, tokens: Sequence[dict], highlights: Sequence[Highlight]) -> str:
    """``text`` escaped, each highlight's characters (first token's start to last token's end)
    wrapped in ``<mark class="KIND" title="TITLE">``; highlights in order, not overlapping."""
    out, cursor = [], 0
    for h in highlights:
        start, end = tokens[h.start]["start"], tokens[h.end - 1]["end"]
        out += [escape(text[cursor:start]), f'<mark class="{h.kind}" title="{escape(h.title)}">', escape(text[start:end]), "</mark>"]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def detection_highlights(result: dict) -> list[Highlight]:
    """Runs of flagged tokens in a :func:`harness.evaluation.detect.detect` result, titled with
    their highest score and the detector's guesses at the originals, where it made any."""
    tokens = result["tokens"]
    out = []
    for s, e in spans([int(t["spun"]) for t in tokens]):
        title = f"score {max(t['score'] for t in tokens[s:e]):.2f}"
        guesses = [t["suggestion"] for t in tokens[s:e] if t.get("suggestion")]
        if guesses:
            title += f"; probably “{' '.join(guesses)}”"
        out.append(Highlight(s, e, "flag", title))
    return out
