"""The year to date against the year-to-date target (ADR 0094), on seed 001's worked example:
"for the period April to August 2017, there have been 26,913 non-elective admissions, against
a target of 25,196 – a variance of 1,717"."""

import pytest

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import MetricSpec, Observation, summarise_metric
from bettercare.core.year_to_date import MonthlyActual, year_to_date

APRIL, AUGUST = Month(2017, 4), Month(2017, 8)
MONTHS = [APRIL + i for i in range(5)]
#: Leicestershire's non-elective admissions, April to August 2017 (26,913 in all).
ADMISSIONS = (5480.0, 5330.0, 5360.0, 5420.0, 5323.0)
#: A profiled plan for the same months adding up to the paper's 25,196.
PLANNED = (5100.0, 5000.0, 5050.0, 5046.0, 5000.0)
POPULATION = 684_138.0


def counts(values, months=MONTHS, denominator=None):
    return {m: MonthlyActual(v, denominator) for m, v in zip(months, values, strict=True)}


def test_the_board_papers_year_to_date_of_admissions():
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity="lower_is_better",
        month=AUGUST,
        actuals=counts(ADMISSIONS),
        targets=dict(zip(MONTHS, PLANNED, strict=True)),
    )
    assert ytd is not None
    assert ytd.year == FinancialYear(2017)
    assert ytd.months == tuple(MONTHS)
    assert (ytd.actual, ytd.target, ytd.variance) == (26_913.0, 25_196.0, 1_717.0)
    assert ytd.variance_percent == pytest.approx(6.8146, abs=1e-4)
    assert ytd.position == "above"
    assert ytd.better_than_plan is False  # more admissions than planned: the worse side
    assert ytd.months_missing == 0


def test_a_rate_adds_up_its_counts_and_the_counts_its_target_rate_implies():
    # The demo's plan: an average monthly rate of 737.92 per 100,000 for 2017-18, applied to
    # each month's population: 737.92 x 684,138 / 100,000 x 5 = 25,241.96 admissions.
    ytd = year_to_date(
        "rate",
        multiplier=100_000,
        polarity="lower_is_better",
        month=AUGUST,
        actuals=counts(ADMISSIONS, denominator=POPULATION),
        targets=dict.fromkeys(MONTHS, 737.92),
    )
    assert ytd is not None
    assert ytd.actual == 26_913.0
    assert ytd.target == pytest.approx(25_241.956, abs=0.001)
    assert ytd.variance == pytest.approx(1_671.044, abs=0.001)


def test_a_missing_month_is_left_out_of_both_sides():
    actuals = counts(ADMISSIONS)
    del actuals[Month(2017, 7)]
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity="lower_is_better",
        month=AUGUST,
        actuals=actuals,
        targets=dict(zip(MONTHS, PLANNED, strict=True)),
    )
    assert ytd is not None
    assert ytd.missing_actual == (Month(2017, 7),)
    assert ytd.months == (APRIL, APRIL + 1, APRIL + 2, AUGUST)
    assert (ytd.actual, ytd.target) == (26_913.0 - 5420, 25_196.0 - 5046)


def test_a_month_without_a_target_is_left_out_and_named():
    targets = dict(zip(MONTHS, PLANNED, strict=True))
    del targets[APRIL]
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity="higher_is_better",
        month=AUGUST,
        actuals=counts(ADMISSIONS),
        targets=targets,
    )
    assert ytd is not None
    assert ytd.missing_target == (APRIL,)
    assert (ytd.actual, ytd.target) == (26_913.0 - 5480, 25_196.0 - 5100)
    assert ytd.better_than_plan is True  # more than planned where more is better


def test_months_after_the_report_month_and_other_years_do_not_count():
    months = [Month(2017, 3), *MONTHS]
    ytd = year_to_date(
        "count",
        multiplier=1,
        polarity="lower_is_better",
        month=Month(2017, 6),
        actuals=counts((9999.0, *ADMISSIONS), months=months),
        targets=dict(zip(months, (1.0, *PLANNED), strict=True)),
    )
    assert ytd is not None
    assert ytd.months == (APRIL, APRIL + 1, APRIL + 2)
    assert (ytd.actual, ytd.target) == (5480 + 5330 + 5360, 5100 + 5000 + 5050)


@pytest.mark.parametrize("unit", ["proportion", "mean", "dsr"])
def test_figures_that_do_not_add_up_have_no_year_to_date(unit):
    assert (
        year_to_date(
            unit,
            multiplier=100,
            polarity="higher_is_better",
            month=AUGUST,
            actuals=counts(ADMISSIONS, denominator=10_000.0),
            targets=dict.fromkeys(MONTHS, 50.0),
        )
        is None
    )


def test_nothing_to_compare_gives_none():
    assert (
        year_to_date(
            "count",
            multiplier=1,
            polarity="lower_is_better",
            month=AUGUST,
            actuals=counts(ADMISSIONS),
            targets={},
        )
        is None
    )


def test_the_summary_pro_rates_an_annual_count_target_by_month():
    spec = MetricSpec("nel", "Admissions", "count", 1, "lower_is_better", "month")
    actuals = [
        Observation(m.first_day, m.last_day, numerator=v)
        for m, v in zip(MONTHS, ADMISSIONS, strict=True)
    ]
    year = FinancialYear(2017)
    summary = summarise_metric(
        spec, actuals, [Observation(year.start, year.end, value=60_000.0)], AUGUST
    )
    assert summary is not None
    assert summary.year_to_date is not None
    assert summary.year_to_date.target == pytest.approx(25_000.0)  # 5/12 of 60,000
    assert summary.year_to_date.actual == 26_913.0


def test_the_summary_prefers_monthly_targets_and_skips_quarterly_metrics():
    spec = MetricSpec("nel", "Admissions", "count", 1, "lower_is_better", "month")
    actuals = [
        Observation(m.first_day, m.last_day, numerator=v)
        for m, v in zip(MONTHS, ADMISSIONS, strict=True)
    ]
    year = FinancialYear(2017)
    targets = [
        Observation(year.start, year.end, value=60_000.0),
        *(
            Observation(m.first_day, m.last_day, value=v)
            for m, v in zip(MONTHS, PLANNED, strict=True)
        ),
    ]
    summary = summarise_metric(spec, actuals, targets, AUGUST)
    assert summary is not None
    assert summary.year_to_date is not None
    assert summary.year_to_date.target == 25_196.0
    quarterly = MetricSpec("q", "Quarterly", "count", 1, "lower_is_better", "quarter")
    summary = summarise_metric(quarterly, actuals, targets, AUGUST)
    assert summary is not None
    assert summary.year_to_date is None
