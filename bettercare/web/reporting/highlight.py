"""Building the programme highlight report for an area and month from the database."""

from __future__ import annotations

from collections.abc import Sequence

from bettercare.core.milestones import (
    ACTIVITY_GROUP_LABELS,
    ACTIVITY_GROUPS,
    activity_group,
    milestone_in_report,
    milestone_order,
)
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.pooled_fund import (
    FundingStreamLine,
    SpendLine,
    pooled_fund,
    pooled_fund_problems,
    protection_problem,
    protection_split,
)
from bettercare.core.rag import (
    assess_savings,
    milestone_slippage_days,
    milestone_status,
    risk_order,
    risk_score,
    risk_trend,
    savings_planned_to_date,
)
from bettercare.reports.model import (
    ActivityLine,
    Change,
    FundingLine,
    HighlightReport,
    MilestoneLine,
    PlanFinance,
    ProgrammeStatusLine,
    RiskLine,
    SavingsLine,
    UpcomingGroup,
)
from bettercare.web.finance.models import SavingsPlan
from bettercare.web.programmes.models import Milestone, ReportingPeriod, Risk
from bettercare.web.reporting.common import metric_line
from bettercare.web.reporting.queries import (
    HighlightSnapshot,
    MilestoneRow,
    ProgrammeStatusRow,
    RiskRow,
    SavingsRow,
    highlight_snapshot,
    milestone_row,
    risk_row,
)

STATUS_RANK = {"R": 0, "A": 1, "G": 2}
KEY_RISKS = 5
UPCOMING_MONTHS = 3


def _change(status: str | None, previous: str | None) -> Change | None:
    if status not in STATUS_RANK or previous not in STATUS_RANK:
        return None
    now, before = STATUS_RANK[status], STATUS_RANK[previous]
    return "better" if now > before else "worse" if now < before else "same"


def programme_status_lines(
    rows: tuple[ProgrammeStatusRow, ...],
) -> tuple[ProgrammeStatusLine, ...]:
    return tuple(
        ProgrammeStatusLine(
            dimension=row.dimension,
            label=row.label,
            status=row.status,
            previous=row.previous,
            change=_change(row.status, row.previous),
            summary=row.summary,
        )
        for row in rows
    )


def milestone_line(milestone: Milestone | MilestoneRow, month: Month) -> MilestoneLine:
    row = milestone_row(milestone) if isinstance(milestone, Milestone) else milestone
    slippage = milestone_slippage_days(
        row.baseline_date,
        revised=row.revised_date,
        completed=row.completed_date,
        as_at=month.last_day,
    )
    status = milestone_status(
        slippage,
        completed=row.completed_date is not None and row.completed_date <= month.last_day,
    )
    return MilestoneLine(
        ref=row.ref,
        title=row.title,
        scheme_ref=row.scheme_ref,
        baseline_date=row.baseline_date,
        revised_date=row.revised_date,
        completed_date=row.completed_date,
        slippage_days=slippage,
        status=status,
        comments=row.comments,
        id=row.id,
    )


def risk_line(risk: Risk | RiskRow) -> RiskLine:
    row = risk_row(risk) if isinstance(risk, Risk) else risk
    scored = (
        risk_score(row.likelihood, row.impact)
        if row.likelihood is not None and row.impact is not None
        else None
    )
    return RiskLine(
        ref=row.ref,
        title=row.title,
        description=row.description,
        mitigation=row.mitigation,
        owner=row.owner,
        likelihood=row.likelihood,
        impact=row.impact,
        score=scored.score if scored else None,
        band=scored.band if scored else None,
        previous_score=row.previous_score,
        trend=risk_trend(scored.score, row.previous_score) if scored else None,
        scheme_ref=row.scheme_ref,
        id=row.id,
        rating=row.rating or None,
    )


def savings_line(plan: SavingsPlan | SavingsRow | None, month: Month) -> SavingsLine | None:
    if plan is None:
        return None
    planned = savings_planned_to_date(plan.target, FinancialYear.parse(plan.financial_year), month)
    assessment = assess_savings(
        planned=float(planned) if planned > 0 else None, achieved=float(plan.achieved_to_date)
    )
    return SavingsLine(
        plan.financial_year,
        plan.target,
        plan.achieved_to_date,
        assessment.status,
        assessment.reason,
    )


def highlight_report(snapshot: HighlightSnapshot) -> HighlightReport:
    """The highlight report assembled from its snapshot: core's rules, no database."""
    month = snapshot.month
    milestones = sorted(
        (
            milestone_line(row, month)
            for row in snapshot.milestones
            if milestone_in_report(row.baseline_date, completed=row.completed_date, month=month)
        ),
        key=lambda m: milestone_order(m.scheme_ref, m.baseline_date, m.ref),
    )
    horizon = [month + offset for offset in range(1, UPCOMING_MONTHS + 1)]
    upcoming = [
        line
        for line in milestones
        if line.status != "complete"
        and horizon[0].first_day
        <= (line.revised_date or line.baseline_date)
        <= horizon[-1].last_day
    ]
    upcoming = sorted(upcoming, key=lambda m: m.revised_date or m.baseline_date)
    enablers = {row.ref for row in snapshot.milestones if row.scheme_enabler}
    groups = tuple(
        UpcomingGroup(
            group=group,
            label=ACTIVITY_GROUP_LABELS[group],
            activities=tuple(
                ActivityLine(text, None if due is None else Month.of(due).label)
                for g, text, due in snapshot.activities
                if g == group
            ),
            milestones=tuple(
                line
                for line in upcoming
                if activity_group(line.scheme_ref, enabler=line.ref in enablers) == group
            ),
        )
        for group in ACTIVITY_GROUPS
    )
    risks = sorted(
        (risk_line(row) for row in snapshot.risks),
        key=lambda r: (risk_order(r.score, r.rating), r.ref),
    )
    metrics = [metric_line(row) for row in snapshot.metrics if row.parent_code is None]
    return HighlightReport(
        area=snapshot.area,
        programme_name=snapshot.programme_name,
        period=snapshot.period,
        statuses=programme_status_lines(snapshot.statuses),
        achievements=snapshot.achievements,
        milestones=tuple(milestones),
        upcoming=tuple(upcoming),
        upcoming_months=tuple(m.label for m in horizon),
        metrics=tuple(metrics),
        funding=snapshot.funding,
        funding_year=str(month.financial_year),
        savings=savings_line(snapshot.savings, month),
        risks=tuple(risks[:KEY_RISKS]),
        generated_at=snapshot.taken_at,
        periods=snapshot.periods,
        upcoming_groups=groups,
        plan_finance=plan_finance(snapshot.funding, snapshot.spend),
    )


def stream_line(f: FundingLine) -> FundingStreamLine:
    """A report's funding line as core's pooled-fund rule reads it."""
    return FundingStreamLine(
        f.stream,
        f.budget,
        pooled=f.pooled,
        part_of=f.part_of,
        passported_to=f.passported_to,
        organisation=f.organisation,
    )


def plan_finance(funding: Sequence[FundingLine], spend: Sequence[SpendLine]) -> PlanFinance | None:
    """:func:`plan_money` of a year with funding; None with none (the funding table says
    there is none, and the section is left out)."""
    return plan_money(funding, spend) if funding else None


def plan_money(funding: Sequence[FundingLine], spend: Sequence[SpendLine]) -> PlanFinance:
    """The pooled fund (core's rule: each pound counted once, what is passported shown) and
    its protection split, each with the reason when it cannot be shown, in core's words.

    Funding core cannot read as one pool gives no pool and every problem core finds, joined;
    a spend line of an unknown category, no split and its reason. The import refuses both,
    so they come only from rows written another way: a page or pack then says why the
    section is missing instead of dropping it (ADR 0121).
    """
    lines = [stream_line(f) for f in funding]
    problems = pooled_fund_problems(lines)
    reason = "; ".join(message for _, _, message in problems)
    if not lines:
        reason = "no funding is recorded for the year"
    protection_reason = protection_problem(spend)
    return PlanFinance(
        None if reason else pooled_fund(lines),
        None if protection_reason else protection_split(spend),
        reason=reason,
        protection_reason=protection_reason,
    )


def build_highlight_report(period: ReportingPeriod) -> HighlightReport:
    """The highlight report of ``period``'s area for its month: one pass down, from the
    snapshot (every query) through core's rules to the report model."""
    return highlight_report(highlight_snapshot(period))
