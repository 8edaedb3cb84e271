"""Statistical process control: NHS England "Making Data Count" XmR charts.

By default the results match the NHS-R community's ``NHSRplotthedots`` package (0.2.x), the
reference implementation of the Making Data Count rules:

- each period (the whole series, or the points between rebases) has its own centre line, the
  mean of its baseline points (the first ``fix_after_n_points`` if given, else all);
- moving ranges ``|y[i] - y[i-1]|`` are taken within the baseline; one pass of outlier
  screening drops moving ranges of at least 3.267 times their mean, then the mean moving range
  is recomputed;
- process limits are ``mean +/- 2.66 * mean moving range`` and the 2-sigma lines are
  ``mean +/- (2 * 2.66 / 3) * mean moving range``;
- special cause: a point strictly outside the limits (*astronomical*); 7 strictly increasing
  or decreasing points (*trend*, a tie breaks it); two of three consecutive points beyond a
  2-sigma line but inside the limits, all three on the same side of the mean (*two-in-three*,
  only those beyond the line are flagged); 7 consecutive points on the same side of the mean
  (*shift*, a point on the mean breaks it). When several apply the first in that order names
  the point;
- the variation icon comes from the last point; the assurance icon compares the target with
  the last period's limits.

Rule variants used in practice are available as :class:`RuleSet` presets.

References
----------
NHS England and NHS Improvement. Making Data Count: Strengthening your decisions (2019) and
Getting started (2019). NHS-R Community, NHSRplotthedots 0.2.x, ``ptd_spc``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bettercare.core._checks import (
    FloatArray,
    as_float_array,
    check_choice,
    check_finite,
    choose,
    freeze,
)

__all__ = [
    "IMPROVEMENTS",
    "MDC_2023_RULES",
    "REFERENCE_RULES",
    "RULE_SETS",
    "SIX_POINT_RULES",
    "AssuranceIcon",
    "Improvement",
    "PointType",
    "Rule",
    "RuleSet",
    "SpcPoint",
    "VariationIcon",
    "XmrBatch",
    "XmrResult",
    "xmr",
    "xmr_batch",
]

Improvement: TypeAlias = Literal["increase", "decrease", "neutral"]
IMPROVEMENTS: tuple[Improvement, ...] = ("increase", "decrease", "neutral")
Rule: TypeAlias = Literal["astronomical", "trend", "two_in_three", "shift"]
PointType: TypeAlias = Literal[
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
]
VariationIcon: TypeAlias = Literal[
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
]
AssuranceIcon: TypeAlias = Literal["pass", "fail", "hit_and_miss"]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
ObjectArray = NDArray[np.object_]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The constants and special-cause rules of an XmR chart.

    Attributes
    ----------
    name
        Short identifier of the preset.
    description
        Where the rules come from, in words.
    trend_points
        Consecutive strictly increasing or decreasing points that make a trend.
    shift_points
        Consecutive points on one side of the mean that make a shift.
    two_in_three_counts_beyond_limits
        Whether points beyond the process limits count towards (and are flagged by) the
        two-in-three rule, as in the Making Data Count tools since late 2023.
    limit_factor
        Process limits are this many mean moving ranges from the mean (2.66).
    outlier_factor
        Moving ranges of at least this many times their mean are screened out (3.267).
    short_baseline_points
        A period with fewer points than this is flagged as a short baseline.
    """

    name: str
    description: str
    trend_points: int = 7
    shift_points: int = 7
    two_in_three_counts_beyond_limits: bool = False
    limit_factor: float = 2.66
    outlier_factor: float = 3.267
    short_baseline_points: int = 13

    def __post_init__(self) -> None:
        for name in ("trend_points", "shift_points", "short_baseline_points"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be 2 or more, got {getattr(self, name)!r}")
        for name in ("limit_factor", "outlier_factor"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be greater than zero, got {getattr(self, name)!r}")

    @property
    def two_sigma_factor(self) -> float:
        """Distance of the 2-sigma lines from the mean, in mean moving ranges."""
        return 2 * self.limit_factor / 3


REFERENCE_RULES = RuleSet(
    "reference",
    "NHSRplotthedots 0.2.x: 7-point trend and shift, two-in-three inside the limits only",
)
SIX_POINT_RULES = RuleSet(
    "six_point",
    "Making Data Count Excel tool with 6-point trend and shift selected",
    trend_points=6,
    shift_points=6,
)
MDC_2023_RULES = RuleSet(
    "mdc_2023",
    "Making Data Count tools from late 2023: points beyond the limits count to two-in-three",
    two_in_three_counts_beyond_limits=True,
)
#: The named presets, by :attr:`RuleSet.name`.
RULE_SETS: dict[str, RuleSet] = {
    rules.name: rules for rules in (REFERENCE_RULES, SIX_POINT_RULES, MDC_2023_RULES)
}


@dataclass(frozen=True, slots=True)
class SpcPoint:
    """One point of an XmR chart."""

    position: int
    value: float
    period: int
    mean: float
    lower_limit: float
    upper_limit: float
    lower_2sigma: float
    upper_2sigma: float
    rule: Rule | None
    point_type: PointType


@dataclass(frozen=True)
class XmrResult:
    """An XmR chart for one series: per-point arrays (read-only) and the icons.

    ``rule[i]`` names the special-cause rule that flags point ``i`` (or is ``None``);
    ``period[i]`` counts the rebases before it.
    """

    values: FloatArray
    period: IntArray
    mean: FloatArray
    lower_limit: FloatArray
    upper_limit: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    rule: tuple[Rule | None, ...]
    point_type: tuple[PointType, ...]
    variation_icon: VariationIcon
    assurance_icon: AssuranceIcon | None
    short_baseline: bool
    improvement: Improvement
    target: float | None
    rules: RuleSet

    def __len__(self) -> int:
        return len(self.values)

    @property
    def points(self) -> tuple[SpcPoint, ...]:
        """The chart as one :class:`SpcPoint` per value."""
        return tuple(
            SpcPoint(
                position=index,
                value=float(self.values[index]),
                period=int(self.period[index]),
                mean=float(self.mean[index]),
                lower_limit=float(self.lower_limit[index]),
                upper_limit=float(self.upper_limit[index]),
                lower_2sigma=float(self.lower_2sigma[index]),
                upper_2sigma=float(self.upper_2sigma[index]),
                rule=self.rule[index],
                point_type=self.point_type[index],
            )
            for index in range(len(self.values))
        )


@dataclass(frozen=True)
class XmrBatch:
    """XmR charts for many series, computed together.

    Row arrays are sorted by series and position; ``series_ids`` lists each series once, in
    sorted order, with its icons in ``variation_icon``, ``assurance_icon`` and
    ``short_baseline`` at the same index, and its rows in ``row_slices``.
    """

    series_id: NDArray[np.generic]
    position: FloatArray
    value: FloatArray
    period: IntArray
    mean: FloatArray
    lower_limit: FloatArray
    upper_limit: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    rule: ObjectArray
    point_type: ObjectArray
    series_ids: NDArray[np.generic]
    variation_icon: ObjectArray
    assurance_icon: ObjectArray
    short_baseline: BoolArray
    improvement: ObjectArray
    target: FloatArray
    rules: RuleSet
    _index: dict[object, int] = field(repr=False, compare=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._index.update({key: i for i, key in enumerate(self.series_ids.tolist())})

    @property
    def row_slices(self) -> list[slice]:
        """The rows of each series, in the order of :attr:`series_ids`."""
        starts = np.r_[0, np.flatnonzero(self.series_id[1:] != self.series_id[:-1]) + 1]
        ends = np.r_[starts[1:], len(self.series_id)]
        return [slice(int(a), int(b)) for a, b in zip(starts, ends, strict=True)]

    def series(self, series_id: object) -> XmrResult:
        """The chart of one series, as :func:`xmr` would return it."""
        try:
            index = self._index[series_id]
        except KeyError:
            raise ValueError(f"series_id {series_id!r} is not in this batch") from None
        rows = self.row_slices[index]
        target = float(self.target[index])
        return XmrResult(
            values=self.value[rows],
            period=self.period[rows],
            mean=self.mean[rows],
            lower_limit=self.lower_limit[rows],
            upper_limit=self.upper_limit[rows],
            lower_2sigma=self.lower_2sigma[rows],
            upper_2sigma=self.upper_2sigma[rows],
            rule=tuple(self.rule[rows].tolist()),
            point_type=tuple(self.point_type[rows].tolist()),
            variation_icon=self.variation_icon[index],
            assurance_icon=self.assurance_icon[index],
            short_baseline=bool(self.short_baseline[index]),
            improvement=self.improvement[index],
            target=None if np.isnan(target) else target,
            rules=self.rules,
        )


def xmr(
    values: ArrayLike,
    *,
    improvement: Improvement = "increase",
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    fix_after_n_points: int | None = None,
    screen_outliers: bool = True,
    rules: RuleSet | str = REFERENCE_RULES,
) -> XmrResult:
    """XmR chart of one series by the Making Data Count rules.

    Parameters
    ----------
    values : array_like
        The series in time order (finite numbers, at least one).
    improvement : {"increase", "decrease", "neutral"}
        Which direction is an improvement.
    target : float, optional
        A target for the assurance icon.
    rebase_at : sequence of int
        0-based positions that start a new period, with its own mean and limits.
    fix_after_n_points : int, optional
        Compute each period's mean and limits from its first ``n`` points only.
    screen_outliers : bool
        Screen moving ranges of 3.267 times their mean or more before setting the limits.
    rules : RuleSet or str
        The rule set or the name of a preset in :data:`RULE_SETS`.

    Returns
    -------
    XmrResult

    References
    ----------
    NHS England, Making Data Count; NHSRplotthedots 0.2.x ``ptd_spc`` (the reference for
    the default rules).

    Examples
    --------
    >>> chart = xmr([5, 6, 5, 7, 6, 5, 6, 30], improvement="decrease", target=10)
    >>> chart.rule[-1], chart.point_type[-1], chart.variation_icon, chart.assurance_icon
    ('astronomical', 'special_cause_concern', 'concern_high', 'hit_and_miss')
    """
    series = as_float_array("values", values)
    if series.ndim != 1 or series.size == 0:
        raise ValueError(f"values must be a non-empty sequence of numbers, got {values!r}")
    check_finite("values", series)
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool) or fix_after_n_points < 2
    ):
        raise ValueError(
            f"fix_after_n_points must be a whole number of 2 or more, got {fix_after_n_points!r}"
        )
    rebase = np.zeros(series.size, dtype=bool)
    for position in rebase_at:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            raise ValueError(f"rebase_at must hold integer positions; got {position!r}")
        if not 1 <= position < series.size:
            raise ValueError(
                f"rebase_at positions must be between 1 and {series.size - 1} "
                f"(0-based, within the series); got {position!r}"
            )
        rebase[position] = True
    batch = xmr_batch(
        np.zeros(series.size, dtype=np.int64),
        np.arange(series.size),
        series,
        improvement=improvement,
        target=target,
        rebase=rebase,
        fix_after_n_points=fix_after_n_points,
        screen_outliers=screen_outliers,
        rules=rules,
    )
    return batch.series(0)


def _per_series(
    name: str, option: object, order: IntArray, series_first: IntArray
) -> NDArray[np.generic]:
    """Spread a per-series option given once or per row, checking it is constant per series.

    ``order`` sorts the rows by series and position; ``series_first`` is each series' first
    row in that order.
    """
    array = np.asarray(option)
    n_series = len(series_first)
    if array.ndim == 0:
        return np.full(
            n_series, array.item(), dtype=object if array.dtype.kind == "U" else array.dtype
        )
    size = len(order)
    if array.shape != (size,):
        raise ValueError(
            f"{name} must be a single value or one value per row ({size}), got shape {array.shape}"
        )
    rows = array[order]
    per_series = rows[series_first]
    expanded = np.repeat(per_series, np.diff(np.r_[series_first, size]))
    differs = expanded != rows
    if rows.dtype.kind == "f":
        differs &= ~(np.isnan(expanded) & np.isnan(rows))
    if differs.any():
        row = int(order[np.flatnonzero(differs)[0]])
        raise ValueError(
            f"{name} must be the same for every row of a series; row {row} has {array[row]!r} "
            "but another row of its series has "
            f"{expanded[np.flatnonzero(differs)[0]]!r}"
        )
    return per_series


def _run_ends(key: FloatArray, continues: BoolArray, length: int) -> BoolArray:
    """Rows that end a run of ``length`` equal non-zero keys.

    ``continues[i]`` says whether row ``i`` may join the run of row ``i - 1``.
    """
    same = continues & (key != 0)
    count = np.cumsum(same)
    reset = np.maximum.accumulate(np.where(~same, count, 0))
    run = np.where(key != 0, count - reset + 1, 0)
    ends: BoolArray = run >= length
    return ends


def _covered_by(ends: BoolArray, length: int) -> BoolArray:
    """Rows within ``length`` rows before a run end (the rows of the run)."""
    total = np.r_[0, np.cumsum(ends)]
    size = len(ends)
    index = np.arange(size)
    covered: BoolArray = total[np.minimum(index + length, size)] - total[index] > 0
    return covered


def xmr_batch(
    series_id: ArrayLike,
    position: ArrayLike,
    value: ArrayLike,
    *,
    improvement: Improvement | ArrayLike = "increase",
    target: float | ArrayLike | None = None,
    rebase: ArrayLike | None = None,
    fix_after_n_points: int | ArrayLike | None = None,
    screen_outliers: bool = True,
    rules: RuleSet | str = REFERENCE_RULES,
) -> XmrBatch:
    """XmR charts for many series at once, from a long table.

    Parameters
    ----------
    series_id : array_like
        The series each row belongs to (numbers or strings).
    position : array_like
        The row's place in its series (e.g. a month number); unique within a series.
    value : array_like
        The values (finite).
    improvement : str or array_like
        ``"increase"``, ``"decrease"`` or ``"neutral"``, once or per row (constant per series).
    target : float or array_like, optional
        Target per series, once or per row (NaN or None for no target).
    rebase : array_like of bool, optional
        Per row: True where the row starts a new period.
    fix_after_n_points : int or array_like, optional
        Once or per row (0 for none): baseline length of each period.
    screen_outliers : bool
        Screen large moving ranges before setting the limits.
    rules : RuleSet or str
        The rule set or the name of a preset.

    Returns
    -------
    XmrBatch
        Row results sorted by series and position, and one summary per series.

    Notes
    -----
    Vectorised over all rows (no Python loop per series), so thousands of area x metric
    series are processed in well under a second. :func:`xmr` is this function on one series.
    """
    rule_set = _rule_set(rules)
    ids = np.asarray(series_id)
    positions = as_float_array("position", position)
    values = as_float_array("value", value)
    size = values.size
    if ids.ndim != 1 or positions.ndim != 1 or values.ndim != 1:
        raise ValueError("series_id, position and value must be one-dimensional columns")
    if not (ids.size == positions.size == size):
        raise ValueError(
            "series_id, position and value must have the same length; got "
            f"{ids.size}, {positions.size} and {size}"
        )
    if size == 0:
        raise ValueError("value must hold at least one row")
    check_finite("position", positions)
    check_finite("value", values)
    unique_ids, codes = np.unique(ids, return_inverse=True)
    codes = codes.astype(np.int64)
    order = np.lexsort((positions, codes))
    codes, positions, values = codes[order], positions[order], values[order]
    n_series = len(unique_ids)

    repeated = (codes[1:] == codes[:-1]) & (positions[1:] == positions[:-1])
    if repeated.any():
        row = int(np.flatnonzero(repeated)[0]) + 1
        raise ValueError(
            f"position must be unique within a series; series {unique_ids[codes[row]]!r} "
            f"has position {positions[row]!r} more than once"
        )

    series_start = np.r_[True, codes[1:] != codes[:-1]]
    series_first = np.flatnonzero(series_start)
    improvements = _per_series("improvement", improvement, order, series_first).astype(object)
    bad = ~np.isin(improvements, IMPROVEMENTS)
    if bad.any():
        check_choice("improvement", improvements[int(np.flatnonzero(bad)[0])], IMPROVEMENTS)
    targets = _per_series(
        "target", np.nan if target is None else target, order, series_first
    ).astype(np.float64)
    if np.isinf(targets).any():
        raise ValueError("target must be a finite number or None")
    fix = _per_series(
        "fix_after_n_points",
        0 if fix_after_n_points is None else fix_after_n_points,
        order,
        series_first,
    ).astype(np.float64)
    if ((fix != 0) & (fix < 2)).any() or (fix != np.round(fix)).any():
        raise ValueError(
            f"fix_after_n_points must be a whole number of 2 or more, got {fix_after_n_points!r}"
        )
    fix[fix == 0] = np.inf

    period_start = series_start.copy()
    if rebase is not None:
        flags = np.asarray(rebase, dtype=bool)
        if flags.shape != (size,):
            raise ValueError(f"rebase must have one flag per row ({size}), got shape {flags.shape}")
        period_start |= flags[order]
    group = np.cumsum(period_start) - 1
    group_first = np.flatnonzero(period_start)
    n_groups = len(group_first)
    row_in_group = np.arange(size) - group_first[group]
    series_first_group = group[series_first]
    period = (group - series_first_group[codes]).astype(np.int64)

    # Centre line and mean moving range from each period's baseline.
    baseline = row_in_group < fix[codes]
    baseline_count = np.bincount(group, weights=baseline, minlength=n_groups)
    mean = np.bincount(group, weights=values * baseline, minlength=n_groups) / baseline_count
    step = np.r_[0.0, np.abs(np.diff(values))]
    has_range = baseline & (row_in_group > 0)

    def mean_range(rows: BoolArray) -> FloatArray:
        count = np.bincount(group, weights=rows, minlength=n_groups)
        total = np.bincount(group, weights=np.where(rows, step, 0.0), minlength=n_groups)
        average: FloatArray = np.divide(
            total, count, out=np.full(n_groups, np.nan), where=count > 0
        )
        return average

    moving_range = mean_range(has_range)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            kept = has_range & (step < rule_set.outlier_factor * moving_range[group])
        moving_range = mean_range(kept)

    centre = mean[group]
    spread = moving_range[group]
    upper = centre + rule_set.limit_factor * spread
    lower = centre - rule_set.limit_factor * spread
    upper_2sigma = centre + rule_set.two_sigma_factor * spread
    lower_2sigma = centre - rule_set.two_sigma_factor * spread

    outside = (values > upper) | (values < lower)
    side = np.sign(values - centre)
    beyond_2sigma = (values > upper_2sigma) | (values < lower_2sigma)
    near = beyond_2sigma if rule_set.two_in_three_counts_beyond_limits else beyond_2sigma & ~outside

    # Trend: strictly increasing or decreasing points within a period.
    in_period = row_in_group > 0
    slope = np.where(in_period, np.sign(np.r_[0.0, np.diff(values)]), 0.0)
    slope_continues = np.r_[False, slope[1:] == slope[:-1]]
    trend_ends = _run_ends(slope, slope_continues, rule_set.trend_points - 1)
    trend = _covered_by(trend_ends, rule_set.trend_points)

    # Shift: consecutive points on one side of the mean within a period.
    side_continues = np.r_[False, side[1:] == side[:-1]] & in_period
    shift = _covered_by(
        _run_ends(side, side_continues, rule_set.shift_points), rule_set.shift_points
    )

    # Two-in-three: a window of three points in one period, all on one side of the mean,
    # at least two of them beyond a 2-sigma line; the points beyond the line are flagged.
    window = np.zeros(size, dtype=bool)
    if size >= 3:
        same_period = group[2:] == group[:-2]
        near_count = near[:-2].astype(int) + near[1:-1] + near[2:]
        side_sum = side[:-2] + side[1:-1] + side[2:]
        window[: size - 2] = same_period & (near_count >= 2) & (np.abs(side_sum) == 3)
    in_window = window.copy()
    in_window[1:] |= window[:-1]
    in_window[2:] |= window[:-2]
    two_in_three = in_window & near

    rule = choose(
        [outside, trend, two_in_three, shift],
        ["astronomical", "trend", "two_in_three", "shift"],
        default=None,
    )

    # Direction of each special-cause point: by side of the mean, or for a trend by its slope
    # (the slope to the next point when that point is in the trend too).
    next_in_trend = np.r_[trend[1:] & (group[1:] == group[:-1]), False]
    slope_after = np.r_[slope[1:], 0.0]
    trend_slope = np.where(next_in_trend & trend, slope_after, slope)
    direction = np.where(
        outside,
        np.where(side == 1, 1, -1),
        np.where(trend & ~outside, np.where(trend_slope == 1, 1, -1), np.where(side > 0, 1, -1)),
    )
    signs = np.select([improvements == "increase", improvements == "decrease"], [1, -1], default=0)[
        codes
    ]
    special = outside | trend | two_in_three | shift
    point_type = choose(
        [~special, (signs == 0) & (direction > 0), signs == 0, direction * signs > 0],
        [
            "common_cause",
            "special_cause_neutral_high",
            "special_cause_neutral_low",
            "special_cause_improvement",
        ],
        default="special_cause_concern",
    )

    # Per-series summaries from each series' last point.
    last = np.r_[series_first[1:] - 1, size - 1]
    variation = _variation_icons(point_type[last], improvements)
    assurance = _assurance_icons(targets, improvements, lower[last], upper[last])
    group_size = np.bincount(group, minlength=n_groups)
    short_group = group_size < rule_set.short_baseline_points
    short = np.bincount(codes[group_first], weights=short_group, minlength=n_series) > 0

    return XmrBatch(
        series_id=freeze(unique_ids[codes]),
        position=freeze(positions),
        value=freeze(values),
        period=freeze(period),
        mean=freeze(centre),
        lower_limit=freeze(lower),
        upper_limit=freeze(upper),
        lower_2sigma=freeze(lower_2sigma),
        upper_2sigma=freeze(upper_2sigma),
        rule=freeze(rule),
        point_type=freeze(point_type),
        series_ids=freeze(unique_ids),
        variation_icon=freeze(variation),
        assurance_icon=freeze(assurance),
        short_baseline=freeze(short),
        improvement=freeze(improvements),
        target=freeze(targets),
        rules=rule_set,
    )


def _rule_set(rules: RuleSet | str) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    name = check_choice("rules", rules, RULE_SETS)
    return RULE_SETS[name]


def _variation_icons(last_type: ObjectArray, improvements: ObjectArray) -> ObjectArray:
    increase = improvements == "increase"
    return choose(
        [
            last_type == "common_cause",
            last_type == "special_cause_neutral_high",
            last_type == "special_cause_neutral_low",
            (last_type == "special_cause_improvement") & increase,
            last_type == "special_cause_improvement",
            (last_type == "special_cause_concern") & increase,
        ],
        [
            "common_cause",
            "neutral_high",
            "neutral_low",
            "improvement_high",
            "improvement_low",
            "concern_low",
        ],
        default="concern_high",
    )


def _assurance_icons(
    targets: FloatArray, improvements: ObjectArray, lower: FloatArray, upper: FloatArray
) -> ObjectArray:
    increase = improvements == "increase"
    above = targets > upper
    below = targets < lower
    return choose(
        [
            np.isnan(targets) | (improvements == "neutral"),
            above & increase,
            above,
            below & increase,
            below,
        ],
        [None, "fail", "pass", "pass", "fail"],
        default="hit_and_miss",
    )
