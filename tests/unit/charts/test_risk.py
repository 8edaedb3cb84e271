"""The 5x5 risk heat map: each risk in its cell, each cell coloured by its band."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from bettercare.charts import HeatmapRisk, risk_heatmap
from bettercare.charts.base import GREEN, ORANGE, RED, YELLOW

from .svg_checks import SVG, by_class, check_chart, f


def risk(
    ref: str,
    likelihood: int | None,
    impact: int | None,
    trend: str | None = None,
    rating: str | None = None,
) -> HeatmapRisk:
    score = None if likelihood is None or impact is None else likelihood * impact
    return HeatmapRisk(
        ref=ref,
        title=f"Risk {ref}",
        likelihood=likelihood,
        impact=impact,
        score=score,
        band=None,
        trend=trend,
        rating=rating,
    )


def cell(root: ET.Element, likelihood: int, impact: int) -> ET.Element:
    (found,) = [
        g
        for g in by_class(root, "risk-cell")
        if g.get("data-likelihood") == str(likelihood) and g.get("data-impact") == str(impact)
    ]
    return found


def rect(group: ET.Element) -> ET.Element:
    found = group.find(f"{SVG}rect")
    assert found is not None
    return found


def refs_in(group: ET.Element) -> list[str]:
    return [
        ref
        for e in group.iter(f"{SVG}text")
        if "risk-refs" in (e.get("class") or "")
        for ref in "".join(e.itertext()).split()
    ]


def test_a_risk_lands_in_its_cell_coloured_by_band() -> None:
    chart = risk_heatmap([risk("R1", 4, 5), risk("R2", 2, 2), risk("R3", 1, 2)])
    root = check_chart(chart)
    assert len(by_class(root, "risk-cell")) == 25
    extreme = cell(root, 4, 5)
    assert refs_in(extreme) == ["R1"]
    assert rect(extreme).get("fill") == RED
    assert extreme.get("data-band") == "extreme"
    assert "20" in ["".join(e.itertext()) for e in extreme.iter(f"{SVG}text")]
    assert rect(cell(root, 2, 2)).get("fill") == YELLOW
    assert refs_in(cell(root, 2, 2)) == ["R2"]
    assert rect(cell(root, 1, 2)).get("fill") == GREEN
    assert rect(cell(root, 3, 4)).get("fill") == ORANGE  # 12, high
    assert rect(cell(root, 3, 5)).get("fill") == RED  # 15, extreme
    assert refs_in(cell(root, 5, 5)) == []

    # Geometry: likelihood runs left to right, impact bottom to top.
    origin = rect(cell(root, 1, 1))
    w, h = f(origin, "width"), f(origin, "height")
    target = rect(extreme)
    assert f(target, "x") == pytest.approx(f(origin, "x") + 3 * w, abs=0.02)
    assert f(target, "y") == pytest.approx(f(origin, "y") - 4 * h, abs=0.02)


def test_a_crowded_cell_shows_some_refs_and_how_many_more() -> None:
    crowded = [risk(f"R{n}", 4, 5) for n in range(1, 31)]
    root = check_chart(risk_heatmap(crowded))
    lines = [
        "".join(e.itertext())
        for e in cell(root, 4, 5).iter(f"{SVG}text")
        if "risk-refs" in (e.get("class") or "")
    ]
    assert lines[-1].startswith("+")
    assert lines[-1].endswith(" more")
    shown = [ref for line in lines[:-1] for ref in line.split()]
    more = int(lines[-1].split()[0].lstrip("+"))
    assert shown == [f"R{n}" for n in range(1, len(shown) + 1)]
    assert len(shown) + more == 30
    # Every risk is still named in the cell's tooltip and in the table.
    title = cell(root, 4, 5).find(f"{SVG}title")
    assert title is not None
    assert "R30 Risk R30" in (title.text or "")


def test_unscored_risks_are_in_the_description_and_table_not_the_grid() -> None:
    chart = risk_heatmap([risk("R1", 4, 5, "increased"), risk("R9", None, None)])
    root = check_chart(chart)
    assert all("R9" not in refs_in(g) for g in by_class(root, "risk-cell"))
    assert "Not yet scored: R9." in chart.description
    assert "Highest score 20 (extreme): R1" in chart.description
    assert chart.table_headers == (
        "Ref", "Title", "Likelihood", "Impact", "Score", "Band", "Plan rating", "Trend"
    )  # fmt: skip
    assert chart.table_rows == (
        ("R1", "Risk R1", "4 Likely", "5 Catastrophic", "20", "Extreme", "–", "Increased"),
        ("R9", "Risk R9", "–", "–", "–", "–", "–", "–"),
    )
    assert by_class(root, "risk-rated-strip") == []


def rated_boxes(root: ET.Element) -> dict[str, ET.Element]:
    return {g.get("data-rating", ""): g for g in by_class(root, "risk-rated")}


def test_rated_risks_are_drawn_apart_from_the_matrix_never_in_a_cell() -> None:
    risks = [
        risk("R1", None, None, rating="high"),
        risk("R2", None, None, rating="High"),
        risk("R3", None, None, rating="medium"),
        risk("R4", 2, 3, rating="low"),  # scored and rated: its cell, and its rating in the table
        risk("R9", None, None),
    ]
    chart = risk_heatmap(risks)
    root = check_chart(chart)
    on_grid = [ref for g in by_class(root, "risk-cell") for ref in refs_in(g)]
    assert on_grid == ["R4"]
    boxes = rated_boxes(root)
    assert list(boxes) == ["high", "medium", "low"]
    assert refs_in(boxes["high"]) == ["R1", "R2"]
    assert refs_in(boxes["medium"]) == ["R3"]
    assert refs_in(boxes["low"]) == ["–"]
    assert rect(boxes["high"]).get("fill") == RED
    assert rect(boxes["medium"]).get("fill") == YELLOW
    assert rect(boxes["low"]).get("fill") == GREEN
    # The strip sits below the matrix, inside the chart.
    grid_bottom = max(f(rect(g), "y") + f(rect(g), "height") for g in by_class(root, "risk-cell"))
    assert grid_bottom < f(rect(boxes["high"]), "y")
    assert f(rect(boxes["high"]), "y") + f(rect(boxes["high"]), "height") <= f(root, "height")
    assert (
        "Rated by the plan but not scored, so not on the matrix: High R1, R2; Medium R3."
        in chart.description
    )
    assert "Not yet scored: R9." in chart.description
    rows = {row[0]: row for row in chart.table_rows}
    assert rows["R1"] == ("R1", "Risk R1", "–", "–", "–", "–", "High", "–")
    assert rows["R4"] == ("R4", "Risk R4", "2 Unlikely", "3 Moderate", "6", "Moderate", "Low", "–")


def test_a_rated_strip_makes_the_chart_taller_by_its_own_height() -> None:
    plain = check_chart(risk_heatmap([risk("R1", 4, 5)]))
    rated = check_chart(risk_heatmap([risk("R1", 4, 5), risk("R2", None, None, rating="low")]))
    assert f(rated, "height") > f(plain, "height")
    many = [risk(f"R{n}", None, None, rating="high") for n in range(1, 60)]
    (box,) = [
        g
        for g in by_class(check_chart(risk_heatmap(many)), "risk-rated")
        if g.get("data-rating") == "high"
    ]
    lines = [
        "".join(e.itertext())
        for e in box.iter(f"{SVG}text")
        if "risk-refs" in (e.get("class") or "")
    ]
    assert len(lines) == 3
    assert lines[-1].startswith("+")
    assert lines[-1].endswith(" more")


def test_out_of_range_scores_are_refused() -> None:
    with pytest.raises(ValueError, match="likelihood"):
        risk_heatmap([risk("R1", 6, 1)])


def test_empty_deterministic_and_escaped() -> None:
    chart = risk_heatmap([], title="Risks <&> issues")
    root = check_chart(chart)
    assert chart.description == "Risks <&> issues: no risks to show."
    assert chart.table_rows == ()
    assert root.find(f"{SVG}title").text == "Risks <&> issues"  # type: ignore[union-attr]
    risks = [risk("R<1>", 3, 3), risk("R&2", 3, 3)]
    assert risk_heatmap(risks) == risk_heatmap(risks)
    assert refs_in(cell(check_chart(risk_heatmap(risks)), 3, 3)) == ["R<1>", "R&2"]


def test_a_short_crowded_cell_gives_the_count() -> None:
    root = check_chart(risk_heatmap([risk(f"R{n}", 4, 5) for n in range(1, 13)], height=340))
    lines = [
        "".join(e.itertext())
        for e in cell(root, 4, 5).iter(f"{SVG}text")
        if "risk-refs" in (e.get("class") or "")
    ]
    assert lines == ["12 risks"]


def test_a_short_chart_grows_so_cells_hold_their_refs() -> None:
    root = check_chart(risk_heatmap([risk("R1", 4, 5)], width=360, height=300))
    box = rect(cell(root, 4, 5))
    assert f(box, "height") >= 40
    (refs,) = [e for e in cell(root, 4, 5).iter(f"{SVG}text") if e.text == "R1"]
    assert f(box, "y") < f(refs, "y") <= f(box, "y") + f(box, "height")
    assert f(root, "height") >= 300
