"""Which milestones a report for a month lists (ADR 0111): the plan year in force."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.milestones import (
    activity_month_problem,
    activity_months,
    milestone_in_report,
    milestone_order,
)
from bettercare.core.periods import FinancialYear, Month

AUGUST_2017 = Month(2017, 8)


def test_the_year_in_force_is_listed_whether_due_before_or_after_the_month() -> None:
    assert milestone_in_report(date(2017, 4, 1), completed=None, month=AUGUST_2017)
    assert milestone_in_report(date(2017, 8, 31), completed=None, month=AUGUST_2017)
    assert milestone_in_report(date(2017, 9, 1), completed=None, month=AUGUST_2017)
    # The seed's October report lists its March 2018 market appraisal.
    assert milestone_in_report(date(2018, 3, 31), completed=None, month=AUGUST_2017)
    assert milestone_in_report(date(2017, 6, 30), completed=date(2017, 6, 14), month=AUGUST_2017)


def test_a_later_years_plan_is_not_yet_in_force() -> None:
    """The bug: the August 2017 report listed 2026-27 milestones as 22 days late."""
    assert not milestone_in_report(date(2018, 4, 1), completed=None, month=AUGUST_2017)
    assert not milestone_in_report(date(2026, 9, 30), completed=None, month=AUGUST_2017)
    assert not milestone_in_report(
        date(2026, 4, 30), completed=date(2026, 4, 24), month=AUGUST_2017
    )
    # March's report does not yet list April's milestones; April's does.
    assert not milestone_in_report(date(2018, 4, 1), completed=None, month=Month(2018, 3))
    assert milestone_in_report(date(2018, 4, 1), completed=None, month=Month(2018, 4))


def test_an_earlier_years_milestone_is_carried_over_only_while_open() -> None:
    march = date(2017, 3, 31)
    assert milestone_in_report(march, completed=None, month=AUGUST_2017)
    # Completed on the last day of its own year: done before the year in force.
    assert not milestone_in_report(march, completed=date(2017, 3, 31), month=AUGUST_2017)
    # Completed on the first day of the year in force: it was still open when it began.
    assert milestone_in_report(march, completed=date(2017, 4, 1), month=AUGUST_2017)
    # Completed after the report month: open at the month, so listed.
    assert milestone_in_report(march, completed=date(2017, 12, 1), month=AUGUST_2017)


def _reference(baseline: date, completed: date | None, month: Month) -> bool:
    """Plain statement of the rule, month by month."""
    year_in_force = month.financial_year
    own = FinancialYear.of(baseline)
    if own == year_in_force:
        return True
    if own.start > year_in_force.start:
        return False
    return completed is None or not completed < year_in_force.start


days = st.dates(min_value=date(2014, 1, 1), max_value=date(2030, 12, 31))


@given(days, st.one_of(st.none(), st.integers(0, 800)), days)
def test_the_rule_agrees_with_its_plain_statement(
    baseline: date, done_after: int | None, report_day: date
) -> None:
    completed = None if done_after is None else baseline + timedelta(days=done_after)
    month = Month.of(report_day)
    assert milestone_in_report(baseline, completed=completed, month=month) == _reference(
        baseline, completed, month
    )


@given(days, days)
def test_no_report_lists_a_milestone_of_a_later_year(baseline: date, report_day: date) -> None:
    month = Month.of(report_day)
    if FinancialYear.of(baseline).start > month.financial_year.start:
        assert not milestone_in_report(baseline, completed=None, month=month)


def test_programme_milestones_come_first_then_schemes_in_natural_order() -> None:
    rows = [
        ("BCF 10", date(2017, 5, 1), "M4"),
        (None, date(2017, 9, 30), "PM02"),
        ("BCF 2", date(2017, 11, 30), "M3"),
        (None, date(2017, 9, 11), "PM01"),
        ("BCF 2", date(2017, 7, 31), "M5"),
    ]
    ordered = sorted(rows, key=lambda r: milestone_order(*r))
    assert [r[2] for r in ordered] == ["PM01", "PM02", "M5", "M3", "M4"]


# -- an activity's month (ADR 0133) ---------------------------------------------------------


def test_an_activity_falls_in_one_of_the_three_months_after_the_report_or_none() -> None:
    assert activity_months(AUGUST_2017) == (Month(2017, 9), Month(2017, 10), Month(2017, 11))
    assert activity_months(Month(2017, 11)) == (Month(2017, 12), Month(2018, 1), Month(2018, 2))
    assert activity_month_problem(AUGUST_2017, None) is None
    assert activity_month_problem(AUGUST_2017, Month(2017, 11)) is None
    assert activity_month_problem(AUGUST_2017, Month(2017, 8)) == (
        "The activity's month must be one of the three after August 2017 "
        "(2017-09, 2017-10, 2017-11) or blank, got 2017-08."
    )
    assert activity_month_problem(AUGUST_2017, Month(2017, 12)) is not None


def _plain_activity_month_allowed(period: Month, month: Month) -> bool:
    """The rule as a reader states it: from one to three months after the period's month."""
    after = (month.year - period.year) * 12 + (month.month - period.month)
    return 1 <= after <= 3


months = st.builds(Month, st.integers(2000, 2100), st.integers(1, 12))


@given(months, months)
def test_the_activity_month_rule_agrees_with_its_plain_statement(
    period: Month, month: Month
) -> None:
    assert (activity_month_problem(period, month) is None) == _plain_activity_month_allowed(
        period, month
    )
    assert all(activity_month_problem(period, m) is None for m in activity_months(period))
