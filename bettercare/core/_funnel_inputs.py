"""Checking the funnel functions' arguments, and PHE's derived denominators for rates.

Private to :mod:`bettercare.core.funnel`: every check raises ``ValueError`` naming the
argument, the value and what is allowed.
"""

from __future__ import annotations

import math
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

from bettercare.core._checks import (
    FloatArray,
    as_float_array,
    broadcast,
    check_choice,
    check_non_negative,
    check_positive,
)

Statistic: TypeAlias = Literal["proportion", "rate", "ratio"]
RateType: TypeAlias = Literal["dsr", "crude"]
RatioType: TypeAlias = Literal["count", "isr"]
Side: TypeAlias = Literal["low", "high"]
STATISTICS: tuple[Statistic, ...] = ("proportion", "rate", "ratio")
RATE_TYPES: tuple[RateType, ...] = ("dsr", "crude")
RATIO_TYPES: tuple[RatioType, ...] = ("count", "isr")
SIDES: tuple[Side, ...] = ("low", "high")


def check_probability(p: float) -> float:
    try:
        value = float(p)
    except (TypeError, ValueError):
        raise ValueError(f"p must be a probability such as 0.025 or 0.001; got {p!r}") from None
    if not 0 < value < 1:
        raise ValueError(f"p must be a probability between 0 and 1 (e.g. 0.025); got {p!r}")
    return value


def check_statistic(
    statistic: str, rate_type: str | None, ratio_type: str | None
) -> tuple[Statistic, RateType | None, RatioType | None]:
    chosen: Statistic = check_choice("statistic", statistic, STATISTICS)  # type: ignore[assignment]  # one of the choices, checked
    rate_kind: RateType | None = None
    ratio_kind: RatioType | None = None
    if chosen == "rate":
        if rate_type is None:
            raise ValueError(
                "rate_type is required for statistic 'rate': one of 'dsr', 'crude'; got None"
            )
        rate_kind = check_choice("rate_type", rate_type, RATE_TYPES)  # type: ignore[assignment]  # one of the choices, checked
    elif rate_type is not None:
        raise ValueError(
            f"rate_type applies only to statistic 'rate'; got rate_type={rate_type!r} for {chosen!r}"
        )
    if ratio_type is not None:
        if chosen != "ratio":
            raise ValueError(
                f"ratio_type applies only to statistic 'ratio'; got ratio_type={ratio_type!r} for {chosen!r}"
            )
        ratio_kind = check_choice("ratio_type", ratio_type, RATIO_TYPES)  # type: ignore[assignment]  # one of the choices, checked
    return chosen, rate_kind, ratio_kind


def check_multiplier(multiplier: float) -> float:
    try:
        value = float(multiplier)
    except (TypeError, ValueError):
        raise ValueError(
            f"multiplier must be a number greater than zero (e.g. 100); got {multiplier!r}"
        ) from None
    if not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"multiplier must be a number greater than zero (e.g. 100); got {multiplier!r}"
        )
    return value


def fail_at(name: str, array: FloatArray, bad: NDArray[np.bool_], expected: str) -> None:
    index = np.unravel_index(int(np.flatnonzero(bad.ravel())[0]), array.shape)
    where = index[0] if len(index) == 1 else tuple(int(i) for i in index)
    raise ValueError(f"{name} must be {expected}; got {array[index].item()!r} at position {where}")


def rate_denominator(
    numerator: FloatArray,
    denominator: FloatArray | None,
    rate: ArrayLike | None,
    rate_type: RateType,
    multiplier: float,
    *,
    multiply_first: bool,
) -> FloatArray:
    """PHE's derived denominator for rates: from the rate, or the given one at 0 events.

    PHE writes ``multiplier * x / rate`` in the limits and ``x / rate * multiplier`` in the
    significance; ``multiply_first`` keeps each order so the rounding matches too.
    """
    if rate is None:
        raise ValueError("rate is required for statistic 'rate': the rate of each area; got None")
    rates = as_float_array("rate", rate)
    (rates,) = (np.broadcast_to(rates, numerator.shape),)
    events = numerator > 0
    # A DSR from fewer than 10 events is often not published (NaN): PHE labels it "not
    # applicable" and leaves it out of the average's denominator, so it may be missing.
    bad_rate = events & ~(np.isfinite(rates) & (rates > 0))
    if rate_type == "dsr":
        bad_rate &= ~(np.isnan(rates) & (numerator < 10))
    if bad_rate.any():
        allowed = "a number greater than zero where the numerator is above zero"
        if rate_type == "dsr":
            allowed += " (or NaN below 10 events)"
        fail_at("rate", rates, bad_rate, allowed)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = (
            multiplier * numerator / rates if multiply_first else numerator / rates * multiplier
        )
    if rate_type == "dsr":
        return np.where(events, derived, np.nan)
    if denominator is None:
        if not events.all():
            raise ValueError(
                "denominator is required for crude rates with 0 events (PHE derives it from the "
                f"rate otherwise); got numerator 0 at position {int(np.flatnonzero(~events.ravel())[0])}"
            )
        result: FloatArray = derived
        return result
    return np.where(events, derived, denominator)


def prepare(
    numerator: ArrayLike,
    denominator: ArrayLike | None,
    statistic: Statistic,
) -> tuple[FloatArray, FloatArray | None]:
    numerators = np.atleast_1d(as_float_array("numerator", numerator))
    check_non_negative("numerator", numerators)
    if denominator is None:
        if statistic != "rate":
            raise ValueError(f"denominator is required for statistic {statistic!r}; got None")
        return numerators, None
    denominators = np.atleast_1d(as_float_array("denominator", denominator))
    check_positive("denominator", denominators)
    numerators, denominators = broadcast(numerator=numerators, denominator=denominators)
    if statistic == "proportion":
        above = numerators > denominators
        if above.any():
            index = int(np.flatnonzero(above.ravel())[0])
            raise ValueError(
                "numerator must not exceed denominator for a proportion; got numerator "
                f"{numerators.ravel()[index].item()!r} and denominator "
                f"{denominators.ravel()[index].item()!r} at position {index}"
            )
    return numerators, denominators


def check_positive_number(name: str, value: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number greater than zero; got {value!r}") from None
    if not (math.isfinite(number) and number > 0):
        raise ValueError(f"{name} must be a number greater than zero; got {value!r}")
    return number
