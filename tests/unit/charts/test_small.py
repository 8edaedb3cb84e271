"""Sparklines and progress bars."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from bettercare.charts import progress_bar, sparkline
from bettercare.charts.base import BLUE, WHITE

from .svg_checks import SVG, by_class, check_chart, f

LABELS = ["Jan", "Feb", "Mar", "Apr", "May"]


def test_sparkline_draws_the_values_and_marks_the_latest() -> None:
    chart = sparkline([10, 30, 20, 40, 25], labels=LABELS, title="Trend", unit="count")
    root = check_chart(chart)
    (line,) = by_class(root, "spark-line")
    points = [tuple(map(float, p.split(","))) for p in (line.get("points") or "").split()]
    assert len(points) == 5
    ys = [y for _, y in points]
    assert ys.index(min(ys)) == 3  # 40 is highest, so nearest the top
    assert ys.index(max(ys)) == 0
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    (latest,) = by_class(root, "spark-latest")
    assert (f(latest, "cx"), f(latest, "cy")) == points[-1]
    assert latest.get("fill") == BLUE
    assert chart.table_rows == (
        ("Jan", "10"),
        ("Feb", "30"),
        ("Mar", "20"),
        ("Apr", "40"),
        ("May", "25"),
    )


def test_sparkline_gap_and_target() -> None:
    chart = sparkline(
        [290.0, None, 280.0, math.nan, 270.0],
        labels=LABELS,
        title="Delays",
        polarity="lower_is_better",
        target=275.0,
    )
    root = check_chart(chart)
    assert len(by_class(root, "spark-line")) == 3  # runs broken by each gap
    (target,) = by_class(root, "spark-target")
    (latest,) = by_class(root, "spark-latest")
    assert f(latest, "cy") > f(target, "y1")  # 270 is below 275
    assert "latest 270.00 (May)" in chart.description
    assert "Target 275.00 which it meets. Lower is better." in chart.description
    assert chart.table_rows[1] == ("Feb", "–")
    missed = sparkline(
        [1.0, 2.0], labels=["a", "b"], title="T", polarity="higher_is_better", target=3
    )
    assert "which it misses" in missed.description


def test_sparkline_with_no_values_is_empty_not_an_error() -> None:
    chart = sparkline([], labels=[], title="Nothing")
    root = check_chart(chart)
    assert by_class(root, "spark-line") == []
    assert chart.description == "Nothing: no values to show."


def test_sparkline_checks_its_arguments() -> None:
    with pytest.raises(ValueError, match="labels"):
        sparkline([1.0], labels=[], title="T")
    with pytest.raises(ValueError, match="polarity"):
        sparkline([1.0], labels=["a"], title="T", polarity="up")


@pytest.mark.parametrize(
    ("achieved", "target", "fraction", "words"),
    [
        (Decimal("650000"), Decimal("1000000"), 0.65, "65%"),
        (50_000, 1_000_000, 0.05, "5%"),
        (1_200_000, 1_000_000, 1.0, "120%"),
        (-10_000, 1_000_000, 0.0, "-1%"),
    ],
)
def test_progress_bar_fill_and_words(
    achieved: float | Decimal, target: float | Decimal, fraction: float, words: str
) -> None:
    chart = progress_bar(achieved, target, title="Savings")
    root = check_chart(chart)
    (track,) = by_class(root, "progress-track")
    fills = by_class(root, "progress-fill")
    width = f(fills[0], "width") if fills else 0.0
    assert width == pytest.approx(fraction * f(track, "width"), abs=0.02)
    texts = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert words in texts
    assert chart.table_rows[0][2] == words


def test_progress_bar_label_inside_a_long_fill_is_white() -> None:
    root = check_chart(progress_bar(650_000, 1_000_000, title="Savings"))
    (label,) = [e for e in root.iter(f"{SVG}text") if e.text == "65%"]
    assert label.get("fill") == WHITE
    root = check_chart(progress_bar(50_000, 1_000_000, title="Savings"))
    (label,) = [e for e in root.iter(f"{SVG}text") if e.text == "5%"]
    assert label.get("fill") != WHITE


def test_progress_bar_table_and_description() -> None:
    chart = progress_bar(Decimal("650000"), Decimal("1000000"), title="Savings 2017-18")
    assert chart.table_headers == ("Achieved", "Target", "Proportion achieved")
    assert chart.table_rows == (("£650,000", "£1,000,000", "65%"),)
    assert chart.description == (
        "Savings 2017-18: £650,000 achieved against a target of £1,000,000 (65%)."
    )


def test_progress_bar_needs_a_positive_target() -> None:
    with pytest.raises(ValueError, match="target must be an amount greater than zero"):
        progress_bar(10, 0, title="Savings")


def test_deterministic_and_escaped() -> None:
    first = sparkline([1.0, 2.0], labels=["<a>", "&b"], title="x < y & z", id_prefix="s1")
    assert first == sparkline([1.0, 2.0], labels=["<a>", "&b"], title="x < y & z", id_prefix="s1")
    check_chart(first)
    bar = progress_bar(1, 2, title="<&>", id_prefix="p1")
    assert bar == progress_bar(1, 2, title="<&>", id_prefix="p1")
    check_chart(bar)
