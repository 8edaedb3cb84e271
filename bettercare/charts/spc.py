"""The NHS "Making Data Count" XmR chart, drawn from a :class:`~bettercare.core.spc.XmrResult`.

The chart follows the Making Data Count conventions: the values as a grey line with a point
per period, the mean as a solid line and the process limits dashed, both stepping where the
series was rebased; special-cause points in blue (improvement), orange (concern) or purple
(neither), and the variation and assurance icons in the top right. Point types differ in
shape and size as well as colour, so the chart reads in greyscale and to people who do not
see colour, and the data table names each point's type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    MID_GREY,
    MISSING,
    ORANGE,
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
    LEGEND_LINE,
    LinearScale,
    legend,
    legend_lines,
    min_step,
    nice_ticks,
    spread_labels,
    text_width,
)
from bettercare.core.spc import RuleSet, XmrResult
from bettercare.formatting import ASSURANCE_WORDS, VARIATION_WORDS, metric_value

__all__ = ["ASSURANCE_BADGES", "POINT_STYLES", "VARIATION_BADGES", "spc_chart"]

IMPROVEMENT = BLUE
CONCERN = ORANGE
NEUTRAL = "#490092"  # the Making Data Count purple

#: Point type -> (shape, colour, size, words). Shape and size differ as well as colour.
POINT_STYLES: dict[str, tuple[str, str, float, str]] = {
    "common_cause": ("circle", MID_GREY, 3.5, "Common cause"),
    "special_cause_improvement": ("circle", IMPROVEMENT, 6, "Special cause: improvement"),
    "special_cause_concern": ("diamond", CONCERN, 7.5, "Special cause: concern"),
    "special_cause_neutral_high": ("square", NEUTRAL, 5.5, "Special cause: neither (high)"),
    "special_cause_neutral_low": ("square", NEUTRAL, 5.5, "Special cause: neither (low)"),
}
#: Variation icon -> (badge colour, letter).
VARIATION_BADGES: dict[str, tuple[str, str]] = {
    "common_cause": (MID_GREY, "~"),
    "improvement_high": (IMPROVEMENT, "H"),
    "improvement_low": (IMPROVEMENT, "L"),
    "concern_high": (CONCERN, "H"),
    "concern_low": (CONCERN, "L"),
    "neutral_high": (NEUTRAL, "H"),
    "neutral_low": (NEUTRAL, "L"),
}
#: Assurance icon -> (badge colour, letter).
ASSURANCE_BADGES: dict[str, tuple[str, str]] = {
    "pass": (IMPROVEMENT, "P"),
    "fail": (CONCERN, "F"),
    "hit_and_miss": (MID_GREY, "?"),
}
MEAN_COLOUR = TEXT
LIMIT_COLOUR = DARK_GREY
LIMIT_DASH = "6 4"
TARGET_COLOUR = RED
TARGET_DASH = "10 3 2 3"
_MONTH = re.compile(
    r"\b(January|February|March|April|May|June|July|August|September|October|November|December)\b"
)


def short_month(label: str) -> str:
    """``August 2017`` as ``Aug 2017``, for axis labels (the table keeps the full label)."""
    return _MONTH.sub(lambda match: match.group(1)[:3], label)


def rule_words(rule: str, rules: RuleSet) -> str:
    """What a special-cause rule means, in words, with the rule set's run lengths."""
    return {
        "astronomical": "Outside the process limits",
        "trend": f"Trend: {rules.trend_points} points rising or falling",
        "two_in_three": "Two of three points near a limit",
        "shift": f"Shift: {rules.shift_points} points on one side of the mean",
    }[rule]


def point_marker(point_type: str, x: float, y: float, tooltip: str) -> str:
    """One point of the chart in the Making Data Count style for its type."""
    shape, colour, size, _ = POINT_STYLES[point_type]
    common = {
        "class_": "spc-point",
        "data_type": point_type,
        "fill": colour,
        "stroke": WHITE,
        "stroke_width": 1 if point_type == "common_cause" else 1.5,
    }
    tip = title_element(tooltip)
    if shape == "circle":
        return element("circle", tip, cx=x, cy=y, r=size, **common)
    if shape == "diamond":
        return diamond(x, y, size, tip, **common)
    return element("rect", tip, x=x - size, y=y - size, width=2 * size, height=2 * size, **common)


def badge(kind: str, icon: str, colour: str, letter: str, words: str, cx: float, cy: float) -> str:
    """A Making Data Count icon as a lettered circle, with its meaning as a tooltip."""
    letter_colour = TEXT if colour == CONCERN else WHITE  # dark on orange for contrast
    size = 20 if letter == "~" else 16
    return element(
        "g",
        title_element(words)
        + element("circle", None, cx=cx, cy=cy, r=15, fill=colour, stroke=WHITE, stroke_width=2)
        + text(
            letter, cx, cy + size * 0.36, size=size, bold=True, anchor="middle", fill=letter_colour
        ),
        class_=f"spc-icon spc-{kind}",
        data_icon=icon,
    )


def _periods(period: Sequence[int]) -> list[tuple[int, int]]:
    """The (first, last) index of each run of equal period numbers."""
    runs: list[tuple[int, int]] = []
    start = 0
    for index in range(1, len(period) + 1):
        if index == len(period) or period[index] != period[start]:
            runs.append((start, index - 1))
            start = index
    return runs


def spc_chart(
    result: XmrResult,
    *,
    labels: Sequence[str],
    title: str,
    unit: str,
    multiplier: float = 1,
    id_prefix: str = "spc",
    width: float = 720,
    height: float = 320,
) -> Chart:
    """An XmR chart of ``result`` in the Making Data Count style.

    Parameters
    ----------
    result
        The chart from :func:`bettercare.core.spc.xmr`.
    labels
        One label per point (e.g. ``"August 2017"``), in order.
    title
        The chart's accessible title.
    unit, multiplier
        How values read, as for :func:`bettercare.formatting.metric_value`.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width, height
        Size in pixels (the markup scales with its ``viewBox``).
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 240)
    height = check_size("height", height, 160)
    n = len(result)
    if len(labels) != n:
        raise ValueError(f"labels must have one label per value ({n}), got {len(labels)}")
    values = [float(v) for v in result.values]
    means = [float(v) for v in result.mean]
    lowers = [float(v) for v in result.lower_limit]
    uppers = [float(v) for v in result.upper_limit]
    periods = [int(p) for p in result.period]

    def fmt(value: float) -> str:
        return metric_value(value, unit, multiplier)

    # Scales: y covers the values, the finite limits and the target.
    shown = values + [v for v in lowers + uppers if math.isfinite(v)]
    if result.target is not None:
        shown.append(result.target)
    line_names = ["Upper limit", "Mean", "Lower limit", "Target"]
    right = max(text_width(name) for name in line_names) + 18
    key = _legend_items(result)
    key_right = width - 84  # the key wraps beside the icons (two badges of 38px)
    bottom = 36.0
    # As many y ticks (up to 5) as leave 16px between labels; the labels set the left margin
    # and the margin where the key starts, so the three are settled together.
    for count in range(5, 0, -1):
        ticks = nice_ticks(min(shown), max(shown), count=count, min_step=min_step(unit, multiplier))
        tick_labels = [fmt(tick) for tick in ticks]
        left = max(48.0, max(text_width(label) for label in tick_labels) + 16)
        top = 50 + LEGEND_LINE * (legend_lines(key, left=left, right=key_right) - 1)
        if (height - bottom - top) / (len(ticks) - 1) >= 16:
            break
    x0, x1, y0, y1 = left, width - right, top, height - bottom
    band = (x1 - x0) / n
    # A little room beyond the end ticks, so no point or line sits on the axis itself.
    pad = (ticks[-1] - ticks[0]) * 0.04
    y = LinearScale(ticks[0] - pad, ticks[-1] + pad, y1, y0)

    def x(index: float) -> float:
        return x0 + (index + 0.5) * band

    body: list[str] = []
    # Grid and y axis.
    for tick, label in zip(ticks, tick_labels, strict=True):
        body.append(element("line", None, x1=x0, y1=y(tick), x2=x1, y2=y(tick), stroke=PALE_GREY))
        body.append(text(label, x0 - 8, y(tick) + 4, anchor="end", class_="spc-y-label"))
    body.append(element("line", None, x1=x0, y1=y0, x2=x0, y2=y1, stroke=DARK_GREY))
    body.append(element("line", None, x1=x0, y1=y1, x2=x1, y2=y1, stroke=DARK_GREY))
    # x axis: a tick per point, labels as often as they fit, always on the latest point.
    short = [short_month(label) for label in labels]
    label_room = max(text_width(label) for label in short) + 12
    every = max(1, math.ceil(label_room / band))
    for index in range(n):
        body.append(
            element("line", None, x1=x(index), y1=y1, x2=x(index), y2=y1 + 4, stroke=DARK_GREY)
        )
        if (n - 1 - index) % every == 0:
            body.append(
                text(short[index], x(index), y1 + 18, anchor="middle", class_="spc-x-label")
            )

    # Mean and limits per period: separate segments, so they step at each rebase.
    runs = _periods(periods)
    for first, last in runs:
        start, end = x0 + first * band, x0 + (last + 1) * band
        for name, series, colour, dash in (
            ("spc-limit spc-upper", uppers, LIMIT_COLOUR, LIMIT_DASH),
            ("spc-limit spc-lower", lowers, LIMIT_COLOUR, LIMIT_DASH),
            ("spc-mean", means, MEAN_COLOUR, None),
        ):
            level = series[first]
            if not math.isfinite(level):
                continue  # a constant series has no moving range, so no limits
            body.append(
                element(
                    "line",
                    None,
                    class_=name,
                    data_period=periods[first],
                    x1=start,
                    y1=y(level),
                    x2=end,
                    y2=y(level),
                    stroke=colour,
                    stroke_width=1.5,
                    stroke_dasharray=dash,
                )
            )
    if result.target is not None:
        body.append(
            element(
                "line",
                None,
                class_="spc-target",
                x1=x0,
                y1=y(result.target),
                x2=x1,
                y2=y(result.target),
                stroke=TARGET_COLOUR,
                stroke_width=2,
                stroke_dasharray=TARGET_DASH,
            )
        )

    # The values: a line, then the points over it.
    path = " ".join(f"{num(x(i))},{num(y(v))}" for i, v in enumerate(values))
    body.append(
        element(
            "polyline",
            None,
            class_="spc-values",
            points=path,
            fill="none",
            stroke=MID_GREY,
            stroke_width=2,
            stroke_linejoin="round",
        )
    )
    for index, (value, point_type) in enumerate(zip(values, result.point_type, strict=True)):
        words = POINT_STYLES[point_type][3]
        rule = result.rule[index]
        tooltip = f"{labels[index]}: {fmt(value)}. {words}" + (
            f" ({rule_words(rule, result.rules).lower()})" if rule else ""
        )
        body.append(point_marker(point_type, x(index), y(value), tooltip))

    # Labels at the right end of the last period's lines, pushed apart where they crowd.
    last = n - 1
    ends = [
        ("Upper limit", uppers[last], LIMIT_COLOUR),
        ("Mean", means[last], MEAN_COLOUR),
        ("Lower limit", lowers[last], LIMIT_COLOUR),
    ]
    if result.target is not None:
        ends.append(("Target", result.target, TARGET_COLOUR))
    ends = [(name, level, colour) for name, level, colour in ends if math.isfinite(level)]
    placed = spread_labels([y(level) + 4 for _, level, _ in ends], gap=14, low=y0, high=y1 + 4)
    for (name, _, colour), label_y in zip(ends, placed, strict=True):
        fill = TEXT if colour == MEAN_COLOUR else colour
        body.append(text(name, x1 + 6, label_y, fill=fill, class_="spc-line-label"))

    body.append(legend(key, left=x0, right=key_right, baseline=20, class_="spc-legend"))
    body.extend(_badges(result, width))

    description = _description(result, labels, title, fmt)
    headers = ("Month", "Value", "Mean", "Lower limit", "Upper limit", "Rule", "Point type")
    rows = tuple(
        (
            labels[i],
            fmt(values[i]),
            display(means[i], fmt),
            display(lowers[i], fmt),
            display(uppers[i], fmt),
            rule_words(rule, result.rules) if (rule := result.rule[i]) else MISSING,
            POINT_STYLES[result.point_type[i]][3],
        )
        for i in range(n)
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


def _legend_items(result: XmrResult) -> list[tuple[str, str]]:
    """A key to the point markers: common cause and the special causes possible."""
    if result.improvement == "neutral":
        entries = [("special_cause_neutral_high", "Special cause: neither")]
    else:
        entries = [
            ("special_cause_improvement", "Improvement"),
            ("special_cause_concern", "Concern"),
        ]
    return [
        (
            point_marker(point_type, 0, 0, words).replace(
                'class="spc-point"', 'class="spc-legend-marker"'
            ),
            words,
        )
        for point_type, words in [("common_cause", "Common cause"), *entries]
    ]


def _badges(result: XmrResult, width: float) -> list[str]:
    """The variation icon and, with a target, the assurance icon, top right."""
    badges = []
    cx = width - 20
    if result.assurance_icon is not None:
        colour, letter = ASSURANCE_BADGES[result.assurance_icon]
        words = ASSURANCE_WORDS[result.assurance_icon]
        badges.append(badge("assurance", result.assurance_icon, colour, letter, words, cx, 20))
        cx -= 38
    colour, letter = VARIATION_BADGES[result.variation_icon]
    words = VARIATION_WORDS[result.variation_icon]
    badges.append(badge("variation", result.variation_icon, colour, letter, words, cx, 20))
    return badges


def _description(
    result: XmrResult, labels: Sequence[str], title: str, fmt: Callable[[float], str]
) -> str:
    n = len(result)
    last = n - 1
    span = f"from {labels[0]} to {labels[last]}" if n > 1 else f"for {labels[0]}"
    limits = (
        f", process limits {fmt(float(result.lower_limit[last]))} to "
        f"{fmt(float(result.upper_limit[last]))}"
        if math.isfinite(float(result.upper_limit[last]))
        else ""
    )
    special = sum(point_type != "common_cause" for point_type in result.point_type)
    sentences = [
        f"{title}: statistical process control chart of {n} points {span}. "
        f"Latest value {fmt(float(result.values[last]))}; mean {fmt(float(result.mean[last]))}"
        f"{limits}; {special} special cause point{'s' if special != 1 else ''}.",
        VARIATION_WORDS[result.variation_icon] + ".",
    ]
    if result.target is not None:
        sentences.append(f"Target {fmt(result.target)}.")
        if result.assurance_icon is not None:
            sentences.append(ASSURANCE_WORDS[result.assurance_icon] + ".")
    return " ".join(sentences)
