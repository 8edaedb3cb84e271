"""The assurance rules: headline answers, qualifiers and the summary line counted from ratings."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.assurance import (
    HIGH_RISK,
    NATIONAL_CONDITIONS,
    OVERALL_ASSESSMENT,
    SIGN_OFF,
    Rating,
    answer_label,
    group_summaries,
    is_national_condition,
    rating_problem,
    satisfies_all,
    summary_line,
)

CONDITIONS = ("Plans jointly agreed", "Protection for social care services", "7 day working")


def test_the_seed_round_one_area_satisfied_everything():
    """West Midlands 2014 (seed 004): only Coventry was Green on every national condition."""
    areas = [("Coventry", {c: Rating("G") for c in CONDITIONS})] + [
        (name, {**{c: Rating("G") for c in CONDITIONS}, "7 day working": Rating("A")})
        for name in ("Birmingham", "Dudley", "Herefordshire", "Sandwell", "Shropshire",
                     "Solihull", "Staffordshire", "Stoke-on-Trent", "Telford and Wrekin",
                     "Walsall", "Warwickshire", "Wolverhampton", "Worcestershire")
    ]  # fmt: skip
    assert summary_line(areas, CONDITIONS) == (
        "Only one area (Coventry) has satisfied every criterion; the other 13 are likely to "
        "require further monitoring."
    )


def test_the_headline_answers_are_counted_with_their_qualifications():
    ratings = {c: Rating("G") for c in CONDITIONS}
    areas = [
        ("Birmingham", {**ratings, HIGH_RISK: Rating("Y"), SIGN_OFF: Rating("N")}),
        ("Staffordshire", {**ratings, HIGH_RISK: Rating("N", True), SIGN_OFF: Rating("Y", True)}),
        ("Coventry", {**ratings, HIGH_RISK: Rating("N"), SIGN_OFF: Rating("Y")}),
    ]
    assert summary_line(areas, (HIGH_RISK, SIGN_OFF, *CONDITIONS)) == (
        "All 3 areas have satisfied every criterion. 1 of 3 plans assessed as high risk "
        "(1 of the 3 answers qualified); 2 of 3 plans recommended for final sign-off (1 of the 3 "
        "answers qualified)."
    )


@pytest.mark.parametrize(
    ("ratings", "satisfied"),
    [
        ({c: Rating("G") for c in CONDITIONS}, True),
        ({**{c: Rating("G") for c in CONDITIONS}, "7 day working": Rating("Y")}, True),
        ({**{c: Rating("G") for c in CONDITIONS}, "7 day working": Rating("G", True)}, False),
        ({c: Rating("G") for c in CONDITIONS[:2]}, False),  # one not rated
        ({**{c: Rating("G") for c in CONDITIONS}, HIGH_RISK: Rating("Y")}, True),  # headline aside
    ],
)
def test_an_area_satisfies_every_criterion_only_unqualified_green_or_yes(ratings, satisfied):
    assert satisfies_all(ratings, (HIGH_RISK, *CONDITIONS)) is satisfied


def test_no_area_and_all_areas():
    failing = {c: Rating("R") for c in CONDITIONS}
    assert summary_line([("A", failing), ("B", failing)], CONDITIONS) == (
        "No area has satisfied every criterion: all 2 are likely to require further monitoring."
    )
    assert summary_line([], CONDITIONS) == ""
    assert summary_line([("A", {HIGH_RISK: Rating("Y")})], (HIGH_RISK,)) == ""


@pytest.mark.parametrize(
    ("criterion", "status", "qualified", "footnote", "problem"),
    [
        ("Plan agreed", "G", False, "", None),
        ("Plan agreed", "Y", True, "Subject to the board", None),
        ("Plan agreed", "Y", True, "  ", "Plan agreed: a qualified answer (Y*) needs its footnote"),
        ("Plan agreed", "X", False, "", "Plan agreed: the rating must be one of G, A, R, Y, N, not 'X'"),
        (HIGH_RISK, "A", False, "", "High-risk plan: the answer must be Y or N, not 'A'"),
        (SIGN_OFF, "N", True, "", "Recommended for final sign-off: a qualified answer (N*) needs its footnote"),
    ],
)  # fmt: skip
def test_rating_problems(criterion, status, qualified, footnote, problem):
    assert rating_problem(criterion, status, qualified, footnote) == problem


@given(st.sampled_from("GARYN"), st.booleans())
def test_the_label_carries_the_qualifier(status, qualified):
    assert answer_label(status, qualified) == status + ("*" if qualified else "")


@given(st.lists(st.booleans(), min_size=1, max_size=30))
def test_the_count_of_satisfied_areas_matches_the_names_given(flags):
    areas = [
        (f"Area {i}", {c: Rating("G" if ok else "A") for c in CONDITIONS})
        for i, ok in enumerate(flags)
    ]
    line = summary_line(areas, CONDITIONS)
    named = [f"Area {i}" for i, ok in enumerate(flags) if ok]
    if named and len(named) < len(flags):
        assert all(name in line for name in named)
    assert ("No area" in line) == (not named)
    assert line.startswith(f"All {len(flags)} areas") == (len(named) == len(flags))


NC = ("NC1: Plan jointly agreed", "National condition: NHS minimum contribution maintained")
OVERALL = ("Finance: pooled budget", "Delivery: progress against the plan")


def test_one_line_under_each_group_of_criteria():
    """Seed 004 sums up each table: the national conditions, then the overall assessment."""
    areas = [
        ("Coventry", {**{c: Rating("Y") for c in NC}, **{c: Rating("A") for c in OVERALL}}),
        ("Dudley", {**{c: Rating("N") for c in NC}, **{c: Rating("G") for c in OVERALL}}),
        ("Walsall", {**{c: Rating("N") for c in NC}, **{c: Rating("G") for c in OVERALL}}),
    ]
    criteria = (HIGH_RISK, *NC, *OVERALL)
    assert group_summaries(areas, criteria) == (
        (
            NATIONAL_CONDITIONS,
            "Only one area (Coventry) has satisfied every national condition; the other 2 are "
            "likely to require further monitoring.",
        ),
        (
            OVERALL_ASSESSMENT,
            "Two areas (Dudley and Walsall) have satisfied every criterion of the overall "
            "assessment; the other is likely to require further monitoring.",
        ),
    )
    assert group_summaries(areas, (HIGH_RISK, *NC))[0][0] == NATIONAL_CONDITIONS
    assert len(group_summaries(areas, (HIGH_RISK, *NC))) == 1
    assert group_summaries([], criteria) == ()


@given(
    st.lists(
        st.tuples(
            st.lists(st.sampled_from(["G", "A", "R", "Y", "N", "Y*"]), min_size=4, max_size=4)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_each_group_line_counts_the_areas_satisfying_its_criteria(grid):
    """Against a plain reference: an area is named in a group's line when it is rated Green or
    Yes, unqualified, on every criterion of the group, and only then."""
    criteria = (*NC, *OVERALL)
    areas = [
        (
            f"Area {i}",
            {c: Rating(r[0], r.endswith("*")) for c, r in zip(criteria, row, strict=True)},
        )
        for i, (row,) in enumerate(grid)
    ]
    lines = dict(group_summaries(areas, criteria))
    for group, members in ((NATIONAL_CONDITIONS, NC), (OVERALL_ASSESSMENT, OVERALL)):
        satisfied = [
            name
            for name, ratings in areas
            if all(ratings[c].status in ("G", "Y") and not ratings[c].qualified for c in members)
        ]
        line = lines[group]
        if not satisfied:
            assert line.startswith("No area has satisfied"), line
        elif len(satisfied) == len(areas):
            assert line.startswith(f"All {len(areas)} areas"), line
        else:
            named = line.split("(", 1)[1].split(")", 1)[0]
            assert named.replace(" and ", ", ").split(", ") == satisfied, line


@pytest.mark.parametrize(
    ("criterion", "national"),
    [
        ("NC1: Plan jointly agreed", True),
        ("National condition: plan jointly agreed", True),
        ("Metrics: non-elective admissions against the plan", False),
        ("Finance: pooled budget and section 75 agreement", False),
    ],
)
def test_the_national_conditions_are_told_by_their_names(criterion, national):
    assert is_national_condition(criterion) is national
