"""Administration of peer groups, read-only (``bettercare peers load`` writes them)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.benchmarking.models import PeerGroup


@admin.register(PeerGroup)
class PeerGroupAdmin(ActionsOnlyAdmin):
    list_display = ("code", "name", "anchor", "source", "defined_by")
    list_select_related = ("anchor",)
    search_fields = ("code", "name", "anchor__code")
