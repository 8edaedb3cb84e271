"""Metrics and their values: actuals by month, yearly targets, and a few ready-made metrics.

Values are set-up, not what a test is about, so they are bulk-created (no history); the
import and pipeline tests cover how the product writes them.
"""

from __future__ import annotations

from datetime import date

from bettercare.core.periods import FinancialYear, Month
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area

AUGUST_2017 = Month(2017, 8)


def make_metric(
    code: str = "emergency_admissions",
    name: str = "Non-elective admissions",
    *,
    unit: str = "rate",
    multiplier: int = 100_000,
    polarity: str = "lower_is_better",
    frequency: str = "month",
    parent: Metric | None = None,
    **fields: object,
) -> Metric:
    return Metric.objects.create(
        code=code,
        name=name,
        unit=unit,
        multiplier=multiplier,
        polarity=polarity,
        frequency=frequency,
        parent=parent,
        **fields,
    )


def dtoc_metric() -> Metric:
    """Delayed transfers of care per 100,000: the metric of the worked example (one per test DB)."""
    metric, _ = Metric.objects.get_or_create(
        code="bcf_dtoc",
        defaults={
            "name": "Delayed transfers of care per 100,000 population",
            "unit": "rate",
            "multiplier": 100_000,
            "polarity": "lower_is_better",
            "frequency": "month",
        },
    )
    return metric


def make_monthly_values(
    area: Area,
    metric: Metric,
    numerators: list[float],
    *,
    first: str | None = None,
    last: str | None = None,
    denominator: float | None = 546_195,
    source: str = "SUS extract",
) -> list[MetricValue]:
    """Actuals for consecutive months from ``first`` or ending at ``last`` (from 2016-04 if neither)."""
    if first is not None and last is not None:
        raise ValueError(f"give first or last, not both: first={first!r}, last={last!r}")
    if last is not None:
        start = Month.parse(last) - (len(numerators) - 1)
    else:
        start = Month.parse(first or "2016-04")
    return MetricValue.objects.bulk_create(
        MetricValue(
            area=area,
            metric=metric,
            kind=MetricValue.Kind.ACTUAL,
            period_start=(start + offset).first_day,
            period_end=(start + offset).last_day,
            numerator=numerator,
            denominator=denominator,
            source=source,
        )
        for offset, numerator in enumerate(numerators)
    )


def make_target(area: Area, metric: Metric, year: str, value: float) -> MetricValue:
    fy = FinancialYear.parse(year)
    return MetricValue.objects.create(
        area=area,
        metric=metric,
        kind=MetricValue.Kind.TARGET,
        period_start=fy.start,
        period_end=fy.end,
        value=value,
        note="Agreed in the plan",
    )


def make_rate_metric(area: Area, *, months: int = 24, last: Month = AUGUST_2017) -> Metric:
    """A monthly rate per 100,000 with ``months`` actuals up to ``last`` and yearly targets."""
    metric = make_metric("test_admissions", "Emergency admissions per 100,000")
    first = last - (months - 1)
    make_monthly_values(
        area,
        metric,
        [180 + (offset * 7) % 23 for offset in range(months)],
        first=str(first),
        denominator=100_000,
        source="",
    )
    for year in sorted({(first + offset).financial_year for offset in range(months)}):
        MetricValue.objects.create(
            area=area,
            metric=metric,
            kind=MetricValue.Kind.TARGET,
            period_start=year.start,
            period_end=year.end,
            numerator=190,
            denominator=100_000,
        )
    return metric


def make_proportion_metric(area: Area) -> Metric:
    """A yearly proportion with two actuals and no target."""
    metric = make_metric(
        "test_reablement",
        "Still at home 91 days after reablement",
        unit="proportion",
        multiplier=100,
        polarity="higher_is_better",
        frequency="year",
    )
    for start, numerator in ((2015, 801), (2016, 845)):
        MetricValue.objects.create(
            area=area,
            metric=metric,
            kind=MetricValue.Kind.ACTUAL,
            period_start=date(start, 4, 1),
            period_end=date(start + 1, 3, 31),
            numerator=numerator,
            denominator=1000,
        )
    return metric
