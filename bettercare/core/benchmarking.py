"""Comparing areas with their peers: funnel significance, pooling, suppression, spine charts.

The pages, the API and the board packs all compare an area with a group of peers (its
region, its ICB, its statistical neighbours) through these functions, so the three say the
same thing:

- :func:`funnel_statistic` - which PHE funnel a metric's unit is drawn on, if any;
- :func:`benchmark_funnel` - every area's PHE significance label and the plotting table;
- :func:`pool` - the peer group's own figure from its summed numerators and denominators;
- :func:`small_numbers` - which counts are too small to publish (NHS disclosure control);
- :func:`spine_row` - Fingertips' spine chart: where an area sits in its peers' range;
- :func:`funnel_position` - where an area sits on its peers' funnel plot, in words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np

from bettercare.core._checks import as_float_array, check_choice
from bettercare.core.funnel import (
    HIGH_2S,
    HIGH_3S,
    LOW_2S,
    LOW_3S,
    NOT_SIGNIFICANT,
    FunnelTable,
    funnel_limits,
    funnel_significance,
)

__all__ = [
    "MIN_FUNNEL_AREAS",
    "SMALL_NUMBER_THRESHOLD",
    "FunnelBenchmark",
    "FunnelPosition",
    "FunnelStatistic",
    "SpineRow",
    "benchmark_funnel",
    "benchmark_labels",
    "funnel_position",
    "funnel_statistic",
    "pool",
    "small_numbers",
    "spine_row",
]

#: Counts from 1 to 7 are not published (NHS England / NHS Digital disclosure control for
#: small numbers in health statistics); 0 may be.
SMALL_NUMBER_THRESHOLD = 8
#: A funnel plot compares at least this many areas with a numerator and denominator.
MIN_FUNNEL_AREAS = 2
Unit: TypeAlias = Literal["rate", "proportion", "count", "dsr", "mean"]


@dataclass(frozen=True, slots=True)
class FunnelStatistic:
    """How a metric unit is drawn on a PHE funnel plot."""

    statistic: Literal["proportion", "rate"]
    rate_type: Literal["dsr", "crude"] | None


def funnel_statistic(unit: str) -> FunnelStatistic | None:
    """The PHE funnel for a metric unit: proportions, crude rates and DSRs; else ``None``.

    Counts and means have no denominator to draw a funnel against, so they have none.

    Examples
    --------
    >>> funnel_statistic("dsr")
    FunnelStatistic(statistic='rate', rate_type='dsr')
    >>> funnel_statistic("count") is None
    True
    """
    check_choice("unit", unit, ("rate", "proportion", "count", "dsr", "mean"))
    if unit == "proportion":
        return FunnelStatistic("proportion", None)
    if unit == "rate":
        return FunnelStatistic("rate", "crude")
    if unit == "dsr":
        return FunnelStatistic("rate", "dsr")
    return None


@dataclass(frozen=True, slots=True)
class FunnelBenchmark:
    """Every area's funnel-plot label and the table to draw the funnel.

    Attributes
    ----------
    labels
        PHE's significance label per area, in input order.
    table
        PHE's plotting table (:class:`bettercare.core.funnel.FunnelTable`).
    average
        The funnel's centre on the metric's scale (the group's pooled figure).
    """

    labels: tuple[str, ...]
    table: FunnelTable
    average: float


def benchmark_funnel(
    unit: str,
    multiplier: float,
    numerators: Sequence[float],
    denominators: Sequence[float],
    values: Sequence[float],
    *,
    years_of_data: float = 1.0,
) -> FunnelBenchmark:
    """PHE's funnel plot for one metric across a group of areas.

    Parameters
    ----------
    unit
        The metric's unit: ``"proportion"``, ``"rate"`` (crude) or ``"dsr"``.
    multiplier
        The metric's scale (100 for a percentage, 100,000 for a rate per 100,000).
    numerators, denominators
        Each area's events (for a DSR, its total events across the bands) and population.
    values
        Each area's value on the metric's scale (used for DSRs, whose denominator PHE derives
        from the rate; the others are recomputed from numerator and denominator).
    years_of_data
        How many years each value covers (a month is 1/12), for the rate funnel's axis.

    Returns
    -------
    FunnelBenchmark

    References
    ----------
    PHEindicatormethods 2.0.2 ``assign_funnel_significance`` and ``calculate_funnel_limits``
    (see :mod:`bettercare.core.funnel`).

    Examples
    --------
    >>> result = benchmark_funnel("proportion", 100, [80, 60, 95], [100, 100, 100],
    ...                           [80, 60, 95])
    >>> result.labels
    ('Not significant', 'Low (0.001)', 'High (0.001)')
    """
    numerator, denominator, statistic = _funnel_inputs(
        unit, multiplier, numerators, denominators, values
    )
    labels = benchmark_labels(unit, multiplier, numerators, denominators, values)
    # years_of_data places a rate funnel's axis; a proportion's has none.
    years = None if statistic["statistic"] == "proportion" else years_of_data
    table = funnel_limits(numerator, denominator, **statistic, years_of_data=years)
    return FunnelBenchmark(labels, table, table.baseline)


def _funnel_inputs(
    unit: str,
    multiplier: float,
    numerators: Sequence[float],
    denominators: Sequence[float],
    values: Sequence[float],
) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """The checked counts and the keyword arguments of the funnel a unit is drawn on (with a
    rate funnel's rates), for core's ``funnel_significance`` and ``funnel_limits``."""
    kind = funnel_statistic(unit)
    if kind is None:
        raise ValueError(
            f"unit must be one drawn on a funnel plot ('proportion', 'rate', 'dsr'); got {unit!r}"
        )
    numerator = as_float_array("numerators", numerators)
    denominator = as_float_array("denominators", denominators)
    value = as_float_array("values", values)
    if kind.statistic == "proportion":
        return numerator, denominator, {"statistic": "proportion", "multiplier": multiplier}
    rate = value if kind.rate_type == "dsr" else numerator / denominator * multiplier
    return (
        numerator,
        denominator,
        {"statistic": "rate", "multiplier": multiplier, "rate": rate, "rate_type": kind.rate_type},
    )


def benchmark_labels(
    unit: str,
    multiplier: float,
    numerators: Sequence[float],
    denominators: Sequence[float],
    values: Sequence[float],
) -> tuple[str, ...]:
    """PHE's significance label of each area: :func:`benchmark_funnel`'s labels without its
    plotting table (which costs most of the time), for a position said in words.

    Examples
    --------
    >>> benchmark_labels("rate", 100_000, [30, 60, 31], [10_000, 10_000, 10_000],
    ...                  [300, 600, 310])
    ('Not significant', 'High (0.025)', 'Not significant')
    """
    numerator, denominator, statistic = _funnel_inputs(
        unit, multiplier, numerators, denominators, values
    )
    return tuple(str(label) for label in funnel_significance(numerator, denominator, **statistic))


def pool(
    numerators: Sequence[float | None], denominators: Sequence[float | None]
) -> tuple[float, float, int]:
    """A group's figure from its areas: summed numerators and denominators.

    Areas without both a numerator and a denominator are left out (never counted as zero).

    Returns
    -------
    tuple
        ``(numerator, denominator, areas pooled)``.

    Examples
    --------
    >>> pool([10, None, 30], [100, 200, 300])
    (40.0, 400.0, 2)
    """
    if len(numerators) != len(denominators):
        raise ValueError(
            f"numerators and denominators must have the same length; got {len(numerators)} "
            f"and {len(denominators)}"
        )
    pairs = [
        (float(n), float(d))
        for n, d in zip(numerators, denominators, strict=True)
        if n is not None and d is not None and math.isfinite(n) and math.isfinite(d)
    ]
    return sum(n for n, _ in pairs), sum(d for _, d in pairs), len(pairs)


def small_numbers(
    counts: Sequence[float | None], *, threshold: int = SMALL_NUMBER_THRESHOLD
) -> tuple[bool, ...]:
    """Which counts must not be published: from 1 to ``threshold - 1`` (0 may be shown).

    Examples
    --------
    >>> small_numbers([0, 3, 7, 8, None])
    (False, True, True, False, False)
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1; got {threshold!r}")
    return tuple(c is not None and 0 < c < threshold for c in counts)


@dataclass(frozen=True, slots=True)
class SpineRow:
    """One metric of a Fingertips spine chart, positions from 0 (worst) to 1 (best).

    Attributes
    ----------
    lowest, q25, q75, highest
        The group's range and interquartile range as positions (the bar).
    area
        The area's own position (the marker); ``None`` without a value.
    worst, best
        The values at the two ends of the bar, for labels.
    """

    lowest: float
    q25: float
    q75: float
    highest: float
    area: float | None
    worst: float
    best: float


def spine_row(
    values: Sequence[float], area_value: float | None, benchmark: float, polarity: str | None
) -> SpineRow:
    """Where an area sits among its peers for one metric, as Fingertips' spine chart draws it.

    The benchmark is the centre (0.5); the bar spans the group's lowest to highest value,
    scaled by whichever end is further from the benchmark, so every metric's bar fits the same
    width. With a polarity, better is to the right; without one, higher is.

    Parameters
    ----------
    values
        The group's values (at least one).
    area_value
        The area's value, or ``None``.
    benchmark
        The group's pooled figure (the centre line).
    polarity
        ``"higher_is_better"``, ``"lower_is_better"`` or ``None``.

    References
    ----------
    Public Health England, *Fingertips: spine chart* (area profiles), user guide.

    Examples
    --------
    >>> row = spine_row([10, 20, 30, 40], 40, 25, "lower_is_better")
    >>> row.area, row.lowest, row.highest
    (0.0, 0.0, 1.0)
    """
    if polarity is not None:
        check_choice("polarity", polarity, ("higher_is_better", "lower_is_better"))
    numbers = as_float_array("values", list(values))
    numbers = numbers[np.isfinite(numbers)]
    if numbers.size == 0:
        raise ValueError("values must hold at least one number to draw a spine; got none")
    if not math.isfinite(benchmark):
        raise ValueError(f"benchmark must be a finite number; got {benchmark!r}")
    low, q25, q75, high = (float(v) for v in np.percentile(numbers, [0, 25, 75, 100]))
    # Interpolation can land a quartile an ulp outside the range; keep it inside.
    q25, q75 = (min(max(q, low), high) for q in (q25, q75))
    reach = max(abs(low - benchmark), abs(high - benchmark))
    sign = -1.0 if polarity == "lower_is_better" else 1.0

    def place(value: float) -> float:
        if reach == 0:
            return 0.5
        return min(1.0, max(0.0, 0.5 + sign * (value - benchmark) / (2 * reach)))

    ends = sorted((place(low), place(high)))
    quartiles = sorted((place(q25), place(q75)))
    worst, best = (high, low) if sign < 0 else (low, high)
    shown = (
        None if area_value is None or not math.isfinite(area_value) else place(float(area_value))
    )
    return SpineRow(ends[0], quartiles[0], quartiles[1], ends[1], shown, worst, best)


#: PHE's funnel labels as a side of the limits and the outermost limit crossed.
_BANDS: dict[str, tuple[Literal["within", "above", "below"], str]] = {
    NOT_SIGNIFICANT: ("within", "95%"),
    HIGH_2S: ("above", "95%"),
    HIGH_3S: ("above", "99.8%"),
    LOW_2S: ("below", "95%"),
    LOW_3S: ("below", "99.8%"),
}
_BETTER = {"lower_is_better": "lower is better", "higher_is_better": "higher is better"}


@dataclass(frozen=True, slots=True)
class FunnelPosition:
    """Where an area sits on its peers' funnel plot: PHE's label, in words.

    Attributes
    ----------
    label
        PHE's significance label (``"Not significant"``, ``"High (0.025)"``, ...).
    side
        ``"within"`` the 95% limits, or ``"above"``/``"below"`` them.
    limit
        The outermost limit crossed (``"95%"`` or ``"99.8%"``); ``"95%"`` when within.
    peers
        The peer set's name (e.g. ``"East Midlands region"``).
    areas
        How many areas the funnel compares (the area among them).
    polarity
        ``"lower_is_better"``, ``"higher_is_better"`` or ``None``.
    """

    label: str
    side: Literal["within", "above", "below"]
    limit: str
    peers: str
    areas: int
    polarity: str | None

    @property
    def sentence(self) -> str:
        """The position as the benchmark page and the dashboard say it.

        Examples
        --------
        >>> funnel_position("Not significant", peers="East Midlands region", areas=9,
        ...                 polarity="lower_is_better").sentence
        'Within the 95% limits of the funnel plot of the 9 areas of East Midlands region.'
        >>> funnel_position("High (0.001)", peers="East Midlands region", areas=9,
        ...                 polarity="lower_is_better").sentence  # doctest: +NORMALIZE_WHITESPACE
        "Above the 99.8% limit of the funnel plot of the 9 areas of East Midlands region:
        higher than the peers' figure, where lower is better."
        """
        funnel = f"the funnel plot of the {self.areas} areas of {self.peers}"
        if self.side == "within":
            return f"Within the 95% limits of {funnel}."
        limit = "the 95% limit (within the 99.8%)" if self.limit == "95%" else "the 99.8% limit"
        text = f"{self.side.capitalize()} {limit} of {funnel}: "
        text += f"{'higher' if self.side == 'above' else 'lower'} than the peers' figure"
        better = _BETTER.get(self.polarity or "")
        return text + (f", where {better}." if better else ".")


def funnel_position(
    label: str | None, *, peers: str, areas: int, polarity: str | None
) -> FunnelPosition | None:
    """An area's position on its peers' funnel plot from PHE's significance label.

    ``None`` when there is no comparison to state: no label (no funnel, or the area's value
    not shown), PHE's "not applicable" (a DSR from fewer than 10 events), or fewer than
    :data:`MIN_FUNNEL_AREAS` areas on the funnel. The position is PHE's funnel-plot test
    against the peers' pooled figure, at the 95% (0.025 each side) and 99.8% (0.001) limits;
    nothing is said about a target.

    References
    ----------
    PHEindicatormethods 2.0.2 ``assign_funnel_significance`` (see
    :func:`bettercare.core.funnel.funnel_significance`).

    Examples
    --------
    >>> funnel_position("Low (0.025)", peers="NHS Kent ICB", areas=3, polarity=None).sentence
    "Below the 95% limit (within the 99.8%) of the funnel plot of the 3 areas of NHS Kent ICB: lower than the peers' figure."
    >>> funnel_position("Not significant", peers="NHS Kent ICB", areas=1, polarity=None) is None
    True
    """
    if label is None or label not in _BANDS or areas < MIN_FUNNEL_AREAS:
        return None
    if polarity is not None:
        check_choice("polarity", polarity, ("higher_is_better", "lower_is_better"))
    side, limit = _BANDS[label]
    return FunnelPosition(label, side, limit, peers, areas, polarity)
