"""Reads of an area's reporting months: which months can be reported, and each month's period.

A reporting period is the area's view of a month. Every month from the start of the area's
earliest plan or data to the current month can be shown and packed, whether or not a period
record was opened; the record adds the workflow (open, submitted, signed off).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import Field, Max, Model
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


def _column(model: type[Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), (model, name)  # a concrete field, not a reverse relation
    assert isinstance(field.column, str), (model, name)
    return connection.ops.quote_name(field.column)


@lru_cache(maxsize=4)
def _first_dates_sql(vendor: str) -> str:
    """The earliest date of each kind of plan or data of one area, as one statement of six
    scalar subqueries (quoted names from the models; the values are bound)."""
    del vendor  # a key only: the quoting is the connection's
    quote = connection.ops.quote_name

    def table(model: type[Model]) -> str:
        return quote(model._meta.db_table)

    def earliest(model: type[Model], field: str, where: str = "") -> str:
        return (
            f"(SELECT MIN({_column(model, field)}) FROM {table(model)} "  # noqa: S608 (quoted names)
            f"WHERE {_column(model, 'area')} = %s{where})"
        )

    scheme_id = _column(Scheme, "id")
    scheme_finance = (
        f"(SELECT MIN(f.{_column(SchemeFinance, 'financial_year')}) "  # noqa: S608 (quoted names)
        f"FROM {table(SchemeFinance)} f JOIN {table(Scheme)} s "
        f"ON f.{_column(SchemeFinance, 'scheme')} = s.{scheme_id} "
        f"WHERE s.{_column(Scheme, 'area')} = %s)"
    )
    return "SELECT " + ", ".join(
        [
            earliest(ReportingPeriod, "month"),
            earliest(
                MetricValue, "period_start", f" AND {_column(MetricValue, 'kind')} IN (%s, %s)"
            ),
            earliest(Funding, "financial_year"),
            scheme_finance,
            earliest(Scheme, "start_date"),
            earliest(Milestone, "baseline_date"),
        ]
    )


def _day(value: date | str | None) -> date | None:
    """A date the database gave back (SQLite gives an aggregate's date as text)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def first_reportable_month(area: Area) -> Month:
    """The first month of the area's earliest plan or data.

    The earliest of: a reporting period, a target or actual metric value (baselines describe
    the time before the plan), a funding or scheme finance year, a scheme start and a milestone
    baseline date. The current month when the area has none of these.

    One statement of six subqueries, written once per process (ADR 0117): every area page asks
    for it, for the period selector, and six ORM aggregates took longer to build than to run.
    """
    pk: int = area.pk
    parameters: list[int | str] = [
        pk,
        pk,
        MetricValue.Kind.TARGET.value,
        MetricValue.Kind.ACTUAL.value,
        pk,
        pk,
        pk,
        pk,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_first_dates_sql(connection.vendor), parameters)
        period, value, funding, scheme_finance, scheme, milestone = cursor.fetchone()
    first = _earliest(
        [
            _day(period),
            _day(value),
            _first_year(funding),
            _first_year(scheme_finance),
            _day(scheme),
            _day(milestone),
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
