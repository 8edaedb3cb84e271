"""Administration of the money and the plan, read-only (the pages and the import write it)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
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


@admin.register(SchemeFinance)
class SchemeFinanceAdmin(ActionsOnlyAdmin):
    list_display = ("scheme", "financial_year", "line", "recurrent", "non_recurrent", "version")
    list_filter = ("financial_year",)
    list_select_related = ("scheme", "scheme__area")
    search_fields = ("scheme__ref", "scheme__name", "scheme__area__code")


@admin.register(Funding)
class FundingAdmin(ActionsOnlyAdmin):
    list_display = (
        "area",
        "financial_year",
        "stream",
        "organisation",
        "budget",
        "forecast_outturn",
        "version",
    )
    list_filter = ("financial_year", "stream")
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "stream", "organisation")


@admin.register(SavingsPlan)
class SavingsPlanAdmin(ActionsOnlyAdmin):
    list_display = ("area", "financial_year", "target", "achieved_to_date", "as_at", "version")
    list_filter = ("financial_year",)
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name")


@admin.register(PayForPerformance)
class PayForPerformanceAdmin(ActionsOnlyAdmin):
    list_display = ("area", "financial_year", "metric", "planned_savings", "maximum_support")
    list_filter = ("financial_year",)
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "metric")


@admin.register(PerformancePayment)
class PerformancePaymentAdmin(ActionsOnlyAdmin):
    list_display = (
        "area",
        "financial_year",
        "period",
        "available",
        "planned_reduction",
        "achieved_reduction",
        "version",
    )
    list_filter = ("financial_year",)
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "period")


@admin.register(PlanDetails)
class PlanDetailsAdmin(ActionsOnlyAdmin):
    list_display = ("area", "financial_year", "hwb_agreed_on", "submitted_on", "approved_on")
    list_filter = ("financial_year",)
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name")


@admin.register(PlanSignOff)
class PlanSignOffAdmin(ActionsOnlyAdmin):
    list_display = ("area", "financial_year", "on_behalf_of", "signed_by", "position", "signed_on")
    list_filter = ("financial_year",)
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "on_behalf_of", "signed_by")


@admin.register(NationalCondition)
class NationalConditionAdmin(ActionsOnlyAdmin):
    list_display = ("area", "financial_year", "condition", "met", "version")
    list_filter = ("financial_year", "met")
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "condition")
