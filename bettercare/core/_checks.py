"""Argument checks shared by the core modules.

Every check raises ``ValueError`` naming the argument, the offending value and, for arrays,
the first offending position, so that a caller never gets a silently wrong number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def as_float_array(name: str, value: ArrayLike) -> FloatArray:
    """Convert ``value`` to a float array, naming ``name`` if it is not numeric."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{name} must be numeric, got {value!r}") from error
    return array


def _describe_position(array: FloatArray, flat_index: int) -> str:
    if array.ndim == 0:
        return ""
    position = np.unravel_index(flat_index, array.shape)
    where = position[0] if len(position) == 1 else tuple(int(p) for p in position)
    return f" at position {where}"


def _fail(name: str, array: FloatArray, bad: NDArray[np.bool_], expected: str) -> None:
    flat_index = int(np.flatnonzero(bad.ravel())[0]) if array.ndim else 0
    value = array.ravel()[flat_index].item()
    where = _describe_position(array, flat_index)
    raise ValueError(f"{name} must be {expected}; got {value!r}{where}")


def check_finite(name: str, array: FloatArray) -> None:
    """Reject NaN and infinite values (cheaply: two reductions, no temporaries)."""
    if array.size and not (np.isfinite(array.min()) and np.isfinite(array.max())):
        _fail(name, array, ~np.isfinite(array), "a finite number (not NaN or infinite)")


def check_non_negative(name: str, array: FloatArray) -> None:
    """Reject negative, NaN and infinite values."""
    if not array.size:
        return
    low, high = array.min(), array.max()
    if not (low >= 0 and np.isfinite(high)):
        check_finite(name, array)
        _fail(name, array, array < 0, "zero or more")


def check_positive(name: str, array: FloatArray) -> None:
    """Reject zero, negative, NaN and infinite values."""
    if not array.size:
        return
    low, high = array.min(), array.max()
    if not (low > 0 and np.isfinite(high)):
        check_finite(name, array)
        _fail(name, array, array <= 0, "greater than zero")


def broadcast(**arrays: FloatArray) -> list[FloatArray]:
    """Broadcast arrays together, naming them when their lengths do not match."""
    try:
        return list(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        shapes = ", ".join(f"{name} has shape {array.shape}" for name, array in arrays.items())
        raise ValueError(f"arguments have mismatched lengths: {shapes}") from None


def normalise_confidence(confidence: float) -> float:
    """Accept 0.95, 0.998, 95 or 99.8 and return the level as a fraction.

    Levels from 90% up to (but not including) 100% are allowed, as in the
    PHE/OHID indicator methods.
    """
    try:
        level = float(confidence)
    except (TypeError, ValueError):
        raise ValueError(
            f"confidence must be a number such as 0.95 or 99.8, got {confidence!r}"
        ) from None
    if 90 <= level < 100:
        level /= 100
    if not 0.9 <= level < 1:
        raise ValueError(
            "confidence must be between 90% and 100% "
            f"(for example 0.95, 0.998, 95 or 99.8), got {confidence!r}"
        )
    return level


def check_choice(name: str, value: Any, allowed: Iterable[str]) -> str:
    """Return ``value`` if it is one of ``allowed``, else raise naming the choices."""
    choices = tuple(allowed)
    if value not in choices:
        listed = ", ".join(repr(choice) for choice in choices)
        raise ValueError(f"{name} must be one of {listed}; got {value!r}")
    return str(value)


ArrayT = TypeVar("ArrayT", bound=NDArray[Any])


def freeze(array: ArrayT) -> ArrayT:
    """Make an array read-only so that result objects are immutable."""
    array.flags.writeable = False
    return array


def choose(
    conditions: Sequence[NDArray[np.bool_]],
    labels: Sequence[str | None],
    default: str | None,
) -> NDArray[np.object_]:
    """Label each element by the first condition it meets (an object array of str or None)."""
    shape = np.broadcast_shapes(*(np.shape(condition) for condition in conditions))
    result = np.full(shape, default, dtype=object)
    for condition, label in reversed(list(zip(conditions, labels, strict=True))):
        result[np.broadcast_to(condition, shape)] = label
    return result
