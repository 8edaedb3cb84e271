"""Indicator statistics: values with confidence intervals, target comparison, direction of travel.

The methods are those of the Public Health England / OHID *Technical Guide: Confidence
Intervals* and the ``PHEindicatormethods`` R package (Fingertips):

- proportions: Wilson score interval without continuity correction;
- crude rates: exact Poisson (chi-square) limits below 10 events, Byar's approximation from 10;
- directly standardised rates: Dobson's method around Byar's limits for the total count.

Every function accepts scalars or array-likes, broadcasts them together and returns an
immutable :class:`Estimate`: floats for scalar input, read-only numpy arrays otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, TypeAlias, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special  # not scipy.stats: its import alone takes most of a second

from bettercare.core._checks import (
    FloatArray,
    as_float_array,
    broadcast,
    check_choice,
    check_finite,
    check_non_negative,
    check_positive,
    choose,
    freeze,
    normalise_confidence,
)

__all__ = [
    "ESP2013",
    "ESP2013_AGE_BANDS",
    "POLARITIES",
    "Comparison",
    "Direction",
    "Estimate",
    "Polarity",
    "compare_to_target",
    "direction_of_travel",
    "dsr",
    "proportion",
    "rate",
]

Polarity: TypeAlias = Literal["lower_is_better", "higher_is_better"]
POLARITIES: tuple[Polarity, ...] = ("lower_is_better", "higher_is_better")
Comparison: TypeAlias = Literal["significantly_better", "better", "worse", "significantly_worse"]
Direction: TypeAlias = Literal["improving", "worsening", "no_significant_change"]

#: European Standard Population 2013: 19 five-year age bands, 0-4 to 90+, summing to 100,000.
ESP2013: tuple[int, ...] = (
    5000,
    5500,
    5500,
    5500,
    6000,
    6000,
    6500,
    7000,
    7000,
    7000,
    7000,
    6500,
    6000,
    5500,
    5000,
    4000,
    2500,
    1500,
    1000,
)
#: The age bands of :data:`ESP2013`, in the same order.
ESP2013_AGE_BANDS: tuple[str, ...] = tuple(
    [f"{age}-{age + 4}" for age in range(0, 90, 5)] + ["90+"]
)

Number: TypeAlias = float | FloatArray


@dataclass(frozen=True, slots=True)
class Estimate:
    """A value with its confidence interval and how it was computed.

    Attributes
    ----------
    value, lower, upper
        The estimate and its lower and upper confidence limits: floats for scalar input,
        read-only arrays otherwise. NaN where the method gives no value (for example a
        directly standardised rate from fewer than 10 events).
    confidence
        The confidence level as a fraction, e.g. 0.95.
    method
        The interval method, e.g. ``"Wilson score"`` or ``"Byar"``; for arrays that mix
        methods (crude rates either side of 10 events) both are named.
    """

    value: Number
    lower: Number
    upper: Number
    confidence: float = 0.95
    method: str = ""

    @property
    def has_limits(self) -> bool:
        """True when every limit is a number (not NaN)."""
        return bool(np.all(np.isfinite(self.lower)) and np.all(np.isfinite(self.upper)))


@lru_cache(maxsize=64)
def _z(level: float) -> float:
    """The two-sided normal quantile for a confidence level (cached: it is asked per row)."""
    return float(special.ndtri(level + (1 - level) / 2))  # the normal quantile, as norm.ppf


def _finish(
    value: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
    *,
    scalar: bool,
    level: float,
    method: str,
) -> Estimate:
    if scalar:
        return Estimate(value.item(), lower.item(), upper.item(), level, method)
    return Estimate(freeze(value), freeze(lower), freeze(upper), level, method)


def proportion(
    x: ArrayLike, n: ArrayLike, *, confidence: float = 0.95, multiplier: float = 1
) -> Estimate:
    """Proportion with a Wilson score confidence interval (no continuity correction).

    Parameters
    ----------
    x : array_like
        Number of cases meeting the condition (zero or more, at most ``n``).
    n : array_like
        Number of cases in the sample (greater than zero).
    confidence : float, optional
        Confidence level: 0.95, 0.998, 95 or 99.8 (any level from 90% to below 100%).
    multiplier : float, optional
        Scale of the result, e.g. 100 for a percentage.

    Returns
    -------
    Estimate
        ``value = x / n * multiplier`` with its Wilson limits on the same scale.

    References
    ----------
    Wilson EB. Probable inference, the law of succession, and statistical inference.
    J Am Stat Assoc 1927;22:209-212. Newcombe RG, Altman DG. Proportions and their
    differences. In: Altman DG et al. (eds) Statistics with confidence, 2nd edn. BMJ Books,
    2000:46-48. As implemented in PHEindicatormethods ``phe_proportion``.

    Examples
    --------
    >>> p = proportion(1401, 1590, multiplier=100)
    >>> round(p.value, 2), round(p.lower, 2), round(p.upper, 2)
    (88.11, 86.43, 89.61)
    """
    level = normalise_confidence(confidence)
    xs, ns = as_float_array("x", x), as_float_array("n", n)
    scalar = xs.ndim == 0 and ns.ndim == 0
    z = _z(level)
    if _blockable(xs, ns):
        outputs = _empty_outputs(xs.size, 3)

        def run(blocks: list[slice]) -> bool:
            """Validate and compute some blocks; False at the first invalid one."""
            work = _Workspace(2)
            for block in blocks:
                xb, nb = xs[block], ns[block]
                if not _proportion_inputs_valid(xb, nb):
                    return False
                _wilson_into(xb, nb, z, multiplier, [out[block] for out in outputs], work)
            return True

        if not all(_in_parallel(run, xs.size)):
            _check_proportion_inputs(xs, ns, scalar=scalar)  # raises, naming the first bad row
        value, lower, upper = outputs
    else:
        xs, ns = _check_proportion_inputs(xs, ns, scalar=scalar)
        value, lower, upper = _wilson(xs, ns, z, multiplier)
    return _finish(value, lower, upper, scalar=scalar, level=level, method="Wilson score")


#: Rows per block when a long column is computed block by block: the temporaries of one block
#: stay in the processor's cache, so each input is read from memory once and each output
#: written once (the "fused" pass), with the same floating-point operations as one big pass.
BLOCK_ROWS = 1 << 15


def _blockable(*arrays: FloatArray) -> bool:
    """True for long one-dimensional columns of one length (worth computing in blocks)."""
    first = arrays[0]
    return (
        first.ndim == 1
        and first.size > BLOCK_ROWS
        and all(a.ndim == 1 and a.size == first.size for a in arrays)
    )


def _blocks(size: int) -> list[slice]:
    return [slice(start, start + BLOCK_ROWS) for start in range(0, size, BLOCK_ROWS)]


#: Threads that compute a long column's blocks together (numpy releases the GIL inside each
#: operation): one per processor this process may run on, at most four; 1 computes in the
#: calling thread only. Every row is computed by the same operations whichever thread takes
#: it, so the results are the same bits for any number.
THREADS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1))
#: Blocks a thread takes at least (fewer rows are not worth a thread).
_BLOCKS_PER_THREAD = 8
_pool: ThreadPoolExecutor | None = None


def _thread_pool() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(THREADS - 1, thread_name_prefix="bettercare-stats")
    return _pool


def _forget_thread_pool() -> None:  # a forked child has the pool object but not its threads
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_thread_pool)

ResultT = TypeVar("ResultT")


def _in_parallel(run: Callable[[list[slice]], ResultT], size: int) -> list[ResultT]:
    """``run`` over the blocks of ``size`` rows, in contiguous shares for :data:`THREADS`.

    The calling thread takes the first share and the pool the others; the results come back
    in block order.
    """
    blocks = _blocks(size)
    threads = min(THREADS, len(blocks) // _BLOCKS_PER_THREAD) or 1
    if threads == 1:
        return [run(blocks)]
    share = -(-len(blocks) // threads)
    shares = [blocks[start : start + share] for start in range(0, len(blocks), share)]
    pool = _thread_pool()
    futures = [pool.submit(run, blocks) for blocks in shares[1:]]
    first = run(shares[0])
    return [first, *(future.result() for future in futures)]


def _empty_outputs(size: int, count: int) -> list[FloatArray]:
    return [np.empty(size, dtype=np.float64) for _ in range(count)]


def _proportion_inputs_valid(xs: FloatArray, ns: FloatArray) -> bool:
    """One cheap pass over a block: every x in [0, n] and every n finite and above zero."""
    return bool(xs.min() >= 0 and _positive_finite(ns) and not (xs > ns).any())


def _check_proportion_inputs(
    xs: FloatArray, ns: FloatArray, *, scalar: bool
) -> tuple[FloatArray, FloatArray]:
    """Validate the whole columns, raising with the first offending position."""
    check_non_negative("x", xs)
    check_positive("n", ns)
    xs, ns = broadcast(x=xs, n=ns)
    above = xs > ns
    if above.any():
        position = int(np.flatnonzero(above.ravel())[0])
        where = "" if scalar else f" at position {position}"
        raise ValueError(
            f"x must not exceed n for a proportion; got x={xs.ravel()[position].item()!r} "
            f"and n={ns.ravel()[position].item()!r}{where}"
        )
    return xs, ns


def _wilson(
    xs: FloatArray, ns: FloatArray, z: float, multiplier: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The Wilson score value and limits (the formula, on validated input)."""
    z2 = z * z
    p = xs / ns
    centre = 2 * xs + z2
    spread = z * np.sqrt(z2 + 4 * xs * (1 - p))
    scale = multiplier / (2 * (ns + z2))
    return p * multiplier, (centre - spread) * scale, (centre + spread) * scale


class _Workspace:
    """Scratch arrays of one block, allocated once per call and reused by every block."""

    def __init__(self, count: int) -> None:
        self.arrays = [np.empty(BLOCK_ROWS) for _ in range(count)]

    def take(self, size: int) -> list[FloatArray]:
        return [array[:size] for array in self.arrays]


def _wilson_into(
    xs: FloatArray,
    ns: FloatArray,
    z: float,
    multiplier: float,
    outputs: list[FloatArray],
    work: _Workspace,
) -> None:
    """:func:`_wilson` written into ``outputs`` (value, lower, upper) in one fused pass.

    The same operations in the same order on the same operands as :func:`_wilson`, so the
    same bits, but through ``out=`` into the block's outputs and a few reused scratch
    arrays: no temporary is allocated, and a block's data stays in the processor's cache.
    """
    value, lower, upper = outputs
    centre, spread = work.take(xs.size)
    scale = upper  # the upper limit's slice holds the scale until the limit is written
    z2 = z * z
    np.divide(xs, ns, out=value)  # p
    np.subtract(1.0, value, out=spread)
    np.multiply(4.0, xs, out=centre)
    np.multiply(centre, spread, out=spread)
    np.add(z2, spread, out=spread)
    np.sqrt(spread, out=spread)
    np.multiply(z, spread, out=spread)
    np.multiply(2.0, xs, out=centre)
    np.add(centre, z2, out=centre)
    np.add(ns, z2, out=scale)
    np.multiply(2.0, scale, out=scale)
    np.divide(multiplier, scale, out=scale)
    if multiplier != 1:  # p * 1 is p, bit for bit
        np.multiply(value, multiplier, out=value)
    np.subtract(centre, spread, out=lower)
    np.multiply(lower, scale, out=lower)
    np.add(centre, spread, out=centre)
    np.multiply(centre, scale, out=upper)


def _byar_limits(
    count: FloatArray, z: float, *, lower_scale: FloatArray, upper_scale: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation to the Poisson limits of ``count``, each times a scale."""
    root = np.sqrt(count)
    lower = count * (1 - 1 / (9 * count) - z / (3 * root)) ** 3
    above = count + 1
    upper = above * (1 - 1 / (9 * above) + z / (3 * np.sqrt(above))) ** 3
    return lower * lower_scale, upper * upper_scale


def _exact_poisson_limits(count: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact Poisson limits from the chi-square distribution; the lower limit of 0 is 0."""
    alpha = 1 - level
    lower = np.zeros_like(count)
    positive = count > 0
    lower[positive] = special.chdtri(2 * count[positive], 1 - alpha / 2) / 2
    upper = special.chdtri(2 * count + 2, alpha / 2) / 2
    return lower, upper


@lru_cache(maxsize=64)
def _exact_poisson_table(level: float) -> tuple[FloatArray, FloatArray]:
    """The exact limits of the counts 0 to 9 at one level, computed once.

    The same chi-square calls on the same numbers as :func:`_exact_poisson_limits`, so a
    lookup gives the same bits as computing each row.
    """
    lower, upper = _exact_poisson_limits(np.arange(10, dtype=np.float64), level)
    return freeze(lower), freeze(upper)


def _exact_poisson_lookup(count: FloatArray, level: float) -> tuple[FloatArray, FloatArray]:
    """Exact limits for counts below 10: whole counts by table, any others computed."""
    table_lower, table_upper = _exact_poisson_table(level)
    whole = count.astype(np.int64)
    if (whole == count).all():
        return table_lower[whole], table_upper[whole]
    lower, upper = _exact_poisson_limits(count, level)
    return lower, upper


def rate(
    x: ArrayLike,
    denominator: ArrayLike,
    *,
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> Estimate:
    """Crude rate with exact Poisson (fewer than 10 events) or Byar's confidence limits.

    Parameters
    ----------
    x : array_like
        Number of events (zero or more).
    denominator : array_like
        Population or other denominator (greater than zero).
    multiplier : float, optional
        Rate per this many, default 100,000.
    confidence : float, optional
        Confidence level: 0.95, 0.998, 95 or 99.8.

    Returns
    -------
    Estimate
        ``value = x / denominator * multiplier`` with its limits on the same scale.

    Notes
    -----
    From 10 events the limits use Byar's approximation to the Poisson distribution; below
    10 they are exact, from the chi-square distribution (lower limit 0 when ``x`` is 0).

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, volume II. IARC, 1987.
    Armitage P, Berry G. Statistical methods in medical research, 4th edn. Blackwell, 2002.
    As implemented in PHEindicatormethods ``phe_rate``.

    Examples
    --------
    The delayed transfers of care example from a BCF highlight report:

    >>> r = rate(1611, 546195)
    >>> round(r.value, 2), round(r.lower, 2), round(r.upper, 2)
    (294.95, 280.72, 309.71)
    """
    level = normalise_confidence(confidence)
    xs, ns = as_float_array("x", x), as_float_array("denominator", denominator)
    scalar = xs.ndim == 0 and ns.ndim == 0
    z = _z(level)
    if _blockable(xs, ns):
        outputs = _empty_outputs(xs.size, 3)

        def run(blocks: list[slice]) -> int:
            """Validate and compute some blocks: their exact rows, or -1 at an invalid one."""
            work = _Workspace(2)
            small = 0
            for block in blocks:
                xb, nb = xs[block], ns[block]
                low, high = xb.min(), xb.max()
                if not (low >= 0 and np.isfinite(high) and _positive_finite(nb)):
                    return -1
                small += _rate_into(
                    xb,
                    nb,
                    z,
                    multiplier,
                    level,
                    [out[block] for out in outputs],
                    work,
                    any_small=bool(low < 10),
                    all_small=bool(high < 10),
                )
            return small

        counts = _in_parallel(run, xs.size)
        if min(counts) < 0:
            _check_rate_inputs(xs, ns)  # raises, naming the first bad row
        small_rows = sum(counts)
        value, lower, upper = outputs
    else:
        xs, ns = _check_rate_inputs(xs, ns)
        (value, lower, upper), small_rows = _rate_block(xs, ns, z, multiplier, level)
    methods = "Byar"
    if small_rows:
        mixed = small_rows < xs.size
        methods = "Byar (10 or more events), exact Poisson" if mixed else "exact Poisson"
    return _finish(value, lower, upper, scalar=scalar, level=level, method=methods)


def _positive_finite(array: FloatArray) -> bool:
    return bool(array.min() > 0 and np.isfinite(array.max()))


def _check_rate_inputs(xs: FloatArray, ns: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Validate the whole columns of :func:`rate`, raising with the first bad position."""
    check_non_negative("x", xs)
    check_positive("denominator", ns)
    xs, ns = broadcast(x=xs, denominator=ns)
    return np.atleast_1d(xs), np.atleast_1d(ns)


def _rate_block(
    xs: FloatArray, ns: FloatArray, z: float, multiplier: float, level: float
) -> tuple[tuple[FloatArray, FloatArray, FloatArray], int]:
    """A crude rate and its limits on validated rows; also how many rows took exact limits."""
    scale = multiplier / ns
    with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 takes the exact limits below
        lower, upper = _byar_limits(xs, z, lower_scale=scale, upper_scale=scale)
    small = xs < 10
    count = int(np.count_nonzero(small))
    if count:
        exact_lower, exact_upper = _exact_poisson_lookup(xs[small], level)
        lower[small] = exact_lower * scale[small]
        upper[small] = exact_upper * scale[small]
    return (xs * scale, lower, upper), count


def _rate_into(
    xs: FloatArray,
    ns: FloatArray,
    z: float,
    multiplier: float,
    level: float,
    outputs: list[FloatArray],
    work: _Workspace,
    *,
    any_small: bool,
    all_small: bool,
) -> int:
    """:func:`_rate_block` written into ``outputs`` (value, lower, upper) in one fused pass.

    The operations of :func:`_rate_block` and :func:`_byar_limits` in the same order on the
    same operands (so the same bits), through ``out=`` into the outputs and reused scratch
    arrays (the value's slice holds ``x + 1`` until the value is written). ``any_small`` and
    ``all_small`` say whether any or every count is below 10 (then only the exact limits are
    computed). Returns how many rows took exact limits.
    """
    value, lower, upper = outputs
    scale, part = work.take(xs.size)
    np.divide(multiplier, ns, out=scale)
    if all_small:
        np.multiply(xs, scale, out=value)
        exact_lower, exact_upper = _exact_poisson_lookup(xs, level)
        np.multiply(exact_lower, scale, out=lower)
        np.multiply(exact_upper, scale, out=upper)
        return xs.size
    above = value
    with np.errstate(divide="ignore", invalid="ignore"):  # x = 0 takes the exact limits below
        # lower = count * (1 - 1 / (9 * count) - z / (3 * sqrt(count))) ** 3 * scale
        np.multiply(9, xs, out=part)
        np.divide(1, part, out=part)
        np.subtract(1, part, out=part)
        np.sqrt(xs, out=lower)
        np.multiply(3, lower, out=lower)
        np.divide(z, lower, out=lower)
        np.subtract(part, lower, out=part)
        np.power(part, 3, out=part)
        np.multiply(xs, part, out=lower)
        np.multiply(lower, scale, out=lower)
        # upper = above * (1 - 1 / (9 * above) + z / (3 * sqrt(above))) ** 3 * scale
        np.add(xs, 1, out=above)
        np.multiply(9, above, out=part)
        np.divide(1, part, out=part)
        np.subtract(1, part, out=part)
        np.sqrt(above, out=upper)
        np.multiply(3, upper, out=upper)
        np.divide(z, upper, out=upper)
        np.add(part, upper, out=part)
        np.power(part, 3, out=part)
        np.multiply(above, part, out=upper)
        np.multiply(upper, scale, out=upper)
    np.multiply(xs, scale, out=value)
    if not any_small:
        return 0
    small = xs < 10
    count = int(np.count_nonzero(small))
    if count:
        exact_lower, exact_upper = _exact_poisson_lookup(xs[small], level)
        lower[small] = exact_lower * scale[small]
        upper[small] = exact_upper * scale[small]
    return count


def dsr(
    x: ArrayLike,
    n: ArrayLike,
    standard_population: ArrayLike = ESP2013,
    *,
    multiplier: float = 100_000,
    confidence: float = 0.95,
) -> Estimate:
    """Directly standardised rate with Dobson confidence limits.

    Parameters
    ----------
    x : array_like
        Events per standardisation band (e.g. age band). The last axis holds the bands;
        leading axes, if any, hold separate groups (e.g. areas).
    n : array_like
        Population per band, same shape as ``x`` (each greater than zero).
    standard_population : array_like, optional
        Standard population weight per band, default :data:`ESP2013`.
    multiplier : float, optional
        Rate per this many, default 100,000.
    confidence : float, optional
        Confidence level: 0.95, 0.998, 95 or 99.8.

    Returns
    -------
    Estimate
        One value per group. Value and limits are NaN (not an error) where the total
        count is below 10, as the method is unreliable there.

    Notes
    -----
    ``DSR = sum(w_i x_i / n_i) / sum(w_i)``. With ``O = sum(x_i)`` and
    ``var(DSR) = sum(w_i**2 x_i / n_i**2) / sum(w_i)**2``, the limits are
    ``DSR + sqrt(var / O) * (O_limit - O)`` where ``O_limit`` are Byar's limits for ``O``.

    References
    ----------
    Dobson AJ, Kuulasmaa K, Eberle E, Scherer J. Confidence intervals for weighted sums of
    Poisson parameters. Stat Med 1991;10:457-462. As implemented in PHEindicatormethods
    ``phe_dsr``.
    """
    level = normalise_confidence(confidence)
    counts, populations = as_float_array("x", x), as_float_array("n", n)
    weights = as_float_array("standard_population", standard_population)
    check_non_negative("x", counts)
    check_positive("n", populations)
    check_positive("standard_population", weights)
    if weights.ndim != 1:
        raise ValueError(
            f"standard_population must be one weight per band, got shape {weights.shape}"
        )
    if counts.ndim == 0 or populations.ndim == 0:
        raise ValueError("x and n must hold one value per band (arrays), not single numbers")
    counts, populations, weights = broadcast(x=counts, n=populations, standard_population=weights)
    scalar = counts.ndim == 1
    weighted = weights / populations
    total_weight = weights.sum(axis=-1)
    total = counts.sum(axis=-1)
    value = (counts * weighted).sum(axis=-1) / total_weight
    variance = (counts * weighted**2).sum(axis=-1) / total_weight**2
    reliable = total >= 10
    safe_total = np.where(reliable, total, 10.0)
    spread = np.sqrt(variance / safe_total)
    one = np.ones_like(safe_total)
    byar_lower, byar_upper = _byar_limits(safe_total, _z(level), lower_scale=one, upper_scale=one)
    nan = np.full_like(safe_total, np.nan)
    lower = np.where(reliable, (value + spread * (byar_lower - safe_total)) * multiplier, nan)
    upper = np.where(reliable, (value + spread * (byar_upper - safe_total)) * multiplier, nan)
    value = np.where(reliable, value * multiplier, nan)
    return _finish(value, lower, upper, scalar=scalar, level=level, method="Dobson")


EstimateOrNumber: TypeAlias = Estimate | float | int


def _limits(estimate: EstimateOrNumber) -> tuple[FloatArray, FloatArray, FloatArray]:
    if isinstance(estimate, Estimate):
        return (
            np.asarray(estimate.value, dtype=np.float64),
            np.asarray(estimate.lower, dtype=np.float64),
            np.asarray(estimate.upper, dtype=np.float64),
        )
    value = as_float_array("estimate", estimate)
    nan = np.full_like(value, np.nan)
    return value, nan, nan


def compare_to_target(
    estimate: EstimateOrNumber, target: ArrayLike, *, polarity: Polarity
) -> Comparison | NDArray[np.object_] | None:
    """Compare an estimate with a target, as Fingertips compares with a single-value target.

    Parameters
    ----------
    estimate : Estimate or float
        The estimate; a plain number (or an estimate without limits) can only be
        ``"better"`` or ``"worse"``.
    target : float or array_like
        The target, on the same scale as the estimate.
    polarity : {"lower_is_better", "higher_is_better"}

    Returns
    -------
    str or None
        ``"significantly_better"`` when the whole interval beats the target (for
        higher-is-better: lower limit >= target), ``"significantly_worse"`` when the whole
        interval misses it (upper limit < target), otherwise ``"better"`` when the value meets
        or beats the target and ``"worse"`` when it misses it. ``None`` when the value itself
        is NaN (for example an unreliable DSR). An array of these for array input.

    References
    ----------
    OHID Fingertips, comparison with a single-value target ("benchmarking against a goal").

    Examples
    --------
    >>> compare_to_target(rate(1611, 546195), 278.57, polarity="lower_is_better")
    'significantly_worse'
    """
    check_choice("polarity", polarity, POLARITIES)
    value, lower, upper = _limits(estimate)
    goal = as_float_array("target", target)
    check_finite("target", goal)
    value, lower, upper, goal = broadcast(value=value, lower=lower, upper=upper, target=goal)
    if polarity == "higher_is_better":
        meets = value >= goal
        all_better = lower >= goal
        all_worse = upper < goal
    else:
        meets = value <= goal
        all_better = upper <= goal
        all_worse = lower > goal
    result = choose(
        [np.isnan(value), all_better, all_worse, meets],
        [None, "significantly_better", "significantly_worse", "better"],
        default="worse",
    )
    if result.ndim == 0:
        item: Comparison | None = result.item()
        return item
    return freeze(result)


def direction_of_travel(
    current: Estimate, previous: Estimate, *, polarity: Polarity
) -> Direction | NDArray[np.object_] | None:
    """Direction of travel between two periods, significant when the intervals do not overlap.

    Parameters
    ----------
    current, previous : Estimate
        The estimates for this period and the comparison period, with their (95%) limits.
    polarity : {"lower_is_better", "higher_is_better"}

    Returns
    -------
    str or None
        ``"improving"`` or ``"worsening"`` when the two confidence intervals do not overlap,
        otherwise ``"no_significant_change"``; ``None`` when either estimate has no limits, as
        significance cannot then be judged. An array of these for array input.

    References
    ----------
    PHE/OHID Fingertips "recent trend" presentation; overlapping 95% confidence intervals
    as a conservative test of difference (Technical Guide: Confidence Intervals).
    """
    check_choice("polarity", polarity, POLARITIES)
    _, current_lower, current_upper = _limits(current)
    _, previous_lower, previous_upper = _limits(previous)
    current_lower, current_upper, previous_lower, previous_upper = broadcast(
        current_lower=current_lower,
        current_upper=current_upper,
        previous_lower=previous_lower,
        previous_upper=previous_upper,
    )
    unknown = ~(
        np.isfinite(current_lower)
        & np.isfinite(current_upper)
        & np.isfinite(previous_lower)
        & np.isfinite(previous_upper)
    )
    higher = current_lower > previous_upper
    lower = current_upper < previous_lower
    up, down = ("improving", "worsening")
    if polarity == "lower_is_better":
        up, down = down, up
    result = choose([unknown, higher, lower], [None, up, down], default="no_significant_change")
    if result.ndim == 0:
        item: Direction | None = result.item()
        return item
    return freeze(result)
