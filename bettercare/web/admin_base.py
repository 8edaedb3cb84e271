"""The administration site's rule (ADR 0101): it shows bettercare's data to staff who may see
it, and changes nothing behind the actions' back.

Every model admin of bettercare's own data derives from :class:`ActionsOnlyAdmin`: it lists
and shows rows and their history (django-simple-history), and refuses to add, change, delete
or revert them, because those writes must go through ``actions.py`` (which validate, record
who acted and bump the data version). Where the admin offers a write, the model admin calls
the action itself (granting a role, revoking a token).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin


class ActionsOnlyAdmin(SimpleHistoryAdmin):  # type: ignore[misc]
    """Read-only rows and history for staff with the view permission (superusers see all)."""

    list_per_page = 50

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        excluded = set(self.exclude or ())
        return tuple(
            f.name for f in self.model._meta.fields if f.editable and f.name not in excluded
        )

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # simple-history saves the form posted to an old version (a "revert") after checking
        # only that the user may *view* history: refuse every such post here.
        if request.method != "GET":
            raise PermissionDenied("Changes go through bettercare's actions, not the admin.")
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response
