"""Writes about people: the command-line account, roles and API tokens.

Each action takes the acting user (``by=``), runs in one transaction, records who acted in
the history (django-simple-history) and refuses what it cannot do with :class:`ActionError`
(ADR 0101).
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from bettercare.web.accounts.models import ApiToken, Membership, Role, User
from bettercare.web.programmes.actions import ActionError
from bettercare.web.programmes.models import Area

#: How long a token works unless its creator says otherwise.
TOKEN_LIFETIME = timedelta(days=90)
#: The longest a token may work: a script that needs longer gets a new token each year.
TOKEN_LIFETIME_MAX = timedelta(days=366)
_TOKEN_NAME_MAX = ApiToken._meta.get_field("name").max_length or 100

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
    """Create a user (an administrator with ``is_admin``); the password is checked by the caller.

    Raises ActionError when the username is blank or taken.
    """
    username = username.strip()
    if not username:
        raise ActionError("A user needs a username.")
    if User.objects.filter(username=username).exists():
        raise ActionError(f"There is already a user called {username!r}.")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_admin,
        is_superuser=is_admin,
    )
    user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "created"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():  # created at the same moment by someone else
            user.save()
    except IntegrityError:
        raise ActionError(f"There is already a user called {username!r}.") from None
    return user


@transaction.atomic
def user_set_password(*, user: User, password: str, by: User | None) -> User:
    """Set a user's password (checked against the policy by the caller); never a blank one."""
    if not password:
        raise ActionError("A password cannot be blank.")
    user.set_password(password)
    user._history_user = by  # type: ignore[attr-defined]
    user._change_reason = "password set"  # type: ignore[attr-defined]
    user.save(update_fields=["password"])
    return user


@transaction.atomic
def sign_in_unlock(*, username: str | None, address: str | None, by: User | None) -> int:
    """Clear the failed sign-ins that locked ``username`` and/or ``address``; how many.

    django-axes keeps no history of its own, so who unlocked what goes to the log.
    """
    from axes.utils import reset

    if not username and not address:
        raise ActionError("Give the username or the address to unlock.")

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
    """Give ``user`` a role in ``area`` (and the areas below it); granting it again is no change.

    Raises ActionError for a role that does not exist.
    """
    if role not in Role.values:
        raise ActionError(
            f"There is no role {role!r}: the roles are {', '.join(sorted(Role.values))}."
        )
    role = Role(role)
    membership = Membership.objects.filter(user=user, area=area, role=role).first()
    if membership is not None:
        return membership
    membership = Membership(user=user, area=area, role=role)
    membership._history_user = by  # type: ignore[attr-defined]
    membership._change_reason = "role granted"  # type: ignore[attr-defined]
    try:
        with transaction.atomic():  # granted at the same moment by someone else: theirs stands
            membership.save()
    except IntegrityError:
        return Membership.objects.get(user=user, area=area, role=role)
    return membership


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str = "",
    lifetime: timedelta = TOKEN_LIFETIME,
    by: User | None,
) -> tuple[ApiToken, str]:
    """Create a personal API token that works for ``lifetime`` (90 days unless said otherwise).

    The key is returned once and only its hash is kept. Raises ActionError for an inactive
    user, a lifetime outside one day to :data:`TOKEN_LIFETIME_MAX`, or a name that is too long
    or already names one of the user's usable tokens (tokens are revoked by name).
    """
    name = name.strip()
    if not user.is_active:
        raise ActionError(f"{user.username} is inactive: an inactive user cannot have a token.")
    if not timedelta(days=1) <= lifetime <= TOKEN_LIFETIME_MAX:
        raise ActionError(
            f"A token's lifetime is {lifetime.days} days: it must be 1 to "
            f"{TOKEN_LIFETIME_MAX.days} days."
        )
    if len(name) > _TOKEN_NAME_MAX:
        raise ActionError(
            f"The token's name is {len(name)} characters: keep it to {_TOKEN_NAME_MAX}."
        )
    now = timezone.now()
    if name and ApiToken.objects.usable(now).filter(user=user, name=name).exists():
        raise ActionError(
            f"{user.username} already has a token called {name!r}: revoke it or choose "
            "another name."
        )
    key = "bc_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=ApiToken.hash_key(key),
        expires_at=now + lifetime,
    )
    token._history_user = by  # type: ignore[attr-defined]
    token._change_reason = "token created"  # type: ignore[attr-defined]
    token.save()
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    """Revoke a token: the API refuses it from now on; who revoked it and when are kept.

    Raises ActionError when the token is already revoked.
    """
    row = ApiToken.objects.select_for_update().get(pk=token.pk)
    if row.revoked_at is not None:
        raise ActionError(
            f"The token {row.name or row.prefix!r} of {row.user.username} was already revoked "
            f"on {timezone.localtime(row.revoked_at):%Y-%m-%d %H:%M}."
        )
    row.revoked_at = timezone.now()
    row.revoked_by = by
    row._history_user = by  # type: ignore[attr-defined]
    row._change_reason = "token revoked"  # type: ignore[attr-defined]
    row.save(update_fields=["revoked_at", "revoked_by"])
    return row
