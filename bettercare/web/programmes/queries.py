"""Reads of an area's reporting months: which months can be reported, and each month's period.

A reporting period is the area's view of a month. Every month from the start of the area's
earliest plan or data to the current month can be shown and packed, whether or not a period
record was opened; the record adds the workflow (open, submitted, signed off).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Max, QuerySet, Subquery
from django.utils import timezone

from bettercare.core.periods import FinancialYear, Month
from bettercare.web.finance.models import Funding, SchemeFinance
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.models import Area, Milestone, ReportingPeriod, Scheme

__all__ = [
    "MonthOutOfRangeError",
    "check_reportable",
    "current_month",
    "first_reportable_month",
    "latest_period",
    "reportable_months",
    "reporting_period",
]


class MonthOutOfRangeError(ValueError):
    """A month before the area's plan or data begin, or after the current month."""


def current_month() -> Month:
    """The month it is now (in the site's time zone)."""
    return Month.of(timezone.localdate())


def _earliest(dates: list[date | None]) -> date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None


def _first_year(value: str | None) -> date | None:
    return FinancialYear.parse(value).start if value else None


def _least(queryset: QuerySet[Any], column: str) -> Subquery:
    """The least ``column`` of ``queryset`` as a subquery of one value (NULL when none): the
    first in order, blanks left out, as ``Min`` finds it."""
    return Subquery(
        queryset.filter(**{f"{column}__isnull": False}).order_by(column).values(column)[:1]
    )


def _earliest_of_area(area: Area) -> dict[str, Any]:
    """The earliest month, value period, funding and finance year, scheme start and milestone
    baseline of the area, in one query (each a subquery)."""
    found = (
        Area.objects.filter(pk=area.pk)
        .values(
            first_period=_least(ReportingPeriod.objects.filter(area=area), "month"),
            first_value=_least(
                MetricValue.objects.filter(
                    area=area, kind__in=(MetricValue.Kind.TARGET, MetricValue.Kind.ACTUAL)
                ),
                "period_start",
            ),
            first_funding=_least(Funding.objects.filter(area=area), "financial_year"),
            first_finance=_least(SchemeFinance.objects.filter(scheme__area=area), "financial_year"),
            first_start=_least(Scheme.objects.filter(area=area), "start_date"),
            first_milestone=_least(Milestone.objects.filter(area=area), "baseline_date"),
        )
        .first()
    )
    if found is None:
        return dict.fromkeys(
            f"first_{name}"
            for name in ("period", "value", "funding", "finance", "start", "milestone")
        )
    return dict(found)


def first_reportable_month(area: Area) -> Month:
    """The first month of the area's earliest plan or data.

    The earliest of: a reporting period, a target or actual metric value (baselines describe
    the time before the plan), a funding or scheme finance year, a scheme start and a milestone
    baseline date. The current month when the area has none of these.
    """
    earliest = _earliest_of_area(area)
    first = _earliest(
        [
            earliest["first_period"],
            earliest["first_value"],
            _first_year(earliest["first_funding"]),
            _first_year(earliest["first_finance"]),
            earliest["first_start"],
            earliest["first_milestone"],
        ]
    )
    now = current_month()
    if first is None:
        return now
    return min(Month.of(first), now)


def reportable_months(area: Area) -> list[Month]:
    """Every month the area can report, newest first: from :func:`first_reportable_month` to
    the current month."""
    first, last = first_reportable_month(area), current_month()
    return [last - offset for offset in range(first.months_until(last) + 1)]


def check_reportable(area: Area, month: Month) -> None:
    """Raise :class:`MonthOutOfRangeError`, naming the range, for a month the area cannot report."""
    first, last = first_reportable_month(area), current_month()
    if not first <= month <= last:
        raise MonthOutOfRangeError(
            f"{area.name} ({area.code}) reports months from {first} ({first.label}) to "
            f"{last} ({last.label}); got {month}"
        )


def reporting_period(area: Area, month: Month) -> ReportingPeriod:
    """The area's period for ``month``: its record when one was opened, else an unsaved
    period in the state "not opened" (never written: reading a month opens nothing)."""
    period = ReportingPeriod.objects.filter(area=area, month=month.first_day).first()
    if period is None:
        period = ReportingPeriod(
            area=area, month=month.first_day, state=ReportingPeriod.State.NOT_OPENED
        )
    return period


def latest_period(area: Area) -> ReportingPeriod:
    """The period shown when none is asked for: the newest opened period; else the last month
    of the area's latest target or actual, or the current month if that is sooner (a plan
    without any reporting yet opens on its metrics awaiting data)."""
    period = ReportingPeriod.objects.filter(area=area).order_by("-month").first()
    if period is not None:
        return period
    now = current_month()
    last = MetricValue.objects.filter(
        area=area, kind__in=(MetricValue.Kind.TARGET, MetricValue.Kind.ACTUAL)
    ).aggregate(m=Max("period_end"))["m"]
    month = now if last is None else max(min(Month.of(last), now), first_reportable_month(area))
    return reporting_period(area, month)
