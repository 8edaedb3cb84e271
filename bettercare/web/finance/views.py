"""The finance page (funding streams, scheme spend and benefits, the savings plan) and the
finance lead's two edits: a funding stream's forecast outturn and the savings achieved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from bettercare.charts import bar_comparison, progress_bar
from bettercare.core.ordering import natural_key
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.pooled_fund import SpendLine, counted_once
from bettercare.web.edits import versioned_edit
from bettercare.web.finance.actions import funding_forecast_update, savings_achieved_update
from bettercare.web.finance.lookups import finance_row, year_asked
from bettercare.web.finance.models import Funding, PayForPerformance, SavingsPlan, SchemeFinance
from bettercare.web.finance.plan_views import pay_for_performance_of
from bettercare.web.pages import area_for, cached_page, render_area_page
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.returns import MoneyField
from bettercare.web.reporting import cached
from bettercare.web.reporting.highlight import plan_finance, savings_line
from bettercare.web.reporting.queries import funding_line

ZERO = Decimal(0)


@dataclass
class SpendAndBenefit:
    """One scheme's (or the programme's) spend and benefit lines for a year."""

    label: str
    spend: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO])
    benefit: list[Decimal] = field(default_factory=lambda: [ZERO, ZERO])

    def add(self, line: str, recurrent: Decimal, non_recurrent: Decimal) -> None:
        target = self.spend if line == SchemeFinance.Line.SPEND else self.benefit
        target[0] += recurrent
        target[1] += non_recurrent

    @property
    def spend_total(self) -> Decimal:
        return self.spend[0] + self.spend[1]

    @property
    def benefit_total(self) -> Decimal:
        return self.benefit[0] + self.benefit[1]


def _latest_month(area: Area, today: Month) -> Month:
    latest = ReportingPeriod.objects.filter(area=area).order_by("-month").first()
    return latest.reporting_month if latest else today


def _as_at(year: FinancialYear, latest: Month) -> Month:
    """The month the savings plan is judged at: the latest period, within the year asked."""
    if latest < year.first_month:
        return year.first_month
    return min(latest, year.first_month + 11)


def finance(request: HttpRequest, code: str) -> HttpResponse:
    """The finance page of a year (the latest period's by default): everything it shows of the
    area's money, read and computed once per version of the area's data (ADR 0102, ADR 0121)
    and kept in the cache, so a cached page reads only the session, the area and the token."""
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _finance(request, area))


def _finance(request: HttpRequest, area: Area) -> HttpResponse:
    asked = year_asked(request)
    today = Month.of(timezone.localdate())
    context = cached.versioned(
        f"value:finance:{area.pk}:{asked or 'latest'}:{today}",
        [area.pk],
        lambda: finance_context(area, asked, today),
    )
    return render_area_page(request, "finance/finance.jinja", area, "finance", context)


def finance_context(area: Area, asked: FinancialYear | None, today: Month) -> dict[str, Any]:
    """What the finance page shows of ``area``'s money for the year asked (None: the latest
    period's, or ``today``'s with no period): every query of the page but the session's, the
    area's and the cache's."""
    latest = _latest_month(area, today)
    year = asked or latest.financial_year
    fy = str(year)
    funding = list(Funding.objects.filter(area=area, financial_year=fy))
    counted = counted_once(funding)
    budget = sum((f.budget for f in counted), ZERO)
    forecasts = [f.forecast_outturn for f in counted]
    forecast = sum((f for f in forecasts if f is not None), ZERO)
    all_forecast = bool(counted) and all(f is not None for f in forecasts)
    funding_chart = None
    if funding:
        funding_chart = bar_comparison(
            [(_stream(f), f.budget, f.forecast_outturn) for f in funding],
            title=f"{area.name} funding streams, {fy}: budget and forecast outturn",
        )

    lines = list(
        SchemeFinance.objects.filter(scheme__area=area)
        .select_related("scheme")
        .order_by("financial_year", "scheme__ref", "line")
    )
    by_year: dict[str, SpendAndBenefit] = {}
    schemes: dict[int, SpendAndBenefit] = {}
    refs: dict[int, str] = {}
    total = SpendAndBenefit("Total")
    for line in lines:
        by_year.setdefault(line.financial_year, SpendAndBenefit(line.financial_year)).add(
            line.line, line.recurrent, line.non_recurrent
        )
        if line.financial_year == fy:
            scheme = line.scheme
            refs[scheme.pk] = scheme.ref
            schemes.setdefault(scheme.pk, SpendAndBenefit(f"{scheme.ref}: {scheme.name}")).add(
                line.line, line.recurrent, line.non_recurrent
            )
            total.add(line.line, line.recurrent, line.non_recurrent)

    plan = SavingsPlan.objects.filter(area=area, financial_year=fy).first()
    as_at = _as_at(year, latest)
    savings = savings_line(plan, as_at)
    savings_chart = None
    if plan is not None and plan.target > 0:
        savings_chart = progress_bar(
            plan.achieved_to_date,
            plan.target,
            title=f"Savings achieved against the {fy} plan",
            id_prefix="savings",
        )
    return {
        "year": fy,
        "years": _years(area, fy),
        "funding": funding,
        "funding_total": {
            "budget": budget,
            "minimum": sum((f.minimum_contribution or ZERO for f in counted), ZERO),
            "forecast": forecast if all_forecast else None,
            "variance": forecast - budget if all_forecast else None,
        },
        "funding_chart": funding_chart,
        "plan_finance": plan_finance(
            [funding_line(f) for f in funding],
            [
                SpendLine("spend", line.total, line.protection)
                for line in lines
                if line.financial_year == fy and line.line == SchemeFinance.Line.SPEND
            ],
        ),
        "pay_for_performance": pay_for_performance_of(area, fy),
        "schemes": [schemes[pk] for pk in sorted(schemes, key=lambda pk: natural_key(refs[pk]))],
        "scheme_total": total,
        "by_year": [by_year[y] for y in sorted(by_year)],
        "plan": plan,
        "savings": savings,
        "savings_chart": savings_chart,
        "as_at": as_at,
        "page_title": f"{area.name} finance, {fy}",
    }


def _stream(funding: Funding) -> str:
    return f"{funding.stream} ({funding.organisation})" if funding.organisation else funding.stream


def _years(area: Area, current: str) -> list[str]:
    """Every financial year the area has money recorded for, newest first (four queries)."""
    years = {current}
    years.update(Funding.objects.filter(area=area).values_list("financial_year", flat=True))
    years.update(SavingsPlan.objects.filter(area=area).values_list("financial_year", flat=True))
    years.update(
        PayForPerformance.objects.filter(area=area).values_list("financial_year", flat=True)
    )
    years.update(
        SchemeFinance.objects.filter(scheme__area=area).values_list("financial_year", flat=True)
    )
    return sorted(years, reverse=True)


# -- edits -----------------------------------------------------------------------------------

INCOMPLETE = "Reload the page and make your change again: the form was incomplete"


def version_field() -> forms.IntegerField:
    """The row version the form was opened at, to detect someone else saving first."""
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )


class FundingForm(forms.Form):
    forecast_outturn = MoneyField(required=False, label="Forecast outturn for the year")
    version = version_field()


class SavingsForm(forms.Form):
    achieved_to_date = MoneyField(
        label="Savings achieved to date",
        error_messages={"required": "Enter the savings achieved to date, like £250,000"},
    )
    version = version_field()

    def clean_achieved_to_date(self) -> Decimal:
        amount: Decimal = self.cleaned_data["achieved_to_date"]
        if amount < 0:
            raise forms.ValidationError("The savings achieved must be £0 or more")
        return amount


def _edit(
    request: HttpRequest,
    area: Area,
    row: Funding | SavingsPlan,
    *,
    form_class: type[forms.Form],
    name: str,
    save: Callable[[dict[str, Any]], object],
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """One finance figure's form (see :func:`bettercare.web.edits.versioned_edit`)."""
    finance_page = reverse("area-finance", args=[area.code])
    return versioned_edit(
        request,
        area,
        row,
        form_class=form_class,
        initial=lambda: {name: getattr(row, name), "version": row.version},
        save=save,
        saved=f"{form_class.base_fields[name].label} is saved.",
        redirect_to=f"{finance_page}?year={row.financial_year}",
        template=template,
        current_page="finance",
        context={"row": row, **context},
    )


def funding_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area, funding = finance_row(
        request, code, Funding, pk, named="funding line", to="change the finance figures"
    )

    def save(data: dict[str, Any]) -> None:
        funding_forecast_update(
            funding=funding,
            forecast_outturn=data["forecast_outturn"],
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    return _edit(
        request,
        area,
        funding,
        form_class=FundingForm,
        name="forecast_outturn",
        save=save,
        template="finance/funding_edit.jinja",
        context={
            "stream": _stream(funding),
            "page_title": f"Forecast outturn: {_stream(funding)}, {funding.financial_year}",
        },
    )


def savings_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area, plan = finance_row(
        request, code, SavingsPlan, pk, named="savings plan", to="change the finance figures"
    )

    def save(data: dict[str, Any]) -> None:
        savings_achieved_update(
            plan=plan,
            achieved_to_date=data["achieved_to_date"],
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    return _edit(
        request,
        area,
        plan,
        form_class=SavingsForm,
        name="achieved_to_date",
        save=save,
        template="finance/savings_edit.jinja",
        context={"page_title": f"Savings achieved, {plan.financial_year}"},
    )
