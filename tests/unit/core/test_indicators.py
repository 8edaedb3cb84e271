"""Stored metric values to estimates, and the published-value check on real BCF returns."""

import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.indicators import (
    Bands,
    metric_estimate,
    metric_estimates,
    metric_point_value,
    published_value_agrees,
    published_value_mismatch,
    published_values_agree,
    published_values_disagree,
)
from bettercare.core.stats import ESP2013, dsr


def test_rate_from_numerator_and_denominator():
    estimate = metric_estimate("rate", multiplier=100_000, numerator=1611, denominator=546_195)
    assert round(estimate.value, 2) == 294.95
    assert (round(estimate.lower, 2), round(estimate.upper, 2)) == (280.72, 309.71)
    assert estimate.method == "rate per 100,000 (Byar)"
    assert estimate.computed


def test_percentage_from_numerator_and_denominator():
    estimate = metric_estimate(
        "proportion", multiplier=100, numerator=1401, denominator=1590, value=88.1
    )
    assert round(estimate.value, 2) == 88.11
    assert estimate.method == "percentage (Wilson score)"
    assert estimate.published == 88.1


def test_published_value_only_has_no_interval():
    estimate = metric_estimate("rate", multiplier=100_000, value=1774.9)
    assert (estimate.value, estimate.lower, estimate.upper) == (1774.9, None, None)
    assert not estimate.computed
    assert estimate.estimate == 1774.9


def test_count_mean_and_dsr():
    count = metric_estimate("count", multiplier=1, numerator=26_913)
    assert count.value == 26_913
    assert count.lower < 26_913 < count.upper
    mean = metric_estimate("mean", multiplier=1, numerator=4_200, denominator=1_000)
    assert (mean.value, mean.lower, mean.method) == (4.2, None, "mean (no interval)")
    counts = [0] * 13 + [40, 55, 80, 110, 95, 60]
    populations = [30_000] * 13 + [18_000, 15_000, 11_000, 8_000, 4_500, 2_000]
    standardised = metric_estimate("dsr", multiplier=100_000, bands=Bands(counts, populations))
    assert standardised.value == pytest.approx(dsr(counts, populations, ESP2013).value)
    few = metric_estimate("dsr", multiplier=100_000, bands=Bands([0] * 18 + [9], [1000] * 19))
    assert few.value is None
    assert few.method.endswith("fewer than 10 events, not calculated")


@pytest.mark.parametrize(
    ("published", "computed", "agrees"),
    [
        (88.1, 88.1132, True),  # 88.10% as published: the trailing zero is not precision
        (64.8, 64.7934, True),
        (70.0, 70.0275, True),
        (90, 90.0, True),
        (294.95, 294.9496, True),
        (156.2, 820.42, False),
        (38.5, 6.49, False),
        (294.9, 294.9496, True),
        (294.9, 294.96, False),
    ],
)
def test_published_value_agrees_to_its_rounding(published, computed, agrees):
    assert published_value_agrees(published, computed) is agrees


def test_the_four_inconsistencies_of_the_south_kent_coast_plan():
    rows = [
        ("rate", 100_000, 358, 43_636, 156.2),
        ("rate", 100_000, 346, 44_552, 154),
        ("proportion", 100, 1401, 1590, 88.1),
        ("proportion", 100, 1431, 1590, 90),
        ("rate", 100_000, 13, 200_382, 38.5),
        ("rate", 100_000, 11, 202_306, 36.4),
        ("proportion", 100, 1176, 1815, 64.8),
        ("proportion", 100, 1271, 1815, 70.0),
    ]
    flagged = [
        published_value_mismatch(u, multiplier=m, numerator=n, denominator=d, value=v)
        for u, m, n, d, v in rows
    ]
    assert [message is not None for message in flagged] == [
        True,
        True,
        False,
        False,
        True,
        True,
        False,
        False,
    ]
    assert flagged[0] == (
        "published value 156.2 does not match numerator / denominator x multiplier = "
        "358 / 43,636 x 100,000 = 820.42"
    )


@given(
    x=st.integers(0, 10**6),
    extra=st.integers(1, 10**6),
    multiplier=st.sampled_from([1, 100, 1000, 100_000]),
    unit=st.sampled_from(["rate", "proportion", "mean"]),
)
def test_point_value_is_exactly_the_estimates_value(x, extra, multiplier, unit):
    n = x + extra
    point = metric_point_value(unit, multiplier=multiplier, numerator=x, denominator=n)
    assert point == metric_estimate(unit, multiplier=multiplier, numerator=x, denominator=n).value


# --- metric_estimates: many rows in one call, each as metric_estimate gives it ----------------

_maybe_count = st.none() | st.integers(0, 5_000).map(float)
_maybe_population = st.none() | st.integers(1, 600_000).map(float)
_maybe_value = st.none() | st.floats(0, 1_000, allow_nan=False)


@settings(max_examples=150, deadline=None)
@given(
    unit=st.sampled_from(["rate", "proportion", "count", "mean", "dsr"]),
    multiplier=st.sampled_from([1.0, 100.0, 1000.0, 100_000.0]),
    rows=st.lists(st.tuples(_maybe_count, _maybe_population, _maybe_value), max_size=30),
)
def test_metric_estimates_equal_metric_estimate_row_by_row(unit, multiplier, rows):
    if unit == "proportion":  # a proportion's numerator is at most its denominator
        rows = [(x if x is None or n is None else min(x, n), n, v) for x, n, v in rows]
    numerators, denominators, values = ([row[i] for row in rows] for i in range(3))
    together = metric_estimates(
        unit,
        multiplier=multiplier,
        numerators=numerators,
        denominators=denominators,
        values=values,
    )
    one_by_one = [
        metric_estimate(unit, multiplier=multiplier, numerator=x, denominator=n, value=v)
        for x, n, v in rows
    ]
    assert together == one_by_one  # the same floats, to the bit, and the same methods


def test_metric_estimates_with_a_bad_row_fail_as_that_row_does_alone():
    with pytest.raises(ValueError, match=r"^denominator must be greater than zero; got 0.0$"):
        metric_estimates(
            "rate", multiplier=100_000, numerators=[5, 7], denominators=[100, 0], values=[None] * 2
        )
    with pytest.raises(ValueError, match="one entry per row; got 2, 1, 2 and 2"):
        metric_estimates(
            "rate", multiplier=1, numerators=[5, 7], denominators=[100], values=[None] * 2
        )


def _agrees_by_decimal(published: float, computed: float) -> bool:
    """The plain reference: the published precision from the value as a normalised decimal."""
    exponent = Decimal(repr(float(published))).normalize().as_tuple().exponent
    assert isinstance(exponent, int)
    tolerance = 0.5 * 10.0**exponent if exponent < 0 else 0.5
    return abs(published - computed) <= tolerance * (1 + 1e-9)


@settings(max_examples=500)
@given(
    published=st.one_of(
        st.floats(allow_nan=False, allow_infinity=False),
        st.builds(round, st.floats(-1e6, 1e6), st.integers(0, 8)),
    ),
    offset=st.sampled_from([0.0, 4e-9, 4e-5, 4e-3, 0.04, 0.06, 0.4, 0.6, 5.0]),
)
def test_published_value_agrees_as_the_decimal_reference_does(published, offset):
    computed = published + offset
    assert published_value_agrees(published, computed) is _agrees_by_decimal(published, computed)


@settings(max_examples=300)
@given(
    published=st.lists(
        st.one_of(
            st.floats(allow_nan=False, allow_infinity=False),
            st.floats(allow_nan=False, allow_infinity=False, width=32),
            st.builds(round, st.floats(-1e6, 1e6), st.integers(0, 8)),
            st.builds(round, st.floats(-1e16, 1e16), st.integers(0, 3)),
            st.sampled_from([0.0, -0.0, 1e-4, 9.99e-5, 1e15, 0.1 + 0.2, 123.4, 88.1, 1e-7]),
        ),
        max_size=40,
    ),
    offsets=st.lists(
        st.sampled_from([0.0, 4e-9, -4e-9, 4e-5, 5e-5, 4e-3, 0.04, 0.05, 0.06, 0.4, 0.5, 5.0]),
        min_size=40,
        max_size=40,
    ),
)
def test_published_values_agree_as_each_does_alone(published, offsets):
    computed = [value + offset for value, offset in zip(published, offsets, strict=False)]
    together = published_values_agree(np.array(published), np.array(computed)).tolist()
    assert together == [
        published_value_agrees(value, other)
        for value, other in zip(published, computed, strict=True)
    ]


@settings(max_examples=300)
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["rate", "proportion", "count", "dsr", "mean"]),
            st.sampled_from([1.0, 100.0, 1000.0, 100_000.0]),
            st.one_of(st.none(), st.floats(-10, 1e6), st.sampled_from([0.0, 7.0, 1e308])),
            st.one_of(st.none(), st.floats(-10, 1e6), st.sampled_from([0.0, 10.0, 1e308])),
            st.one_of(st.none(), st.floats(-10, 1e6), st.sampled_from([70.0, 70000.0, 7.0])),
        ),
        max_size=30,
    )
)
def test_published_values_disagree_where_each_row_has_a_mismatch(rows):
    def array(column):
        return np.array([math.nan if row[column] is None else row[column] for row in rows])

    together = published_values_disagree(
        np.array([row[0] for row in rows], dtype=str),
        np.array([row[1] for row in rows], dtype=np.float64),
        array(2),
        array(3),
        array(4),
    ).tolist()
    assert together == [
        published_value_mismatch(
            unit, multiplier=multiplier, numerator=numerator, denominator=denominator, value=value
        )
        is not None
        for unit, multiplier, numerator, denominator, value in rows
    ]
