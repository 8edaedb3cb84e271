"""SPC (XmR): the batch entry point against a plain 2-D numpy floor, and one series at a time.

For 1,000, 10,000 and 100,000 series x 60 months: ``bettercare.core.spc.xmr_batch`` against a
straightforward 2-D numpy implementation of the same chart (series as rows, no rebases: the
floor), which must give the same limits and special-cause rules; then ``xmr`` called once per
series against the batch's time per series, with its compiled kernel (ADR 0132) and with the
pure-Python kernel it falls back to, and the plain per-point Python oracle the tests use (timed
on a slice of the series and scaled).
"""

from __future__ import annotations

import sys

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from benchmarks._timing import best_of, report
from bettercare.core import spc
from bettercare.core.spc import xmr, xmr_batch
from tests.unit.core.spc_reference import reference_xmr

SIZES = [int(arg) for arg in sys.argv[1:]] or [1_000, 10_000, 100_000]
POINTS = 60
SLICE = 200
RULE_NAMES = np.array([None, "astronomical", "trend", "two_in_three", "shift"], dtype=object)


def series_values(count: int) -> np.ndarray:
    rng = np.random.default_rng(2017)
    level = rng.uniform(50, 500, count)[:, None]
    season = 1 + 0.1 * np.sin(np.arange(POINTS) / 12 * 2 * np.pi)[None, :]
    values = rng.poisson(level * season).astype(np.float64)
    values[:, 40:] = np.round(values[:, 40:] * rng.choice([1.0, 0.85], count)[:, None])
    return values  # whole numbers, so every sum is exact in any order


def xmr_2d(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The floor: the reference rules on a (series x points) array; (lower, upper, rule code)."""
    points = values.shape[1]
    mean = values.sum(axis=1) / points
    steps = np.abs(np.diff(values, axis=1))
    average = steps.sum(axis=1) / (points - 1)
    kept = steps < 3.267 * average[:, None]
    average = np.where(kept, steps, 0.0).sum(axis=1) / kept.sum(axis=1)
    centre, spread = mean[:, None], average[:, None]
    upper, lower = centre + 2.66 * spread, centre - 2.66 * spread
    upper_2, lower_2 = centre + (2 * 2.66 / 3) * spread, centre - (2 * 2.66 / 3) * spread
    outside = (values > upper) | (values < lower)
    side = np.sign(values - centre)
    near = ((values > upper_2) | (values < lower_2)) & ~outside
    slope = sliding_window_view(np.sign(np.diff(values, axis=1)), 6, axis=1)
    trend = _cover((slope == slope[..., :1]).all(-1) & (slope[..., 0] != 0), 7, points)
    shift = _cover(np.abs(sliding_window_view(side, 7, axis=1).sum(-1)) == 7, 7, points)
    three = sliding_window_view(side, 3, axis=1).sum(-1)
    near_three = sliding_window_view(near, 3, axis=1).sum(-1)
    two_in_three = _cover((np.abs(three) == 3) & (near_three >= 2), 3, points) & near
    code = np.zeros(values.shape, dtype=np.int8)
    code[shift] = 4
    code[two_in_three] = 3
    code[trend] = 2
    code[outside] = 1
    return lower, upper, code


def _cover(windows: np.ndarray, length: int, points: int) -> np.ndarray:
    covered = np.zeros((windows.shape[0], points), dtype=bool)
    for offset in range(length):
        covered[:, offset : offset + windows.shape[1]] |= windows
    return covered


def batch_of(values: np.ndarray):  # type: ignore[no-untyped-def]
    count = values.shape[0]
    return xmr_batch(
        np.repeat(np.arange(count), POINTS), np.tile(np.arange(POINTS), count), values.ravel()
    )


def named(batch):  # type: ignore[no-untyped-def]
    """The batch with its per-row names built (they are made from the codes on first use)."""
    return batch, batch.rule, batch.point_type


def main() -> None:
    print(f"SPC (XmR), {POINTS} points a series (best of 3)")
    per_series = 0.0
    for count in SIZES:
        values = series_values(count)
        rows = count * POINTS
        floor_seconds, (lower, upper, code) = best_of(3, lambda values=values: xmr_2d(values))
        batch_seconds, batch = best_of(3, lambda values=values: batch_of(values))
        named_seconds, _ = best_of(3, lambda values=values: named(batch_of(values)))
        np.testing.assert_array_equal(batch.lower_limit, np.repeat(lower, POINTS))
        np.testing.assert_array_equal(batch.upper_limit, np.repeat(upper, POINTS))
        assert (batch.rule == RULE_NAMES[code.ravel()]).all(), "the floor's rules differ"
        print(f"{count:,} series = {rows:,} rows")
        report("plain 2-D numpy implementation (floor)", floor_seconds, rows)
        report("xmr_batch", batch_seconds, rows, floor_seconds)
        report("xmr_batch and its rule/point-type names", named_seconds, rows, floor_seconds)
        print(
            f"  -> {batch_seconds / floor_seconds:.2f}x the 2-D floor (aim: within 1.5x); "
            f"{named_seconds / floor_seconds:.2f}x with the names (the floor has codes only)"
        )
        if count == 10_000 or per_series == 0.0:
            per_series = batch_seconds / count

    # glibc hands the kernel's block temporaries back to the system (and faults them in again)
    # until the process has freed one array over its current threshold, as a long-running
    # process has: the first size again, after the larger ones.
    if len(SIZES) > 1:
        count = SIZES[0]
        values = series_values(count)
        floor_seconds, _ = best_of(3, lambda values=values: xmr_2d(values))
        batch_seconds, _ = best_of(3, lambda values=values: batch_of(values))
        print(f"{count:,} series again, after the larger sizes")
        report("plain 2-D numpy implementation (floor)", floor_seconds, count * POINTS)
        report("xmr_batch", batch_seconds, count * POINTS, floor_seconds)

    values = series_values(SLICE)
    loop_seconds, charts = best_of(3, lambda: [xmr(values[i]) for i in range(SLICE)])
    compiled = spc._compiled_kernel
    spc._compiled_kernel = None  # the pure-Python kernel xmr() falls back to
    try:
        fallback_seconds, fallback = best_of(3, lambda: [xmr(values[i]) for i in range(SLICE)])
    finally:
        spc._compiled_kernel = compiled
    python_seconds, oracle = best_of(
        1, lambda: [reference_xmr(values[i].tolist()) for i in range(SLICE)]
    )
    for i in range(SLICE):
        assert list(charts[i].rule) == oracle[i].rule
        assert fallback[i].rule == charts[i].rule
    one = loop_seconds / SLICE
    kernel = "compiled kernel" if compiled is not None else "no compiled kernel: Python"
    print(f"One series at a time (what the pages and packs call; xmr() with its {kernel})")
    print(f"  xmr_batch per series (10,000 series){per_series * 1e6:16.1f} us")
    print(f"  xmr() on one series{one * 1e6:33.1f} us  {one / per_series:6.2f}x (aim: within 3x)")
    fallback_one = fallback_seconds / SLICE
    print(
        f"  xmr() with its Python kernel (the fallback){fallback_one * 1e6:9.1f} us  "
        f"{fallback_one / per_series:6.2f}x"
    )
    print(
        f"  plain per-point Python{python_seconds / SLICE * 1e6:30.1f} us  "
        f"{python_seconds / SLICE / per_series:6.2f}x"
    )


if __name__ == "__main__":
    main()
