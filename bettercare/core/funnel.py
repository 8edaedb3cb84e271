"""Funnel plots exactly as PHEindicatormethods 2.0.2 draws and reads them (Fingertips).

An area is a real outlier when its value lies outside the control limits drawn around the
average of all areas for its own denominator: at 95% ("2s", two-sided p = 0.025 each side)
and 99.8% ("3s", 0.001 each side). Three kinds of statistic are supported, as in PHE's
``calculate_funnel_limits``, ``assign_funnel_significance`` and ``calculate_funnel_points``:

- proportions: Wilson-score limits solved for the population average (``sigma_adjustment``);
- ratios (a count against its expected count, or an indirectly standardised ratio) and rates
  (crude, or directly standardised with the denominator derived from the rate): limits from
  PHE's Poisson solver, significance from exact (under 10 events) or Byar's Poisson limits.

Labels are PHE's own strings, so a table exported from here reads like Fingertips.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike
from scipy import special

from bettercare.core._checks import (
    FloatArray,
    as_float_array,
    broadcast,
    check_choice,
    check_non_negative,
    check_positive,
    freeze,
)
from bettercare.core._funnel_axis import axis_points, format_thousands, signif_ceiling, signif_floor
from bettercare.core._funnel_inputs import (
    SIDES,
    Side,
    check_multiplier,
    check_positive_number,
    check_probability,
    check_statistic,
    prepare,
    rate_denominator,
)

__all__ = [
    "HIGH_2S",
    "HIGH_3S",
    "LOW_2S",
    "LOW_3S",
    "NOT_APPLICABLE_DSR",
    "NOT_SIGNIFICANT",
    "SIGNIFICANCE_LABELS",
    "FunnelPoints",
    "FunnelTable",
    "ProportionFunnelLimits",
    "funnel_limits",
    "funnel_points",
    "funnel_significance",
    "poisson_funnel_expected",
    "proportion_funnel_limits",
]


HIGH_3S = "High (0.001)"
HIGH_2S = "High (0.025)"
LOW_3S = "Low (0.001)"
LOW_2S = "Low (0.025)"
NOT_SIGNIFICANT = "Not significant"
NOT_APPLICABLE_DSR = "Not applicable for events less than 10 for dsrs"
#: PHE's factor levels, in PHE's order.
SIGNIFICANCE_LABELS: tuple[str, ...] = (
    HIGH_3S,
    HIGH_2S,
    LOW_3S,
    LOW_2S,
    NOT_SIGNIFICANT,
    NOT_APPLICABLE_DSR,
)
_LABELS = np.array(SIGNIFICANCE_LABELS, dtype=object)
# Normal quantiles PHE uses for the proportion limits: qnorm(0.975) and qnorm(0.999).
_Z_2S = float(special.ndtri(0.975))
_Z_3S = float(special.ndtri(0.999))


@dataclass(frozen=True, slots=True)
class ProportionFunnelLimits:
    """Control limits for proportions, in proportion units (0 to 1), not clamped.

    Attributes
    ----------
    lower_2s, upper_2s
        The 95% limits (0.025 each side).
    lower_3s, upper_3s
        The 99.8% limits (0.001 each side).
    """

    lower_2s: FloatArray
    upper_2s: FloatArray
    lower_3s: FloatArray
    upper_3s: FloatArray


@dataclass(frozen=True, slots=True)
class FunnelTable:
    """PHE's plotting table: 100 points along the x axis with the limits at each.

    Attributes
    ----------
    statistic
        PHE's description, e.g. ``"proportion"``, ``"ratio (isr)"`` or
        ``"rate (dsr per 100,000)"``.
    method
        ``"Wilson"`` for proportions, ``"Poisson"`` for ratios and rates.
    axis_name
        PHE's column name for the axis: ``"Population"`` (proportions), ``"Observed_events"``
        (ratios) or ``"Events"`` (rates).
    axis
        The 100 axis values, spaced by PHE's rule (closer together where limits bend most).
    lower_2s_limit, upper_2s_limit, lower_3s_limit, upper_3s_limit
        The limits at each axis value, on the indicator's scale (times ``multiplier`` for
        proportions and rates; ``ratio - 1`` for count ratios; ``ratio * 100`` for ISRs).
        Proportion limits are clamped to 0 and 100 as PHE does; others are not.
    baseline
        The average the funnel is drawn around, on the same scale (PHE's ``baseline``; for
        ratios, which PHE draws around 1, the centre line on the ratio's scale: 0 or 100).
    lower_2s_expected, upper_2s_expected, lower_3s_expected, upper_3s_expected
        Ratios: the expected events at which the observed events sit on each limit
        (PHE's ``*_exp_events``). Rates: the population per year at which the events sit on
        each limit (PHE's ``*_population_1_year``). Empty for proportions.
    """

    statistic: str
    method: str
    axis_name: str
    axis: FloatArray
    lower_2s_limit: FloatArray
    upper_2s_limit: FloatArray
    lower_3s_limit: FloatArray
    upper_3s_limit: FloatArray
    baseline: float
    lower_2s_expected: FloatArray
    upper_2s_expected: FloatArray
    lower_3s_expected: FloatArray
    upper_3s_expected: FloatArray


@dataclass(frozen=True, slots=True)
class FunnelPoints:
    """Where each area sits on a rate funnel (PHE's ``calculate_funnel_points``).

    Attributes
    ----------
    rate
        The rate to plot: NaN for DSRs from fewer than 10 events, which PHE leaves off.
    denominator
        The population per year, derived from the rate (or the given population for crude
        rates with 0 events); NaN where the rate is left off.
    """

    rate: FloatArray
    denominator: FloatArray


def _sigma_adjustment(
    z: float, population: FloatArray, average: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """PHE's ``sigma_adjustment`` (multiplier 1) for both sides: the (low, high) limits.

    Term for term as PHE writes it, so the rounding matches; the parts both sides share are
    computed once.
    """
    z2 = z * z
    scaled = population / z2 + 1
    first_part = average * scaled
    radicand = (-8 * average * scaled) ** 2 - 64 * (1 / z2 + 1 / population) * average * (
        population * (average * (population / z2 + 2) - 1) + z2 * (average - 1)
    )
    # At an average of exactly 0 or 1 rounding can leave -1e-12 here, where R gives NaN.
    half_width = np.sqrt(np.maximum(radicand, 0.0)) / 8
    last_part = 1 / z2 + 1 / population
    low = np.asarray((first_part - half_width) / last_part / population, dtype=np.float64)
    high = np.asarray((first_part + half_width) / last_part / population, dtype=np.float64)
    return low, high


def proportion_funnel_limits(p_avg: ArrayLike, n: ArrayLike) -> ProportionFunnelLimits:
    """Funnel-plot control limits for a proportion around an average, for each population.

    Parameters
    ----------
    p_avg : array_like
        The average proportion of all areas (sum of numerators over sum of denominators),
        between 0 and 1.
    n : array_like
        The populations (denominators) at which to draw the limits, each greater than zero.

    Returns
    -------
    ProportionFunnelLimits
        ``lower_2s``, ``upper_2s``, ``lower_3s`` and ``upper_3s`` arrays in proportion units
        (0 to 1), **not clamped**: at small populations a lower limit can be below 0 or an
        upper limit above 1. :func:`funnel_limits` clamps them for plotting, as PHE does.

    Notes
    -----
    Each limit is the proportion whose Wilson score interval (95% for 2s, 99.8% for 3s) has
    ``p_avg`` as its end point: the closed form of PHE's ``sigma_adjustment``.

    References
    ----------
    Spiegelhalter DJ. Funnel plots for comparing institutional performance. Stat Med
    2005;24:1185-1202. Wilson EB. J Am Stat Assoc 1927;22:209-212. As implemented in
    PHEindicatormethods 2.0.2 (``sigma_adjustment``, ``calculate_funnel_limits``).

    Examples
    --------
    >>> limits = proportion_funnel_limits(0.8, [100, 10_000])
    >>> [round(float(v), 4) for v in limits.lower_2s]
    [0.7216, 0.7922]
    """
    average = as_float_array("p_avg", p_avg)
    population = as_float_array("n", n)
    check_non_negative("p_avg", average)
    if average.size and average.max() > 1:
        bad = float(average.max())
        raise ValueError(f"p_avg must be a proportion between 0 and 1; got {bad!r}")
    check_positive("n", population)
    average, population = broadcast(p_avg=average, n=population)
    lower_2s, upper_2s = _sigma_adjustment(_Z_2S, population, average)
    lower_3s, upper_3s = _sigma_adjustment(_Z_3S, population, average)
    return ProportionFunnelLimits(
        lower_2s=freeze(lower_2s),
        upper_2s=freeze(upper_2s),
        lower_3s=freeze(lower_3s),
        upper_3s=freeze(upper_3s),
    )


def _poisson_tail(side: Side, observed: FloatArray, expected: FloatArray) -> FloatArray:
    """PHE's ``poisson_cis``: P(X >= observed) for "low", P(X <= observed) for "high"."""
    if side == "low":
        result = np.ones_like(expected)
        positive = observed > 0
        result[positive] = special.gammainc(np.ceil(observed[positive]), expected[positive])
        return result
    tail: FloatArray = special.gammaincc(np.floor(observed) + 1, expected)
    return tail


def poisson_funnel_expected(
    observed: ArrayLike,
    p: float,
    side: str,
    *,
    method: Literal["phe", "exact"] = "phe",
) -> FloatArray:
    """The expected events at which ``observed`` events sit on a Poisson control limit.

    Parameters
    ----------
    observed : array_like
        Observed events (zero or more).
    p : float
        The one-sided probability of the limit: 0.025 for the 95% limits, 0.001 for 99.8%.
    side : {"low", "high"}
        ``"low"``: the expected count ``E`` with ``P(X >= observed | E) = p`` (so the observed
        count is on the *upper* limit of ``E``). ``"high"``: ``P(X <= observed | E) = p``.
    method : {"phe", "exact"}, optional
        ``"phe"`` (default) reproduces PHE's bisection, 23 halvings on ``v = E / (E + 1 +
        observed)``, so results equal PHE's to its tolerance. ``"exact"`` inverts the
        regularised incomplete gamma function instead; the two agree within 1e-4 relative
        (the bisection's own error is largest, about 5e-5, at one observed event).

    Returns
    -------
    numpy.ndarray
        Expected events, same shape as ``observed``.

    References
    ----------
    PHEindicatormethods 2.0.2 ``poisson_funnel`` and ``poisson_cis`` (from PHE's Excel
    funnel-plot macro). Exact form: ``P(X >= k | E) = P(k, E)``, the regularised lower
    incomplete gamma function (Johnson, Kemp & Kotz, *Univariate Discrete Distributions*).

    Examples
    --------
    >>> [round(float(e), 6) for e in poisson_funnel_expected([1, 10], 0.025, "high")]
    [5.571645, 18.390358]
    """
    counts = as_float_array("observed", observed)
    check_non_negative("observed", counts)
    chosen: Side = check_choice("side", side, SIDES)  # type: ignore[assignment]  # one of SIDES, checked
    check_choice("method", method, ("phe", "exact"))
    probability = check_probability(p)
    if method == "exact":
        if chosen == "low":
            expected = np.zeros_like(counts)
            positive = counts > 0
            expected[positive] = special.gammaincinv(counts[positive], probability)
            return expected
        exact: FloatArray = special.gammainccinv(counts + 1, probability)
        return exact
    v = np.full(counts.shape, 0.5)
    dv = 0.5
    while dv > 1e-7:
        dv /= 2
        tail = _poisson_tail(chosen, counts, (1 + counts) * v / (1 - v))
        go_down = tail > probability if chosen == "low" else tail < probability
        v = np.where(go_down, v - dv, v + dv)
    result: FloatArray = (1 + counts) * v / (1 - v)
    return result


def _poisson_count_limit(observed: FloatArray, confidence: float, side: Side) -> FloatArray:
    """PHE's ``funnel_ratio_significance`` numerator: a Poisson limit for the observed count.

    Exact (chi-square) below 10 events, Byar's approximation from 10, as PHE does.
    """
    z = float(special.ndtri(0.5 + confidence / 2))
    small = observed < 10
    limit = np.empty_like(observed)
    with np.errstate(divide="ignore", invalid="ignore"):
        if side == "low":
            byar = observed * (1 - 1 / (9 * observed) - z / 3 / np.sqrt(observed)) ** 3
            exact = special.chdtri(2 * observed, 0.5 + confidence / 2) / 2
            exact = np.where(observed == 0, 0.0, exact)
        else:
            above = observed + 1
            byar = above * (1 - 1 / (9 * above) + z / 3 / np.sqrt(above)) ** 3
            exact = special.chdtri(2 * observed + 2, 0.5 - confidence / 2) / 2
    np.copyto(limit, np.where(small, exact, byar))
    return limit


def funnel_significance(
    numerator: ArrayLike,
    denominator: ArrayLike | None,
    *,
    statistic: str,
    multiplier: float,
    rate: ArrayLike | None = None,
    rate_type: str | None = None,
    ratio_type: str | None = None,
) -> list[Any]:
    """PHE's funnel-plot significance label for each area against the average of all areas.

    Parameters
    ----------
    numerator : array_like
        Observed cases or events per area (zero or more). A 2-D array holds one indicator
        per row: each row is compared with its own average.
    denominator : array_like or None
        Proportions: the population (cases in the sample, at least the numerator). Ratios:
        the expected events. Rates: the population, needed only where there are 0 events
        (crude rates); otherwise PHE derives it from the rate and may be ``None``.
    statistic : {"proportion", "rate", "ratio"}
    multiplier : float
        The scale of ``rate`` (e.g. 100,000 for a rate per 100,000). Unused for proportions
        and ratios, which PHE compares in their own units, but still checked.
    rate : array_like, optional
        Rates only: each area's rate per ``multiplier`` (may be NaN where there are 0 events).
    rate_type : {"dsr", "crude"}, optional
        Required for rates: a directly standardised rate (denominator derived from the rate;
        fewer than 10 events is "not applicable") or a crude rate.
    ratio_type : {"count", "isr"}, optional
        Ratios only; accepted for symmetry with :func:`funnel_limits` (the labels do not
        depend on it).

    Returns
    -------
    list of str
        PHE's labels, one per area (a list of lists for 2-D input): ``"High (0.001)"``,
        ``"High (0.025)"``,
        ``"Low (0.025)"``, ``"Low (0.001)"``, ``"Not significant"`` and, for DSRs from fewer
        than 10 events, ``"Not applicable for events less than 10 for dsrs"``.

    Notes
    -----
    Proportions: outside the Wilson funnel limits at the area's own denominator, strict
    inequality, lows tested first. Ratios: the ratio's exact (under 10 events) or Byar
    99.8% / 95% interval excludes 1, highs tested first. Rates: the same interval for the
    area's rate excludes the weighted average ``sum(events) / sum(derived denominators)``.

    References
    ----------
    PHEindicatormethods 2.0.2 ``assign_funnel_significance``; Fingertips technical
    guidance, *Public Health Data Science: funnel plots*.

    Examples
    --------
    >>> funnel_significance([10232, 12321, 15123, 13213], [15232, 16123, 17932, 18475],
    ...                     statistic="proportion", multiplier=100)
    ['Low (0.001)', 'High (0.001)', 'High (0.001)', 'Low (0.001)']
    """
    chosen, rate_kind, _ = check_statistic(statistic, rate_type, ratio_type)
    scale = check_multiplier(multiplier)
    numerators, denominators = prepare(numerator, denominator, chosen)
    codes = np.full(numerators.shape, 4, dtype=np.intp)
    if chosen == "proportion":
        assert denominators is not None
        average = numerators.sum(axis=-1, keepdims=True) / denominators.sum(axis=-1, keepdims=True)
        value = numerators / denominators
        lower_2s, upper_2s = _sigma_adjustment(_Z_2S, denominators, average)
        lower_3s, upper_3s = _sigma_adjustment(_Z_3S, denominators, average)
        rules = [
            (value < lower_3s, 2),
            (value < lower_2s, 3),
            (value > upper_3s, 0),
            (value > upper_2s, 1),
        ]
    else:
        if chosen == "ratio":
            assert denominators is not None
            expected = denominators
            target: FloatArray | float = 1.0
        else:
            assert rate_kind is not None
            expected = rate_denominator(
                numerators, denominators, rate, rate_kind, scale, multiply_first=False
            )
            target = numerators.sum(axis=-1, keepdims=True) / np.nansum(
                expected, axis=-1, keepdims=True
            )
        with np.errstate(invalid="ignore"):
            rules = [
                (target < _poisson_count_limit(numerators, 0.998, "low") / expected, 0),
                (target < _poisson_count_limit(numerators, 0.95, "low") / expected, 1),
                (target > _poisson_count_limit(numerators, 0.998, "high") / expected, 2),
                (target > _poisson_count_limit(numerators, 0.95, "high") / expected, 3),
            ]
    for condition, code in reversed(rules):
        codes[condition] = code
    if rate_kind == "dsr":
        codes[numerators < 10] = 5
    labels: list[Any] = _LABELS[codes].tolist()
    return labels


def funnel_limits(
    numerator: ArrayLike,
    denominator: ArrayLike | None = None,
    *,
    statistic: str,
    multiplier: float,
    rate: ArrayLike | None = None,
    rate_type: str | None = None,
    ratio_type: str | None = None,
    years_of_data: float | None = None,
) -> FunnelTable:
    """PHE's funnel-plot table: 100 axis points and the 95% and 99.8% limits at each.

    Parameters
    ----------
    numerator : array_like
        Observed cases or events of every area in the plot (zero or more).
    denominator : array_like, optional
        Proportions: populations. Ratios: expected events. Rates: populations, needed only
        for crude rates with 0 events.
    statistic : {"proportion", "rate", "ratio"}
    multiplier : float
        Scale of the plotted values: 100 for a percentage, 100,000 for a rate per 100,000
        (ignored for ratios, whose scale is set by ``ratio_type``).
    rate : array_like, optional
        Rates: each area's rate per ``multiplier``.
    rate_type : {"dsr", "crude"}, optional
        Required for rates.
    ratio_type : {"count", "isr"}, optional
        Required for ratios: limits as ``ratio - 1`` ("count") or ``ratio * 100`` ("isr").
    years_of_data : float, optional
        Required for rates: how many years the counts cover (the axis is rounded per year).

    Returns
    -------
    FunnelTable
        The axis and limits. Proportion limits are clamped to [0, 100] as PHE does (PHE clamps
        at 100 whatever the multiplier).

    Notes
    -----
    The axis runs from 0 (or 95% of the smallest denominator rounded down to one significant
    figure, when the largest is at most twice the smallest) to 105% of the largest rounded
    up to two significant figures; rates and ratios are drawn against events. Points step
    geometrically, rounded to whole numbers, at least one apart.

    References
    ----------
    PHEindicatormethods 2.0.2 ``calculate_funnel_limits``; Fingertips technical guidance.

    Examples
    --------
    >>> table = funnel_limits([35, 40, 45], [50, 55, 60], statistic="proportion",
    ...                       multiplier=100)
    >>> table.axis_name, len(table.axis), round(table.baseline, 4)
    ('Population', 100, 72.7273)
    """
    chosen, rate_kind, ratio_kind = check_statistic(statistic, rate_type, ratio_type)
    scale = check_multiplier(multiplier)
    numerators, denominators = prepare(numerator, denominator, chosen)
    if numerators.ndim != 1 or numerators.size == 0:
        raise ValueError(
            f"numerator must be a non-empty list of areas; got shape {numerators.shape}"
        )
    if chosen == "ratio" and ratio_kind is None:
        raise ValueError(
            "ratio_type is required for statistic 'ratio': one of 'count', 'isr'; got None"
        )
    years = 1.0
    if chosen == "rate":
        if years_of_data is None:
            raise ValueError(
                "years_of_data is required for statistic 'rate': a number above zero; got None"
            )
        years = check_positive_number("years_of_data", years_of_data)
        assert rate_kind is not None
        derived = rate_denominator(
            numerators, denominators, rate, rate_kind, scale, multiply_first=True
        )
    else:
        assert denominators is not None
        derived = denominators
    if np.isnan(derived).all():
        raise ValueError(
            "numerator must have at least one area with events to draw a rate funnel; got none"
        )
    average = float(numerators.sum() / np.nansum(derived))
    smallest, largest = float(np.nanmin(derived)), float(np.nanmax(derived))
    if largest > 2 * smallest:
        minimum = 0.0
    elif chosen == "rate":
        minimum = signif_floor(smallest / years) * years
    else:
        minimum = signif_floor(smallest)
    maximum = (
        signif_ceiling(largest / years) * years if chosen == "rate" else signif_ceiling(largest)
    )
    if chosen == "rate":
        minimum, maximum = math.floor(minimum * average), math.ceil(maximum * average)
    axis = axis_points(minimum, maximum, chosen)
    empty = freeze(np.empty(0))
    if chosen == "proportion":
        limits = proportion_funnel_limits(average, axis)
        return FunnelTable(
            statistic="proportion",
            method="Wilson",
            axis_name="Population",
            axis=freeze(axis),
            lower_2s_limit=freeze(np.maximum(0, limits.lower_2s * scale)),
            upper_2s_limit=freeze(np.minimum(100, limits.upper_2s * scale)),
            lower_3s_limit=freeze(np.maximum(0, limits.lower_3s * scale)),
            upper_3s_limit=freeze(np.minimum(100, limits.upper_3s * scale)),
            baseline=average * scale,
            lower_2s_expected=empty,
            upper_2s_expected=empty,
            lower_3s_expected=empty,
            upper_3s_expected=empty,
        )
    expected = {
        "lower_2s": poisson_funnel_expected(axis, 0.025, "high"),
        "upper_2s": poisson_funnel_expected(axis, 0.025, "low"),
        "lower_3s": poisson_funnel_expected(axis, 0.001, "high"),
        "upper_3s": poisson_funnel_expected(axis, 0.001, "low"),
    }
    if chosen == "ratio":
        ratios = {key: axis / value for key, value in expected.items()}
        if ratio_kind == "count":
            limits_out, baseline = {key: value - 1 for key, value in ratios.items()}, 0.0
        else:
            limits_out, baseline = {key: value * 100 for key, value in ratios.items()}, 100.0
        description, axis_name = f"ratio ({ratio_kind})", "Observed_events"
    else:
        populations = {key: value / average for key, value in expected.items()}
        limits_out = {key: axis / value * scale for key, value in populations.items()}
        expected = {key: value / years for key, value in populations.items()}
        baseline = average * scale
        description = f"rate ({rate_kind} per {format_thousands(scale)})"
        axis_name = "Events"
    return FunnelTable(
        statistic=description,
        method="Poisson",
        axis_name=axis_name,
        axis=freeze(axis),
        lower_2s_limit=freeze(limits_out["lower_2s"]),
        upper_2s_limit=freeze(limits_out["upper_2s"]),
        lower_3s_limit=freeze(limits_out["lower_3s"]),
        upper_3s_limit=freeze(limits_out["upper_3s"]),
        baseline=baseline,
        lower_2s_expected=freeze(expected["lower_2s"]),
        upper_2s_expected=freeze(expected["upper_2s"]),
        lower_3s_expected=freeze(expected["lower_3s"]),
        upper_3s_expected=freeze(expected["upper_3s"]),
    )


def funnel_points(
    numerator: ArrayLike,
    denominator: ArrayLike | None = None,
    *,
    rate: ArrayLike,
    rate_type: str,
    years_of_data: float,
    multiplier: float,
) -> FunnelPoints:
    """Each area's point on a rate funnel: its rate and its derived population per year.

    Parameters
    ----------
    numerator : array_like
        Events per area (zero or more).
    denominator : array_like, optional
        Populations, needed only for crude rates with 0 events.
    rate : array_like
        Each area's rate per ``multiplier``.
    rate_type : {"dsr", "crude"}
    years_of_data : float
        How many years the events cover.
    multiplier : float
        The rate's scale, e.g. 100,000.

    Returns
    -------
    FunnelPoints
        ``rate`` (NaN for DSRs from fewer than 10 events) and ``denominator``, the
        population per year ``multiplier * events / rate / years_of_data``.

    References
    ----------
    PHEindicatormethods 2.0.2 ``calculate_funnel_points``.

    Examples
    --------
    >>> points = funnel_points([414, 5], rate=[184, 167], rate_type="dsr", years_of_data=3,
    ...                        multiplier=100_000)
    >>> [float(v) for v in points.denominator]
    [75000.0, nan]
    """
    _, rate_kind, _ = check_statistic("rate", rate_type, None)
    assert rate_kind is not None
    scale = check_multiplier(multiplier)
    years = check_positive_number("years_of_data", years_of_data)
    numerators, denominators = prepare(numerator, denominator, "rate")
    rates = np.broadcast_to(as_float_array("rate", rate), numerators.shape).astype(np.float64)
    derived = rate_denominator(
        numerators, denominators, rates, rate_kind, scale, multiply_first=True
    )
    if rate_kind == "dsr":
        shown = numerators >= 10
        return FunnelPoints(
            rate=freeze(np.where(shown, rates, np.nan)),
            denominator=freeze(np.where(shown, derived / years, np.nan)),
        )
    return FunnelPoints(rate=freeze(rates), denominator=freeze(derived / years))
