"""Administration of people: users, their roles and their API tokens (never a password hash
or a token's hash). A role is granted, and a token revoked, through the actions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from bettercare.web.accounts.actions import api_token_revoke, membership_grant
from bettercare.web.accounts.models import ApiToken, Membership, User
from bettercare.web.admin_base import ActionsOnlyAdmin
from bettercare.web.programmes.actions import ActionError


@admin.register(User)
class UserAdmin(ActionsOnlyAdmin):
    list_display = (
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "last_login",
    )
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("username", "first_name", "last_name", "email")
    exclude = ("password", "groups", "user_permissions")
    ordering = ("username",)


@admin.register(Membership)
class MembershipAdmin(ActionsOnlyAdmin):
    list_display = ("user", "role", "area")
    list_filter = ("role",)
    list_select_related = ("user", "area")
    search_fields = ("user__username", "user__first_name", "user__last_name", "area__code")
    autocomplete_fields = ("user", "area")
    ordering = ("user__username", "area__name")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.has_perm("accounts.add_membership"))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else super().get_readonly_fields(request, obj)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        """Grant the role through the action (who granted it goes in the history)."""
        saved = membership_grant(
            user=obj.user,
            area=obj.area,
            role=obj.role,
            by=request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk


@admin.register(ApiToken)
class ApiTokenAdmin(ActionsOnlyAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
        "revoked_by",
    )
    list_filter = ("revoked_at", "expires_at")
    list_select_related = ("user", "revoked_by")
    search_fields = ("name", "prefix", "user__username")
    exclude = ("key_hash",)
    ordering = ("-created_at",)
    actions = ("revoke",)

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    @admin.action(description="Revoke the selected tokens", permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        revoked = 0
        for token in queryset.filter(revoked_at__isnull=True):
            try:
                api_token_revoke(token=token, by=request.user)  # type: ignore[arg-type]
            except ActionError as error:  # revoked meanwhile by someone else
                self.message_user(request, str(error), messages.WARNING)
            else:
                revoked += 1
        self.message_user(request, f"Revoked {revoked} token{'s' if revoked != 1 else ''}.")
