"""Funnel plots against PHEindicatormethods 2.0.2's own test data, references and properties.

The CSV files under ``data/phe_funnel`` are PHE's ``tests/testthat`` inputs and expected
outputs (the output tables abridged to their axes and a sample of rows, every column).
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.funnel import (
    HIGH_2S,
    HIGH_3S,
    LOW_2S,
    LOW_3S,
    NOT_APPLICABLE_DSR,
    NOT_SIGNIFICANT,
    SIGNIFICANCE_LABELS,
    funnel_limits,
    funnel_points,
    funnel_significance,
    poisson_funnel_expected,
    proportion_funnel_limits,
)
from tests.unit.core import funnel_reference as reference

DATA = Path(__file__).parent / "data" / "phe_funnel"
CODES = {
    "H3": HIGH_3S,
    "H2": HIGH_2S,
    "L3": LOW_3S,
    "L2": LOW_2S,
    "NS": NOT_SIGNIFICANT,
    "NA10": NOT_APPLICABLE_DSR,
}


def read_rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def column(rows: list[dict[str, str]], name: str) -> np.ndarray:
    return np.array([math.nan if row[name] == "NA" else float(row[name]) for row in rows])


def read_axes(name: str) -> dict[str, list[float]]:
    lines = (DATA / name).read_text().splitlines()
    return {line.split()[0]: [float(v) for v in line.split()[1:]] for line in lines}


def sample_rows(name: str, table: str | None = None) -> list[dict[str, str]]:
    return [row for row in read_rows(name) if table is None or row["table"] == table]


def at(table_axis: np.ndarray, value: float) -> int:
    (index,) = np.flatnonzero(table_axis == value)
    return int(index)


@pytest.fixture(scope="module")
def proportions() -> tuple[np.ndarray, np.ndarray, list[str]]:
    rows = read_rows("proportion_inputs.csv")
    labels = [CODES[row["significance"]] for row in rows]
    return column(rows, "numerator"), column(rows, "denominator"), labels


@pytest.fixture(scope="module")
def ratios() -> tuple[np.ndarray, np.ndarray, list[str]]:
    rows = read_rows("ratio_inputs.csv")
    return column(rows, "obs"), column(rows, "expected"), [CODES[r["significance"]] for r in rows]


@pytest.fixture(scope="module")
def rate_funnel_inputs() -> dict[str, np.ndarray]:
    rows = read_rows("rate_funnel_inputs.csv")
    return {name: column(rows, name) for name in rows[0]}


# --- PHE's calculate_funnel_limits tests ----------------------------------------------------


def test_proportion_table_matches_phe(proportions):
    numerator, denominator, _ = proportions
    table = funnel_limits(numerator, denominator, statistic="proportion", multiplier=100)
    expected_axis = [float(v) for v in (DATA / "proportion_axis.txt").read_text().split()]
    assert table.axis.tolist() == expected_axis
    assert (table.axis_name, table.method, table.statistic) == (
        "Population",
        "Wilson",
        "proportion",
    )
    for row in sample_rows("proportion_limits_sample.csv", "default"):
        i = at(table.axis, float(row["axis"]))
        for name in ("lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"):
            assert getattr(table, name)[i] == pytest.approx(float(row[name]), abs=1e-6)
        assert table.baseline == pytest.approx(float(row["baseline"]), abs=1e-6)


def test_proportion_table_with_axis_variation_matches_phe(proportions):
    # PHE's second test: areas under 31,000 only, so the axis no longer starts at 0.
    numerator, denominator, _ = proportions
    keep = denominator < 31000
    table = funnel_limits(
        numerator[keep], denominator[keep], statistic="proportion", multiplier=100
    )
    expected_axis = (DATA / "proportion_axis_variation_axis.txt").read_text().split()
    assert table.axis.tolist() == [float(v) for v in expected_axis]
    for row in sample_rows("proportion_limits_sample.csv", "axis_variation"):
        i = at(table.axis, float(row["axis"]))
        for name in ("lower_2s_limit", "upper_2s_limit", "lower_3s_limit", "upper_3s_limit"):
            assert getattr(table, name)[i] == pytest.approx(float(row[name]), abs=1e-7)
        assert table.baseline == pytest.approx(float(row["baseline"]), abs=1e-7)


@pytest.mark.parametrize(
    ("ratio_type", "suffix", "baseline"), [("count", "count", 0), ("isr", "isr", 100)]
)
def test_ratio_tables_match_phe(ratios, ratio_type, suffix, baseline):
    observed, expected, _ = ratios
    table = funnel_limits(
        observed, expected, statistic="ratio", multiplier=100, ratio_type=ratio_type
    )
    expected_axis = (DATA / "ratio_axis.txt").read_text().split()
    assert table.axis.tolist() == [float(v) for v in expected_axis]
    assert (table.statistic, table.method) == (f"ratio ({ratio_type})", "Poisson")
    assert table.baseline == baseline
    for row in read_rows("ratio_limits_sample.csv"):
        i = at(table.axis, float(row["axis"]))
        for limit in ("lower_2s", "upper_2s", "lower_3s", "upper_3s"):
            assert getattr(table, f"{limit}_limit")[i] == pytest.approx(
                float(row[f"{limit}_{suffix}"]), rel=1e-7, abs=1e-7
            )
            assert getattr(table, f"{limit}_expected")[i] == pytest.approx(
                float(row[f"{limit}_exp_events"]), rel=1e-7
            )


def rate_table(inputs: dict[str, np.ndarray], case: str):
    events, rates = inputs["ev"], inputs["rate"]
    largest = events == events.max()
    if case == "dsr":
        return funnel_limits(
            events, statistic="rate", rate=rates, rate_type="dsr", multiplier=1e5, years_of_data=3
        )
    if case == "crude":  # PHE: "with less than 10 events"
        return funnel_limits(
            np.where(largest, 5, events),
            statistic="rate",
            rate=rates,
            rate_type="crude",
            multiplier=1e5,
            years_of_data=3,
        )
    # PHE: "with 0 events and denominator supplied"
    population = 1e5 * events / rates
    keep = population > population.max() / 2
    return funnel_limits(
        np.where(largest, 0, events)[keep],
        population[keep],
        statistic="rate",
        rate=np.where(largest, 0, rates)[keep],
        rate_type="crude",
        multiplier=1e5,
        years_of_data=3,
    )


@pytest.mark.parametrize(
    ("case", "description"),
    [
        ("dsr", "rate (dsr per 100,000)"),
        ("crude", "rate (crude per 100,000)"),
        ("crude_with_zero", "rate (crude per 100,000)"),
    ],
)
def test_rate_tables_match_phe(rate_funnel_inputs, case, description):
    table = rate_table(rate_funnel_inputs, case)
    assert table.axis.tolist() == read_axes("rate_axis.txt")[case]
    assert (table.axis_name, table.statistic, table.method) == ("Events", description, "Poisson")
    for row in sample_rows("rate_limits_sample.csv", case):
        i = at(table.axis, float(row["axis"]))
        for limit in ("lower_2s", "upper_2s", "lower_3s", "upper_3s"):
            assert getattr(table, f"{limit}_limit")[i] == pytest.approx(
                float(row[f"{limit}_limit"]), rel=1e-7
            )
            assert getattr(table, f"{limit}_expected")[i] == pytest.approx(
                float(row[f"{limit}_population_1_year"]), rel=1e-7
            )
        assert table.baseline == pytest.approx(float(row["baseline"]), rel=1e-9)


# --- PHE's assign_funnel_significance tests -------------------------------------------------


def test_proportion_significance_matches_phe(proportions):
    numerator, denominator, labels = proportions
    result = funnel_significance(numerator, denominator, statistic="proportion", multiplier=100)
    assert result == labels
    assert {HIGH_3S, HIGH_2S, LOW_3S, LOW_2S, NOT_SIGNIFICANT} == set(labels)


def test_ratio_significance_matches_phe(ratios):
    observed, expected, labels = ratios
    result = funnel_significance(observed, expected, statistic="ratio", multiplier=100)
    assert result == labels
    isr = funnel_significance(
        observed, expected, statistic="ratio", multiplier=100, ratio_type="isr"
    )
    assert isr == labels


@pytest.mark.parametrize(
    ("rate_column", "rate_type", "multiplier", "expected_column"),
    [
        ("rate_dsr", "dsr", 1e5, "dsr_per_100000"),
        ("rate_dsr", "dsr", 100, "dsr_per_100"),
        ("rate_crude_per_100000", "crude", 1e5, "crude_per_100000"),
        ("rate_crude_per_100", "crude", 100, "crude_per_100"),
    ],
)
@pytest.mark.parametrize("with_zero", [True, False])
def test_rate_significance_matches_phe(
    rate_column, rate_type, multiplier, expected_column, with_zero
):
    rows = read_rows("rate_significance_inputs.csv")
    if not with_zero:
        rows = [row for row in rows if row["count"] != "0"]
    suffix = "with_0" if with_zero else "without_0"
    result = funnel_significance(
        column(rows, "count"),
        column(rows, "pop"),
        statistic="rate",
        multiplier=multiplier,
        rate=column(rows, rate_column),
        rate_type=rate_type,
    )
    assert result == [CODES[row[f"{expected_column}_{suffix}"]] for row in rows]


def test_a_dsr_missing_below_ten_events_is_not_applicable_and_left_out_of_the_average():
    # PHE: the events count in sum(numerator); the missing rate's denominator does not.
    with_missing = funnel_significance(
        [9, 400, 500, 450], None, statistic="rate", multiplier=1e5,
        rate=[math.nan, 60, 70, 65], rate_type="dsr",
    )  # fmt: skip
    assert with_missing[0] == NOT_APPLICABLE_DSR
    with pytest.raises(ValueError, match=r"\(or NaN below 10 events\); got nan at position 0"):
        funnel_significance(
            [12, 400], None, statistic="rate", multiplier=1e5, rate=[math.nan, 60],
            rate_type="dsr",
        )  # fmt: skip
    with pytest.raises(ValueError, match="where the numerator is above zero; got nan"):
        funnel_significance(
            [5, 400], [10, 10], statistic="rate", multiplier=1e5, rate=[math.nan, 60],
            rate_type="crude",
        )  # fmt: skip


def test_dsr_under_ten_events_is_not_applicable():
    result = funnel_significance(
        [9, 400, 500], None, statistic="rate", multiplier=1e5, rate=[50, 60, 70], rate_type="dsr"
    )
    assert result[0] == NOT_APPLICABLE_DSR
    assert SIGNIFICANCE_LABELS[-1] == NOT_APPLICABLE_DSR


# --- PHE's calculate_funnel_points tests ----------------------------------------------------


def test_funnel_points_dsr_drop_under_ten_events(rate_funnel_inputs):
    events = np.where(
        rate_funnel_inputs["ev"] == rate_funnel_inputs["ev"].max(), 5, rate_funnel_inputs["ev"]
    )
    points = funnel_points(
        events, rate=rate_funnel_inputs["rate"], rate_type="dsr", years_of_data=3, multiplier=1e5
    )
    np.testing.assert_allclose(points.rate, rate_funnel_inputs["rate_chart"], equal_nan=True)
    np.testing.assert_allclose(
        points.denominator, rate_funnel_inputs["denominator_derived"], rtol=1e-9, equal_nan=True
    )


def test_funnel_points_crude(rate_funnel_inputs):
    points = funnel_points(
        rate_funnel_inputs["ev"],
        rate=rate_funnel_inputs["rate"],
        rate_type="crude",
        years_of_data=3,
        multiplier=1e5,
    )
    np.testing.assert_allclose(points.rate, rate_funnel_inputs["rate_chart_crude"])
    np.testing.assert_allclose(
        points.denominator, rate_funnel_inputs["denominator_derived_crude"], rtol=1e-9
    )


def test_funnel_points_crude_with_zero_events_uses_population(rate_funnel_inputs):
    events = rate_funnel_inputs["ev"]
    points = funnel_points(
        np.where(events == events.max(), 0, events),
        rate_funnel_inputs["pop"],
        rate=rate_funnel_inputs["rate"],
        rate_type="crude",
        years_of_data=5,
        multiplier=1e5,
    )
    np.testing.assert_allclose(
        points.denominator, rate_funnel_inputs["denominator_derived_crude_with_denom"], rtol=1e-9
    )


# --- The Poisson solver: PHE's bisection, its plain-Python port and the exact inverse -------


@pytest.mark.parametrize("observed", [0, 1, 2, 5, 9, 10, 33, 100, 716])
@pytest.mark.parametrize("p", [0.025, 0.001])
@pytest.mark.parametrize("side", ["low", "high"])
def test_poisson_solver_equals_phe_port(observed, p, side):
    ours = float(poisson_funnel_expected([observed], p, side)[0])
    assert ours == pytest.approx(reference.poisson_funnel(observed, p, side), rel=1e-9, abs=1e-15)


@given(
    observed=st.integers(min_value=0, max_value=5000),
    p=st.sampled_from([0.025, 0.001, 0.1, 0.3]),
    side=st.sampled_from(["low", "high"]),
)
def test_exact_inverse_within_1e4_of_phe_bisection(observed, p, side):
    phe = float(poisson_funnel_expected([observed], p, side)[0])
    exact = float(poisson_funnel_expected([observed], p, side, method="exact")[0])
    if observed == 0 and side == "low":
        assert exact == 0
        assert phe < 1e-7  # PHE's bisection stops just above 0.
    else:
        assert exact == pytest.approx(phe, rel=1e-4)


def test_exact_inverse_is_exact():
    # P(X >= 1 | E) = 1 - exp(-E) = 0.001, so E = -log(0.999); PHE's bisection is 5e-5 out.
    exact = poisson_funnel_expected([1], 0.001, "low", method="exact")[0]
    assert exact == pytest.approx(-math.log(0.999), rel=1e-12)
    assert poisson_funnel_expected([1], 0.001, "low")[0] == pytest.approx(0.001000547, rel=1e-7)


# --- Proportion limits: the reference and the properties ------------------------------------

averages = st.floats(min_value=0.001, max_value=0.999)
populations = st.floats(min_value=1, max_value=1e7)


@given(average=averages, n=populations)
@settings(max_examples=60)
def test_proportion_limits_equal_wilson_definition(average, n):
    limits = proportion_funnel_limits(average, n)
    for name, tail, side in [
        ("lower_2s", 0.025, "low"),
        ("upper_2s", 0.025, "high"),
        ("lower_3s", 0.001, "low"),
        ("upper_3s", 0.001, "high"),
    ]:
        expected = reference.proportion_limit(average, n, tail, side)
        assert float(getattr(limits, name)) == pytest.approx(expected, abs=1e-9)


def test_proportion_limits_are_unclamped():
    limits = proportion_funnel_limits(0.9, [1, 5])
    assert limits.upper_2s[0] > 1
    assert limits.upper_3s[1] > 1
    assert limits.lower_3s[0] < 0


@given(average=averages, small=populations, factor=st.floats(min_value=1.01, max_value=100))
def test_limits_widen_as_population_falls(average, small, factor):
    limits = proportion_funnel_limits(average, [small, small * factor])
    for name in ("lower_2s", "lower_3s"):
        assert getattr(limits, name)[0] <= getattr(limits, name)[1] + 1e-12
    for name in ("upper_2s", "upper_3s"):
        assert getattr(limits, name)[0] >= getattr(limits, name)[1] - 1e-12


@given(average=averages, n=populations)
def test_three_sigma_band_contains_two_sigma_band(average, n):
    limits = proportion_funnel_limits(average, n)
    assert limits.lower_3s <= limits.lower_2s <= average <= limits.upper_2s <= limits.upper_3s


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=50_000), st.floats(min_value=0, max_value=1)),
        min_size=2,
        max_size=30,
    )
)
def test_proportion_significance_agrees_with_limits(areas):
    denominator = np.array([float(n) for n, _ in areas])
    numerator = np.floor(denominator * np.array([share for _, share in areas]))
    labels = funnel_significance(numerator, denominator, statistic="proportion", multiplier=100)
    limits = proportion_funnel_limits(numerator.sum() / denominator.sum(), denominator)
    value = numerator / denominator
    for i, label in enumerate(labels):
        if value[i] < limits.lower_3s[i]:
            assert label == LOW_3S
        elif value[i] < limits.lower_2s[i]:
            assert label == LOW_2S
        elif value[i] > limits.upper_3s[i]:
            assert label == HIGH_3S
        elif value[i] > limits.upper_2s[i]:
            assert label == HIGH_2S
        else:
            assert label == NOT_SIGNIFICANT


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=3000), st.floats(min_value=1, max_value=3000)),
        min_size=1,
        max_size=30,
    )
)
def test_ratio_significance_agrees_with_its_interval(areas):
    observed = np.array([float(o) for o, _ in areas])
    expected = np.array([e for _, e in areas])
    labels = funnel_significance(observed, expected, statistic="ratio", multiplier=1)
    order = {HIGH_3S: 2, HIGH_2S: 1, NOT_SIGNIFICANT: 0, LOW_2S: -1, LOW_3S: -2}
    for o, e, label in zip(observed, expected, labels, strict=True):
        # More observed events against the same expected never makes an area look lower.
        more = funnel_significance([o + 5], [e], statistic="ratio", multiplier=1)[0]
        assert order[more] >= order[label]


def test_significance_by_row_for_two_dimensional_input(proportions):
    numerator, denominator, labels = proportions
    stacked = funnel_significance(
        np.vstack([numerator, numerator]),
        np.vstack([denominator, denominator]),
        statistic="proportion",
        multiplier=100,
    )
    assert len(stacked) == 2
    assert stacked[1] == labels


# --- Bad input: one ValueError naming argument, value and what is allowed -------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: funnel_significance([1, 2], [10, 0], statistic="proportion", multiplier=100),
            "denominator must be greater than zero; got 0.0 at position 1",
        ),
        (
            lambda: funnel_significance([11], [10], statistic="proportion", multiplier=100),
            "numerator must not exceed denominator for a proportion; got numerator 11.0",
        ),
        (
            lambda: funnel_significance([-1, 2], [10, 10], statistic="ratio", multiplier=1),
            "numerator must be zero or more; got -1.0 at position 0",
        ),
        (
            lambda: funnel_significance([1], None, statistic="rate", multiplier=1e5, rate=[3]),
            "rate_type is required for statistic 'rate': one of 'dsr', 'crude'; got None",
        ),
        (
            lambda: funnel_significance([1], [5], statistic="rates", multiplier=1),
            "statistic must be one of 'proportion', 'rate', 'ratio'; got 'rates'",
        ),
        (
            lambda: funnel_significance([1], [5], statistic="ratio", multiplier=0),
            "multiplier must be a number greater than zero (e.g. 100); got 0",
        ),
        (
            lambda: funnel_significance(
                [0, 4], None, statistic="rate", multiplier=1e5, rate=[0, 3], rate_type="crude"
            ),
            "denominator is required for crude rates with 0 events",
        ),
        (
            lambda: funnel_significance(
                [5, 4], None, statistic="rate", multiplier=1e5, rate=[0, 3], rate_type="dsr"
            ),
            "rate must be a number greater than zero where the numerator is above zero "
            "(or NaN below 10 events); got 0.0",
        ),
        (
            lambda: funnel_limits([1, 2], [3, 4], statistic="ratio", multiplier=1),
            "ratio_type is required for statistic 'ratio': one of 'count', 'isr'; got None",
        ),
        (
            lambda: funnel_limits(
                [1, 2], statistic="rate", multiplier=1e5, rate=[3, 4], rate_type="crude"
            ),
            "years_of_data is required for statistic 'rate'",
        ),
        (
            lambda: funnel_limits(
                [1], [2], statistic="proportion", multiplier=100, rate_type="dsr"
            ),
            "rate_type applies only to statistic 'rate'; got rate_type='dsr' for 'proportion'",
        ),
        (
            lambda: poisson_funnel_expected([3], 0.025, "middle"),
            "side must be one of 'low', 'high'; got 'middle'",
        ),
        (
            lambda: poisson_funnel_expected([3], 1.5, "low"),
            "p must be a probability between 0 and 1 (e.g. 0.025); got 1.5",
        ),
        (
            lambda: proportion_funnel_limits(1.2, [10]),
            "p_avg must be a proportion between 0 and 1; got 1.2",
        ),
        (
            lambda: proportion_funnel_limits(0.5, [10, -3]),
            "n must be greater than zero; got -3.0 at position 1",
        ),
    ],
)
def test_bad_input_names_argument_value_and_allowed(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# --- PHE's axis rounding counts characters as R prints numbers ------------------------------


@pytest.mark.parametrize(
    ("value", "characters"),
    [(0, 1), (7, 1), (950, 3), (123456, 6), (100000, 5), (1200000, 7), (10000000, 5), (3e9, 5)],
)
def test_r_prints_round_numbers_in_scientific_notation(value, characters):
    from bettercare.core._funnel_axis import r_nchar

    # R: nchar(100000) is 5 ("1e+05"); nchar(1200000) is 7 (fixed and "1.2e+06" tie).
    assert r_nchar(value) == characters


def test_the_axis_rounding_follows_r_for_round_figures():
    from bettercare.core._funnel_axis import signif_ceiling, signif_floor

    assert signif_floor(33708) == 30000
    assert signif_ceiling(102950) == 110000  # PHE's proportion test: axis maximum 110,000
    # floor(x * 0.95) = 1,200,000,000 prints "1.2e+09" (7 characters), so R rounds down to
    # a multiple of 10^6 and keeps 1.2e9, where counting digits would give 1e9.
    assert signif_floor(1_263_157_895) == 1.2e9


@given(
    observed=st.lists(st.integers(min_value=1, max_value=5000), min_size=2, max_size=20),
    ratio_type=st.sampled_from(["count", "isr"]),
)
@settings(max_examples=30)
def test_poisson_funnels_nest_and_widen_as_events_fall(observed, ratio_type):
    expected = [max(1.0, o * 0.9) for o in observed]
    table = funnel_limits(
        observed, expected, statistic="ratio", multiplier=1, ratio_type=ratio_type
    )
    centre = table.baseline
    assert np.all(table.lower_3s_limit <= table.lower_2s_limit)
    assert np.all(table.lower_2s_limit <= centre)
    assert np.all(centre <= table.upper_2s_limit)
    assert np.all(table.upper_2s_limit <= table.upper_3s_limit)
    # More events, narrower funnel: lower limits rise and upper limits fall along the axis.
    for name in ("lower_2s_limit", "lower_3s_limit"):
        assert np.all(np.diff(getattr(table, name)) >= -1e-9)
    for name in ("upper_2s_limit", "upper_3s_limit"):
        assert np.all(np.diff(getattr(table, name)) <= 1e-9)
