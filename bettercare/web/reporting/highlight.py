"""Building the programme highlight report for an area and month from the database."""

from __future__ import annotations

from django.utils import timezone

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import (
    assess_savings,
    risk_order,
    risk_score,
    risk_trend,
    savings_planned_to_date,
)
from bettercare.reports.model import (
    Change,
    FundingLine,
    HighlightReport,
    MilestoneLine,
    ProgrammeStatusLine,
    RiskLine,
    SavingsLine,
)
from bettercare.web.finance.models import Funding, SavingsPlan
from bettercare.web.programmes.models import (
    Achievement,
    Milestone,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
)
from bettercare.web.reporting.common import area_ref, metric_lines, period_ref

STATUS_RANK = {"R": 0, "A": 1, "G": 2}
KEY_RISKS = 5
UPCOMING_MONTHS = 3


def _change(status: str | None, previous: str | None) -> Change | None:
    if status not in STATUS_RANK or previous not in STATUS_RANK:
        return None
    now, before = STATUS_RANK[status], STATUS_RANK[previous]
    return "better" if now > before else "worse" if now < before else "same"


def programme_status_lines(period: ReportingPeriod) -> tuple[ProgrammeStatusLine, ...]:
    previous_month = period.reporting_month - 1
    statuses = {
        (s.period.month, s.dimension): s
        for s in ProgrammeStatus.objects.filter(
            period__area_id=period.area_id,
            period__month__in=[period.month, previous_month.first_day],
        ).select_related("period")
    }
    lines = []
    for dimension, label in ProgrammeStatus.Dimension.choices:
        now = statuses.get((period.month, dimension))
        before = statuses.get((previous_month.first_day, dimension))
        lines.append(
            ProgrammeStatusLine(
                dimension=dimension,
                label=label,
                status=now.status if now else None,
                previous=before.status if before else None,
                change=_change(now.status if now else None, before.status if before else None),
                summary=now.summary if now else "",
            )
        )
    return tuple(lines)


def milestone_line(milestone: Milestone, month: Month) -> MilestoneLine:
    slippage = milestone.slippage_days(month.last_day)
    status = milestone.status_at(month.last_day)
    return MilestoneLine(
        ref=milestone.ref,
        title=milestone.title,
        scheme_ref=milestone.scheme.ref if milestone.scheme else None,
        baseline_date=milestone.baseline_date,
        revised_date=milestone.revised_date,
        completed_date=milestone.completed_date,
        slippage_days=slippage,
        status=status,
        comments=milestone.comments,
        id=milestone.pk,
    )


def risk_line(risk: Risk) -> RiskLine:
    scored = (
        risk_score(risk.likelihood, risk.impact)
        if risk.likelihood is not None and risk.impact is not None
        else None
    )
    return RiskLine(
        ref=risk.ref,
        title=risk.title,
        description=risk.description,
        mitigation=risk.mitigation,
        owner=risk.owner,
        likelihood=risk.likelihood,
        impact=risk.impact,
        score=scored.score if scored else None,
        band=scored.band if scored else None,
        previous_score=risk.previous_score,
        trend=risk_trend(scored.score, risk.previous_score) if scored else None,
        scheme_ref=risk.scheme.ref if risk.scheme else None,
        id=risk.pk,
        rating=risk.rating or None,
    )


def savings_line(plan: SavingsPlan | None, month: Month) -> SavingsLine | None:
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


def build_highlight_report(period: ReportingPeriod) -> HighlightReport:
    """The highlight report of ``period``'s area for its month."""
    area = period.area
    month = period.reporting_month
    year = str(month.financial_year)
    milestones = [
        milestone_line(m, month)
        for m in Milestone.objects.filter(area=area).select_related("scheme")
    ]
    horizon = [month + offset for offset in range(1, UPCOMING_MONTHS + 1)]
    upcoming = [
        line
        for line in milestones
        if line.status != "complete"
        and horizon[0].first_day
        <= (line.revised_date or line.baseline_date)
        <= horizon[-1].last_day
    ]
    risks = sorted(
        (risk_line(r) for r in Risk.objects.filter(area=area).select_related("scheme")),
        key=lambda r: (risk_order(r.score, r.rating), r.ref),
    )
    programme = getattr(area, "programme", None)
    metrics = [line for line in metric_lines(area, month) if line.parent_code is None]
    return HighlightReport(
        area=area_ref(area),
        programme_name=programme.name if programme else area.name,
        period=period_ref(period),
        statuses=programme_status_lines(period),
        achievements=tuple(
            Achievement.objects.filter(
                period__area_id=period.area_id, period__month=period.month
            ).values_list("text", flat=True)
        ),
        milestones=tuple(line for line in milestones if line.scheme_ref is None)
        or tuple(milestones),
        upcoming=tuple(sorted(upcoming, key=lambda m: m.revised_date or m.baseline_date)),
        upcoming_months=tuple(m.label for m in horizon),
        metrics=tuple(metrics),
        funding=tuple(
            FundingLine(f.stream, f.organisation, f.budget, f.forecast_outturn)
            for f in Funding.objects.filter(area=area, financial_year=year)
        ),
        funding_year=year,
        savings=savings_line(
            SavingsPlan.objects.filter(area=area, financial_year=year).first(), month
        ),
        risks=tuple(risks[:KEY_RISKS]),
        generated_at=timezone.localtime(),
        periods=tuple(
            period_ref(p) for p in ReportingPeriod.objects.filter(area=area).order_by("-month")
        ),
    )
