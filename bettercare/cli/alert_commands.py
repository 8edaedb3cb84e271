"""``bettercare alerts run``: for a scheduler (cron or a systemd timer, see docs/alerts.md)."""

from __future__ import annotations

from datetime import date
from typing import TextIO

from bettercare.cli.database import ensure_database
from bettercare.cli.errors import UserError


def _day(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"--today must be a date as YYYY-MM-DD, got {text!r}") from None


def command_alerts_run(*, dry_run: bool, today: str | None, out: TextIO) -> int:
    """Evaluate the rules; print the new alerts, the notifications and the emails sent.

    An email that could not be sent stays in the outbox for the next run; the command then
    says so and exits with status 3, so that the scheduler's log shows it.
    """
    day = _day(today)
    ensure_database()
    from bettercare.web.alerts.engine import run_alerts

    try:
        report = run_alerts(dry_run=dry_run, today=day)
    except ValueError as error:  # a bad BETTERCARE_ALERT_RULES
        raise UserError(f"BETTERCARE_ALERT_RULES: {error}") from None
    prefix = "would record" if dry_run else "recorded"
    print(
        f"{len(report.events)} alert condition(s) hold; {prefix} {len(report.new)} new alert(s).",
        file=out,
    )
    for event in report.new:
        print(f"  {event.key}  {event.title}", file=out)
        if dry_run:
            people = report.recipients.get(event.key, [])
            told = ", ".join(f"{name} ({how})" for name, how in people) or "no subscriber"
            print(f"    would tell: {told}", file=out)
    if dry_run:
        print("Dry run: nothing was recorded or sent.", file=out)
        return 0
    print(
        f"{report.notifications} notification(s); {report.emails_queued} email(s) queued.",
        file=out,
    )
    delivery = report.delivery
    if delivery is None:
        return 0
    if not delivery.configured:
        print(
            f"No mail server is configured (BETTERCARE_EMAIL_HOST): {delivery.waiting} email(s) "
            "wait in the outbox.",
            file=out,
        )
        return 0
    print(f"{delivery.sent} email(s) sent.", file=out)
    if delivery.failed:
        retry = (
            f"; next try at {delivery.next_attempt_at:%Y-%m-%d %H:%M %Z}"
            if delivery.next_attempt_at
            else ""
        )
        raise UserError(
            f"{delivery.failed} email(s) could not be sent ({delivery.errors[0]}); "
            f"{delivery.waiting} wait in the outbox and will be retried{retry}",
            exit_code=3,
        )
    return 0
