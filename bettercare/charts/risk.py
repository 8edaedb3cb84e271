"""The NHS 5x5 risk matrix as a heat map, with each risk's reference in its cell.

Likelihood runs along the bottom (1 Rare to 5 Almost certain) and impact up the side
(1 Negligible to 5 Catastrophic); each cell is coloured by the band of its score (NPSA, *A
risk matrix for risk managers*, 2008) and shows the score, so the band reads without colour
too, with a key to the bands underneath.

A risk the plan rated High, Medium or Low without a likelihood and impact has no place on the
matrix: a word does not say which cell it means. Such risks are drawn apart, in a strip of
three boxes under the key headed "Rated by the plan, not scored", never given a cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bettercare.charts.base import (
    GREEN,
    MISSING,
    ORANGE,
    RED,
    TEXT,
    WHITE,
    YELLOW,
    Chart,
    check_id_prefix,
    check_size,
    element,
    svg_document,
    text,
    title_element,
)
from bettercare.charts.layout import (
    LEGEND_LINE,
    fit_text,
    legend,
    legend_lines,
    text_width,
)
from bettercare.core.rag import RISK_RATINGS, risk_rating, risk_score

__all__ = ["BAND_COLOURS", "IMPACT_NAMES", "LIKELIHOOD_NAMES", "HeatmapRisk", "risk_heatmap"]


@dataclass(frozen=True, slots=True)
class HeatmapRisk:
    """A risk as the heat map draws it: the chart's own input, so charts need no report model.

    ``score`` and ``band`` default to those of ``likelihood`` x ``impact``; ``rating`` is the
    plan's own word ("high", "medium" or "low") for a risk without a likelihood and impact;
    ``trend`` is "increased", "no_change", "decreased" or None.
    """

    ref: str
    title: str
    likelihood: int | None
    impact: int | None
    score: int | None = None
    band: str | None = None
    trend: str | None = None
    rating: str | None = None


LIKELIHOOD_NAMES = {1: "Rare", 2: "Unlikely", 3: "Possible", 4: "Likely", 5: "Almost certain"}
IMPACT_NAMES = {1: "Negligible", 2: "Minor", 3: "Moderate", 4: "Major", 5: "Catastrophic"}
#: Band -> (cell colour, text colour with enough contrast on it).
BAND_COLOURS: dict[str, tuple[str, str]] = {
    "low": (GREEN, WHITE),
    "moderate": (YELLOW, TEXT),
    "high": (ORANGE, TEXT),
    "extreme": (RED, WHITE),
}
BAND_RANGES = {
    band: f"{low}\N{EN DASH}{high}"
    for band, low, high in (("low", 1, 3), ("moderate", 4, 6), ("high", 8, 12), ("extreme", 15, 25))
}
#: The plan's own rating -> (box colour, text colour), traffic-light as the pages show it.
RATING_COLOURS: dict[str, tuple[str, str]] = {
    "high": (RED, WHITE),
    "medium": (YELLOW, TEXT),
    "low": (GREEN, WHITE),
}
TREND_WORDS = {"increased": "Increased", "no_change": "No change", "decreased": "Decreased"}
LINE_HEIGHT = 15.0
REF_SIZE = 12.0
RATED_HEADING = "Rated by the plan, not scored"
RATED_MAX_LINES = 3


def _pack_refs(refs: Sequence[str], width: float, max_lines: int) -> list[str]:
    """The refs in lines that fit ``width``; past ``max_lines`` the last says "+N more"."""
    lines: list[list[str]] = []
    for ref in refs:
        candidate = ref if not lines else " ".join([*lines[-1], ref])
        if lines and text_width(candidate, REF_SIZE, bold=True) <= width:
            lines[-1].append(ref)
        else:
            lines.append([ref])
    written = [fit_text(" ".join(line), width, REF_SIZE, bold=True) for line in lines]
    if len(written) <= max_lines:
        return written
    if max_lines == 1:  # no room for any ref beside the count
        return [f"{len(refs)} risks"]
    kept = written[: max_lines - 1]
    shown = sum(len(line) for line in lines[: max_lines - 1])
    return [*kept, f"+{len(refs) - shown} more"]


def risk_heatmap(
    risks: Sequence[HeatmapRisk],
    *,
    title: str = "Risk heat map",
    id_prefix: str = "risks",
    width: float = 600,
    height: float = 500,
) -> Chart:
    """The risks on the 5x5 likelihood x impact matrix.

    Parameters
    ----------
    risks
        The risks. Those with a likelihood and impact are drawn in their cell; those the plan
        only rated (High, Medium or Low) in a separate strip under the key; those with
        neither are listed in the description and the table but not drawn.
    title
        The accessible title.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width, height
        Size in pixels; the cells share what the labels leave (the height grows if the
        cells would be under 40px high).
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 360)
    height = check_size("height", height, 300)
    cells: dict[tuple[int, int], list[HeatmapRisk]] = {}
    rated: dict[str, list[HeatmapRisk]] = {rating: [] for rating in RISK_RATINGS}
    unscored: list[HeatmapRisk] = []
    for risk in risks:
        if risk.likelihood is None or risk.impact is None:
            if risk.rating:
                rated[risk_rating(risk.rating)].append(risk)
            else:
                unscored.append(risk)
            continue
        risk_score(risk.likelihood, risk.impact)  # checks both are 1 to 5
        cells.setdefault((risk.likelihood, risk.impact), []).append(risk)

    row_labels = {impact: f"{impact} {name}" for impact, name in IMPACT_NAMES.items()}
    left = max(text_width(label) for label in row_labels.values()) + 16
    top, right = 26.0, 8.0
    key = _key_items()
    # Two-line column labels, the axis name and the key (which wraps when narrow).
    bottom = 96 + LEGEND_LINE * (legend_lines(key, left=left, right=width - 4) - 1)
    cell_w = (width - left - right) / 5
    # Cells at least 40px high (a score and a line of refs): a short chart grows to fit.
    cell_h = max((height - top - bottom) / 5, 40.0)
    height = top + 5 * cell_h + bottom
    max_lines = max(1, int((cell_h - 24) // LINE_HEIGHT))

    body: list[str] = [text("Impact", 4, 16, bold=True, class_="risk-axis")]
    for impact in range(5, 0, -1):
        cell_y = top + (5 - impact) * cell_h
        body.append(text(row_labels[impact], left - 8, cell_y + cell_h / 2 + 4, anchor="end"))
        for likelihood in range(1, 6):
            cell_x = left + (likelihood - 1) * cell_w
            body.append(
                _cell(
                    likelihood,
                    impact,
                    cells.get((likelihood, impact), []),
                    cell_x,
                    cell_y,
                    cell_w,
                    cell_h,
                    max_lines,
                )
            )
    grid_bottom = top + 5 * cell_h
    for likelihood in range(1, 6):
        centre = left + (likelihood - 0.5) * cell_w
        body.append(text(str(likelihood), centre, grid_bottom + 17, bold=True, anchor="middle"))
        name = fit_text(LIKELIHOOD_NAMES[likelihood], cell_w - 4)
        body.append(text(name, centre, grid_bottom + 32, anchor="middle"))
    body.append(
        text(
            "Likelihood",
            left + 2.5 * cell_w,
            grid_bottom + 52,
            bold=True,
            anchor="middle",
            class_="risk-axis",
        )
    )
    body.append(
        legend(key, left=left, right=width - 4, baseline=grid_bottom + 80, class_="risk-key")
    )
    if any(rated.values()):
        strip, strip_height = _rated_strip(rated, left, height, width - left - right)
        body.append(strip)
        height += strip_height

    description = _description(title, risks, cells, rated, unscored)
    headers = ("Ref", "Title", "Likelihood", "Impact", "Score", "Band", "Plan rating", "Trend")
    rows = tuple(_row(risk) for risk in risks)
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    return Chart(svg, title, description, headers, rows)


def _cell(
    likelihood: int,
    impact: int,
    risks: Sequence[HeatmapRisk],
    x: float,
    y: float,
    w: float,
    h: float,
    max_lines: int,
) -> str:
    scored = risk_score(likelihood, impact)
    fill, ink = BAND_COLOURS[scored.band]
    tooltip = (
        f"Likelihood {likelihood} ({LIKELIHOOD_NAMES[likelihood]}), impact {impact} "
        f"({IMPACT_NAMES[impact]}): score {scored.score}, {scored.band}."
    )
    if risks:
        tooltip += " " + "; ".join(f"{risk.ref} {risk.title}" for risk in risks)
    parts = [
        title_element(tooltip),
        element(
            "rect",
            None,
            class_="risk-cell-fill",
            x=x,
            y=y,
            width=w,
            height=h,
            fill=fill,
            stroke=WHITE,
            stroke_width=2,
        ),
        text(str(scored.score), x + 6, y + 15, fill=ink, class_="risk-score"),
    ]
    lines = _pack_refs([risk.ref for risk in risks], w - 12, max_lines)
    for index, line in enumerate(lines):
        parts.append(
            text(
                line,
                x + w / 2,
                y + 32 + index * LINE_HEIGHT,
                size=REF_SIZE,
                bold=True,
                anchor="middle",
                fill=ink,
                class_="risk-refs",
            )
        )
    return element(
        "g",
        "".join(parts),
        class_="risk-cell",
        data_likelihood=likelihood,
        data_impact=impact,
        data_band=scored.band,
    )


def _rated_strip(
    rated: dict[str, list[HeatmapRisk]], left: float, top: float, width: float
) -> tuple[str, float]:
    """The risks rated but not scored: a box per rating, apart from the matrix."""
    box_w = width / len(RISK_RATINGS)
    packed = {
        rating: _pack_refs([risk.ref for risk in group], box_w - 16, RATED_MAX_LINES)
        for rating, group in rated.items()
    }
    lines = max(1, *(len(refs) for refs in packed.values()))
    box_h = 26 + lines * LINE_HEIGHT
    box_top = top + 26
    parts = [text(RATED_HEADING, left, top + 16, bold=True, class_="risk-rated-heading")]
    for index, rating in enumerate(RISK_RATINGS):
        fill, ink = RATING_COLOURS[rating]
        x = left + index * box_w
        group = rated[rating]
        tooltip = f"Rated {rating} by the plan, not scored: " + (
            "; ".join(f"{risk.ref} {risk.title}" for risk in group) if group else "none."
        )
        inner = [
            title_element(tooltip),
            element(
                "rect",
                None,
                x=x,
                y=box_top,
                width=box_w,
                height=box_h,
                fill=fill,
                stroke=WHITE,
                stroke_width=2,
            ),
            text(rating.capitalize(), x + 6, box_top + 15, bold=True, fill=ink),
        ]
        for line_index, line in enumerate(packed[rating] or [MISSING]):
            inner.append(
                text(
                    line,
                    x + box_w / 2,
                    box_top + 32 + line_index * LINE_HEIGHT,
                    size=REF_SIZE,
                    bold=True,
                    anchor="middle",
                    fill=ink,
                    class_="risk-refs",
                )
            )
        parts.append(element("g", "".join(inner), class_="risk-rated", data_rating=rating))
    return element("g", "".join(parts), class_="risk-rated-strip"), 26 + box_h + 8


def _key_items() -> list[tuple[str, str]]:
    return [
        (
            element("rect", None, x=-7, y=-7, width=14, height=14, fill=fill),
            f"{band.capitalize()} ({BAND_RANGES[band]})",
        )
        for band, (fill, _) in BAND_COLOURS.items()
    ]


def _band(risk: HeatmapRisk) -> tuple[int, str] | None:
    if risk.likelihood is None or risk.impact is None:
        return None
    scored = risk_score(risk.likelihood, risk.impact)
    return (risk.score or scored.score, risk.band or scored.band)


def _row(risk: HeatmapRisk) -> tuple[str, ...]:
    banded = _band(risk)
    return (
        risk.ref,
        risk.title,
        MISSING
        if risk.likelihood is None
        else f"{risk.likelihood} {LIKELIHOOD_NAMES[risk.likelihood]}",
        MISSING if risk.impact is None else f"{risk.impact} {IMPACT_NAMES[risk.impact]}",
        MISSING if banded is None else str(banded[0]),
        MISSING if banded is None else banded[1].capitalize(),
        risk.rating.capitalize() if risk.rating else MISSING,
        TREND_WORDS.get(risk.trend or "", MISSING),
    )


def _description(
    title: str,
    risks: Sequence[HeatmapRisk],
    cells: dict[tuple[int, int], list[HeatmapRisk]],
    rated: dict[str, list[HeatmapRisk]],
    unscored: Sequence[HeatmapRisk],
) -> str:
    if not risks:
        return f"{title}: no risks to show."
    scored = [risk for group in cells.values() for risk in group]
    counts = dict.fromkeys(BAND_COLOURS, 0)
    for risk in scored:
        banded = _band(risk)
        assert banded is not None
        counts[banded[1]] = counts.get(banded[1], 0) + 1
    words = f"{title}: {len(scored)} risk{'s' if len(scored) != 1 else ''} on a 5 by 5 matrix"
    if scored:
        by_band = ", ".join(f"{count} {band}" for band, count in reversed(counts.items()) if count)
        words += f" of likelihood and impact ({by_band})"
        highest = max(scored, key=lambda risk: (_band(risk) or (0, ""))[0])
        banded = _band(highest)
        assert banded is not None
        same = [risk.ref for risk in scored if (_band(risk) or (0, ""))[0] == banded[0]]
        words += f". Highest score {banded[0]} ({banded[1]}): {', '.join(same)}"
    words += "."
    if any(rated.values()):
        by_rating = "; ".join(
            f"{rating.capitalize()} {', '.join(risk.ref for risk in group)}"
            for rating, group in rated.items()
            if group
        )
        words += f" Rated by the plan but not scored, so not on the matrix: {by_rating}."
    if unscored:
        words += f" Not yet scored: {', '.join(risk.ref for risk in unscored)}."
    return words
