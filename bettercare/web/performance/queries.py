"""Reads of metric values for the pages, the API, the CLI and the reports."""

from __future__ import annotations

from collections import defaultdict

from bettercare.core.periods import Month
from bettercare.core.summary import MetricSummary, Observation, summarise_metric
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area


def area_metric_summaries(
    area: Area, month: Month, *, metrics: list[Metric] | None = None
) -> list[tuple[Metric, MetricSummary]]:
    """Every metric of the area with an actual value ending in or before ``month``.

    Two queries whatever the number of metrics and values: the metrics, then their actuals
    and targets for the area.
    """
    wanted = metrics if metrics is not None else None
    values = MetricValue.objects.filter(
        area=area,
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET),
        period_start__lte=month.last_day,
    )
    if wanted is not None:
        values = values.filter(metric__in=wanted)
    actuals: dict[int, list[Observation]] = defaultdict(list)
    targets: dict[int, list[Observation]] = defaultdict(list)
    for value in values.order_by("period_start"):
        bucket = actuals if value.kind == MetricValue.Kind.ACTUAL else targets
        bucket[value.metric_id].append(value.observation())
    if wanted is None:
        wanted = list(Metric.objects.filter(pk__in=actuals.keys()).order_by("code"))
    summaries = []
    for metric in wanted:
        summary = summarise_metric(
            metric.spec, actuals.get(metric.pk, []), targets.get(metric.pk, []), month
        )
        if summary is not None:
            summaries.append((metric, summary))
    return summaries
