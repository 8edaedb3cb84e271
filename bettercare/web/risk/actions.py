"""Writes of the risk app: practice staff and the practice's intervention markers (which
rewrite the care-plan share metric of the practice's board, :mod:`bettercare.web.risk.metrics`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bettercare.web.accounts.models import User
from bettercare.web.risk.metrics import care_plan_share_write
from bettercare.web.risk.models import (
    InterventionStatus,
    PatientIdentifier,
    Practice,
    PracticeStaff,
    Refresh,
)

__all__ = ["intervention_status_update", "practice_staff_set"]


def practice_staff_set(*, user: User, practice: Practice, by: User | None) -> PracticeStaff:
    """Make ``user`` staff of ``practice`` (and of no other practice)."""
    with transaction.atomic():
        staff = PracticeStaff.objects.select_for_update().filter(user=user).first()
        if staff is None:
            staff = PracticeStaff(user=user)
        staff.practice = practice
        staff._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        staff._change_reason = f"staff of {practice.code}"  # type: ignore[attr-defined]  # simple_history reads it
        staff.save()
    return staff


@transaction.atomic
def intervention_status_update(
    *,
    practice: Practice,
    pseudonym: str,
    care_plan_completed: bool,
    target_group_member: bool,
    care_plan_review_due: date | None,
    by: User,
) -> InterventionStatus:
    """Record a patient's markers; only the patient's own practice may (PermissionDenied).

    Who may is a question of access, so the refusal is PermissionDenied (a 403 page), not
    the ActionError of a change that cannot be made.
    """
    if not PracticeStaff.objects.filter(user=by, practice=practice).exists():
        raise PermissionDenied("Only the patient's practice may change its markers.")
    if not PatientIdentifier.objects.filter(pseudonym=pseudonym, practice=practice).exists():
        raise PermissionDenied("This patient is not registered with your practice.")
    with transaction.atomic():
        status, _ = InterventionStatus.objects.select_for_update().get_or_create(
            pseudonym=pseudonym, defaults={"practice": practice}
        )
        status.practice = practice
        status.care_plan_completed = care_plan_completed
        status.target_group_member = target_group_member
        status.care_plan_review_due = care_plan_review_due
        status._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        status._change_reason = "intervention markers updated"  # type: ignore[attr-defined]  # simple_history reads it
        status.save()
        # The care-plan share of the latest refresh, for the practice's board.
        refresh = Refresh.objects.order_by("-index_date", "-loaded_at").first()
        if refresh is not None and practice.area_id is not None:
            care_plan_share_write(
                refresh, by=by, reason="intervention markers updated", area_ids=[practice.area_id]
            )
    return status
