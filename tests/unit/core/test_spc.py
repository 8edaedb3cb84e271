"""Tests of the Making Data Count XmR charts in ``bettercare.core.spc``.

Three kinds of test:

- the NHSRplotthedots 0.2.x test snapshots (the reference implementation's own numbers);
- small series worked out by hand, one per rule and edge case, with the arithmetic in the
  comments (``mr`` = moving range, ``amr`` = mean moving range; limits are
  ``mean +/- 2.66 * amr`` and 2-sigma lines ``mean +/- 1.7733 * amr``);
- property tests comparing :func:`xmr` and :func:`xmr_batch` with the plain oracle in
  ``spc_reference.py`` on generated series.

Compact notation in the hand-worked tests: one character per point,
rules ``.`` none, ``A`` astronomical, ``T`` trend, ``2`` two-in-three, ``S`` shift;
point types ``.`` common cause, ``+`` improvement, ``-`` concern, ``H``/``L`` neutral high/low.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bettercare.core import spc
from bettercare.core.spc import (
    MDC_2023_RULES,
    POINT_TYPE_LABELS,
    REFERENCE_RULES,
    RULE_LABELS,
    RULE_SETS,
    SIX_POINT_RULES,
    XmrResult,
    xmr,
    xmr_batch,
)

from .spc_reference import close, reference_xmr
from .test_spc_kernel import require_compiled_kernel


@pytest.fixture(scope="module", autouse=True, params=["compiled", "python"])
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    """Every test here runs with each of xmr()'s kernels: the compiled one (``_xmr_kernel.c``)
    and the pure-Python ``_xmr_one`` it falls back to (test_spc_kernel.py checks that the
    compiled one is built)."""
    if request.param == "compiled":
        require_compiled_kernel()
        yield request.param
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spc, "_compiled_kernel", None)
        yield request.param


RULE_CODE = {None: ".", "astronomical": "A", "trend": "T", "two_in_three": "2", "shift": "S"}
TYPE_CODE = {
    "common_cause": ".",
    "special_cause_improvement": "+",
    "special_cause_concern": "-",
    "special_cause_neutral_high": "H",
    "special_cause_neutral_low": "L",
}
LIMIT_FACTOR = 2.66
TWO_SIGMA_FACTOR = 2 * 2.66 / 3  # 1.77333...


def rules_of(chart: XmrResult) -> str:
    return "".join(RULE_CODE[rule] for rule in chart.rule)


def types_of(chart: XmrResult) -> str:
    return "".join(TYPE_CODE[point_type] for point_type in chart.point_type)


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-12, abs=1e-12)


def assert_period(chart: XmrResult, rows: range, mean: float, amr: float) -> None:
    """Every point in ``rows`` has centre line ``mean`` and limits from ``amr``."""
    for i in rows:
        assert chart.mean[i] == approx(mean), i
        assert chart.upper_limit[i] == approx(mean + LIMIT_FACTOR * amr), i
        assert chart.lower_limit[i] == approx(mean - LIMIT_FACTOR * amr), i
        assert chart.upper_2sigma[i] == approx(mean + TWO_SIGMA_FACTOR * amr), i
        assert chart.lower_2sigma[i] == approx(mean - TWO_SIGMA_FACTOR * amr), i


# --------------------------------------------------------------------------------------------
# NHSRplotthedots' own test snapshots (tests/testthat/test-ptd_spc_standard.R):
# y <- set.seed(123); rnorm(20)

RNORM_20 = [
    -0.56047565,
    -0.23017749,
    1.55870831,
    0.07050839,
    0.12928774,
    1.71506499,
    0.46091621,
    -1.26506123,
    -0.68685285,
    -0.44566197,
    1.22408180,
    0.35981383,
    0.40077145,
    0.11068272,
    -0.55584113,
    1.78691314,
    0.49785048,
    -1.96661716,
    0.70135590,
    -0.47279141,
]


def sig6(value: float) -> float:
    """``value`` rounded to 6 significant figures."""
    return float(f"{value:.6g}")


def assert_snapshot(chart: Any, mean: float, lower: float, upper: float) -> None:
    assert {sig6(float(m)) for m in chart.mean} == {sig6(mean)}
    assert {sig6(float(x)) for x in chart.lower_limit} == {sig6(lower)}
    assert {sig6(float(x)) for x in chart.upper_limit} == {sig6(upper)}


def test_nhsr_snapshot_limits() -> None:
    chart = xmr(RNORM_20)
    assert_snapshot(chart, 0.1416238, -3.01138, 3.294627)
    assert_snapshot(reference_xmr(RNORM_20), 0.1416238, -3.01138, 3.294627)
    assert rules_of(chart) == "." * 20


@pytest.mark.parametrize(
    ("screen_outliers", "lower", "upper"),
    [(True, -2.383666, 3.722497), (False, -4.596625, 5.935457)],
)
def test_nhsr_snapshot_outlier_screening(screen_outliers: bool, lower: float, upper: float) -> None:
    values = list(RNORM_20)
    values[14] = 10  # R's y[15] <- 10
    chart = xmr(values, screen_outliers=screen_outliers)
    assert_snapshot(chart, 0.6694159, lower, upper)
    oracle = reference_xmr(values, screen_outliers=screen_outliers)
    assert_snapshot(oracle, 0.6694159, lower, upper)
    assert rules_of(chart) == "." * 14 + "A" + "." * 5


# --------------------------------------------------------------------------------------------
# Astronomical points

# n = 13, sum = 6*4 + 6*8 + 32 = 104, mean = 8.
# mr: eleven of 4 (sum 44) and |32 - 8| = 24: amr = 68/12 = 5.667.
# Screening: 24 >= 3.267 * 5.667 = 18.51, so 24 is dropped: amr = 44/11 = 4.
# Limits 8 +/- 10.64 = -2.64, 18.64; 2-sigma 8 +/- 7.0933 = 0.9067, 15.0933.
# The 4s are below the mean but not beyond 2-sigma (4 > 0.9067); the 8s lie on the mean (so
# no shift). 32 > 18.64: astronomical, above the mean.
ASTRO_HIGH = [4, 8] * 6 + [32]
# Mirror image (16 - y): sum 6*12 + 6*8 - 16 = 104, mean 8, the same moving ranges, so the
# same limits; -16 < -2.64: astronomical, below the mean.
ASTRO_LOW = [12, 8] * 6 + [-16]


def test_astronomical_high() -> None:
    chart = xmr(ASTRO_HIGH)
    assert_period(chart, range(13), mean=8, amr=4)
    assert chart.upper_limit[0] == approx(18.64)
    assert chart.lower_limit[0] == approx(-2.64)
    assert rules_of(chart) == "............A"
    assert types_of(chart) == "............+"
    assert chart.variation_icon == "improvement_high"
    point = chart.points[-1]
    assert (point.position, point.value, point.rule) == (12, 32.0, "astronomical")
    assert point.point_type == "special_cause_improvement"
    assert point.upper_limit == approx(18.64)


def test_astronomical_low() -> None:
    chart = xmr(ASTRO_LOW)
    assert_period(chart, range(13), mean=8, amr=4)
    assert rules_of(chart) == "............A"
    assert types_of(chart) == "............-"
    assert chart.variation_icon == "concern_low"


def test_point_on_the_limit_is_not_astronomical() -> None:
    # [0, 2] * 7: mean 1, amr 2, limits 1 +/- 5.32 = -4.32, 6.32. Appending the exact upper
    # limit would move the mean, so use fix_after_n_points=14 to hold the limits: the point
    # 6.32 (as computed) is on the limit, not outside it; the next float up is outside.
    base = xmr([0, 2] * 7)
    upper = float(base.upper_limit[0])
    assert upper == approx(6.32)
    on_limit = xmr([0, 2] * 7 + [upper], fix_after_n_points=14)
    assert on_limit.rule[-1] is None
    beyond = xmr([0, 2] * 7 + [math.nextafter(upper, math.inf)], fix_after_n_points=14)
    assert beyond.rule[-1] == "astronomical"


# --------------------------------------------------------------------------------------------
# Trends

# n = 9, sum 36, mean 4. mr: 4,1,1,1,1,1,1,4 (sum 14): amr 1.75 (screening threshold
# 3.267 * 1.75 = 5.72 keeps all). Limits 4 +/- 4.655 = -0.655, 8.655; 2-sigma
# 4 +/- 3.1033 = 0.8967, 7.1033: no point outside or beyond 2-sigma (1 > 0.8967, 7 < 7.1033).
# Sides of the mean: + - - - 0 + + + -, so no shift.
# Positions 1-7 (1, 2, ..., 7) are 7 strictly increasing points: a trend. Positions 1-3 are
# below the mean, yet the trend is upwards, so all seven are "high".
TREND_UP = [5, 1, 2, 3, 4, 5, 6, 7, 3]
# Mirror image (8 - y): mean 4, the same moving ranges and limits; positions 1-7 decrease, and
# 5, 6, 7 at positions 1-3 are above the mean but "low".
TREND_DOWN = [3, 7, 6, 5, 4, 3, 2, 1, 5]
# TREND_UP with position 4 lowered from 4 to 3, a tie with position 3: the runs are 1,2,3 and
# 3,5,6,7, neither of 7 points. Sum 35, mean 3.889; mr 4,1,1,0,2,1,1,4 (sum 14): amr 1.75;
# limits 3.889 +/- 4.655 = -0.766, 8.544; 2-sigma 0.7856, 6.9922. 7 is beyond the upper 2-sigma
# line, but its windows (5, 6, 7) and (6, 7, 3) hold no second such point. Sides
# + - - - - + + + -: no shift. Nothing is flagged.
TREND_TIE = [5, 1, 2, 3, 3, 5, 6, 7, 3]


def test_trend_up_crossing_the_mean() -> None:
    chart = xmr(TREND_UP)
    assert_period(chart, range(9), mean=4, amr=1.75)
    assert rules_of(chart) == ".TTTTTTT."
    assert types_of(chart) == ".+++++++."
    assert chart.variation_icon == "common_cause"  # the last point is common cause
    assert types_of(xmr(TREND_UP, improvement="decrease")) == ".-------."
    assert types_of(xmr(TREND_UP, improvement="neutral")) == ".HHHHHHH."


def test_trend_down_crossing_the_mean() -> None:
    chart = xmr(TREND_DOWN)
    assert_period(chart, range(9), mean=4, amr=1.75)
    assert rules_of(chart) == ".TTTTTTT."
    assert types_of(chart) == ".-------."
    assert types_of(xmr(TREND_DOWN, improvement="decrease")) == ".+++++++."
    assert types_of(xmr(TREND_DOWN, improvement="neutral")) == ".LLLLLLL."


def test_a_tie_breaks_a_trend() -> None:
    chart = xmr(TREND_TIE)
    assert chart.mean[0] == approx(35 / 9)
    assert_period(chart, range(9), mean=35 / 9, amr=1.75)
    assert chart.values[7] > chart.upper_2sigma[7]
    assert rules_of(chart) == "........."
    assert types_of(chart) == "........."


def test_longer_trend_flags_every_point_and_stops_at_a_tie() -> None:
    # Limits fixed on [4, 8] * 6 (fix_after_n_points=12): mean 6, eleven mr of 4, amr 4;
    # limits -4.64, 16.64; 2-sigma -1.0933, 13.0933 -- nothing after it is beyond 2-sigma.
    # Then 0, 1, ..., 7 (positions 12-19): eight strictly increasing points (two overlapping
    # windows of seven), all trend. Position 20 ties with 19 (7, 7): not part of the trend.
    # Position 11 (8) -> 12 (0) falls, so 11 is not in it either. Sides: 12-17 below the
    # mean (six), 18 on it (6), 19-20 above, 21 below: no shift.
    chart = xmr([4, 8] * 6 + [0, 1, 2, 3, 4, 5, 6, 7, 7, 3], fix_after_n_points=12)
    assert_period(chart, range(22), mean=6, amr=4)
    assert rules_of(chart) == "." * 12 + "T" * 8 + ".."
    assert types_of(chart) == "." * 12 + "+" * 8 + ".."


def test_trend_peak_tied_with_the_start_of_a_falling_trend() -> None:
    # Limits fixed on [4, 8] * 6: mean 6, amr 4 (eleven mr of 4), limits -4.64, 16.64,
    # 2-sigma -1.0933, 13.0933, so nothing after it is beyond 2-sigma or outside.
    # Then 0, 1, ..., 6 (positions 12-18) rise and 6, 5, ..., 0 (positions 19-25) fall: two
    # trends of 7. Position 18 (the first 6) ends the rising trend and its next point is in
    # the falling trend, so NHSRplotthedots takes "the slope to the next point", which is
    # 0, and labels it "7 Point Trend (Decreasing)" (ifelse(sdy == 1, "In", "De")).
    chart = xmr([4, 8] * 6 + [0, 1, 2, 3, 4, 5, 6, 6, 5, 4, 3, 2, 1, 0], fix_after_n_points=12)
    assert_period(chart, range(26), mean=6, amr=4)
    assert rules_of(chart) == "." * 12 + "T" * 14
    assert types_of(chart) == "." * 12 + "+" * 6 + "-" + "-" * 7


# --------------------------------------------------------------------------------------------
# Two in three

# n = 15, sum 36 + 34 + 36 = 106, mean 7.0667.
# mr: 2,2,2,2,2 | 6,5,5,8 | 2,2,2,2,2 (sum 44): amr 44/14 = 22/7 = 3.1429 (screening
# threshold 10.27 keeps all). Limits 7.0667 +/- 8.36 = -1.2933, 15.4267; 2-sigma
# 7.0667 +/- 5.5733 = 1.4933, 12.64.
# Window (13, 8, 13) at positions 6-8: all above the mean (8 > 7.0667); both 13s beyond 12.64
# and inside 15.4267. Only the 13s are flagged, not the 8. Every other window holding a 13
# also holds a 5 or a 7, below the mean.
TWO_IN_THREE = [5, 7, 5, 7, 5, 7, 13, 8, 13, 5, 7, 5, 7, 5, 7]
# n = 15, sum 36 + 28 + 36 = 100, mean 6.6667.
# mr: 2,2,2,2,2 | 7,15,16,10 | 2,2,2,2,2 (sum 68): amr 68/14 = 4.857; screening drops 16
# (>= 3.267 * 4.857 = 15.87): amr = 52/13 = 4. Limits 6.6667 +/- 10.64 = -3.9733, 17.3067;
# 2-sigma 6.6667 +/- 7.0933 = -0.4267, 13.76.
# 14 and 15 are beyond the upper 2-sigma line and -1 beyond the lower one, all inside the
# limits: three in a row beyond 2-sigma, but not on one side of the mean, so nothing.
TWO_IN_THREE_OPPOSITE = [5, 7, 5, 7, 5, 7, 14, -1, 15, 5, 7, 5, 7, 5, 7]


def test_two_in_three_flags_only_the_points_beyond_two_sigma() -> None:
    chart = xmr(TWO_IN_THREE)
    assert_period(chart, range(15), mean=106 / 15, amr=22 / 7)
    assert chart.upper_2sigma[0] == approx(12.64)
    assert rules_of(chart) == "......2.2......"
    assert types_of(chart) == "......+.+......"
    assert types_of(xmr(TWO_IN_THREE, improvement="decrease")) == "......-.-......"


def test_two_in_three_needs_all_three_on_one_side() -> None:
    chart = xmr(TWO_IN_THREE_OPPOSITE)
    assert_period(chart, range(15), mean=100 / 15, amr=4)
    assert chart.values[6] > chart.upper_2sigma[6]
    assert chart.values[7] < chart.lower_2sigma[7]
    assert chart.values[8] > chart.upper_2sigma[8]
    assert rules_of(chart) == "." * 15
    assert chart.variation_icon == "common_cause"


# --------------------------------------------------------------------------------------------
# Shifts

# n = 20, sum 36 + 53 + 31 = 120, mean 6.
# mr: five of 2 (10), |8 - 5| = 3, six of 1 (6), |4 - 8| = 4, six of 1 (6): sum 29,
# amr 29/19 = 1.5263 (threshold 4.99 keeps all). Limits 6 +/- 4.06 = 1.94, 10.06; 2-sigma
# 6 +/- 2.7067 = 3.2933, 8.7067: nothing outside or beyond 2-sigma.
# Positions 6-12 are seven above the mean, 13-19 seven below; 0-5 alternate.
SHIFT = [7, 5, 7, 5, 7, 5, 8, 7, 8, 7, 8, 7, 8, 4, 5, 4, 5, 4, 5, 4]
# Position 9 set to 6 (exactly the mean) and position 19 to 5 to keep the sum at 120, mean 6.
# mr: 10, 3, 1,1,2,2,1,1, 4, 1,1,1,1,1,0: sum 30, amr 30/19 = 1.5789; limits 6 +/- 4.2 = 1.8,
# 10.2; 2-sigma 6 +/- 2.8 = 3.2, 8.8. The run above is broken at 9 (3 + 3 points); the seven
# points 13-19 below the mean are still a shift.
SHIFT_BROKEN = [7, 5, 7, 5, 7, 5, 8, 7, 8, 6, 8, 7, 8, 4, 5, 4, 5, 4, 5, 5]


def test_shift_of_seven_points() -> None:
    chart = xmr(SHIFT)
    assert_period(chart, range(20), mean=6, amr=29 / 19)
    assert rules_of(chart) == "......" + "S" * 14
    assert types_of(chart) == "......" + "+" * 7 + "-" * 7
    assert types_of(xmr(SHIFT, improvement="neutral")) == "......" + "H" * 7 + "L" * 7


def test_point_on_the_mean_breaks_a_shift() -> None:
    chart = xmr(SHIFT_BROKEN)
    assert_period(chart, range(20), mean=6, amr=30 / 19)
    assert chart.values[9] == chart.mean[9]
    assert rules_of(chart) == "." * 13 + "S" * 7
    assert types_of(chart) == "." * 13 + "-" * 7


# --------------------------------------------------------------------------------------------
# Priority of the rules

# Limits fixed on BASE (fix_after_n_points=12): mean 6, eleven mr of 4, amr 4 (threshold
# 13.07 keeps all); limits 6 +/- 10.64 = -4.64, 16.64; 2-sigma 6 +/- 7.0933 = -1.0933, 13.0933.
BASE = [4, 8] * 6


def test_priority_astronomical_then_trend_then_two_in_three_then_shift() -> None:
    # Then 7, 8, 9, 10, 14, 15, 17 (positions 12-18):
    # - 12-18 strictly increase: trend;
    # - 11-17 (8, 7, ..., 15) and 12-18 are above the mean: shift (11 only by shift);
    # - (10, 14, 15): 14 and 15 in (13.0933, 16.64]: two-in-three;
    # - 17 > 16.64: astronomical.
    # Named: 11 shift, 12-17 trend (beating two-in-three and shift), 18 astronomical.
    chart = xmr([*BASE, 7, 8, 9, 10, 14, 15, 17], fix_after_n_points=12)
    assert_period(chart, range(19), mean=6, amr=4)
    assert rules_of(chart) == "..........." + "S" + "TTTTTT" + "A"
    assert types_of(chart) == "..........." + "+" * 8


def test_priority_two_in_three_over_shift() -> None:
    # Then 7, 14, 7, 14, 7, 7, 7: positions 11-18 are above the mean (shift); windows
    # (7, 14, 7) hold one point beyond 13.0933 and (14, 7, 14) two: the 14s are two-in-three.
    chart = xmr([*BASE, 7, 14, 7, 14, 7, 7, 7], fix_after_n_points=12)
    assert rules_of(chart) == "..........." + "SS2S2SSS"
    assert types_of(chart) == "..........." + "+" * 8


def test_priority_decides_the_direction() -> None:
    # Then -5, 0, 1, 2, 3, 4, 5: -5 < -4.64 is astronomical (below the mean: low); 12-18
    # strictly increase (trend, upwards: high even though all are below the mean); 12-18 are
    # all below the mean (shift, outranked).
    values = [*BASE, -5, 0, 1, 2, 3, 4, 5]
    chart = xmr(values, fix_after_n_points=12)
    assert rules_of(chart) == "............" + "A" + "T" * 6
    assert types_of(chart) == "............" + "-" + "+" * 6
    assert chart.variation_icon == "improvement_high"
    decrease = xmr(values, fix_after_n_points=12, improvement="decrease")
    assert types_of(decrease) == "............" + "+" + "-" * 6
    assert decrease.variation_icon == "concern_high"


# --------------------------------------------------------------------------------------------
# Rebasing

# Period 0: [5, 7] * 7, mean 6, thirteen mr of 2, amr 2: limits 0.68, 11.32.
# Period 1: [15, 17] * 7, mean 16, amr 2: limits 10.68, 21.32. Nothing flagged.
# As one period: mean 11, mr thirteen 2s, one 8, thirteen 2s (sum 60): amr 60/27 = 2.222;
# screening drops 8 (>= 3.267 * 2.222 = 7.26): amr 52/26 = 2. Limits 11 +/- 5.32 = 5.68,
# 16.32; 2-sigma 11 +/- 3.5467 = 7.4533, 14.5467. Every 5 and 17 is astronomical; every 7 is
# beyond the lower 2-sigma line and in a window (7, 5, 7) below the mean with another 7 (the
# 5s, outside the limits, do not count); likewise every 15 in a window (15, 17, 15).
TWO_LEVELS = [5, 7] * 7 + [15, 17] * 7


def test_rebase_gives_each_period_its_own_mean_and_limits() -> None:
    chart = xmr(TWO_LEVELS, rebase_at=[14])
    assert chart.period.tolist() == [0] * 14 + [1] * 14
    assert_period(chart, range(14), mean=6, amr=2)
    assert_period(chart, range(14, 28), mean=16, amr=2)
    assert chart.lower_limit[0] == approx(0.68)
    assert chart.upper_limit[0] == approx(11.32)
    assert chart.lower_limit[14] == approx(10.68)
    assert chart.upper_limit[14] == approx(21.32)
    assert rules_of(chart) == "." * 28
    assert chart.short_baseline is False

    single = xmr(TWO_LEVELS)
    assert_period(single, range(28), mean=11, amr=2)
    assert single.period.tolist() == [0] * 28
    assert rules_of(single) == "A2" * 7 + "2A" * 7
    assert types_of(single) == "-" * 14 + "+" * 14


def test_trend_does_not_cross_a_rebase() -> None:
    # Period 0 = [7, 5] * 5 + [4, 5, 6]: sum 75, mean 5.769; mr nine 2s, then 1, 1, 1 (sum 21):
    # amr 1.75; limits 5.769 +/- 4.655 = 1.114, 10.424; 2-sigma 2.666, 8.873.
    # Period 1 = [7, 8, 9, 10] + [9, 11] * 4 + [10]: sum 124, mean 9.538; mr 1,1,1,1,2*7,1
    # (sum 19): amr 1.5833; limits 9.538 +/- 4.2117 = 5.327, 13.750; 2-sigma 6.731, 12.346.
    # 4, 5, 6 | 7, 8, 9, 10 (positions 10-16) rise for 7 points but across the boundary; no
    # window of 7 inside a period rises, no point is beyond 2-sigma, and no 7 in a row lie on
    # one side of their period's mean.
    period0 = [7, 5] * 5 + [4, 5, 6]
    period1 = [7, 8, 9, 10] + [9, 11] * 4 + [10]
    chart = xmr(period0 + period1, rebase_at=[13])
    assert_period(chart, range(13), mean=75 / 13, amr=1.75)
    assert_period(chart, range(13, 26), mean=124 / 13, amr=19 / 12)
    assert rules_of(chart) == "." * 26
    # The same values as one period do hold the trend.
    assert "TTTTTTT" in rules_of(xmr(period0 + period1))


def test_shift_does_not_cross_a_rebase() -> None:
    # Period 0 = [5, 7] * 5 + [7, 7, 7]: sum 81, mean 6.231; mr nine 2s and three 0s (sum
    # 18): amr 1.5; limits 6.231 +/- 3.99 = 2.241, 10.221; 2-sigma 3.571, 8.891.
    # Period 1 = [17, 17, 17] + [15, 13] * 5: sum 191, mean 14.692; mr 0, 0, 2 and nine 2s
    # (sum 20): amr 1.6667; limits 14.692 +/- 4.4333 = 10.259, 19.126; 2-sigma 11.737, 17.648.
    # Positions 9-12 (7, 7, 7, 7) are above period 0's mean and 13-16 (17, 17, 17, 15) above
    # period 1's: eight in a row above their own means, but at most four within a period.
    period0 = [5, 7] * 5 + [7, 7, 7]
    period1 = [17, 17, 17] + [15, 13] * 5
    chart = xmr(period0 + period1, rebase_at=[13])
    assert_period(chart, range(13), mean=81 / 13, amr=1.5)
    assert_period(chart, range(13, 26), mean=191 / 13, amr=20 / 12)
    assert all(chart.values[i] > chart.mean[i] for i in range(9, 17))
    assert rules_of(chart) == "." * 26


def test_two_in_three_does_not_cross_a_rebase() -> None:
    # Period 0 = [5, 7, 5, 7, 5, 7, 7, 10]: sum 53, mean 6.625; mr five 2s, 0, 3 (sum 13):
    # amr 13/7 = 1.857 (threshold 6.07 keeps all); limits 6.625 +/- 4.94 = 1.685, 11.565;
    # 2-sigma 6.625 +/- 3.2933 = 3.332, 9.918. 10 is beyond 2-sigma, alone in (7, 7, 10).
    # Period 1 = [12, 5, 7, 5, 7, 5, 7]: sum 48, mean 6.857; mr 7 and five 2s (sum 17):
    # amr 17/6 = 2.833 (threshold 9.26 keeps all); limits 6.857 +/- 7.537 = -0.680, 14.394;
    # 2-sigma 6.857 +/- 5.0244 = 1.833, 11.882. 12 is beyond 2-sigma; (12, 5, 7) mixes sides.
    # The window (7, 10 | 12) across the boundary is all above its periods' means with two
    # points beyond their 2-sigma lines, but a window may not span two periods.
    period0 = [5, 7, 5, 7, 5, 7, 7, 10]
    period1 = [12, 5, 7, 5, 7, 5, 7]
    chart = xmr(period0 + period1, rebase_at=[8])
    assert_period(chart, range(8), mean=53 / 8, amr=13 / 7)
    assert_period(chart, range(8, 15), mean=48 / 7, amr=17 / 6)
    assert chart.values[6] > chart.mean[6]
    assert chart.values[7] > chart.upper_2sigma[7]
    assert chart.values[8] > chart.upper_2sigma[8]
    assert rules_of(chart) == "." * 15


# --------------------------------------------------------------------------------------------
# fix_after_n_points

# [4, 8, 4, 8, 4, 8, 20, 20, 20]:
# - fixed on 6 points: mean 6, five mr of 4, amr 4; limits -4.64, 16.64: the 20s are outside.
# - on all 9: sum 96, mean 10.667; mr five 4s, 12, 0, 0 (sum 32): amr 4 (threshold 13.07 keeps
#   12); limits 10.667 +/- 10.64 = 0.0267, 21.3067; 2-sigma 3.5733, 17.76: the 20s are beyond
#   2-sigma, inside the limits, in windows (8, 20, 20) and (20, 20, 20) above the mean:
#   two-in-three. The 4s are not beyond 2-sigma (4 > 3.5733).
FIXED = [4, 8, 4, 8, 4, 8, 20, 20, 20]


def test_fix_after_n_points_sets_the_limits_from_the_first_points() -> None:
    fixed = xmr(FIXED, fix_after_n_points=6)
    assert_period(fixed, range(9), mean=6, amr=4)
    assert rules_of(fixed) == "......AAA"
    unfixed = xmr(FIXED)
    assert_period(unfixed, range(9), mean=96 / 9, amr=4)
    assert rules_of(unfixed) == "......222"


def test_fix_after_n_points_applies_to_each_period() -> None:
    # Period 0 fixed on 4, 8, 4, 8: mean 6, amr 4, limits -4.64, 16.64 -> the 20s are outside.
    # Period 1 fixed on 14, 18, 14, 18: mean 16, amr 4, limits 5.36, 26.64 -> the 30s are.
    chart = xmr([4, 8, 4, 8, 20, 20, 14, 18, 14, 18, 30, 30], fix_after_n_points=4, rebase_at=[6])
    assert_period(chart, range(6), mean=6, amr=4)
    assert_period(chart, range(6, 12), mean=16, amr=4)
    assert rules_of(chart) == "....AA....AA"


def test_fix_after_more_points_than_the_period_uses_all_of_them() -> None:
    assert xmr(FIXED, fix_after_n_points=50).mean.tolist() == xmr(FIXED).mean.tolist()
    assert rules_of(xmr(FIXED, fix_after_n_points=9)) == "......222"


# --------------------------------------------------------------------------------------------
# Outlier screening

# n = 14, sum 36 + 40 + 36 + 25 = 137, mean 9.7857.
# mr: five 4s, 32, 32, five 4s, 21 (sum 125): amr 125/13 = 9.615.
# Screening on: 32 >= 3.267 * 9.615 = 31.41 is dropped (both), 21 kept: amr (20 + 20 + 21)/11
# = 61/11 = 5.5455; upper limit 9.7857 + 14.751 = 24.537 < 25: the last point is astronomical.
# Screening off: amr 9.615; upper limit 9.7857 + 25.577 = 35.363, 2-sigma 26.837: 25 is common
# cause. The spike 40 is astronomical either way.
SPIKE = [4, 8, 4, 8, 4, 8, 40, 8, 4, 8, 4, 8, 4, 25]


def test_screening_on_drops_large_moving_ranges() -> None:
    chart = xmr(SPIKE)
    assert_period(chart, range(14), mean=137 / 14, amr=61 / 11)
    assert chart.upper_limit[0] == approx(137 / 14 + 2.66 * 61 / 11)
    assert rules_of(chart) == "......A......A"
    assert chart.variation_icon == "improvement_high"


def test_screening_off_keeps_every_moving_range() -> None:
    chart = xmr(SPIKE, screen_outliers=False)
    assert_period(chart, range(14), mean=137 / 14, amr=125 / 13)
    assert rules_of(chart) == "......A......."
    assert chart.variation_icon == "common_cause"


# --------------------------------------------------------------------------------------------
# Constant series


def test_constant_series_with_screening_has_undefined_limits() -> None:
    # Every mr is 0, none is < 3.267 * 0, so no range is kept: the mean moving range, and so
    # every limit, is NaN. All points are on the mean: common cause.
    chart = xmr([5] * 10, improvement="decrease", target=3)
    assert chart.mean.tolist() == [5.0] * 10
    for line in (chart.lower_limit, chart.upper_limit, chart.lower_2sigma, chart.upper_2sigma):
        assert np.isnan(line).all()
    assert rules_of(chart) == "." * 10
    assert types_of(chart) == "." * 10
    assert chart.variation_icon == "common_cause"
    # Neither above nor below a NaN limit: "otherwise", hit and miss (R's case_when default).
    assert chart.assurance_icon == "hit_and_miss"


def test_constant_series_without_screening_has_limits_on_the_mean() -> None:
    chart = xmr([5] * 10, screen_outliers=False)
    assert_period(chart, range(10), mean=5, amr=0)
    assert rules_of(chart) == "." * 10


def test_single_point() -> None:
    # No moving range at all: NaN limits, the point is on its own mean.
    chart = xmr([3.5], target=1)
    assert chart.mean.tolist() == [3.5]
    assert np.isnan(chart.upper_limit[0])
    assert chart.rule == (None,)
    assert chart.point_type == ("common_cause",)
    assert chart.short_baseline is True
    assert chart.assurance_icon == "hit_and_miss"


# --------------------------------------------------------------------------------------------
# Variation icons (from the last point)


@pytest.mark.parametrize(
    ("values", "improvement", "icon"),
    [
        (ASTRO_HIGH, "increase", "improvement_high"),
        (ASTRO_LOW, "decrease", "improvement_low"),
        (ASTRO_HIGH, "decrease", "concern_high"),
        (ASTRO_LOW, "increase", "concern_low"),
        (ASTRO_HIGH, "neutral", "neutral_high"),
        (ASTRO_LOW, "neutral", "neutral_low"),
        (TREND_UP, "increase", "common_cause"),  # special causes earlier, not last
        (BASE, "decrease", "common_cause"),
    ],
)
def test_variation_icon(values: list[int], improvement: str, icon: str) -> None:
    assert xmr(values, improvement=improvement).variation_icon == icon  # type: ignore[arg-type]


def test_variation_icon_from_a_trend_uses_its_direction() -> None:
    # TREND_UP without its last point: [5, 1, 2, ..., 7], sum 33, mean 4.125; mr 4 and six 1s
    # (sum 10): amr 1.4286; limits 4.125 +/- 3.8 = 0.325, 7.925; 2-sigma 1.592, 6.658. The last
    # point 7 is beyond 2-sigma, but it is named by the (rising) trend, which outranks
    # two-in-three: with decrease better, a rising trend is a concern, "concern_high". The
    # mirror image [3, 7, 6, ..., 1] (mean 3.875, lower limit 0.075) ends in a falling trend:
    # "improvement_low".
    values = TREND_UP[:-1]
    chart = xmr(values, improvement="decrease")
    assert chart.rule[-1] == "trend"
    assert chart.variation_icon == "concern_high"
    falling = xmr(TREND_DOWN[:-1], improvement="decrease")
    assert falling.rule[-1] == "trend"
    assert falling.variation_icon == "improvement_low"


# --------------------------------------------------------------------------------------------
# Assurance icons (target against the last period's limits)

# [4, 8] * 7: mean 6, thirteen mr of 4, amr 4; limits -4.64, 16.64; all common cause.
COMMON = [4, 8] * 7


@pytest.mark.parametrize(
    ("target", "improvement", "icon"),
    [
        (17, "increase", "fail"),
        (17, "decrease", "pass"),
        (-5, "increase", "pass"),
        (-5, "decrease", "fail"),
        (6, "increase", "hit_and_miss"),
        (6, "decrease", "hit_and_miss"),
        (16.5, "increase", "hit_and_miss"),
        (-4.5, "decrease", "hit_and_miss"),
        (17, "neutral", None),
        (-5, "neutral", None),
        (None, "increase", None),
        (None, "decrease", None),
    ],
)
def test_assurance_icon(target: float | None, improvement: str, icon: str | None) -> None:
    chart = xmr(COMMON, improvement=improvement, target=target)  # type: ignore[arg-type]
    assert_period(chart, range(14), mean=6, amr=4)
    assert chart.assurance_icon == icon
    assert chart.target == target


@pytest.mark.parametrize("improvement", ["increase", "decrease"])
def test_assurance_icon_is_strict_at_the_limits(improvement: str) -> None:
    chart = xmr(COMMON)
    upper = float(chart.upper_limit[-1])
    lower = float(chart.lower_limit[-1])
    assert (lower, upper) == (approx(-4.64), approx(16.64))

    def icon(target: float) -> str | None:
        return xmr(COMMON, improvement=improvement, target=target).assurance_icon  # type: ignore[arg-type]

    assert icon(upper) == "hit_and_miss"
    assert icon(lower) == "hit_and_miss"
    above, below = ("fail", "pass") if improvement == "increase" else ("pass", "fail")
    assert icon(math.nextafter(upper, math.inf)) == above
    assert icon(math.nextafter(lower, -math.inf)) == below


def test_assurance_icon_uses_the_last_period() -> None:
    # TWO_LEVELS rebased at 14: period 0 limits 0.68, 11.32; period 1 limits 10.68, 21.32.
    # A target of 10 is inside period 0's limits but below period 1's: consistently passed.
    # As one period (limits 5.68, 16.32) it would be hit and miss.
    assert xmr(TWO_LEVELS, rebase_at=[14], target=10).assurance_icon == "pass"
    assert xmr(TWO_LEVELS, target=10).assurance_icon == "hit_and_miss"
    # 12 is above period 0's upper limit but inside period 1's.
    assert xmr(TWO_LEVELS, rebase_at=[14], target=12).assurance_icon == "hit_and_miss"
    assert xmr(TWO_LEVELS, rebase_at=[14], target=22).assurance_icon == "fail"


# --------------------------------------------------------------------------------------------
# Short baselines


def test_short_baseline_at_twelve_points_not_thirteen() -> None:
    assert xmr([5, 7] * 6).short_baseline is True
    assert xmr([5, 7] * 6 + [5]).short_baseline is False


def test_short_baseline_counts_any_period() -> None:
    values = [5, 7] * 13  # 26 points
    assert xmr(values, rebase_at=[13]).short_baseline is False  # 13 + 13
    assert xmr(values, rebase_at=[14]).short_baseline is True  # 14 + 12
    assert xmr(values, rebase_at=[12]).short_baseline is True  # 12 + 14
    # The period length counts, not the baseline length.
    assert xmr(values, fix_after_n_points=5).short_baseline is False


# --------------------------------------------------------------------------------------------
# Rule-set presets


def test_six_point_preset_finds_a_six_point_trend() -> None:
    # [5, 1, 2, 3, 4, 5, 6, 3]: sum 29, mean 3.625; mr 4,1,1,1,1,1,3 (sum 12): amr 1.7143;
    # limits 3.625 +/- 4.56 = -0.935, 8.185; 2-sigma 0.585, 6.665 (1 and 6 are inside).
    # Positions 1-6 rise: six points, a trend only with six_point.
    values = [5, 1, 2, 3, 4, 5, 6, 3]
    reference = xmr(values)
    assert_period(reference, range(8), mean=29 / 8, amr=12 / 7)
    assert rules_of(reference) == "........"
    six = xmr(values, rules="six_point")
    assert rules_of(six) == ".TTTTTT."
    assert types_of(six) == ".++++++."
    assert rules_of(xmr(values, rules=SIX_POINT_RULES)) == ".TTTTTT."


def test_six_point_preset_finds_a_six_point_shift() -> None:
    # SHIFT with each block cut to six: [7, 5] * 3, [8, 7] * 3, [4, 5] * 3: sum
    # 36 + 45 + 27 = 108, n = 18, mean 6; mr five 2s, |8 - 5| = 3, five 1s, |4 - 7| = 3,
    # five 1s (sum 26): amr 26/17 = 1.5294; limits 6 +/- 4.068 = 1.932, 10.068; 2-sigma
    # 3.288, 8.712: nothing beyond. Six points above, then six below the mean.
    values = [7, 5] * 3 + [8, 7] * 3 + [4, 5] * 3
    reference = xmr(values)
    assert_period(reference, range(18), mean=6, amr=26 / 17)
    assert rules_of(reference) == "." * 18
    six = xmr(values, rules="six_point")
    assert rules_of(six) == "......" + "S" * 12
    assert types_of(six) == "......" + "+" * 6 + "-" * 6


def test_mdc_2023_preset_counts_points_beyond_the_limits_in_two_in_three() -> None:
    # Limits fixed on BASE: mean 6, 2-sigma 13.0933, limits 16.64. Then 7, 14, 17:
    # (7, 14, 17) are all above the mean; 14 is beyond 2-sigma and 17 beyond the limit.
    # Reference: 17 does not count, one point only: 14 is common cause.
    # mdc_2023: 17 counts, two points: 14 is two-in-three and 17 too, though its rule is
    # still "astronomical" by priority.
    values = [*BASE, 7, 14, 17]
    reference = xmr(values, fix_after_n_points=12)
    assert rules_of(reference) == "." * 14 + "A"
    mdc = xmr(values, fix_after_n_points=12, rules="mdc_2023")
    assert rules_of(mdc) == "." * 13 + "2A"
    assert types_of(mdc) == "." * 13 + "++"
    assert rules_of(xmr(values, fix_after_n_points=12, rules=MDC_2023_RULES)) == "." * 13 + "2A"


def test_named_presets_are_the_rule_sets() -> None:
    assert RULE_SETS == {
        "reference": REFERENCE_RULES,
        "six_point": SIX_POINT_RULES,
        "mdc_2023": MDC_2023_RULES,
    }
    assert (REFERENCE_RULES.trend_points, REFERENCE_RULES.shift_points) == (7, 7)
    assert (SIX_POINT_RULES.trend_points, SIX_POINT_RULES.shift_points) == (6, 6)
    assert MDC_2023_RULES.two_in_three_counts_beyond_limits is True
    assert REFERENCE_RULES.two_in_three_counts_beyond_limits is False
    assert xmr(SHIFT).rules is REFERENCE_RULES
    assert xmr(SHIFT, rules="mdc_2023").rules is MDC_2023_RULES


# --------------------------------------------------------------------------------------------
# Bad input


@pytest.mark.parametrize(
    ("values", "kwargs", "argument"),
    [
        pytest.param([], {}, "values", id="empty-values"),
        pytest.param([1.0, math.nan, 2.0], {}, "values", id="nan-in-values"),
        pytest.param([1.0, math.inf, 2.0], {}, "values", id="inf-in-values"),
        pytest.param([1.0, -math.inf], {}, "values", id="minus-inf-in-values"),
        pytest.param([1, 2, 3], {"improvement": "up"}, "improvement", id="improvement-up"),
        pytest.param([1, 2, 3], {"improvement": "Increase"}, "improvement", id="improvement-case"),
        pytest.param([1, 2, 3], {"rebase_at": [3]}, "rebase_at", id="rebase-at-length"),
        pytest.param([1, 2, 3], {"rebase_at": [-1]}, "rebase_at", id="rebase-at-negative"),
        pytest.param([1, 2, 3], {"rebase_at": [1, 10]}, "rebase_at", id="rebase-at-beyond"),
        pytest.param([1, 2, 3], {"fix_after_n_points": 1}, "fix_after_n_points", id="fix-1"),
        pytest.param([1, 2, 3], {"fix_after_n_points": 0}, "fix_after_n_points", id="fix-0"),
        pytest.param([1, 2, 3], {"fix_after_n_points": -2}, "fix_after_n_points", id="fix-neg"),
        pytest.param([1, 2, 3], {"rules": "seven_point"}, "rules", id="rules-unknown"),
        pytest.param([1, 2, 3], {"rules": "Reference"}, "rules", id="rules-case"),
    ],
)
def test_bad_input_names_the_argument(values: list[float], kwargs: Any, argument: str) -> None:
    with pytest.raises(ValueError, match=rf"\b{argument}\b"):
        xmr(values, **kwargs)


def test_batch_rejects_a_repeated_position() -> None:
    with pytest.raises(ValueError, match=r"\bposition\b"):
        xmr_batch(["a", "a", "b"], [1, 1, 1], [1.0, 2.0, 3.0])


@pytest.mark.parametrize(
    ("option", "rows"),
    [
        ("improvement", ["increase", "decrease", "increase", "increase"]),
        ("target", [1.0, 2.0, 5.0, 5.0]),
        ("target", [1.0, math.nan, 5.0, 5.0]),
        ("fix_after_n_points", [3, 4, 2, 2]),
        ("fix_after_n_points", [0, 3, 2, 2]),
    ],
)
def test_batch_rejects_options_varying_within_a_series(option: str, rows: list[Any]) -> None:
    # Rows 0 and 1 are series "a", rows 2 and 3 series "b"; "a" gets two different values.
    kwargs: dict[str, Any] = {option: rows}
    with pytest.raises(ValueError, match=rf"\b{option}\b"):
        xmr_batch(["a", "a", "b", "b"], [1, 2, 1, 2], [1.0, 2.0, 3.0, 4.0], **kwargs)


def test_batch_rejects_an_unknown_series() -> None:
    batch = xmr_batch(["a", "a"], [1, 2], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"\bseries_id\b"):
        batch.series("b")


# --------------------------------------------------------------------------------------------
# xmr_batch


def assert_same_chart(actual: XmrResult, expected: XmrResult) -> None:
    for name in (
        "values",
        "period",
        "mean",
        "lower_limit",
        "upper_limit",
        "lower_2sigma",
        "upper_2sigma",
    ):
        np.testing.assert_array_equal(getattr(actual, name), getattr(expected, name), name)
    assert actual.rule == expected.rule
    assert actual.point_type == expected.point_type
    assert actual.variation_icon == expected.variation_icon
    assert actual.assurance_icon == expected.assurance_icon
    assert actual.short_baseline == expected.short_baseline
    assert actual.improvement == expected.improvement
    assert actual.target == expected.target
    assert actual.rules == expected.rules


def long_table(
    series: dict[Any, dict[str, Any]], order: list[int]
) -> tuple[dict[str, list[Any]], dict[str, Any]]:
    """Rows (series_id, position, value) and per-row options, in the given row order.

    Positions are month-like numbers with gaps (start + 3 * k), so only their order counts.
    """
    rows: list[tuple[Any, ...]] = []
    for index, (key, spec) in enumerate(series.items()):
        rebase = set(spec["rebase_at"])
        for k, value in enumerate(spec["values"]):
            rows.append(
                (
                    key,
                    202_000 + 100 * index + 3 * k,
                    float(value),
                    spec["improvement"],
                    math.nan if spec["target"] is None else float(spec["target"]),
                    0 if spec["fix"] is None else spec["fix"],
                    k in rebase,
                )
            )
    rows = [rows[i] for i in order]
    columns = list(zip(*rows, strict=True))
    table = {"series_id": list(columns[0]), "position": list(columns[1]), "value": list(columns[2])}
    options = {
        "improvement": list(columns[3]),
        "target": list(columns[4]),
        "fix_after_n_points": list(columns[5]),
        "rebase": list(columns[6]),
    }
    return table, options


def single(spec: dict[str, Any], **common: Any) -> dict[str, Any]:
    """The keyword arguments of xmr / reference_xmr for one series of a batch."""
    return {
        "improvement": spec["improvement"],
        "target": spec["target"],
        "rebase_at": spec["rebase_at"],
        "fix_after_n_points": spec["fix"],
        **common,
    }


BATCH_SERIES: dict[Any, dict[str, Any]] = {
    "north": {
        "values": SPIKE,
        "improvement": "increase",
        "target": 20,
        "fix": None,
        "rebase_at": [],
    },
    "south": {
        "values": TWO_LEVELS,
        "improvement": "decrease",
        "target": 10,
        "fix": None,
        "rebase_at": [14],
    },
    "east": {"values": FIXED, "improvement": "neutral", "target": 3, "fix": 6, "rebase_at": []},
    "west": {
        "values": TREND_UP,
        "improvement": "increase",
        "target": None,
        "fix": None,
        "rebase_at": [4],
    },
    "centre": {"values": [2.5], "improvement": "decrease", "target": 1, "fix": 2, "rebase_at": []},
}


@pytest.mark.parametrize("screen_outliers", [True, False])
@pytest.mark.parametrize("rules", ["reference", "six_point", "mdc_2023"])
def test_batch_with_shuffled_rows_matches_each_series(screen_outliers: bool, rules: str) -> None:
    total = sum(len(spec["values"]) for spec in BATCH_SERIES.values())
    order = np.random.default_rng(2024).permutation(total).tolist()
    table, options = long_table(BATCH_SERIES, order)
    assert table["series_id"] != sorted(table["series_id"])  # really shuffled
    batch = xmr_batch(
        table["series_id"],
        table["position"],
        table["value"],
        screen_outliers=screen_outliers,
        rules=rules,
        **options,
    )
    assert batch.series_ids.tolist() == sorted(BATCH_SERIES)
    assert batch.series_id.tolist() == sorted(table["series_id"])
    for index, (key, spec) in enumerate(sorted(BATCH_SERIES.items())):
        kwargs = single(spec, screen_outliers=screen_outliers, rules=rules)
        expected = xmr(spec["values"], **kwargs)
        result = batch.series(key)
        assert_same_chart(result, expected)
        assert_matches_reference(result, reference_xmr(spec["values"], **kwargs))
        rows = batch.row_slices[index]
        assert batch.position[rows].tolist() == sorted(batch.position[rows].tolist())
        assert batch.variation_icon[index] == expected.variation_icon
        assert batch.assurance_icon[index] == expected.assurance_icon
        assert bool(batch.short_baseline[index]) == expected.short_baseline


def test_batch_options_given_once_apply_to_every_series() -> None:
    ids = [2, 1, 2, 1] * 7 + [1]
    positions = list(range(29))
    values = [float(v) for v in ([4, 8, 5, 7] * 7 + [32])]
    batch = xmr_batch(ids, positions, values, improvement="decrease", target=20.0)
    # Series 1: 8, 7, 8, 7, ... then 32; series 2: 4, 5, 4, 5, ...
    one = batch.series(1)
    assert one.values.tolist() == [8.0, 7.0] * 7 + [32.0]
    assert_same_chart(one, xmr([8, 7] * 7 + [32], improvement="decrease", target=20.0))
    two = batch.series(2)
    assert two.values.tolist() == [4.0, 5.0] * 7
    assert_same_chart(two, xmr([4, 5] * 7, improvement="decrease", target=20.0))
    # Series 1: mean (105 + 32)/15 = 9.133; 32 is astronomical high, a concern when lower is
    # better. Series 2: mean 4.5, amr 1, upper limit 7.16 < 20: lower is better, so "pass".
    assert one.rule[-1] == "astronomical"
    assert one.variation_icon == "concern_high"
    assert two.assurance_icon == "pass"


# --------------------------------------------------------------------------------------------
# Property tests against the oracle in spc_reference.py


def assert_matches_reference(chart: XmrResult, reference: Any, rel: float = 1e-9) -> None:
    assert list(chart.period) == reference.period
    for name in ("mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma"):
        actual = getattr(chart, name)
        expected = getattr(reference, name)
        for i, (a, b) in enumerate(zip(actual, expected, strict=True)):
            assert close(float(a), b, rel), f"{name}[{i}]: {a!r} != {b!r}"
    assert list(chart.rule) == reference.rule
    assert list(chart.point_type) == reference.point_type
    assert chart.variation_icon == reference.variation_icon
    assert chart.assurance_icon == reference.assurance_icon
    assert chart.short_baseline == reference.short_baseline


@st.composite
def series_values(draw: st.DrawFn, max_size: int = 40) -> list[int]:
    """Small integers (so ties, points on the mean, shifts and trends are common): noise, a
    random walk, or runs of steady rises, falls and repeats (trends meeting at ties); with up
    to two spikes for astronomical points."""
    n = draw(st.integers(1, max_size))
    kind = draw(st.sampled_from(["noise", "walk", "runs"]))
    if kind == "noise":
        values = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    elif kind == "walk":
        step = st.sampled_from([-2, -1, -1, 0, 1, 1, 2])
        values = list(itertools.accumulate(draw(st.lists(step, min_size=n, max_size=n))))
    else:
        # Rises and falls of about a trend's length, some separated by a tie, optionally after
        # a few wide swings which widen the limits so that the runs are not all astronomical.
        steps: list[int] = []
        direction = draw(st.sampled_from([-1, 1]))
        lengths = st.integers(1, 8) | st.integers(6, 7)
        for length in draw(st.lists(lengths, min_size=1, max_size=8)):
            steps += [direction] * length + [0] * draw(st.integers(0, 1))
            direction = draw(st.sampled_from([-direction, -direction, direction]))
        swings = [-8, 8] * draw(st.integers(0, 6))
        values = (swings + list(itertools.accumulate(steps)))[:n]
        n = len(values)
    spikes = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(-25, 25)), max_size=2))
    for position, value in spikes:
        values[position] = value
    return values


@st.composite
def series_options(draw: st.DrawFn, n: int) -> dict[str, Any]:
    rebase_at = sorted(draw(st.sets(st.integers(1, n - 1), max_size=3))) if n > 1 else []
    target: float | str | None = draw(
        st.none()
        | st.integers(-10, 10)
        | st.integers(-30, 30).map(lambda t: t / 2)
        | st.sampled_from(["upper", "lower"])
    )
    return {
        "improvement": draw(st.sampled_from(["increase", "decrease", "neutral"])),
        "target": target,
        "rebase_at": rebase_at,
        "fix": draw(st.none() | st.integers(2, 15)),
    }


def resolve_target(values: list[int], spec: dict[str, Any], **common: Any) -> dict[str, Any]:
    """Replace a target of "upper"/"lower" by the exact last limit (strict comparisons)."""
    if spec["target"] in ("upper", "lower"):
        limits = reference_xmr(values, **single({**spec, "target": None}, **common))
        limit = limits.upper_limit[-1] if spec["target"] == "upper" else limits.lower_limit[-1]
        return {**spec, "target": None if math.isnan(limit) else limit}
    return spec


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_xmr_matches_the_reference(data: st.DataObject) -> None:
    values = data.draw(series_values(), "values")
    common: dict[str, Any] = {
        "screen_outliers": data.draw(st.booleans(), "screen_outliers"),
        "rules": data.draw(st.sampled_from(sorted(RULE_SETS)), "rules"),
    }
    spec = resolve_target(values, data.draw(series_options(len(values)), "options"), **common)
    kwargs = single(spec, **common)
    assert_matches_reference(xmr(values, **kwargs), reference_xmr(values, **kwargs))


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(
        st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=1, max_size=40
    ),
    screen_outliers=st.booleans(),
    fix=st.none() | st.integers(2, 15),
)
def test_xmr_limits_match_the_reference_on_real_numbers(
    values: list[float], screen_outliers: bool, fix: int | None
) -> None:
    # Only the lines: with arbitrary floats the last bit of a sum may depend on the order of
    # the additions, which could flip a comparison on a boundary.
    chart = xmr(values, screen_outliers=screen_outliers, fix_after_n_points=fix)
    reference = reference_xmr(values, screen_outliers=screen_outliers, fix_after_n_points=fix)
    for name in ("mean", "lower_limit", "upper_limit", "lower_2sigma", "upper_2sigma"):
        for a, b in zip(getattr(chart, name), getattr(reference, name), strict=True):
            assert close(float(a), b), name


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_xmr_equals_the_batch_to_the_last_bit(data: st.DataObject) -> None:
    # xmr() has its own plain-Python kernel for one series; on real numbers (sums whose last
    # bit depends on the order of the additions, points near the lines) and every option it
    # must give the batch kernel's chart exactly.
    values = data.draw(
        st.lists(st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False), min_size=1)
        | series_values(max_size=60).map(lambda ints: [v / 3 for v in ints]),
        "values",
    )
    common: dict[str, Any] = {
        "screen_outliers": data.draw(st.booleans(), "screen_outliers"),
        "rules": data.draw(st.sampled_from(sorted(RULE_SETS)), "rules"),
    }
    spec = data.draw(series_options(len(values)), "options")
    if isinstance(spec["target"], str):
        spec = {**spec, "target": None}
    kwargs = single(spec, **common)
    size = len(values)
    rebase = np.zeros(size, dtype=bool)
    rebase[spec["rebase_at"]] = True
    batch = xmr_batch(
        np.zeros(size),
        np.arange(size),
        values,
        improvement=spec["improvement"],
        target=spec["target"],
        rebase=rebase,
        fix_after_n_points=spec["fix"],
        **common,
    )
    assert_same_chart(xmr(values, **kwargs), batch.series(0.0))


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_batch_matches_each_series_and_the_reference(data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 4), "series")
    keys = data.draw(
        st.lists(st.integers(0, 99), min_size=count, max_size=count, unique=True)
        | st.lists(
            st.text("abc", min_size=1, max_size=3), min_size=count, max_size=count, unique=True
        ),
        "ids",
    )
    common: dict[str, Any] = {
        "screen_outliers": data.draw(st.booleans(), "screen_outliers"),
        "rules": data.draw(st.sampled_from(sorted(RULE_SETS)), "rules"),
    }
    series: dict[Any, dict[str, Any]] = {}
    for key in keys:
        values = data.draw(series_values(max_size=20))
        spec = data.draw(series_options(len(values)))
        series[key] = {**resolve_target(values, spec, **common), "values": values}
    total = sum(len(spec["values"]) for spec in series.values())
    order = data.draw(st.permutations(range(total)), "order")
    table, options = long_table(series, order)
    batch = xmr_batch(table["series_id"], table["position"], table["value"], **options, **common)
    assert batch.series_ids.tolist() == sorted(keys)
    for key, spec in series.items():
        kwargs = single(spec, **common)
        result = batch.series(key)
        assert_same_chart(result, xmr(spec["values"], **kwargs))
        assert_matches_reference(result, reference_xmr(spec["values"], **kwargs))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_batch_in_small_blocks_and_presorted_rows_give_the_same_charts(
    data: st.DataObject,
) -> None:
    # Blocks of a few rows (instead of tens of thousands) put many block boundaries between
    # series; rows given already in order take the path that does not sort.
    count = data.draw(st.integers(2, 8), "series")
    common: dict[str, Any] = {"rules": data.draw(st.sampled_from(sorted(RULE_SETS)), "rules")}
    series: dict[Any, dict[str, Any]] = {}
    for key in range(count):
        values = data.draw(series_values(max_size=15))
        spec = data.draw(series_options(len(values)))
        series[key] = {**resolve_target(values, spec, **common), "values": values}
    total = sum(len(spec["values"]) for spec in series.values())
    block_rows = data.draw(st.integers(1, 20), "block_rows")
    in_order, options = long_table(series, list(range(total)))
    shuffled, shuffled_options = long_table(series, data.draw(st.permutations(range(total))))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(spc, "BLOCK_ROWS", block_rows)
        presorted = xmr_batch(
            in_order["series_id"], in_order["position"], in_order["value"], **options, **common
        )
        resorted = xmr_batch(
            shuffled["series_id"],
            shuffled["position"],
            shuffled["value"],
            **shuffled_options,
            **common,
        )
    for key, spec in series.items():
        expected = xmr(spec["values"], **single(spec, **common))
        assert_same_chart(presorted.series(key), expected)
        assert_same_chart(resorted.series(key), expected)
        assert presorted.series(key).short_baseline == expected.short_baseline


def test_xmr_leaves_the_callers_array_writeable() -> None:
    values = np.array([1.0, 2.0, 3.0, 2.0])
    chart = xmr(values)
    values[0] = 5.0
    assert chart.values[0] == 1.0
    assert not chart.values.flags.writeable


def test_xmr_treats_a_nan_target_as_no_target_and_refuses_an_infinite_one() -> None:
    chart = xmr([1, 2, 3, 2], target=float("nan"))
    assert chart.target is None
    assert chart.assurance_icon is None
    with pytest.raises(ValueError, match="target must be a finite number or None"):
        xmr([1, 2, 3, 2], target=float("inf"))


@settings(max_examples=100, deadline=None)
@given(
    values=st.lists(
        st.sampled_from([0.0, -0.0, 1.0, 2.0, 1e308, -1e308, 5e-324, 1e-300]), min_size=1
    ),
    screen_outliers=st.booleans(),
)
def test_xmr_equals_the_batch_at_the_edges_of_the_floats(
    values: list[float], screen_outliers: bool
) -> None:
    # Signed zeros, sums and ranges that overflow to infinity (a mean or spread that is not a
    # number) and the smallest numbers: the one-series kernel places each point among the
    # lines as the batch's comparisons do.
    size = len(values)
    with np.errstate(over="ignore", invalid="ignore"):  # the batch's lines overflow too
        batch = xmr_batch(np.zeros(size), np.arange(size), values, screen_outliers=screen_outliers)
    assert_same_chart(xmr(values, screen_outliers=screen_outliers), batch.series(0.0))


# Whole numbers near 2**53, where the floats are 1, 2 or 4 apart: a moving range of a few
# units puts a 2-sigma line less than half a step from the mean, so it rounds onto the mean on
# one side only; a point on the mean is still on it (not beyond the line).
ON_A_ROUNDED_LINE = [2.0**54] * 9 + [2.0**54 - 2, 2.0**54 + 4, 2.0**54, 2.0**54 - 4]


@settings(max_examples=100, deadline=None)
@example(offsets=[v - 2.0**54 for v in ON_A_ROUNDED_LINE], base=2.0**54, screen_outliers=True)
@given(
    offsets=st.lists(st.sampled_from([-4, -2, -1, 0, 0, 0, 1, 2, 4]), min_size=1, max_size=20),
    base=st.sampled_from([2.0**52, 2.0**53, 3.0 * 2**52, 2.0**54, 1e16]),
    screen_outliers=st.booleans(),
)
def test_xmr_equals_the_batch_when_a_line_rounds_onto_the_mean(
    offsets: list[float], base: float, screen_outliers: bool
) -> None:
    values = [base + offset for offset in offsets]
    size = len(values)
    batch = xmr_batch(np.zeros(size), np.arange(size), values, screen_outliers=screen_outliers)
    assert_same_chart(xmr(values, screen_outliers=screen_outliers), batch.series(0.0))


def test_a_point_on_the_mean_is_on_it_when_a_line_rounds_onto_the_mean() -> None:
    chart = xmr(ON_A_ROUNDED_LINE)
    assert chart.mean[0] == 2.0**54
    assert chart.upper_2sigma[0] == chart.mean[0] < chart.upper_limit[0]  # rounded onto it
    assert chart.lower_2sigma[0] < chart.mean[0]
    # Nine points on the mean are no shift; the last, 4 below, is outside the limits.
    assert rules_of(chart) == "." * 12 + "A"


def test_batch_names_come_from_its_codes_and_the_callers_columns_stay_writeable() -> None:
    ids = np.array([1, 1, 1, 1, 1, 1, 1, 1, 2, 2])
    positions = np.arange(10.0)
    values = np.array([1.0, 2.0, 1.0, 2.0, 1.0, 2.0, 1.0, 30.0, 4.0, 5.0])
    batch = xmr_batch(ids, positions, values)
    assert batch.rule.tolist() == [RULE_LABELS[code] for code in batch.rule_code]
    assert batch.point_type.tolist() == [POINT_TYPE_LABELS[code] for code in batch.point_type_code]
    assert batch.rule[7] == "astronomical"
    assert batch.series(1).rule[7] == "astronomical"
    for array in (batch.series_id, batch.position, batch.value, batch.rule, batch.point_type):
        assert not array.flags.writeable
    assert ids.flags.writeable
    assert positions.flags.writeable
    assert values.flags.writeable
    assert batch.series_id.tolist() == ids.tolist()


def test_xmr_takes_rebases_as_an_array_and_names_a_bad_improvement() -> None:
    values = [1.0, 2.0, 1.0, 2.0, 9.0, 8.0, 9.0, 8.0]
    assert xmr(values, rebase_at=np.array([4])).period.tolist() == [0, 0, 0, 0, 1, 1, 1, 1]
    with pytest.raises(ValueError, match="improvement must be one of"):
        xmr(values, improvement=["up"])  # type: ignore[arg-type]
