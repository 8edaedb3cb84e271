"""A plan's details: the national conditions statements and their summary line (ADR 0112).

The planning template (seed 002) holds, per plan, the date agreed at the Health and Wellbeing
Board, the sign-offs (on behalf of, by, position, date) and, per national condition, a
statement of how the plan meets it. A condition the plan does not meet yet needs its
statement: the board reads there why, and by when it will be met.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

__all__ = ["condition_problem", "conditions_line", "sign_off_problem"]


def condition_problem(*, condition: str, met: bool, statement: str) -> tuple[str, str] | None:
    """What is wrong with a national condition's entry, as ``(field, message)``, or None."""
    if not condition.strip():
        return "condition", "a national condition needs its name"
    if not met and not statement.strip():
        return (
            "statement",
            f"{condition!r} is marked not met, so its statement must say why and by when it "
            "will be met",
        )
    return None


def sign_off_problem(
    *, on_behalf_of: str, signed_by: str, signed_on: date | None, submitted_on: date | None
) -> tuple[str, str] | None:
    """What is wrong with a sign-off, as ``(field, message)``, or None: a date needs a
    signatory, and nobody signs a plan after it was submitted."""
    if not on_behalf_of.strip():
        return "on_behalf_of", "a sign-off needs the body it is on behalf of"
    if signed_on is not None and not signed_by.strip():
        return "signed_by", f"signed on {signed_on:%d %B %Y} by nobody; name the signatory"
    if signed_on is not None and submitted_on is not None and signed_on > submitted_on:
        return (
            "signed_on",
            f"{signed_on:%d %B %Y} is after the plan was submitted on {submitted_on:%d %B %Y}",
        )
    return None


def conditions_line(met: Sequence[bool]) -> str:
    """The summary line of the national conditions: "All 4 national conditions are met",
    "3 of 4 national conditions are met", or that none are recorded."""
    if not met:
        return "No national conditions are recorded for this plan"
    count, total = sum(met), len(met)
    if total == 1:
        return "The national condition is met" if count else "The national condition is not met"
    if count == total:
        return f"All {total} national conditions are met"
    return f"{count} of {total} national conditions are met"
