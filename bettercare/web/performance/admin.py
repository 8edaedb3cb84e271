"""Administration of performance: the metric registry, values, commentary and SPC rebase
points, read-only (the registry sync, the pipeline and the actions write them)."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase, MetricValue


@admin.register(Metric)
class MetricAdmin(ActionsOnlyAdmin):
    list_display = ("code", "name", "unit", "polarity", "frequency", "is_national", "reviewed_on")
    list_filter = ("frequency", "polarity", "is_national")
    search_fields = ("code", "name", "source", "defined_by")
    ordering = ("code",)


@admin.register(MetricValue)
class MetricValueAdmin(ActionsOnlyAdmin):
    list_display = ("metric", "area", "period_start", "period_end", "kind", "value", "version")
    list_filter = ("kind",)
    list_select_related = ("metric", "area")
    search_fields = ("metric__code", "area__code", "area__name")
    date_hierarchy = "period_start"


@admin.register(MetricCommentary)
class MetricCommentaryAdmin(ActionsOnlyAdmin):
    list_display = ("metric", "area", "month", "version")
    list_select_related = ("metric", "area")
    search_fields = ("metric__code", "area__code", "commentary")


@admin.register(MetricRebase)
class MetricRebaseAdmin(ActionsOnlyAdmin):
    list_display = ("metric", "area", "month", "version")
    list_select_related = ("metric", "area")
    search_fields = ("metric__code", "area__code", "reason")
