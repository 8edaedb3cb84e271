"""Administration of assurance ratings, read-only (the assurance pages and import write them)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.assurance.models import AssuranceRating


@admin.register(AssuranceRating)
class AssuranceRatingAdmin(ActionsOnlyAdmin):
    list_display = ("area", "round", "criterion", "status", "version")
    list_filter = ("round", "status")
    list_select_related = ("area",)
    search_fields = ("area__code", "area__name", "criterion")
