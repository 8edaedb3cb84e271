"""The reads of the report builders: each gathers a plain snapshot, in one place, up front.

A report is made in one pass down (ADR 0107): these functions run every query a report needs
and hand back frozen dataclasses that know nothing of Django; core computes on them and the
builders (``highlight``, ``dashboard``) assemble the report model from them without going
back to the database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import cast

from django.utils import timezone

from bettercare.core.benchmarking import FunnelPosition, funnel_statistic
from bettercare.core.periods import Month
from bettercare.core.pooled_fund import SpendLine
from bettercare.core.rag import Status
from bettercare.core.summary import AwaitingData, MetricSummary, Observation
from bettercare.registry import composition_words, load_registry
from bettercare.reports.model import AreaRef, FundingLine, PeriodRef
from bettercare.web.benchmarking.queries import own_position, region_peer_name
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.performance.queries import (
    FIELDS,
    _observation,
    area_metric_positions,
    metric_commentaries,
    metric_rebase_reasons,
)
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    PlannedActivity,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
)
from bettercare.web.programmes.tree import AreaTree


@dataclass(frozen=True, slots=True)
class MetricRow:
    """A metric's position at the month, with what the report line needs of the metric."""

    position: MetricSummary | AwaitingData
    #: The metric's own source, shown when the latest actual names none.
    source: str
    #: The composite metric this one is a part of.
    parent_code: str | None
    commentary: str
    #: Each SPC rebase the chart applies: its first month and the reason recorded (ADR 0095).
    rebases: tuple[tuple[Month, str], ...] = ()
    #: The report's month (how recent the data are is said against it).
    month: Month | None = None
    #: For a composite measure: how it is formed from its parts (the registry's words).
    composition: str = ""
    #: Where the area sits on the funnel plot of its region's areas for the latest value's
    #: period (None: no comparison, or not read for this report).
    benchmark: FunnelPosition | None = None


@dataclass(frozen=True, slots=True)
class MilestoneRow:
    id: int | None
    ref: str
    title: str
    scheme_ref: str | None
    baseline_date: date
    revised_date: date | None
    completed_date: date | None
    comments: str
    #: The milestone's scheme is an enabler (for the next three months' groups).
    scheme_enabler: bool = False


@dataclass(frozen=True, slots=True)
class RiskRow:
    id: int | None
    ref: str
    title: str
    description: str
    mitigation: str
    owner: str
    likelihood: int | None
    impact: int | None
    previous_score: int | None
    #: The plan's own rating ("high", "medium" or "low"), or "" when it gave none.
    rating: str
    scheme_ref: str | None


@dataclass(frozen=True, slots=True)
class ProgrammeStatusRow:
    """A dimension's programme status this month and the month before (None: not reported)."""

    dimension: str
    label: str
    status: Status | None
    previous: Status | None
    summary: str


@dataclass(frozen=True, slots=True)
class SavingsRow:
    financial_year: str
    target: Decimal
    achieved_to_date: Decimal


@dataclass(frozen=True, slots=True)
class HighlightSnapshot:
    """Everything the highlight report of an area and month is made from."""

    area: AreaRef
    programme_name: str
    period: PeriodRef
    month: Month
    statuses: tuple[ProgrammeStatusRow, ...]
    achievements: tuple[str, ...]
    milestones: tuple[MilestoneRow, ...]
    risks: tuple[RiskRow, ...]
    metrics: tuple[MetricRow, ...]
    funding: tuple[FundingLine, ...]
    savings: SavingsRow | None
    periods: tuple[PeriodRef, ...]
    taken_at: datetime
    #: The planned activities of the period: (group, text, month's first day or None), in
    #: their order.
    activities: tuple[tuple[str, str, date | None], ...] = ()
    #: The year's scheme spend lines with their protection category (ADR 0112).
    spend: tuple[SpendLine, ...] = ()


def area_ref(area: Area) -> AreaRef:
    return AreaRef(area.code, area.name, area.type, area.is_demo)


def period_ref(period: ReportingPeriod) -> PeriodRef:
    month = period.reporting_month
    return PeriodRef(str(month), month.label, period.state, str(month.financial_year))


def programme_name(area: Area) -> str:
    programme = getattr(area, "programme", None)
    name: str = programme.name if programme else area.name
    return name


@cache
def compositions() -> dict[str, str]:
    """How each composite measure of the registry is formed, in words, by metric code."""
    registry = load_registry()
    return {
        code: composition_words(code, registry)
        for code, definition in registry.items()
        if definition.composition
    }


@cache
def _registry_positions() -> dict[str, int]:
    return {code: index for index, code in enumerate(load_registry())}


def registry_order(code: str) -> tuple[int, str]:
    """A metric's place in the registry's files (a composite's parts in the order they are
    defined, as its words list them); metrics not in the registry after, by code."""
    positions = _registry_positions()
    return (positions.get(code, len(positions)), code)


def metric_row(
    metric: Metric,
    position: MetricSummary | AwaitingData,
    commentary: str,
    rebase_reasons: dict[Month, str] | None = None,
    month: Month | None = None,
    benchmark: FunnelPosition | None = None,
) -> MetricRow:
    """The row of a metric's position; ``rebase_reasons`` gives the reason recorded for each
    rebase month of the metric (the chart's applied rebases are taken from the position)."""
    return position_row(
        position,
        code=metric.code,
        source=metric.source,
        parent_code=metric.parent.code if metric.parent_id and metric.parent else None,
        commentary=commentary,
        rebase_reasons=rebase_reasons,
        month=month,
        benchmark=benchmark,
    )


def position_row(
    position: MetricSummary | AwaitingData,
    *,
    code: str,
    source: str,
    parent_code: str | None,
    commentary: str,
    rebase_reasons: dict[Month, str] | None = None,
    month: Month | None = None,
    benchmark: FunnelPosition | None = None,
) -> MetricRow:
    """:func:`metric_row` from the metric's code, source and parent as plain values (a
    snapshot's), at the report's ``month``, with its ``benchmark`` position when read."""
    applied = position.spc_rebases if isinstance(position, MetricSummary) else ()
    reasons = rebase_reasons or {}
    return MetricRow(
        position,
        source,
        parent_code,
        commentary,
        tuple((rebase, reasons.get(rebase, "")) for rebase in applied),
        month,
        compositions().get(code, ""),
        benchmark,
    )


def benchmark_positions(
    area: Area, positions: Sequence[tuple[Metric, MetricSummary | AwaitingData]]
) -> dict[int, FunnelPosition]:
    """Each measured metric's position on the funnel plot of the areas of the area's region,
    for the period of its latest value, by metric id: the benchmark page's default comparison,
    made for a reader who may see every area (so it can be cached for the area) and stated
    without the pooled figure (:func:`bettercare.web.benchmarking.queries.own_position`).

    Two queries whatever the number of metrics: the area's tree, and the region's actuals for
    those metrics and periods. Metrics with no funnel (counts, means) are not read.
    """
    wanted = {
        metric.pk: (metric.spec, position.latest.period_start, position.latest.period_end)
        for metric, position in positions
        if isinstance(position, MetricSummary) and funnel_statistic(metric.unit) is not None
    }
    if not wanted:
        return {}
    tree = AreaTree.of(Area.objects.tree_of(area))
    region = tree.region_of(area)
    if region is None:
        return {}
    peers = [a.pk for a in tree.hwbs_below(region)]
    rows = MetricValue.objects.filter(
        metric_id__in=list(wanted),
        kind=MetricValue.Kind.ACTUAL,
        area_id__in=peers,
        period_start__in={start for _, start, _ in wanted.values()},
        period_end__in={end for _, _, end in wanted.values()},
    ).values_list("area_id", *FIELDS)
    observed: dict[int, dict[int, Observation]] = defaultdict(dict)
    for row in rows.order_by("area_id"):
        observation = _observation(row[1:])
        _, start, end = wanted[row[1]]
        if (observation.period_start, observation.period_end) == (start, end):
            observed[row[1]][row[0]] = observation
    name = region_peer_name(region.name)
    found = {
        metric_id: own_position(spec, name, observed[metric_id], area.pk)
        for metric_id, (spec, _, _) in wanted.items()
    }
    return {metric_id: position for metric_id, position in found.items() if position}


def metric_rows(area: Area, month: Month, *, benchmarks: bool = False) -> list[MetricRow]:
    """Every metric in force for the area at ``month`` (measured, or awaiting data), each with
    the month's commentary on it; with ``benchmarks``, each with its position among its
    region's areas (:func:`benchmark_positions`, two queries more)."""
    notes = metric_commentaries(area, month)
    reasons = metric_rebase_reasons(area)
    positions = area_metric_positions(area, month)
    placed = benchmark_positions(area, positions) if benchmarks else {}
    return [
        metric_row(
            metric,
            position,
            notes.get(metric.code, ""),
            reasons.get(metric.code),
            month,
            placed.get(metric.pk),
        )
        for metric, position in positions
    ]


def milestone_row(milestone: Milestone) -> MilestoneRow:
    return MilestoneRow(
        id=milestone.pk,
        ref=milestone.ref,
        title=milestone.title,
        scheme_ref=milestone.scheme.ref if milestone.scheme else None,
        baseline_date=milestone.baseline_date,
        revised_date=milestone.revised_date,
        completed_date=milestone.completed_date,
        comments=milestone.comments,
        scheme_enabler=bool(milestone.scheme and milestone.scheme.enabler),
    )


def risk_row(risk: Risk) -> RiskRow:
    return RiskRow(
        id=risk.pk,
        ref=risk.ref,
        title=risk.title,
        description=risk.description,
        mitigation=risk.mitigation,
        owner=risk.owner,
        likelihood=risk.likelihood,
        impact=risk.impact,
        previous_score=risk.previous_score,
        rating=risk.rating,
        scheme_ref=risk.scheme.ref if risk.scheme else None,
    )


def programme_status_rows(period: ReportingPeriod) -> tuple[ProgrammeStatusRow, ...]:
    """Each dimension's programme status for the period's month and the month before."""
    previous_month = period.reporting_month - 1
    statuses = {
        (s.period.month, s.dimension): s
        for s in ProgrammeStatus.objects.filter(
            period__area_id=period.area_id,
            period__month__in=[period.month, previous_month.first_day],
        ).select_related("period")
    }
    rows = []
    for dimension, label in ProgrammeStatus.Dimension.choices:
        now = statuses.get((period.month, dimension))
        before = statuses.get((previous_month.first_day, dimension))
        rows.append(
            ProgrammeStatusRow(
                dimension=dimension,
                label=label,
                # The column's choices are core's statuses, which the checker cannot know.
                status=cast(Status, now.status) if now else None,
                previous=cast(Status, before.status) if before else None,
                summary=now.summary if now else "",
            )
        )
    return tuple(rows)


def highlight_snapshot(period: ReportingPeriod) -> HighlightSnapshot:
    """Everything the highlight report of ``period``'s area and month needs, read once."""
    area = period.area
    month = period.reporting_month
    year = str(month.financial_year)
    milestones = tuple(
        milestone_row(m) for m in Milestone.objects.filter(area=area).select_related("scheme")
    )
    risks = tuple(risk_row(r) for r in Risk.objects.filter(area=area).select_related("scheme"))
    metrics = tuple(metric_rows(area, month))
    name = programme_name(area)
    statuses = programme_status_rows(period)
    achievements = tuple(
        Achievement.objects.filter(
            period__area_id=period.area_id, period__month=period.month
        ).values_list("text", flat=True)
    )
    funding = tuple(funding_line(f) for f in Funding.objects.filter(area=area, financial_year=year))
    spend = tuple(
        SpendLine("spend", line.recurrent + line.non_recurrent, line.protection)
        for line in SchemeFinance.objects.filter(
            scheme__area=area, financial_year=year, line=SchemeFinance.Line.SPEND
        )
    )
    plan = SavingsPlan.objects.filter(area=area, financial_year=year).first()
    activities = tuple(
        PlannedActivity.objects.filter(
            period__area_id=period.area_id, period__month=period.month
        ).values_list("group", "text", "month")
    )
    periods = tuple(
        period_ref(p) for p in ReportingPeriod.objects.filter(area=area).order_by("-month")
    )
    return HighlightSnapshot(
        area=area_ref(area),
        programme_name=name,
        period=period_ref(period),
        month=month,
        statuses=statuses,
        achievements=achievements,
        milestones=milestones,
        risks=risks,
        metrics=metrics,
        funding=funding,
        savings=None
        if plan is None
        else SavingsRow(plan.financial_year, plan.target, plan.achieved_to_date),
        periods=periods,
        taken_at=timezone.localtime(),
        activities=activities,
        spend=spend,
    )


@dataclass(frozen=True, slots=True)
class ThemeRow:
    id: int
    code: str
    name: str
    priority: str


@dataclass(frozen=True, slots=True)
class DimensionReturnRow:
    """A scheme's return on one dimension for the month."""

    status: str
    commentary: str
    additional_information: str


@dataclass(frozen=True, slots=True)
class SchemeRow:
    """A scheme with its returns for the month, by dimension (a dimension not returned is
    missing)."""

    id: int
    ref: str
    name: str
    lead: str
    enabler: bool
    theme: ThemeRow | None
    returns: dict[str, DimensionReturnRow]


@dataclass(frozen=True, slots=True)
class DashboardSnapshot:
    """Everything the integration executive dashboard of an area and month is made from."""

    area: AreaRef
    programme_name: str
    period: PeriodRef
    metrics: tuple[MetricRow, ...]
    schemes: tuple[SchemeRow, ...]
    taken_at: datetime


def scheme_rows(period: ReportingPeriod) -> tuple[SchemeRow, ...]:
    """The area's schemes (by reference) with their returns for the period (two queries)."""
    schemes = list(
        Scheme.objects.filter(area_id=period.area_id).select_related("theme").order_by("ref")
    )
    returns: dict[int, dict[str, DimensionReturnRow]] = defaultdict(dict)
    for status in SchemeStatus.objects.filter(
        period__area_id=period.area_id, period__month=period.month
    ):
        returns[status.scheme_id][status.dimension] = DimensionReturnRow(
            status.status, status.commentary, status.additional_information
        )
    return tuple(
        SchemeRow(
            id=scheme.pk,
            ref=scheme.ref,
            name=scheme.name,
            lead=scheme.lead,
            enabler=scheme.enabler,
            theme=None
            if scheme.theme is None
            else ThemeRow(
                scheme.theme.pk, scheme.theme.code, scheme.theme.name, scheme.theme.priority
            ),
            returns=returns.get(scheme.pk, {}),
        )
        for scheme in schemes
    )


def dashboard_snapshot(period: ReportingPeriod) -> DashboardSnapshot:
    """Everything the dashboard of ``period``'s area and month needs, read once."""
    area = period.area
    metrics = tuple(metric_rows(area, period.reporting_month, benchmarks=True))
    name = programme_name(area)
    schemes = scheme_rows(period)
    return DashboardSnapshot(
        area=area_ref(area),
        programme_name=name,
        period=period_ref(period),
        metrics=metrics,
        schemes=schemes,
        taken_at=timezone.localtime(),
    )


def funding_line(f: Funding) -> FundingLine:
    """A funding row as the report model (and core's pooled-fund rule) reads it."""
    return FundingLine(
        f.stream,
        f.organisation,
        f.budget,
        f.forecast_outturn,
        pooled=f.pooled,
        part_of=f.part_of,
        passported_to=f.passported_to,
    )
