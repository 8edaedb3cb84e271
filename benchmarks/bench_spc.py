"""SPC for 10,000 series x 60 months through the batch entry point.

Compares ``bettercare.core.spc.xmr_batch`` with ``xmr`` called once per series, and with the
plain per-point Python reference implementation that the tests use as an oracle (timed on
a slice of the series and scaled).
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks._timing import best_of, report
from bettercare.core.spc import xmr, xmr_batch
from tests.unit.core.spc_reference import reference_xmr

SERIES = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
POINTS = 60
SLICE = 200


def main() -> None:
    rng = np.random.default_rng(2017)
    level = rng.uniform(50, 500, SERIES)[:, None]
    season = 1 + 0.1 * np.sin(np.arange(POINTS) / 12 * 2 * np.pi)[None, :]
    values = rng.poisson(level * season).astype(np.float64)
    values[:, 40:] *= rng.choice([1.0, 0.85], SERIES)[:, None]  # some series shift down
    series_id = np.repeat(np.arange(SERIES), POINTS)
    position = np.tile(np.arange(POINTS), SERIES)
    improvement = np.where(np.arange(SERIES) % 2, "increase", "decrease")
    target = np.repeat(level[:, 0] * 0.95, POINTS)
    rows = SERIES * POINTS

    print(f"SPC (XmR) for {SERIES:,} series x {POINTS} points = {rows:,} rows (best of 3)")
    batch_seconds, batch = best_of(
        3,
        lambda: xmr_batch(
            series_id,
            position,
            values.ravel(),
            improvement=np.repeat(improvement, POINTS),
            target=target,
        ),
    )
    one = values[:SLICE]

    def per_series() -> list[object]:
        return [
            xmr(one[i], improvement=improvement[i], target=float(level[i, 0] * 0.95))
            for i in range(SLICE)
        ]

    loop_seconds, charts = best_of(1, per_series)
    python_seconds, oracle = best_of(
        1,
        lambda: [
            reference_xmr(
                one[i].tolist(), improvement=improvement[i], target=float(level[i, 0] * 0.95)
            )
            for i in range(SLICE)
        ],
    )
    for i in range(SLICE):  # the batch agrees with both
        assert batch.series(i).rule == charts[i].rule
        assert list(batch.series(i).rule) == oracle[i].rule
    scale = SERIES / SLICE
    report("xmr_batch (all series at once)", batch_seconds, rows)
    report("xmr() once per series (scaled from slice)", loop_seconds * scale, rows, batch_seconds)
    report(
        "plain per-point Python (scaled from slice)", python_seconds * scale, rows, batch_seconds
    )
    special = int((batch.point_type != "common_cause").sum())
    print(f"  -> {special:,} special-cause points; aim: well under 1 s on 2 cores")


if __name__ == "__main__":
    main()
