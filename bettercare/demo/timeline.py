"""The demo's calendar, its seeded randomness and the shapes of workbook rows.

The demo region reports monthly from April 2013; its latest reporting period is August 2017,
the month of the real Leicestershire highlight report it reproduces. Scheme returns run for
the twelve months to August 2017.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from bettercare.core.periods import Month

Row = dict[str, Any]
Rows = dict[str, list[Row]]

FIRST_MONTH = Month(2013, 4)
#: The latest reporting period (the September/October 2017 highlight report reports August).
LATEST = Month(2017, 8)
#: The earlier snapshot, loaded first so that the history pages have something to show.
SNAPSHOT = Month(2017, 7)
#: Scheme returns and programme status run from here to LATEST.
RETURNS_FROM = Month(2016, 9)
DEMO_LABEL = "(demonstration data)"


def months(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, inclusive."""
    return [first + offset for offset in range(first.months_until(last) + 1)]


def days_in(month: Month) -> int:
    return month.last_day.day


def rng_for(seed: int, topic: str) -> random.Random:
    """A generator for one topic, so that each topic's draws do not depend on the others."""
    return random.Random(f"bettercare-demo:{seed}:{topic}")  # noqa: S311 (not for security)


def pounds(amount: float | int | str) -> Decimal:
    """An amount of money, to the penny."""
    return Decimal(str(amount)).quantize(Decimal("0.01"))


#: The current BCF years' data start here: the first month of the 2025-26 metrics.
CURRENT_FROM = Month(2025, 4)


def reporting_month(today: date) -> Month:
    """The demo's newest reporting month: the last complete month before ``today``.

    The current-year demo is generated relative to the calendar so that it never goes stale;
    it needs at least one complete month of the 2025-26 BCF year (April 2025).
    """
    latest = Month.of(today) - 1
    if latest < CURRENT_FROM:
        raise ValueError(
            f"today must be in May 2025 or later (the demo starts with {CURRENT_FROM.label}), "
            f"got {today.isoformat()}"
        )
    return latest
