"""Where the demo's 2025-26 and 2026-27 actuals come from: one small adapter.

The demo's actuals for the three 2025-26 headline metrics are aggregates of record-level
data (admissions, discharges with their discharge ready dates, care home placements). The
metric pipeline (``bettercare pipeline``) is the product's route from records to those
aggregates; this module is the single place the demo asks for them, so that the demo shows
what the pipeline computes from the demo's synthetic records once the pipeline produces them
for the demo areas. Until then it returns :func:`bettercare.demo.current_metrics.generate_aggregates`,
aggregates of the same shape (numerator, denominator and, for the discharge delay, the sum
of squares) drawn from the record-level distributions that synthetic records follow.
"""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.demo.areas import hwbs_in
from bettercare.demo.current_metrics import Aggregate, generate_aggregates

__all__ = ["SOURCE", "current_aggregates"]

SOURCE = "Demonstration data: aggregates of synthetic record-level data (bettercare demo)."


def current_aggregates(seed: int, last: Month) -> list[Aggregate]:
    """The demo areas' aggregates for the 2025-26 metrics, April 2025 to ``last``."""
    return generate_aggregates(seed, last, hwbs_in(last))
