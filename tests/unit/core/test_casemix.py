"""Indirect standardisation: worked examples, a plain reference, and its invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import chi2

from bettercare.core.casemix import expected_events, standardised_ratio, standardised_ratios
from bettercare.core.disclosure import disclosed_count, disclosed_pair


def reference_limits(observed: int, expected: float) -> tuple[float, float]:
    """The textbook limits: exact chi-square below 10 events, Byar's from 10 (z = 1.96)."""
    z = 1.959963984540054
    if observed < 10:
        lower = 0.0 if observed == 0 else chi2.ppf(0.025, 2 * observed) / 2
        upper = chi2.ppf(0.975, 2 * observed + 2) / 2
    else:
        o = observed
        lower = o * (1 - 1 / (9 * o) - z / (3 * math.sqrt(o))) ** 3
        upper = (o + 1) * (1 - 1 / (9 * (o + 1)) + z / (3 * math.sqrt(o + 1))) ** 3
    return lower / expected, upper / expected


def test_the_worked_example_of_a_practice():
    # Three patients with probabilities 0.1, 0.2 and 0.3 expect 0.6 admissions; two admitted.
    expected = expected_events([0.1, 0.2, 0.3])
    assert expected == pytest.approx(0.6)
    r = standardised_ratio(2, expected)
    assert (round(r.ratio, 3), round(r.lower, 4), round(r.upper, 3)) == (3.333, 0.4037, 12.041)
    assert (r.method, r.funnel) == ("exact Poisson", "Not significant")
    # 30 admitted where 25 were expected: Byar's limits.
    r = standardised_ratio(30, 25.0)
    assert (round(r.ratio, 3), round(r.lower, 3), round(r.upper, 3)) == (1.2, 0.809, 1.713)


def test_funnel_positions_against_one():
    ratios = standardised_ratios([2, 40, 9, 0], [10.0, 20.0, 9.0, 0.0])
    assert [r.funnel for r in ratios] == ["Low (0.025)", "High (0.001)", "Not significant", ""]
    assert math.isnan(ratios[3].ratio)


@pytest.mark.parametrize(
    ("observed", "expected", "message"),
    [
        (-1, 1.0, "observed must be a whole number of 0 or more; got -1"),
        (1, 0.0, "expected must be a number greater than 0; got 0.0"),
    ],
)
def test_bad_input_is_named(observed, expected, message):
    with pytest.raises(ValueError, match=f"^{message}$"):
        standardised_ratio(observed, expected)


def test_probabilities_outside_0_to_1_are_named():
    with pytest.raises(ValueError, match=r"^probabilities must be from 0 to 1; got 1.5$"):
        expected_events([0.2, 1.5])


@given(
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0.05, max_value=5000, allow_nan=False),
)
def test_the_ratio_matches_the_reference_and_lies_within_its_interval(observed, expected):
    r = standardised_ratio(observed, expected)
    lower, upper = reference_limits(observed, expected)
    assert r.ratio == pytest.approx(observed / expected)
    assert r.lower == pytest.approx(lower, rel=1e-9, abs=1e-12)
    assert r.upper == pytest.approx(upper, rel=1e-9)
    assert r.lower <= r.ratio <= r.upper


@given(st.lists(st.floats(min_value=0, max_value=1, allow_nan=False), max_size=200))
def test_expected_events_is_the_plain_sum(probabilities):
    assert expected_events(probabilities) == pytest.approx(math.fsum(probabilities), abs=1e-9)


@given(st.integers(min_value=0, max_value=10_000))
def test_disclosed_counts_are_withheld_small_or_multiples_of_5_near_the_count(count):
    shown = disclosed_count(count)
    if 1 <= count <= 7:
        assert shown is None
    else:
        assert shown is not None
        assert shown % 5 == 0
        assert abs(shown - count) <= 2


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_a_disclosed_share_never_exceeds_its_whole(a, b):
    numerator, denominator = min(a, b), max(a, b)
    shown = disclosed_pair(numerator, denominator)
    if shown is not None:
        assert 0 <= shown[0] <= shown[1]
        assert shown[1] > 0
