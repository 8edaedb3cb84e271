"""Regional assurance of areas' plans: the headline questions, qualified answers and the
round's summary line.

A regional assurance round rates every area of a region against criteria (the national
conditions, delivery, finance, metrics), Green/Amber/Red or Yes/No. Two headline questions
stand beside them, answered Yes or No: *is this a high-risk plan?* (with why, and the
remedial actions) and *should the plan be recommended for final sign-off?*. Any answer may be
*qualified* -- written ``Y*`` or ``N*`` -- and a qualified answer is only meaningful with its
footnote, so a qualifier without one is refused.

The summary line says how many areas satisfied every criterion: rated Green or Yes, without
a qualification, on every criterion of the round (the headline questions aside); one line for
each group of criteria (the national conditions; the overall assessment) does the same for
the criteria of its group. They are counted from the ratings, never written by hand, so they
cannot say more than the ratings do.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

#: The headline question on the risk of a plan, answered Y or N; the comment says why.
HIGH_RISK = "High-risk plan"
#: The headline recommendation, answered Y or N.
SIGN_OFF = "Recommended for final sign-off"
#: The headline questions, in the order the matrix shows them (before the other criteria).
HEADLINE_CRITERIA: tuple[str, ...] = (HIGH_RISK, SIGN_OFF)
#: Ratings of a criterion: Green, Amber, Red, or Yes and No.
RATINGS: tuple[str, ...] = ("G", "A", "R", "Y", "N")
#: The answers a headline question takes.
ANSWERS: tuple[str, ...] = ("Y", "N")
#: The two groups of criteria seed 004 sums up, each under its own table.
NATIONAL_CONDITIONS = "National conditions"
OVERALL_ASSESSMENT = "Overall assessment"
NATIONAL_CONDITION = re.compile(r"^(NC\d+|National condition)\b", re.IGNORECASE)
#: The ratings that satisfy a condition.
SATISFIED: frozenset[str] = frozenset({"G", "Y"})


@dataclass(frozen=True, slots=True)
class Rating:
    """One area's rating on one criterion: its status and whether it is qualified."""

    status: str
    qualified: bool = False


def rating_problem(criterion: str, status: str, qualified: bool, footnote: str) -> str | None:
    """Why a rating cannot be recorded, in words for the person entering it; None if it can."""
    if status not in RATINGS:
        return f"{criterion}: the rating must be one of {', '.join(RATINGS)}, not {status!r}"
    if criterion in HEADLINE_CRITERIA and status not in ANSWERS:
        return f"{criterion}: the answer must be Y or N, not {status!r}"
    if qualified and not footnote.strip():
        return f"{criterion}: a qualified answer ({status}*) needs its footnote"
    return None


def answer_label(status: str, qualified: bool) -> str:
    """The rating as the matrix writes it: ``Y``, or ``Y*`` when qualified."""
    return f"{status}*" if qualified else status


def satisfies_all(ratings: Mapping[str, Rating], criteria: Sequence[str]) -> bool:
    """Whether an area is rated Green or Yes, unqualified, on every criterion of the round
    other than the headline questions (a criterion not rated is not satisfied)."""
    conditions = [c for c in criteria if c not in HEADLINE_CRITERIA]
    if not conditions:
        return False
    return all(
        (rating := ratings.get(c)) is not None
        and rating.status in SATISFIED
        and not rating.qualified
        for c in conditions
    )


def _names(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _count(number: int, one: str, many: str) -> str:
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    return f"{words.get(number, str(number))} {one if number == 1 else many}"


def _satisfied(
    areas: Sequence[tuple[str, Mapping[str, Rating]]], criteria: Sequence[str], what: str
) -> str:
    """The sentence naming the areas that satisfied ``what`` (each of ``criteria``)."""
    satisfied = [name for name, ratings in areas if satisfies_all(ratings, criteria)]
    total = len(areas)
    others = total - len(satisfied)
    if not satisfied:
        first = (
            f"No area has satisfied {what}: all {total} are likely to require further monitoring."
        )
    elif others == 0:
        first = f"All {total} areas have satisfied {what}."
    else:
        lead = "Only " if len(satisfied) * 2 < total else ""
        verb = "has" if len(satisfied) == 1 else "have"
        first = (
            f"{lead}{_count(len(satisfied), 'area', 'areas')} ({_names(satisfied)}) {verb} "
            f"satisfied {what}; "
            + ("the other is likely" if others == 1 else f"the other {others} are likely")
            + " to require further monitoring."
        )
    return first[0].upper() + first[1:]


def is_national_condition(criterion: str) -> bool:
    """Whether a criterion is one of the national conditions (named ``NC1: …`` or
    ``National condition: …``); the others are the overall assessment of the plan."""
    return bool(NATIONAL_CONDITION.match(criterion))


def group_summaries(
    areas: Sequence[tuple[str, Mapping[str, Rating]]], criteria: Sequence[str]
) -> tuple[tuple[str, str], ...]:
    """One line for each group of criteria (the national conditions, then the overall
    assessment), as seed 004 writes one under each table: the group's name and the areas
    that satisfied every criterion of it, counted from the ratings. A group without criteria,
    or a round without areas, has no line."""
    conditions = [c for c in criteria if c not in HEADLINE_CRITERIA]
    groups = (
        (
            NATIONAL_CONDITIONS,
            [c for c in conditions if is_national_condition(c)],
            "every national condition",
        ),
        (
            OVERALL_ASSESSMENT,
            [c for c in conditions if not is_national_condition(c)],
            "every criterion of the overall assessment",
        ),
    )
    return tuple(
        (name, _satisfied(areas, members, what))
        for name, members, what in groups
        if members and areas
    )


def summary_line(areas: Sequence[tuple[str, Mapping[str, Rating]]], criteria: Sequence[str]) -> str:
    """The round in one or two sentences, counted from the ratings.

    ``areas`` holds each area's name and its ratings by criterion; ``criteria`` the round's
    criteria. The first sentence names the areas that satisfied every criterion; the second,
    when the headline questions were answered, counts the high-risk plans and the plans
    recommended for sign-off (and how many of those answers are qualified).
    """
    if not areas or not [c for c in criteria if c not in HEADLINE_CRITERIA]:
        return ""
    first = _satisfied(areas, criteria, "every criterion")
    parts = []
    for criterion, what in (
        (HIGH_RISK, "assessed as high risk"),
        (SIGN_OFF, "recommended for final sign-off"),
    ):
        answered = [r[criterion] for _, r in areas if criterion in r]
        if not answered:
            continue
        yes = [a for a in answered if a.status == "Y"]
        qualified = sum(a.qualified for a in answered)
        text = f"{len(yes)} of {len(answered)} plans {what}"
        if qualified:
            # Of all the answers to the question (Y* and N* alike), not of the Yes answers.
            text += f" ({qualified} of the {len(answered)} answers qualified)"
        parts.append(text)
    return first + (" " + "; ".join(parts) + "." if parts else "")
