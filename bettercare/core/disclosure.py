"""Disclosure control of counts published in aggregates (risk stratification, its metrics).

The rule (the practice of NHS England's statistical releases): a count from 1 to 7 is not
published; every other count is rounded to the nearest 5 (halves up), so that a withheld
count cannot be recovered by subtracting the published ones from a published total; a share
is published only when its numerator and denominator both are, and is computed from the
rounded counts. 0 may be published.
"""

from __future__ import annotations

from bettercare.core.benchmarking import SMALL_NUMBER_THRESHOLD

__all__ = ["LARGEST_WITHHELD", "disclosed_count", "disclosed_pair"]

#: The largest count withheld (counts from 1 to this are not published).
LARGEST_WITHHELD = SMALL_NUMBER_THRESHOLD - 1


def disclosed_count(count: int) -> int | None:
    """The published form of ``count``: ``None`` for 1 to 7, else rounded to the nearest 5.

    Examples
    --------
    >>> [disclosed_count(n) for n in (0, 1, 7, 8, 12, 13, 102)]
    [0, None, None, 10, 10, 15, 100]
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"count must be a whole number of 0 or more; got {count!r}")
    if count == 0:
        return 0
    if count <= LARGEST_WITHHELD:
        return None
    return 5 * ((count + 2) // 5)


def disclosed_pair(numerator: int, denominator: int) -> tuple[int, int] | None:
    """The published numerator and denominator of a share, or ``None`` when it is withheld
    (either count withheld, or nothing to divide by).

    Examples
    --------
    >>> disclosed_pair(9, 41), disclosed_pair(3, 41), disclosed_pair(0, 12), disclosed_pair(0, 0)
    ((10, 40), None, (0, 10), None)
    """
    if numerator > denominator:
        raise ValueError(
            f"numerator must not exceed denominator; got {numerator!r} of {denominator!r}"
        )
    top, bottom = disclosed_count(numerator), disclosed_count(denominator)
    if top is None or bottom is None or bottom == 0:
        return None
    return top, bottom
