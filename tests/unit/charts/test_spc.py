"""The Making Data Count XmR chart as SVG: marks where the numbers put them, in MDC colours."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET

import pytest

from bettercare.charts import spc_chart
from bettercare.charts.base import BLUE, MID_GREY, ORANGE
from bettercare.core.spc import xmr
from bettercare.formatting import ASSURANCE_WORDS, VARIATION_WORDS

from .svg_checks import SVG, by_class, check_chart, f, numbers_in

SERIES = [50, 52, 49, 51, 50, 48, 53, 50, 49, 51, 50, 52, 80]
MONTHS = [
    f"{month} {year}"
    for year in (2016, 2017)
    for month in (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
]
REBASED = [20, 22, 21, 23, 22, 24, 21, 22, 23, 22, 30, 31, 29, 32, 30, 31, 33, 30]


def value_to_y(root: ET.Element) -> tuple[float, float]:
    """Slope and intercept of the y axis, read from two of its tick labels (baseline = y + 4)."""
    ticks = [
        (numbers_in("".join(e.itertext())), f(e, "y") - 4) for e in by_class(root, "spc-y-label")
    ]
    (v1, y1), (v2, y2) = ticks[0], ticks[-1]
    slope = (y2 - y1) / (v2 - v1)
    return slope, y1 - slope * v1


def test_last_point_special_cause_improvement_is_blue_the_rest_grey() -> None:
    result = xmr(SERIES)
    chart = spc_chart(result, labels=MONTHS[:13], title="Admissions", unit="rate")
    root = check_chart(chart)
    points = by_class(root, "spc-point")
    assert len(points) == len(SERIES)
    assert [p.get("fill") for p in points] == [MID_GREY] * 12 + [BLUE]
    assert [p.get("data-type") for p in points][-1] == "special_cause_improvement"
    # Special cause is larger as well as coloured: readable without colour.
    assert f(points[-1], "r") > f(points[0], "r")


def test_concern_is_orange_and_a_different_shape() -> None:
    result = xmr(SERIES, improvement="decrease")
    root = check_chart(spc_chart(result, labels=MONTHS[:13], title="Delays", unit="rate"))
    points = by_class(root, "spc-point")
    assert points[-1].get("fill") == ORANGE
    assert points[-1].tag == f"{SVG}path"  # a diamond, where common cause is a circle
    assert {p.tag for p in points[:-1]} == {f"{SVG}circle"}
    assert {p.get("fill") for p in points[:-1]} == {MID_GREY}


def test_points_and_mean_line_sit_at_their_values() -> None:
    result = xmr(SERIES)
    root = check_chart(spc_chart(result, labels=MONTHS[:13], title="Admissions", unit="rate"))
    slope, intercept = value_to_y(root)
    (mean,) = by_class(root, "spc-mean")
    assert f(mean, "y1") == pytest.approx(slope * float(result.mean[0]) + intercept, abs=0.02)
    assert f(mean, "y1") == f(mean, "y2")
    points = by_class(root, "spc-point")
    for point, value in zip(points, SERIES, strict=True):
        assert f(point, "cy") == pytest.approx(slope * value + intercept, abs=0.02)
    xs = [f(p, "cx") for p in points]
    assert xs == sorted(xs)
    assert len(set(xs)) == len(xs)
    # The polyline goes through the same points.
    (line,) = by_class(root, "spc-values")
    pairs = [tuple(map(float, pair.split(","))) for pair in (line.get("points") or "").split()]
    assert pairs == [(f(p, "cx"), f(p, "cy")) for p in points]


def test_limits_step_at_a_rebase() -> None:
    result = xmr(REBASED, rebase_at=[10])
    root = check_chart(
        spc_chart(result, labels=MONTHS[:18], title="Rebased", unit="proportion", multiplier=100)
    )
    slope, intercept = value_to_y(root)
    uppers = by_class(root, "spc-upper")
    lowers = by_class(root, "spc-lower")
    means = by_class(root, "spc-mean")
    assert len(uppers) == len(lowers) == len(means) == 2
    for lines, series in ((uppers, result.upper_limit), (lowers, result.lower_limit)):
        before, after = lines
        assert f(before, "x2") == f(after, "x1")  # they meet at the rebase ...
        assert f(before, "y1") == pytest.approx(slope * float(series[0]) + intercept, abs=0.02)
        assert f(after, "y1") == pytest.approx(slope * float(series[10]) + intercept, abs=0.02)
        assert f(before, "y1") != f(after, "y1")  # ... and step there
    points = by_class(root, "spc-point")
    # The rebase falls between the 10th and 11th points.
    assert f(points[9], "cx") < f(uppers[0], "x2") < f(points[10], "cx")
    assert [line.get("stroke-dasharray") for line in uppers] == ["6 4", "6 4"]
    assert all(line.get("stroke-dasharray") is None for line in means)


def test_a_constant_series_draws_no_limits() -> None:
    result = xmr([5, 5, 5, 5])
    chart = spc_chart(result, labels=MONTHS[:4], title="Flat", unit="count")
    root = check_chart(chart)
    assert by_class(root, "spc-limit") == []
    assert len(by_class(root, "spc-mean")) == 1
    assert [row[3:5] for row in chart.table_rows] == [("–", "–")] * 4
    assert "process limits" not in chart.description


def test_target_line_icons_and_words() -> None:
    result = xmr(SERIES, improvement="decrease", target=55)
    chart = spc_chart(result, labels=MONTHS[:13], title="Delays", unit="rate")
    root = check_chart(chart)
    slope, intercept = value_to_y(root)
    (target,) = by_class(root, "spc-target")
    assert f(target, "y1") == pytest.approx(slope * 55 + intercept, abs=0.02)
    assert target.get("stroke-dasharray") not in (None, "6 4")  # not styled as a limit
    assert "Target" in ["".join(e.itertext()) for e in by_class(root, "spc-line-label")]

    (variation,) = by_class(root, "spc-variation")
    (assurance,) = by_class(root, "spc-assurance")
    assert variation.get("data-icon") == "concern_high"
    assert assurance.get("data-icon") == "hit_and_miss"
    assert "".join(variation.find(f"{SVG}text").itertext()) == "H"  # type: ignore[union-attr]
    assert variation.find(f"{SVG}circle").get("fill") == ORANGE  # type: ignore[union-attr]
    assert "".join(assurance.find(f"{SVG}text").itertext()) == "?"  # type: ignore[union-attr]
    assert VARIATION_WORDS["concern_high"] in chart.description
    assert ASSURANCE_WORDS["hit_and_miss"] in chart.description


def test_no_target_no_assurance_icon() -> None:
    root = check_chart(spc_chart(xmr(SERIES), labels=MONTHS[:13], title="A", unit="rate"))
    assert by_class(root, "spc-assurance") == []
    assert by_class(root, "spc-target") == []
    (variation,) = by_class(root, "spc-variation")
    assert variation.get("data-icon") == "improvement_high"
    assert variation.find(f"{SVG}circle").get("fill") == BLUE  # type: ignore[union-attr]


def test_table_rows_match_the_result() -> None:
    result = xmr(SERIES)
    chart = spc_chart(result, labels=MONTHS[:13], title="Admissions", unit="rate")
    assert chart.table_headers == (
        "Month",
        "Value",
        "Mean",
        "Lower limit",
        "Upper limit",
        "Rule",
        "Point type",
    )
    assert len(chart.table_rows) == 13
    assert chart.table_rows[0] == (
        "January 2016",
        "50.00",
        "52.69",
        "46.89",
        "58.50",
        "–",
        "Common cause",
    )
    assert chart.table_rows[-1][0] == "January 2017"
    assert chart.table_rows[-1][1] == "80.00"
    assert chart.table_rows[-1][5:] == ("Outside the process limits", "Special cause: improvement")


def test_x_labels_are_short_months_and_include_the_latest() -> None:
    root = check_chart(
        spc_chart(xmr(list(range(24))), labels=MONTHS, title="Long", unit="count", width=480)
    )
    labels = ["".join(e.itertext()) for e in by_class(root, "spc-x-label")]
    assert labels[-1] == "Dec 2017"
    assert 2 <= len(labels) < 24
    xs = [f(e, "x") for e in by_class(root, "spc-x-label")]
    assert all(b - a >= 60 for a, b in itertools.pairwise(xs))  # no overlap


def test_labels_must_match_values() -> None:
    with pytest.raises(ValueError, match="labels must have one label per value"):
        spc_chart(xmr(SERIES), labels=MONTHS[:3], title="A", unit="rate")


def test_bad_id_prefix_is_refused() -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        spc_chart(xmr(SERIES), labels=MONTHS[:13], title="A", unit="rate", id_prefix="1 bad")


def test_deterministic_and_escaped() -> None:
    result = xmr(SERIES, target=55)
    first = spc_chart(result, labels=MONTHS[:13], title="A <&> B", unit="rate", id_prefix="m1")
    second = spc_chart(result, labels=MONTHS[:13], title="A <&> B", unit="rate", id_prefix="m1")
    assert first == second
    root = check_chart(first)
    assert root.find(f"{SVG}title").text == "A <&> B"  # type: ignore[union-attr]
    assert root.get("aria-labelledby") == "m1-title m1-desc"


@pytest.mark.parametrize(("width", "height"), [(240, 160), (320, 200), (720, 320)])
def test_y_labels_do_not_overlap_on_short_charts(width: int, height: int) -> None:
    result = xmr(SERIES, target=55)
    chart = spc_chart(
        result, labels=MONTHS[:13], title="t", unit="rate", width=width, height=height
    )
    ys = sorted(f(e, "y") for e in by_class(check_chart(chart), "spc-y-label"))
    assert len(ys) >= 2
    assert all(b - a >= 14 for a, b in itertools.pairwise(ys))
