"""One model's predictions submitted under two names, told apart from two models that agree.

A copy need not be exact: every score times ``1 - 1e-7``, or a little noise, leaves a model's
ranking of the tokens as it was. Two entries are *near copies* when their scores on the same
items rank-correlate (Spearman) at :data:`NEAR_COPY_CORRELATION` or more; where a ranking is
not defined (one of them gives every item the same score) only identical scores are a copy.
Detection compares token scores; restoration, which ranks candidates rather than scoring
tokens, compares the candidates themselves (:func:`agreement`).

>>> a = np.array([0.1, 0.9, 0.4, 0.7])
>>> near_copies({"a": a, "b": a * (1 - 1e-7), "c": a[::-1]})
[('a', 'b', 1.0)]
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

NEAR_COPY_CORRELATION = 0.999


def ranks(scores: np.ndarray) -> np.ndarray | None:
    """Tied ranks of ``scores``, centred and scaled to unit length (None for constant scores),
    so that the Spearman correlation of two models is the dot product of their ranks."""
    from scipy.stats import rankdata

    r = rankdata(np.asarray(scores, dtype=float)) if len(scores) else np.zeros(0)
    r -= r.mean() if len(r) else 0.0
    norm = float(np.linalg.norm(r))
    return r / norm if norm > 0 else None


def spearman(a: np.ndarray, b: np.ndarray) -> float | None:
    """The rank correlation of two models' scores on the same items (None where undefined)."""
    ra, rb = ranks(a), ranks(b)
    return None if ra is None or rb is None else float(ra @ rb)


def near_copies(scores: dict[str, np.ndarray], measure: Callable[[np.ndarray, np.ndarray], float | None] | None = None,
                threshold: float = NEAR_COPY_CORRELATION) -> list[tuple[str, str, float]]:
    """``(a, b, measure)`` for each pair of models (in name order) whose scores on the same
    items agree at ``threshold`` or more by ``measure`` (default: rank correlation, computed
    once per model); arrays of different lengths are not compared."""
    names = sorted(scores)
    if measure is None:
        ranked = {m: ranks(scores[m]) for m in names}

        def agree(x: str, y: str) -> float | None:
            if ranked[x] is None or ranked[y] is None:
                return 1.0 if np.array_equal(scores[x], scores[y]) else None
            return float(ranked[x] @ ranked[y])
    else:
        def agree(x: str, y: str) -> float | None:
            return measure(scores[x], scores[y])

    found = []
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            if len(scores[a]) != len(scores[b]) or not len(scores[a]):
                continue
            value = agree(a, b)
            if value is not None and value >= threshold:
                found.append((a, b, round(value, 6)))
    return found


def agreement(a: np.ndarray, b: np.ndarray) -> float:
    """The share of items on which two models' answers are the same.

    >>> agreement(np.array(["x", "y", "z"]), np.array(["x", "y", "w"]))
    0.6666666666666666
    """
    return float(np.mean(a == b))
