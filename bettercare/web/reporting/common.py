"""Shared pieces of the report builders: areas, periods and metric lines from the database."""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.core.summary import AwaitingData, MetricSummary
from bettercare.reports.model import AreaRef, MetricLine, PeriodRef
from bettercare.reports.positions import metric_figures, report_line, span_label
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import area_metric_positions, metric_commentaries
from bettercare.web.programmes.models import Area, ReportingPeriod

__all__ = ["area_ref", "metric_lines", "period_ref", "position_line", "span_label"]


def area_ref(area: Area) -> AreaRef:
    return AreaRef(area.code, area.name, area.type, area.is_demo)


def period_ref(period: ReportingPeriod) -> PeriodRef:
    month = period.reporting_month
    return PeriodRef(str(month), month.label, period.state, str(month.financial_year))


def position_line(
    metric: Metric, position: MetricSummary | AwaitingData, commentary: str = ""
) -> MetricLine:
    """The report line of a measured metric or of one awaiting its data."""
    return report_line(
        metric_figures(position),
        source=metric.source,
        parent_code=metric.parent.code if metric.parent_id and metric.parent else None,
        commentary=commentary,
    )


def metric_lines(area: Area, month: Month) -> list[MetricLine]:
    """Every metric in force for the area at ``month`` as report lines: measured, or awaiting
    data (the plan's target and baseline, before the first actual), each with the month's
    commentary on it."""
    notes = metric_commentaries(area, month)
    return [
        position_line(metric, position, notes.get(metric.code, ""))
        for metric, position in area_metric_positions(area, month)
    ]
