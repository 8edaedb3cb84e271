"""Areas in a league table, and paired budget and forecast bars."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from bettercare.charts import bar_comparison, league_table
from bettercare.charts.base import (
    BLUE,
    WHITE,
)
from bettercare.charts.layout import text_width

from .svg_checks import SVG, by_class, check_chart, f

AREAS = [
    ("Kent", 294.95, 280.72, 309.71, True),
    ("Medway", 250.0, 230.0, 270.0, False),
    ("Bath and North East Somerset", 310.2, 290.0, 331.0, False),
    ("Brighton and Hove", None, None, None, False),
    ("Surrey", 200.5, 190.0, 211.0, False),
]


def labels(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in by_class(root, "league-label")]


def test_league_orders_by_polarity_missing_last() -> None:
    lower = check_chart(
        league_table(AREAS, title="Delays", unit="rate", polarity="lower_is_better")
    )
    assert labels(lower) == [
        "Surrey",
        "Medway",
        "Kent",
        "Bath and North East Somerset",
        "Brighton and Hove",
    ]
    higher = check_chart(league_table(AREAS, title="Delays", unit="rate"))
    assert labels(higher) == [
        "Bath and North East Somerset",
        "Kent",
        "Medway",
        "Surrey",
        "Brighton and Hove",
    ]
    as_given = check_chart(league_table(AREAS, title="Delays", unit="rate", polarity=None))
    assert labels(as_given) == [area[0] for area in AREAS]


def test_league_highlights_the_area_and_places_points() -> None:
    chart = league_table(
        AREAS,
        title="Delays",
        unit="rate",
        target=278.57,
        benchmark=265.0,
        polarity="lower_is_better",
    )
    root = check_chart(chart)
    rows = by_class(root, "league-row")
    assert [r.get("data-highlighted") for r in rows] == ["false", "false", "true", "false", "false"]
    points = by_class(root, "league-point")
    assert len(points) == 4  # Brighton and Hove has no value
    assert [p.get("fill") for p in points] == [WHITE, WHITE, BLUE, WHITE]
    kent_label = by_class(rows[2], "league-label")[0]
    assert kent_label.get("font-weight") == "bold"
    assert by_class(rows[0], "league-label")[0].get("font-weight") is None
    # x is linear in the value: the whisker ends and the points agree.
    xs = {
        "".join(by_class(r, "league-label")[0].itertext()): f(by_class(r, "league-point")[0], "cx")
        for r in rows
        if by_class(r, "league-point")
    }
    per_unit = (xs["Kent"] - xs["Surrey"]) / (294.95 - 200.5)
    assert xs["Medway"] == pytest.approx(xs["Surrey"] + (250.0 - 200.5) * per_unit, abs=0.05)
    (whisker,) = by_class(rows[2], "league-interval")
    assert f(whisker, "x1") == pytest.approx(xs["Kent"] - (294.95 - 280.72) * per_unit, abs=0.05)
    (target,) = by_class(root, "league-target")
    (benchmark,) = by_class(root, "league-benchmark")
    assert f(target, "x1") == pytest.approx(xs["Surrey"] + (278.57 - 200.5) * per_unit, abs=0.05)
    assert xs["Medway"] < f(benchmark, "x1") < f(target, "x1") < xs["Kent"]
    assert "Kent is 3 of 5 at 294.95 (95% confidence interval 280.72 to 309.71)." in (
        chart.description
    )
    assert "target 278.57 and the region 265.00" in chart.description


def test_league_table_rows() -> None:
    chart = league_table(AREAS, title="Delays", unit="rate", polarity="lower_is_better")
    assert chart.table_headers == ("Area", "Value", "Lower", "Upper")
    assert chart.table_rows[0] == ("Surrey", "200.50", "190.00", "211.00")
    assert chart.table_rows[-1] == ("Brighton and Hove", "–", "–", "–")


def test_league_refuses_an_unknown_polarity() -> None:
    with pytest.raises(ValueError, match="polarity"):
        league_table(AREAS, title="A", unit="rate", polarity="up")


def test_league_long_labels_are_cut_to_fit() -> None:
    long = [("A" * 120, 1.0, None, None, True), ("B", 2.0, None, None, False)]
    root = check_chart(league_table(long, title="Long", unit="count", width=400))
    assert labels(root)[1].endswith("…")


BUDGET = [
    ("Minimum NHS contribution", Decimal("12300000"), Decimal("12500000")),
    ("iBCF", Decimal("4200000"), Decimal("4100000")),
    ("Disabled Facilities Grant", Decimal("2100000"), None),
]


def test_bars_are_proportional_to_the_amounts() -> None:
    root = check_chart(bar_comparison(BUDGET, title="Funding"))
    firsts = by_class(root, "bars-first")
    seconds = by_class(root, "bars-second")
    assert len(firsts) == 3
    assert len(seconds) == 2  # no forecast for the grant
    assert {f(bar, "x") for bar in firsts + seconds} == {f(firsts[0], "x")}  # from zero
    per_pound = f(firsts[0], "width") / 12_300_000
    for bar, amount in zip(firsts + seconds, [12.3e6, 4.2e6, 2.1e6, 12.5e6, 4.1e6], strict=True):
        assert f(bar, "width") == pytest.approx(amount * per_pound, abs=0.02)
    words = ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    assert "£12.5m (+£200k)" in words
    assert "£4.1m (-£100k)" in words
    assert "Not known" in words


def test_bars_table_and_description() -> None:
    chart = bar_comparison(BUDGET[:2], title="Funding")
    assert chart.table_headers == ("Funding stream", "Budget", "Forecast outturn", "Difference")
    assert chart.table_rows == (
        ("Minimum NHS contribution", "£12,300,000", "£12,500,000", "+£200,000"),
        ("iBCF", "£4,200,000", "£4,100,000", "-£100,000"),
    )
    assert chart.description == (
        "Funding: Budget and Forecast outturn for 2 funding streams; in total Budget "
        "£16,500,000 and Forecast outturn £16,600,000, a difference of +£100,000."
    )
    missing = bar_comparison(BUDGET, title="Funding")
    assert missing.table_rows[2] == ("Disabled Facilities Grant", "£2,100,000", "–", "–")
    assert "not yet known" in missing.description


def test_deterministic_and_escaped() -> None:
    rows = [("Care & <support>", 1000.0, 900.0)]
    first = bar_comparison(rows, title="A <&> B", id_prefix="bars-1")
    assert first == bar_comparison(rows, title="A <&> B", id_prefix="bars-1")
    root = check_chart(first)
    assert "Care & <support>" in ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]
    areas = [("<Area & Co>", 1.0, 0.5, 1.5, True)]
    league = league_table(areas, title="<&>", unit="rate")
    assert league == league_table(areas, title="<&>", unit="rate")
    assert labels(check_chart(league)) == ["<Area & Co>"]


def tick_labels_apart(root: ET.Element, name: str) -> bool:
    ticks = by_class(root, name)
    xs = [f(t, "x") for t in ticks]
    widths = [text_width(t.text or "") for t in ticks]
    return len(ticks) >= 2 and all(
        b - a >= (wa + wb) / 2 for a, b, wa, wb in zip(xs, xs[1:], widths, widths[1:], strict=False)
    )


def test_axis_labels_do_not_overlap_on_narrow_charts() -> None:
    big = [("A", 1_234_567.0, 1_000_000.0, 1_500_000.0, True), ("B", 10.0, None, None, False)]
    assert tick_labels_apart(
        check_chart(league_table(big, title="t", unit="rate", width=360)), "league-tick"
    )
    money = [("A", 123_456_789, 98_765_432), ("B", 1_000, 2_000)]
    assert tick_labels_apart(check_chart(bar_comparison(money, title="t", width=240)), "bars-tick")
