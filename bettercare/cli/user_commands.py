"""``bettercare user create|set-password|unlock``: accounts from the command line.

``user create --practice CODE`` makes the new user staff of one GP practice (who alone see
its patients, and must sign in with two factors), in the same transaction.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from bettercare.cli.database import ensure_database
from bettercare.cli.errors import UserError


def read_password(from_stdin: bool, user: Any) -> str:
    """A password from standard input (one line) or typed twice; checked against the policy."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if from_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        if not sys.stdin.isatty():
            raise UserError("no terminal to ask for the password: use --password-stdin")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise UserError("the two passwords differ")
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise UserError("password refused: " + " ".join(error.messages)) from None
    return password


def command_user(args: argparse.Namespace, out: TextIO) -> int:
    ensure_database()
    from bettercare.web.programmes.actions import ActionError

    try:
        return _command_user(args, out)
    except ActionError as error:  # e.g. the username was taken meanwhile
        raise UserError(str(error)) from None


def _practice(code: str) -> Any:
    from bettercare.web.risk.models import Practice

    practice = Practice.objects.filter(code=code.strip()).first()
    if practice is None:
        raise UserError(
            f"--practice {code!r}: no such practice; expected the code of a practice in a "
            "loaded risk refresh (bettercare risk load)"
        )
    return practice


def _command_user(args: argparse.Namespace, out: TextIO) -> int:
    from django.db import transaction

    from bettercare.web.accounts import actions
    from bettercare.web.accounts.models import User
    from bettercare.web.risk.actions import practice_staff_set

    by = actions.command_line_user()
    user: User | None
    if args.user_command == "create":
        if User.objects.filter(username=args.username).exists():
            raise UserError(f"there is already a user called {args.username!r}")
        practice = _practice(args.practice) if args.practice else None
        draft = User(
            username=args.username,
            email=args.email,
            first_name=args.first_name,
            last_name=args.last_name,
        )
        password = read_password(args.password_stdin, draft)
        with transaction.atomic():  # the user and their practice, or neither
            user = actions.user_create(
                username=args.username,
                password=password,
                email=args.email,
                first_name=args.first_name,
                last_name=args.last_name,
                is_admin=args.admin,
                by=by,
            )
            if practice is not None:
                practice_staff_set(user=user, practice=practice, by=by)
        kind = "administrator" if user.is_superuser else "user"
        at = f" at {practice.name} ({practice.code})" if practice is not None else ""
        print(f"Created {kind} {user.username}{at}.", file=out)
        if user.is_superuser or practice is not None:
            print(
                "They add an authenticator app (two-factor sign-in) when first signing in.",
                file=out,
            )
        return 0
    if args.user_command == "set-password":
        user = actions.user_by_username(args.username)
        if user is None:
            raise UserError(f"there is no user called {args.username!r}")
        actions.user_set_password(
            user=user, password=read_password(args.password_stdin, user), by=by
        )
        print(f"Set the password of {user.username}.", file=out)
        return 0
    if args.user_command == "unlock":
        if not args.username and not args.address:
            raise UserError("give the username to unlock, or --address")
        removed = actions.sign_in_unlock(username=args.username, address=args.address, by=by)
        who = " and ".join(
            part
            for part in (
                f"username {args.username}" if args.username else "",
                f"address {args.address}" if args.address else "",
            )
            if part
        )
        print(f"Unlocked {who} ({removed} failed sign-in record(s) cleared).", file=out)
        return 0
    raise AssertionError(f"unhandled user command {args.user_command!r}")
