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

import functools
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import reduce
from operator import add, itemgetter
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bettercare.core import _xmr_ctypes
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
    ``short_baseline`` at the same index, and its rows in ``row_slices``. Each row's rule and
    point type are kept as small codes (``rule_code`` indexes :data:`RULE_LABELS`,
    ``point_type_code`` :data:`POINT_TYPE_LABELS`); the ``rule`` and ``point_type`` arrays of
    names are built from them on first use.
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
    rule_code: NDArray[np.int8]
    point_type_code: NDArray[np.int8]
    series_ids: NDArray[np.generic]
    variation_icon: ObjectArray
    assurance_icon: ObjectArray
    short_baseline: BoolArray
    improvement: ObjectArray
    target: FloatArray
    rules: RuleSet

    @functools.cached_property
    def _index(self) -> dict[object, int]:
        return {key: i for i, key in enumerate(self.series_ids.tolist())}

    @functools.cached_property
    def rule(self) -> ObjectArray:
        """Per row: the rule that flags the point (a :data:`Rule` name) or None."""
        return freeze(RULE_LABELS.take(self.rule_code))

    @functools.cached_property
    def point_type(self) -> ObjectArray:
        """Per row: the :data:`PointType` name of the point."""
        return freeze(POINT_TYPE_LABELS.take(self.point_type_code))

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
            rule=_labels(_RULE_TUPLE, self.rule_code[rows].tolist()),
            point_type=_labels(_POINT_TYPE_TUPLE, self.point_type_code[rows].tolist()),
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

    Notes
    -----
    Computed by a small C kernel (``_xmr_kernel.c``, built by ``make setup``) where it is
    built, else by the same arithmetic in plain Python: the charts are identical (ADR 0132).

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
    kernel = _compiled_kernel
    if kernel is None:
        series = series.copy()  # the result freezes its own copy
        points = series.tolist()
        if not math.isfinite(_ordered_sum(points)):  # a NaN or infinity makes the sum one
            check_finite("values", series)
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool) or fix_after_n_points < 2
    ):
        raise ValueError(
            f"fix_after_n_points must be a whole number of 2 or more, got {fix_after_n_points!r}"
        )
    starts = {0}
    for position in rebase_at:
        if isinstance(position, bool) or not isinstance(position, int | np.integer):
            raise ValueError(f"rebase_at must hold integer positions; got {position!r}")
        if not 1 <= position < series.size:
            raise ValueError(
                f"rebase_at positions must be between 1 and {series.size - 1} "
                f"(0-based, within the series); got {position!r}"
            )
        starts.add(int(position))
    if improvement not in IMPROVEMENTS:
        check_choice("improvement", improvement, IMPROVEMENTS)
    goal = None if target is None else float(target)
    if goal is not None and math.isinf(goal):
        raise ValueError("target must be a finite number or None")
    if goal is not None and math.isnan(goal):  # as in the batch: NaN means no target
        goal = None
    rule_set = _rule_set(rules)
    size = series.size
    sign = _SIGNS[improvement]
    fix = (
        None
        if fix_after_n_points is None or fix_after_n_points >= size
        else math.ceil(fix_after_n_points)
    )
    if kernel is not None:
        return _xmr_compiled(
            kernel, series, starts, fix, improvement, goal, screen_outliers, rule_set
        )
    # Without the compiled kernel: plain Python and a few numpy calls (the same charts).
    periods, lengths, rule_code, type_code = _xmr_one(
        series,
        points,
        sorted(starts),
        fix,
        sign,
        screen_outliers=screen_outliers,
        rule_set=rule_set,
    )
    # One array holds the five lines, a row each (read-only views of it are returned).
    if len(lengths) == 1:
        lines = np.empty((5, size))
        lines.T[...] = periods[0]
        period = np.zeros(size, dtype=np.int64)
    else:
        lines = np.repeat(np.array(periods).T, lengths, axis=1)
        period = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    return _chart(
        freeze(series),
        freeze(period),
        freeze(lines),
        0,
        rule_code,
        type_code,
        improvement,
        goal,
        min(lengths),
        rule_set,
    )


_SIGNS: dict[str, int] = {"increase": 1, "decrease": -1, "neutral": 0}

#: The compiled one-series kernel (``_xmr_kernel.c``), or None where it is not built.
_compiled_kernel = _xmr_ctypes.load()


def _xmr_compiled(
    kernel: _xmr_ctypes.XmrKernel,
    series: FloatArray,
    starts: set[int],
    fix: int | None,
    improvement: Improvement,
    goal: float | None,
    screen_outliers: bool,
    rule_set: RuleSet,
) -> XmrResult:
    """:func:`xmr` with the compiled kernel, on checked arguments.

    One array holds everything the kernel reads and writes, a row of ``size`` each: the
    values (the result's own copy), the five lines, then the rule and point type codes (and the
    kernel's scratch letters) as bytes; read-only views of it are returned.
    """
    size = series.size
    table = np.empty((7, size))
    table[0] = series
    base = table.ctypes.data
    if len(starts) == 1:
        later = None
        shortest = size
        period = np.zeros(size, dtype=np.int64)
    else:
        ordered = sorted(starts)
        lengths = np.diff([*ordered, size])
        shortest = int(lengths.min())
        period = np.repeat(np.arange(len(ordered), dtype=np.int64), lengths)
        later = np.array(ordered[1:], dtype=np.int64)
    sign = _SIGNS[improvement]
    if kernel(
        base,
        size,
        None if later is None else later.ctypes.data,
        len(starts) - 1,
        0 if fix is None else fix,
        sign,
        1 if screen_outliers else 0,
        1 if rule_set.two_in_three_counts_beyond_limits else 0,
        rule_set.shift_points,
        rule_set.trend_points,
        rule_set.limit_factor,
        rule_set.two_sigma_factor,
        rule_set.outlier_factor,
        base + 8 * size,
    ):
        check_finite("values", series)
    freeze(table)
    codes = table[6].view(np.int8)
    return _chart(
        table[0],
        freeze(period),
        table,
        1,
        codes[:size].tolist(),
        codes[size : 2 * size].tolist(),
        improvement,
        goal,
        shortest,
        rule_set,
    )


def _chart(
    values: FloatArray,
    period: IntArray,
    lines: FloatArray,
    first: int,
    rule_code: list[int],
    type_code: list[int],
    improvement: Improvement,
    goal: float | None,
    shortest: int,
    rule_set: RuleSet,
) -> XmrResult:
    """The result of :func:`xmr` from its kernel's (read-only) arrays: the five lines are the
    rows of ``lines`` from ``first`` on (mean, lower and upper limits, lower and upper 2-sigma
    lines); ``shortest`` is the length of the shortest period."""
    lower, upper = lines[first + 1 : first + 3, -1].tolist()  # the last period's limits
    return XmrResult(
        values=values,
        period=period,
        mean=lines[first],
        lower_limit=lines[first + 1],
        upper_limit=lines[first + 2],
        lower_2sigma=lines[first + 3],
        upper_2sigma=lines[first + 4],
        rule=_labels(_RULE_TUPLE, rule_code),
        point_type=_labels(_POINT_TYPE_TUPLE, type_code),
        variation_icon=_VARIATION_TUPLE[_VARIATION_ROWS[type_code[-1]][_SIGNS[improvement] == 1]],
        assurance_icon=_assurance_icon(goal, improvement, lower, upper),
        short_baseline=shortest < rule_set.short_baseline_points,
        improvement=improvement,
        target=goal,
        rules=rule_set,
    )


def _per_series(
    name: str, option: object, order: IntArray | None, series_first: IntArray, size: int
) -> NDArray[np.generic]:
    """Spread a per-series option given once or per row, checking it is constant per series.

    ``order`` sorts the rows by series and position (None when they already are);
    ``series_first`` is each series' first row in that order.
    """
    array = np.asarray(option)
    n_series = len(series_first)
    if array.ndim == 0:
        return np.full(
            n_series, array.item(), dtype=object if array.dtype.kind == "U" else array.dtype
        )
    if array.shape != (size,):
        raise ValueError(
            f"{name} must be a single value or one value per row ({size}), got shape {array.shape}"
        )
    rows = array if order is None else array[order]
    per_series = rows[series_first]
    expanded = np.repeat(per_series, np.diff(np.r_[series_first, size]))
    differs = expanded != rows
    if rows.dtype.kind == "f":
        differs &= ~(np.isnan(expanded) & np.isnan(rows))
    if differs.any():
        first = int(np.flatnonzero(differs)[0])
        row = first if order is None else int(order[first])
        raise ValueError(
            f"{name} must be the same for every row of a series; row {row} has {array[row]!r} "
            "but another row of its series has "
            f"{expanded[first]!r}"
        )
    return per_series


def _run_ends(key: FloatArray, continues: BoolArray, length: int) -> BoolArray:
    """Rows that end a run of ``length`` equal non-zero keys.

    ``continues[i]`` says whether row ``i`` may join the run of row ``i - 1``. A row ends such
    a run when it and the ``length - 1`` rows before it all join on (a window of a running
    count, so no running maximum is needed).
    """
    nonzero: BoolArray = key != 0
    if length == 1:
        return nonzero
    size = len(key)
    total = np.zeros(size + 1, dtype=np.int32)
    np.cumsum(continues & nonzero, out=total[1:])
    ends = np.zeros(size, dtype=bool)
    if size >= length - 1:
        # joined[i] = rows i - length + 2 .. i all join their predecessor
        np.equal(
            total[length - 1 :] - total[: size + 2 - length], length - 1, out=ends[length - 2 :]
        )
    return ends


def _same_as_previous(array: FloatArray) -> BoolArray:
    """Rows equal to the row before (the first row never is)."""
    same = np.zeros(array.size, dtype=bool)
    np.equal(array[1:], array[:-1], out=same[1:])
    return same


def _covered_by(ends: BoolArray, length: int) -> BoolArray:
    """Rows within ``length`` rows before a run end (the rows of the run)."""
    size = len(ends)
    total = np.empty(size + 1 + length, dtype=np.int32)
    total[0] = 0
    np.cumsum(ends, out=total[1 : size + 1])
    total[size + 1 :] = total[size]
    covered: BoolArray = total[length : length + size] != total[:size]
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
    unique_ids, series_start, order = _sort_rows(ids, positions)
    if order is None and ids.dtype.kind in "iubUS":
        row_ids = ids  # sorted, and equal ids are the same id (not so for 0.0 and -0.0)
    else:
        row_ids = unique_ids[np.cumsum(series_start) - 1]
    if order is not None:
        positions, values = positions[order], values[order]
        repeated = ~series_start[1:] & (positions[1:] == positions[:-1])
        if repeated.any():
            row = int(np.flatnonzero(repeated)[0]) + 1
            raise ValueError(
                f"position must be unique within a series; series {row_ids[row]!r} "
                f"has position {positions[row]!r} more than once"
            )
    n_series = len(unique_ids)

    series_first = np.flatnonzero(series_start)
    improvements = _per_series("improvement", improvement, order, series_first, size).astype(object)
    bad = ~np.isin(improvements, IMPROVEMENTS)
    if bad.any():
        check_choice("improvement", improvements[int(np.flatnonzero(bad)[0])], IMPROVEMENTS)
    targets = _per_series(
        "target", np.nan if target is None else target, order, series_first, size
    ).astype(np.float64)
    if np.isinf(targets).any():
        raise ValueError("target must be a finite number or None")
    fix = _per_series(
        "fix_after_n_points",
        0 if fix_after_n_points is None else fix_after_n_points,
        order,
        series_first,
        size,
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
        period_start |= flags if order is None else flags[order]
    signs = np.select([improvements == "increase", improvements == "decrease"], [1, -1], default=0)

    # Series are independent, so the rows are computed a block of whole series at a time:
    # a block's temporaries stay in the processor's cache and the cost stays linear in rows.
    # Options the same for every series (the usual case) are passed to the kernel once.
    fixed = bool(np.isfinite(fix).any())
    mixed_signs = bool((signs != signs[0]).any())
    outputs = _RowOutputs.empty(size)
    short = np.zeros(n_series, dtype=bool)
    for first, stop in _series_blocks(series_first, size):
        rows = slice(int(series_first[first]), stop)
        block_codes = np.cumsum(series_start[rows], dtype=np.int64) - 1  # series in the block
        short[first : first + int(block_codes[-1]) + 1] = _xmr_rows(
            values[rows],
            block_codes,
            series_first[first : first + int(block_codes[-1]) + 1] - rows.start,
            period_start[rows],
            fix[first + block_codes] if fixed else None,
            signs[first + block_codes] if mixed_signs else int(signs[0]),
            screen_outliers=screen_outliers,
            rule_set=rule_set,
            out=outputs.rows(rows),
        )

    # Per-series summaries from each series' last point.
    last = np.r_[series_first[1:] - 1, size - 1]
    variation = VARIATION_LABELS.take(_variation_codes(outputs.type_code[last], signs))
    assurance = _assurance_icons(targets, improvements, outputs.lower[last], outputs.upper[last])

    # Read-only views: the caller's own columns stay writeable.
    return XmrBatch(
        series_id=freeze(row_ids.view()),
        position=freeze(positions.view()),
        value=freeze(values.view()),
        period=freeze(outputs.period),
        mean=freeze(outputs.centre),
        lower_limit=freeze(outputs.lower),
        upper_limit=freeze(outputs.upper),
        lower_2sigma=freeze(outputs.lower_2sigma),
        upper_2sigma=freeze(outputs.upper_2sigma),
        rule_code=freeze(outputs.rule_code),
        point_type_code=freeze(outputs.type_code),
        series_ids=freeze(unique_ids),
        variation_icon=freeze(variation),
        assurance_icon=freeze(assurance),
        short_baseline=freeze(short),
        improvement=freeze(improvements),
        target=freeze(targets),
        rules=rule_set,
    )


def _sort_rows(
    ids: NDArray[np.generic], positions: FloatArray
) -> tuple[NDArray[np.generic], BoolArray, IntArray | None]:
    """The distinct series, the sorted rows that start a series and the order sorting rows.

    The order is ``None`` when the rows are already sorted by series with strictly
    increasing positions (as a long table read in order usually is): then no sort is needed,
    so the work stays linear in the rows.
    """
    if ids.dtype.kind in "iufbUS" and ids.size > 1:
        comparable: NDArray[Any] = ids
        new_series = comparable[1:] != comparable[:-1]
        if (comparable[1:] >= comparable[:-1]).all() and (
            new_series | (positions[1:] > positions[:-1])
        ).all():
            starts = np.r_[True, new_series]
            return ids[starts], starts, None
    unique_ids, codes = np.unique(ids, return_inverse=True)
    codes = codes.astype(np.int64).reshape(-1)
    order = np.lexsort((positions, codes))
    codes = codes[order]
    return unique_ids, np.r_[True, codes[1:] != codes[:-1]], order


#: Labels of the integer codes the row kernel works in (object arrays, for ``take``).
RULE_LABELS: ObjectArray = np.array(
    [None, "astronomical", "trend", "two_in_three", "shift"], dtype=object
)
POINT_TYPE_LABELS: ObjectArray = np.array(
    [
        "common_cause",
        "special_cause_improvement",
        "special_cause_concern",
        "special_cause_neutral_high",
        "special_cause_neutral_low",
    ],
    dtype=object,
)
VARIATION_LABELS: ObjectArray = np.array(
    [
        "common_cause",
        "improvement_high",
        "improvement_low",
        "concern_high",
        "concern_low",
        "neutral_high",
        "neutral_low",
    ],
    dtype=object,
)
_COMMON, _IMPROVEMENT, _CONCERN, _NEUTRAL_HIGH, _NEUTRAL_LOW = range(5)
_RULE_TUPLE: tuple[Rule | None, ...] = tuple(RULE_LABELS.tolist())
_POINT_TYPE_TUPLE: tuple[PointType, ...] = tuple(POINT_TYPE_LABELS.tolist())
_VARIATION_TUPLE: tuple[VariationIcon, ...] = tuple(VARIATION_LABELS.tolist())


@dataclass(frozen=True)
class _RowOutputs:
    """Preallocated per-row outputs that the blocks of series are written into."""

    period: IntArray
    centre: FloatArray
    lower: FloatArray
    upper: FloatArray
    lower_2sigma: FloatArray
    upper_2sigma: FloatArray
    rule_code: NDArray[np.int8]
    type_code: NDArray[np.int8]

    @classmethod
    def empty(cls, size: int) -> _RowOutputs:
        return cls(
            np.empty(size, dtype=np.int64),
            np.empty(size),
            np.empty(size),
            np.empty(size),
            np.empty(size),
            np.empty(size),
            np.empty(size, dtype=np.int8),
            np.empty(size, dtype=np.int8),
        )

    def rows(self, rows: slice) -> _RowOutputs:
        """Views of a block's rows, for the kernel to write into."""
        return _RowOutputs(
            self.period[rows],
            self.centre[rows],
            self.lower[rows],
            self.upper[rows],
            self.lower_2sigma[rows],
            self.upper_2sigma[rows],
            self.rule_code[rows],
            self.type_code[rows],
        )


#: Rows per block of series (whole series are never split; a longer series is one block).
#: A block's float temporaries are 64 KB and all of them together (about 85 bytes a row) well
#: under 1 MB, so they stay in the processor's cache and glibc reuses the same heap memory
#: from one block, and one call, to the next. With 1 << 15 rows (256 KB temporaries, 5 MB a
#: block) it handed them back to the system and faulted them in again: ~2,000 page faults a
#: call for 1,000 series, and a first call at 1.65x the 2-D floor (ADR 0132).
BLOCK_ROWS = 1 << 13


def _series_blocks(series_first: IntArray, size: int) -> list[tuple[int, int]]:
    """Blocks of whole series of about :data:`BLOCK_ROWS` rows: (first series, end row)."""
    blocks = []
    first = 0
    n_series = len(series_first)
    while first < n_series:
        start = int(series_first[first])
        after = int(np.searchsorted(series_first, start + BLOCK_ROWS, side="right"))
        after = max(after, first + 1)
        stop = int(series_first[after]) if after < n_series else size
        blocks.append((first, stop))
        first = after
    return blocks


def _xmr_rows(
    values: FloatArray,
    codes: IntArray,
    series_first: IntArray,
    period_start: BoolArray,
    fix: FloatArray | None,
    signs: IntArray | int,
    *,
    screen_outliers: bool,
    rule_set: RuleSet,
    out: _RowOutputs,
) -> BoolArray:
    """The XmR kernel over rows sorted by series and position, written into ``out``.

    ``fix`` (baseline length, ``inf`` for all) and ``signs`` (+1 increase, -1 decrease,
    0 neutral) are per row; ``fix`` is None when no row has one, and ``signs`` one number
    when every row has the same. Returns each series' short-baseline flag.
    """
    size = values.size
    group = np.cumsum(period_start) - 1
    group_first = np.flatnonzero(period_start)
    n_groups = len(group_first)
    row_in_group = np.arange(size) - group_first[group]
    series_first_group = group[series_first]
    np.subtract(group, series_first_group[codes], out=out.period)

    # Centre line and mean moving range from each period's baseline.
    if fix is None:  # every row is in its period's baseline: the same sums, fewer passes
        mean = np.bincount(group, weights=values, minlength=n_groups) / np.bincount(
            group, minlength=n_groups
        )
    else:
        baseline = row_in_group < fix
        baseline_count = np.bincount(group, weights=baseline, minlength=n_groups)
        mean = np.bincount(group, weights=values * baseline, minlength=n_groups) / baseline_count
    difference = np.zeros(size)
    np.subtract(values[1:], values[:-1], out=difference[1:])
    step = np.abs(difference)
    has_range = row_in_group > 0 if fix is None else baseline & (row_in_group > 0)

    def mean_range(rows: BoolArray, step: FloatArray) -> FloatArray:
        count = np.bincount(group, weights=rows, minlength=n_groups)
        total = np.bincount(group, weights=np.where(rows, step, 0.0), minlength=n_groups)
        average: FloatArray = np.divide(
            total, count, out=np.full(n_groups, np.nan), where=count > 0
        )
        return average

    moving_range = mean_range(has_range, step)
    if screen_outliers:
        with np.errstate(invalid="ignore"):
            kept = has_range & (step < rule_set.outlier_factor * moving_range[group])
        moving_range = mean_range(kept, step)

    # The lines straight into the outputs (the same operations as centre +/- factor * spread).
    centre = np.take(mean, group, out=out.centre)
    spread = moving_range[group]
    offset = rule_set.limit_factor * spread
    upper = np.add(centre, offset, out=out.upper)
    lower = np.subtract(centre, offset, out=out.lower)
    np.multiply(rule_set.two_sigma_factor, spread, out=offset)
    upper_2sigma = np.add(centre, offset, out=out.upper_2sigma)
    lower_2sigma = np.subtract(centre, offset, out=out.lower_2sigma)

    del spread, offset, step, has_range  # a block's temporaries stay few (BLOCK_ROWS)
    outside = (values > upper) | (values < lower)
    side = np.sign(values - centre)
    beyond_2sigma = (values > upper_2sigma) | (values < lower_2sigma)
    near = beyond_2sigma if rule_set.two_in_three_counts_beyond_limits else beyond_2sigma & ~outside

    # Trend: strictly increasing or decreasing points within a period.
    in_period = row_in_group > 0
    slope = np.where(in_period, np.sign(difference), 0.0)
    del difference, row_in_group
    slope_continues = _same_as_previous(slope)
    trend_ends = _run_ends(slope, slope_continues, rule_set.trend_points - 1)
    trend = _covered_by(trend_ends, rule_set.trend_points)

    # Shift: consecutive points on one side of the mean within a period.
    side_continues = _same_as_previous(side) & in_period
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

    # The first rule in the order astronomical, trend, two-in-three, shift names the point.
    rule_code = out.rule_code
    rule_code.fill(0)
    rule_code[shift] = 4
    rule_code[two_in_three] = 3
    rule_code[trend] = 2
    rule_code[outside] = 1

    # Direction of each special-cause point: by side of the mean, or for a trend by its slope
    # (the slope to the next point when that point is in the trend too).
    next_in_trend = np.zeros(size, dtype=bool)
    np.logical_and(trend[1:], ~period_start[1:], out=next_in_trend[:-1])
    slope_after = np.zeros(size)
    slope_after[:-1] = slope[1:]
    trend_slope = np.where(next_in_trend & trend, slope_after, slope)
    del slope_after, slope
    up, down = np.int8(1), np.int8(-1)  # a byte a row
    direction = np.where(
        outside,
        np.where(side == 1, up, down),
        np.where(
            trend & ~outside, np.where(trend_slope == 1, up, down), np.where(side > 0, up, down)
        ),
    )
    if isinstance(signs, int):  # one direction of improvement for every row
        if signs == 0:
            type_code = np.where(direction > 0, _NEUTRAL_HIGH, _NEUTRAL_LOW).astype(np.int8)
        else:
            type_code = np.where(direction * signs > 0, _IMPROVEMENT, _CONCERN).astype(np.int8)
    else:
        neutral = signs == 0
        type_code = np.where(direction * signs > 0, _IMPROVEMENT, _CONCERN).astype(np.int8)
        type_code[neutral] = np.where(direction[neutral] > 0, _NEUTRAL_HIGH, _NEUTRAL_LOW)
    type_code[rule_code == 0] = _COMMON
    out.type_code[...] = type_code

    group_size = np.bincount(group, minlength=n_groups)
    short_group = group_size < rule_set.short_baseline_points
    n_series = len(series_first)
    short: BoolArray = np.bincount(codes[group_first], weights=short_group, minlength=n_series) > 0
    return short


def _xmr_one(
    values: FloatArray,
    series: list[float],
    starts: list[int],
    fix: int | None,
    sign: int,
    *,
    screen_outliers: bool,
    rule_set: RuleSet,
) -> tuple[list[tuple[float, float, float, float, float]], list[int], list[int], list[int]]:
    """The XmR kernel on one series, with the arithmetic of :func:`_xmr_rows`.

    A chart is a few dozen points, where plain Python and a few numpy calls cost less than
    the batch kernel's hundred. Sums are taken in row order (:func:`_ordered_sum`), as
    ``np.bincount`` takes them, so every line equals the batch's to the last bit; the rules
    are regular expressions over a letter a row (``a`` below the mean or falling, ``b`` on it
    or level, ``c`` above or rising; in capitals beyond a 2-sigma line), the letters looked
    up from each point's place among the lines (``np.searchsorted``). ``values`` and
    ``series`` are the points as an array and a list; ``starts`` are the first rows of the
    periods (0 first). Returns each period's lines (mean, lower and upper limits, lower and
    upper 2-sigma) and length, and each row's rule and point type codes.
    """
    size = len(series)
    limit_factor = rule_set.limit_factor
    sigma_factor = rule_set.two_sigma_factor
    shift_run, trend_run, two_in_three = _rule_patterns(
        rule_set.shift_points, rule_set.trend_points
    )
    shift_letters = ("a" * rule_set.shift_points, "c" * rule_set.shift_points)
    trend_letters = ("a" * (rule_set.trend_points - 1), "c" * (rule_set.trend_points - 1))
    beyond_letter = _BEYOND_LETTER
    periods: list[tuple[float, float, float, float, float]] = []
    lengths: list[int] = []
    # Flagged rows: runs (first row, end, letter) for shifts and trends, rows for the others.
    shifts: list[tuple[int, int, str]] = []
    trends: list[tuple[int, int, str]] = []
    near: list[int] = []
    outside: list[int] = []
    side_of: list[str] = []
    slope_of: list[str] = []
    for start, stop in zip(starts, [*starts[1:], size], strict=True):
        lengths.append(stop - start)
        segment = series[start:stop] if len(starts) > 1 else series
        points = values[start:stop]
        with np.errstate(over="ignore"):  # as plain Python: a change beyond the floats is inf
            changes = points[1:] - points[:-1]
        count = len(segment) if fix is None or fix >= len(segment) else fix
        centre = _ordered_sum(segment[:count] if count < len(segment) else segment) / count
        spread = math.nan
        if count > 1:
            steps: list[float] = np.abs(changes[: count - 1]).tolist()
            spread = _ordered_sum(steps) / len(steps)
            if screen_outliers:
                cut = rule_set.outlier_factor * spread
                if not max(steps) < cut:  # else every step is kept: the same sum
                    kept = [step for step in steps if step < cut]
                    spread = _ordered_sum(kept) / len(kept) if kept else math.nan
        lower = centre - limit_factor * spread
        upper = centre + limit_factor * spread
        low = centre - sigma_factor * spread
        high = centre + sigma_factor * spread
        periods.append((centre, lower, upper, low, high))

        marked = _marks(points, segment, centre, low, high)
        side = marked.lower()
        place = _ZERO.searchsorted(changes, "left")
        place += _ZERO.searchsorted(changes, "right")
        slope = "b" + _SLOPE_LETTERS[place].tobytes().decode()
        side_of.append(side)
        slope_of.append(slope)
        if shift_letters[0] in side or shift_letters[1] in side:
            shifts.extend(
                (start + match.start(), start + match.end(), side[match.start()])
                for match in shift_run.finditer(side)
            )
        if trend_letters[0] in slope or trend_letters[1] in slope:
            trends.extend(
                (start + match.start() - 1, start + match.end(), slope[match.start()])
                for match in trend_run.finditer(slope)
            )
        if marked == side:
            continue
        beyond = [match.start() for match in beyond_letter.finditer(marked)]
        out = [offset for offset in beyond if segment[offset] > upper or segment[offset] < lower]
        if out:
            outside.extend([start + offset for offset in out])
            if not rule_set.two_in_three_counts_beyond_limits:
                letters = list(marked)
                for offset in out:
                    letters[offset] = side[offset]
                marked = "".join(letters)
                beyond = [offset for offset in beyond if offset not in out]
        windows = {match.start() for match in two_in_three.finditer(marked)}
        if windows:
            near.extend(
                [
                    start + offset
                    for offset in beyond
                    if offset in windows or offset - 1 in windows or offset - 2 in windows
                ]
            )

    # Each row's rule and type, written from the last rule to the first in priority. A
    # point's direction is its side of the mean, or in a trend the trend's slope (at the end
    # of a trend, the slope to the next point when that point is in a trend too).
    sides = "".join(side_of)
    rule_code = [0] * size
    type_code = [_COMMON] * size
    typed = _TYPE_BY_DIRECTION[sign]
    for first, end, letter in shifts:
        rule_code[first:end] = [4] * (end - first)
        type_code[first:end] = [typed[letter]] * (end - first)
    for row in near:
        rule_code[row] = 3
        type_code[row] = typed[sides[row]]
    if trends:
        slopes = "".join(slope_of)
        in_trend = {row for first, end, _ in trends for row in range(first, end)}
        in_trend.difference_update(starts)  # rows whose slope continues a trend
        for first, end, letter in trends:
            rule_code[first:end] = [2] * (end - first)
            type_code[first:end] = [typed[letter]] * (end - first)
        for _, end, _ in trends:
            if end in in_trend:
                type_code[end - 1] = typed[slopes[end]]
    for row in outside:
        rule_code[row] = 1
        type_code[row] = typed[sides[row]]
    return periods, lengths, rule_code, type_code


_BEYOND_LETTER = re.compile("[AC]")
#: Letters by a point's place among (low, centre, high), counted from both sides by
#: ``np.searchsorted``: 0 below low, 1 on low, 2 between low and the mean, 3 on the mean,
#: 4 between the mean and high, 5 on high, 6 above high.
_MARK_LETTERS = np.frombuffer(b"AaabccC", dtype=np.uint8)
#: Slope letters by a change's place about zero, counted the same way: falling, level, rising.
_SLOPE_LETTERS = np.frombuffer(b"abc", dtype=np.uint8)
_ZERO = np.zeros(1)

if sys.version_info < (3, 12):
    #: Floats summed one after another in row order, as ``np.bincount`` sums them
    #: (``sum`` of floats does so here; from Python 3.12 it compensates, so ``reduce``).
    _ordered_sum: Callable[[list[float]], float] = sum
else:  # pragma: no cover - Python 3.12 and later
    _ordered_sum = functools.partial(reduce, add, initial=0.0)


def _marks(points: FloatArray, segment: list[float], centre: float, low: float, high: float) -> str:
    """A letter a point: ``A``/``a`` below the mean (beyond/within the lower 2-sigma line),
    ``b`` on it, ``c``/``C`` above (within/beyond the upper one); NaN lines are never crossed."""
    if math.isfinite(centre):
        bounds = np.array(
            (low if low == low else -math.inf, centre, high if high == high else math.inf)
        )
        place = bounds.searchsorted(points, "left")
        place += bounds.searchsorted(points, "right")
        if low == centre or high == centre:  # a line rounded onto the mean (huge values)
            place[points == centre] = 3  # a point on the mean is on it, not beyond a line
        return str(_MARK_LETTERS[place].tobytes().decode())
    return "".join(
        [
            "C"
            if v > high
            else "c"
            if v > centre
            else "A"
            if v < low
            else "a"
            if v < centre
            else "b"
            for v in segment
        ]
    )


LabelT = TypeVar("LabelT")


def _labels(labels: tuple[LabelT, ...], codes: list[int]) -> tuple[LabelT, ...]:
    """The label of each code (``itemgetter`` builds the tuple in one call)."""
    if len(codes) == 1:
        return (labels[codes[0]],)
    picked: tuple[LabelT, ...] = itemgetter(*codes)(labels)
    return picked


#: Point type by the improvement's sign and the point's letter (``c`` high, else low).
_TYPE_BY_DIRECTION: dict[int, dict[str, int]] = {
    1: {"c": _IMPROVEMENT, "a": _CONCERN, "b": _CONCERN},
    -1: {"c": _CONCERN, "a": _IMPROVEMENT, "b": _IMPROVEMENT},
    0: {"c": _NEUTRAL_HIGH, "a": _NEUTRAL_LOW, "b": _NEUTRAL_LOW},
}


@functools.cache
def _rule_patterns(shift: int, trend: int) -> tuple[re.Pattern[str], ...]:
    """Shift (over the sides), trend (over the slopes) and two-in-three (over the sides
    marked beyond a 2-sigma line: the start of each window of three) as regular expressions."""
    steps = trend - 1
    return (
        re.compile(f"a{{{shift},}}|c{{{shift},}}"),
        re.compile(f"a{{{steps},}}|c{{{steps},}}"),
        re.compile("(?=AA[aA]|AaA|aAA|CC[cC]|CcC|cCC)"),
    )


def _rule_set(rules: RuleSet | str) -> RuleSet:
    if isinstance(rules, RuleSet):
        return rules
    name = check_choice("rules", rules, RULE_SETS)
    return RULE_SETS[name]


#: Variation icon code by last point type (rows) and whether increase is better (columns).
_VARIATION_ROWS = ((0, 0), (2, 1), (3, 4), (5, 5), (6, 6))
_VARIATION_TABLE = np.array(_VARIATION_ROWS, dtype=np.int64)


def _variation_codes(last_type: NDArray[np.int8], signs: IntArray) -> IntArray:
    """Index into :data:`VARIATION_LABELS` from each series' last point type."""
    codes: IntArray = _VARIATION_TABLE[last_type, (signs == 1).astype(np.int64)]
    return codes


def _assurance_icon(
    target: float | None, improvement: str, lower: float, upper: float
) -> AssuranceIcon | None:
    """The assurance icon of one series (as :func:`_assurance_icons` for many)."""
    if target is None or improvement == "neutral":
        return None
    increase = improvement == "increase"
    if target > upper:
        return "fail" if increase else "pass"
    if target < lower:
        return "pass" if increase else "fail"
    return "hit_and_miss"


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
