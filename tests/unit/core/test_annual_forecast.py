"""An annual metric's year-end forecast from its monthly figures (ADR 0111).

The seed highlight report (Leicestershire, September/October 2017) forecasts its annual
permanent admissions metric from the council's monthly figures: "The current full year
forecast is 840 admissions (or 602.9 per 100,000 population)" against a target of 630.6
(879 admissions) for a population aged 65 and over of 139,327.
"""

from __future__ import annotations

import pytest

from bettercare.core.forecast import run_rate, seasonal
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import MetricSpec, Observation, summarise_metric

PERMANENT = MetricSpec(
    "bcf_permanent_admissions_65",
    "Permanent admissions of older people to care homes",
    "rate",
    100_000,
    "lower_is_better",
    "year",
)
REABLEMENT = MetricSpec(
    "bcf_reablement_91_days", "Still at home 91 days after", "proportion", 100,
    "higher_is_better", "year",
)  # fmt: skip
POPULATION = 139_327.0
YEAR = FinancialYear(2017)


def year(
    fy: FinancialYear, numerator: float | None = None, value: float | None = None
) -> Observation:
    return Observation(fy.start, fy.end, numerator=numerator, denominator=POPULATION, value=value)


def months(counts: list[float], first: Month = YEAR.first_month) -> list[Observation]:
    return [
        Observation(
            (first + i).first_day, (first + i).last_day, numerator=c, denominator=POPULATION
        )
        for i, c in enumerate(counts)
    ]


LAST_YEAR = year(FinancialYear(2016), numerator=861.0)
TARGET = Observation(YEAR.start, YEAR.end, value=630.6)
#: April to September 2017: 420 admissions in six months, 840 at the run rate.
APRIL_TO_SEPTEMBER = [72.0, 68.0, 70.0, 71.0, 69.0, 70.0]


def test_the_seed_forecast_of_840_admissions_or_602_9_per_100000() -> None:
    position = summarise_metric(
        PERMANENT, [LAST_YEAR, *months(APRIL_TO_SEPTEMBER)], [TARGET], Month(2017, 9)
    )
    assert position is not None
    forecast = position.forecast
    assert forecast is not None
    assert position.forecast_basis == "monthly_figures"
    assert forecast.method == "run_rate"
    assert forecast.observed == 420
    assert forecast.value * POPULATION / 100_000 == pytest.approx(840)
    assert round(forecast.value, 1) == 602.9
    assert forecast.target == 630.6
    # The same as core.forecast on the figures themselves.
    direct = run_rate(APRIL_TO_SEPTEMBER, target=630.6, denominator=POPULATION, multiplier=100_000)
    assert forecast == direct
    # The position is still the annual figure, not a month's.
    assert position.latest == LAST_YEAR
    assert round(position.estimate.value or 0, 1) == round(861 / POPULATION * 100_000, 1)


def test_last_years_monthly_profile_gives_a_seasonal_forecast() -> None:
    last_year = [60.0, 62.0, 65.0, 70.0, 72.0, 75.0, 80.0, 78.0, 76.0, 74.0, 70.0, 68.0]
    observed = [64.0, 66.0, 68.0]
    actuals = [LAST_YEAR, *months(last_year, FinancialYear(2016).first_month), *months(observed)]
    position = summarise_metric(PERMANENT, actuals, [TARGET], Month(2017, 6))
    assert position is not None
    assert position.forecast is not None
    assert position.forecast == seasonal(
        observed, last_year, target=630.6, denominator=POPULATION, multiplier=100_000
    )
    # F = x / s: 198 admissions in the months that held 187 of last year's 850.
    assert position.forecast.value * POPULATION / 100_000 == pytest.approx(198 * 850 / 187)


def test_only_months_up_to_the_report_month_count() -> None:
    position = summarise_metric(
        PERMANENT, [LAST_YEAR, *months(APRIL_TO_SEPTEMBER)], [TARGET], Month(2017, 5)
    )
    assert position is not None
    assert position.forecast is not None
    assert position.forecast.observed == 140
    assert position.forecast.months_observed == 2


def test_without_monthly_figures_there_is_no_forecast_and_the_reason_says_so() -> None:
    position = summarise_metric(PERMANENT, [LAST_YEAR], [TARGET], Month(2017, 9))
    assert position is not None
    assert position.forecast is None
    assert position.forecast_basis == "no_monthly_figures"


def test_a_gap_in_the_months_is_not_a_year_to_date() -> None:
    figures = months(APRIL_TO_SEPTEMBER)
    del figures[2]  # no June
    position = summarise_metric(PERMANENT, [LAST_YEAR, *figures], [TARGET], Month(2017, 9))
    assert position is not None
    assert position.forecast is None
    assert position.forecast_basis == "no_monthly_figures"


def test_a_proportion_is_not_forecast() -> None:
    fy = FinancialYear(2016)
    position = summarise_metric(
        REABLEMENT,
        [Observation(fy.start, fy.end, numerator=320.0, denominator=370.0)],
        [],
        Month(2017, 9),
    )
    assert position is not None
    assert position.forecast is None
    assert position.forecast_basis == "not_forecastable"
