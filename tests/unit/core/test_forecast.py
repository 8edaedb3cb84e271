"""Year-end forecasts, with the non-elective admissions example from a BCF highlight report."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from bettercare.core.forecast import run_rate, seasonal

# April to August 2017: 26,913 non-elective admissions in Leicestershire.
YEAR_TO_DATE = [5480, 5330, 5360, 5420, 5323]
TARGET = 60_582


def test_run_rate_forecast_of_the_worked_example():
    forecast = run_rate(YEAR_TO_DATE, target=TARGET, polarity="lower_is_better")
    assert sum(YEAR_TO_DATE) == 26_913
    assert forecast.value == pytest.approx(26_913 * 12 / 5)  # 64,591.2
    k = 7 / 5
    spread = math.sqrt(26_913 * k * (1 + k))
    z = stats.norm.ppf(0.975)
    assert forecast.lower == pytest.approx(64_591.2 - z * spread)
    assert forecast.upper == pytest.approx(64_591.2 + z * spread)
    assert forecast.probability_meeting_target == pytest.approx(
        stats.norm.cdf((TARGET - 64_591.2) / spread)
    )
    assert forecast.probability_meeting_target < 1e-30
    assert (forecast.method, forecast.months_observed, forecast.observed) == ("run_rate", 5, 26_913)


def test_seasonal_forecast_reproduces_the_published_65701():
    # Last year's profile: April to August held 26,913 / 65,701 of the year's admissions.
    share = 26_913 / 65_701
    first_five = [share / 5 * 100_000] * 5
    last_seven = [(1 - share) / 7 * 100_000] * 7
    forecast = seasonal(YEAR_TO_DATE, first_five + last_seven, target=TARGET)
    assert round(forecast.value) == 65_701
    assert forecast.lower < forecast.value < forecast.upper
    assert forecast.probability_meeting_target < 1e-30
    assert forecast.method == "seasonal"


def test_forecast_of_a_rate():
    forecast = run_rate([140, 150, 145], denominator=546_195, multiplier=100_000, target=110)
    assert forecast.value == pytest.approx(435 * 4 / 546_195 * 100_000)
    assert forecast.target == 110
    # probability computed on the count scale: 110 per 100,000 is 600.8 admissions
    spread = math.sqrt(435 * 3 * 4)
    assert forecast.probability_meeting_target == pytest.approx(
        stats.norm.cdf((110 * 546_195 / 100_000 - 1740) / spread)
    )


def test_higher_is_better_probability_is_the_upper_tail():
    low = run_rate([10, 10, 10], target=100, polarity="higher_is_better")
    high = run_rate([10, 10, 10], target=100, polarity="lower_is_better")
    assert low.probability_meeting_target + high.probability_meeting_target == pytest.approx(1)


def test_a_complete_year_has_no_uncertainty():
    forecast = run_rate([10] * 12, target=130)
    assert forecast.value == forecast.lower == forecast.upper == 120
    assert forecast.probability_meeting_target == 1.0
    assert run_rate([10] * 12, target=110).probability_meeting_target == 0.0


@given(
    months=st.lists(st.integers(0, 5000), min_size=1, max_size=12),
    target=st.floats(0, 1e5),
)
def test_forecast_invariants(months, target):
    forecast = run_rate(months, target=target)
    assert forecast.observed <= forecast.lower + 1e-9
    assert forecast.lower <= forecast.value <= forecast.upper
    assert 0 <= forecast.probability_meeting_target <= 1
    wider = run_rate(months, confidence=0.998)
    assert wider.upper >= forecast.upper


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: run_rate([]), "year_to_date must hold between 1 and 12 monthly counts, got 0"),
        (lambda: run_rate([1] * 13), "got 13"),
        (
            lambda: run_rate([1, -2]),
            "year_to_date must hold counts of zero or more; got -2 at position 1",
        ),
        (lambda: run_rate([1, math.nan]), "at position 1"),
        (lambda: run_rate([1, "x"]), "year_to_date must hold numbers; got 'x' at position 1"),
        (lambda: run_rate([1], polarity="up"), "polarity must be one of"),
        (lambda: run_rate([1], confidence=0.5), "confidence must be between"),
        (lambda: run_rate([1], denominator=0), "denominator must be greater than zero"),
        (lambda: seasonal([1], [1] * 11), "last_year must hold 12 monthly counts, got 11"),
        (
            lambda: seasonal([1], [0] + [1] * 11),
            "last_year must have counts in the months observed",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
