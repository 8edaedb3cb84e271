"""Programme pages: home, the overview (highlight report) and the integration dashboard."""

from __future__ import annotations

from collections import defaultdict

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone

from bettercare.core.periods import Month
from bettercare.core.rag import DIMENSIONS, ON_TRACK_LINE, STATUSES
from bettercare.web.pages import (
    access_of,
    area_for,
    cached_page,
    period_for,
    render_area_page,
    render_page,
)
from bettercare.web.programmes.models import Area, SchemeStatus
from bettercare.web.reporting import cached


def home(request: HttpRequest) -> HttpResponse:
    """The areas the user may see, by region; straight to the area if there is only one.

    Kept whole under the shared version (the area tree) and the viewer's access (ADR 0142)."""
    return cached_page(request, [], lambda: _home(request))


def _home(request: HttpRequest) -> HttpResponse:
    areas = list(access_of(request).visible_areas())
    programmes = [a for a in areas if a.type == Area.Type.HWB]
    if len(programmes) == 1 and len(areas) == 1:
        return redirect("area-overview", programmes[0].code)
    by_parent: dict[str, list[Area]] = defaultdict(list)
    names = {a.pk: a for a in areas}
    this_month = Month.of(timezone.localdate())  # the day the page cache keys on
    for area in programmes:
        parent = names.get(area.parent_id) if area.parent_id else None
        if not area.exists_in(this_month):
            # Abolished areas keep their history, listed apart from today's areas.
            by_parent["Former areas (history only)"].append(area)
            continue
        by_parent[parent.name if parent else "Other areas"].append(area)
    regions = [
        a for a in areas if a.type == Area.Type.REGION and access_of(request).can_view_assurance(a)
    ]
    return render_page(
        request,
        "programmes/home.jinja",
        {"groups": sorted(by_parent.items()), "regions": regions, "page_title": "Your areas"},
    )


def overview(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _overview(request, area))


def _overview(request: HttpRequest, area: Area) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    body = cached.fragment(
        f"overview:{period.cache_key}",
        [area.pk],
        lambda: render_to_string(
            "programmes/overview_body.jinja",
            {"report": cached.highlight_report(period), "area": area, "period": period},
            request=request,
        ),
    )
    return render_area_page(
        request,
        "programmes/overview.jinja",
        area,
        "overview",
        {"body": body, "page_title": f"{area.name} overview, {period.label}"},
        period=period,
    )


def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    areas = cached.area_ids("tree", area.pk, lambda: cached.dashboard_areas(area.pk))
    return cached_page(request, areas, lambda: _dashboard(request, area))


def _dashboard(request: HttpRequest, area: Area) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    wanted = request.GET.get("status") or ""
    if wanted not in STATUSES:
        wanted = ""
    context: dict[str, object] = {
        "area": area,
        "period": period,
        "status_filter": wanted,
        "dimensions": DIMENSIONS,
        "dimension_labels": dict(SchemeStatus.Dimension.choices),
        "on_track_line": ON_TRACK_LINE,
        "page_title": f"{area.name} integration dashboard, {period.label}",
    }

    def themes_and_report() -> None:
        report = cached.dashboard(period)
        themes = report.themes
        if wanted:
            themes = tuple(
                theme
                for theme in themes
                if any(wanted in line.statuses.values() for line in theme.schemes)
            )
        context.update(report=report, themes=themes)

    def body() -> str:
        themes_and_report()
        return render_to_string("programmes/dashboard_body.jinja", context, request=request)

    context["body"] = cached.fragment(
        f"dashboard:{period.cache_key}:{wanted}", cached.dashboard_areas(area.pk), body
    )
    partial = request.headers.get("HX-Request") and request.GET.get("partial") == "themes"
    if partial:
        themes_and_report()
    template = "programmes/dashboard_themes.htmx.jinja" if partial else "programmes/dashboard.jinja"
    return render_area_page(request, template, area, "dashboard", context, period=period)
