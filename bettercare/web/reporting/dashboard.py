"""Building the integration executive dashboard and the regional assurance matrix."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, cast

from django.utils import timezone

from bettercare.core import assurance
from bettercare.core.ordering import natural_key, theme_and_ref_key
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import (
    DEFAULT_POLICY,
    DIMENSION_LABELS,
    DIMENSIONS,
    RagPolicy,
    Status,
    guideline_rows,
    on_track,
    roll_up,
)
from bettercare.reports.model import (
    AssuranceCell,
    AssuranceReport,
    AssuranceRow,
    DashboardReport,
    ExceptionLine,
    GuidelineLine,
    MetricLine,
    SchemeLine,
    ThemeSection,
)
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.programmes.models import (
    Area,
    ProgrammeStatus,
    ReportingPeriod,
)
from bettercare.web.reporting.common import area_ref, metric_line
from bettercare.web.reporting.queries import (
    DashboardSnapshot,
    SchemeRow,
    ThemeRow,
    dashboard_snapshot,
    registry_order,
    scheme_rows,
)


def guidelines(policy: RagPolicy = DEFAULT_POLICY) -> tuple[GuidelineLine, ...]:
    """The printed RAG guidelines, generated from the thresholds the ratings use."""
    return tuple(
        GuidelineLine(DIMENSION_LABELS[row.dimension], row.status, row.text, row.note)
        for row in guideline_rows(policy)
    )


def theme_sections(period: ReportingPeriod) -> tuple[ThemeSection, ...]:
    """Themes with their schemes' statuses for the period (two queries)."""
    return scheme_sections(scheme_rows(period))


def scheme_sections(schemes: tuple[SchemeRow, ...]) -> tuple[ThemeSection, ...]:
    """The schemes by theme, each theme with its roll-up and its exceptions."""
    by_theme: dict[int | None, list[SchemeRow]] = defaultdict(list)
    themes: dict[int | None, ThemeRow | None] = {}
    for scheme in schemes:
        key = None if scheme.theme is None else scheme.theme.id
        themes[key] = scheme.theme
        by_theme[key].append(scheme)
    sections = []
    for key, members in sorted(
        by_theme.items(),
        key=lambda item: theme_and_ref_key(getattr(themes[item[0]], "code", None), ""),
    ):
        theme = themes[key]
        lines = []
        exceptions = []
        for scheme in sorted(members, key=lambda s: natural_key(s.ref)):
            found = scheme.returns
            # A return stores its additional information with each dimension's status: each
            # different text once, in the order of the dimensions, leaving out a text that
            # another contains (a lead's reason for one status, then the scheme's note).
            texts = list(
                dict.fromkeys(
                    found[d].additional_information
                    for d in DIMENSIONS
                    if d in found and found[d].additional_information
                )
            )
            additional = " ".join(
                text
                for text in texts
                if not any(text != other and text in other for other in texts)
            )
            lines.append(
                SchemeLine(
                    id=scheme.id,
                    ref=scheme.ref,
                    name=scheme.name,
                    lead=scheme.lead,
                    enabler=scheme.enabler,
                    statuses={
                        d: cast(Status, found[d].status) if d in found else None for d in DIMENSIONS
                    },
                    commentary={d: found[d].commentary for d in DIMENSIONS if d in found},
                    additional_information=additional,
                )
            )
            for dimension in DIMENSIONS:
                status = found.get(dimension)
                if status is not None and status.status in ("A", "R", "NA"):
                    exceptions.append(
                        ExceptionLine(
                            dimension=dimension,
                            scheme_ref=scheme.ref,
                            scheme_name=scheme.name,
                            lead=scheme.lead,
                            status=cast(Status, status.status),
                            commentary=status.commentary,
                            additional_information=status.additional_information,
                        )
                    )
        on_track_dimensions = tuple(
            d for d in DIMENSIONS if on_track(line.statuses[d] for line in lines)
        )
        notes = tuple(
            (f"{line.ref}: {line.name}", line.additional_information)
            for line in lines
            if line.additional_information
        )
        roll: dict[str, Status] = {
            d: roll_up(s for s in (line.statuses[d] for line in lines) if s is not None)
            for d in DIMENSIONS
        }
        sections.append(
            ThemeSection(
                code=theme.code if theme else "",
                name=theme.name if theme else "Schemes without a theme",
                priority=theme.priority if theme else "",
                schemes=tuple(lines),
                roll_up=roll,
                exceptions=tuple(
                    sorted(
                        exceptions,
                        key=lambda e: (DIMENSIONS.index(e.dimension), natural_key(e.scheme_ref)),
                    )
                ),
                on_track=on_track_dimensions,
                additional_information=notes,
            )
        )
    return tuple(sections)


def dashboard_report(snapshot: DashboardSnapshot) -> DashboardReport:
    """The dashboard assembled from its snapshot: core's rules, no database."""
    lines = [metric_line(row) for row in snapshot.metrics]
    by_code = {line.code: line for line in lines}
    parts: dict[str, list[MetricLine]] = defaultdict(list)
    for line in lines:
        if line.parent_code:
            parts[line.parent_code].append(line)
    return DashboardReport(
        area=snapshot.area,
        programme_name=snapshot.programme_name,
        period=snapshot.period,
        guidelines=guidelines(),
        metrics=tuple(line for line in lines if line.parent_code is None),
        composites=tuple(
            (by_code[code], tuple(sorted(children, key=lambda line: registry_order(line.code))))
            for code, children in parts.items()
            if code in by_code
        ),
        themes=scheme_sections(snapshot.schemes),
        generated_at=snapshot.taken_at,
    )


def build_dashboard(period: ReportingPeriod) -> DashboardReport:
    """The integration executive dashboard of ``period``'s area for its month: one pass down,
    from the snapshot (every query) through core's rules to the report model."""
    return dashboard_report(dashboard_snapshot(period))


def region_areas(region: Area) -> list[Area]:
    """The HWB areas below a region (through any ICBs), in name order (one query)."""
    found = Area.objects.descendants(region).filter(type=Area.Type.HWB)
    return sorted(found, key=lambda a: a.name)


def round_month(round_name: str) -> Month | None:
    """The last month of an assurance round named like ``2017-18 Q2``; None for other names."""
    found = re.fullmatch(r"(\d{4}-\d{2}) Q([1-4])", round_name.strip())
    if found is None:
        return None
    try:
        year = FinancialYear.parse(found[1])
    except ValueError:
        return None
    return year.first_month + 3 * int(found[2]) - 1


def build_assurance(region: Area, round_name: str | None = None) -> AssuranceReport:
    """The assurance matrix of a region for a round (the latest by default): the areas that
    existed at the end of the round (see ``Area.valid_from`` and ``valid_to``)."""
    areas = region_areas(region)
    ratings = list(
        AssuranceRating.objects.filter(area__in=areas).select_related("area").order_by("pk")
    )
    rounds = tuple(sorted({r.round for r in ratings}, reverse=True))
    chosen = round_name or (rounds[0] if rounds else "")
    in_round = round_month(chosen)
    if in_round is not None:
        areas = [area for area in areas if area.exists_in(in_round)]
    criteria: list[str] = []
    in_chosen: dict[int, dict[str, AssuranceRating]] = defaultdict(dict)
    for rating in ratings:
        if rating.round != chosen:
            continue
        if rating.criterion not in criteria:
            criteria.append(rating.criterion)
        in_chosen[rating.area_id][rating.criterion] = rating
    headline = tuple(c for c in assurance.HEADLINE_CRITERIA if c in criteria)
    criteria = [*headline, *(c for c in criteria if c not in headline)]
    footnotes: list[str] = []
    cells: dict[int, dict[str, AssuranceCell]] = defaultdict(dict)
    for area in areas:  # footnotes numbered in the order of the matrix
        for criterion in criteria:
            found = in_chosen.get(area.pk, {}).get(criterion)
            if found is None:
                continue
            number = 0
            if found.qualified:
                footnotes.append(found.footnote)
                number = len(footnotes)
            cells[area.pk][criterion] = AssuranceCell(
                found.status, found.comment, found.qualified, number
            )
    latest: dict[int, dict[str, Any]] = {}
    # As plain values: every period's statuses of every area of the region are read to find
    # each area's latest (ADR 0142).
    for area_id, reported, dimension, status in (
        ProgrammeStatus.objects.filter(period__area__in=areas)
        .order_by("period__month")
        .values_list("period__area_id", "period__month", "dimension", "status")
    ):
        latest.setdefault(area_id, {})
        if latest[area_id].get("_month") != reported:
            latest[area_id] = {"_month": reported}
        latest[area_id][dimension] = status
    rows = []
    for area in areas:
        programme = {k: v for k, v in latest.get(area.pk, {}).items() if k != "_month"}
        month = latest.get(area.pk, {}).get("_month")
        line = (
            f"{month:%B %Y}: "
            + ", ".join(
                f"{label} {programme.get(dimension, '–')}"
                for dimension, label in ProgrammeStatus.Dimension.choices
            )
            if month
            else "No programme status reported"
        )
        mine = cells.get(area.pk, {})
        rows.append(
            AssuranceRow(
                area_ref(area),
                mine,
                programme,
                line,
                high_risk=mine.get(assurance.HIGH_RISK),
                sign_off=mine.get(assurance.SIGN_OFF),
            )
        )
    from bettercare.web.benchmarking.queries import region_outliers

    rated = [
        (
            area.name,
            {
                c: assurance.Rating(cell.status, cell.qualified)
                for c, cell in cells.get(area.pk, {}).items()
            },
        )
        for area in areas
    ]
    summary = assurance.summary_line(rated, criteria)
    return AssuranceReport(
        region=area_ref(region),
        round=chosen,
        rounds=rounds,
        criteria=tuple(criteria),
        rows=tuple(rows),
        generated_at=timezone.localtime(),
        outliers=region_outliers(region, areas),
        headline=headline,
        footnotes=tuple(footnotes),
        summary=summary,
        group_summaries=assurance.group_summaries(rated, criteria),
    )


def latest_period(area: Area) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(area=area).order_by("-month").first()
