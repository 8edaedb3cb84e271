"""``bettercare token create|list|revoke``: personal API tokens from the command line.

The secret key is printed once, when the token is created; listing shows everything else.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from bettercare.cli.database import ensure_database
from bettercare.cli.errors import UserError

if TYPE_CHECKING:
    from bettercare.web.accounts.models import ApiToken, User


def add_token_parser(commands: Any) -> None:
    """The ``token`` command and its actions, added to the top-level subparsers."""
    token = commands.add_parser("token", help="personal API tokens: create, list, revoke")
    actions = token.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="create a token for a user (shown once)")
    create.add_argument("username")
    create.add_argument("--name", default="", help="what the token is for")
    create.add_argument(
        "--expires-in",
        type=int,
        default=90,
        metavar="DAYS",
        help="days until the token stops working (default 90, at most 366)",
    )
    listing = actions.add_parser("list", help="every token (or a user's), never the secret")
    listing.add_argument("--user", dest="username", help="only this user's tokens")
    listing.add_argument("--format", choices=("table", "json"), default="table")
    revoke = actions.add_parser("revoke", help="revoke a token: the API refuses it from now on")
    revoke.add_argument("token", metavar="ID_OR_NAME", help="the token's id or name")
    revoke.add_argument("--user", dest="username", help="the user whose token is named")


def command_token(args: argparse.Namespace, out: TextIO) -> int:
    ensure_database()
    action: str = args.token_command
    if action == "create":
        return token_create(args.username, args.name, args.expires_in, out)
    if action == "list":
        return token_list(args.username, args.format, out)
    if action == "revoke":
        return token_revoke(args.token, args.username, out)
    raise AssertionError(f"unhandled token action {action!r}")


def _user(username: str) -> User:
    from bettercare.web.accounts.actions import user_by_username

    user = user_by_username(username)
    if user is None:
        raise UserError(f"there is no user called {username!r}")
    return user


def _when(moment: datetime | None) -> str:
    from django.utils import timezone

    return "" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def token_state(token: ApiToken, now: datetime) -> str:
    """``active``, ``expired`` or ``revoked`` (revocation wins: it is what someone did)."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_usable(now) else "expired"


def token_create(username: str, name: str, expires_in_days: int, out: TextIO) -> int:
    from bettercare.web.accounts.actions import api_token_create, command_line_user
    from bettercare.web.programmes.actions import ActionError

    user = _user(username)
    try:
        lifetime = timedelta(days=expires_in_days)
    except OverflowError:
        raise UserError(f"--expires-in {expires_in_days}: expected 1 to 366 days") from None
    try:
        token, key = api_token_create(
            user=user, name=name, lifetime=lifetime, by=command_line_user()
        )
    except ActionError as error:
        raise UserError(str(error)) from None
    print(f"API token for {user.username} (shown once, keep it secret):", file=out)
    print(key, file=out)
    print(f"Use it as the header `Authorization: Bearer {key[:8]}...`.", file=out)
    print(f"It is token {token.pk}; it expires {_when(token.expires_at)}.", file=out)
    return 0


def token_list(username: str | None, output_format: str, out: TextIO) -> int:
    from django.utils import timezone

    from bettercare.cli.commands import print_table
    from bettercare.web.accounts.queries import api_tokens

    tokens = api_tokens(user=_user(username) if username else None)
    now = timezone.now()
    rows = [
        {
            "id": token.pk,
            "name": token.name,
            "user": token.user.username,
            "prefix": token.prefix,
            "created": _when(token.created_at),
            "expires": _when(token.expires_at),
            "last_used": _when(token.last_used_at),
            "state": token_state(token, now),
            "revoked": _when(token.revoked_at),
            "revoked_by": token.revoked_by.username if token.revoked_by else "",
        }
        for token in tokens
    ]
    if output_format == "json":
        print(json.dumps(rows, indent=2), file=out)
        return 0
    if not rows:
        print("No API tokens.", file=out)
        return 0
    headers = list(rows[0])
    print_table([list(row.values()) for row in rows], headers, out)
    return 0


def token_revoke(reference: str, username: str | None, out: TextIO) -> int:
    from bettercare.web.accounts.actions import api_token_revoke, command_line_user
    from bettercare.web.accounts.queries import api_tokens_named
    from bettercare.web.programmes.actions import ActionError

    found = api_tokens_named(reference, user=_user(username) if username else None)
    if not found:
        whose = f" of {username}" if username else ""
        raise UserError(f"there is no token{whose} with the id or name {reference!r}")
    if len(found) > 1:
        holders = ", ".join(f"{t.pk} ({t.user.username})" for t in found)
        raise UserError(
            f"{len(found)} tokens are called {reference!r}: give its id or --user ({holders})"
        )
    try:
        token = api_token_revoke(token=found[0], by=command_line_user())
    except ActionError as error:
        raise UserError(str(error)) from None
    print(
        f"Revoked token {token.pk} ({token.name or token.prefix}) of {token.user.username}.",
        file=out,
    )
    return 0
