"""The mean of record-level values from (total, count, sum of squares), with Student's t limits."""

import math
import statistics

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from bettercare.core.indicators import metric_estimate
from bettercare.core.means import mean


def reference_mean(values, confidence=0.95):
    """The textbook t interval from the values themselves (the oracle)."""
    centre = statistics.fmean(values)
    if len(values) < 2:
        return centre, math.nan, math.nan
    half = stats.t.ppf(1 - (1 - confidence) / 2, len(values) - 1)
    half *= statistics.stdev(values) / math.sqrt(len(values))
    return centre, centre - half, centre + half


def test_worked_example_of_five_discharge_delays():
    delays = [0, 0, 1, 2, 7]  # S = 10, n = 5, Q = 54; s = 2.915, t(4) = 2.776
    found = mean(sum(delays), len(delays), sum(d * d for d in delays))
    assert found.value == 2.0
    assert round(found.lower, 4) == -1.62
    assert round(found.upper, 4) == 5.62
    assert found.method == "Student's t"
    assert found.confidence == 0.95


def test_the_998_interval_is_wider():
    narrow = mean(10, 5, 54)
    wide = mean(10, 5, 54, confidence=99.8)
    assert wide.lower < narrow.lower
    assert wide.upper > narrow.upper
    assert wide.confidence == 0.998


def test_multiplier_scales_value_and_limits():
    days = mean(10, 5, 54)
    hours = mean(10, 5, 54, multiplier=24)
    assert hours.value == pytest.approx(days.value * 24)
    assert hours.lower == pytest.approx(days.lower * 24)


def test_one_record_has_a_value_but_no_limits():
    found = mean(3, 1, 9)
    assert found.value == 3.0
    assert math.isnan(found.lower)
    assert math.isnan(found.upper)
    assert not found.has_limits


def test_equal_values_have_a_zero_width_interval():
    found = mean(12, 4, 36)
    assert (found.value, found.lower, found.upper) == (3.0, 3.0, 3.0)


def test_arrays_broadcast_and_are_read_only():
    found = mean([10, 12], [5, 4], [54, 36])
    assert list(found.value) == [2.0, 3.0]
    assert list(found.upper)[1] == 3.0
    with pytest.raises(ValueError, match="read-only"):
        found.value[0] = 1.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((10, 0, 54), "count"),
        ((10, -1, 54), "count"),
        ((10, 5, -1), "sum_of_squares"),
        ((float("nan"), 5, 54), "total"),
        ((10, 5, 19), "sum_of_squares must be at least total\\*\\*2 / count"),
    ],
)
def test_bad_input_names_the_argument(args, message):
    with pytest.raises(ValueError, match=message):
        mean(*args)


@given(st.lists(st.integers(0, 400), min_size=1, max_size=60))
def test_agrees_with_the_interval_computed_from_the_values(values):
    found = mean(sum(values), len(values), sum(v * v for v in values))
    centre, lower, upper = reference_mean(values)
    assert found.value == pytest.approx(centre)
    if len(values) < 2:
        assert math.isnan(found.lower)
    else:
        assert found.lower == pytest.approx(lower, abs=1e-9)
        assert found.upper == pytest.approx(upper, abs=1e-9)
        assert found.lower <= found.value <= found.upper


@given(
    st.lists(st.integers(0, 100), min_size=1, max_size=30),
    st.lists(st.integers(0, 100), min_size=1, max_size=30),
)
def test_sums_of_two_months_give_the_mean_of_their_records(first, second):
    # Totals, counts and sums of squares add up, so a quarter is the sum of its months.
    parts = [(sum(x), len(x), sum(v * v for v in x)) for x in (first, second)]
    combined = mean(*np.sum(parts, axis=0))
    direct = reference_mean(first + second)
    assert combined.value == pytest.approx(direct[0])
    if len(first + second) > 1:
        assert combined.upper == pytest.approx(direct[2], abs=1e-9)


def test_metric_estimate_of_a_mean_with_its_sum_of_squares():
    found = metric_estimate("mean", multiplier=1, numerator=10, denominator=5, sum_of_squares=54)
    assert found.value == 2.0
    assert (round(found.lower, 4), round(found.upper, 4)) == (-1.62, 5.62)
    assert found.method == "mean (Student's t)"
    assert found.computed


def test_metric_estimate_of_a_mean_without_sum_of_squares_or_from_one_record():
    plain = metric_estimate("mean", multiplier=1, numerator=10, denominator=5)
    assert (plain.value, plain.lower, plain.method) == (2.0, None, "mean (no interval)")
    single = metric_estimate("mean", multiplier=1, numerator=4, denominator=1, sum_of_squares=16)
    assert (single.value, single.upper, single.method) == (
        4.0,
        None,
        "mean (no interval: one record)",
    )
