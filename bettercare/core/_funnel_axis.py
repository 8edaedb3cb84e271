"""PHE's funnel-plot x axis: 100 points, rounded to neat figures the way R prints numbers.

Private to :mod:`bettercare.core.funnel` (``calculate_funnel_limits``' ``signif.floor``,
``signif.ceiling`` and its loop over the points, PHEindicatormethods 2.0.2).
"""

from __future__ import annotations

import math

import numpy as np

from bettercare.core._checks import FloatArray
from bettercare.core._funnel_inputs import Statistic


def r_nchar(value: float) -> int:
    """``nchar()`` of a whole number as R prints it: R writes 1e+05, not 100000."""
    if value == 0:
        return 1
    fixed = str(int(value))
    digits = fixed.rstrip("0")[:15]
    mantissa = 1 if len(digits) == 1 else len(digits) + 1
    exponent = len(fixed) - 1
    scientific = mantissa + 2 + max(2, len(str(exponent)))
    return len(fixed) if len(fixed) <= scientific else scientific


def signif_floor(x: float) -> float:
    if x == 0:
        return 0.0
    n = r_nchar(math.floor(x * 0.95)) - 1
    return math.floor(x * 0.95 / 10.0**n) * 10.0**n


def signif_ceiling(x: float) -> float:
    if x == 0:
        return 0.0
    n = r_nchar(math.ceil(x * 1.05)) - 2
    return math.ceil(x * 1.05 / 10.0**n) * 10.0**n


def axis_points(minimum: float, maximum: float, statistic: Statistic) -> FloatArray:
    """PHE's 100 axis points: geometric steps from the minimum to the maximum, whole numbers."""
    points = [max(1.0, minimum)]
    for j in range(2, 101):
        offset = j - 1 if statistic == "ratio" else j
        previous = points[-1]
        step = round((maximum / previous) ** (1 / (101 - offset)) * previous)
        points.append(max(float(step), previous + 1))
    return np.array(points)


def format_thousands(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"
