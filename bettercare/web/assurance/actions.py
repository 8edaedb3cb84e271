"""Writes to the regional assurance ratings: each takes the acting user (``by=``), runs in one
transaction, checks the rules of ``bettercare.core.assurance`` and leaves its history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from bettercare.core import assurance
from bettercare.web.accounts.models import User
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.programmes.actions import ActionError, StaleEditError, check_lengths
from bettercare.web.programmes.models import Area


@dataclass(frozen=True, slots=True)
class RatingEdit:
    """One criterion as the form returns it: an empty status removes the rating.

    ``seen_version`` is the rating's version when the form was opened (None: it had none).
    """

    criterion: str
    status: str
    comment: str = ""
    qualified: bool = False
    footnote: str = ""
    seen_version: int | None = None


def assurance_ratings_save(
    *, area: Area, round_name: str, edits: Sequence[RatingEdit], by: User | None
) -> list[AssuranceRating]:
    """Save an area's ratings for one round, all or nothing.

    Every edit is checked first (one message per problem, nothing written); then each rating
    is written only if nobody has changed it since the form was opened -- otherwise
    :class:`StaleEditError` names who did and nothing is saved.
    """
    round_name = round_name.strip()
    if not round_name:
        raise ActionError("Give the assessment round, e.g. 2017-18 Q2.")
    check_lengths(AssuranceRating, {"round": round_name})
    problems = [
        problem
        for edit in edits
        if edit.status
        and (
            problem := assurance.rating_problem(
                edit.criterion, edit.status, edit.qualified, edit.footnote
            )
        )
    ]
    if problems:
        raise ActionError("; ".join(problems) + ".")
    saved: list[AssuranceRating] = []
    with transaction.atomic():
        current = {
            r.criterion: r
            for r in AssuranceRating.objects.select_for_update().filter(
                area=area, round=round_name, criterion__in=[e.criterion for e in edits]
            )
        }
        for edit in edits:
            row = current.get(edit.criterion)
            if (row.version if row else None) != edit.seen_version:
                raise StaleEditError.since(
                    row,
                    f"The rating of {area.name} on {edit.criterion!r}",
                    "Their ratings are shown below: check them and make your change again.",
                )
            if not edit.status:
                if row is not None:
                    row._history_user = by  # type: ignore[attr-defined]
                    row._change_reason = "assurance rating removed"  # type: ignore[attr-defined]
                    row.delete()
                continue
            values = {
                "status": edit.status,
                "comment": edit.comment.strip(),
                "qualified": edit.qualified,
                "footnote": edit.footnote.strip() if edit.qualified else "",
            }
            if row is None:
                row = AssuranceRating(area=area, round=round_name, criterion=edit.criterion)
            elif all(getattr(row, name) == value for name, value in values.items()):
                saved.append(row)
                continue
            else:
                row.version += 1
            for name, value in values.items():
                setattr(row, name, value)
            row._history_user = by  # type: ignore[attr-defined]
            row._change_reason = "assurance rating saved"  # type: ignore[attr-defined]
            row.save()
            saved.append(row)
    return saved
