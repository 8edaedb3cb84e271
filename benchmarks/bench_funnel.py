"""Funnel-plot limits and significance for 10,000 areas x 100 metrics (one million rows).

``bettercare.core.funnel`` validates its input, computes the 95% and 99.8% limits at every
area's own denominator and labels each area with PHE's significance string. The floor is a
bare numpy expression of the Wilson funnel limits alone (no checks, no labels), run in the
same process on the same data; the figure printed is the ratio of the two. Aim: at most 1 s.
Also timed: PHE's plotting table (100 points, Poisson solver) for each metric's rate funnel.
"""

from __future__ import annotations

import sys

import numpy as np
from scipy import special

from benchmarks._timing import best_of, report
from bettercare.core.funnel import funnel_limits, funnel_significance, proportion_funnel_limits

AREAS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
METRICS = int(sys.argv[2]) if len(sys.argv) > 2 else 100
AIM_SECONDS = 1.0
Z2S = float(special.ndtri(0.975))
Z3S = float(special.ndtri(0.999))


def wilson_funnel_numpy(numerator: np.ndarray, denominator: np.ndarray) -> list[np.ndarray]:
    """The floor: p_avg -/+ z * sqrt(p_avg * (1 - p_avg) / n) per metric, nothing else."""
    average = numerator.sum(axis=1, keepdims=True) / denominator.sum(axis=1, keepdims=True)
    root = np.sqrt(average * (1 - average) / denominator)
    return [average - Z2S * root, average + Z2S * root, average - Z3S * root, average + Z3S * root]


def ours(numerator: np.ndarray, denominator: np.ndarray) -> list[list[str]]:
    average = numerator.sum(axis=1, keepdims=True) / denominator.sum(axis=1, keepdims=True)
    proportion_funnel_limits(average, denominator)
    labels: list[list[str]] = funnel_significance(
        numerator, denominator, statistic="proportion", multiplier=100
    )
    return labels


def main() -> None:
    rng = np.random.default_rng(2025)
    denominator = rng.integers(200, 400_000, (METRICS, AREAS)).astype(np.float64)
    share = rng.uniform(0.05, 0.95, (METRICS, 1)) + rng.normal(0, 0.004, (METRICS, AREAS))
    numerator = np.floor(denominator * np.clip(share, 0, 1))
    rows = METRICS * AREAS

    print(f"Funnel plots: {AREAS:,} areas x {METRICS} metrics = {rows:,} rows (best of 3)")
    floor_seconds, _ = best_of(3, lambda: wilson_funnel_numpy(numerator, denominator))
    seconds, labels = best_of(3, lambda: ours(numerator, denominator))
    report("bare numpy Wilson funnel limits (floor)", floor_seconds, rows)
    report("bettercare limits + PHE significance labels", seconds, rows, floor_seconds)
    print(f"  aim <= {AIM_SECONDS:.1f} s: {seconds:.3f} s ({seconds / AIM_SECONDS:.2f} of the aim)")
    outliers = float(np.mean(np.asarray(labels) != "Not significant"))
    print(f"  (share of area-metrics labelled outliers: {outliers:.1%})")

    events = rng.poisson(50, (METRICS, AREAS)).astype(np.float64)
    rates = events / (denominator / 100_000)
    table_seconds, _ = best_of(
        3,
        lambda: [
            funnel_limits(
                events[m],
                denominator[m],
                statistic="rate",
                rate=rates[m],
                rate_type="crude",
                multiplier=100_000,
                years_of_data=1,
            )
            for m in range(METRICS)
        ],
    )
    report(f"PHE plotting tables, rate funnel, {METRICS} metrics", table_seconds, METRICS)


if __name__ == "__main__":
    main()
