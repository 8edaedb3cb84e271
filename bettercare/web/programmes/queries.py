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


def _earliest_of(queryset: QuerySet[Any], field: str) -> Subquery:
    """The smallest non-null ``field`` of ``queryset``, as a scalar subquery (Min, by index)."""
    return Subquery(
        queryset.filter(**{f"{field}__isnull": False}).order_by(field).values(field)[:1]
    )


def first_reportable_month(area: Area) -> Month:
    """The first month of the area's earliest plan or data.

    The earliest of: a reporting period, a target or actual metric value (baselines describe
    the time before the plan), a funding or scheme finance year, a scheme start and a milestone
    baseline date. The current month when the area has none of these.

    One query (six scalar subqueries, each the first row of an index), not six: every area
    page asks for it, for the period selector (ADR 0117).
    """
    firsts = (
        Area.objects.filter(pk=area.pk)
        .annotate(
            first_period=_earliest_of(ReportingPeriod.objects.filter(area=area), "month"),
            first_value=_earliest_of(
                MetricValue.objects.filter(
                    area=area, kind__in=(MetricValue.Kind.TARGET, MetricValue.Kind.ACTUAL)
                ),
                "period_start",
            ),
            first_funding=_earliest_of(Funding.objects.filter(area=area), "financial_year"),
            first_scheme_finance=_earliest_of(
                SchemeFinance.objects.filter(scheme__area=area), "financial_year"
            ),
            first_scheme=_earliest_of(Scheme.objects.filter(area=area), "start_date"),
            first_milestone=_earliest_of(Milestone.objects.filter(area=area), "baseline_date"),
        )
        .values(
            "first_period",
            "first_value",
            "first_funding",
            "first_scheme_finance",
            "first_scheme",
            "first_milestone",
        )
        .get()
    )
    first = _earliest(
        [
            firsts["first_period"],
            firsts["first_value"],
            _first_year(firsts["first_funding"]),
            _first_year(firsts["first_scheme_finance"]),
            firsts["first_scheme"],
            firsts["first_milestone"],
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
