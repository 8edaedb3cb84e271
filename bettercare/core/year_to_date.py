"""The year to date of a monthly count against the year-to-date target, with its variance.

A board paper says "for the period April to August 2017, there have been 26,913 non-elective
admissions, against a target of 25,196 – a variance of 1,717" (seed 001, ADR 0094). This
module adds up a metric's months of the financial year to the report month, like for like:
a month counts only when it has both its actual and its target, and the months left out are
named, never filled in.

Only counts are added up. A monthly count adds up as it is; a monthly rate is added up as the
counts behind it (its numerators), and its target rate becomes the count it implies for each
month's own denominator (target rate x denominator / multiplier), so the two sides are counts
of the same months. Proportions, means and standardised rates are left out: their monthly
figures do not add up to anything a board reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from bettercare.core.indicators import Unit
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.stats import Polarity

__all__ = ["MonthlyActual", "YearToDate", "year_to_date"]

#: The units whose monthly figures can be added up (a rate through its numerators).
SUMMABLE_UNITS: tuple[Unit, ...] = ("count", "rate")


@dataclass(frozen=True, slots=True)
class MonthlyActual:
    """A month's actual: the count (``numerator``) and, for a rate, its ``denominator``."""

    numerator: float | None
    denominator: float | None = None


@dataclass(frozen=True, slots=True)
class YearToDate:
    """The financial year's months to the report month, added up like for like.

    ``months`` are the months compared (each has its actual and its target);
    ``missing_actual`` the months of the year to the report month with no actual, and
    ``missing_target`` those with an actual but no target: neither side counts them.
    """

    year: FinancialYear
    report_month: Month
    months: tuple[Month, ...]
    missing_actual: tuple[Month, ...]
    missing_target: tuple[Month, ...]
    actual: float
    target: float
    polarity: Polarity

    @property
    def variance(self) -> float:
        """The actual less the target (positive: more than planned)."""
        return self.actual - self.target

    @property
    def variance_percent(self) -> float | None:
        """The variance as a percentage of the target (None for a target of zero)."""
        return None if self.target == 0 else self.variance / self.target * 100

    @property
    def position(self) -> Literal["above", "below", "on"]:
        """Where the actual lies against the plan, on the figures as added up."""
        if self.variance > 0:
            return "above"
        return "below" if self.variance < 0 else "on"

    @property
    def better_than_plan(self) -> bool | None:
        """Whether the actual is on the plan's better side for the metric's polarity (None
        when exactly on plan). Arithmetic, not a test: no interval is claimed."""
        if self.variance == 0:
            return None
        return (self.variance < 0) == (self.polarity == "lower_is_better")

    @property
    def months_missing(self) -> int:
        return len(self.missing_actual) + len(self.missing_target)


def year_to_date(
    unit: Unit,
    *,
    multiplier: float,
    polarity: Polarity,
    month: Month,
    actuals: Mapping[Month, MonthlyActual],
    targets: Mapping[Month, float],
) -> YearToDate | None:
    """The financial year to ``month``: the actual count against the target, like for like.

    Parameters
    ----------
    unit : Unit
        ``"count"`` or ``"rate"``; any other unit gives None (its months do not add up).
    multiplier : float
        The rate's multiplier (100,000 for a rate per 100,000); unused for a count.
    polarity : Polarity
        Which way is better, for the words said of the variance.
    month : Month
        The report month: the year to date runs from April of its financial year to it.
    actuals : mapping of Month to MonthlyActual
        The metric's monthly actuals (other months are ignored).
    targets : mapping of Month to float
        Each month's target on the metric's scale: a count, or a rate per ``multiplier``
        (a longer period's target already shared out to its months by the caller).

    Returns
    -------
    YearToDate or None
        None for a unit that does not add up, or when no month has both an actual and a
        target.

    Notes
    -----
    Like-for-like comparison, as a variance against a profiled plan is read in NHS
    performance reports: a month with no actual is left out of the target too, so a part
    year's actual is never set against a longer period's target. A rate's month counts only
    with its numerator and a positive denominator.
    """
    if unit not in SUMMABLE_UNITS:
        return None
    year = month.financial_year
    actual = target = 0.0
    compared: list[Month] = []
    missing_actual: list[Month] = []
    missing_target: list[Month] = []
    for current in year.months():
        if current > month:
            break
        observed = actuals.get(current)
        count = None if observed is None else observed.numerator
        size = None if observed is None else observed.denominator
        if count is None or (unit == "rate" and not (size is not None and size > 0)):
            missing_actual.append(current)
            continue
        planned = targets.get(current)
        if planned is None:
            missing_target.append(current)
            continue
        actual += count
        if unit == "rate":
            assert size is not None  # checked above
            target += planned * size / multiplier
        else:
            target += planned
        compared.append(current)
    if not compared:
        return None
    return YearToDate(
        year=year,
        report_month=month,
        months=tuple(compared),
        missing_actual=tuple(missing_actual),
        missing_target=tuple(missing_target),
        actual=actual,
        target=target,
        polarity=polarity,
    )
