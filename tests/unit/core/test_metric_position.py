"""A metric in force before its actuals: in force, the expected period, target and baseline."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import (
    AwaitingData,
    MetricSpec,
    MetricSummary,
    Observation,
    expected_period,
    latest_baseline,
    metric_in_force,
    metric_position,
    target_for,
)

ADMISSIONS = MetricSpec(
    "bcf_emergency_admissions_65", "Emergency admissions 65+", "rate", 100_000, "lower_is_better"
)
CARE_HOME = MetricSpec(
    "bcf_care_home_admissions_65",
    "Care home admissions",
    "rate",
    100_000,
    "lower_is_better",
    "quarter",
)
YEARLY = MetricSpec("skc_perm", "Permanent admissions", "rate", 100_000, "lower_is_better", "year")
COUNT = MetricSpec("nel", "Non-elective admissions", "count", 1, "lower_is_better", "month")
Y2025 = FinancialYear(2025)

months = st.builds(Month, st.integers(2000, 2040), st.integers(1, 12))


# -- in force ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (Month(2025, 3), False),  # 2024-25: before the metric applies
        (Month(2025, 4), True),
        (Month(2026, 12), True),  # open-ended: still in force
    ],
)
def test_a_national_metric_is_in_force_in_its_registry_years(month, expected):
    assert metric_in_force(month, applies_from=Y2025) is expected


def test_a_national_metric_that_ended_is_not_in_force_after_its_last_year():
    applies = {"applies_from": FinancialYear(2015), "applies_to": FinancialYear(2019)}
    assert metric_in_force(Month(2020, 3), **applies)
    assert not metric_in_force(Month(2020, 4), **applies)


def test_a_plan_metric_is_in_force_for_its_years_and_the_year_after():
    spans = [(date(2012, 4, 1), date(2013, 3, 31)), (date(2014, 4, 1), date(2015, 3, 31))]
    assert not metric_in_force(Month(2012, 3), spans=spans)
    assert metric_in_force(Month(2012, 4), spans=spans)
    assert metric_in_force(Month(2015, 3), spans=spans)
    assert metric_in_force(Month(2016, 3), spans=spans)  # 2014-15's figure, published in 2015-16
    assert not metric_in_force(Month(2016, 4), spans=spans)


def test_a_metric_with_neither_years_nor_values_is_not_in_force():
    assert not metric_in_force(Month(2025, 4))


@given(months, st.integers(2000, 2040), st.integers(0, 5))
def test_in_force_agrees_with_a_plain_reading_of_the_years(month, start, length):
    since, until = FinancialYear(start), FinancialYear(start + length)
    year = month.financial_year.start_year
    assert metric_in_force(month, applies_from=since, applies_to=until) == (
        start <= year <= start + length
    )


# -- the expected period -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frequency", "month", "period"),
    [
        ("month", Month(2026, 2), (date(2026, 2, 1), date(2026, 2, 28))),
        ("quarter", Month(2026, 4), (date(2026, 4, 1), date(2026, 6, 30))),
        ("quarter", Month(2026, 8), (date(2026, 7, 1), date(2026, 9, 30))),
        ("quarter", Month(2026, 12), (date(2026, 10, 1), date(2026, 12, 31))),
        ("quarter", Month(2027, 2), (date(2027, 1, 1), date(2027, 3, 31))),
        ("year", Month(2027, 2), (date(2026, 4, 1), date(2027, 3, 31))),
    ],
)
def test_expected_period(frequency, month, period):
    assert expected_period(frequency, month) == period


def test_expected_period_refuses_an_unknown_frequency():
    with pytest.raises(ValueError, match="frequency must be month, quarter or year, got 'week'"):
        expected_period("week", Month(2026, 1))  # type: ignore[arg-type]


@given(months, st.sampled_from(["month", "quarter", "year"]))
def test_the_expected_period_contains_the_month(month, frequency):
    start, end = expected_period(frequency, month)
    assert start <= month.first_day <= month.last_day <= end
    assert start.day == 1
    assert Month.of(start).financial_year == Month.of(end).financial_year


# -- baseline and target -----------------------------------------------------------------------


def year(start_year, **values):
    fy = FinancialYear(start_year)
    return Observation(fy.start, fy.end, **values)


def test_the_latest_baseline_that_has_ended_is_used():
    older, newer = year(2023, value=10.0), year(2024, value=12.0)
    assert latest_baseline([newer, older], Month(2025, 6)) == newer
    assert latest_baseline([newer, older], Month(2025, 1)) == older
    # A plan may give a baseline for a year not yet over: the earliest is shown.
    assert latest_baseline([newer, older], Month(2023, 6)) == older
    assert latest_baseline([], Month(2025, 6)) is None


def test_a_count_target_for_a_year_is_pro_rated_to_the_month():
    target = year(2025, value=1200.0)
    found, value = target_for(COUNT, [target], *expected_period("month", Month(2025, 7)))
    assert (found, value) == (target, 100.0)


def test_the_shortest_containing_target_is_used():
    annual = year(2025, value=1000.0)
    quarter = Observation(date(2025, 7, 1), date(2025, 9, 30), value=900.0)
    assert target_for(ADMISSIONS, [annual, quarter], date(2025, 8, 1), date(2025, 8, 31)) == (
        quarter,
        900.0,
    )
    assert target_for(ADMISSIONS, [quarter], date(2025, 10, 1), date(2025, 10, 31)) == (
        None,
        None,
    )


# -- the position --------------------------------------------------------------------------------


def test_a_metric_without_actuals_awaits_its_data_with_the_plan():
    targets = [Observation(m.first_day, m.last_day, value=1050.0) for m in Y2025.months()]
    baseline = year(2024, numerator=18_600, denominator=1_800_000)
    position = metric_position(ADMISSIONS, [], targets, [baseline], Month(2025, 9))
    assert position == AwaitingData(
        spec=ADMISSIONS,
        period_start=date(2025, 9, 1),
        period_end=date(2025, 9, 30),
        target=targets[5],
        target_value=1050.0,
        baseline=baseline,
    )
    assert position.status == "awaiting_data"


def test_a_quarterly_metric_awaits_the_quarter_containing_the_month():
    target = Observation(date(2025, 10, 1), date(2025, 12, 31), value=70.0)
    position = metric_position(CARE_HOME, [], [target], [], Month(2025, 11))
    assert isinstance(position, AwaitingData)
    assert (position.period_start, position.period_end, position.target_value) == (
        date(2025, 10, 1),
        date(2025, 12, 31),
        70.0,
    )


def test_a_measured_metric_carries_its_baseline():
    actual = Observation(date(2025, 4, 1), date(2025, 4, 30), numerator=1500, denominator=150_000)
    baseline = year(2024, value=1000.0)
    position = metric_position(ADMISSIONS, [actual], [], [baseline], Month(2025, 5))
    assert isinstance(position, MetricSummary)
    assert (position.status, position.baseline, position.latest) == ("measured", baseline, actual)
    assert position.estimate.value == pytest.approx(1000.0)


def test_a_yearly_plan_metric_awaits_its_year():
    position = metric_position(YEARLY, [], [year(2014, value=154.0)], [], Month(2015, 3))
    assert isinstance(position, AwaitingData)
    assert (position.period_start, position.target_value) == (date(2014, 4, 1), 154.0)
