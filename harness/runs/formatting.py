"""How a score and its interval are written for people, everywhere: the leaderboards, the
``evaluate`` summaries, ``repr`` of results, the report and the generated doc tables.

>>> score_text({"value": 0.5, "ci95": [0.4, 0.6]})
'0.500 [0.400, 0.600]'
>>> score_text({"value": 0.5, "ci95": [None, None]}), score_text({"value": None, "ci95": [None, None]})
('0.500', '–')
>>> score_text({"value": 0.5, "ci95": [0.4, 0.6]}, interval=False), score_text(None, missing="n/a")
('0.500', 'n/a')
>>> summary_text({"value": 0.5, "ci95": [0.5, 0.5]}, documents=1), summary_text({"value": None, "ci95": [None, None]})
('0.500 (too few documents)', 'n/a')
"""

from __future__ import annotations

from harness.runs.bootstrap import MIN_GROUP_DOCUMENTS

MISSING = "–"  # a score that is not defined, or not there


def score_text(metric: dict | None, interval: bool = True, missing: str = MISSING) -> str:
    """``0.123 [0.100, 0.200]``: a score ``{"value", "ci95"}`` to three decimals, with its 95%
    interval where it has one and ``interval`` is asked for; ``missing`` where there is no value."""
    if not metric or metric.get("value") is None:
        return missing
    lo, hi = metric.get("ci95") or (None, None)
    return f"{metric['value']:.3f} [{lo:.3f}, {hi:.3f}]" if interval and lo is not None else f"{metric['value']:.3f}"


def summary_text(metric: dict | None, documents: int | None = None, missing: str = "n/a") -> str:
    """A score as a run's summary prints it: ``missing`` where it is not defined (a recall of no
    spun token, 0/0), and over fewer than :data:`~harness.runs.bootstrap.MIN_GROUP_DOCUMENTS`
    ``documents`` no interval (resampling one document gives an interval of no width) but
    ``(too few documents)``."""
    if not metric or metric.get("value") is None:
        return missing
    if documents is not None and documents < MIN_GROUP_DOCUMENTS:
        return f"{metric['value']:.3f} (too few documents)"
    return score_text(metric)
