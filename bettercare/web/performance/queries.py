"""Reads of metric values for the pages, the API, the CLI and the reports."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Min

from bettercare.core.indicators import Bands
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import (
    AwaitingData,
    MetricSummary,
    Observation,
    metric_in_force,
    metric_position,
    summarise_metric,
)
from bettercare.web.performance.models import Metric, MetricCommentary, MetricValue
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.versioning import data_versions

FIELDS = (
    "metric_id", "kind", "period_start", "period_end", "numerator", "denominator", "value",
    "bands", "warnings", "source", "sum_of_squares",
)  # fmt: skip
CACHE_SECONDS = 60 * 60


def _observation(row: tuple[Any, ...]) -> Observation:
    _, _, start, end, numerator, denominator, value, bands, warnings, source, squares = row
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
        sum_of_squares=squares,
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
    cache for the area, month and metric set until the area's data or the shared data (the
    registry) change (:mod:`bettercare.web.programmes.versioning`).
    """
    chosen = "all" if metrics is None else ",".join(str(pk) for pk in sorted(m.pk for m in metrics))
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:16]
    key = f"metric-summaries:{area.pk}:{month}:{digest}:{data_versions([area.pk])}"
    found = cache.get(key)
    if found is None:
        found = _summaries(area, month, metrics)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def _year(text: str) -> FinancialYear | None:
    return FinancialYear.parse(text) if text else None


def metrics_in_force(area: Area, month: Month) -> list[Metric]:
    """The metrics in force for the area in ``month``, by code: the registry's national
    metrics whose years cover the month, and each local metric whose baselines, targets and
    actuals for the area span the month's financial year (the rule is
    :func:`bettercare.core.summary.metric_in_force`)."""
    spans = {
        row["metric_id"]: ((row["first"], row["last"]),)
        for row in MetricValue.objects.filter(
            area=area,
            kind__in=(
                MetricValue.Kind.ACTUAL,
                MetricValue.Kind.TARGET,
                MetricValue.Kind.BASELINE,
            ),
        )
        .values("metric_id")
        .annotate(first=Min("period_start"), last=Max("period_end"))
    }
    national = area.type == Area.Type.HWB
    candidates = Metric.objects.select_related("parent").order_by("code")
    return [
        metric
        for metric in candidates
        if (metric.pk in spans or (national and metric.is_national))
        and metric_in_force(
            month,
            applies_from=_year(metric.applies_from) if metric.is_national else None,
            applies_to=_year(metric.applies_to) if metric.is_national else None,
            # A national metric is in force in its registry years (its history before them
            # does not bring it into force); a plan's own metric for the years of its values.
            spans=() if metric.is_national else spans.get(metric.pk, ()),
        )
    ]


def _positions(area: Area, month: Month) -> list[tuple[Metric, MetricSummary | AwaitingData]]:
    metrics = metrics_in_force(area, month)
    rows = MetricValue.objects.filter(
        area=area,
        metric__in=metrics,
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET, MetricValue.Kind.BASELINE),
        period_start__lte=month.last_day,
    )
    buckets: dict[str, dict[int, list[Observation]]] = {
        kind: defaultdict(list)
        for kind in (MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET, MetricValue.Kind.BASELINE)
    }
    for row in rows.order_by("period_start").values_list(*FIELDS):
        buckets[row[1]][row[0]].append(_observation(row))
    actuals, targets, baselines = (
        buckets[MetricValue.Kind.ACTUAL],
        buckets[MetricValue.Kind.TARGET],
        buckets[MetricValue.Kind.BASELINE],
    )
    return [
        (
            metric,
            metric_position(
                metric.spec,
                actuals.get(metric.pk, []),
                targets.get(metric.pk, []),
                baselines.get(metric.pk, []),
                month,
            ),
        )
        for metric in metrics
    ]


def area_metric_positions(
    area: Area, month: Month
) -> list[tuple[Metric, MetricSummary | AwaitingData]]:
    """Every metric in force for the area in ``month``: measured (with its latest value ending
    in or before the month) or awaiting data (the plan's target and baseline, no value yet).

    Cached like :func:`area_metric_summaries`.
    """
    key = f"metric-positions:{area.pk}:{month}:{data_versions([area.pk])}"
    found = cache.get(key)
    if found is None:
        found = _positions(area, month)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def metric_commentaries(area: Area, month: Month) -> dict[str, str]:
    """The commentary on each metric for the area in ``month``, by metric code (none blank)."""
    return {
        code: text
        for code, text in MetricCommentary.objects.filter(
            area=area, month=month.first_day
        ).values_list("metric__code", "commentary")
        if text
    }


def metric_commentary(area: Area, metric: Metric, month: Month) -> MetricCommentary | None:
    """The stored commentary row (blank or not) for one metric, area and month."""
    return MetricCommentary.objects.filter(area=area, metric=metric, month=month.first_day).first()
