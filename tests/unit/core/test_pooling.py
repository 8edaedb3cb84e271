"""A region's figure from its areas' summed figures, and when it may be shown."""

from __future__ import annotations

import pytest

from bettercare.core.indicators import (
    WITHHELD_NOT_COMPUTABLE,
    WITHHELD_ONE_HIDDEN,
    AreaFigures,
    Bands,
    disclose,
    metric_estimate,
    pool_areas,
)
from bettercare.core.stats import dsr, proportion, rate


def test_counts_add_numerators_and_leave_out_published_values() -> None:
    pooled = pool_areas(
        "count", [AreaFigures(numerator=12), AreaFigures(), AreaFigures(numerator=30)], multiplier=1
    )
    expected = rate(42, 1, multiplier=1)
    assert pooled.contributing == (0, 2)
    assert (pooled.estimate.value, pooled.estimate.lower, pooled.estimate.upper) == (
        expected.value,
        expected.lower,
        expected.upper,
    )


def test_proportions_add_numerators_and_denominators_of_areas_with_both() -> None:
    areas = [
        AreaFigures(numerator=40, denominator=50),
        AreaFigures(numerator=9),  # no denominator: cannot be added
        AreaFigures(numerator=45, denominator=50),
    ]
    pooled = pool_areas("proportion", areas, multiplier=100)
    expected = proportion(85, 100, multiplier=100)
    assert pooled.contributing == (0, 2)
    assert pooled.estimate.value == pytest.approx(expected.value)
    assert (pooled.estimate.lower, pooled.estimate.upper) == pytest.approx(
        (expected.lower, expected.upper)
    )


def test_standardised_rates_add_the_bands() -> None:
    a = Bands([10, 20], [1000, 2000], [60, 40])
    b = Bands([5, 15], [500, 3000], [60, 40])
    pooled = pool_areas(
        "dsr", [AreaFigures(bands=a), AreaFigures(numerator=3), AreaFigures(bands=b)],
        multiplier=100_000,
    )  # fmt: skip
    expected = dsr([15, 35], [1500, 5000], [60, 40], multiplier=100_000)
    assert pooled.contributing == (0, 2)
    assert pooled.estimate.value == pytest.approx(expected.value)
    assert (pooled.estimate.lower, pooled.estimate.upper) == pytest.approx(
        (expected.lower, expected.upper)
    )


def test_nothing_to_add_gives_no_figure() -> None:
    assert pool_areas("rate", [AreaFigures(numerator=3)], multiplier=1000).contributing == ()
    assert pool_areas("rate", [], multiplier=1000).estimate.value is None
    assert pool_areas("dsr", [AreaFigures(numerator=3)], multiplier=1000).estimate.value is None


def test_disclose_withholds_a_figure_with_exactly_one_hidden_area() -> None:
    figure = metric_estimate("count", multiplier=1, numerator=42)
    assert disclose(figure, hidden=0) == (figure, "")
    assert disclose(figure, hidden=1) == (None, WITHHELD_ONE_HIDDEN)
    assert disclose(figure, hidden=2) == (figure, "")


def test_disclose_never_shows_a_figure_that_could_not_be_computed() -> None:
    nothing = metric_estimate("count", multiplier=1)
    assert disclose(nothing, hidden=0) == (None, WITHHELD_NOT_COMPUTABLE)
    assert disclose(nothing, hidden=1) == (None, WITHHELD_ONE_HIDDEN)


@pytest.mark.parametrize("hidden", [-1, 1.0, True])
def test_disclose_refuses_a_bad_count(hidden: object) -> None:
    with pytest.raises(ValueError, match="hidden must be a whole number of areas"):
        disclose(metric_estimate("count", multiplier=1, numerator=1), hidden=hidden)  # type: ignore[arg-type]
