"""Loading pipeline results into the database as ``actual`` metric values (``--load``).

The Django half of :mod:`bettercare.pipeline`, kept in the web layer so that the pipeline
itself imports no Django (ADR 0104). One transaction: the areas the
values need are created from the inputs' ``areas`` file when the database lacks them; every
value is upserted by (area, metric, period, kind ``actual``) with its numerator, denominator,
value, DSR bands and its source (``pipeline ENGINE DATE input=FOLDER``); a changed value is
updated (its version goes up), an unchanged one left alone, so loading the same run twice
changes nothing. Actual values that did not come from the pipeline (a published figure from a
workbook) are never overwritten: they are counted as kept. Reporting months are opened for
areas that have none, so that the dashboard can show the values. Every write is recorded in
the history with who ran it and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from bettercare.core.periods import Month
from bettercare.pipeline.metrics import MetricValueRow
from bettercare.pipeline.reference import read_records
from bettercare.pipeline.run import PipelineRun
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.bulk import upsert
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.tree import AreaLoopError, areas_upsert

__all__ = ["LoadError", "LoadResult", "load_metric_values", "load_run"]

SOURCE_PREFIX = "pipeline "
FIELDS = ("numerator", "denominator", "value", "note", "warnings", "bands", "sum_of_squares")


class LoadError(Exception):
    """The values cannot be loaded (unknown areas or metrics); nothing was written."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did."""

    source: str
    created: int
    updated: int
    unchanged: int
    kept: int
    areas_created: int
    periods_opened: int


def run_source(run: PipelineRun, on: date | None = None) -> str:
    """How a run's values record where they came from, e.g.
    ``pipeline duckdb 2026-11-23 input=/data/sus``."""
    text = f"{SOURCE_PREFIX}{run.engine} {(on or date.today()).isoformat()} input={run.inputs.directory}"
    return text[:300]


def load_run(
    run: PipelineRun, *, by: User | None, reason: str, on: date | None = None
) -> LoadResult:
    """Load a pipeline run's values, creating its areas from its ``areas`` input if needed."""
    areas: list[dict[str, Any]] = []
    if run.inputs.has("areas"):
        areas = list(read_records(run.inputs.files["areas"]))
    return load_metric_values(
        run.rows, source=run_source(run, on), area_definitions=areas, by=by, reason=reason
    )


def _create_areas(
    wanted: set[str], definitions: Sequence[dict[str, Any]], by: User | None, reason: str
) -> tuple[dict[str, Area], int]:
    """The areas by code, creating the missing ones (and their parents) from ``definitions``."""
    defined = {d["area_code"]: d for d in definitions}
    needed = set(wanted)
    for code in list(wanted):
        parent = defined.get(code, {}).get("parent_code")
        while parent and parent not in needed:
            needed.add(parent)
            parent = defined.get(parent, {}).get("parent_code")
    found = {area.code: area for area in Area.objects.filter(code__in=needed)}
    missing = sorted(needed - set(found))
    undefined = [code for code in missing if code not in defined]
    if undefined:
        shown = ", ".join(undefined[:5]) + (" ..." if len(undefined) > 5 else "")
        raise LoadError(
            f"{len(undefined)} area(s) are not in the database: {shown}; import them first "
            "(bettercare import, programme sheet) or add an areas.csv to the input folder"
        )
    rows = [
        {
            "code": code,
            "name": defined[code]["area_name"],
            "type": defined[code]["area_type"],
            "parent_code": defined[code]["parent_code"] or None,
            "is_demo": bool(defined[code].get("is_demo")),
        }
        for code in missing
    ]
    try:
        written = areas_upsert(rows, known=found, by=by, reason=reason)
    except AreaLoopError:
        raise LoadError(
            f"the areas file's parents form a loop among {', '.join(missing)}"
        ) from None
    return written.areas, written.created


def _open_months(
    areas: dict[str, Area],
    rows: Sequence[MetricValueRow],
    fresh: set[str],
    by: User | None,
    reason: str,
) -> int:
    """Open the loaded months for the areas that have no reporting month yet."""
    months: dict[str, set[date]] = {}
    for row in rows:
        if Month.of(row.period_start) == Month.of(row.period_end):
            months.setdefault(row.area_code, set()).add(row.period_start)
    with_periods = set(
        ReportingPeriod.objects.filter(area__code__in=list(months)).values_list(
            "area__code", flat=True
        )
    )
    opening = [
        {"area_id": areas[code].pk, "month": month}
        for code, found in sorted(months.items())
        if code in fresh or code not in with_periods
        for month in sorted(found)
    ]
    if not opening:
        return 0
    opened = upsert(
        ReportingPeriod,
        ("area_id", "month"),
        opening,
        existing=ReportingPeriod.objects.filter(area_id__in={row["area_id"] for row in opening}),
        by=by,
        reason=reason,
    )
    return opened.created


@transaction.atomic
def load_metric_values(
    rows: Sequence[MetricValueRow],
    *,
    source: str,
    area_definitions: Sequence[dict[str, Any]] = (),
    by: User | None,
    reason: str,
) -> LoadResult:
    """Upsert ``rows`` as actual values; see the module's description.

    Raises
    ------
    LoadError
        When an area is neither in the database nor in ``area_definitions``, or a metric is
        not in the database (run ``bettercare init`` to load the registry).
    """
    codes = {row.metric_code for row in rows}
    metrics = {m.code: m for m in Metric.objects.filter(code__in=codes)}
    unknown = sorted(codes - set(metrics))
    if unknown:
        raise LoadError(
            f"metric(s) {', '.join(unknown)} are not in the database; run `bettercare init`"
        )
    wanted = {row.area_code for row in rows}
    before = set(Area.objects.filter(code__in=wanted).values_list("code", flat=True))
    areas, areas_created = _create_areas(wanted, area_definitions, by, reason)
    written = upsert(
        MetricValue,
        ("area_id", "metric_id", "period_start", "period_end", "kind"),
        (
            {
                "area_id": areas[row.area_code].pk,
                "metric_id": metrics[row.metric_code].pk,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "kind": MetricValue.Kind.ACTUAL.value,
                "numerator": float(row.numerator),
                "denominator": float(row.denominator),
                "value": row.value,
                "note": row.note,
                "warnings": [row.note] if row.note else [],
                "sum_of_squares": row.sum_of_squares,
                "bands": row.bands,
                "source": source,
            }
            for row in rows
        ),
        existing=MetricValue.objects.filter(
            area_id__in=[areas[c].pk for c in wanted],
            metric_id__in=[m.pk for m in metrics.values()],
            kind=MetricValue.Kind.ACTUAL,
        ),
        by=by,
        reason=reason,
        provenance=("source",),
        # Actual values that did not come from the pipeline (a published figure) are kept.
        keep=lambda stored: not str(stored["source"]).startswith(SOURCE_PREFIX),
    )
    opened = _open_months(areas, rows, wanted - before, by, reason)
    if written.written or areas_created or opened:  # the bulk writer moved the versions on
        from bettercare.web.alerts.engine import after_data_change

        after_data_change(area.pk for area in areas.values())  # once committed; never fails
    return LoadResult(
        source,
        written.created,
        written.updated,
        written.unchanged,
        written.kept,
        areas_created,
        opened,
    )
