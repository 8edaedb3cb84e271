"""Building the integration executive dashboard and the regional assurance matrix."""

from __future__ import annotations

import re
from collections import defaultdict

from django.utils import timezone

from bettercare.core.ordering import natural_key, theme_and_ref_key
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import COMMENTARY_REQUIREMENTS, DIMENSIONS, roll_up
from bettercare.reports.model import (
    AssuranceCell,
    AssuranceReport,
    AssuranceRow,
    DashboardReport,
    ExceptionLine,
    GuidelineLine,
    SchemeLine,
    ThemeSection,
)
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.programmes.models import (
    Area,
    ProgrammeStatus,
    ReportingPeriod,
    Scheme,
    SchemeStatus,
)
from bettercare.web.reporting.common import area_ref, metric_lines, period_ref

#: The RAG status guidelines as BCF integration executives publish them.
GUIDELINE_TEXT = {
    ("savings", "G"): "Savings on track or ahead of schedule",
    ("savings", "A"): "Savings are off track by up to 10%",
    ("savings", "R"): "Savings are off track by more than 10%",
    ("savings", "NA"): "Savings have not yet been defined for this scheme",
    ("savings", "E"): "This scheme has been identified as an enabler",
    ("milestones", "G"): "Action plan development and/or milestones are on target",
    ("milestones", "A"): "There are minor delays in the action plan milestones of up to 30 days",
    ("milestones", "R"): "There are action plan milestones delayed more than 30 days / BP delayed",
    ("milestones", "NA"): "Scheme not yet due to start",
    ("finance", "G"): "Costs are on target",
    (
        "finance",
        "A",
    ): "There is likely to be an overspend / underspend of up to 10% of the agreed budget",
    (
        "finance",
        "R",
    ): "It is highly likely there will be an overspend / underspend greater than 10% of the agreed budget",
    ("finance", "NA"): "Budget not set for current financial year",
    ("metrics", "G"): "Assessed impact on primary metric(s) is on track",
    (
        "metrics",
        "A",
    ): "It is likely there will be a negative impact on the primary metric(s) of up to 10%",
    (
        "metrics",
        "R",
    ): "It is highly likely there will be a negative impact on the primary metric(s) greater than 10%",
    ("metrics", "NA"): "Contribution to metrics not yet developed",
    ("metrics", "E"): "This scheme has been identified as an enabler",
}
NOTES = {
    "exception_required": "Exception commentary must be provided",
    "start_date_required": "Please provide a start date",
    "headline_optional": "Add any appropriate headline commentary",
}
DIMENSION_LABELS = dict(SchemeStatus.Dimension.choices)


def guidelines() -> tuple[GuidelineLine, ...]:
    return tuple(
        GuidelineLine(
            DIMENSION_LABELS[dimension], status, GUIDELINE_TEXT[(dimension, status)], NOTES[need]
        )
        for dimension in DIMENSIONS
        for status, need in COMMENTARY_REQUIREMENTS[dimension].items()
    )


def theme_sections(period: ReportingPeriod) -> tuple[ThemeSection, ...]:
    """Themes with their schemes' statuses for the period (two queries)."""
    schemes = list(
        Scheme.objects.filter(area_id=period.area_id).select_related("theme").order_by("ref")
    )
    statuses: dict[int, dict[str, SchemeStatus]] = defaultdict(dict)
    for status in SchemeStatus.objects.filter(
        period__area_id=period.area_id, period__month=period.month
    ):
        statuses[status.scheme_id][status.dimension] = status
    by_theme: dict[object, list[Scheme]] = defaultdict(list)
    for scheme in schemes:
        by_theme[scheme.theme].append(scheme)
    sections = []
    for theme, members in sorted(
        by_theme.items(),
        key=lambda item: theme_and_ref_key(getattr(item[0], "code", None), ""),
    ):
        lines = []
        exceptions = []
        for scheme in sorted(members, key=lambda s: natural_key(s.ref)):
            found = statuses.get(scheme.pk, {})
            # A return stores its additional information with each dimension's status.
            additional = next(
                (s.additional_information for s in found.values() if s.additional_information),
                "",
            )
            lines.append(
                SchemeLine(
                    id=scheme.pk,
                    ref=scheme.ref,
                    name=scheme.name,
                    lead=scheme.lead,
                    enabler=scheme.enabler,
                    statuses={d: found[d].status if d in found else None for d in DIMENSIONS},
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
                            status=status.status,
                            commentary=status.commentary,
                            additional_information=status.additional_information,
                        )
                    )
        roll = {
            d: roll_up(line.statuses[d] for line in lines if line.statuses[d]) for d in DIMENSIONS
        }
        sections.append(
            ThemeSection(
                code=getattr(theme, "code", ""),
                name=getattr(theme, "name", "Schemes without a theme"),
                priority=getattr(theme, "priority", ""),
                schemes=tuple(lines),
                roll_up=roll,
                exceptions=tuple(
                    sorted(
                        exceptions,
                        key=lambda e: (DIMENSIONS.index(e.dimension), natural_key(e.scheme_ref)),
                    )  # type: ignore[arg-type]
                ),
            )
        )
    return tuple(sections)


def build_dashboard(period: ReportingPeriod) -> DashboardReport:
    """The integration executive dashboard of ``period``'s area for its month."""
    area = period.area
    lines = metric_lines(area, period.reporting_month)
    by_code = {line.code: line for line in lines}
    parts: dict[str, list] = defaultdict(list)
    for line in lines:
        if line.parent_code:
            parts[line.parent_code].append(line)
    programme = getattr(area, "programme", None)
    return DashboardReport(
        area=area_ref(area),
        programme_name=programme.name if programme else area.name,
        period=period_ref(period),
        guidelines=guidelines(),
        metrics=tuple(line for line in lines if line.parent_code is None),
        composites=tuple(
            (by_code[code], tuple(children)) for code, children in parts.items() if code in by_code
        ),
        themes=theme_sections(period),
        generated_at=timezone.localtime(),
    )


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
    cells: dict[int, dict[str, AssuranceCell]] = defaultdict(dict)
    for rating in ratings:
        if rating.round != chosen:
            continue
        if rating.criterion not in criteria:
            criteria.append(rating.criterion)
        cells[rating.area_id][rating.criterion] = AssuranceCell(rating.status, rating.comment)
    latest = {}
    for status in (
        ProgrammeStatus.objects.filter(period__area__in=areas)
        .select_related("period")
        .order_by("period__month")
    ):
        latest.setdefault(status.period.area_id, {})
        if latest[status.period.area_id].get("_month") != status.period.month:
            latest[status.period.area_id] = {"_month": status.period.month}
        latest[status.period.area_id][status.dimension] = status.status
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
        rows.append(AssuranceRow(area_ref(area), cells.get(area.pk, {}), programme, line))
    from bettercare.web.benchmarking.queries import region_outliers

    return AssuranceReport(
        region=area_ref(region),
        round=chosen,
        rounds=rounds,
        criteria=tuple(criteria),
        rows=tuple(rows),
        generated_at=timezone.localtime(),
        outliers=region_outliers(region, areas),
    )


def latest_period(area: Area) -> ReportingPeriod | None:
    return ReportingPeriod.objects.filter(area=area).order_by("-month").first()
