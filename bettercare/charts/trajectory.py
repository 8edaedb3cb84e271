"""A metric's plan drawn before (and beside) its actuals: target trajectory, baseline, values.

An area's plan sets a target for each period and states a baseline, often months before the
first actual arrives. This chart draws what the plan says — the target for each period as a
dashed step, the baseline as a dotted line — and each actual that has arrived as a point with
its 95% confidence interval, so the page has a picture from the day the plan is imported.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    MID_GREY,
    PALE_GREY,
    RED,
    TEXT,
    Chart,
    check_id_prefix,
    check_size,
    display,
    element,
    svg_document,
    text,
    title_element,
)
from bettercare.charts.layout import LinearScale, legend, min_step, nice_ticks, text_width
from bettercare.formatting import metric_value

__all__ = ["PlanPoint", "trajectory_chart"]


@dataclass(frozen=True, slots=True)
class PlanPoint:
    """One period of the plan: its label, target and (once it has arrived) actual."""

    label: str
    target: float | None = None
    actual: float | None = None
    lower: float | None = None
    upper: float | None = None


def _finite(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def trajectory_chart(
    points: Sequence[PlanPoint],
    *,
    title: str,
    unit: str,
    multiplier: float = 1,
    baseline: float | None = None,
    baseline_label: str = "",
    id_prefix: str = "plan",
    width: float = 720,
    height: float = 300,
) -> Chart:
    """The plan's target trajectory with the baseline and any actuals.

    Parameters
    ----------
    points
        The periods in order, each with its target and, when measured, the actual and its
        interval.
    title
        The chart's accessible title.
    unit, multiplier
        How values read, as for :func:`bettercare.formatting.metric_value`.
    baseline, baseline_label
        The plan's baseline value and the period it describes (e.g. ``2012-13``).
    id_prefix
        Unique on the page.
    width, height
        Size in pixels.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 240)
    height = check_size("height", height, 160)
    if not points:
        raise ValueError("points must hold at least one period, got none")

    def fmt(value: float) -> str:
        return metric_value(value, unit, multiplier)

    shown = [
        v
        for p in points
        for v in (p.target, p.actual, p.lower, p.upper)
        if v is not None and _finite(v)
    ]
    if baseline is not None and _finite(baseline):
        shown.append(baseline)
    if not shown:
        shown = [0.0]
    ticks = nice_ticks(min(shown), max(shown), min_step=min_step(unit, multiplier))
    left = max(text_width(fmt(t)) for t in ticks) + 14
    top, bottom, right = 16.0, 78.0, 16.0
    plot_w, plot_h = width - left - right, height - top - bottom
    y = LinearScale(ticks[0], ticks[-1], top + plot_h, top)
    step = plot_w / len(points)

    def x(index: int) -> float:
        return left + step * (index + 0.5)

    body: list[str] = []
    for tick in ticks:
        body.append(
            element(
                "line", None, x1=left, x2=left + plot_w, y1=y(tick), y2=y(tick), stroke=PALE_GREY
            )
        )
        body.append(text(fmt(tick), left - 6, y(tick) + 4, anchor="end", fill=TEXT))
    every = max(1, math.ceil(len(points) / max(1, plot_w // 60)))
    for index, point in enumerate(points):
        if index % every == 0:
            body.append(text(point.label, x(index), top + plot_h + 16, anchor="middle", fill=TEXT))
    if baseline is not None and _finite(baseline):
        body.append(
            element(
                "line",
                title_element(f"Baseline {baseline_label}: {fmt(baseline)}".replace("  ", " ")),
                x1=left,
                x2=left + plot_w,
                y1=y(baseline),
                y2=y(baseline),
                stroke=MID_GREY,
                stroke_width=2,
                stroke_dasharray="2 3",
                class_="plan-baseline",
            )
        )
    # The target: a dashed step across each period that has one.
    for index, point in enumerate(points):
        if point.target is not None and _finite(point.target):
            body.append(
                element(
                    "line",
                    title_element(f"Target, {point.label}: {fmt(point.target)}"),
                    x1=x(index) - step / 2,
                    x2=x(index) + step / 2,
                    y1=y(point.target),
                    y2=y(point.target),
                    stroke=RED,
                    stroke_width=2,
                    stroke_dasharray="6 4",
                    class_="plan-target",
                )
            )
    for index, point in enumerate(points):
        if point.actual is None or not _finite(point.actual):
            continue
        if _finite(point.lower) and _finite(point.upper):
            assert point.lower is not None
            assert point.upper is not None
            body.append(
                element(
                    "line",
                    None,
                    x1=x(index),
                    x2=x(index),
                    y1=y(point.lower),
                    y2=y(point.upper),
                    stroke=DARK_GREY,
                    stroke_width=1.5,
                    class_="plan-interval",
                )
            )
        body.append(
            element(
                "circle",
                title_element(f"{point.label}: {fmt(point.actual)}"),
                cx=x(index),
                cy=y(point.actual),
                r=4,
                fill=BLUE,
                class_="plan-actual",
            )
        )
    key = [
        (
            element(
                "line",
                None,
                x1=-8,
                x2=8,
                y1=0,
                y2=0,
                stroke=RED,
                stroke_width=2,
                stroke_dasharray="6 4",
            ),
            "Target",
        ),
        (element("circle", None, cx=0, cy=0, r=4, fill=BLUE), "Actual (95% interval)"),
    ]
    if baseline is not None and _finite(baseline):
        key.append(
            (
                element(
                    "line",
                    None,
                    x1=-8,
                    x2=8,
                    y1=0,
                    y2=0,
                    stroke=MID_GREY,
                    stroke_width=2,
                    stroke_dasharray="2 3",
                ),
                "Baseline",
            )
        )
    body.append(
        legend(key, left=left, right=left + plot_w, baseline=height - 30, class_="plan-legend")
    )

    measured = sum(1 for p in points if _finite(p.actual))
    targets = [p for p in points if _finite(p.target)]
    words = [f"{len(targets)} of {len(points)} periods have a target"]
    words.append(
        "no actual value has arrived yet"
        if not measured
        else f"{measured} {'has' if measured == 1 else 'have'} an actual value"
    )
    if baseline is not None and _finite(baseline):
        words.append(f"the baseline is {fmt(baseline)}")
    description = "; ".join(words) + "."
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
    )
    rows = tuple(
        (
            p.label,
            display(p.target, fmt),
            display(p.actual, fmt),
            (f"{fmt(p.lower)} to {fmt(p.upper)}")
            if p.lower is not None and p.upper is not None and _finite(p.lower)
            else display(None, fmt),
        )
        for p in points
    )
    return Chart(svg, title, description, ("Period", "Target", "Actual", "95% interval"), rows)
