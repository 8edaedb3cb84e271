"""The mean of record-level values from their total, count and sum of squares, with its interval.

A metric such as the average discharge delay is a mean of one value per record (days from the
discharge ready date to the discharge). A pipeline that aggregates the records keeps three
whole numbers per area and month: the total ``S = sum(x_i)``, the count ``n`` and the sum of
squares ``Q = sum(x_i**2)``. They are enough for the mean, the sample standard deviation and
so a confidence interval, and they add up exactly over months and areas.

The interval is Student's t interval for a mean, as in the PHE/OHID *Technical Guide:
Confidence Intervals* and ``PHEindicatormethods`` ``phe_mean`` (see ADR 0070).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike
from scipy import special  # not scipy.stats: its import alone takes most of a second

from bettercare.core._checks import (
    as_float_array,
    broadcast,
    check_finite,
    check_non_negative,
    check_positive,
    freeze,
    normalise_confidence,
)
from bettercare.core.stats import Estimate

__all__ = ["mean"]

#: Relative slack allowed when checking ``Q >= S**2 / n`` (whole numbers summed as floats).
_TOLERANCE = 1e-9


def mean(
    total: ArrayLike,
    count: ArrayLike,
    sum_of_squares: ArrayLike,
    *,
    multiplier: float = 1,
    confidence: float = 0.95,
) -> Estimate:
    """Mean of record-level values with Student's t confidence limits.

    Parameters
    ----------
    total : array_like
        The sum of the values, ``S``.
    count : array_like
        How many values, ``n`` (greater than zero).
    sum_of_squares : array_like
        The sum of the squared values, ``Q`` (zero or more, and at least ``S**2 / n``, as
        for any real values).
    multiplier : float, optional
        Scale of the result, default 1 (e.g. days).
    confidence : float, optional
        Confidence level: 0.95, 0.998, 95 or 99.8.

    Returns
    -------
    Estimate
        ``value = S / n * multiplier`` with limits ``value -/+ t * s / sqrt(n) * multiplier``.
        The limits are NaN when ``n`` is 1 (no spread can be estimated from one value).

    Notes
    -----
    The sample variance is ``s**2 = (Q - S**2 / n) / (n - 1)`` and ``t`` is the two-sided
    quantile of Student's t distribution with ``n - 1`` degrees of freedom. The interval
    relies on the mean being approximately normal (the central limit theorem): honest for
    the hundreds of discharges of an area's month even when the delays are skewed, rough for
    a handful. The limits are not truncated at zero.

    References
    ----------
    Public Health England. Technical Guide: Confidence Intervals, 2018 (means).
    As implemented in PHEindicatormethods ``phe_mean``.

    Examples
    --------
    Delays of 0, 0, 1, 2 and 7 days: S = 10, n = 5, Q = 54.

    >>> m = mean(10, 5, 54)
    >>> round(m.value, 3), round(m.lower, 3), round(m.upper, 3)
    (2.0, -1.62, 5.62)
    """
    level = normalise_confidence(confidence)
    sums = as_float_array("total", total)
    counts = as_float_array("count", count)
    squares = as_float_array("sum_of_squares", sum_of_squares)
    scalar = sums.ndim == 0 and counts.ndim == 0 and squares.ndim == 0
    check_finite("total", sums)
    check_positive("count", counts)
    check_non_negative("sum_of_squares", squares)
    sums, counts, squares = (
        np.atleast_1d(array)
        for array in broadcast(total=sums, count=counts, sum_of_squares=squares)
    )
    deviations = squares - sums**2 / counts
    impossible = deviations < -_TOLERANCE * np.maximum(squares, 1.0)
    if impossible.any():
        index = int(np.flatnonzero(impossible)[0])
        raise ValueError(
            f"sum_of_squares must be at least total**2 / count (real values); got "
            f"sum_of_squares {squares[index]:g} with total {sums[index]:g} and count "
            f"{counts[index]:g} at position {index}"
        )
    value = sums / counts * multiplier
    spread = np.full_like(value, np.nan)
    several = counts > 1
    variance = np.maximum(deviations[several], 0.0) / (counts[several] - 1)
    # Student's t quantile: scipy.stats.t.ppf is this same function, bit for bit.
    quantile = special.stdtrit(counts[several] - 1, level + (1 - level) / 2)
    spread[several] = quantile * np.sqrt(variance / counts[several]) * multiplier
    lower, upper = value - spread, value + spread
    if scalar:
        return Estimate(value.item(), lower.item(), upper.item(), level, "Student's t")
    return Estimate(freeze(value), freeze(lower), freeze(upper), level, "Student's t")
