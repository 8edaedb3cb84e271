"""Confidence intervals for 10 million (x, n) rows.

Compares ``bettercare.core.stats`` (which validates its input and handles small counts) with
a bare numpy expression of the same formula (the practical floor) and with a plain per-row
Python implementation (timed on a slice and scaled to rows/s).
"""

from __future__ import annotations

import math
import sys

import numpy as np
from scipy import stats as scipy_stats

from benchmarks._timing import best_of, report
from bettercare.core import stats
from bettercare.core.stats import proportion, rate

ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000
PYTHON_ROWS = 200_000
Z = float(scipy_stats.norm.ppf(0.975))


def wilson_numpy(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    z2 = Z * Z
    p = x / n
    spread = Z * np.sqrt(z2 + 4 * x * (1 - p))
    scale = 1 / (2 * (n + z2))
    return p, (2 * x + z2 - spread) * scale, (2 * x + z2 + spread) * scale


def wilson_python(xs: list[float], ns: list[float]) -> list[tuple[float, float, float]]:
    out = []
    for x, n in zip(xs, ns, strict=True):
        p = x / n
        spread = Z * math.sqrt(Z * Z + 4 * x * (1 - p))
        scale = 1 / (2 * (n + Z * Z))
        out.append((p, (2 * x + Z * Z - spread) * scale, (2 * x + Z * Z + spread) * scale))
    return out


def byar_numpy(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    scale = 100_000 / n
    lower = x * (1 - 1 / (9 * x) - Z / (3 * np.sqrt(x))) ** 3 * scale
    above = x + 1
    upper = above * (1 - 1 / (9 * above) + Z / (3 * np.sqrt(above))) ** 3 * scale
    return x * scale, lower, upper


def byar_python(xs: list[float], ns: list[float]) -> list[tuple[float, float, float]]:
    out = []
    for x, n in zip(xs, ns, strict=True):
        scale = 100_000 / n
        lower = x * (1 - 1 / (9 * x) - Z / (3 * math.sqrt(x))) ** 3 * scale
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + Z / (3 * math.sqrt(x + 1))) ** 3 * scale
        out.append((x * scale, lower, upper))
    return out


def main() -> None:
    rng = np.random.default_rng(2017)
    n = rng.integers(1_000, 600_000, ROWS).astype(np.float64)
    x = np.floor(n * rng.uniform(0.0001, 0.9, ROWS))
    x_rates = np.maximum(x, 10)  # all Byar, as the bare formula assumes
    xs, ns = x[:PYTHON_ROWS].tolist(), n[:PYTHON_ROWS].tolist()
    xrs = x_rates[:PYTHON_ROWS].tolist()

    print(f"Confidence intervals for {ROWS:,} rows (best of 3; Python on {PYTHON_ROWS:,} rows)")
    for name, ours, floor, python, _xx in (
        (
            "proportion (Wilson)",
            lambda: proportion(x, n),
            lambda: wilson_numpy(x, n),
            lambda: wilson_python(xs, ns),
            x,
        ),
        (
            "rate (Byar, all x >= 10)",
            lambda: rate(x_rates, n),
            lambda: byar_numpy(x_rates, n),
            lambda: byar_python(xrs, ns),
            x_rates,
        ),
    ):
        floor_seconds, expected = best_of(3, floor)
        our_seconds, result = best_of(3, ours)
        np.testing.assert_allclose(result.lower, expected[1], rtol=1e-12)
        python_seconds, _ = best_of(1, python)
        python_full = python_seconds * ROWS / PYTHON_ROWS
        print(f"{name}")
        report("bare numpy expression (floor)", floor_seconds, ROWS)
        report("bettercare.core.stats", our_seconds, ROWS, floor_seconds)
        report("plain per-row Python (scaled from slice)", python_full, ROWS, floor_seconds)
        print(
            f"  -> bettercare is {python_full / our_seconds:,.0f}x faster than per-row Python, "
            f"{our_seconds / floor_seconds:.2f}x the numpy floor (aim: within 2x)"
        )

    # The memory-bandwidth floor: moving the bytes a pass must move (read x and n, write
    # value, lower and upper: 5 x 8 bytes a row), timed as copying that many bytes.
    source = np.empty(ROWS * 5 // 2)
    source.fill(1.0)
    target = np.empty_like(source)
    bandwidth_seconds, _ = best_of(3, lambda: np.copyto(target, source) or target)
    moved = 2 * source.nbytes
    print(f"memory-bandwidth floor ({moved / 1e6:,.0f} MB moved: 2 columns in, 3 out)")
    report("copying the same bytes once (floor)", bandwidth_seconds, ROWS)

    # A result is new memory: its first write faults the pages in, which the copy into a
    # reused target above does not pay. The same bytes (2 columns read, 3 written) into three
    # freshly allocated columns:
    def fresh_columns() -> np.ndarray:
        first, second, third = np.empty(ROWS), np.empty(ROWS), np.empty(ROWS)
        np.copyto(first, source[:ROWS])
        np.copyto(second, source[ROWS : 2 * ROWS])
        third.fill(1.0)
        return third

    fresh_seconds, _ = best_of(3, fresh_columns)
    report("reading 2 columns into 3 fresh ones (floor with faults)", fresh_seconds, ROWS)
    # The aim is taken against the floor with fresh outputs: a result is new memory, and the
    # copy above writes into pages faulted in by an earlier run (both are printed).
    threads = stats.THREADS
    for name, ours in (
        ("proportion (Wilson), fused in blocks", lambda: proportion(x, n)),
        ("rate (Byar), fused in blocks", lambda: rate(x_rates, n)),
    ):
        for label, count in ((f"{threads} threads", threads), ("1 thread", 1)):
            stats.THREADS = count
            seconds, _ = best_of(3, ours)
            report(f"{name}, {label}", seconds, ROWS, fresh_seconds)
            print(
                f"  -> {seconds / fresh_seconds:.2f}x the floor with fresh outputs "
                f"(aim: within 3x), {seconds / bandwidth_seconds:.2f}x the copy into "
                "reused memory"
            )
        stats.THREADS = threads

    mixed_seconds, _ = best_of(3, lambda: rate(x, n))
    small = int((x < 10).sum())
    print(f"rate with {small:,} rows under 10 events (exact Poisson)")
    report("bettercare.core.stats", mixed_seconds, ROWS)

    # Exact Poisson (a table lookup) against Byar, per row: every row below 10 against none.
    exact_x = np.floor(rng.uniform(0, 10, ROWS))
    exact_seconds, _ = best_of(3, lambda: rate(exact_x, n))
    byar_seconds, _ = best_of(3, lambda: rate(x_rates, n))
    print("exact Poisson (all x < 10, by table) against Byar (all x >= 10), per row")
    report("Byar, every row", byar_seconds, ROWS)
    report("exact Poisson, every row", exact_seconds, ROWS, byar_seconds)
    print(
        f"  -> exact Poisson {exact_seconds / ROWS * 1e9:.1f} ns a row, "
        f"{exact_seconds / byar_seconds:.2f}x Byar (was ~19x; aim: memory-bound like Byar)"
    )


if __name__ == "__main__":
    main()
