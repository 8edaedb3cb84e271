"""Reads of the assurance ratings for the regional lead's edit form (the matrix itself is built
by ``bettercare.web.reporting.dashboard.build_assurance``)."""

from __future__ import annotations

from collections.abc import Sequence

from bettercare.core import assurance
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.programmes.models import Area


def latest_round(areas: Sequence[Area]) -> str:
    """The newest round any of ``areas`` is rated in ("" when none), as the matrix chooses it."""
    names = AssuranceRating.objects.filter(area__in=areas).values_list("round", flat=True)
    return max(names.distinct(), default="")


def round_criteria(areas: Sequence[Area], round_name: str) -> list[str]:
    """The headline questions, then every criterion any of ``areas`` has in the round, in the
    order they were first recorded (one query)."""
    found: list[str] = []
    for criterion in (
        AssuranceRating.objects.filter(area__in=areas, round=round_name)
        .order_by("pk")
        .values_list("criterion", flat=True)
    ):
        if criterion not in found and criterion not in assurance.HEADLINE_CRITERIA:
            found.append(criterion)
    return [*assurance.HEADLINE_CRITERIA, *found]
