"""Areas compared in a league table, each with its confidence interval.

The league table follows the Fingertips "compare areas" layout: one row per area, best first,
a point with its 95% confidence interval, the target and benchmark as vertical lines, and the
area the page is about emphasised by a bold label and a filled marker (not colour alone).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    PALE_GREY,
    RED,
    STRIPE,
    TEXT,
    WHITE,
    Chart,
    check_id_prefix,
    check_size,
    display,
    element,
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
from bettercare.formatting import metric_value

__all__ = ["LeagueRow", "league_table"]

#: (area label, value, lower limit, upper limit, highlighted).
LeagueRow = tuple[str, float | None, float | None, float | None, bool]
POLARITIES = ("higher_is_better", "lower_is_better")
ROW_HEIGHT = 24.0
TARGET_DASH = "10 3 2 3"
BENCHMARK_DASH = "4 3"


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _ranked(rows: Sequence[LeagueRow], polarity: str | None) -> list[LeagueRow]:
    """Best first by ``polarity`` (input order kept for ties), rows without a value last."""
    if polarity is None:
        return list(rows)
    sign = -1 if polarity == "higher_is_better" else 1

    def key(row: LeagueRow) -> tuple[int, float]:
        value = _number(row[1])
        return (1, 0.0) if value is None else (0, sign * value)

    return sorted(rows, key=key)


def league_table(
    rows: Sequence[LeagueRow],
    *,
    title: str,
    unit: str,
    multiplier: float = 1,
    target: float | None = None,
    benchmark: float | None = None,
    benchmark_label: str = "Region",
    polarity: str | None = "higher_is_better",
    id_prefix: str = "league",
    width: float = 720,
) -> Chart:
    """Areas compared: a point and 95% confidence interval per area, best first.

    Parameters
    ----------
    rows
        ``(label, value, lower, upper, highlighted)`` per area; limits may be ``None``.
    title
        The accessible title.
    unit, multiplier
        How values read, as for :func:`bettercare.formatting.metric_value`.
    target, benchmark
        Drawn as labelled vertical lines when given (the benchmark named ``benchmark_label``).
    polarity
        ``"higher_is_better"`` or ``"lower_is_better"`` to sort best first; ``None`` keeps
        the order given.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width
        Width in pixels; the height grows with the number of rows.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 360)
    if polarity is not None and polarity not in POLARITIES:
        raise ValueError(f"polarity must be one of {POLARITIES} or None, got {polarity!r}")
    ranked = _ranked(rows, polarity)

    def fmt(value: float) -> str:
        return metric_value(value, unit, multiplier)

    numbers = [n for row in ranked for n in map(_number, row[1:4]) if n is not None]
    numbers += [n for n in (_number(target), _number(benchmark)) if n is not None]
    values_text = [display(row[1], fmt) for row in ranked]
    label_room = max([text_width(row[0], bold=row[4]) for row in ranked] + [40.0])
    left = min(label_room, width * 0.35) + 16
    right = max([text_width(v, bold=True) for v in values_text] + [40.0]) + 20
    top = 30.0
    rows_bottom = top + ROW_HEIGHT * len(ranked)
    height = rows_bottom + 30
    x0, x1 = left, width - right
    ticks = fitting_ticks(
        min(numbers, default=0.0),
        max(numbers, default=1.0),
        length=x1 - x0,
        formatter=fmt,
        min_step=min_step(unit, multiplier),
    )
    x = LinearScale(ticks[0], ticks[-1], x0, x1)

    body: list[str] = []
    for index, row in enumerate(ranked):
        if row[4]:
            body.append(
                element(
                    "rect",
                    None,
                    x=0,
                    y=top + index * ROW_HEIGHT,
                    width=width,
                    height=ROW_HEIGHT,
                    fill=PALE_GREY,
                )
            )
        elif index % 2:
            body.append(
                element(
                    "rect",
                    None,
                    x=0,
                    y=top + index * ROW_HEIGHT,
                    width=width,
                    height=ROW_HEIGHT,
                    fill=STRIPE,
                )
            )
    for tick in ticks:
        body.append(
            element(
                "line",
                None,
                x1=x(tick),
                y1=top,
                x2=x(tick),
                y2=rows_bottom,
                stroke=PALE_GREY if tick != ticks[0] else DARK_GREY,
            )
        )
        body.append(
            text(
                fmt(tick),
                centred_label_x(x(tick), fmt(tick), width),
                rows_bottom + 18,
                anchor="middle",
                class_="league-tick",
            )
        )
    body.extend(
        _reference_lines(target, benchmark, benchmark_label, x, top, rows_bottom, width, fmt)
    )
    for index, (row, value_text) in enumerate(zip(ranked, values_text, strict=True)):
        centre = top + index * ROW_HEIGHT + ROW_HEIGHT / 2
        body.append(_league_row(row, value_text, centre, left, width, x, fmt))

    description = _league_description(
        title, ranked, polarity, target, benchmark, benchmark_label, fmt
    )
    table = tuple(
        (row[0], display(row[1], fmt), display(row[2], fmt), display(row[3], fmt)) for row in ranked
    )
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    return Chart(svg, title, description, ("Area", "Value", "Lower", "Upper"), table)


def _reference_lines(
    target: float | None,
    benchmark: float | None,
    benchmark_label: str,
    x: LinearScale,
    top: float,
    bottom: float,
    width: float,
    fmt: Callable[[float], str],
) -> list[str]:
    """Target and benchmark lines, labelled above the rows.

    With both, the labels point away from each other (the left one ends at its line, the
    right one starts at its line), so they do not overlap; each is kept inside the chart.
    """
    lines: list[tuple[str, str, float, str, str]] = []
    for kind, name, value, colour, dash in (
        ("target", "Target", _number(target), RED, TARGET_DASH),
        ("benchmark", benchmark_label, _number(benchmark), DARK_GREY, BENCHMARK_DASH),
    ):
        if value is not None:
            lines.append((kind, name, value, colour, dash))
    lines.sort(key=lambda line: line[2])
    parts = []
    for rank, (kind, name, value, colour, dash) in enumerate(lines):
        at = x(value)
        parts.append(
            element(
                "line",
                None,
                class_=f"league-{kind}",
                x1=at,
                y1=top - 8,
                x2=at,
                y2=bottom,
                stroke=colour,
                stroke_width=2,
                stroke_dasharray=dash,
            )
        )
        words = f"{name} {fmt(value)}"
        room = text_width(words)
        if rank == 0 and len(lines) == 2:
            label_x, anchor = max(at - 4, room + 2), "end"
        else:
            label_x, anchor = min(at + 4, width - room - 2), "start"
        parts.append(
            text(
                words,
                label_x,
                top - 12,
                anchor=anchor,
                fill=TEXT if colour == DARK_GREY else colour,
                class_="league-reference-label",
            )
        )
    return parts


def _league_row(
    row: LeagueRow,
    value_text: str,
    centre: float,
    left: float,
    width: float,
    x: LinearScale,
    fmt: Callable[[float], str],
) -> str:
    label, value, lower, upper, highlighted = row
    value, lower, upper = _number(value), _number(lower), _number(upper)
    shown = fit_text(label, left - 16, bold=highlighted)
    interval = (
        f" (95% confidence interval {fmt(lower)} to {fmt(upper)})"
        if lower is not None and upper is not None
        else ""
    )
    parts = [
        title_element(f"{label}: {value_text}{interval}"),
        text(shown, left - 12, centre + 4, bold=highlighted, anchor="end", class_="league-label"),
        text(
            value_text, width - 8, centre + 4, bold=highlighted, anchor="end", class_="league-value"
        ),
    ]
    if lower is not None and upper is not None:
        for end in (lower, upper):
            parts.append(
                element(
                    "line",
                    None,
                    x1=x(end),
                    y1=centre - 5,
                    x2=x(end),
                    y2=centre + 5,
                    stroke=DARK_GREY,
                    stroke_width=1.5,
                )
            )
        parts.append(
            element(
                "line",
                None,
                class_="league-interval",
                x1=x(lower),
                y1=centre,
                x2=x(upper),
                y2=centre,
                stroke=DARK_GREY,
                stroke_width=1.5,
            )
        )
    if value is not None:
        parts.append(
            element(
                "circle",
                None,
                class_="league-point",
                cx=x(value),
                cy=centre,
                r=6 if highlighted else 4.5,
                fill=BLUE if highlighted else WHITE,
                stroke=BLUE if highlighted else DARK_GREY,
                stroke_width=2,
            )
        )
    return element(
        "g",
        "".join(parts),
        class_="league-row",
        data_highlighted="true" if highlighted else "false",
    )


def _league_description(
    title: str,
    ranked: Sequence[LeagueRow],
    polarity: str | None,
    target: float | None,
    benchmark: float | None,
    benchmark_label: str,
    fmt: Callable[[float], str],
) -> str:
    order = {
        "higher_is_better": "highest (best) first",
        "lower_is_better": "lowest (best) first",
        None: "in the order given",
    }[polarity]
    words = f"{title}: {len(ranked)} area{'s' if len(ranked) != 1 else ''} compared, {order}."
    for rank, (label, value, lower, upper, highlighted) in enumerate(ranked, start=1):
        if not highlighted:
            continue
        words += f" {label} is {rank} of {len(ranked)} at {display(value, fmt)}"
        if _number(lower) is not None and _number(upper) is not None:
            words += f" (95% confidence interval {display(lower, fmt)} to {display(upper, fmt)})"
        words += "."
    references = []
    if target is not None:
        references.append(f"target {fmt(target)}")
    if benchmark is not None:
        references.append(f"{benchmark_label.lower()} {fmt(benchmark)}")
    if references:
        words += " Lines show the " + " and the ".join(references) + "."
    return words
