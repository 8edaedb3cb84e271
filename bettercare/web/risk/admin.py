"""Administration: practices and who works at which (patient rows are not in the admin)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from bettercare.web.risk.models import Practice, PracticeStaff, Refresh


@admin.register(Practice)
class PracticeAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("code", "name", "area")
    search_fields = ("code", "name")


@admin.register(PracticeStaff)
class PracticeStaffAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple_history is untyped
    list_display = ("user", "practice")
    autocomplete_fields = ("practice",)


@admin.register(Refresh)
class RefreshAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = ("index_date", "model_id", "engine", "patients", "loaded_at", "loaded_by")
    exclude = ("model",)
    readonly_fields = (
        "index_date",
        "model_id",
        "engine",
        "source",
        "sha256",
        "patients",
        "loaded_by",
    )
