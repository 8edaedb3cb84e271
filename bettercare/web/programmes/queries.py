"""Reads about an area's programme that pages and commands share."""

from __future__ import annotations

from datetime import date

from django.db.models import Min
from django.utils import timezone

from bettercare.core.periods import FinancialYear, Month
from bettercare.web.programmes.models import Area, ReportingPeriod

__all__ = ["first_reportable_month", "reportable_months"]


def first_reportable_month(area: Area) -> Month | None:
    """The first month of the area's earliest plan or data, or ``None`` with neither.

    The plan is the financial years of its funding, scheme finance and savings plans, and the
    periods of its metric targets and forecasts (from their start). The data is its metric
    actuals (from the month each period ends, when the figure describes a whole period) and
    the reporting periods it has opened. Baselines are left out: they describe the time
    before the plan, not a month the plan reports on. A region's range covers its areas'.
    """
    from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
    from bettercare.web.performance.models import MetricValue

    ids = [area.pk]
    if area.type == Area.Type.REGION:
        ids += list(Area.objects.filter(parent=area).values_list("pk", flat=True))
    years = [
        Funding.objects.filter(area_id__in=ids).aggregate(first=Min("financial_year"))["first"],
        SchemeFinance.objects.filter(scheme__area_id__in=ids).aggregate(
            first=Min("financial_year")
        )["first"],
        SavingsPlan.objects.filter(area_id__in=ids).aggregate(first=Min("financial_year"))["first"],
    ]
    values = MetricValue.objects.filter(area_id__in=ids)
    days: list[date | None] = [
        values.filter(kind__in=[MetricValue.Kind.TARGET, MetricValue.Kind.FORECAST]).aggregate(
            first=Min("period_start")
        )["first"],
        values.filter(kind=MetricValue.Kind.ACTUAL).aggregate(first=Min("period_end"))["first"],
        ReportingPeriod.objects.filter(area_id__in=ids).aggregate(first=Min("month"))["first"],
    ]
    firsts = [FinancialYear.parse(year).first_month for year in years if year]
    firsts += [Month.of(day) for day in days if day]
    return min(firsts, key=lambda month: month.index) if firsts else None


def reportable_months(area: Area, *, today: date | None = None) -> list[Month]:
    """Every month the area can report on, newest first.

    From the first month of the area's earliest plan or data (:func:`first_reportable_month`)
    to the current month; with neither plan nor data yet, the current month alone. A plan
    or data that starts after today gives the current month alone too: nothing is reported
    ahead of time.

    Parameters
    ----------
    area
        The area (a region's range covers its areas').
    today
        The date that sets the current month (default: today in the site's time zone).
    """
    current = Month.of(today or timezone.localdate())
    first = first_reportable_month(area)
    if first is None or first.index > current.index:
        return [current]
    return [current - offset for offset in range(first.months_until(current) + 1)]
