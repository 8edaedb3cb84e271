"""The plan page (seed 002's plan details: the local authority and commissioners, the pooled
budget's minimum and agreed values, Health and Wellbeing Board dates, sign-offs, national
conditions statements, pay for performance) and its one edit: a national condition's met /
not met and statement (ADR 0112)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from bettercare.core.pay_for_performance import PerformancePayment as Payment
from bettercare.core.pay_for_performance import performance_payment
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.plan_details import conditions_line
from bettercare.core.pooled_fund import counted_once, pooled_fund, pooled_fund_problems
from bettercare.web.edits import versioned_edit
from bettercare.web.finance.actions import (
    national_condition_update,
    performance_achieved_update,
)
from bettercare.web.finance.lookups import finance_row, parsed_year
from bettercare.web.finance.models import (
    Funding,
    NationalCondition,
    PayForPerformance,
    PerformancePayment,
    PlanDetails,
    PlanSignOff,
)
from bettercare.web.pages import access_of, area_for, cached_page, render_area_page
from bettercare.web.programmes.models import Area, Programme
from bettercare.web.reporting.highlight import stream_line
from bettercare.web.reporting.queries import funding_line

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PaymentLine:
    """A payment period with what core says is due (None until the reduction is known)."""

    row: PerformancePayment
    payment: Payment | None


def pay_for_performance_of(area: Area, year: str) -> dict[str, Any]:
    """The year's pay-for-performance lines, their totals and the payment periods (two
    queries)."""
    lines = list(PayForPerformance.objects.filter(area=area, financial_year=year))
    payments = [
        PaymentLine(
            p,
            None
            if p.achieved_reduction is None
            else performance_payment(p.available, p.planned_reduction, p.achieved_reduction),
        )
        for p in PerformancePayment.objects.filter(area=area, financial_year=year)
    ]
    return {
        "lines": lines,
        "planned_savings": sum((p.planned_savings for p in lines), ZERO),
        "maximum_support": sum((p.maximum_support for p in lines), ZERO),
        "payments": payments,
    }


@dataclass(frozen=True, slots=True)
class PooledBudget:
    """A year's pooled budget as the plan's summary states it: the minimum required value
    (the pooled streams' minimum contributions, each pound once; None when none is given)
    and the total agreed value (core's pooled fund; None, with core's reason, for funding it
    cannot read as one pool)."""

    year: str
    minimum: Decimal | None
    agreed: Decimal | None
    reason: str = ""


def pooled_budgets(area: Area, year: str) -> list[PooledBudget]:
    """The pooled budget of the plan's year and the next, as the planning template gives both
    (seed 002: 2014/15 and 2015/16), for the years with funding (one query)."""
    first = FinancialYear.parse(year)
    years = [str(first), str(FinancialYear(first.start_year + 1))]
    funding: dict[str, list[Funding]] = {}
    for f in Funding.objects.filter(area=area, financial_year__in=years).order_by("pk"):
        funding.setdefault(f.financial_year, []).append(f)
    budgets = []
    for fy in years:
        rows = funding.get(fy)
        if not rows:
            continue
        pooled = counted_once([f for f in rows if f.pooled])
        minimums = [f.minimum_contribution for f in pooled if f.minimum_contribution is not None]
        lines = [stream_line(funding_line(f)) for f in rows]
        problems = pooled_fund_problems(lines)
        budgets.append(
            PooledBudget(
                fy,
                sum(minimums, ZERO) if minimums else None,
                None if problems else pooled_fund(lines).total,
                "; ".join(message for _, _, message in problems),
            )
        )
    return budgets


def _years(area: Area, current: str) -> list[str]:
    """Every year the area has plan details, sign-offs, conditions or pay for performance for
    (four queries), newest first."""
    years = {current}
    years.update(PlanDetails.objects.filter(area=area).values_list("financial_year", flat=True))
    years.update(PlanSignOff.objects.filter(area=area).values_list("financial_year", flat=True))
    years.update(
        NationalCondition.objects.filter(area=area).values_list("financial_year", flat=True)
    )
    years.update(
        PayForPerformance.objects.filter(area=area).values_list("financial_year", flat=True)
    )
    return sorted(years, reverse=True)


def plan(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    # Everything it shows is the area's (ADR 0142).
    return cached_page(request, [area.pk], lambda: _plan(request, area))


def _plan(request: HttpRequest, area: Area) -> HttpResponse:
    details = PlanDetails.objects.filter(area=area).order_by("-financial_year").first()
    latest = details.financial_year if details else None
    text = request.GET.get("year") or latest
    if text is None:
        text = str(Month.of(timezone.localdate()).financial_year)
    year = str(parsed_year(text))
    if details is None or details.financial_year != year:
        details = PlanDetails.objects.filter(area=area, financial_year=year).first()
    conditions = list(NationalCondition.objects.filter(area=area, financial_year=year))
    return render_area_page(
        request,
        "finance/plan.jinja",
        area,
        "finance",
        {
            "year": year,
            "years": _years(area, year),
            "details": details,
            "programme": Programme.objects.filter(area=area).first(),
            "pooled_budgets": pooled_budgets(area, year),
            "sign_offs": list(PlanSignOff.objects.filter(area=area, financial_year=year)),
            "conditions": conditions,
            "conditions_line": conditions_line([c.met for c in conditions]),
            "pay_for_performance": pay_for_performance_of(area, year),
            "can_edit": access_of(request).can_edit_finance(area),
            "page_title": f"{area.name} plan, {year}",
        },
    )


INCOMPLETE = "Reload the page and make your change again: the form was incomplete"


class ConditionForm(forms.Form):
    met = forms.TypedChoiceField(
        label="Is the condition met?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda answer: answer == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the plan meets the condition"},
    )
    statement = forms.CharField(
        label="Statement", required=False, widget=forms.Textarea, max_length=10_000
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if data.get("met") is False and not (data.get("statement") or "").strip():
            self.add_error("statement", "Enter why the condition is not met and by when it will be")
        return data


def national_condition_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area, condition = finance_row(
        request,
        code,
        NationalCondition,
        pk,
        named="national condition",
        to="change the plan's statements",
    )

    def save(data: dict[str, Any]) -> None:
        national_condition_update(
            condition=condition,
            met=data["met"],
            statement=data["statement"],
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    plan_page = reverse("area-plan", args=[area.code])
    return versioned_edit(
        request,
        area,
        condition,
        form_class=ConditionForm,
        initial=lambda: {
            "met": "yes" if condition.met else "no",
            "statement": condition.statement,
            "version": condition.version,
        },
        save=save,
        saved=f"The statement for {condition.condition} is saved.",
        redirect_to=f"{plan_page}?year={condition.financial_year}",
        template="finance/condition_edit.jinja",
        current_page="finance",
        context={
            "row": condition,
            "page_title": f"{condition.condition}, {condition.financial_year}",
        },
    )


class AchievedForm(forms.Form):
    achieved_reduction = forms.DecimalField(
        label="Reduction achieved",
        required=False,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": "Enter the reduction achieved as a number, like 120 or 87.5",
            "max_decimal_places": "Enter the reduction achieved with at most 2 decimal places",
            "max_digits": "Enter a reduction achieved of less than 10,000,000,000",
            "max_whole_digits": "Enter a reduction achieved of less than 10,000,000,000",
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )


def performance_achieved_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Record the reduction achieved for a payment period of the performance fund (blank: not
    known yet); the payment due is core's, from it (ADR 0112)."""
    area, payment = finance_row(
        request,
        code,
        PerformancePayment,
        pk,
        named="performance payment",
        to="record the reduction achieved",
    )

    def save(data: dict[str, Any]) -> None:
        performance_achieved_update(
            payment=payment,
            achieved_reduction=data["achieved_reduction"],
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    plan_page = reverse("area-plan", args=[area.code])
    return versioned_edit(
        request,
        area,
        payment,
        form_class=AchievedForm,
        initial=lambda: {
            "achieved_reduction": payment.achieved_reduction,
            "version": payment.version,
        },
        save=save,
        saved=f"The reduction achieved for the {payment.period} is saved.",
        redirect_to=f"{plan_page}?year={payment.financial_year}",
        template="finance/achieved_edit.jinja",
        current_page="finance",
        context={"row": payment, "page_title": f"{payment.period}, {payment.financial_year}"},
    )
