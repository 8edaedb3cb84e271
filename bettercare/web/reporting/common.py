"""Shared pieces of the report builders: areas, periods and metric lines from the database."""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.core.summary import MetricSummary
from bettercare.reports.model import AreaRef, Forecast, MetricLine, PeriodRef
from bettercare.reports.narrative import metric_summary
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.programmes.models import Area, ReportingPeriod

FORECAST_METHODS = {"run_rate": "at the run rate so far", "seasonal": "by last year's profile"}
TREND_POINTS = 13


def area_ref(area: Area) -> AreaRef:
    return AreaRef(area.code, area.name, area.type, area.is_demo)


def period_ref(period: ReportingPeriod) -> PeriodRef:
    month = period.reporting_month
    return PeriodRef(str(month), month.label, period.state, str(month.financial_year))


def period_label(summary: MetricSummary) -> str:
    start, end = summary.latest.period_start, summary.latest.period_end
    first, last = Month.of(start), Month.of(end)
    if first == last:
        return first.label
    if first.financial_year == last.financial_year and first.month == 4 and last.month == 3:
        return str(first.financial_year)
    return f"{first.label} to {last.label}"


def metric_line(metric: Metric, summary: MetricSummary) -> MetricLine:
    estimate = summary.estimate
    forecast = summary.forecast
    spc = summary.spc
    trend: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()
    if spc is not None:
        trend = tuple(float(v) for v in spc.values[-TREND_POINTS:])
        labels = tuple(m.label for m in summary.spc_months[-TREND_POINTS:])
    line = MetricLine(
        code=metric.code,
        name=metric.name,
        unit=metric.unit,
        multiplier=float(metric.multiplier),
        polarity=metric.polarity,
        period_start=summary.latest.period_start,
        period_end=summary.latest.period_end,
        period_label=period_label(summary),
        numerator=summary.latest.numerator,
        denominator=summary.latest.denominator,
        value=estimate.value,
        lower=estimate.lower,
        upper=estimate.upper,
        method=estimate.method,
        target=summary.target_value,
        comparison=summary.comparison,
        data_rag=summary.data_rag,
        direction=summary.direction,
        variation_icon=summary.variation_icon,
        assurance_icon=summary.assurance_icon,
        forecast=None
        if forecast is None
        else Forecast(
            forecast.value,
            forecast.lower,
            forecast.upper,
            forecast.target,
            forecast.probability_meeting_target,
            FORECAST_METHODS[forecast.method],
        ),
        trend=trend,
        trend_labels=labels,
        source=summary.latest.source or metric.source,
        warnings=summary.warnings,
        parent_code=metric.parent.code if metric.parent_id and metric.parent else None,
    )
    return _with_summary(line)


def _with_summary(line: MetricLine) -> MetricLine:
    from dataclasses import replace

    return replace(line, summary=metric_summary(line))


def metric_lines(area: Area, month: Month) -> list[MetricLine]:
    """Every metric of the area with a value at ``month``, as report lines (two queries)."""
    metrics = list(Metric.objects.select_related("parent").order_by("code"))
    return [
        metric_line(metric, summary)
        for metric, summary in area_metric_summaries(area, month, metrics=metrics)
    ]
