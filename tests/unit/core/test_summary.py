"""The latest position of a metric, on the Leicestershire 2017-18 highlight report."""

from datetime import date

import pytest

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import MetricSpec, Observation, month_span, summarise_metric

DTOC = MetricSpec(
    "bcf_dtoc", "Delayed transfers of care", "rate", 100_000, "lower_is_better", "month"
)
NEL = MetricSpec("bcf_nel", "Non-elective admissions", "count", 1, "lower_is_better", "month")


APRIL_2016 = Month(2016, 4)


def monthly(values, *, start=APRIL_2016, denominator=None):
    return [
        Observation(
            (start + i).first_day,
            (start + i).last_day,
            numerator=v,
            denominator=denominator,
        )
        for i, v in enumerate(values)
    ]


def year_target(value, year="2017-18", numerator=None, denominator=None):
    fy = FinancialYear.parse(year)
    return Observation(fy.start, fy.end, numerator=numerator, denominator=denominator, value=value)


def test_month_span():
    assert month_span(date(2017, 8, 1), date(2017, 8, 31)) == 1
    assert month_span(date(2017, 4, 1), date(2018, 3, 31)) == 12


def test_the_delayed_transfers_worked_example():
    delayed_days = [
        1300,
        1350,
        1400,
        1500,
        1450,
        1380,
        1420,
        1600,
        1700,
        1650,
        1500,
        1480,
        1550,
        1580,
        1590,
        1620,
        1611,
    ]  # fmt: skip  April 2016 to August 2017
    actuals = monthly(delayed_days, denominator=546_195)
    summary = summarise_metric(DTOC, actuals, [year_target(278.57)], Month(2017, 8))
    assert summary.latest.period_start == date(2017, 8, 1)
    assert round(summary.estimate.value, 2) == 294.95
    assert (round(summary.estimate.lower, 2), round(summary.estimate.upper, 2)) == (280.72, 309.71)
    assert summary.target_value == 278.57
    assert summary.comparison == "significantly_worse"
    assert summary.data_rag == "R"
    # July 2017: 1,620 days, 296.6 (282.3 to 311.4): the intervals overlap.
    assert summary.previous.period_start == date(2017, 7, 1)
    assert summary.direction == "no_significant_change"
    assert summary.spc is not None
    assert len(summary.spc) == 17
    assert summary.spc_months[0] == Month(2016, 4)
    # The seasonal forecast uses 2016-17 as the profile; a monthly rate's year-end is the
    # average monthly rate.
    forecast = summary.forecast
    assert forecast.method == "seasonal"
    share = sum(delayed_days[:5]) / sum(delayed_days[:12])
    expected_total = sum(delayed_days[12:]) / share
    assert forecast.value == pytest.approx(expected_total / 12 / 546_195 * 100_000)
    assert forecast.target == 278.57
    assert 0 <= forecast.probability_meeting_target < 0.5


def test_values_after_the_month_are_ignored_and_none_before_any():
    actuals = monthly([1300, 1350, 1400], denominator=546_195)
    summary = summarise_metric(DTOC, actuals, [], Month(2016, 5))
    assert summary.latest.period_start == date(2016, 5, 1)
    assert summary.target is None
    assert summary.comparison is None
    assert summary.data_rag == "NA"
    assert summary.spc is None  # too short
    assert summarise_metric(DTOC, actuals, [], Month(2016, 3)) is None


def test_count_run_rate_forecast_without_last_year():
    actuals = monthly([5480, 5330, 5360, 5420, 5323], start=Month(2017, 4))
    target = year_target(60_582, numerator=60_582)
    summary = summarise_metric(NEL, actuals, [target], Month(2017, 8))
    assert summary.forecast.method == "run_rate"
    assert summary.forecast.value == pytest.approx(26_913 * 12 / 5)
    assert summary.forecast.target == 60_582
    assert summary.forecast.probability_meeting_target < 1e-6
    # August's 5,323 against the year's target pro rata: 60,582 / 12 = 5,048.5
    assert summary.target_value == pytest.approx(5048.5)
    assert summary.comparison == "significantly_worse"
    assert summary.warnings == (
        "the count target of 60,582 for 12 months is pro-rated to 5,048.5 for the 1-month period",
    )


def test_published_value_mismatch_is_a_warning_and_the_computed_value_is_shown():
    spec = MetricSpec(
        "skc_perm", "Permanent admissions", "rate", 100_000, "lower_is_better", "year"
    )
    baseline = Observation(date(2012, 4, 1), date(2013, 3, 31), 358, 43_636, 156.2)
    summary = summarise_metric(spec, [baseline], [], Month(2013, 3))
    assert round(summary.estimate.value, 1) == 820.4
    assert summary.warnings == (
        "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42; the computed value is shown",
    )
    assert summary.forecast is None  # yearly metric


def test_direction_against_the_previous_period_of_the_same_length():
    spec = MetricSpec("reab", "Reablement", "proportion", 100, "higher_is_better", "year")
    quarter = Observation(date(2016, 10, 1), date(2016, 12, 31), 700, 1000)
    older_year = Observation(date(2015, 4, 1), date(2016, 3, 31), 1300, 1600)
    year = Observation(date(2016, 4, 1), date(2017, 3, 31), 1500, 1600)
    summary = summarise_metric(spec, [older_year, quarter, year], [], Month(2017, 3))
    assert summary.previous == older_year
    assert summary.direction == "improving"  # 81.3% (79.3-83.1) -> 93.8% (92.4-94.8)


def test_an_observation_says_when_its_published_value_disagrees_with_its_counts():
    """Seed 002's permanent admissions baseline: 156.2 published from 358 / 43,636, which is
    820.42 per 100,000; a value within rounding of its counts, or without counts, says nothing."""
    spec = MetricSpec("perm", "Permanent admissions", "rate", 100_000, "lower_is_better", "year")
    year = (date(2012, 4, 1), date(2013, 3, 31))
    published = Observation(*year, numerator=358, denominator=43_636, value=156.2)
    assert published.published_mismatch(spec) == (
        "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42"
    )
    assert (
        Observation(*year, numerator=358, denominator=43_636, value=820.4).published_mismatch(spec)
        is None
    )
    assert Observation(*year, value=156.2).published_mismatch(spec) is None
