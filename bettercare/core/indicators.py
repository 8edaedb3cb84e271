"""From a stored metric value (numerator, denominator, published value) to an estimate.

A metric value in a BCF return may carry a numerator and a denominator, a published value, or
both. When the numerator and denominator are there, the value and its interval are computed
from them by the method for the metric's unit, so the figure, its interval and its provenance
always agree; a published value that disagrees is reported, not silently used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from bettercare.core.means import mean
from bettercare.core.stats import ESP2013, Estimate, dsr, proportion, rate

__all__ = [
    "UNITS",
    "AreaFigures",
    "Bands",
    "MetricEstimate",
    "Pooled",
    "Unit",
    "disclose",
    "metric_estimate",
    "metric_estimates",
    "metric_point_value",
    "pool_areas",
    "published_value_agrees",
    "published_value_mismatch",
]

Unit: TypeAlias = Literal["rate", "proportion", "count", "dsr", "mean"]
UNITS: tuple[Unit, ...] = ("rate", "proportion", "count", "dsr", "mean")


@dataclass(frozen=True, slots=True)
class Bands:
    """Per-band counts and populations behind a directly standardised rate."""

    counts: Sequence[float]
    populations: Sequence[float]
    standard_population: Sequence[float] = ESP2013


@dataclass(frozen=True, slots=True)
class MetricEstimate:
    """A metric value as shown: the figure, its 95% limits (or None) and where it came from.

    Attributes
    ----------
    value, lower, upper
        The figure and its limits; limits are ``None`` when they cannot be computed (a value
        without numerator and denominator, a mean, a DSR from fewer than 10 events).
    method
        How the figure was obtained, e.g. ``"rate per 100,000 (Byar)"`` or ``"published value"``.
    computed
        True when the figure was computed from the numerator and denominator (or bands).
    published
        The published value, when there was one.
    """

    value: float | None
    lower: float | None
    upper: float | None
    method: str
    computed: bool
    published: float | None

    @property
    def estimate(self) -> Estimate | float | None:
        """The figure as :mod:`bettercare.core.stats` compares it: with limits, or bare."""
        if self.value is None:
            return None
        if self.lower is None or self.upper is None:
            return self.value
        return Estimate(self.value, self.lower, self.upper)


def _plain(number: float) -> str:
    """A number as written in a return: 1,000,000 or 13.5, never 1e+06."""
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,.10g}"


def _format_multiplier(multiplier: float) -> str:
    return f"{multiplier:,.0f}" if float(multiplier).is_integer() else f"{multiplier:,}"


def metric_estimate(
    unit: Unit,
    *,
    multiplier: float,
    numerator: float | None = None,
    denominator: float | None = None,
    value: float | None = None,
    bands: Bands | None = None,
    sum_of_squares: float | None = None,
    confidence: float = 0.95,
) -> MetricEstimate:
    """The estimate for one stored metric value.

    Parameters
    ----------
    unit : {"rate", "proportion", "count", "dsr", "mean"}
        ``rate`` and ``proportion`` use :func:`~bettercare.core.stats.rate` (exact Poisson or
        Byar) and :func:`~bettercare.core.stats.proportion` (Wilson); ``count`` gives the
        Poisson limits of the numerator; ``dsr`` uses :func:`~bettercare.core.stats.dsr`
        (Dobson) when the per-band data are given; ``mean`` is numerator / denominator, with
        Student's t limits (:func:`~bettercare.core.means.mean`) when the sum of squares of
        the record-level values is given, else no interval.
    multiplier : float
        Scale of the metric, e.g. 100,000 for a rate or 100 for a percentage.
    numerator, denominator, value : float, optional
        The stored figures; ``value`` is the published value.
    bands : Bands, optional
        Per-band counts and populations for a directly standardised rate.
    sum_of_squares : float, optional
        For a mean: the sum of the squared record-level values whose sum is the numerator
        and whose count is the denominator.
    confidence : float
        Confidence level of the limits, default 0.95.

    Returns
    -------
    MetricEstimate
        Computed from the numerator and denominator (or bands) when they are there, else the
        published value without limits.
    """
    published = None if value is None else float(value)
    per = _format_multiplier(multiplier)
    estimate: Estimate | None = None
    method = ""
    if unit == "dsr" and bands is not None:
        estimate = dsr(
            bands.counts,
            bands.populations,
            bands.standard_population,
            multiplier=multiplier,
            confidence=confidence,
        )
        method = f"directly standardised rate per {per} (Dobson)"
    elif unit in ("rate", "proportion") and numerator is not None and denominator is not None:
        if unit == "rate":
            estimate = rate(numerator, denominator, multiplier=multiplier, confidence=confidence)
            method = f"rate per {per} ({estimate.method})"
        else:
            estimate = proportion(
                numerator, denominator, multiplier=multiplier, confidence=confidence
            )
            scale = "percentage" if multiplier == 100 else f"proportion x {per}"
            method = f"{scale} ({estimate.method})"
    elif unit == "count" and numerator is not None:
        estimate = rate(numerator, 1, multiplier=1, confidence=confidence)
        method = f"count ({estimate.method} limits)"
    elif unit == "mean" and numerator is not None and denominator is not None:
        if not denominator > 0:
            raise ValueError(f"denominator must be greater than zero, got {denominator!r}")
        if sum_of_squares is None or denominator < 2:
            why = "" if sum_of_squares is None else ": one record"
            return MetricEstimate(
                numerator / denominator * multiplier,
                None,
                None,
                f"mean (no interval{why})",
                True,
                published,
            )
        estimate = mean(
            numerator, denominator, sum_of_squares, multiplier=multiplier, confidence=confidence
        )
        method = f"mean ({estimate.method})"
    if estimate is None:
        if published is not None and not math.isfinite(published):
            raise ValueError(f"value must be a finite number, got {value!r}")
        method = "published value (no numerator and denominator, so no interval)"
        return MetricEstimate(published, None, None, method, False, published)
    assert isinstance(estimate.value, float)
    assert isinstance(estimate.lower, float)
    assert isinstance(estimate.upper, float)
    if math.isnan(estimate.value):
        return MetricEstimate(
            None, None, None, method + ": fewer than 10 events, not calculated", True, published
        )
    return MetricEstimate(estimate.value, estimate.lower, estimate.upper, method, True, published)


def metric_estimates(
    unit: Unit,
    *,
    multiplier: float,
    numerators: Sequence[float | None],
    denominators: Sequence[float | None],
    values: Sequence[float | None],
    bands: Sequence[Bands | None] | None = None,
    confidence: float = 0.95,
) -> list[MetricEstimate]:
    """:func:`metric_estimate` for many stored values of one metric, in one vectorised call.

    The rows with a numerator and denominator (a rate or proportion) or a numerator (a count)
    are computed together by :func:`~bettercare.core.stats.rate` or
    :func:`~bettercare.core.stats.proportion` on arrays; every other row (a DSR, a mean, a
    published value) as :func:`metric_estimate` does it. Each result is the one
    :func:`metric_estimate` gives for that row, to the bit (the same expressions element by
    element).
    """
    size = len(values)
    if not len(numerators) == len(denominators) == size or (
        bands is not None and len(bands) != size
    ):
        raise ValueError(
            "numerators, denominators, values and bands must have one entry per row; got "
            f"{len(numerators)}, {len(denominators)}, {size} and "
            f"{size if bands is None else len(bands)}"
        )
    band_rows: Sequence[Bands | None] = bands if bands is not None else [None] * size
    together: list[int] = []
    if unit in ("rate", "proportion"):
        together = [
            i for i in range(size) if numerators[i] is not None and denominators[i] is not None
        ]
    elif unit == "count":
        together = [i for i in range(size) if numerators[i] is not None]
    results: list[MetricEstimate | None] = [None] * size
    if together:
        x = [float(numerators[i]) for i in together]  # type: ignore[arg-type]  # the rows kept have one
        try:
            if unit == "proportion":
                n = [float(denominators[i]) for i in together]  # type: ignore[arg-type]  # the rows kept have one
                estimate = proportion(x, n, multiplier=multiplier, confidence=confidence)
            elif unit == "rate":
                n = [float(denominators[i]) for i in together]  # type: ignore[arg-type]  # the rows kept have one
                estimate = rate(x, n, multiplier=multiplier, confidence=confidence)
            else:
                estimate = rate(x, [1.0] * len(x), multiplier=1, confidence=confidence)
        except ValueError:  # a bad row: each row on its own names it as metric_estimate does
            together = []
    if together:
        per = _format_multiplier(multiplier)
        figures = zip(
            together,
            x,
            estimate.value.tolist(),  # type: ignore[union-attr]  # arrays: estimated over arrays
            estimate.lower.tolist(),  # type: ignore[union-attr]  # arrays: estimated over arrays
            estimate.upper.tolist(),  # type: ignore[union-attr]  # arrays: estimated over arrays
            strict=True,
        )
        for i, count, value, lower, upper in figures:
            if unit == "proportion":
                kind = "percentage" if multiplier == 100 else f"proportion x {per}"
                method = f"{kind} (Wilson score)"
            else:
                interval = "exact Poisson" if count < 10 else "Byar"
                method = (
                    f"rate per {per} ({interval})"
                    if unit == "rate"
                    else f"count ({interval} limits)"
                )
            published = None if values[i] is None else float(values[i])  # type: ignore[arg-type]  # checked just before
            results[i] = MetricEstimate(value, lower, upper, method, True, published)
    return [
        result
        if result is not None
        else metric_estimate(
            unit,
            multiplier=multiplier,
            numerator=numerators[i],
            denominator=denominators[i],
            value=values[i],
            bands=band_rows[i],
            confidence=confidence,
        )
        for i, result in enumerate(results)
    ]


def metric_point_value(
    unit: Unit,
    *,
    multiplier: float,
    numerator: float | None = None,
    denominator: float | None = None,
    value: float | None = None,
    bands: Bands | None = None,
) -> float | None:
    """The figure :func:`metric_estimate` would show, without its interval (for long series).

    Computed by the same expressions as the interval functions, so the two agree exactly.
    """
    if unit == "dsr" and bands is not None:
        return metric_estimate(unit, multiplier=multiplier, bands=bands).value
    if unit in ("rate", "proportion", "mean") and numerator is not None and denominator is not None:
        if not denominator > 0:
            raise ValueError(f"denominator must be greater than zero, got {denominator!r}")
        if unit == "rate":
            return float(numerator * (multiplier / denominator))
        return float(numerator / denominator * multiplier)
    if unit == "count" and numerator is not None:
        return float(numerator)
    return None if value is None else float(value)


def published_value_agrees(published: float, computed: float) -> bool:
    """Whether a published value is the computed one, rounded as it was published.

    The published precision is that of its shortest written form (``88.10`` counts as
    ``88.1``), so the values agree when they differ by at most half a unit in its last
    decimal place.
    """
    written = repr(float(published))
    _whole, point, places = written.partition(".")
    if point and "e" not in places and "n" not in written:  # e.g. 88.1: read off the text
        places = places.rstrip("0")
        tolerance = 0.5 * 10.0 ** -len(places) if places else 0.5
    else:  # e.g. 1e-07 or inf: as a decimal number
        exponent = Decimal(written).normalize().as_tuple().exponent
        assert isinstance(exponent, int)
        tolerance = 0.5 * 10.0**exponent if exponent < 0 else 0.5
    return abs(published - computed) <= tolerance * (1 + 1e-9)


def published_value_mismatch(
    unit: Unit,
    *,
    multiplier: float,
    numerator: float | None,
    denominator: float | None,
    value: float | None,
) -> str | None:
    """A plain-English warning when a published value disagrees with its numerator and
    denominator by more than rounding, else ``None``."""
    if value is None or numerator is None or denominator is None or unit in ("dsr", "count"):
        return None
    if not (math.isfinite(numerator) and math.isfinite(denominator)) or denominator <= 0:
        return None  # not comparable; the figure itself is checked where it is computed
    computed = numerator / denominator * multiplier  # the point estimate of every such unit
    if published_value_agrees(value, computed):
        return None
    return (
        f"published value {_plain(value)} does not match numerator / denominator x multiplier = "
        f"{_plain(numerator)} / {_plain(denominator)} x {_format_multiplier(multiplier)} = "
        f"{computed:,.2f}"
    )


#: The places of a published value's shortest text read at once (below): at most so many,
#: each place's tolerance computed as :func:`published_value_agrees` computes it.
_PLACES = 15
_TOLERANCES = np.array([0.5 * 10.0**-places for places in range(_PLACES + 1)])


def published_values_agree(
    published: NDArray[np.float64], computed: NDArray[np.float64]
) -> NDArray[np.bool_]:
    """:func:`published_value_agrees` of each pair of two arrays, at once (the same answers).

    Parameters
    ----------
    published : array of float
        Published values, finite.
    computed : array of float
        The values computed from their figures, one for each.

    Returns
    -------
    array of bool
        Whether each published value is its computed one, rounded as it was published.

    Notes
    -----
    The places of a value's shortest text (``repr``) are the fewest ``k`` for which the value
    rounded to ``k`` places is the value itself: that rounding (times ``10**k``, to the
    nearest whole number, divided again) is exact while the whole number is below 2**50, and
    the quotient is then the float nearest the ``k``-place decimal, which is the value only
    if that decimal reads back as it (IEEE 754 division is correctly rounded; Steele and
    White, "How to print floating-point numbers accurately", 1990, for the shortest text).
    A value outside 1e-4 to 1e15 (written with an exponent, or too long to round exactly),
    or of more places, is asked of :func:`published_value_agrees` itself.
    """
    published = np.asarray(published, dtype=np.float64)
    computed = np.asarray(computed, dtype=np.float64)
    places = np.full(published.shape, -1)
    with np.errstate(invalid="ignore", over="ignore"):
        size = np.abs(published)
        open_ = np.flatnonzero((size >= 1e-4) & (size < 1e15))
        for k in range(_PLACES + 1):
            if not open_.size:
                break
            value = published[open_]
            exact = size[open_] * 10.0**k < 2.0**50
            found = exact & (np.round(value, k) == value)
            places[open_[found]] = k
            open_ = open_[exact & ~found]
        known = places >= 0
        agree = np.abs(published - computed) <= _TOLERANCES[np.where(known, places, 0)] * (1 + 1e-9)
    for index in np.flatnonzero(~known).tolist():
        agree[index] = published_value_agrees(float(published[index]), float(computed[index]))
    return agree


def published_values_disagree(
    units: NDArray[np.str_],
    multipliers: NDArray[np.float64],
    numerators: NDArray[np.float64],
    denominators: NDArray[np.float64],
    values: NDArray[np.float64],
) -> NDArray[np.bool_]:
    """Whether :func:`published_value_mismatch` warns of each row, at once: the same rows
    compared, by the same expressions.

    Parameters
    ----------
    units : array of str
        Each row's metric unit (``rate``, ``proportion``, ``count``, ``dsr`` or ``mean``).
    multipliers, numerators, denominators, values : arrays of float
        Each row's multiplier and figures, NaN for a figure that is None.

    Returns
    -------
    array of bool
        True where the published value disagrees with numerator / denominator x multiplier
        by more than its rounding (where the scalar function returns a warning).
    """
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        compared = (
            ~np.isnan(values)
            & np.isfinite(numerators)
            & np.isfinite(denominators)
            & (denominators > 0)
            & ~np.isin(units, ["dsr", "count"])
        )
        computed = numerators / denominators * multipliers
    disagree = np.zeros(values.shape, dtype=bool)
    rows = np.flatnonzero(compared)
    disagree[rows] = ~published_values_agree(values[rows], computed[rows])
    return disagree


@dataclass(frozen=True, slots=True)
class AreaFigures:
    """One area's figures for a period, as they can be added up with other areas'."""

    numerator: float | None = None
    denominator: float | None = None
    bands: Bands | None = None


@dataclass(frozen=True, slots=True)
class Pooled:
    """A group of areas' figure from their summed figures, and which areas it includes."""

    estimate: MetricEstimate
    contributing: tuple[int, ...]


def pool_areas(unit: Unit, areas: Sequence[AreaFigures], *, multiplier: float = 1.0) -> Pooled:
    """The figure of a group of areas (a region) from the sum of its areas' figures.

    Numerators are added, and denominators for every unit but a count; a directly
    standardised rate adds the areas' per-band counts and populations, standardised to the
    first contributing area's standard population. The figure is computed by the same
    method as each area's own (:func:`metric_estimate`), so the two compare. An area
    without what its unit needs (a published value only) cannot be added and is left out.

    Parameters
    ----------
    unit : {"rate", "proportion", "count", "dsr", "mean"}
    areas : sequence of AreaFigures
    multiplier : float
        The metric's multiplier (e.g. 100,000 for a rate per 100,000).

    Returns
    -------
    Pooled
        The estimate (with no value when nothing could be added) and the positions in
        ``areas`` of the areas it includes.
    """
    if unit == "dsr":
        used = [i for i, a in enumerate(areas) if a.bands is not None]
        banded = [b for b in (areas[i].bands for i in used) if b is not None]
        if not banded:
            return Pooled(metric_estimate(unit, multiplier=multiplier), ())
        counts = [sum(band) for band in zip(*(b.counts for b in banded), strict=True)]
        populations = [sum(band) for band in zip(*(b.populations for b in banded), strict=True)]
        bands = Bands(counts, populations, banded[0].standard_population)
        return Pooled(metric_estimate(unit, multiplier=multiplier, bands=bands), tuple(used))
    needs_denominator = unit != "count"
    used = [
        i
        for i, a in enumerate(areas)
        if a.numerator is not None and (a.denominator is not None or not needs_denominator)
    ]
    if not used:
        return Pooled(metric_estimate(unit, multiplier=multiplier), ())
    numerator = sum(n for i in used if (n := areas[i].numerator) is not None)
    denominator = (
        sum(d for i in used if (d := areas[i].denominator) is not None)
        if needs_denominator
        else None
    )
    estimate = metric_estimate(
        unit, multiplier=multiplier, numerator=numerator, denominator=denominator
    )
    return Pooled(estimate, tuple(used))


#: Why a regional figure is withheld from someone who cannot see one of its areas.
WITHHELD_ONE_HIDDEN = (
    "The regional figure is not shown: only one of its areas is one you do not have "
    "access to, so that area's figures could be worked out from it."
)
WITHHELD_NOT_COMPUTABLE = (
    "A regional figure cannot be computed: the areas' values have no numerators and "
    "denominators (or per-band counts) to add up."
)


def disclose(estimate: MetricEstimate, *, hidden: int) -> tuple[MetricEstimate | None, str]:
    """Whether a pooled figure may be shown to someone who cannot see ``hidden`` of its areas.

    With exactly one hidden area, the pooled figure less the areas shown would be that
    area's own figures (disclosure by differencing), so it is withheld; with none or two or
    more it is shown. A figure that could not be computed is never shown.

    Returns
    -------
    tuple
        The estimate to show (``None`` when withheld) and, when withheld, why.
    """
    if isinstance(hidden, bool) or not isinstance(hidden, int) or hidden < 0:
        raise ValueError(f"hidden must be a whole number of areas, zero or more, got {hidden!r}")
    if hidden == 1:
        return None, WITHHELD_ONE_HIDDEN
    if estimate.value is None:
        return None, WITHHELD_NOT_COMPUTABLE
    return estimate, ""
