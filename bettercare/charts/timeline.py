"""Milestones on a timeline: baseline and revised dates, the slippage between, the status.

One row per milestone. The baseline date is a hollow diamond and the revised date a filled
one; a bar between them shows the slippage in the milestone's status colour; a tick marks
the completion date; each row ends in a tag that names the status in words, so nothing
relies on colour alone. A dashed line marks the date the report is as at.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    GREEN,
    PALE_GREY,
    RED,
    STRIPE,
    TEXT,
    WHITE,
    YELLOW,
    Chart,
    check_id_prefix,
    check_size,
    diamond,
    element,
    svg_document,
    text,
    tick_mark,
    title_element,
)
from bettercare.charts.layout import (
    LEGEND_LINE,
    LinearScale,
    fit_text,
    legend,
    legend_lines,
    text_width,
)
from bettercare.formatting import STATUS_NAMES, short_day

__all__ = ["STATUS_STYLES", "TimelineMilestone", "milestone_timeline"]


@dataclass(frozen=True, slots=True)
class TimelineMilestone:
    """A milestone as the timeline draws it: the chart's own input, so charts need no report
    model. ``status`` is "G", "A", "R" or "complete"."""

    ref: str
    title: str
    baseline_date: date
    revised_date: date | None
    completed_date: date | None
    slippage_days: int
    status: str


#: Status -> (colour, text colour on it, words).
STATUS_STYLES: dict[str, tuple[str, str, str]] = {
    "G": (GREEN, WHITE, "Green"),
    "A": (YELLOW, TEXT, "Amber"),
    "R": (RED, WHITE, "Red"),
    "complete": (DARK_GREY, WHITE, "Complete"),
}
ROW_HEIGHT = 28.0
TAG_WIDTH = 72.0


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _style(status: str) -> tuple[str, str, str]:
    try:
        return STATUS_STYLES[status]
    except KeyError:
        raise ValueError(
            f"milestone status must be one of {sorted(STATUS_STYLES)}, got {status!r}"
        ) from None


def milestone_timeline(
    milestones: Sequence[TimelineMilestone],
    *,
    as_at: date,
    title: str = "Milestones",
    id_prefix: str = "milestones",
    width: float = 720,
) -> Chart:
    """The milestones on a shared date axis, one row each; the height grows with the count.

    Parameters
    ----------
    milestones
        The milestones in the order to show them.
    as_at
        The report date, drawn as a dashed vertical line.
    title
        The accessible title.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width
        Width in pixels.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 360)
    for milestone in milestones:
        _style(milestone.status)
    dates = [as_at]
    for milestone in milestones:
        dates += [milestone.baseline_date]
        dates += [d for d in (milestone.revised_date, milestone.completed_date) if d is not None]
    start, end = _month_start(min(dates)), _next_month(max(dates))
    refs_width = max([32.0] + [text_width(m.ref, bold=True) for m in milestones])
    left = min(refs_width, width * 0.3) + 16  # long refs are cut (the table has them whole)
    right = TAG_WIDTH + 16
    top = 32.0
    rows_bottom = top + ROW_HEIGHT * len(milestones)
    key = _legend_items()
    key_lines = legend_lines(key, left=8, right=width - 4, marker_room=22)
    height = rows_bottom + 58 + LEGEND_LINE * (key_lines - 1)
    x0, x1 = left, width - right
    x = LinearScale(start.toordinal(), end.toordinal(), x0, x1)

    def at(day: date) -> float:
        return x(day.toordinal())

    body: list[str] = []
    for index in range(1, len(milestones), 2):
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
    body.extend(_month_axis(start, end, at, top, rows_bottom, x1))
    as_at_x = at(as_at)
    body.append(
        element(
            "line",
            None,
            class_="timeline-as-at",
            x1=as_at_x,
            y1=top - 6,
            x2=as_at_x,
            y2=rows_bottom + 4,
            stroke=BLUE,
            stroke_width=2,
            stroke_dasharray="4 3",
        )
    )
    as_at_words = f"As at {short_day(as_at)}"
    half = text_width(as_at_words, bold=True) / 2
    label_x = min(max(as_at_x, half + 2), width - half - 2)
    body.append(
        text(
            as_at_words,
            label_x,
            rows_bottom + 18,
            bold=True,
            anchor="middle",
            fill=BLUE,
            class_="timeline-as-at-label",
        )
    )
    for index, milestone in enumerate(milestones):
        centre = top + index * ROW_HEIGHT + ROW_HEIGHT / 2
        body.append(_row(milestone, centre, left, width, at))
    body.append(
        legend(
            key,
            left=8,
            right=width - 4,
            baseline=rows_bottom + 44,
            class_="timeline-legend",
            marker_room=22,
        )
    )

    description = _description(title, milestones, as_at)
    headers = ("Ref", "Title", "Baseline", "Revised", "Completed", "Slippage days", "Status")
    rows = tuple(
        (
            m.ref,
            m.title,
            short_day(m.baseline_date),
            short_day(m.revised_date),
            short_day(m.completed_date),
            str(m.slippage_days),
            _style(m.status)[2],
        )
        for m in milestones
    )
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    return Chart(svg, title, description, headers, rows)


def _month_axis(
    start: date, end: date, at: Callable[[date], float], top: float, rows_bottom: float, x1: float
) -> list[str]:
    """Gridlines and labels every 1, 2, 3, 6, 12 or more months, as they fit."""
    months = []
    month = start
    while month < end:
        months.append(month)
        month = _next_month(month)
    month_px = (at(end) - at(start)) / len(months)
    room = text_width("Sep 2017") + 10
    steps = (1, 2, 3, 6, 12, 24, 60, 120)
    every = next((k for k in steps if k * month_px >= room), steps[-1])
    grid_every = next((k for k in steps if k * month_px >= 8), steps[-1])  # no grey haze
    parts = []
    for index, month in enumerate([*months, end]):
        gx = at(month)
        number = month.year * 12 + month.month - 1
        if number % grid_every == 0 or index in (0, len(months)):
            parts.append(
                element("line", None, x1=gx, y1=top - 6, x2=gx, y2=rows_bottom, stroke=PALE_GREY)
            )
        labelled = number % every == 0  # Jan, Apr, Jul, Oct for every 3 months
        if labelled and index < len(months) and gx + room - 10 <= x1 + 8:
            parts.append(text(f"{month:%b %Y}", gx + 3, top - 12, class_="timeline-month"))
    return parts


def _row(
    milestone: TimelineMilestone,
    centre: float,
    left: float,
    width: float,
    at: Callable[[date], float],
) -> str:
    colour, ink, words = _style(milestone.status)
    baseline = milestone.baseline_date
    current = milestone.revised_date or baseline
    parts = [
        title_element(
            f"{milestone.ref} {milestone.title}: baseline {short_day(baseline)}, revised "
            f"{short_day(milestone.revised_date)}, completed {short_day(milestone.completed_date)}"
            f"; {words.lower()}"
        ),
        text(
            fit_text(milestone.ref, left - 16, bold=True),
            left - 8,
            centre + 4,
            bold=True,
            anchor="end",
            class_="timeline-ref",
        ),
    ]
    bar_start, bar_end = sorted((at(baseline), at(current)))
    if bar_end - bar_start >= 1:
        parts.append(
            element(
                "rect",
                None,
                class_="timeline-slippage",
                x=bar_start,
                y=centre - 5,
                width=bar_end - bar_start,
                height=10,
                fill=colour,
            )
        )
    parts.append(
        diamond(
            at(baseline),
            centre,
            6.5,
            class_="timeline-baseline",
            fill=WHITE,
            stroke=TEXT,
            stroke_width=1.5,
        )
    )
    if milestone.revised_date is not None and milestone.revised_date != baseline:
        parts.append(
            diamond(
                at(milestone.revised_date),
                centre,
                6.5,
                class_="timeline-revised",
                fill=TEXT,
                stroke=WHITE,
                stroke_width=1,
            )
        )
    if milestone.completed_date is not None:
        parts.append(
            tick_mark(
                at(milestone.completed_date),
                centre - 2,
                14,
                class_="timeline-completed",
                stroke=GREEN,
                stroke_width=3,
            )
        )
    tag_x = width - TAG_WIDTH - 4
    parts.append(
        element(
            "rect",
            None,
            class_="timeline-status",
            x=tag_x,
            y=centre - 10,
            width=TAG_WIDTH,
            height=20,
            rx=3,
            fill=colour,
        )
    )
    parts.append(
        text(words, tag_x + TAG_WIDTH / 2, centre + 4, bold=True, anchor="middle", fill=ink)
    )
    return element(
        "g",
        "".join(parts),
        class_="milestone",
        data_ref=milestone.ref,
        data_status=milestone.status,
    )


def _legend_items() -> list[tuple[str, str]]:
    slippage = "".join(
        element("rect", None, x=-9 + 6 * i, y=-5, width=6, height=10, fill=colour)
        for i, colour in enumerate((GREEN, YELLOW, RED))
    )
    as_at = element(
        "line", None, x1=0, y1=-8, x2=0, y2=8, stroke=BLUE, stroke_width=2, stroke_dasharray="4 3"
    )
    return [
        (diamond(0, 0, 6, fill=WHITE, stroke=TEXT, stroke_width=1.5), "Baseline date"),
        (diamond(0, 0, 6, fill=TEXT), "Revised date"),
        (slippage, "Slippage (status colour)"),
        (tick_mark(0, -2, 14, stroke=GREEN, stroke_width=3), "Completed"),
        (as_at, "As at date"),
    ]


def _description(title: str, milestones: Sequence[TimelineMilestone], as_at: date) -> str:
    if not milestones:
        return f"{title}: no milestones to show as at {short_day(as_at)}."
    counts = dict.fromkeys(("complete", "R", "A", "G"), 0)
    for milestone in milestones:
        counts[milestone.status] += 1
    by_status = ", ".join(
        f"{count} {'complete' if status == 'complete' else STATUS_NAMES[status].lower()}"
        for status, count in counts.items()
        if count
    )
    words = (
        f"{title}: {len(milestones)} milestone{'s' if len(milestones) != 1 else ''} as at "
        f"{short_day(as_at)} ({by_status})."
    )
    worst = max(milestones, key=lambda m: m.slippage_days)
    if worst.slippage_days > 0:
        words += f" Most slippage: {worst.ref}, {worst.slippage_days} days."
    return words
