"""Benchmarking pages: one metric across an area's peers, and the area across its metrics.

- ``metric_benchmark_page``: PHE's funnel plot of the peer set's areas the user may see, each
  area's significance label, and a league table with 95% intervals;
- ``area_benchmark_page``: a Fingertips-style spine chart of every metric of the area.

The peer set is chosen with the ``peers`` parameter (a GET form, so pages work without
JavaScript): ``region`` (default), ``icb`` or a loaded peer group's code.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from bettercare.charts import (
    Chart,
    FunnelPoint,
    LeagueRow,
    SpineLine,
    funnel_chart,
    league_table,
    spine_chart,
)
from bettercare.core.benchmarking import funnel_position, spine_row
from bettercare.web.benchmarking.queries import (
    MetricBenchmark,
    latest_period,
    metric_benchmark,
    peer_set_or_404,
)
from bettercare.web.pages import access_of, area_for, cached_page, period_for, render_area_page
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.models import Area
from bettercare.web.reporting import cached
from bettercare.web.reporting.common import metric_lines, span_label


def funnel_figure(bench: MetricBenchmark, area: Area) -> Chart | None:
    if bench.funnel is None:
        return None
    metric = bench.metric
    points = []
    for row in bench.rows:
        if row.significance is None or row.value is None or row.numerator is None:
            continue
        if metric.unit == Metric.Unit.DSR:
            x = row.numerator / row.value * float(metric.multiplier) if row.value else 0.0
        else:
            x = row.denominator or 0.0
        points.append(FunnelPoint(row.area.name, x, row.value, row.significance, row.area == area))
    if not points:
        return None
    x_label = metric.denominator_definition or "Denominator"
    if metric.unit == Metric.Unit.DSR:
        x_label = "Population (derived from the rate)"
    return funnel_chart(
        points,
        bench.funnel.table,
        title=f"{metric.name}: {bench.peers.name} funnel plot",
        unit=metric.unit,
        multiplier=float(metric.multiplier),
        polarity=metric.polarity,
        x_label=x_label[:60],
        id_prefix="funnel",
    )


def league_figure(bench: MetricBenchmark, area: Area) -> Chart | None:
    metric = bench.metric
    rows: list[LeagueRow] = [
        (row.area.name, row.value, row.estimate.lower, row.estimate.upper, row.area == area)
        for row in bench.rows
        if not row.suppressed
    ]
    if not rows:
        return None
    return league_table(
        rows,
        title=f"{metric.name}: {bench.peers.name} league table",
        unit=metric.unit,
        multiplier=float(metric.multiplier),
        benchmark=bench.centre,
        benchmark_label=bench.peers.name,
        polarity=metric.polarity,
        id_prefix="peers-league",
    )


def compared_areas(request: HttpRequest, area: Area) -> list[int]:
    """The area and the areas of the peer set asked for: the data a benchmarking page reads
    (ADR 0142). Kept under the area's versions and the shared one, which the area tree and the
    peer groups move; an unknown peer set is a 404, not kept."""
    asked = request.GET.get("peers") or ""
    name = hashlib.blake2b(asked.encode(), digest_size=8).hexdigest()

    def peers() -> QuerySet[Area]:
        members = peer_set_or_404(area, asked or None)[0].areas
        return Area.objects.filter(pk__in=[member.pk for member in members])

    return [area.pk, *cached.area_ids(f"peers:{name}", area.pk, peers)]


def metric_benchmark_page(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    area = area_for(request, code)
    return cached_page(
        request,
        compared_areas(request, area),
        lambda: _metric_benchmark_page(request, area, metric),
    )


def _metric_benchmark_page(request: HttpRequest, area: Area, metric: str) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    found = Metric.objects.filter(code=metric).first()
    if found is None:
        raise Http404(f"There is no metric {metric!r}.")
    peers, choices = peer_set_or_404(area, request.GET.get("peers"))
    dates = latest_period(area, found, period.reporting_month.last_day)
    if dates is None:
        raise Http404(f"{area.name} has no value of {found.name} by {period.label}.")
    bench = metric_benchmark(access_of(request), found, peers, dates)
    own = next((row for row in bench.rows if row.area == area), None)
    context: dict[str, Any] = {
        "metric": found,
        "bench": bench,
        # The area's place in words, as its dashboard says it (core's one rule).
        "own_position": funnel_position(
            own.significance if own is not None else None,
            peers=peers.name,
            areas=bench.contributing,
            polarity=found.polarity,
        ),
        "centre": bench.centre,
        "period_words": span_label(*dates),
        "peers": peers,
        "peer_choices": choices,
        "funnel_chart": funnel_figure(bench, area),
        "league_chart": league_figure(bench, area),
        "page_title": f"{found.name}: compared with peers",
    }
    return render_area_page(
        request, "benchmarking/metric.jinja", area, "metrics", context, period=period
    )


def area_benchmark_page(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    return cached_page(
        request, compared_areas(request, area), lambda: _area_benchmark_page(request, area)
    )


def _area_benchmark_page(request: HttpRequest, area: Area) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    peers, choices = peer_set_or_404(area, request.GET.get("peers"))
    access = access_of(request)
    lines = metric_lines(area, period.reporting_month)
    metrics = {m.code: m for m in Metric.objects.filter(code__in=[line.code for line in lines])}
    spine: list[SpineLine] = []
    polarities: list[str | None] = []
    benches = []
    for line in lines:
        if line.awaiting_data:  # in force, but no value yet to compare
            continue
        metric = metrics[line.code]
        bench = metric_benchmark(access, metric, peers, (line.period_start, line.period_end))
        centre = bench.centre
        values = [row.value for row in bench.rows if row.value is not None]
        own = next((row for row in bench.rows if row.area == area), None)
        benches.append((line, bench, centre, own))
        if centre is None or not values:
            continue
        spine.append(
            SpineLine(
                metric.name,
                own.value if own is not None else None,
                centre,
                spine_row(values, own.value if own else None, centre, metric.polarity),
                metric.unit,
                float(metric.multiplier),
                (own.significance or "") if own is not None else "",
            )
        )
        polarities.append(metric.polarity)
    chart = (
        spine_chart(
            spine,
            title=f"{area.name} compared with {peers.name}, {period.label}",
            polarities=polarities,
        )
        if spine
        else None
    )
    return render_area_page(
        request,
        "benchmarking/area.jinja",
        area,
        "metrics",
        {
            "peers": peers,
            "peer_choices": choices,
            "spine_chart": chart,
            "benches": benches,
            "page_title": f"{area.name} compared with peers",
        },
        period=period,
    )
