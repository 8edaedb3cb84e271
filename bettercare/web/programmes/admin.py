"""Administration of programmes: areas, plans, returns and their history, read-only (the
forms, the workbook import and the actions write them)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    PlannedActivity,
    Programme,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeStatus,
    Theme,
)


@admin.register(Area)
class AreaAdmin(ActionsOnlyAdmin):
    list_display = ("code", "name", "type", "parent", "valid_from", "valid_to", "is_demo")
    list_filter = ("type", "is_demo")
    list_select_related = ("parent",)
    search_fields = ("code", "name")
    ordering = ("code",)


@admin.register(Programme)
class ProgrammeAdmin(ActionsOnlyAdmin):
    list_display = ("area", "name", "local_authority", "version")
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "name", "local_authority")


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(ActionsOnlyAdmin):
    list_display = ("area", "month", "state", "submitted_at", "submitted_by", "signed_off_at")
    list_filter = ("state",)
    list_select_related = ("area", "submitted_by")
    search_fields = ("area__code", "area__name")
    date_hierarchy = "month"


@admin.register(Theme)
class ThemeAdmin(ActionsOnlyAdmin):
    list_display = ("area", "code", "name", "priority", "version")
    list_select_related = ("area",)
    search_fields = ("area__code", "code", "name")


@admin.register(Scheme)
class SchemeAdmin(ActionsOnlyAdmin):
    list_display = ("ref", "name", "area", "theme", "enabler", "start_date", "version")
    list_filter = ("enabler",)
    list_select_related = ("area", "theme")
    search_fields = ("area__code", "area__name", "ref", "name", "lead")


@admin.register(SchemeDeliveryPartner)
class SchemeDeliveryPartnerAdmin(ActionsOnlyAdmin):
    list_display = ("scheme", "organisation", "role", "position")
    list_filter = ("role",)
    list_select_related = ("scheme",)
    search_fields = ("scheme__area__code", "scheme__ref", "organisation")


@admin.register(SchemeInvestment)
class SchemeInvestmentAdmin(ActionsOnlyAdmin):
    list_display = ("scheme", "financial_year", "amount")
    list_select_related = ("scheme",)
    search_fields = ("scheme__area__code", "scheme__ref", "financial_year")


@admin.register(SchemeKpi)
class SchemeKpiAdmin(ActionsOnlyAdmin):
    list_display = ("scheme", "name", "level", "target", "unit", "cadence", "reported_to")
    list_filter = ("level", "cadence")
    list_select_related = ("scheme",)
    search_fields = ("scheme__area__code", "scheme__ref", "name")


@admin.register(Milestone)
class MilestoneAdmin(ActionsOnlyAdmin):
    list_display = (
        "ref",
        "title",
        "area",
        "baseline_date",
        "revised_date",
        "completed_date",
        "version",
    )
    list_select_related = ("area",)
    search_fields = ("area__code", "ref", "title")


@admin.register(Risk)
class RiskAdmin(ActionsOnlyAdmin):
    list_display = ("ref", "title", "area", "owner", "likelihood", "impact", "rating", "as_at")
    list_filter = ("rating",)
    list_select_related = ("area",)
    search_fields = ("area__code", "ref", "title", "owner")


@admin.register(SchemeStatus)
class SchemeStatusAdmin(ActionsOnlyAdmin):
    list_display = ("scheme", "period", "dimension", "status", "version")
    list_filter = ("dimension", "status")
    list_select_related = ("scheme", "period", "period__area")
    search_fields = ("scheme__ref", "scheme__name", "period__area__code")


@admin.register(ProgrammeStatus)
class ProgrammeStatusAdmin(ActionsOnlyAdmin):
    list_display = ("period", "dimension", "status", "version")
    list_filter = ("dimension", "status")
    list_select_related = ("period", "period__area")
    search_fields = ("period__area__code", "period__area__name")


@admin.register(Achievement)
class AchievementAdmin(ActionsOnlyAdmin):
    list_display = ("period", "position", "text")
    list_select_related = ("period", "period__area")
    search_fields = ("period__area__code", "text")


@admin.register(PlannedActivity)
class PlannedActivityAdmin(ActionsOnlyAdmin):
    list_display = ("period", "group", "position", "text")
    list_select_related = ("period", "period__area")
    search_fields = ("period__area__code", "text")
