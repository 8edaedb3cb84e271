"""Year-end forecasts from year-to-date monthly counts.

Method
------
Let ``x`` be the count observed in the first ``m`` months of the financial year. Both
forecasts scale ``x`` up to the full year, ``F = x * (1 + k)``, where ``k`` is the ratio of the
part of the year still to come to the part observed:

- **run rate**: the remaining months continue at the average monthly rate so far,
  ``k = (12 - m) / m``;
- **seasonal**: the remaining months follow last year's monthly profile. With ``s`` the share
  of last year's total that fell in the same ``m`` months, ``k = (1 - s) / s`` (so
  ``F = x / s``).

The count still to come, ``R``, is treated as Poisson with mean ``k * mu`` where ``mu`` is the
underlying count for the months observed. Its prediction error ``R - k * x`` then has variance
``k * mu + k**2 * mu`` (the Poisson variation still to come plus the error in estimating the rate
from ``x``), estimated by ``x * k * (1 + k)``. The interval is ``F +/- z * sqrt(x * k * (1 + k))``
(normal approximation) and the probability of meeting a target ``T`` is
``P(F_true <= T)`` (lower is better) or ``P(F_true >= T)`` (higher is better) under that normal
distribution. With the whole year observed the forecast is the observed total, with no
uncertainty.

Rates are forecast as counts and divided by the denominator (times the multiplier) at the end.

Worked example (a BCF highlight report, 2017-18): 26,913 non-elective admissions in April to
August against a full-year target of 60,582. The run-rate forecast is 26,913 x 12 / 5 =
64,591; the report's seasonal forecast, scaling by the previous year's monthly profile, was
65,701. Either way the probability of meeting the target is practically nil.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

from scipy import special  # not scipy.stats: its import alone takes most of a second

from bettercare.core._checks import check_choice, normalise_confidence
from bettercare.core.stats import POLARITIES, Polarity

__all__ = ["ForecastMethod", "YearEndForecast", "run_rate", "seasonal"]

ForecastMethod: TypeAlias = Literal["run_rate", "seasonal"]
MONTHS_IN_YEAR = 12


@dataclass(frozen=True, slots=True)
class YearEndForecast:
    """A year-end forecast with its prediction interval.

    ``value``, ``lower``, ``upper`` and ``target`` are on the output scale (counts, or rates
    when a denominator was given); ``observed`` is the year-to-date count.
    """

    value: float
    lower: float
    upper: float
    confidence: float
    method: ForecastMethod
    months_observed: int
    observed: float
    target: float | None
    probability_meeting_target: float | None
    polarity: Polarity


def _monthly_counts(
    name: str, values: Sequence[float], *, exactly: int | None = None
) -> list[float]:
    counts = []
    for position, value in enumerate(values):
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must hold numbers; got {value!r} at position {position}"
            ) from None
        if not math.isfinite(number) or number < 0:
            raise ValueError(
                f"{name} must hold counts of zero or more; got {value!r} at position {position}"
            )
        counts.append(number)
    if exactly is not None and len(counts) != exactly:
        raise ValueError(f"{name} must hold {exactly} monthly counts, got {len(counts)}")
    if not 1 <= len(counts) <= MONTHS_IN_YEAR:
        raise ValueError(
            f"{name} must hold between 1 and {MONTHS_IN_YEAR} monthly counts, got {len(counts)}"
        )
    return counts


def _forecast(
    observed: float,
    months: int,
    remaining_ratio: float,
    *,
    method: ForecastMethod,
    target: float | None,
    polarity: Polarity,
    confidence: float,
    denominator: float | None,
    multiplier: float,
) -> YearEndForecast:
    check_choice("polarity", polarity, POLARITIES)
    level = normalise_confidence(confidence)
    if denominator is not None and not (math.isfinite(denominator) and denominator > 0):
        raise ValueError(f"denominator must be greater than zero, got {denominator!r}")
    if not (math.isfinite(multiplier) and multiplier > 0):
        raise ValueError(f"multiplier must be greater than zero, got {multiplier!r}")
    if target is not None and not math.isfinite(target):
        raise ValueError(f"target must be a finite number, got {target!r}")
    scale = multiplier / denominator if denominator is not None else 1.0
    total = observed * (1 + remaining_ratio)
    spread = math.sqrt(observed * remaining_ratio * (1 + remaining_ratio))
    z = float(special.ndtri(level + (1 - level) / 2))  # norm.ppf
    probability: float | None = None
    if target is not None:
        goal = target / scale
        if spread == 0:
            meets = total <= goal if polarity == "lower_is_better" else total >= goal
            probability = 1.0 if meets else 0.0
        else:
            below = float(special.ndtr((goal - total) / spread))  # norm.cdf
            probability = below if polarity == "lower_is_better" else 1 - below
    return YearEndForecast(
        value=total * scale,
        lower=max(observed, total - z * spread) * scale,
        upper=(total + z * spread) * scale,
        confidence=level,
        method=method,
        months_observed=months,
        observed=observed,
        target=target,
        probability_meeting_target=probability,
        polarity=polarity,
    )


def run_rate(
    year_to_date: Sequence[float],
    *,
    target: float | None = None,
    polarity: Polarity = "lower_is_better",
    confidence: float = 0.95,
    denominator: float | None = None,
    multiplier: float = 1,
) -> YearEndForecast:
    """Forecast the year-end total at the average monthly rate so far.

    Parameters
    ----------
    year_to_date : sequence of float
        Monthly counts from April (1 to 12 months).
    target : float, optional
        The full-year target, on the output scale.
    polarity : {"lower_is_better", "higher_is_better"}
        Which side of the target is meeting it.
    confidence : float
        Level of the prediction interval, default 0.95.
    denominator, multiplier : float, optional
        To forecast a rate: the full-year denominator and the multiplier (e.g. 100,000).

    Returns
    -------
    YearEndForecast

    Notes
    -----
    See the module documentation for the method and its interval.

    Examples
    --------
    >>> forecast = run_rate([5400, 5300, 5500, 5300, 5413], target=60582)
    >>> round(forecast.value), forecast.probability_meeting_target < 0.001
    (64591, True)
    """
    counts = _monthly_counts("year_to_date", year_to_date)
    months = len(counts)
    return _forecast(
        sum(counts),
        months,
        (MONTHS_IN_YEAR - months) / months,
        method="run_rate",
        target=target,
        polarity=polarity,
        confidence=confidence,
        denominator=denominator,
        multiplier=multiplier,
    )


def seasonal(
    year_to_date: Sequence[float],
    last_year: Sequence[float],
    *,
    target: float | None = None,
    polarity: Polarity = "lower_is_better",
    confidence: float = 0.95,
    denominator: float | None = None,
    multiplier: float = 1,
) -> YearEndForecast:
    """Forecast the year-end total by last year's monthly profile.

    Parameters
    ----------
    year_to_date : sequence of float
        Monthly counts from April (1 to 12 months).
    last_year : sequence of float
        Last year's 12 monthly counts, April to March, which give the seasonal profile.
    target, polarity, confidence, denominator, multiplier
        As for :func:`run_rate`.

    Returns
    -------
    YearEndForecast

    Notes
    -----
    ``F = x / s`` where ``s`` is the share of last year's total in the months observed so
    far; see the module documentation for the interval.
    """
    counts = _monthly_counts("year_to_date", year_to_date)
    profile = _monthly_counts("last_year", last_year, exactly=MONTHS_IN_YEAR)
    months = len(counts)
    share = sum(profile[:months]) / sum(profile) if sum(profile) else 0.0
    if share <= 0:
        raise ValueError(
            "last_year must have counts in the months observed so far to give a seasonal profile"
        )
    return _forecast(
        sum(counts),
        months,
        (1 - share) / share,
        method="seasonal",
        target=target,
        polarity=polarity,
        confidence=confidence,
        denominator=denominator,
        multiplier=multiplier,
    )
