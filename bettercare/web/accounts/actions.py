"""Writes about people: the command-line account, roles and API tokens."""

from __future__ import annotations

import logging
import secrets

from django.db import IntegrityError, transaction

from bettercare.web.accounts.models import ApiToken, Membership, Role, User
from bettercare.web.programmes.models import Area

COMMAND_LINE_USERNAME = "bettercare-cli"


def command_line_user() -> User:
    """The account that command-line changes are recorded against (it cannot log in)."""
    user, created = User.objects.get_or_create(
        username=COMMAND_LINE_USERNAME,
        defaults={"first_name": "bettercare", "last_name": "command line", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def user_by_username(username: str) -> User | None:
    return User.objects.filter(username=username).first()


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_admin: bool = False,
    by: User | None,
) -> User:
    """Create a user (an administrator with ``is_admin``); the password is checked by the caller."""
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    user._change_reason = "created"  # type: ignore[attr-defined]  # simple_history reads it
    user.save()
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User | None) -> User:
    """Set a user's password (checked against the policy by the caller)."""
    user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    user._change_reason = "password set"  # type: ignore[attr-defined]  # simple_history reads it
    user.save(update_fields=["password"])
    return user


def sign_in_unlock(*, username: str | None, address: str | None, by: User | None) -> int:
    """Clear the failed sign-ins that locked ``username`` and/or ``address``; how many."""
    from axes.utils import reset

    removed = 0
    if username:
        removed += reset(username=username)
    if address:
        removed += reset(ip=address)
    logging.getLogger("bettercare.accounts").info(
        "sign-in unlocked: username=%s address=%s by=%s", username, address, by
    )
    return removed


@transaction.atomic
def membership_grant(*, user: User, area: Area, role: Role | str, by: User | None) -> Membership:
    """Give ``user`` a role in ``area`` (and the areas below it)."""
    membership = Membership.objects.filter(user=user, area=area, role=Role(role)).first()
    if membership is not None:
        return membership
    membership = Membership(user=user, area=area, role=Role(role))
    membership._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    membership._change_reason = "role granted"  # type: ignore[attr-defined]  # simple_history reads it
    try:
        with transaction.atomic():  # granted at the same moment by someone else: theirs stands
            membership.save()
    except IntegrityError:
        return Membership.objects.get(user=user, area=area, role=Role(role))
    return membership


@transaction.atomic
def api_token_create(*, user: User, name: str = "", by: User | None = None) -> tuple[ApiToken, str]:
    """Create a personal API token; the key is returned once and only its hash is kept."""
    key = "bc_" + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=key[:8], key_hash=ApiToken.hash_key(key))
    token._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    token._change_reason = "token created"  # type: ignore[attr-defined]  # simple_history reads it
    token.save()
    return token, key
