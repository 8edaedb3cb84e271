"""Writes of the risk app: practice staff and the practice's intervention markers (which
rewrite the care-plan share metric of the practice's board, :mod:`bettercare.web.risk.metrics`)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction

from bettercare.web.accounts.models import User
from bettercare.web.programmes.actions import ActionError
from bettercare.web.risk.metrics import care_plan_share_write
from bettercare.web.risk.models import (
    InterventionStatus,
    PatientIdentifier,
    Practice,
    PracticeStaff,
    Refresh,
)

__all__ = [
    "intervention_status_update",
    "practice_staff_assign",
    "practice_staff_remove",
    "practice_staff_set",
]


def _check_manages(practice: Practice, by: User) -> None:
    """Only an administrator or a programme manager of the practice's area assigns its staff."""
    from bettercare.web.accounts.access import Access

    access = Access.for_user(by)
    if access.is_admin:
        return
    if practice.area is None or not access.can_manage(practice.area):
        raise PermissionDenied("Only a programme manager of the practice's area assigns its staff.")


@transaction.atomic
def practice_staff_assign(*, username: str, practice: Practice, by: User) -> PracticeStaff:
    """Make the user called ``username`` staff of ``practice`` (moving them from another).

    For area administrators: PermissionDenied unless ``by`` manages the practice's area;
    ActionError for an unknown username or an administrator (who sees no patients).
    """
    _check_manages(practice, by)
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise ActionError(f"Username {username.strip()!r}: there is no such user.")
    if user.is_superuser:
        raise ActionError(
            f"Username {user.username!r}: an administrator cannot be a practice's staff."
        )
    return practice_staff_set(user=user, practice=practice, by=by)


@transaction.atomic
def practice_staff_remove(*, user: User, practice: Practice, by: User) -> None:
    """Take ``user`` off ``practice``'s staff (history kept); PermissionDenied as above."""
    _check_manages(practice, by)
    staff = PracticeStaff.objects.select_for_update().filter(user=user, practice=practice).first()
    if staff is None:
        raise ActionError(f"{user.username} is not on the staff of {practice.code}.")
    staff._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    staff._change_reason = f"removed from {practice.code}"  # type: ignore[attr-defined]  # simple_history reads it
    staff.delete()


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
