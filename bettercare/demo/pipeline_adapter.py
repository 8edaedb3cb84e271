"""Where the demo's 2025-26 and 2026-27 actuals come from: one small adapter.

The demo's actuals for the three 2025-26 headline metrics are what the metric pipeline
(``bettercare pipeline``) computes from the demo's synthetic record-level data (emergency
admissions with their discharge ready dates, care home placements, populations):
:func:`bettercare.demo.current_records.current_metric_values` generates the records and runs
the pipeline on DuckDB. This module is the one place the demo asks for them, as rows of the
``metric_values`` sheet with their source.
"""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.demo.current_records import (
    SOURCE,
    current_metric_values,
    metric_value_sheet_rows,
)
from bettercare.demo.timeline import Row

__all__ = ["SOURCE", "current_actual_rows"]


def current_actual_rows(seed: int, last: Month) -> list[Row]:
    """The demo areas' actuals for the 2025-26 metrics, April 2025 to ``last``: the pipeline's
    output on the demo's synthetic records (the same seed and month, the same rows)."""
    values = current_metric_values((last + 1).first_day, seed=seed)
    return metric_value_sheet_rows(values, source=SOURCE)
