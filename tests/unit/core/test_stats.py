"""Indicator statistics against the PHE/OHID reference methods and worked BCF examples."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats as scipy_stats

from bettercare.core.stats import (
    ESP2013,
    ESP2013_AGE_BANDS,
    Estimate,
    compare_to_target,
    direction_of_travel,
    dsr,
    proportion,
    rate,
)

Z95 = scipy_stats.norm.ppf(0.975)
counts = st.integers(min_value=0, max_value=10**7)


# --- The worked example from a BCF highlight report -----------------------------------------


def test_delayed_transfers_worked_example():
    # Leicestershire, August 2017: 1,611 delayed days for 546,195 residents aged 18+.
    delayed = rate(1611, 546195)
    assert round(delayed.value, 2) == 294.95
    assert round(delayed.lower, 2) == 280.72
    assert round(delayed.upper, 2) == 309.71
    assert delayed.method == "Byar"
    assert delayed.confidence == 0.95
    assert compare_to_target(delayed, 278.57, polarity="lower_is_better") == "significantly_worse"


def test_reablement_worked_example():
    # South Kent Coast 2012-13: 1,401 of 1,590 still at home 91 days after reablement.
    reablement = proportion(1401, 1590, multiplier=100)
    assert round(reablement.value, 1) == 88.1
    assert round(reablement.lower, 2) == 86.43
    assert round(reablement.upper, 2) == 89.61


# --- proportion: Wilson score --------------------------------------------------------------


def wilson_by_hand(x, n, z):
    p = x / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.mark.parametrize(("x", "n"), [(0, 10), (10, 10), (1, 2), (37, 250), (999, 1000)])
def test_proportion_matches_the_textbook_wilson_formula(x, n):
    lower, upper = wilson_by_hand(x, n, Z95)
    result = proportion(x, n)
    assert result.value == x / n
    assert result.lower == pytest.approx(lower, rel=1e-12, abs=1e-15)
    assert result.upper == pytest.approx(upper, rel=1e-12)
    assert result.method == "Wilson score"


def test_proportion_of_zero_has_a_lower_limit_of_zero():
    result = proportion(0, 10)
    assert result.lower == 0
    assert result.upper == pytest.approx(Z95**2 / (10 + Z95**2))


def test_proportion_accepts_every_way_of_writing_the_confidence():
    expected = proportion(30, 100, confidence=0.998)
    assert proportion(30, 100, confidence=99.8) == expected
    assert proportion(30, 100, confidence=95) == proportion(30, 100)
    z = scipy_stats.norm.ppf(0.999)
    assert expected.lower == pytest.approx(wilson_by_hand(30, 100, z)[0])


def test_proportion_broadcasts_and_returns_read_only_arrays():
    result = proportion([1, 2, 3], 10, multiplier=100)
    np.testing.assert_allclose(result.value, [10, 20, 30])
    assert isinstance(result.value, np.ndarray)
    with pytest.raises(ValueError, match="read-only"):
        result.lower[0] = 0
    with pytest.raises(AttributeError):
        result.value = 1  # type: ignore[misc]


# --- rate: exact Poisson below 10, Byar from 10 -----------------------------------------------


@pytest.mark.parametrize(
    ("events", "lower", "upper"),
    # Published exact 95% Poisson limits (e.g. PHE Technical Guide, Table of Poisson limits).
    [(0, 0.0, 3.689), (1, 0.0253, 5.572), (5, 1.624, 11.668), (9, 4.115, 17.085)],
)
def test_rate_below_ten_uses_exact_poisson_limits(events, lower, upper):
    result = rate(events, 1000, multiplier=1000)
    assert result.lower == pytest.approx(lower, abs=6e-4)
    assert result.upper == pytest.approx(upper, abs=6e-4)
    assert result.method == "exact Poisson"


def test_rate_from_ten_uses_byars_approximation():
    x = 10
    lower = x * (1 - 1 / (9 * x) - Z95 / (3 * math.sqrt(x))) ** 3
    upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + Z95 / (3 * math.sqrt(x + 1))) ** 3
    result = rate(x, 200, multiplier=1)
    assert result.lower == pytest.approx(lower / 200, rel=1e-12)
    assert result.upper == pytest.approx(upper / 200, rel=1e-12)


def test_rate_array_mixing_methods_names_both():
    result = rate([3, 30], [1000, 1000])
    assert result.method == "Byar (10 or more events), exact Poisson"
    assert result.lower[0] == pytest.approx(rate(3, 1000).lower)
    assert result.upper[1] == pytest.approx(rate(30, 1000).upper)


def test_rate_exact_limits_agree_with_scipy_chi2():
    for events in range(10):
        result = rate(events, 1, multiplier=1)
        expected_lower = scipy_stats.chi2.ppf(0.025, 2 * events) / 2 if events else 0.0
        assert result.lower == pytest.approx(expected_lower, rel=1e-10)
        assert result.upper == pytest.approx(scipy_stats.chi2.ppf(0.975, 2 * events + 2) / 2)


# --- dsr: Dobson ------------------------------------------------------------------------------


def test_esp2013_is_the_published_standard_population():
    assert sum(ESP2013) == 100_000
    assert len(ESP2013) == len(ESP2013_AGE_BANDS) == 19
    assert ESP2013[0] == 5000
    assert ESP2013[-1] == 1000
    assert ESP2013_AGE_BANDS[-1] == "90+"


def dsr_by_hand(x, n, w, z=Z95):
    total_w = sum(w)
    value = sum(xi * wi / ni for xi, ni, wi in zip(x, n, w, strict=True)) / total_w
    var = sum(xi * (wi / ni) ** 2 for xi, ni, wi in zip(x, n, w, strict=True)) / total_w**2
    o = sum(x)
    lo = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
    hi = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return (
        value * 1e5,
        (value + math.sqrt(var / o) * (lo - o)) * 1e5,
        (value + math.sqrt(var / o) * (hi - o)) * 1e5,
    )


def test_dsr_over_the_european_standard_population():
    # Falls admissions aged 65+: the last six bands carry the events.
    x = [0] * 13 + [40, 55, 80, 110, 95, 60]
    n = [30000] * 13 + [18000, 15000, 11000, 8000, 4500, 2000]
    value, lower, upper = dsr_by_hand(x, n, ESP2013)
    result = dsr(x, n)
    assert result.value == pytest.approx(value, rel=1e-12)
    assert result.lower == pytest.approx(lower, rel=1e-12)
    assert result.upper == pytest.approx(upper, rel=1e-12)
    assert result.method == "Dobson"


def test_dsr_is_nan_below_ten_events_and_broadcasts_over_groups():
    few = [1, 2, 3, 3]
    many = [10, 20, 30, 40]
    populations = [1000, 1000, 1000, 1000]
    weights = [1, 2, 3, 4]
    result = dsr([few, many], [populations, populations], weights, multiplier=1000)
    assert np.isnan(result.value[0])
    assert np.isnan(result.lower[0])
    assert np.isnan(result.upper[0])
    assert result.value[1] == pytest.approx((10 * 1 + 20 * 2 + 30 * 3 + 40 * 4) / 1000 / 10 * 1000)
    assert not result.has_limits


def test_dsr_rejects_a_single_number():
    with pytest.raises(ValueError, match="one value per band"):
        dsr(5, 100, [1])


# --- invariants -------------------------------------------------------------------------------


@given(x=counts, extra=counts)
def test_proportion_interval_contains_value_and_widens_with_confidence(x, extra):
    n = x + extra + 1
    narrow = proportion(x, n)
    wide = proportion(x, n, confidence=0.998)
    assert 0 <= narrow.lower <= narrow.value <= narrow.upper <= 1 + 1e-12
    assert wide.lower <= narrow.lower + 1e-15
    assert wide.upper >= narrow.upper - 1e-15


@given(x=counts, extra=counts)
def test_proportion_is_symmetric_in_success_and_failure(x, extra):
    n = x + extra + 1
    success, failure = proportion(x, n), proportion(n - x, n)
    assert success.lower == pytest.approx(1 - failure.upper, abs=1e-12)
    assert success.upper == pytest.approx(1 - failure.lower, abs=1e-12)


@given(x=st.integers(0, 10**6), population=st.integers(1, 10**8))
def test_rate_interval_contains_value_and_widens_with_confidence(x, population):
    narrow = rate(x, population)
    wide = rate(x, population, confidence=99.8)
    assert 0 <= narrow.lower <= narrow.value <= narrow.upper
    assert wide.lower <= narrow.lower
    assert wide.upper >= narrow.upper


@given(
    bands=st.lists(
        st.tuples(st.integers(0, 5000), st.integers(1, 10**6), st.integers(1, 10000)),
        min_size=1,
        max_size=19,
    )
)
def test_dsr_interval_contains_value(bands):
    x, n, w = (list(column) for column in zip(*bands, strict=True))
    narrow = dsr(x, n, w)
    if sum(x) < 10:
        assert math.isnan(narrow.value)
        return
    wide = dsr(x, n, w, confidence=0.998)
    assert narrow.lower <= narrow.value * (1 + 1e-12)
    assert narrow.value <= narrow.upper * (1 + 1e-12)
    assert wide.lower <= narrow.lower * (1 + 1e-12)
    assert wide.upper >= narrow.upper * (1 - 1e-12)


@given(
    xs=st.lists(st.integers(0, 10**5), min_size=1, max_size=20), population=st.integers(1, 10**7)
)
def test_array_results_equal_scalar_results(xs, population):
    together = rate(xs, population)
    for i, x in enumerate(xs):
        alone = rate(x, population)
        assert together.value[i] == alone.value
        assert together.lower[i] == pytest.approx(alone.lower, rel=1e-12)
        assert together.upper[i] == pytest.approx(alone.upper, rel=1e-12)


# --- compare_to_target and direction_of_travel ------------------------------------------------


@pytest.mark.parametrize(
    ("estimate", "target", "polarity", "expected"),
    [
        (Estimate(90, 85, 95), 80, "higher_is_better", "significantly_better"),
        (Estimate(90, 80, 95), 80, "higher_is_better", "significantly_better"),  # lower == target
        (Estimate(90, 79, 95), 80, "higher_is_better", "better"),
        (Estimate(80, 75, 85), 80, "higher_is_better", "better"),  # meets exactly
        (Estimate(78, 75, 85), 80, "higher_is_better", "worse"),
        (Estimate(78, 75, 79.9), 80, "higher_is_better", "significantly_worse"),
        (Estimate(78, 75, 80), 80, "higher_is_better", "worse"),  # upper == target
        (Estimate(70, 65, 75), 80, "lower_is_better", "significantly_better"),
        (Estimate(70, 65, 80), 80, "lower_is_better", "significantly_better"),  # upper == target
        (Estimate(85, 80, 90), 80, "lower_is_better", "worse"),  # lower == target
        (Estimate(85, 80.1, 90), 80, "lower_is_better", "significantly_worse"),
        (85, 80, "lower_is_better", "worse"),
        (75, 80, "lower_is_better", "better"),
        (Estimate(75, math.nan, math.nan), 80, "lower_is_better", "better"),
        (Estimate(math.nan, math.nan, math.nan), 80, "lower_is_better", None),
    ],
)
def test_compare_to_target_boundaries(estimate, target, polarity, expected):
    assert compare_to_target(estimate, target, polarity=polarity) == expected


@given(
    value=st.floats(-1e6, 1e6),
    half_width=st.floats(0, 1e5),
    skew=st.floats(0, 1),
    target=st.floats(-1e6, 1e6),
)
def test_compare_to_target_is_symmetric_in_polarity(value, half_width, skew, target):
    estimate = Estimate(value, value - half_width * skew, value + half_width)
    mirrored = Estimate(-value, -estimate.upper, -estimate.lower)
    assert compare_to_target(estimate, target, polarity="higher_is_better") == compare_to_target(
        mirrored, -target, polarity="lower_is_better"
    )


def test_compare_to_target_on_arrays():
    estimates = rate([1611, 1400, 1500], 546195)
    result = compare_to_target(estimates, 278.57, polarity="lower_is_better")
    assert list(result) == ["significantly_worse", "significantly_better", "better"]


def test_direction_of_travel():
    before = Estimate(300, 290, 310)
    assert direction_of_travel(Estimate(280, 270, 289), before, polarity="lower_is_better") == (
        "improving"
    )
    assert direction_of_travel(Estimate(280, 270, 289), before, polarity="higher_is_better") == (
        "worsening"
    )
    assert direction_of_travel(Estimate(295, 285, 305), before, polarity="lower_is_better") == (
        "no_significant_change"
    )
    assert direction_of_travel(Estimate(280, 270, 290), before, polarity="lower_is_better") == (
        "no_significant_change"
    )  # touching intervals overlap
    assert (
        direction_of_travel(Estimate(280, math.nan, math.nan), before, polarity="lower_is_better")
        is None
    )


@given(
    a=st.tuples(st.floats(0, 1e4), st.floats(0, 1e3)),
    b=st.tuples(st.floats(0, 1e4), st.floats(0, 1e3)),
)
def test_direction_of_travel_reverses_when_periods_swap(a, b):
    first = Estimate(a[0], a[0] - a[1], a[0] + a[1])
    second = Estimate(b[0], b[0] - b[1], b[0] + b[1])
    forward = direction_of_travel(second, first, polarity="higher_is_better")
    backward = direction_of_travel(first, second, polarity="higher_is_better")
    swapped = {"improving": "worsening", "worsening": "improving"}
    assert backward == swapped.get(forward, forward)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: proportion(-1, 10), r"x must be zero or more; got -1.0"),
        (lambda: proportion(11, 10), r"x must not exceed n .* x=11.0 and n=10.0"),
        (lambda: proportion([1, 12, 3], 10), r"x must not exceed n .* at position 1"),
        (lambda: proportion(1, 0), r"n must be greater than zero; got 0.0"),
        (lambda: proportion(math.nan, 10), r"x must be a finite number .* got nan"),
        (lambda: proportion(1, [10, math.inf]), r"n must be a finite number .* at position 1"),
        (lambda: proportion(1, 10, confidence=0.5), r"confidence must be between 90% and 100%"),
        (lambda: proportion(1, 10, confidence=100), r"confidence must be between 90% and 100%"),
        (
            lambda: proportion([1, 2], [3, 4, 5]),
            r"mismatched lengths: x has shape \(2,\), n has shape \(3,\)",
        ),
        (lambda: proportion("a", 10), r"x must be numeric"),
        (lambda: rate(5, -3), r"denominator must be greater than zero; got -3.0"),
        (lambda: rate([5, -2], 100), r"x must be zero or more; got -2.0 at position 1"),
        (
            lambda: dsr([1, 2], [10, 0], [1, 1]),
            r"n must be greater than zero; got 0.0 at position 1",
        ),
        (lambda: dsr([1, 2], [10, 10], [1, 1, 1]), r"mismatched lengths"),
        (lambda: compare_to_target(5, 4, polarity="up"), r"polarity must be one of"),
        (
            lambda: compare_to_target(5, math.nan, polarity="lower_is_better"),
            r"target must be a finite",
        ),
        (
            lambda: direction_of_travel(Estimate(1, 0, 2), Estimate(1, 0, 2), polarity="sideways"),
            r"polarity must be one of 'lower_is_better', 'higher_is_better'; got 'sideways'",
        ),
    ],
)
def test_bad_input_names_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()
