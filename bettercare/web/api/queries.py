"""Reads for the API: plain dicts in the shapes of ``schemas``, from the same functions the
pages, the reports and the command line use (so the answers cannot disagree with them).

The callers have already checked the area is one the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models

from bettercare.core.milestones import ACTIVITY_GROUP_LABELS, ACTIVITY_GROUPS
from bettercare.core.ordering import theme_and_ref_key
from bettercare.core.pay_for_performance import performance_payment
from bettercare.core.periods import Month
from bettercare.core.plan_details import conditions_line
from bettercare.core.pooled_fund import SpendLine
from bettercare.core.rag import DIMENSIONS
from bettercare.reports.model import FundingLine
from bettercare.reports.schemes import SchemeDescriptionLine
from bettercare.web.accounts.access import Access
from bettercare.web.finance.models import (
    Funding,
    NationalCondition,
    PayForPerformance,
    PerformancePayment,
    PlanDetails,
    PlanSignOff,
    SavingsPlan,
    SchemeFinance,
)
from bettercare.web.performance.contract import metric_json
from bettercare.web.performance.queries import area_metric_positions, metric_commentaries
from bettercare.web.programmes.descriptions import describe, with_descriptions
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    PlannedActivity,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
)
from bettercare.web.programmes.queries import latest_period
from bettercare.web.reporting.highlight import plan_money, risk_line
from bettercare.web.reporting.queries import funding_line

PENNY = Decimal("0.01")


def money(value: Decimal | None) -> float | None:
    """Pounds as a JSON number rounded to the penny (``None`` stays ``None``)."""
    if value is None:
        return None
    return float(Decimal(value).quantize(PENNY, rounding=ROUND_HALF_UP))


def latest_month(area: Area) -> Month:
    """The month shown by default: as on the pages (:func:`latest_period`)."""
    return latest_period(area).reporting_month


def visible_areas(access: Access) -> list[dict[str, Any]]:
    return [
        {
            "code": area.code,
            "name": area.name,
            "type": area.type,
            "parent": area.parent.code if area.parent else None,
            "is_demo": area.is_demo,
        }
        for area in sorted(access.visible_areas(), key=lambda a: a.code)
    ]


def area_metrics(area: Area, month: Month) -> list[dict[str, Any]]:
    """Exactly what ``bettercare metrics --area CODE --period YYYY-MM --format json`` prints."""
    notes = metric_commentaries(area, month)
    return [
        metric_json(position, notes.get(metric.code))
        for metric, position in area_metric_positions(area, month)
    ]


def _dimension(status: SchemeStatus | None) -> dict[str, Any] | None:
    if status is None:
        return None
    return {
        "status": status.status,
        "commentary": status.commentary,
        "additional_information": status.additional_information,
        "start_date": status.start_date,
        "forecast_outturn": money(status.forecast_outturn),
        "savings_achieved": money(status.savings_achieved),
    }


def scheme_description_json(line: SchemeDescriptionLine) -> dict[str, Any]:
    """A scheme's description as the API gives it."""
    return {
        "strategic_objective": line.strategic_objective,
        "overview": line.overview,
        "target_cohorts": list(line.target_cohorts),
        "delivery_chain": [
            {"organisation": p.organisation, "role": p.role, "responsibility": p.responsibility}
            for p in line.delivery_chain
        ],
        "evidence_base": line.evidence_base,
        "investment": [
            {"financial_year": i.financial_year, "amount": money(i.amount)}
            for i in line.investments
        ],
        "metrics_impacted": [
            {"code": m.code, "name": m.name, "national": m.national} for m in line.metrics
        ],
        "outcomes": line.outcomes,
        "local_kpis": [
            {
                "name": k.name,
                "level": k.level,
                "target": None if k.target is None else float(k.target),
                "unit": k.unit,
                "cadence": k.cadence,
                "reported_to": k.reported_to,
            }
            for k in line.kpis
        ],
        "success_factors": list(line.success_factors),
    }


def area_schemes(period: ReportingPeriod) -> list[dict[str, Any]]:
    """Each scheme of the period's area (by theme, then reference) with its return and its
    description."""
    schemes = sorted(
        with_descriptions(Scheme.objects.filter(area_id=period.area_id)),
        key=lambda s: theme_and_ref_key(s.theme.code if s.theme else None, s.ref),
    )
    statuses: dict[int, dict[str, SchemeStatus]] = defaultdict(dict)
    for status in SchemeStatus.objects.filter(
        period__area_id=period.area_id, period__month=period.month
    ):
        statuses[status.scheme_id][status.dimension] = status
    return [
        {
            "period": str(period.reporting_month),
            "period_state": period.state,
            "ref": scheme.ref,
            "name": scheme.name,
            "theme": scheme.theme.code if scheme.theme else None,
            "theme_name": scheme.theme.name if scheme.theme else None,
            "lead": scheme.lead,
            "enabler": scheme.enabler,
            "statuses": {d: _dimension(statuses[scheme.pk].get(d)) for d in DIMENSIONS},
            "description": scheme_description_json(describe(scheme)),
        }
        for scheme in schemes
    ]


def area_milestones(area: Area, month: Month) -> list[dict[str, Any]]:
    """Each milestone with its slippage and status at the end of ``month``."""
    milestones = Milestone.objects.filter(area=area).select_related("scheme")
    return [
        {
            "ref": m.ref,
            "title": m.title,
            "scheme": m.scheme.ref if m.scheme else None,
            "baseline_date": m.baseline_date,
            "revised_date": m.revised_date,
            "completed_date": m.completed_date,
            "as_at": month.last_day,
            "slippage_days": m.slippage_days(month.last_day),
            "status": m.status_at(month.last_day),
            "comments": m.comments,
        }
        for m in milestones
        if m.in_report(month)
    ]


def area_planned_activities(period: ReportingPeriod) -> list[dict[str, Any]]:
    """The period's planned activities, group by group in the seed's order."""
    planned = list(PlannedActivity.objects.filter(period=period)) if period.is_recorded else []
    return [
        {
            "group": a.group,
            "group_label": ACTIVITY_GROUP_LABELS[a.group],
            "text": a.text,
            "month": None if a.month is None else f"{a.month:%Y-%m}",
        }
        for group in ACTIVITY_GROUPS
        for a in planned
        if a.group == group
    ]


def area_risks(area: Area) -> list[dict[str, Any]]:
    """The risk register in order of reference: scored on the 5x5 matrix, rated by the plan,
    both or neither."""
    risks = Risk.objects.filter(area=area).select_related("scheme").order_by("ref")
    answer = []
    for risk in risks:
        line = risk_line(risk)
        answer.append(
            {
                "ref": line.ref,
                "title": line.title,
                "description": line.description,
                "mitigation": line.mitigation,
                "owner": line.owner,
                "likelihood": line.likelihood,
                "impact": line.impact,
                "score": line.score,
                "band": line.band,
                "rating": line.rating,
                "previous_score": line.previous_score,
                "trend": line.trend,
                "scheme": line.scheme_ref,
                "as_at": risk.as_at,
            }
        )
    return answer


def area_finance(area: Area) -> dict[str, Any]:
    """The funding streams by year (with their variance) and the savings plan of each year."""
    funding = []
    for row in Funding.objects.filter(area=area).order_by(
        "financial_year", "stream", "organisation"
    ):
        line = FundingLine(row.stream, row.organisation, row.budget, row.forecast_outturn)
        funding.append(
            {
                "financial_year": row.financial_year,
                "stream": row.stream,
                "organisation": row.organisation,
                "budget": money(row.budget),
                "minimum_contribution": money(row.minimum_contribution),
                "forecast_outturn": money(row.forecast_outturn),
                "variance": money(line.variance),
                "as_at": row.as_at,
            }
        )
    savings = [
        {
            "financial_year": plan.financial_year,
            "target": money(plan.target),
            "achieved_to_date": money(plan.achieved_to_date),
            "as_at": plan.as_at,
        }
        for plan in SavingsPlan.objects.filter(area=area).order_by("financial_year")
    ]
    return {"funding": funding, "savings_plans": savings}


def area_plans(area: Area) -> list[dict[str, Any]]:
    """Each year's pooled fund (core's rule), protection split, plan details and pay for
    performance (ADR 0112): eight queries, whatever the number of years."""
    by_year: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for row in Funding.objects.filter(area=area).order_by("financial_year", "stream"):
        by_year[row.financial_year]["funding"].append(funding_line(row))
    for line in SchemeFinance.objects.filter(scheme__area=area, line=SchemeFinance.Line.SPEND):
        by_year[line.financial_year]["spend"].append(
            SpendLine("spend", line.total, line.protection)
        )
    details = {d.financial_year: d for d in PlanDetails.objects.filter(area=area)}
    plan_rows: tuple[tuple[str, models.QuerySet[Any]], ...] = (
        ("sign_offs", PlanSignOff.objects.filter(area=area)),
        ("conditions", NationalCondition.objects.filter(area=area)),
        ("p4p", PayForPerformance.objects.filter(area=area)),
        ("payments", PerformancePayment.objects.filter(area=area)),
    )
    for key, queryset in plan_rows:
        for plan_row in queryset:
            by_year[plan_row.financial_year][key].append(plan_row)
    for year in details:
        by_year[year]["sign_offs"]  # a year with only its dates is a year
    answer = []
    for year in sorted(by_year):
        rows = by_year[year]
        money_of_year = plan_money(rows["funding"], rows["spend"])
        pool, split = money_of_year.pool, money_of_year.protection
        plan = details.get(year)
        answer.append(
            {
                "financial_year": year,
                "pooled_fund": money(pool.total) if pool else None,
                "retained": money(pool.retained) if pool else None,
                "passported": [
                    {"stream": p.stream, "to": p.to, "amount": money(p.amount)}
                    for p in (pool.passported if pool else ())
                ],
                "outside_pool": [
                    {"stream": o.stream, "amount": money(o.budget)}
                    for o in (pool.outside if pool else ())
                ],
                "pooled_fund_not_shown": money_of_year.pool_sentence,
                "protection": [
                    {"category": s.category, "label": s.label, "amount": money(s.amount)}
                    for s in split.shares
                ]
                if split is not None and split.any
                else [],
                "protection_not_shown": money_of_year.protection_sentence,
                "hwb_agreed_on": plan.hwb_agreed_on if plan else None,
                "hwb_note": plan.hwb_note if plan else "",
                "submitted_on": plan.submitted_on if plan else None,
                "approved_on": plan.approved_on if plan else None,
                "national_conditions_summary": conditions_line([c.met for c in rows["conditions"]]),
                "sign_offs": [
                    {
                        "on_behalf_of": s.on_behalf_of,
                        "signed_by": s.signed_by,
                        "position": s.position,
                        "signed_on": s.signed_on,
                    }
                    for s in rows["sign_offs"]
                ],
                "national_conditions": [
                    {"condition": c.condition, "met": c.met, "statement": c.statement}
                    for c in rows["conditions"]
                ],
                "pay_for_performance": [
                    {
                        "metric": p.metric,
                        "planned_savings": money(p.planned_savings),
                        "maximum_support": money(p.maximum_support),
                        "ongoing_savings": money(p.ongoing_savings),
                        "ongoing_support": money(p.ongoing_support),
                        "basis": p.basis,
                    }
                    for p in rows["p4p"]
                ],
                "performance_payments": [
                    {
                        "period": p.period,
                        "covers": p.covers,
                        "available": money(p.available),
                        "planned_reduction": float(p.planned_reduction),
                        "achieved_reduction": None
                        if p.achieved_reduction is None
                        else float(p.achieved_reduction),
                        "due": None
                        if p.achieved_reduction is None
                        else money(
                            performance_payment(
                                p.available, p.planned_reduction, p.achieved_reduction
                            ).due
                        ),
                    }
                    for p in rows["payments"]
                ],
            }
        )
    return answer
