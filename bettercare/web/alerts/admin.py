"""The outbox in the administration site: what waits, what failed and why."""

from __future__ import annotations

from django.contrib import admin

from bettercare.web.alerts.models import OutboxEmail


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic in the stubs only
    list_display = ("subject", "to", "kind", "created_at", "attempts", "sent_at", "last_error")
    list_filter = ("kind", "sent_at")
    search_fields = ("to", "subject")
    readonly_fields = tuple(f.name for f in OutboxEmail._meta.fields)
