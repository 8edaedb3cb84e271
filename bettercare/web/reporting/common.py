"""Shared pieces of the report builders: areas, periods and metric lines from the database."""

from __future__ import annotations

from datetime import date

from bettercare.core.periods import Month
from bettercare.core.summary import AwaitingData, MetricSummary, Observation
from bettercare.reports.model import AreaRef, Forecast, MetricLine, PeriodRef
from bettercare.reports.narrative import metric_summary
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import area_metric_positions, metric_commentaries
from bettercare.web.programmes.models import Area, ReportingPeriod

FORECAST_METHODS = {"run_rate": "at the run rate so far", "seasonal": "by last year's profile"}
TREND_POINTS = 13


def area_ref(area: Area) -> AreaRef:
    return AreaRef(area.code, area.name, area.type, area.is_demo)


def period_ref(period: ReportingPeriod) -> PeriodRef:
    month = period.reporting_month
    return PeriodRef(str(month), month.label, period.state, str(month.financial_year))


def period_label(summary: MetricSummary) -> str:
    return span_label(summary.latest.period_start, summary.latest.period_end)


def span_label(start: date, end: date) -> str:
    """A period as people say it: a month, a financial year, or from one month to another."""
    first, last = Month.of(start), Month.of(end)
    if first == last:
        return first.label
    if first.financial_year == last.financial_year and first.month == 4 and last.month == 3:
        return str(first.financial_year)
    return f"{first.label} to {last.label}"


def _baseline(metric: Metric, baseline: Observation | None) -> tuple[float | None, str]:
    if baseline is None:
        return None, ""
    value = baseline.estimate(metric.spec).value
    return value, span_label(baseline.period_start, baseline.period_end)


def awaiting_line(metric: Metric, position: AwaitingData) -> MetricLine:
    """A metric in force with no actual yet: the plan's target and baseline, no value."""
    baseline, baseline_label = _baseline(metric, position.baseline)
    line = MetricLine(
        code=metric.code,
        name=metric.name,
        unit=metric.unit,
        multiplier=float(metric.multiplier),
        polarity=metric.polarity,
        period_start=position.period_start,
        period_end=position.period_end,
        period_label=span_label(position.period_start, position.period_end),
        numerator=None,
        denominator=None,
        value=None,
        lower=None,
        upper=None,
        method="",
        target=position.target_value,
        comparison=None,
        data_rag="NA",
        direction=None,
        variation_icon=None,
        assurance_icon=None,
        forecast=None,
        source=metric.source,
        parent_code=metric.parent.code if metric.parent_id and metric.parent else None,
        status=position.status,
        baseline=baseline,
        baseline_label=baseline_label,
    )
    return _with_summary(line)


def position_line(metric: Metric, position: MetricSummary | AwaitingData) -> MetricLine:
    """The report line of a measured metric or of one awaiting its data."""
    if isinstance(position, AwaitingData):
        return awaiting_line(metric, position)
    return metric_line(metric, position)


def metric_line(metric: Metric, summary: MetricSummary) -> MetricLine:
    estimate = summary.estimate
    baseline, baseline_label = _baseline(metric, summary.baseline)
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
        baseline=baseline,
        baseline_label=baseline_label,
    )
    return _with_summary(line)


def _with_summary(line: MetricLine) -> MetricLine:
    from dataclasses import replace

    return replace(line, summary=metric_summary(line))


def metric_lines(area: Area, month: Month) -> list[MetricLine]:
    """Every metric in force for the area at ``month`` as report lines: measured, or awaiting
    data (the plan's target and baseline, before the first actual)), each with the month's
    commentary on it."""
    from dataclasses import replace

    notes = metric_commentaries(area, month)
    return [
        replace(position_line(metric, position), commentary=notes.get(metric.code, ""))
        for metric, position in area_metric_positions(area, month)
    ]
