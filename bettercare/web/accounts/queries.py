"""Reads about people that the command line and the administration need."""

from __future__ import annotations

from django.db.models import QuerySet

from bettercare.web.accounts.models import ApiToken, User


def api_tokens(*, user: User | None = None) -> QuerySet[ApiToken]:
    """Every API token (or ``user``'s), oldest first, with who holds and who revoked each."""
    tokens = ApiToken.objects.select_related("user", "revoked_by").order_by("created_at", "pk")
    return tokens if user is None else tokens.filter(user=user)


def api_tokens_named(reference: str, *, user: User | None = None) -> list[ApiToken]:
    """The tokens ``reference`` names: its id (digits) or its name (of ``user`` if given)."""
    tokens = api_tokens(user=user)
    if reference.isdigit():
        return list(tokens.filter(pk=int(reference)))
    return list(tokens.filter(name=reference))
