"""Metric pages: every metric of an area for a period, and one metric in full.

The detail page shows where a figure comes from (the definition, every stored value with its
method and warnings), how it behaves (the SPC chart, the forecast) and how it compares with
the region's other areas. Areas the user may not see count only towards the regional figure,
which is computed from the summed numerators and denominators of every area in the region.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from markupsafe import Markup

from bettercare.charts import (
    Chart,
    LeagueRow,
    PlanPoint,
    league_table,
    spc_chart,
    trajectory_chart,
)
from bettercare.charts.spc import POINT_STYLES
from bettercare.core.indicators import (
    AreaFigures,
    Bands,
    MetricEstimate,
    disclose,
    metric_estimates,
    pool_areas,
)
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.spc_reading import variation_reason
from bettercare.core.summary import (
    MetricSpec,
    MetricSummary,
    expected_period,
    latest_baseline,
    position_period,
    target_for,
)
from bettercare.reports.model import MetricLine
from bettercare.reports.positions import span_label
from bettercare.web.accounts.access import Access
from bettercare.web.benchmarking.queries import own_position, region_peer_name
from bettercare.web.pages import (
    CSRF_MARK,
    access_of,
    area_for,
    cached_page,
    period_for,
    region_above,
    render_area_page,
    with_csrf,
)
from bettercare.web.performance.commentary_views import CommentaryForm
from bettercare.web.performance.models import MetricValue
from bettercare.web.performance.queries import (
    AreaShown,
    MetricDetailSnapshot,
    MetricShown,
    RegionSnapshot,
    RegionValue,
    StoredValue,
    area_metric_positions,
    metric_detail_snapshot,
    rebase_months_of,
)
from bettercare.web.performance.rebase_views import month_items
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.reporting import cached
from bettercare.web.reporting.common import metric_line, metric_lines
from bettercare.web.reporting.queries import position_row, registry_order

#: A stored value or a region's value: what the regional figure adds up.
V = TypeVar("V", MetricValue, RegionValue)

#: The plan chart reaches back this many financial years before the month's.
PLAN_YEARS_BACK = 2


def plan_periods(
    frequency: str, first: FinancialYear, last: FinancialYear
) -> list[tuple[date, date]]:
    """The periods of a metric's frequency over the financial years ``first`` to ``last``."""
    periods = []
    for start_year in range(first.start_year, last.start_year + 1):
        year = FinancialYear(start_year)
        if frequency == "year":
            periods.append((year.start, year.end))
            continue
        step = 3 if frequency == "quarter" else 1
        for month in year.months()[::step]:
            periods.append(expected_period(frequency, month))  # type: ignore[arg-type]
    return periods


def plan_chart(
    metric: MetricShown, area: Area, stored: list[StoredValue], month: Month
) -> Chart | None:
    """The plan's target trajectory, baseline and actuals over the plan years to ``month``.

    Drawn when the metric has no SPC chart (no actual yet, or too few for one): the years from
    the earliest target or actual (at most :data:`PLAN_YEARS_BACK` before the month's year) to
    the end of the month's financial year.
    """
    spec = metric.spec
    planned = [v for v in stored if v.kind in (MetricValue.Kind.TARGET, MetricValue.Kind.ACTUAL)]
    if not planned:
        return None
    last = month.financial_year
    first = max(
        FinancialYear.of(min(v.period_start for v in planned)),
        FinancialYear(last.start_year - PLAN_YEARS_BACK),
    )
    targets = [v.observation() for v in stored if v.kind == MetricValue.Kind.TARGET]
    actuals = {
        (v.period_start, v.period_end): v.observation().estimate(spec)
        for v in stored
        if v.kind == MetricValue.Kind.ACTUAL and v.period_end <= month.last_day
    }
    points = []
    for start, end in plan_periods(metric.frequency, first, last):
        _, target = target_for(spec, targets, start, end)
        actual = actuals.get((start, end))
        points.append(
            PlanPoint(
                label=period_text(start, end),
                target=target,
                actual=None if actual is None else actual.value,
                lower=None if actual is None else actual.lower,
                upper=None if actual is None else actual.upper,
            )
        )
    baseline = latest_baseline(
        [v.observation() for v in stored if v.kind == MetricValue.Kind.BASELINE], month
    )
    return trajectory_chart(
        points,
        title=f"{metric.name}, {area.name}: the plan's targets and actuals",
        unit=metric.unit,
        multiplier=float(metric.multiplier),
        baseline=None if baseline is None else baseline.estimate(spec).value,
        baseline_label=""
        if baseline is None
        else period_text(baseline.period_start, baseline.period_end),
        id_prefix="plan",
    )


def metric_list(request: HttpRequest, code: str) -> HttpResponse:
    """Every metric with a value at the period: the headline metrics, then composites' parts.

    The same for everyone who may see the area: cached per version of its data (ADR 0124)."""
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _metric_list(request, area))


def _metric_list(request: HttpRequest, area: Area) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))

    def body() -> str:
        lines = metric_lines(area, period.reporting_month)
        by_code = {line.code: line for line in lines}
        parts: dict[str, list[MetricLine]] = defaultdict(list)
        for line in lines:
            if line.parent_code:
                parts[line.parent_code].append(line)
        composites = [
            (by_code[code], sorted(children, key=lambda line: registry_order(line.code)))
            for code, children in parts.items()
            if code in by_code
        ]
        orphans = [
            line for code, children in parts.items() if code not in by_code for line in children
        ]
        return render_to_string(
            "performance/metric_list_body.jinja",
            {
                "area": area,
                "period": period,
                "metrics": [line for line in lines if line.parent_code is None] + orphans,
                "composites": composites,
            },
        )

    return render_area_page(
        request,
        "performance/metric_list.jinja",
        area,
        "metrics",
        {
            "body": cached.fragment(f"metric-list:{period.cache_key}", [area.pk], body),
            "page_title": f"{area.name} metrics, {period.label}",
        },
        period=period,
    )


# -- one metric ------------------------------------------------------------------------------


def period_text(start: date, end: date) -> str:
    """A stored value's period as people say it: a month, a financial year or a range."""
    first, last = Month.of(start), Month.of(end)
    if first == last:
        return first.label
    year = first.financial_year
    if start == year.start and end == year.end:
        return str(year)
    return f"{first.label} to {last.label}"


@dataclass(frozen=True)
class ValueRow:
    """A stored value with the estimate bettercare computes from it."""

    value: StoredValue
    period: str
    estimate: MetricEstimate
    after_period: bool
    #: The value as published, when it disagrees with its numerator and denominator (core's
    #: ``published_value_mismatch``): the page shows the computed value and this beside it.
    published: float | None = None


@dataclass(frozen=True)
class RegionComparison:
    """The areas of the region the user may see, and the figure for the whole region."""

    region: AreaShown
    period: str
    chart: Chart | None
    rows: list[tuple[AreaShown, MetricEstimate]]
    regional: MetricEstimate | None
    contributing: int
    hidden: int
    withheld_reason: str


def metric_detail(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    """One metric in full: one pass down, from the snapshot of its values (ADR 0107).

    The page's content is cached (ADR 0124) per version of the data it reads (the area's, the
    region's areas', the shared registry and tree) and per viewer's access (the forms a
    manager gets, the region's areas the viewer may see): a cached page runs no query for it
    but the one that reads those versions.
    """
    area = area_for(request, code)
    region = region_above(area)
    if region is None:
        return cached_page(
            request, [area.pk], lambda: _metric_detail(request, area, metric, [area.pk])
        )

    def areas() -> QuerySet[Area, Any]:
        return Area.objects.descendants(region).values("pk")

    return cached_page(
        request,
        cached.area_ids("region", area.pk, areas),
        lambda: _metric_detail(request, area, metric, areas()),
    )


def _metric_detail(
    request: HttpRequest, area: Area, metric: str, areas: list[int] | QuerySet[Any]
) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    access = access_of(request)
    name = hashlib.blake2b(metric.encode(), digest_size=8).hexdigest()
    title, html = cached.versioned(
        f"metric-page:{area.pk}:{period.reporting_month}:{name}:{access.signature}",
        areas,
        lambda: metric_content(access, area, period, metric),
    )
    return render_area_page(
        request,
        "performance/metric_detail.jinja",
        area,
        "metrics",
        {"content": with_csrf(request, html), "page_title": title},
        period=period,
    )


def metric_content(
    access: Access, area: Area, period: ReportingPeriod, metric: str
) -> tuple[str, str]:
    """The metric page's title and content for a viewer with this access (its forms' CSRF
    fields left as :data:`~bettercare.web.pages.CSRF_MARK`); 404 for no such metric."""
    month = period.reporting_month
    snapshot = metric_detail_snapshot(area, month, metric)
    if snapshot is None:
        raise Http404(f"There is no metric {metric!r}.")
    found, stored, position = snapshot.metric, list(snapshot.stored), snapshot.position
    if position is None:
        raise Http404(
            f"{found.name} is not in force for {area.name} in {period.label} and has no value "
            "by then."
        )
    saved = snapshot.commentary
    commentary = saved.commentary if saved else ""
    region = snapshot.region
    line = metric_line(
        position_row(
            position,
            code=found.code,
            source=found.source,
            parent_code=found.parent.code if found.parent else None,
            commentary=commentary,
            rebase_reasons={r.month: r.reason for r in snapshot.rebases},
            month=month,
            # Its place among the region's areas, from the region's actuals already read.
            benchmark=None
            if region is None or not isinstance(position, MetricSummary)
            else own_position(
                found.spec,
                region_peer_name(region.region.name),
                {v.area.pk: v.observed for v in region.values},
                area.pk,
            ),
        )
    )
    commentary_form = (
        CommentaryForm(initial={"commentary": commentary, "version": saved.version if saved else 0})
        if access.can_manage(area)
        else None
    )
    summary = position if isinstance(position, MetricSummary) else None
    spec = found.spec
    cutoff = period.reporting_month.last_day
    observations = [v.observation() for v in stored]
    estimates = metric_estimates(  # every row's interval in one vectorised call
        spec.unit,
        multiplier=spec.multiplier,
        numerators=[o.numerator for o in observations],
        denominators=[o.denominator for o in observations],
        values=[o.value for o in observations],
        bands=[o.bands for o in observations],
    )
    rows = [
        ValueRow(
            v,
            period_text(v.period_start, v.period_end),
            estimate,
            v.period_end > cutoff,
            published=o.value if o.published_mismatch(spec) else None,
        )
        for v, o, estimate in zip(stored, observations, estimates, strict=True)
    ]
    spc = summary.spc if summary is not None else None
    reason = None
    spc_figure = None
    special_points: Counter[str] = Counter()
    plan_figure = None
    if spc is None:
        plan_figure = plan_chart(found, area, stored, month)
    if spc is not None and summary is not None:
        labels = [month.label for month in summary.spc_months]
        spc_figure = spc_chart(
            spc,
            labels=labels,
            title=f"{found.name}, {area.name}: monthly values",
            unit=found.unit,
            multiplier=float(found.multiplier),
            id_prefix="spc",
        )
        special_points.update(POINT_STYLES[t][3] for t in spc.point_type if t != "common_cause")
        reason = variation_reason(spc, summary.spc_months)
    can_rebase = access.can_rebase_metric(area)
    actual_periods = [
        (v.period_start, v.period_end) for v in stored if v.kind == MetricValue.Kind.ACTUAL
    ]
    composite_parts: list[MetricLine] = []
    composite_parent: MetricLine | None = None
    if line.composition or found.parent is not None:
        composite_parts, composite_parent = composite_section(snapshot, month)
    html = render_to_string(
        "performance/metric_detail_content.jinja",
        {
            "area": area,
            "period": period,
            "csrf_input": Markup(CSRF_MARK),  # noqa: S704 - a constant: each request's own field replaces it
            "metric": found,
            "line": line,
            "spc": spc,
            "spc_chart": spc_figure,
            "variation_reason": reason,
            "spc_since": summary.spc_rebases[-1] if summary and summary.spc_rebases else None,
            "rebases": snapshot.rebases,
            "can_rebase": can_rebase,
            "rebase_month_items": month_items(rebase_months_of(actual_periods))
            if can_rebase
            else [],
            "special_points": sorted(special_points.items()),
            "plan_chart": plan_figure,
            "actuals": [
                r
                for r in rows
                if r.value.kind == MetricValue.Kind.ACTUAL
                and position_period(found.frequency, r.value.period_start, r.value.period_end)
            ],
            # An annual metric's monthly figures: listed apart, as counts (ADR 0111, 0119).
            "monthly_figures": [
                r
                for r in rows
                if r.value.kind == MetricValue.Kind.ACTUAL
                and not position_period(found.frequency, r.value.period_start, r.value.period_end)
            ],
            "targets": [r for r in rows if r.value.kind == MetricValue.Kind.TARGET],
            "baselines": [r for r in rows if r.value.kind == MetricValue.Kind.BASELINE],
            "schemes": snapshot.schemes,
            "comparison": _compare_with_region(access, area, found, snapshot.region),
            "commentary": commentary,
            "form": commentary_form,
            "composite_parts": composite_parts,
            "composite_parent": composite_parent,
        },
    )
    return found.name, html


def composite_section(
    snapshot: MetricDetailSnapshot, month: Month
) -> tuple[list[MetricLine], MetricLine | None]:
    """A composite's parts (in the registry's order) and a part's composite, as report lines:
    made from the snapshot's family alone, not from every metric of the area (ADR 0121)."""
    found = snapshot.metric
    family = [
        metric_line(
            position_row(
                member.position,
                code=member.code,
                source=member.source,
                parent_code=member.parent_code,
                commentary=member.commentary,
                rebase_reasons=dict(member.rebase_reasons),
                month=month,
            )
        )
        for member in snapshot.family
    ]
    parts = sorted(
        (other for other in family if other.parent_code == found.code),
        key=lambda other: registry_order(other.code),
    )
    parent = next(
        (other for other in family if found.parent and other.code == found.parent.code), None
    )
    return parts, parent


def _figures(value: MetricValue | RegionValue) -> AreaFigures:
    """A stored value's figures as core adds them up (its per-band counts as Bands)."""
    bands = None
    if value.bands:
        standard = value.bands.get("standard_population")
        extra = {"standard_population": standard} if standard else {}
        bands = Bands(value.bands["counts"], value.bands["populations"], **extra)
    return AreaFigures(numerator=value.numerator, denominator=value.denominator, bands=bands)


def regional_estimate(spec: MetricSpec, values: Sequence[V]) -> tuple[MetricEstimate, list[V]]:
    """The region's figure from the summed numerators and denominators of its areas.

    Computed by the same method (``bettercare.core.indicators`` over ``bettercare.core.stats``)
    as each area's own figure, so the two compare; a directly standardised rate sums the
    areas' per-band counts and populations. Returns the estimate and the values it includes.
    """
    pooled = pool_areas(
        spec.unit,
        [_figures(v) for v in values],
        multiplier=spec.multiplier,
    )
    return pooled.estimate, [values[i] for i in pooled.contributing]


def _compare_with_region(
    access: Access, area: Area, metric: MetricShown, region: RegionSnapshot | None
) -> RegionComparison | None:
    """The region's areas for the same period as the latest value, from the snapshot."""
    if region is None:
        return None
    spec = metric.spec
    values = list(region.values)
    period = span_label(region.period_start, region.period_end)
    visible = sorted(
        ((v.area, v.observed.estimate(spec)) for v in values if access.can_view_id(v.area.pk)),
        key=lambda pair: pair[0].name,
    )
    estimate, used = regional_estimate(spec, values)
    hidden = sum(1 for v in used if not access.can_view_id(v.area.pk))
    regional, withheld = disclose(estimate, hidden=hidden)
    rows: list[LeagueRow] = [
        (a.name, e.value, e.lower, e.upper, a.pk == area.pk) for a, e in visible
    ]
    chart = None
    if rows:
        chart = league_table(
            rows,
            title=f"{metric.name}, {period}: {region.region.name} areas compared",
            unit=spec.unit,
            multiplier=float(metric.multiplier),
            benchmark=regional.value if regional is not None else None,
            benchmark_label=region.region.name,
            polarity=spec.polarity,
            id_prefix="league",
        )
    return RegionComparison(
        region=region.region,
        period=period,
        chart=chart,
        rows=visible,
        regional=regional,
        contributing=len(used),
        hidden=hidden,
        withheld_reason=withheld,
    )


#: The columns of the actuals template, in the order of the ``metric_values`` sheet.
ACTUALS_COLUMNS = (
    "area_code",
    "metric_code",
    "period_start",
    "period_end",
    "kind",
    "numerator",
    "denominator",
    "value",
    "note",
    "source",
)


def actuals_template(request: HttpRequest, code: str) -> HttpResponse:
    """A month's actuals file to fill in: one row per metric in force, numbers blank.

    It is the ``metric_values`` sheet that ``bettercare import FILE.csv`` reads on its own
    (docs/workbook.md), so a filled-in template imports in one step.
    """
    area = area_for(request, code)
    period = period_for(area, request.GET.get("period"))
    month = period.reporting_month
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ACTUALS_COLUMNS)
    for metric, _ in area_metric_positions(area, month):
        start, end = expected_period(metric.frequency, month)  # type: ignore[arg-type]
        if end > month.last_day:
            continue  # a quarter or year not over by the end of the month has no actual yet
        writer.writerow(
            [
                area.code,
                metric.code,
                start.isoformat(),
                end.isoformat(),
                "actual",
                "",
                "",
                "",
                "",
                "",
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{area.code}-actuals-{month}.csv"'
    response["Cache-Control"] = "private, no-store"
    return response
