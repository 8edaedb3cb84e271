"""Rebase points as positions in a monthly series, and why an XmR chart's variation icon reads
as it does.

A rebase point is the first month of a new period with its own mean and limits (Making Data
Count: recalculate at a known change). It is recorded as a month; :func:`xmr` wants the
0-based position of the first point of the new period, so :func:`rebase_positions` turns one
into the other. :func:`variation_reason` states, from the chart alone, which rule (or none)
decides the icon at the latest point: nothing is said that the chart's arrays do not show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from bettercare.core.periods import Month
from bettercare.core.spc import XmrResult

__all__ = ["VariationReason", "rebase_positions", "variation_reason"]


def rebase_positions(months: Sequence[Month], rebases: Sequence[Month]) -> tuple[int, ...]:
    """The positions in ``months`` at which each rebase starts a new period.

    Parameters
    ----------
    months : sequence of Month
        The months of the series' points, in increasing order.
    rebases : sequence of Month
        The first month of each new period, any order.

    Returns
    -------
    tuple of int
        Sorted, distinct positions: for each rebase, the first point in or after its month.
        A rebase at or before the first point, or after the last, starts no period within
        the series (a chart drawn to an earlier month does not yet know of a later rebase).

    Examples
    --------
    >>> series = [Month(2016, 1), Month(2016, 2), Month(2016, 4), Month(2016, 5)]
    >>> rebase_positions(series, [Month(2016, 3), Month(2016, 5), Month(2015, 1)])
    (2, 3)
    """
    for earlier, later in pairwise(months):
        if not earlier < later:
            raise ValueError(f"months must be in increasing order; got {earlier} then {later}")
    positions: set[int] = set()
    for rebase in rebases:
        position = next((i for i, month in enumerate(months) if month >= rebase), None)
        if position is not None and position >= 1:
            positions.add(position)
    return tuple(sorted(positions))


@dataclass(frozen=True, slots=True)
class VariationReason:
    """Why the variation icon reads as it does, with the figures behind the sentence."""

    #: The rule that flags the latest point, or None (common cause).
    rule: str | None
    #: Points of the current period (since the last rebase, or the whole series).
    period_points: int
    #: Points of the current period flagged by any rule.
    period_special: int
    #: The length of the run that the rule counts (shift, trend), else 0.
    run: int
    text: str


def _side(value: float, mean: float) -> int:
    return (value > mean) - (value < mean)


def variation_reason(chart: XmrResult, months: Sequence[Month]) -> VariationReason:
    """The sentence behind the variation icon: the rule that fires at the latest point.

    Parameters
    ----------
    chart : XmrResult
        The chart whose icon is explained.
    months : sequence of Month
        The month of each point of the chart.

    Returns
    -------
    VariationReason
        The rule at the latest point (the icon is that point's type), the points and special
        points of the current period, and one sentence saying so. A shift or trend names the
        length of its run; the current period is named by its first month when the series
        has been rebased.
    """
    if len(months) != len(chart):
        raise ValueError(f"months must hold one month per point ({len(chart)}); got {len(months)}")
    last = len(chart) - 1
    current = int(chart.period[last])
    first = next(i for i in range(len(chart)) if int(chart.period[i]) == current)
    period_points = last - first + 1
    period_special = sum(1 for i in range(first, last + 1) if chart.rule[i] is not None)
    since = f" since the rebase in {months[first].label}" if current > 0 else ""
    scope = f"the current period ({months[first].label} to {months[last].label})"
    rule = chart.rule[last]
    latest = months[last].label
    run = 0
    if rule is None:
        text = (
            f"Common cause: no rule fires at the latest point ({latest}); "
            f"{period_special} of {period_points} points in {scope} are special cause."
        )
    elif rule == "astronomical":
        mean, value = float(chart.mean[last]), float(chart.values[last])
        where = "above the upper" if value > mean else "below the lower"
        text = f"Special cause: the latest point ({latest}) is {where} process limit{since}."
    elif rule == "shift":
        side = _side(float(chart.values[last]), float(chart.mean[last]))
        run = 0
        for i in range(last, first - 1, -1):
            if _side(float(chart.values[i]), float(chart.mean[i])) != side:
                break
            run += 1
        where = "above" if side > 0 else "below"
        text = f"Special cause: the last {run} points are {where} the mean{since}."
    elif rule == "trend":
        step = float(chart.values[last]) - float(chart.values[last - 1]) if last > first else 0.0
        run = 1
        for i in range(last, first, -1):
            difference = float(chart.values[i]) - float(chart.values[i - 1])
            if difference == 0 or (difference > 0) != (step > 0):
                break
            run += 1
        where = "rising" if step > 0 else "falling"
        text = f"Special cause: the last {run} points are a {where} run{since}."
    else:  # two_in_three
        text = (
            f"Special cause: two of the last three points, up to {latest}, lie beyond two "
            f"sigma on the same side of the mean{since}."
        )
    return VariationReason(
        rule=rule,
        period_points=period_points,
        period_special=period_special,
        run=run,
        text=text,
    )
