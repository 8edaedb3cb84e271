"""The months an area can report on: from its earliest plan or data to the current month."""

import itertools
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from bettercare.core.periods import Month
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.queries import first_reportable_month, reportable_months
from tests.integration.web.factories import (
    KENT,
    MEDWAY,
    make_area,
    make_funding,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_target,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


def months(*texts):
    return [Month.parse(text) for text in texts]


def test_an_area_with_nothing_yet_can_report_the_current_month_alone():
    kent = make_area()
    assert first_reportable_month(kent) is None
    assert reportable_months(kent, today=TODAY) == months("2026-12")


def test_from_the_first_month_of_the_plans_first_year_to_today_newest_first():
    kent = make_area()
    make_funding(kent, year="2025-26")
    answer = reportable_months(kent, today=TODAY)
    assert answer[0] == Month(2026, 12)
    assert answer[-1] == Month(2025, 4)
    assert len(answer) == 21
    assert answer == sorted(answer, key=lambda m: m.index, reverse=True)


@pytest.mark.parametrize(
    ("make", "first"),
    [
        (lambda kent: make_funding(kent, year="2014-15"), "2014-04"),
        (lambda kent: make_savings_plan(kent, year="2015-16"), "2015-04"),
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


def test_an_actual_for_a_whole_year_counts_from_the_month_it_ends():
    kent = make_area()
    MetricValue.objects.create(
        area=kent,
        metric=make_metric(),
        kind=MetricValue.Kind.ACTUAL,
        period_start=date(2013, 4, 1),
        period_end=date(2014, 3, 31),
        numerator=12,
        denominator=1000,
    )
    assert first_reportable_month(kent) == Month(2014, 3)


def test_a_region_covers_its_areas_and_an_area_not_its_siblings():
    region = make_region()
    kent = make_area(parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    make_funding(kent, year="2016-17")
    make_funding(medway, year="2014-15")
    assert first_reportable_month(region) == Month(2014, 4)
    assert first_reportable_month(kent) == Month(2016, 4)
    answer = reportable_months(region, today=TODAY)
    assert (answer[0], answer[-1]) == (Month(2026, 12), Month(2014, 4))


def test_a_plan_that_starts_after_today_reports_nothing_ahead_of_time():
    kent = make_area()
    make_funding(kent, year="2027-28")
    assert reportable_months(kent, today=TODAY) == months("2026-12")


def test_the_default_today_is_the_sites_current_month():
    from django.utils import timezone

    kent = make_area()
    assert reportable_months(kent) == [Month.of(timezone.localdate())]


class TestRangeProperties(TestCase):
    @settings(max_examples=25, deadline=None)
    @given(
        first=st.integers(2010 * 12, 2030 * 12),
        today=st.dates(date(2009, 1, 1), date(2031, 12, 31)),
    )
    def test_consecutive_months_from_the_first_to_today(self, first, today):
        kent = make_area(KENT)
        month = Month(first // 12, first % 12 + 1)
        make_period(kent, str(month))
        answer = reportable_months(kent, today=today)
        current = Month.of(today)
        assert answer[0] == current
        assert all(a.index - b.index == 1 for a, b in itertools.pairwise(answer))
        expected_last = month if month.index <= current.index else current
        assert answer[-1] == expected_last
