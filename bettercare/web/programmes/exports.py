"""Exporting an area's programme as a workbook, in exactly the format that is imported.

The export holds the area, the areas above it (so that the file imports into an empty
bettercare) and below it, and every sheet's rows for those areas, so that import, export
and import again is lossless.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bettercare.core.periods import Month
from bettercare.web.assurance.models import AssuranceRating
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
from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase, MetricValue
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    PlannedActivity,
    ProgrammeStatus,
    Risk,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeStatus,
    Theme,
)
from bettercare.web.programmes.tree import AreaTree
from bettercare.workbook import write_workbook


def _ancestors(area: Area) -> list[Area]:
    """The areas above ``area``, top first (one query)."""
    return list(reversed(Area.objects.select_related("parent").ancestors_of(area)))


def _descendants(area: Area) -> list[Area]:
    """The areas below ``area``, parents first (one query)."""
    return AreaTree.of(Area.objects.select_related("parent").descendants(area)).descendants(area)


def _month(day: Any) -> str:
    return str(Month.of(day))


def workbook_rows(area: Area) -> dict[str, list[dict[str, Any]]]:
    """Every sheet's rows for ``area`` and the areas below it."""
    covered = [area, *_descendants(area)]
    ids = [a.pk for a in covered]
    rows: dict[str, list[dict[str, Any]]] = {}
    rows["programme"] = [
        {
            "area_code": a.code,
            "area_name": a.name,
            "area_type": a.type,
            "parent_code": a.parent.code if a.parent else None,
            "programme_name": getattr(getattr(a, "programme", None), "name", None),
            "local_authority": getattr(getattr(a, "programme", None), "local_authority", None),
            "commissioners": getattr(getattr(a, "programme", None), "commissioners", None),
            "valid_from": a.valid_from,
            "valid_to": a.valid_to,
        }
        for a in [*_ancestors(area), *covered]
    ]
    rows["funding"] = [
        {
            "area_code": f.area.code,
            "financial_year": f.financial_year,
            "stream": f.stream,
            "organisation": f.organisation,
            "budget": f.budget,
            "minimum_contribution": f.minimum_contribution,
            "forecast_outturn": f.forecast_outturn,
            "as_at": f.as_at,
            "pooled": f.pooled,
            "part_of": f.part_of,
            "passported_to": f.passported_to,
        }
        for f in Funding.objects.filter(area_id__in=ids).select_related("area")
    ]
    rows["savings"] = [
        {
            "area_code": s.area.code,
            "financial_year": s.financial_year,
            "target": s.target,
            "achieved_to_date": s.achieved_to_date,
            "as_at": s.as_at,
        }
        for s in SavingsPlan.objects.filter(area_id__in=ids).select_related("area")
    ]
    rows["themes"] = [
        {"area_code": t.area.code, "code": t.code, "name": t.name, "priority": t.priority}
        for t in Theme.objects.filter(area_id__in=ids).select_related("area")
    ]
    schemes = (
        Scheme.objects.filter(area_id__in=ids)
        .select_related("area", "theme")
        .prefetch_related("metrics")
    )
    rows["schemes"] = [
        {
            "area_code": s.area.code,
            "ref": s.ref,
            "name": s.name,
            "theme_code": s.theme.code if s.theme else None,
            "lead": s.lead,
            "enabler": s.enabler,
            "start_date": s.start_date,
            "description": s.description,
            "metrics_impacted": tuple(sorted(m.code for m in s.metrics.all())),
            "strategic_objective": s.strategic_objective,
            "target_cohorts": s.target_cohorts,
            "evidence_base": s.evidence_base,
            "outcomes": s.outcomes,
            "success_factors": s.success_factors,
        }
        for s in schemes
    ]
    rows["scheme_delivery_chain"] = [
        {
            "area_code": p.scheme.area.code,
            "scheme_ref": p.scheme.ref,
            "organisation": p.organisation,
            "role": p.role,
            "responsibility": p.responsibility,
        }
        for p in SchemeDeliveryPartner.objects.filter(scheme__area_id__in=ids)
        .select_related("scheme__area")
        .order_by("scheme_id", "position", "id")
    ]
    rows["scheme_investment"] = [
        {
            "area_code": i.scheme.area.code,
            "scheme_ref": i.scheme.ref,
            "financial_year": i.financial_year,
            "amount": i.amount,
        }
        for i in SchemeInvestment.objects.filter(scheme__area_id__in=ids).select_related(
            "scheme__area"
        )
    ]
    rows["scheme_kpis"] = [
        {
            "area_code": k.scheme.area.code,
            "scheme_ref": k.scheme.ref,
            "kpi": k.name,
            "level": k.level,
            "target": k.target,
            "unit": k.unit,
            "cadence": k.cadence,
            "reported_to": k.reported_to,
        }
        for k in SchemeKpi.objects.filter(scheme__area_id__in=ids)
        .select_related("scheme__area")
        .order_by("scheme_id", "position", "id")
    ]
    rows["scheme_finance"] = [
        {
            "area_code": f.scheme.area.code,
            "scheme_ref": f.scheme.ref,
            "financial_year": f.financial_year,
            "line": f.line,
            "recurrent": f.recurrent,
            "non_recurrent": f.non_recurrent,
            "protection": f.protection,
        }
        for f in SchemeFinance.objects.filter(scheme__area_id__in=ids).select_related(
            "scheme__area"
        )
    ]
    values = MetricValue.objects.filter(area_id__in=ids).select_related("area", "metric")
    rows["metric_values"] = [
        {
            "area_code": v.area.code,
            "metric_code": v.metric.code,
            "period_start": v.period_start,
            "period_end": v.period_end,
            "kind": v.kind,
            "numerator": v.numerator,
            "denominator": v.denominator,
            "value": v.value,
            "note": v.note,
            "source": v.source,
            "sum_of_squares": v.sum_of_squares,
        }
        for v in values
    ]
    commentaries = (
        MetricCommentary.objects.filter(area_id__in=ids)
        .exclude(commentary="")
        .select_related("area", "metric")
    )
    rows["metric_commentary"] = [
        {
            "area_code": c.area.code,
            "metric_code": c.metric.code,
            "period": _month(c.month),
            "commentary": c.commentary,
        }
        for c in commentaries
    ]
    rebases = MetricRebase.objects.filter(area_id__in=ids).select_related("area", "metric")
    rows["spc_rebase"] = [
        {
            "area_code": r.area.code,
            "metric_code": r.metric.code,
            "period": _month(r.month),
            "reason": r.reason,
        }
        for r in rebases
    ]
    used = (
        {v.metric_id for v in values}
        | {m.pk for s in schemes for m in s.metrics.all()}
        | {c.metric_id for c in commentaries}
        | {r.metric_id for r in rebases}
    )
    local = list(Metric.objects.filter(pk__in=used, is_national=False).select_related("parent"))
    # Every local ancestor too (not only parents), so that the file imports into an empty
    # bettercare.
    parents: set[Metric] = set()
    ancestors = [m.parent for m in local]
    while ancestors:
        parent = ancestors.pop()
        if parent is not None and not parent.is_national and parent not in parents:
            parents.add(parent)
            ancestors.append(parent.parent)
    rows["metrics"] = [
        {
            "code": m.code,
            "name": m.name,
            "unit": m.unit,
            "multiplier": m.multiplier,
            "polarity": m.polarity,
            "frequency": m.frequency,
            "parent_code": m.parent.code if m.parent else None,
            "description": m.description,
        }
        for m in sorted(set(local) | parents, key=lambda m: m.code)
    ]
    rows["milestones"] = [
        {
            "area_code": m.area.code,
            "ref": m.ref,
            "scheme_ref": m.scheme.ref if m.scheme else None,
            "title": m.title,
            "baseline_date": m.baseline_date,
            "revised_date": m.revised_date,
            "completed_date": m.completed_date,
            "comments": m.comments,
        }
        for m in Milestone.objects.filter(area_id__in=ids).select_related("area", "scheme")
    ]
    rows["risks"] = [
        {
            "area_code": r.area.code,
            "ref": r.ref,
            "title": r.title,
            "description": r.description,
            "mitigation": r.mitigation,
            "owner": r.owner,
            "likelihood": r.likelihood,
            "impact": r.impact,
            "previous_score": r.previous_score,
            "rating": r.get_rating_display() if r.rating else None,
            "scheme_ref": r.scheme.ref if r.scheme else None,
            "as_at": r.as_at,
        }
        for r in Risk.objects.filter(area_id__in=ids).select_related("area", "scheme")
    ]
    rows["status_updates"] = [
        {
            "area_code": s.period.area.code,
            "period": _month(s.period.month),
            "scheme_ref": s.scheme.ref,
            "dimension": s.dimension,
            "status": s.status,
            "commentary": s.commentary,
            "additional_information": s.additional_information,
            "start_date": s.start_date,
            "forecast_outturn": s.forecast_outturn,
            "savings_achieved": s.savings_achieved,
        }
        for s in SchemeStatus.objects.filter(period__area_id__in=ids).select_related(
            "period__area", "scheme"
        )
    ]
    rows["programme_status"] = [
        {
            "area_code": s.period.area.code,
            "period": _month(s.period.month),
            "dimension": s.dimension,
            "status": s.status,
            "summary": s.summary,
        }
        for s in ProgrammeStatus.objects.filter(period__area_id__in=ids).select_related(
            "period__area"
        )
    ]
    rows["achievements"] = [
        {"area_code": a.period.area.code, "period": _month(a.period.month), "text": a.text}
        for a in Achievement.objects.filter(period__area_id__in=ids).select_related("period__area")
    ]
    rows["planned_activities"] = [
        {
            "area_code": a.period.area.code,
            "period": _month(a.period.month),
            "group": a.group,
            "text": a.text,
            "month": None if a.month is None else _month(a.month),
        }
        for a in PlannedActivity.objects.filter(period__area_id__in=ids).select_related(
            "period__area"
        )
    ]
    rows["assurance"] = [
        {
            "area_code": r.area.code,
            "round": r.round,
            "criterion": r.criterion,
            "status": r.status,
            "comment": r.comment,
            "qualified": r.qualified,
            "footnote": r.footnote,
        }
        for r in AssuranceRating.objects.filter(area_id__in=ids).select_related("area")
    ]
    rows.update(_plan_rows(ids))
    return rows


def _plan_rows(ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """Pay for performance and the plan's details (ADR 0112)."""

    def year_of(row: Any) -> dict[str, Any]:
        return {"area_code": row.area.code, "financial_year": row.financial_year}

    def plain(number: Decimal | None) -> Decimal | None:
        # the workbook holds 12 and 52, not 12.00 and 52.00
        return None if number is None else number.normalize() + 0

    return {
        "pay_for_performance": [
            {
                **year_of(p),
                "metric": p.metric,
                "planned_savings": p.planned_savings,
                "maximum_support": p.maximum_support,
                "ongoing_savings": p.ongoing_savings,
                "ongoing_support": p.ongoing_support,
                "reduction": plain(p.reduction),
                "unit_cost": p.unit_cost,
                "periods": plain(p.periods),
                "basis": p.basis,
            }
            for p in PayForPerformance.objects.filter(area_id__in=ids).select_related("area")
        ],
        "performance_payments": [
            {
                **year_of(p),
                "period": p.period,
                "covers": p.covers,
                "available": p.available,
                "planned_reduction": plain(p.planned_reduction),
                "achieved_reduction": plain(p.achieved_reduction),
            }
            for p in PerformancePayment.objects.filter(area_id__in=ids).select_related("area")
        ],
        "plan_details": [
            {
                **year_of(p),
                "hwb_agreed_on": p.hwb_agreed_on,
                "hwb_note": p.hwb_note,
                "submitted_on": p.submitted_on,
                "approved_on": p.approved_on,
            }
            for p in PlanDetails.objects.filter(area_id__in=ids).select_related("area")
        ],
        "plan_sign_offs": [
            {
                **year_of(s),
                "on_behalf_of": s.on_behalf_of,
                "signed_by": s.signed_by,
                "position": s.position,
                "signed_on": s.signed_on,
            }
            for s in PlanSignOff.objects.filter(area_id__in=ids).select_related("area")
        ],
        "national_conditions": [
            {**year_of(c), "condition": c.condition, "met": c.met, "statement": c.statement}
            for c in NationalCondition.objects.filter(area_id__in=ids).select_related("area")
        ],
    }


def export_workbook(area: Area, path: Path) -> Path:
    """Write ``area``'s workbook to ``path`` (``.xlsx``, or a folder of CSVs)."""
    return write_workbook(path, workbook_rows(area))
