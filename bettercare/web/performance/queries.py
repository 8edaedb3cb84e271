"""Reads of metric values for the pages, the API, the CLI and the reports."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.core.cache import cache

from bettercare.core.indicators import Bands
from bettercare.core.periods import Month
from bettercare.core.summary import MetricSummary, Observation, summarise_metric
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.versioning import data_version

FIELDS = (
    "metric_id", "kind", "period_start", "period_end", "numerator", "denominator", "value",
    "bands", "warnings", "source",
)  # fmt: skip
CACHE_SECONDS = 60 * 60


def _observation(row: tuple[Any, ...]) -> Observation:
    _, _, start, end, numerator, denominator, value, bands, warnings, source = row
    return Observation(
        period_start=start,
        period_end=end,
        numerator=numerator,
        denominator=denominator,
        value=value,
        bands=None
        if not bands
        else Bands(
            counts=bands["counts"],
            populations=bands["populations"],
            **(
                {"standard_population": bands["standard_population"]}
                if "standard_population" in bands
                else {}
            ),
        ),
        warnings=tuple(warnings or ()),
        source=source,
    )


def _summaries(
    area: Area, month: Month, metrics: list[Metric] | None
) -> list[tuple[Metric, MetricSummary]]:
    rows = MetricValue.objects.filter(
        area=area,
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET),
        period_start__lte=month.last_day,
    )
    if metrics is not None:
        rows = rows.filter(metric__in=metrics)
    actuals: dict[int, list[Observation]] = defaultdict(list)
    targets: dict[int, list[Observation]] = defaultdict(list)
    for row in rows.order_by("period_start").values_list(*FIELDS):
        bucket = actuals if row[1] == MetricValue.Kind.ACTUAL else targets
        bucket[row[0]].append(_observation(row))
    if metrics is None:
        metrics = list(Metric.objects.filter(pk__in=actuals.keys()).order_by("code"))
    summaries = []
    for metric in metrics:
        summary = summarise_metric(
            metric.spec, actuals.get(metric.pk, []), targets.get(metric.pk, []), month
        )
        if summary is not None:
            summaries.append((metric, summary))
    return summaries


def area_metric_summaries(
    area: Area, month: Month, *, metrics: list[Metric] | None = None
) -> list[tuple[Metric, MetricSummary]]:
    """Every metric of the area with an actual value ending in or before ``month``.

    A few queries whatever the number of metrics and values. The statistics are kept in the
    cache for the area, month and metric set until any programme data change
    (:mod:`bettercare.web.programmes.versioning`).
    """
    chosen = "all" if metrics is None else ",".join(str(pk) for pk in sorted(m.pk for m in metrics))
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:16]
    key = f"metric-summaries:{area.pk}:{month}:{digest}:{data_version()}"
    found = cache.get(key)
    if found is None:
        found = _summaries(area, month, metrics)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)
