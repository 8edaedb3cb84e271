"""Reads for the API: plain dicts in the shapes of ``schemas``, from the same functions the
pages, the reports and the command line use (so the answers cannot disagree with them).

The callers have already checked the area is one the user may see.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from bettercare.core.ordering import theme_and_ref_key
from bettercare.core.periods import Month
from bettercare.core.rag import DIMENSIONS
from bettercare.reports.model import FundingLine
from bettercare.reports.schemes import SchemeDescriptionLine
from bettercare.web.accounts.access import Access
from bettercare.web.finance.models import Funding, SavingsPlan
from bettercare.web.performance.contract import metric_json
from bettercare.web.performance.queries import area_metric_positions, metric_commentaries
from bettercare.web.programmes.descriptions import describe, with_descriptions
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
)
from bettercare.web.programmes.queries import latest_period
from bettercare.web.reporting.highlight import risk_line

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
