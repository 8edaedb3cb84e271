"""Rebase points as positions in a series, and the sentence behind the variation icon."""

from __future__ import annotations

import pytest

from bettercare.core.periods import Month
from bettercare.core.spc import xmr
from bettercare.core.spc_reading import rebase_positions, variation_reason
from bettercare.core.summary import MetricSpec, Observation, summarise_metric

APRIL_2016 = Month(2016, 4)
MONTHS = [APRIL_2016 + i for i in range(24)]


def test_a_rebase_starts_at_the_first_point_in_or_after_its_month():
    gappy = [Month(2016, 1), Month(2016, 2), Month(2016, 4), Month(2016, 5)]
    # March 2016 has no point: the period starts with April (position 2).
    assert rebase_positions(gappy, [Month(2016, 3)]) == (2,)
    assert rebase_positions(gappy, [Month(2016, 5), Month(2016, 4)]) == (2, 3)
    # At or before the first point, or after the last: no new period within the series.
    assert rebase_positions(gappy, [Month(2016, 1), Month(2015, 6), Month(2016, 6)]) == ()
    assert rebase_positions(MONTHS, [Month(2017, 4)]) == (12,)


def test_months_out_of_order_are_refused():
    with pytest.raises(ValueError, match="months must be in increasing order"):
        rebase_positions([Month(2016, 2), Month(2016, 1)], [])


BEFORE = [900, 880, 870, 860, 890, 875, 865, 880, 870, 900, 880, 870]
AFTER = [700, 690, 710, 705, 695, 700, 690, 710, 705, 695, 700, 690]


def test_one_set_of_limits_reads_a_step_as_special_cause_and_a_rebase_as_two_processes():
    whole = xmr(BEFORE + AFTER, improvement="decrease")
    reason = variation_reason(whole, MONTHS)
    # Mean 788.75 (18,930 / 24); the steady months make narrow limits that every point breaks.
    assert whole.mean[0] == pytest.approx(788.75)
    assert (whole.variation_icon, reason.rule) == ("improvement_low", "astronomical")
    assert reason.text == (
        "Special cause: the latest point (March 2018) is below the lower process limit."
    )
    assert (reason.period_points, reason.period_special) == (24, 24)

    rebased = xmr(BEFORE + AFTER, improvement="decrease", rebase_at=[12])
    reason = variation_reason(rebased, MONTHS)
    assert rebased.mean[0] == pytest.approx(sum(BEFORE) / 12)  # 10,540 / 12 = 878.33
    assert rebased.mean[-1] == pytest.approx(sum(AFTER) / 12)  # 8,390 / 12 = 699.17
    assert rebased.variation_icon == "common_cause"
    assert reason.rule is None
    assert reason.text == (
        "Common cause: no rule fires at the latest point (March 2018); 0 of 12 points in the "
        "current period (April 2017 to March 2018) are special cause."
    )


def test_a_shift_names_its_run():
    values = [800, 900] * 8 + [840, 830, 845, 835, 840, 830, 845, 835]
    chart = xmr(values, improvement="decrease")
    reason = variation_reason(chart, MONTHS)
    assert chart.mean[0] == pytest.approx(20_300 / 24)  # 845.83: the last 8 lie below it
    assert (chart.variation_icon, reason.rule, reason.run) == ("improvement_low", "shift", 8)
    assert reason.text == "Special cause: the last 8 points are below the mean."
    assert (reason.period_points, reason.period_special) == (24, 8)


def test_an_astronomical_point_and_a_trend_are_named_with_the_rebase():
    spike = xmr(AFTER + AFTER[:11] + [900], improvement="decrease", rebase_at=[12])
    reason = variation_reason(spike, MONTHS)
    assert reason.rule == "astronomical"
    assert reason.text == (
        "Special cause: the latest point (March 2018) is above the upper process limit "
        "since the rebase in April 2017."
    )
    rising = xmr(AFTER + AFTER[:5] + [700, 701, 702, 703, 704, 705, 706], improvement="decrease")
    reason = variation_reason(rising, MONTHS)
    # 695 then 700 to 706: eight points, each above the one before.
    assert (rising.variation_icon, reason.rule, reason.run) == ("concern_high", "trend", 8)
    assert reason.text == "Special cause: the last 8 points are a rising run."


def test_the_summary_applies_the_recorded_rebase_months():
    spec = MetricSpec("delays", "Delays", "count", 1.0, "lower_is_better")
    actuals = [
        Observation(m.first_day, m.last_day, value=float(v))
        for m, v in zip(MONTHS, BEFORE + AFTER, strict=True)
    ]
    plain = summarise_metric(spec, actuals, [], Month(2018, 3))
    rebased = summarise_metric(spec, actuals, [], Month(2018, 3), rebases=[Month(2017, 4)])
    assert plain is not None
    assert rebased is not None
    assert plain.spc is not None
    assert rebased.spc is not None
    assert (plain.spc_rebases, rebased.spc_rebases) == ((), (Month(2017, 4),))
    assert rebased.spc.mean[-1] == pytest.approx(sum(AFTER) / 12)
    # Summarised before the rebase month, the chart knows nothing of it.
    earlier = summarise_metric(spec, actuals, [], Month(2017, 3), rebases=[Month(2017, 4)])
    assert earlier is not None
    assert earlier.spc_rebases == ()
