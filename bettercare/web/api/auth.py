"""Who is calling the API: a personal token (``Authorization: Bearer <key>``) or the session.

A token is found by the SHA-256 hash of its key (the key itself is never stored). A revoked or
expired token, or one whose user is inactive, is refused with 401 even if the caller also has a
session, so a broken script fails loudly rather than quietly acting as someone else.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from bettercare.web.accounts.access import Access
from bettercare.web.accounts.models import ApiToken, User

#: ``last_used_at`` is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

SIGN_IN = (
    "Authentication required: sign in to bettercare, or send a personal API token as the "
    "header 'Authorization: Bearer <key>' (an administrator creates one with "
    "`bettercare token create USERNAME`)."
)
REFUSED = "The API token is not valid: it is unknown, revoked or expired, or its user is inactive."


class InvalidTokenError(AuthenticationError):
    """A Bearer token was sent but cannot be used."""

    def __init__(self) -> None:
        super().__init__(message=REFUSED)


def token_user(key: str) -> User | None:
    """The active user whose usable (unrevoked, unexpired) token has this key, recording when
    it was used."""
    now = timezone.now()
    token = (
        ApiToken.objects.usable(now)
        .select_related("user")
        .filter(key_hash=ApiToken.hash_key(key))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        # Bookkeeping, not a change anyone makes: no action, no history entry.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def _scope(request: HttpRequest, user: User) -> User:
    """Make the page helpers (``pages.area_for``) ask about this caller's access."""
    request.access = Access.for_user(user)  # type: ignore[attr-defined]  # the attribute AccessMiddleware sets
    return user


class BearerToken(HttpBearer):
    """A personal API token created by ``bettercare token create USERNAME``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        key = token.strip()
        if not key:
            return None  # "Bearer" alone is no credential: try the session.
        user = token_user(key)
        if user is None:
            raise InvalidTokenError
        return _scope(request, user)


class SignedInSession(SessionAuth):
    """The Django session of someone signed in to the site (a browser, the interactive docs)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated or not user.is_active:
            return None
        return _scope(request, user)
