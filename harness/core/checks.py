"""Value checks every floor shares: what counts as a probability (a score, a threshold).

One definition, so a score refused in a predictions file is refused from a detector and on the
command line too.

>>> is_probability(0.5), is_probability(1), is_probability(True), is_probability("0.5"), is_probability(float("nan"))
(True, True, False, False, False)
>>> first_non_probability([0.1, 0.9, 1.5, -1])
2
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np


def is_finite_number(value: object) -> bool:
    """A real, finite number: not a bool, not a string, not NaN or infinity."""
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)


def is_probability(value: object) -> bool:
    """A finite number in [0, 1] (see the module docstring)."""
    return is_finite_number(value) and 0.0 <= value <= 1.0


def first_non_probability(values: Sequence[float] | np.ndarray) -> int | None:
    """Index of the first value of a numeric array that is not a finite number in [0, 1], or None."""
    values = np.asarray(values, dtype=float)
    bad = ~(np.isfinite(values) & (values >= 0.0) & (values <= 1.0))
    return int(np.argmax(bad)) if bad.any() else None
