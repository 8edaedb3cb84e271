"""Shared pieces of the report builders: the report line of a metric, from its snapshot row."""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.reports.model import MetricLine
from bettercare.reports.positions import metric_figures, report_line, span_label
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.queries import (
    MetricRow,
    area_ref,
    metric_rows,
    period_ref,
)

__all__ = [
    "area_ref",
    "metric_line",
    "metric_lines",
    "period_ref",
    "span_label",
]


def metric_line(row: MetricRow) -> MetricLine:
    """The report line of a metric's position (the one flattening, :mod:`reports.positions`)."""
    return report_line(
        metric_figures(row.position),
        source=row.source,
        parent_code=row.parent_code,
        commentary=row.commentary,
        spc_rebases=tuple((month.label, reason) for month, reason in row.rebases),
        month=row.month,
        composition=row.composition,
        benchmark=row.benchmark,
    )


def metric_lines(area: Area, month: Month) -> list[MetricLine]:
    """Every metric in force for the area at ``month`` as report lines: measured, or awaiting
    data (the plan's target and baseline, before the first actual), each with the month's
    commentary on it."""
    return [metric_line(row) for row in metric_rows(area, month)]
