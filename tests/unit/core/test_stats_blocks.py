"""The fast paths of the indicator statistics give the same bits as the plain formulas.

Long columns are computed block by block and exact Poisson limits come from a table; these
tests hold them to the plain per-row formulas (chi-square per row, one numpy pass) exactly.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import special

from bettercare.core import stats
from bettercare.core.stats import BLOCK_ROWS, proportion, rate


def plain_exact(count: float, level: float) -> tuple[float, float]:
    """Exact Poisson limits of one count, computed directly (the oracle for the table)."""
    alpha = 1 - level
    lower = special.chdtri(2 * count, 1 - alpha / 2) / 2 if count > 0 else 0.0
    return float(lower), float(special.chdtri(2 * count + 2, alpha / 2) / 2)


def plain_wilson(x, n, z, multiplier):
    p = x / n
    spread = z * np.sqrt(z * z + 4 * x * (1 - p))
    scale = multiplier / (2 * (n + z * z))
    return p * multiplier, (2 * x + z * z - spread) * scale, (2 * x + z * z + spread) * scale


def plain_rate(x, n, z, level, multiplier):
    scale = multiplier / n
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3 * scale
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3 * scale
    for i in np.flatnonzero(x < 10):
        exact_lower, exact_upper = plain_exact(x[i], level)
        lower[i], upper[i] = exact_lower * scale[i], exact_upper * scale[i]
    return x * scale, lower, upper


@pytest.mark.parametrize("level", [0.9, 0.95, 0.998])
@pytest.mark.parametrize("count", range(10))
def test_exact_limits_by_table_are_the_chi_square_limits_to_the_bit(count, level):
    result = rate(count, 1, multiplier=1, confidence=level)
    assert (result.lower, result.upper) == plain_exact(count, level)


def test_fractional_counts_below_ten_are_computed_not_looked_up():
    result = rate([2.5, 3.0], [1.0, 1.0], multiplier=1)
    assert (result.lower[0], result.upper[0]) == plain_exact(2.5, 0.95)
    assert (result.lower[1], result.upper[1]) == plain_exact(3.0, 0.95)


def columns(size: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(14)
    n = rng.integers(1, 500_000, size).astype(np.float64)
    x = np.floor(n * rng.uniform(0, 1, size))
    x[::5] = np.minimum(rng.integers(0, 12, len(x[::5])), n[::5])
    return x, n


@pytest.mark.parametrize("level", [0.95, 0.998])
def test_long_columns_in_blocks_equal_one_plain_pass_bit_for_bit(level):
    x, n = columns(3 * BLOCK_ROWS + 17)
    z = stats._z(level)
    for ours, plain in (
        (proportion(x, n, confidence=level, multiplier=100), plain_wilson(x, n, z, 100)),
        (rate(x, n, confidence=level), plain_rate(x, n, z, level, 100_000)),
    ):
        for got, expected in zip((ours.value, ours.lower, ours.upper), plain, strict=True):
            np.testing.assert_array_equal(got, expected)
            assert not got.flags.writeable
    assert rate(x, n).method == "Byar (10 or more events), exact Poisson"
    assert rate(np.full(BLOCK_ROWS + 1, 3.0), np.ones(BLOCK_ROWS + 1)).method == "exact Poisson"
    assert rate(x + 10, n).method == "Byar"


@pytest.mark.parametrize(
    ("function", "column", "value", "message"),
    [
        (proportion, 0, -1.0, "x must be zero or more; got -1.0 at position"),
        (proportion, 0, 10.0**9, "x must not exceed n for a proportion; got x=1000000000.0"),
        (proportion, 1, 0.0, "n must be greater than zero; got 0.0 at position"),
        (rate, 0, np.nan, "x must be a finite number"),
        (rate, 1, -5.0, "denominator must be greater than zero; got -5.0 at position"),
    ],
)
def test_bad_row_in_a_late_block_is_named_by_its_position_in_the_column(
    function, column, value, message
):
    x, n = columns(2 * BLOCK_ROWS + 5)
    position = 2 * BLOCK_ROWS + 3
    (x, n)[column][position] = value
    with pytest.raises(ValueError, match="position") as error:
        function(x, n)
    assert str(error.value).startswith(message)
    assert str(error.value).endswith(f"position {position}")


def plain_rate_per_row(x, n, z, level, multiplier):
    """:func:`plain_rate` with every exact limit computed from the chi-square distribution."""
    scale = multiplier / n
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3 * scale
        upper = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * np.sqrt(x + 1))) ** 3 * scale
    small = x < 10
    alpha = 1 - level
    exact_lower = np.where(x[small] > 0, special.chdtri(2 * x[small], 1 - alpha / 2) / 2, 0.0)
    lower[small] = exact_lower * scale[small]
    upper[small] = special.chdtri(2 * x[small] + 2, alpha / 2) / 2 * scale[small]
    return x * scale, lower, upper


pairs = st.tuples(
    st.integers(0, 10**6) | st.integers(0, 12) | st.floats(1e-3, 1e6),
    st.integers(1, 10**6) | st.floats(1e-3, 1e7, allow_nan=False),
).map(lambda pair: (min(pair[0], pair[1]), pair[1]))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(pairs, min_size=1, max_size=40),
    blocks=st.integers(2, 40),
    threads=st.integers(1, 4),
    multiplier=st.sampled_from([1, 100, 100_000]),
    level=st.sampled_from([0.95, 0.998]),
)
def test_blocks_shared_between_threads_equal_one_plain_pass_bit_for_bit(
    rows, blocks, threads, multiplier, level
):
    # Small blocks, so a column of a few thousand rows is shared between threads as a long
    # one is: whichever thread takes a block, every row has the plain formula's bits.
    block_rows = 64
    size = blocks * block_rows + len(rows)
    x, n = (
        np.resize(np.array(column, dtype=np.float64), size) for column in zip(*rows, strict=True)
    )
    z = stats._z(level)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stats, "BLOCK_ROWS", block_rows)
        patch.setattr(stats, "THREADS", threads)
        wilson = proportion(x, n, confidence=level, multiplier=multiplier)
        rates = rate(x, n, confidence=level, multiplier=multiplier)
    for ours, plain in (
        (wilson, plain_wilson(x, n, z, multiplier)),
        (rates, plain_rate_per_row(x, n, z, level, multiplier)),
    ):
        for got, expected in zip((ours.value, ours.lower, ours.upper), plain, strict=True):
            np.testing.assert_array_equal(got, expected)
            assert not got.flags.writeable
    expected_method = {
        (True, False): "exact Poisson",
        (False, True): "Byar",
    }.get(((x < 10).all(), (x >= 10).all()), "Byar (10 or more events), exact Poisson")
    assert rates.method == expected_method


@pytest.mark.parametrize("function", [proportion, rate])
def test_bad_row_in_the_last_threads_share_is_named(function):
    x, n = columns(20 * 64 + 3)
    position = 20 * 64 + 1
    x[position] = -2.0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stats, "BLOCK_ROWS", 64)
        patch.setattr(stats, "THREADS", 2)
        with pytest.raises(
            ValueError, match=f"x must be zero or more; got -2.0 at position {position}$"
        ):
            function(x, n)


def test_blocks_of_only_small_only_large_and_mixed_counts_equal_the_plain_pass():
    # A block whose counts are all below 10 takes only the exact limits; one with none below
    # 10 only Byar's; whole and fractional small counts, in blocks of each kind.
    rng = np.random.default_rng(123)
    small = rng.integers(0, 10, 3 * 64).astype(np.float64)
    small[70] = 2.5
    large = rng.integers(10, 10**6, 3 * 64).astype(np.float64)
    mixed = np.where(rng.uniform(size=3 * 64) < 0.5, small, large)
    x = np.concatenate([small, large, mixed, small, large])
    n = np.maximum(x, 1.0) * rng.uniform(1.0, 50.0, x.size)
    z = stats._z(0.95)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(stats, "BLOCK_ROWS", 64)
        ours = rate(x, n)
    expected = plain_rate_per_row(x, n, z, 0.95, 100_000)
    for got, plain in zip((ours.value, ours.lower, ours.upper), expected, strict=True):
        np.testing.assert_array_equal(got, plain)
    assert ours.method == "Byar (10 or more events), exact Poisson"
