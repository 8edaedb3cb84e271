"""Small helpers shared by the benchmark scripts: best-of-N wall-clock timing and printing."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_of(repeats: int, function: Callable[[], T]) -> tuple[float, T]:
    """Run ``function`` ``repeats`` times; return the fastest wall-clock seconds and a result."""
    best = float("inf")
    result: T | None = None
    for _ in range(repeats):
        result = None  # the last run's result is freed here, not inside the next timing
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    assert result is not None
    return best, result


def report(label: str, seconds: float, rows: int, baseline: float | None = None) -> None:
    """Print one line: seconds, rows per second and the ratio to a baseline's seconds."""
    ratio = f"  {seconds / baseline:6.2f}x baseline" if baseline else ""
    print(f"  {label:<52} {seconds:9.3f} s  {rows / seconds:14,.0f} rows/s{ratio}")
