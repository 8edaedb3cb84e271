"""The months an area can report on: from its earliest plan or data to the current month."""

import itertools
from datetime import date

import pytest

from bettercare.core.periods import Month
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.queries import (
    MonthOutOfRangeError,
    check_reportable,
    current_month,
    first_reportable_month,
    reportable_months,
)
from tests.factories import (
    make_area,
    make_funding,
    make_metric,
    make_milestone,
    make_monthly_values,
    make_period,
    make_scheme,
    make_scheme_finance,
    make_target,
)

pytestmark = pytest.mark.django_db


def test_an_area_with_nothing_yet_can_report_the_current_month_alone():
    kent = make_area()
    assert first_reportable_month(kent) == current_month()
    assert reportable_months(kent) == [current_month()]


def test_from_the_first_month_of_the_plans_first_year_to_now_newest_first():
    kent = make_area()
    make_funding(kent, year="2014-15")
    answer = reportable_months(kent)
    now = current_month()
    assert answer[0] == now
    assert answer[-1] == Month(2014, 4)
    assert len(answer) == Month(2014, 4).months_until(now) + 1
    assert all(a.index - b.index == 1 for a, b in itertools.pairwise(answer))


@pytest.mark.parametrize(
    ("make", "first"),
    [
        (lambda kent: make_funding(kent, year="2014-15"), "2014-04"),
        (
            lambda kent: make_scheme_finance(
                make_scheme(kent), "spend", year="2016-17", recurrent="1", non_recurrent="0"
            ),
            "2016-04",
        ),
        (lambda kent: make_target(kent, make_metric(), "2017-18", 100.0), "2017-04"),
        (lambda kent: make_monthly_values(kent, make_metric(), [5, 6], first="2018-02"), "2018-02"),
        (lambda kent: make_period(kent, "2019-07"), "2019-07"),
    ],
)
def test_each_kind_of_plan_or_data_starts_the_range(make, first):
    kent = make_area()
    make(kent)
    assert first_reportable_month(kent) == Month.parse(first)


def test_a_milestone_of_the_plan_starts_the_range():
    kent = make_area()
    make_funding(kent, year="2015-16")
    make_milestone(kent, "M1", baseline=date(2015, 1, 31))
    assert first_reportable_month(kent) == Month(2015, 1)


def test_a_baseline_describes_the_time_before_the_plan_and_does_not_start_it():
    kent = make_area()
    metric = make_metric()
    MetricValue.objects.create(
        area=kent,
        metric=metric,
        kind=MetricValue.Kind.BASELINE,
        period_start=date(2012, 4, 1),
        period_end=date(2013, 3, 31),
        value=150.0,
    )
    make_target(kent, metric, "2014-15", 140.0)
    assert first_reportable_month(kent) == Month(2014, 4)


def test_a_plan_that_starts_later_reports_nothing_ahead_of_time():
    kent = make_area()
    later = current_month() + 14
    make_funding(kent, year=str(later.financial_year))
    assert reportable_months(kent) == [current_month()]


def test_a_month_outside_the_range_is_refused_naming_the_range():
    kent = make_area()
    make_funding(kent, year="2014-15")
    now = current_month()
    check_reportable(kent, Month(2014, 4))
    check_reportable(kent, now)
    for month in (Month(2014, 3), now + 1):
        with pytest.raises(MonthOutOfRangeError) as refused:
            check_reportable(kent, month)
        assert str(refused.value) == (
            f"Kent (E10000016) reports months from 2014-04 (April 2014) to {now} ({now.label}); "
            f"got {month}"
        )


def _every_kind(area, first, metric):
    """One of each kind of plan or data for ``area``, all starting in the financial year
    ``first`` (``YYYY-YY``) or later."""
    year = int(first[:4])
    make_funding(area, year=first)
    scheme = make_scheme(area)
    make_scheme_finance(scheme, "spend", year=first, recurrent="1", non_recurrent="0")
    make_target(area, metric, first, 100.0)
    make_period(area, f"{year + 1}-01")
    make_milestone(area, "M1", baseline=date(year, 9, 30))


@pytest.mark.parametrize("earliest", ["period", "value", "milestone", "scheme_finance"])
def test_the_earliest_of_every_kind_wins_in_one_query_and_other_areas_do_not_count(
    earliest, django_assert_num_queries
):
    kent = make_area()
    elsewhere = make_area("E10000018", "Leicestershire")
    metric = make_metric()
    _every_kind(kent, "2016-17", metric)
    _every_kind(elsewhere, "2010-11", metric)  # earlier, but another area's
    if earliest == "period":
        make_period(kent, "2015-02")
    elif earliest == "value":
        make_monthly_values(kent, metric, [5, 6], first="2015-02")
    elif earliest == "milestone":
        make_milestone(kent, "M0", baseline=date(2015, 2, 28))
    else:
        make_scheme_finance(
            make_scheme(kent, ref="S2"), "spend", year="2014-15", recurrent="1", non_recurrent="0"
        )
    with django_assert_num_queries(1):
        first = first_reportable_month(kent)
    assert first == (Month(2014, 4) if earliest == "scheme_finance" else Month(2015, 2))
