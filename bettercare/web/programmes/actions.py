"""Writes to programmes: each takes the acting user (``by=``), runs in one transaction and
leaves its own entry in the history. Views, commands and tests call these, never ``save()``.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import Area, ReportingPeriod


class ActionError(Exception):
    """An action that cannot be done, with the reason in words a user understands."""


def _record(instance: object, by: User | None, reason: str) -> None:
    instance._history_user = by  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


@transaction.atomic
def period_open(*, area: Area, month: Month, by: User | None) -> ReportingPeriod:
    """Open a reporting month for an area (or return it if it exists)."""
    period = ReportingPeriod.objects.filter(area=area, month=month.first_day).first()
    if period is not None:
        return period
    period = ReportingPeriod(area=area, month=month.first_day)
    _record(period, by, f"opened {month.label}")
    period.save()
    return period


def _locked(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_submit(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Mark a period submitted: all returns are in and it awaits sign-off."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.OPEN:
        raise ActionError(f"{period.label} is {period.get_state_display().lower()}, not open.")
    period.state = ReportingPeriod.State.SUBMITTED
    period.submitted_at = timezone.now()
    period.submitted_by = by
    _record(period, by, "submitted")
    period.save()
    return period


@transaction.atomic
def period_sign_off(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Sign a submitted period off: from now on it is read-only."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.SUBMITTED:
        raise ActionError(
            f"{period.label} is {period.get_state_display().lower()}; "
            "only a submitted period can be signed off."
        )
    period.state = ReportingPeriod.State.SIGNED_OFF
    period.signed_off_at = timezone.now()
    period.signed_off_by = by
    _record(period, by, "signed off")
    period.save()
    return period


@transaction.atomic
def period_reopen(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Return a submitted period to open, e.g. to correct a return before sign-off."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.SUBMITTED:
        raise ActionError(
            f"{period.label} is {period.get_state_display().lower()}; "
            "only a submitted period can be reopened."
        )
    period.state = ReportingPeriod.State.OPEN
    _record(period, by, "reopened")
    period.save()
    return period
