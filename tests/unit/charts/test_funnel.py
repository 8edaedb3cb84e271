"""The funnel plot and the spine chart: accessible SVG, markers that say significance, tables."""

from __future__ import annotations

import pytest

from bettercare.charts import FunnelPoint, SpineLine, funnel_chart, spine_chart
from bettercare.core.benchmarking import spine_row
from bettercare.core.funnel import funnel_limits, funnel_significance
from tests.unit.charts.svg_checks import by_class, check_chart

NAMES = ["Kent", "Medway", "Surrey", "West Sussex", "Hampshire", "Brighton"]
EVENTS = [1300.0, 420.0, 830.0, 640.0, 700.0, 300.0]
POPULATIONS = [546_195.0, 200_000.0, 400_000.0, 300_000.0, 560_000.0, 120_000.0]


def rate_funnel(highlight: str = "Kent"):
    rates = [e / p * 1e5 for e, p in zip(EVENTS, POPULATIONS, strict=True)]
    labels = funnel_significance(
        EVENTS, POPULATIONS, statistic="rate", multiplier=1e5, rate=rates, rate_type="crude"
    )
    table = funnel_limits(
        EVENTS,
        POPULATIONS,
        statistic="rate",
        multiplier=1e5,
        rate=rates,
        rate_type="crude",
        years_of_data=1,
    )
    points = [
        FunnelPoint(name, population, rate, label, name == highlight)
        for name, population, rate, label in zip(NAMES, POPULATIONS, rates, labels, strict=True)
    ]
    return points, table, labels


def test_a_rate_funnel_is_an_accessible_chart_with_its_data_table():
    points, table, labels = rate_funnel()
    chart = funnel_chart(
        points,
        table,
        title="Emergency admissions: South East funnel plot",
        unit="rate",
        multiplier=100_000,
        polarity="lower_is_better",
        x_label="Population aged 65 and over",
    )
    root = check_chart(chart)
    assert chart.table_headers == (
        "Area",
        "Value",
        "Population aged 65 and over",
        "Significance (PHE funnel)",
        "Compared with the group",
    )
    rows = {row[0]: row for row in chart.table_rows}
    assert set(rows) == set(NAMES)
    for name, label in zip(NAMES, labels, strict=True):
        assert rows[name][3] == label
    assert rows["Kent"][3] == "High (0.001)"
    assert rows["Kent"][4] == "significantly worse"
    # Every limit line and the baseline are drawn; one marker per area, Kent's a diamond.
    for name in ("lower-2s", "upper-2s", "lower-3s", "upper-3s"):
        assert by_class(root, f"funnel-{name}"), name
    assert len(by_class(root, "funnel-baseline")) == 1
    assert len(by_class(root, "funnel-point")) == len(NAMES)
    [kent] = by_class(root, "funnel-point--highlighted")
    assert kent.tag.endswith("path")
    assert "Kent: 238.01 (High (0.001))" in "".join(kent.itertext())
    worse = sum(1 for label in labels if label.startswith("High"))
    assert f"{worse} significantly worse" in chart.description


def test_a_narrow_funnel_wraps_its_key_inside_the_drawing():
    points, table, _ = rate_funnel()
    check_chart(funnel_chart(points, table, title="Funnel", unit="rate", width=360, height=300))


def test_without_polarity_outliers_are_higher_or_lower_not_better_or_worse():
    points, table, _ = rate_funnel(highlight="")
    chart = funnel_chart(points, table, title="Funnel", unit="rate", multiplier=100_000)
    check_chart(chart)
    words = {row[4] for row in chart.table_rows}
    assert "significantly higher" in words
    assert not {"significantly better", "significantly worse"} & words


def test_a_proportion_funnel_draws_its_clamped_limits():
    numerators = [80.0, 60.0, 95.0, 8.0]
    denominators = [100.0, 100.0, 100.0, 10.0]
    labels = funnel_significance(numerators, denominators, statistic="proportion", multiplier=100)
    table = funnel_limits(numerators, denominators, statistic="proportion", multiplier=100)
    points = [
        FunnelPoint(f"Area {i}", d, n / d * 100, str(label))
        for i, (n, d, label) in enumerate(zip(numerators, denominators, labels, strict=True))
    ]
    chart = funnel_chart(points, table, title="Share", unit="proportion", multiplier=100)
    root = check_chart(chart)
    assert by_class(root, "funnel-upper-3s")
    assert max(table.upper_3s_limit) <= 100


def test_the_spine_chart_puts_the_area_by_its_peers_better_to_the_right():
    rows = [
        SpineLine(
            "Emergency admissions",
            238.0,
            180.0,
            spine_row([238.0, 210.0, 207.5, 213.3, 125.0], 238.0, 180.0, "lower_is_better"),
            "rate",
            100_000,
            "High (0.001)",
        ),
        SpineLine(
            "Reablement",
            85.0,
            82.0,
            spine_row([85.0, 80.0, 79.0, 90.0], 85.0, 82.0, "higher_is_better"),
            "proportion",
            100,
            "Not significant",
        ),
    ]
    chart = spine_chart(
        rows,
        title="Kent compared with its region",
        polarities=["lower_is_better", "higher_is_better"],
    )
    root = check_chart(chart)
    assert len(by_class(root, "spine-point")) == 2
    assert by_class(root, "spine-point--worse")
    assert by_class(root, "spine-point--similar")
    assert chart.table_rows[0] == (
        "Emergency admissions",
        "238.00",
        "180.00",
        "238.00",
        "125.00",
        "High (0.001)",
    )
    assert chart.table_rows[1][3:5] == ("79.0%", "90.0%")


def test_the_spine_chart_needs_one_polarity_per_line():
    line = SpineLine("M", 1.0, 1.0, spine_row([1.0, 2.0], 1.0, 1.5, None), "count", 1)
    with pytest.raises(ValueError, match="polarities must give one polarity per line; got 0 for 1"):
        spine_chart([line], title="t", polarities=[])
