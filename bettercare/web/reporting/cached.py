"""The report models the pages show, kept in the cache until their area's data change.

Board packs build theirs afresh (their "generated" time is the moment they are made).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import QuerySet
from markupsafe import Markup

from bettercare.reports.model import DashboardReport, HighlightReport
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.versioning import data_versions
from bettercare.web.reporting.dashboard import build_dashboard
from bettercare.web.reporting.highlight import build_highlight_report

CACHE_SECONDS = 60 * 60

T = TypeVar("T")


def highlight_report(period: ReportingPeriod) -> HighlightReport:
    key = f"highlight:{period.cache_key}:{data_versions([period.area_id])}"
    report = cache.get(key)
    if report is None:
        report = build_highlight_report(period)
        cache.set(key, report, CACHE_SECONDS)
    return report  # type: ignore[no-any-return]  # the cache's Any: the report stored under this key


def dashboard_areas(area_id: int) -> QuerySet[Area, Any]:
    """The areas a dashboard reads: its own and its region's (each metric's position among
    the region's areas, ADR 0119), as a query for :func:`data_versions` (still one query)."""
    return Area.objects.tree_of(area_id).values("pk")


def dashboard(period: ReportingPeriod) -> DashboardReport:
    key = f"dashboard:{period.cache_key}:{data_versions(dashboard_areas(period.area_id))}"
    report = cache.get(key)
    if report is None:
        report = build_dashboard(period)
        cache.set(key, report, CACHE_SECONDS)
    return report  # type: ignore[no-any-return]  # the cache's Any: the report stored under this key


def versioned(key: str, areas: Iterable[int] | QuerySet[Any], build: Callable[[], T]) -> T:
    """What ``build`` makes from the data of ``areas`` (and the shared data), made once per
    version of that data and kept in the cache under ``key`` and the versions."""
    full = f"{key}:{data_versions(areas)}"
    found = cache.get(full)
    if found is None:
        found = build()
        cache.set(full, found, CACHE_SECONDS)
    return found  # type: ignore[no-any-return]  # the cache's Any: what build made for this key


def area_ids(name: str, area_id: int, areas: Callable[[], QuerySet[Area, Any]]) -> list[int]:
    """The ids of the query ``areas`` makes of areas related to ``area_id`` (its tree, its
    region's areas), kept in the cache: which areas they are changes only with the area tree,
    which moves the shared version (ADR 0137). Keyed on ``area_id``'s versions, which a GET
    has read already, so :func:`data_versions` of the ids is one plain query where the
    query's would compile it twice (once to remember it by its SQL)."""
    return versioned(
        f"area-ids:{name}:{area_id}",
        [area_id],
        lambda: sorted(areas().values_list("pk", flat=True)),
    )


def fragment(key: str, areas: Iterable[int] | QuerySet[Any], render: Callable[[], str]) -> Markup:
    """HTML that depends only on the data of ``areas`` (not on who asks), rendered once per
    version of their data."""
    return Markup(versioned(f"fragment:{key}", areas, render))  # noqa: S704 - rendered by our autoescaping templates
