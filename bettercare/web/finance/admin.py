"""Administration of the money, read-only (the finance pages and the import write it)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance


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
