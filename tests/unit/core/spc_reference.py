"""A plain reference implementation of the Making Data Count XmR chart: a test oracle.

Written from the specification (NHSRplotthedots 0.2.x ``ptd_spc``), not from
``bettercare.core.spc``: lists and loops only, one series at a time, every rule checked
window by window exactly as it is worded. It is slow and it validates nothing; it exists
so that the vectorised implementation can be compared with something obviously right.

The rules, per period (the whole series, or the points from one rebase to the next):

- centre line: mean of the baseline (the first ``fix_after_n_points`` points, or all);
- moving ranges ``|y[k] - y[k-1]|`` within the baseline; with screening, one pass drops
  the ranges of at least 3.267 times their mean and the mean is taken again (the mean of
  no ranges is NaN);
- limits ``mean +/- 2.66 * amr``; 2-sigma lines ``mean +/- (2 * 2.66 / 3) * amr``;
- astronomical: strictly outside the limits;
- trend: ``trend_points`` consecutive points, each strictly above (or each strictly below)
  the one before; all of them are flagged;
- two-in-three: three consecutive points all strictly on one side of the mean, at least two
  of them strictly beyond a 2-sigma line and not outside the limits (or, with
  ``two_in_three_counts_beyond_limits``, also outside the limits); those are flagged;
- shift: ``shift_points`` consecutive points all strictly on one side of the mean;
- a point is named by the first of astronomical, trend, two-in-three, shift that flags it.

The direction of a flagged point is its side of the mean, except for a point named by a
trend: then it is the sign of the slope to the next point when the next point (in the same
period) is part of a trend too, else the sign of the slope from the previous point; a
positive slope is "high" and anything else "low" (as NHSRplotthedots'
``ifelse(sdy == 1, "Increasing", "Decreasing")``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

LIMIT_FACTOR = 2.66
TWO_SIGMA_FACTOR = 2 * 2.66 / 3
OUTLIER_FACTOR = 3.267
SHORT_BASELINE_POINTS = 13

#: preset name -> (trend points, shift points, two-in-three counts points beyond the limits)
PRESETS: dict[str, tuple[int, int, bool]] = {
    "reference": (7, 7, False),
    "six_point": (6, 6, False),
    "mdc_2023": (7, 7, True),
}

NAN = float("nan")


@dataclass
class ReferenceChart:
    """Per-point results (lists) and the series' icons."""

    period: list[int]
    mean: list[float]
    lower_limit: list[float]
    upper_limit: list[float]
    lower_2sigma: list[float]
    upper_2sigma: list[float]
    rule: list[str | None]
    point_type: list[str]
    variation_icon: str
    assurance_icon: str | None
    short_baseline: bool


def _average(numbers: list[float]) -> float:
    """Arithmetic mean, NaN for an empty list (as R's ``mean(numeric(0))``)."""
    if not numbers:
        return NAN
    return sum(numbers) / len(numbers)


def _side(value: float, mean: float) -> int:
    if value > mean:
        return 1
    if value < mean:
        return -1
    return 0


def _sign(number: float) -> int:
    if number > 0:
        return 1
    if number < 0:
        return -1
    return 0


def reference_xmr(
    values: Sequence[float],
    improvement: str = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    rules: str = "reference",
) -> ReferenceChart:
    """XmR chart of one series; see the module docstring for the rules."""
    trend_points, shift_points, counts_beyond_limits = PRESETS[rules]
    n = len(values)
    y = [float(v) for v in values]

    # Periods: [start, end) ranges.
    starts = sorted({0} | set(rebase_at))
    ends = [*starts[1:], n]
    periods = list(zip(starts, ends, strict=True))

    period = [0] * n
    mean = [NAN] * n
    lower = [NAN] * n
    upper = [NAN] * n
    lower_2sigma = [NAN] * n
    upper_2sigma = [NAN] * n

    for number, (start, end) in enumerate(periods):
        points = y[start:end]
        baseline = points if fix_after_n_points is None else points[:fix_after_n_points]
        centre = _average(baseline)
        ranges = [abs(baseline[k] - baseline[k - 1]) for k in range(1, len(baseline))]
        amr = _average(ranges)
        if screen_outliers:
            kept = [r for r in ranges if r < OUTLIER_FACTOR * amr]
            amr = _average(kept)
        for i in range(start, end):
            period[i] = number
            mean[i] = centre
            upper[i] = centre + LIMIT_FACTOR * amr
            lower[i] = centre - LIMIT_FACTOR * amr
            upper_2sigma[i] = centre + TWO_SIGMA_FACTOR * amr
            lower_2sigma[i] = centre - TWO_SIGMA_FACTOR * amr

    side = [_side(y[i], mean[i]) for i in range(n)]
    outside = [y[i] > upper[i] or y[i] < lower[i] for i in range(n)]
    beyond_2sigma = [y[i] > upper_2sigma[i] or y[i] < lower_2sigma[i] for i in range(n)]
    near = [beyond_2sigma[i] and (counts_beyond_limits or not outside[i]) for i in range(n)]

    trend = [False] * n
    shift = [False] * n
    two_in_three = [False] * n
    for start, end in periods:
        # Trend: every window of trend_points points in the period.
        for first in range(start, end - trend_points + 1):
            window = range(first, first + trend_points)
            steps = [y[k + 1] - y[k] for k in range(first, first + trend_points - 1)]
            if all(step > 0 for step in steps) or all(step < 0 for step in steps):
                for k in window:
                    trend[k] = True
        # Shift: every window of shift_points points in the period.
        for first in range(start, end - shift_points + 1):
            window = range(first, first + shift_points)
            sides = {side[k] for k in window}
            if sides in ({1}, {-1}):
                for k in window:
                    shift[k] = True
        # Two-in-three: every window of three points in the period.
        for first in range(start, end - 2):
            window = range(first, first + 3)
            sides = {side[k] for k in window}
            if sides in ({1}, {-1}) and sum(near[k] for k in window) >= 2:
                for k in window:
                    if near[k]:
                        two_in_three[k] = True

    rule: list[str | None] = []
    point_type: list[str] = []
    for i in range(n):
        if outside[i]:
            name: str | None = "astronomical"
        elif trend[i]:
            name = "trend"
        elif two_in_three[i]:
            name = "two_in_three"
        elif shift[i]:
            name = "shift"
        else:
            name = None
        rule.append(name)

        if name is None:
            point_type.append("common_cause")
            continue
        if name == "trend":
            next_in_trend = i + 1 < n and period[i + 1] == period[i] and trend[i + 1]
            slope = _sign(y[i + 1] - y[i]) if next_in_trend else _sign(y[i] - y[i - 1])
            high = slope > 0
        else:
            high = side[i] > 0
        if improvement == "neutral":
            point_type.append("special_cause_neutral_high" if high else "special_cause_neutral_low")
        elif high == (improvement == "increase"):
            point_type.append("special_cause_improvement")
        else:
            point_type.append("special_cause_concern")

    last = point_type[-1]
    if last == "common_cause":
        variation_icon = "common_cause"
    elif last == "special_cause_neutral_high":
        variation_icon = "neutral_high"
    elif last == "special_cause_neutral_low":
        variation_icon = "neutral_low"
    elif last == "special_cause_improvement":
        variation_icon = "improvement_high" if improvement == "increase" else "improvement_low"
    else:
        variation_icon = "concern_low" if improvement == "increase" else "concern_high"

    assurance_icon: str | None
    if target is None or improvement == "neutral":
        assurance_icon = None
    elif target > upper[-1]:
        assurance_icon = "fail" if improvement == "increase" else "pass"
    elif target < lower[-1]:
        assurance_icon = "pass" if improvement == "increase" else "fail"
    else:
        assurance_icon = "hit_and_miss"

    short_baseline = any(end - start < SHORT_BASELINE_POINTS for start, end in periods)

    return ReferenceChart(
        period=period,
        mean=mean,
        lower_limit=lower,
        upper_limit=upper,
        lower_2sigma=lower_2sigma,
        upper_2sigma=upper_2sigma,
        rule=rule,
        point_type=point_type,
        variation_icon=variation_icon,
        assurance_icon=assurance_icon,
        short_baseline=short_baseline,
    )


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    """Equal to ``rel`` relative (absolute near zero), with NaN equal to NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)
