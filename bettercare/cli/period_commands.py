"""``bettercare period open|submit|sign-off``: a reporting period's workflow, for scripts.

Each calls the same action as the periods page (``bettercare.web.programmes.actions``), so
the same rules hold: a period is opened once, submitted when every return is in, and signed
off only once submitted. The month must be one the area can report on (from the start of
its earliest plan or data to the current month: ``bettercare.web.programmes.queries``).
"""

from __future__ import annotations

from typing import TextIO

from bettercare.cli.commands import _area, _reportable_month, _user
from bettercare.cli.database import ensure_database
from bettercare.cli.errors import UserError

#: The ``period`` sub-commands, in workflow order.
PERIOD_ACTIONS = ("open", "submit", "sign-off")


def command_period(
    action: str, area_code: str, period: str, username: str | None, out: TextIO
) -> int:
    """Open, submit or sign off an area's reporting period and print its state."""
    from bettercare.web.programmes.actions import (
        ActionError,
        period_open,
        period_sign_off,
        period_submit,
    )
    from bettercare.web.programmes.models import ReportingPeriod

    if action not in PERIOD_ACTIONS:
        raise UserError(f"unknown period action {action!r}; expected open, submit or sign-off")
    ensure_database()
    area = _area(area_code)
    month = _reportable_month(area, period)
    by = _user(username)
    existing = ReportingPeriod.objects.filter(area=area, month=month.first_day).first()
    try:
        if action == "open":
            if existing is not None:
                state = existing.get_state_display().lower()
                print(f"{area.name} ({area.code}) {month.label}: already {state}", file=out)
                return 0
            done = period_open(area=area, month=month, by=by)
        elif existing is None:
            raise UserError(
                f"{area.name} ({area.code}) has no period for {month.label} to {action}: "
                f"open it first with `bettercare period open --area {area.code} --period {month}`"
            )
        elif action == "submit":
            done = period_submit(period=existing, by=by)
        else:
            done = period_sign_off(period=existing, by=by)
    except ActionError as error:
        raise UserError(str(error)) from None
    print(f"{area.name} ({area.code}) {month.label}: {done.get_state_display().lower()}", file=out)
    return 0
