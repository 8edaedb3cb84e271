"""Benchmarking in core: which funnel a unit uses, pooling, suppression and spine positions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.benchmarking import (
    MIN_FUNNEL_AREAS,
    benchmark_funnel,
    benchmark_labels,
    funnel_position,
    funnel_statistic,
    pool,
    small_numbers,
    spine_row,
)
from bettercare.core.funnel import SIGNIFICANCE_LABELS, funnel_significance


@pytest.mark.parametrize(
    ("unit", "statistic", "rate_type"),
    [("proportion", "proportion", None), ("rate", "rate", "crude"), ("dsr", "rate", "dsr")],
)
def test_units_map_to_phe_statistics(unit, statistic, rate_type):
    found = funnel_statistic(unit)
    assert found is not None
    assert (found.statistic, found.rate_type) == (statistic, rate_type)


@pytest.mark.parametrize("unit", ["count", "mean"])
def test_counts_and_means_have_no_funnel(unit):
    assert funnel_statistic(unit) is None
    with pytest.raises(ValueError, match=f"unit must be one drawn on a funnel plot.*got '{unit}'"):
        benchmark_funnel(unit, 1, [1, 2], [3, 4], [1, 2])


def test_a_crude_rate_benchmark_is_phes_crude_rate_funnel():
    events, population = [1300, 420, 830, 640], [546_195, 200_000, 400_000, 300_000]
    rates = [e / p * 1e5 for e, p in zip(events, population, strict=True)]
    result = benchmark_funnel("rate", 100_000, events, population, rates)
    expected = funnel_significance(
        events, population, statistic="rate", multiplier=1e5, rate=rates, rate_type="crude"
    )
    assert result.labels == tuple(expected)
    assert result.average == pytest.approx(sum(events) / sum(population) * 1e5)
    assert result.table.statistic == "rate (crude per 100,000)"


def test_a_dsr_benchmark_derives_denominators_from_the_rates():
    events, dsrs = [9, 400, 500, 450], [50.0, 60.0, 70.0, 65.0]
    result = benchmark_funnel("dsr", 100_000, events, [1, 1, 1, 1], dsrs)
    assert result.labels[0] == "Not applicable for events less than 10 for dsrs"
    assert result.table.statistic == "rate (dsr per 100,000)"


def test_pooling_leaves_out_areas_without_both_figures():
    assert pool([10, None, 30, 5], [100, 200, 300, None]) == (40.0, 400.0, 2)
    assert pool([], []) == (0, 0, 0)
    with pytest.raises(ValueError, match="same length; got 2 and 1"):
        pool([1, 2], [3])


def test_small_numbers_are_one_to_seven():
    assert small_numbers([0, 1, 7, 8, 100, None]) == (False, True, True, False, False, False)
    assert small_numbers([4, 5], threshold=5) == (True, False)
    with pytest.raises(ValueError, match="threshold must be a whole number of at least 1; got 0"):
        small_numbers([1], threshold=0)


values_lists = st.lists(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), min_size=1, max_size=40
)


@given(values=values_lists, polarity=st.sampled_from(["higher_is_better", "lower_is_better", None]))
def test_spine_positions_are_ordered_and_centred(values, polarity):
    benchmark = sum(values) / len(values)
    row = spine_row(values, values[0], benchmark, polarity)
    assert 0 <= row.lowest <= row.q25 <= row.q75 <= row.highest <= 1
    assert row.area is not None
    assert row.lowest - 1e-9 <= row.area <= row.highest + 1e-9
    # The end further from the benchmark touches the edge of the bar's room.
    if max(values) != min(values) or benchmark != values[0]:
        assert math.isclose(row.lowest, 0, abs_tol=1e-9) or math.isclose(
            row.highest, 1, abs_tol=1e-9
        )


def test_spine_puts_better_to_the_right():
    lower = spine_row([10, 20, 30, 40], 10, 25, "lower_is_better")
    higher = spine_row([10, 20, 30, 40], 10, 25, "higher_is_better")
    assert lower.area == 1.0
    assert higher.area == 0.0
    assert (lower.worst, lower.best) == (40, 10)
    assert (higher.worst, higher.best) == (10, 40)


def test_spine_needs_a_value_and_a_finite_benchmark():
    with pytest.raises(ValueError, match="values must hold at least one number"):
        spine_row([], None, 1.0, None)
    with pytest.raises(ValueError, match="benchmark must be a finite number; got nan"):
        spine_row([1.0], None, float("nan"), None)
    with pytest.raises(ValueError, match="polarity must be one of"):
        spine_row([1.0], None, 1.0, "up")


# -- the area's position on its peers' funnel, in words (ADR 0119) ---------------------------


@pytest.mark.parametrize(
    ("label", "polarity", "sentence"),
    [
        (
            "Not significant",
            "lower_is_better",
            "Within the 95% limits of the funnel plot of the 9 areas of East Midlands region.",
        ),
        (
            "High (0.025)",
            "lower_is_better",
            "Above the 95% limit (within the 99.8%) of the funnel plot of the 9 areas of East "
            "Midlands region: higher than the peers' figure, where lower is better.",
        ),
        (
            "High (0.001)",
            "higher_is_better",
            "Above the 99.8% limit of the funnel plot of the 9 areas of East Midlands region: "
            "higher than the peers' figure, where higher is better.",
        ),
        (
            "Low (0.025)",
            None,
            "Below the 95% limit (within the 99.8%) of the funnel plot of the 9 areas of East "
            "Midlands region: lower than the peers' figure.",
        ),
        (
            "Low (0.001)",
            "lower_is_better",
            "Below the 99.8% limit of the funnel plot of the 9 areas of East Midlands region: "
            "lower than the peers' figure, where lower is better.",
        ),
    ],
)
def test_each_phe_label_is_said_as_its_side_of_the_limits(label, polarity, sentence):
    found = funnel_position(label, peers="East Midlands region", areas=9, polarity=polarity)
    assert found is not None
    assert found.sentence == sentence
    assert found.label == label


@pytest.mark.parametrize(
    ("label", "areas"),
    [
        (None, 9),  # no funnel, or the area's own value not shown
        ("Not applicable for events less than 10 for dsrs", 9),
        ("Not significant", 1),  # an area compared with itself alone
        ("High (0.001)", 0),
    ],
)
def test_no_position_without_a_comparison(label, areas):
    assert funnel_position(label, peers="Kent", areas=areas, polarity=None) is None


def test_a_position_refuses_an_unknown_polarity():
    with pytest.raises(ValueError, match="polarity"):
        funnel_position("Not significant", peers="Kent", areas=3, polarity="up")


@given(
    label=st.sampled_from([*SIGNIFICANCE_LABELS, None]),
    areas=st.integers(min_value=0, max_value=400),
    polarity=st.sampled_from(["lower_is_better", "higher_is_better", None]),
)
def test_a_position_is_said_only_for_a_band_on_a_funnel_of_enough_areas(label, areas, polarity):
    found = funnel_position(label, peers="the peers", areas=areas, polarity=polarity)
    banded = label is not None and label.startswith(("High", "Low", "Not significant"))
    assert (found is not None) == (banded and areas >= MIN_FUNNEL_AREAS)
    if found is None:
        return
    sentence = found.sentence
    # The side and the limit named are PHE's; never a word of significance or of a target.
    side = {"High": "Above", "Low": "Below", "Not": "Within"}[label.split()[0]]
    assert sentence.startswith(f"{side} the {'99.8' if '0.001' in label else '95'}% limit")
    assert f"the {areas} areas of the peers" in sentence
    assert "significan" not in sentence.lower()
    assert "target" not in sentence


@given(
    unit=st.sampled_from(["proportion", "rate", "dsr"]),
    counts=st.lists(
        st.tuples(st.integers(1, 400), st.integers(400, 50_000)), min_size=2, max_size=12
    ),
)
def test_the_labels_alone_are_the_funnels_labels(unit, counts):
    # benchmark_labels is benchmark_funnel without its plotting table: the same labels.
    numerators = [float(n) for n, _ in counts]
    denominators = [float(d) for _, d in counts]
    multiplier = 100.0 if unit == "proportion" else 100_000.0
    values = [n / d * multiplier for n, d in zip(numerators, denominators, strict=True)]
    full = benchmark_funnel(unit, multiplier, numerators, denominators, values)
    assert benchmark_labels(unit, multiplier, numerators, denominators, values) == full.labels
