"""Funnel plots and Fingertips-style spine charts: areas compared with their peers.

The funnel plot draws every area's value against its denominator (population) with PHE's
95% and 99.8% control limits around the peer group's average (:mod:`bettercare.core.funnel`).
An area's marker says its significance by shape and fill as well as colour: a filled circle
outside 99.8%, a half-filled one outside 95%, an open one within; the area the page is about
is a diamond with its name written beside it.

The spine chart gives one row per metric: the peers' range as a bar (interquartile range
darker), the peer average as the centre line and the area as a marker, better to the right.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    GREEN,
    MID_GREY,
    PALE_GREY,
    RED,
    TEXT,
    WHITE,
    Chart,
    check_id_prefix,
    check_size,
    diamond,
    display,
    element,
    num,
    svg_document,
    text,
    title_element,
)
from bettercare.charts.layout import (
    LinearScale,
    centred_label_x,
    fit_text,
    fitting_ticks,
    min_step,
    text_width,
)
from bettercare.core.benchmarking import SpineRow
from bettercare.core.funnel import (
    HIGH_2S,
    HIGH_3S,
    LOW_2S,
    LOW_3S,
    FunnelTable,
)
from bettercare.formatting import metric_value

__all__ = ["FunnelPoint", "SpineLine", "funnel_chart", "spine_chart"]


@dataclass(frozen=True, slots=True)
class FunnelPoint:
    """One area on a funnel plot.

    ``denominator`` is the x position (population, per year for rates); ``value`` is on the
    metric's scale; ``significance`` is PHE's label.
    """

    label: str
    denominator: float
    value: float
    significance: str
    highlighted: bool = False


@dataclass(frozen=True, slots=True)
class SpineLine:
    """One metric of a spine chart: its name, the area's value and the peers' positions."""

    label: str
    value: float | None
    average: float | None
    row: SpineRow
    unit: str
    multiplier: float
    significance: str = ""


def _outcome(significance: str, polarity: str | None) -> str:
    """``better``, ``worse`` (by polarity), ``higher`` / ``lower`` (none) or ``similar``."""
    if significance in (HIGH_3S, HIGH_2S):
        direction = "higher"
    elif significance in (LOW_3S, LOW_2S):
        direction = "lower"
    else:
        return "similar"
    if polarity is None:
        return direction
    good = "higher" if polarity == "higher_is_better" else "lower"
    return "better" if direction == good else "worse"


OUTCOME_COLOURS = {
    "better": GREEN,
    "worse": RED,
    "higher": BLUE,
    "lower": BLUE,
    "similar": DARK_GREY,
}
OUTCOME_WORDS = {
    "better": "significantly better",
    "worse": "significantly worse",
    "higher": "significantly higher",
    "lower": "significantly lower",
    "similar": "not significantly different",
}


def _limit_lines(table: FunnelTable) -> list[tuple[str, list[tuple[float, float]]]]:
    """The four limits as (x, y) polylines; rates plot against population per year."""
    lines = []
    for name in ("lower_3s", "lower_2s", "upper_2s", "upper_3s"):
        ys = getattr(table, f"{name}_limit")
        xs = getattr(table, f"{name}_expected") if table.axis_name == "Events" else table.axis
        lines.append((name, [(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]))
    return lines


def funnel_chart(
    points: Sequence[FunnelPoint],
    table: FunnelTable,
    *,
    title: str,
    unit: str,
    multiplier: float = 1,
    polarity: str | None = None,
    x_label: str = "Denominator",
    id_prefix: str = "funnel",
    width: float = 720,
    height: float = 420,
) -> Chart:
    """A PHE funnel plot of areas around their group's average.

    Parameters
    ----------
    points
        One :class:`FunnelPoint` per area shown.
    table
        The limits, from :func:`bettercare.core.funnel.funnel_limits`.
    title, unit, multiplier
        The accessible title; how values read (as ``bettercare.formatting.metric_value``).
    polarity
        ``"higher_is_better"`` or ``"lower_is_better"`` colours outliers better or worse;
        ``None`` calls them higher or lower.
    x_label
        What the x axis counts, e.g. "Population aged 65 and over".
    id_prefix, width, height
        Element id prefix (unique on the page) and size in pixels.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 360)
    height = check_size("height", height, 240)

    def fmt(value: float) -> str:
        return metric_value(value, unit, multiplier)

    lines = _limit_lines(table)
    x_max = max([p.denominator for p in points] + [1.0]) * 1.05
    smallest = min((p.denominator for p in points), default=x_max / 10)
    near = [
        y
        for _, line in lines
        for x, y in line
        if x >= smallest / 2 and x <= x_max and math.isfinite(y)
    ]
    y_values = [p.value for p in points] + near + [table.baseline]
    left, right, top = 70.0, 20.0, 20.0
    two_rows = width - left < LEGEND_WIDTH  # the key wraps on narrow charts
    bottom = 90.0 if two_rows else 72.0
    y_ticks = fitting_ticks(
        min(y_values), max(y_values), length=height - top - bottom, formatter=fmt,
        count=6, min_step=min_step(unit, multiplier),
    )  # fmt: skip
    x_ticks = fitting_ticks(
        0.0, x_max, length=width - left - right, formatter=lambda v: f"{v:,.0f}", min_step=1
    )
    x = LinearScale(x_ticks[0], x_ticks[-1], left, width - right)
    y = LinearScale(y_ticks[0], y_ticks[-1], height - bottom, top)
    body: list[str] = []
    for tick in y_ticks:
        body.append(
            element(
                "line", None, x1=left, y1=y(tick), x2=width - right, y2=y(tick), stroke=PALE_GREY
            )
        )
        body.append(text(fmt(tick), left - 6, y(tick) + 4, anchor="end", class_="funnel-tick"))
    for tick in x_ticks:
        label = f"{tick:,.0f}"
        body.append(
            text(
                label, centred_label_x(x(tick), label, width), height - bottom + 18, anchor="middle"
            )
        )
    body.append(
        element(
            "line",
            None,
            x1=left,
            y1=height - bottom,
            x2=width - right,
            y2=height - bottom,
            stroke=DARK_GREY,
        )
    )
    body.append(
        text(
            fit_text(x_label, width - left - right),
            (left + width - right) / 2,
            height - bottom + 36,
            anchor="middle",
            fill=TEXT,
        )
    )
    body.extend(_legend(left, height - 28 if two_rows else height - 10, two_rows=two_rows))
    body.append(
        element(
            "line", None, x1=left, y1=y(table.baseline), x2=width - right, y2=y(table.baseline),
            stroke=BLUE, stroke_width=2, class_="funnel-baseline",
        )
    )  # fmt: skip
    low, high = min(y_ticks[0], y_ticks[-1]), max(y_ticks[0], y_ticks[-1])
    for name, line in lines:
        # Limits run off the plot at small denominators: draw each stretch inside it.
        for run in _runs(line, x_ticks[-1], low, high):
            path = " ".join(f"{num(x(px))},{num(y(py))}" for px, py in run)
            body.append(
                element(
                    "polyline", None, points=path, fill="none", stroke=DARK_GREY,
                    stroke_width=1.5 if name.endswith("3s") else 1,
                    stroke_dasharray=None if name.endswith("3s") else "5 3",
                    class_=f"funnel-{name.replace('_', '-')}",
                )
            )  # fmt: skip
    ordered = sorted(points, key=lambda p: p.highlighted)  # the highlighted area on top
    for point in ordered:
        body.append(_marker(point, x, y, polarity, fmt))
    shown = [p for p in points if p.highlighted]
    for point in shown:
        words = fit_text(point.label, 160, bold=True)
        px, py = x(point.denominator), y(point.value)
        anchor = "end" if px > width * 0.7 else "start"
        body.append(
            text(words, px - 10 if anchor == "end" else px + 10, py - 8, bold=True, anchor=anchor)
        )
    counts = dict.fromkeys(OUTCOME_WORDS, 0)
    for point in points:
        counts[_outcome(point.significance, polarity)] += 1
    summary = "; ".join(f"{n} {OUTCOME_WORDS[w]}" for w, n in counts.items() if n)
    description = (
        f"{title}. A funnel plot of {len(points)} areas against the group average of "
        f"{fmt(table.baseline)}, with 95% and 99.8% control limits: {summary or 'no areas'}."
    )
    rows = tuple(
        (
            p.label,
            display(p.value, fmt),
            f"{p.denominator:,.0f}",
            p.significance,
            OUTCOME_WORDS[_outcome(p.significance, polarity)],
        )
        for p in sorted(points, key=lambda p: p.label)
    )
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    headers = ("Area", "Value", x_label, "Significance (PHE funnel)", "Compared with the group")
    return Chart(svg, title, description, headers, rows)


LEGEND_WIDTH = 560.0


def _legend(x: float, baseline: float, *, two_rows: bool) -> list[str]:
    """The key under the plot: the centre line, the two limits, and the three markers."""
    parts: list[str] = []
    start = x
    items: list[tuple[str, dict[str, str | float]]] = [
        ("Peer figure", {"stroke": BLUE, "stroke_width": 2}),
        ("99.8% limits", {"stroke": DARK_GREY, "stroke_width": 1.5}),
        ("95% limits", {"stroke": DARK_GREY, "stroke_width": 1, "stroke_dasharray": "5 3"}),
    ]
    for words, style in items:
        parts.append(
            element("line", None, x1=x, y1=baseline - 4, x2=x + 22, y2=baseline - 4, **style)
        )
        parts.append(text(words, x + 26, baseline))
        x += 26 + text_width(words) + 16
    if two_rows:
        x, baseline = start, baseline + 18
    for words, fill, opacity in (
        ("outside 99.8%", DARK_GREY, 1.0),
        ("outside 95%", DARK_GREY, 0.45),
        ("within", WHITE, 1.0),
    ):
        parts.append(
            element("circle", None, cx=x + 5, cy=baseline - 4, r=5, fill=fill,
                    fill_opacity=opacity, stroke=DARK_GREY, stroke_width=1.5)
        )  # fmt: skip
        parts.append(text(words, x + 14, baseline))
        x += 14 + text_width(words) + 12
    return parts


def _runs(
    line: list[tuple[float, float]], x_max: float, low: float, high: float
) -> list[list[tuple[float, float]]]:
    """Consecutive points of ``line`` inside the plot, as separate polylines of 2+ points."""
    runs: list[list[tuple[float, float]]] = [[]]
    for px, py in line:
        if math.isfinite(py) and low <= py <= high and px <= x_max:
            runs[-1].append((px, py))
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if len(run) >= 2]


def _marker(
    point: FunnelPoint,
    x: LinearScale,
    y: LinearScale,
    polarity: str | None,
    fmt: Callable[[float], str],
) -> str:
    outcome = _outcome(point.significance, polarity)
    colour = OUTCOME_COLOURS[outcome]
    px, py = x(point.denominator), y(point.value)
    tip = title_element(f"{point.label}: {fmt(point.value)} ({point.significance})")
    if point.significance in (HIGH_3S, LOW_3S):
        fill, opacity = colour, 1.0
    elif point.significance in (HIGH_2S, LOW_2S):
        fill, opacity = colour, 0.45
    else:
        fill, opacity = WHITE, 1.0
    if point.highlighted:
        return diamond(
            px, py, 8, tip, fill=fill, fill_opacity=opacity, stroke=TEXT, stroke_width=2,
            class_="funnel-point funnel-point--highlighted",
        )  # fmt: skip
    return element(
        "circle", tip, cx=px, cy=py, r=5, fill=fill, fill_opacity=opacity, stroke=colour,
        stroke_width=1.5, class_=f"funnel-point funnel-point--{outcome}",
    )  # fmt: skip


def spine_chart(
    lines: Sequence[SpineLine],
    *,
    title: str,
    polarities: Sequence[str | None],
    id_prefix: str = "spine",
    width: float = 720,
) -> Chart:
    """Fingertips' spine chart: one row per metric, the area against its peers' range.

    Parameters
    ----------
    lines
        One :class:`SpineLine` per metric (positions from
        :func:`bettercare.core.benchmarking.spine_row`).
    title
        The accessible title.
    polarities
        Each metric's polarity, to colour the area's marker better or worse.
    id_prefix, width
        Element id prefix and width in pixels; the height grows with the rows.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 360)
    if len(polarities) != len(lines):
        raise ValueError(
            f"polarities must give one polarity per line; got {len(polarities)} for {len(lines)}"
        )
    row_height, top = 28.0, 28.0
    label_width = min(width * 0.4, 260)
    x0, x1 = label_width + 10, width - 20
    height = top + row_height * len(lines) + 20
    scale = LinearScale(0.0, 1.0, x0, x1)
    body = [
        text("Worst", x0, 16, fill=MID_GREY),
        text("Best", x1, 16, anchor="end", fill=MID_GREY),
        text("Peer figure", scale(0.5), 16, anchor="middle", fill=MID_GREY),
    ]
    for index, (line, polarity) in enumerate(zip(lines, polarities, strict=True)):
        centre = top + index * row_height + row_height / 2
        row = line.row
        body.append(text(fit_text(line.label, label_width), 4, centre + 4))
        body.append(
            element("rect", None, x=scale(row.lowest), y=centre - 8,
                    width=max(scale(row.highest) - scale(row.lowest), 1), height=16, fill=PALE_GREY)
        )  # fmt: skip
        body.append(
            element("rect", None, x=scale(row.q25), y=centre - 8,
                    width=max(scale(row.q75) - scale(row.q25), 1), height=16, fill=MID_GREY)
        )  # fmt: skip
        if row.area is not None:
            outcome = _outcome(line.significance, polarity if polarity else None)
            colour = OUTCOME_COLOURS[outcome]
            fill = WHITE if outcome == "similar" else colour
            body.append(
                element(
                    "circle", title_element(f"{line.label}: {_spine_value(line)}"),
                    cx=scale(row.area), cy=centre, r=6, fill=fill, stroke=colour, stroke_width=2,
                    class_=f"spine-point spine-point--{outcome}",
                )
            )  # fmt: skip
    body.append(
        element("line", None, x1=scale(0.5), y1=top - 4, x2=scale(0.5),
                y2=top + row_height * len(lines) + 4, stroke=BLUE, stroke_width=2)
    )  # fmt: skip
    description = (
        f"{title}. For each of {len(lines)} metrics, the area's value against the range of its "
        "peers (the bar, with the middle half darker) and the peer figure (the centre line); "
        "better is to the right."
    )
    rows = tuple(
        (
            line.label,
            _spine_value(line),
            metric_value(line.average, line.unit, line.multiplier),
            metric_value(line.row.worst, line.unit, line.multiplier),
            metric_value(line.row.best, line.unit, line.multiplier),
            line.significance or "–",
        )
        for line in lines
    )
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    headers = ("Metric", "Area value", "Peer figure", "Worst", "Best", "Significance (PHE funnel)")
    return Chart(svg, title, description, headers, rows)


def _spine_value(line: SpineLine) -> str:
    return display(line.value, lambda v: metric_value(v, line.unit, line.multiplier))
