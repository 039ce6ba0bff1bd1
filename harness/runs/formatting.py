"""How a score and its interval are written for people, everywhere: the leaderboards, the
``evaluate`` summaries, ``repr`` of results, the report and the generated doc tables.

>>> score_text({"value": 0.5, "ci95": [0.4, 0.6]})
'0.500 [0.400, 0.600]'
>>> score_text({"value": 0.5, "ci95": [None, None]}), score_text({"value": None, "ci95": [None, None]})
('0.500', '–')
>>> score_text({"value": 0.5, "ci95": [0.4, 0.6]}, interval=False), score_text(None, missing="n/a")
('0.500', 'n/a')
"""

from __future__ import annotations

MISSING = "–"  # a score that is not defined, or not there


def score_text(metric: dict | None, interval: bool = True, missing: str = MISSING) -> str:
    """``0.123 [0.100, 0.200]``: a score ``{"value", "ci95"}`` to three decimals, with its 95%
    interval where it has one and ``interval`` is asked for; ``missing`` where there is no value."""
    if not metric or metric.get("value") is None:
        return missing
    lo, hi = metric.get("ci95") or (None, None)
    return f"{metric['value']:.3f} [{lo:.3f}, {hi:.3f}]" if interval and lo is not None else f"{metric['value']:.3f}"
