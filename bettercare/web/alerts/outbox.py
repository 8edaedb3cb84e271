"""Alert emails: queued in the database first, then sent through Django's email backend.

An email is a row of :class:`~bettercare.web.alerts.models.OutboxEmail` before anything is
sent, so an unreachable mail server loses nothing: the failure is recorded on the row (the
attempt count, the error, when to try again, backing off from 5 minutes to 6 hours) and the
next run tries again. Each email holds one person's notifications only, so it can only hold
alerts about areas they may see.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.utils import timezone

from bettercare.web.accounts.access import Access
from bettercare.web.alerts.models import Delivery, Notification, OutboxEmail

FIRST_RETRY = timedelta(minutes=5)
LONGEST_RETRY = timedelta(hours=6)


@dataclass
class DeliveryReport:
    """What an attempt to send the outbox did."""

    sent: int = 0
    failed: int = 0
    waiting: int = 0
    errors: list[str] = field(default_factory=list)
    next_attempt_at: datetime | None = None
    configured: bool = True


def mail_configured() -> bool:
    """Whether there is somewhere to send email (an SMTP host, or another backend)."""
    smtp = settings.EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend"
    return bool(settings.EMAIL_HOST) or not smtp


def _address(path: str) -> str:
    return f"{settings.BASE_URL}{path}" if path else ""


def _body(intro: str, notifications: list[Notification]) -> str:
    lines = [intro, ""]
    for note in notifications:
        alert = note.alert
        lines.append(f"- {alert.title}")
        lines.append(f"  {alert.detail}")
        if alert.link:
            lines.append(f"  {_address(alert.link)}")
        lines.append("")
    lines.append(
        "You receive this because you subscribed to these alerts in bettercare; change your "
        f"subscriptions at {_address('/alerts/subscriptions/') or '/alerts/subscriptions/'}."
    )
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def queue_emails(*, now: datetime) -> int:
    """Queue one email per person for their new emailed alerts, and monthly digests.

    Alerts delivered by email go out at the next run; digest alerts wait until the month
    they were raised in is over, then go out together. People without an email address see
    them in bettercare only.
    """
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    waiting = (
        Notification.objects.filter(email__isnull=True)
        .filter(
            Q(delivery=Delivery.EMAIL) | Q(delivery=Delivery.DIGEST, created_at__lt=month_start)
        )
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("alert", "alert__area", "user")
        .order_by("user_id", "created_at", "id")
    )
    groups: dict[tuple[int, str], list[Notification]] = defaultdict(list)
    for note in waiting:
        groups[(note.user_id, note.delivery)].append(note)
    queued = 0
    for (_, delivery), waiting_notes in groups.items():
        user = waiting_notes[0].user
        # Access is checked again when the email is written: a person who lost access to an
        # area since the alert was raised (a digest waits up to a month) is not sent it.
        access = Access.for_user(user)
        notes = [n for n in waiting_notes if access.can_view(n.alert.area)]
        if not notes:
            continue
        if delivery == Delivery.DIGEST:
            last_month = (month_start - timedelta(days=1)).strftime("%B %Y")
            subject = f"bettercare: your alerts to the end of {last_month}"
            intro = f"Your monthly digest: {_plural(len(notes), 'alert')} raised to the end of {last_month}."
            kind = OutboxEmail.Kind.DIGEST
        else:
            subject = f"bettercare: {_plural(len(notes), 'new alert')}"
            if len(notes) == 1:
                subject = f"bettercare: {notes[0].alert.title}"[:300]
            intro = f"bettercare found {_plural(len(notes), 'new alert')} for you."
            kind = OutboxEmail.Kind.ALERTS
        email = OutboxEmail.objects.create(
            user=user,
            to=user.email,
            kind=kind,
            subject=" ".join(subject.split())[:300],  # one line: a header cannot break
            body=_body(intro, notes),
            next_attempt_at=now,
        )
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(email=email)
        queued += 1
    return queued


def _retry_after(attempts: int) -> timedelta:
    # typeshed types int ** int as Any (a negative power is a float); this one is never negative
    return cast(timedelta, min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY))


def _failed(email: OutboxEmail, error: BaseException, now: datetime) -> str:
    email.attempts += 1
    email.last_attempt_at = now
    email.last_error = f"{type(error).__name__}: {error}"[:2000]
    email.next_attempt_at = now + _retry_after(email.attempts)
    email.save(update_fields=["attempts", "last_attempt_at", "last_error", "next_attempt_at"])
    return email.last_error


def deliver_outbox(*, now: datetime | None = None) -> DeliveryReport:
    """Send every email that is due; record each failure on its row for a later retry."""
    now = now or timezone.now()
    report = DeliveryReport()
    pending = OutboxEmail.objects.filter(sent_at__isnull=True)
    due = list(
        pending.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).order_by(
            "created_at", "id"
        )
    )
    if not mail_configured():
        report.configured = False
        report.waiting = pending.count()
        return report
    if due:
        message: str | EmailMessage
        connection = get_connection(fail_silently=False)
        try:
            connection.open()
        except Exception as error:  # any failure to connect is reported, not raised
            message = _failed(due[0], error, now)
            for email in due[1:]:
                _failed(email, error, now)
            report.failed = len(due)
            report.errors.append(message)
        else:
            try:
                for email in due:
                    message = EmailMessage(
                        email.subject,
                        email.body,
                        settings.DEFAULT_FROM_EMAIL,
                        [email.to],
                        connection=connection,
                    )
                    try:
                        message.send()
                    except Exception as error:  # recorded on the row and retried
                        report.failed += 1
                        report.errors.append(_failed(email, error, now))
                    else:
                        email.attempts += 1
                        email.last_attempt_at = email.sent_at = now
                        email.last_error = ""
                        email.save(
                            update_fields=["attempts", "last_attempt_at", "sent_at", "last_error"]
                        )
                        report.sent += 1
            finally:
                # The messages were handed over already: a failure to say goodbye is no failure.
                with contextlib.suppress(Exception):
                    connection.close()
    report.waiting = pending.count()
    report.next_attempt_at = (
        pending.order_by("next_attempt_at").values_list("next_attempt_at", flat=True).first()
    )
    return report
