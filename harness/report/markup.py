"""A text's highlights: as escaped HTML for a standalone page (``spinbench detect --format
html``), or as character ranges for the report's document pages, whose script marks a text they
share with other pages (setting every string as text, so nothing needs escaping there).

>>> tokens = [{"start": 0, "end": 5}, {"start": 6, "end": 10}]
>>> marked_html("Heavy <b>.", tokens, [Highlight(1, 2, "fp", "score 0.90")])
'Heavy <mark class="fp" title="score 0.90">&lt;b&gt;.</mark>'
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from harness.evaluation.metrics import spans
from harness.report.analysis import Highlight


def marked_html(text: str, tokens: Sequence[dict], highlights: Sequence[Highlight]) -> str:
    """``text`` escaped, each highlight's characters (first token's start to last token's end)
    wrapped in ``<mark class="KIND" title="TITLE">``; highlights in order, not overlapping."""
    out, cursor = [], 0
    for h in highlights:
        start, end = characters(tokens, h.start, h.end)
        out += [escape(text[cursor:start]), f'<mark class="{h.kind}" title="{escape(h.title)}">', escape(text[start:end]), "</mark>"]
        cursor = end
    out.append(escape(text[cursor:]))
    return "".join(out)


def characters(tokens: Sequence[dict], start: int, end: int) -> tuple[int, int]:
    """The characters tokens ``[start, end)`` cover: the first one's start to the last one's end."""
    return tokens[start]["start"], tokens[end - 1]["end"]


def character_ranges(tokens: Sequence[dict], token_spans: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Token spans (in order, not overlapping) as ``[gap, length]`` in characters, each gap
    counted from the end of the span before: small numbers, so a page's data stays small. The
    report's document pages mark their shared texts from these.

    >>> character_ranges([{"start": 0, "end": 5}, {"start": 6, "end": 10}, {"start": 11, "end": 14}], [(1, 2), (2, 3)])
    [[6, 4], [1, 3]]
    """
    out, cursor = [], 0
    for span in token_spans:
        start, end = characters(tokens, *span)
        out.append([start - cursor, end - start])
        cursor = end
    return out


def character_marks(tokens: Sequence[dict], highlights: Sequence[Highlight]) -> list[list]:
    """Each highlight as ``[gap, length, kind, title]`` (:func:`character_ranges`)."""
    ranges = character_ranges(tokens, [(h.start, h.end) for h in highlights])
    return [[*r, h.kind, h.title] for r, h in zip(ranges, highlights)]


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
