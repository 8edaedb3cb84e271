"""Small charts that sit inside a table row or a summary card: a sparkline and a progress bar."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from decimal import Decimal

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    MID_GREY,
    PALE_GREY,
    RED,
    TEXT,
    WHITE,
    Chart,
    check_id_prefix,
    check_size,
    display,
    element,
    num,
    svg_document,
    text,
)
from bettercare.charts.layout import (
    LinearScale,
    fit_text,
    text_width,
)
from bettercare.formatting import metric_value, money, percent

__all__ = ["progress_bar", "sparkline"]

POLARITY_WORDS = {"higher_is_better": "higher is better", "lower_is_better": "lower is better"}


def _meets(value: float, target: float, polarity: str | None) -> bool | None:
    if polarity == "higher_is_better":
        return value >= target
    if polarity == "lower_is_better":
        return value <= target
    return None


def sparkline(
    values: Sequence[float | None],
    *,
    labels: Sequence[str],
    title: str,
    unit: str = "rate",
    multiplier: float = 1,
    polarity: str | None = None,
    target: float | None = None,
    id_prefix: str = "spark",
    width: float = 120,
    height: float = 32,
) -> Chart:
    """A word-sized line of recent values, the latest marked, with the target dashed.

    Parameters
    ----------
    values
        The series in time order; ``None`` or NaN leaves a gap.
    labels
        One label per value (e.g. months), for the description and the table.
    title
        The accessible title, e.g. the metric's name.
    unit, multiplier
        How values read, as for :func:`bettercare.formatting.metric_value`.
    polarity
        ``"higher_is_better"`` or ``"lower_is_better"``, to say whether the latest value
        meets the target; ``None`` when neither.
    target
        Drawn as a dashed red line when given.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width, height
        Size in pixels.
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 24)
    height = check_size("height", height, 12)
    if len(labels) != len(values):
        raise ValueError(f"labels must have one label per value ({len(values)}), got {len(labels)}")
    if polarity is not None and polarity not in POLARITY_WORDS:
        raise ValueError(
            f"polarity must be one of {sorted(POLARITY_WORDS)} or None, got {polarity!r}"
        )
    numbers = [math.nan if v is None else float(v) for v in values]

    def fmt(value: float) -> str:
        return metric_value(value, unit, multiplier)

    finite = [v for v in numbers if math.isfinite(v)]
    shown = finite + ([target] if target is not None else [])
    pad = 4.0  # room for the latest point's marker
    body: list[str] = []
    if shown:
        low, high = min(shown), max(shown)
        x = LinearScale(0, max(len(numbers) - 1, 1), pad, width - pad)
        y = LinearScale(low, high, height - pad, pad)
        if target is not None:
            body.append(
                element(
                    "line",
                    None,
                    class_="spark-target",
                    x1=0,
                    y1=y(target),
                    x2=width,
                    y2=y(target),
                    stroke=RED,
                    stroke_width=1,
                    stroke_dasharray="3 2",
                )
            )
        # One polyline per run of values between gaps.
        run: list[str] = []
        for index, value in enumerate([*numbers, math.nan]):
            if math.isfinite(value):
                run.append(f"{num(x(index))},{num(y(value))}")
                continue
            if run:
                body.append(
                    element(
                        "polyline",
                        None,
                        class_="spark-line",
                        points=" ".join(run),
                        fill="none",
                        stroke=DARK_GREY,
                        stroke_width=1.5,
                        stroke_linejoin="round",
                    )
                )
            run = []
        if finite:
            latest = max(i for i, v in enumerate(numbers) if math.isfinite(v))
            body.append(
                element(
                    "circle",
                    None,
                    class_="spark-latest",
                    cx=x(latest),
                    cy=y(numbers[latest]),
                    r=2.75,
                    fill=BLUE,
                )
            )

    description = _sparkline_description(numbers, labels, title, fmt, polarity, target)
    rows = tuple((label, display(value, fmt)) for label, value in zip(labels, numbers, strict=True))
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
        background=None,
    )
    return Chart(svg, title, description, ("Period", "Value"), rows)


def _sparkline_description(
    numbers: Sequence[float],
    labels: Sequence[str],
    title: str,
    fmt: Callable[[float], str],
    polarity: str | None,
    target: float | None,
) -> str:
    finite = [(label, v) for label, v in zip(labels, numbers, strict=True) if math.isfinite(v)]
    if not finite:
        return f"{title}: no values to show."
    first_label, last_label = labels[0], labels[-1]
    latest_label, latest = finite[-1]
    span = f"from {first_label} to {last_label}" if len(labels) > 1 else f"for {first_label}"
    words = (
        f"{title}: {len(finite)} values {span}, lowest {fmt(min(v for _, v in finite))}, "
        f"highest {fmt(max(v for _, v in finite))}; latest {fmt(latest)} ({latest_label})."
    )
    if target is not None:
        meets = _meets(latest, target, polarity)
        verdict = "" if meets is None else (" which it meets" if meets else " which it misses")
        words += f" Target {fmt(target)}{verdict}."
    if polarity is not None:
        words += f" {POLARITY_WORDS[polarity].capitalize()}."
    return words


def progress_bar(
    achieved: float | Decimal,
    target: float | Decimal,
    *,
    title: str,
    id_prefix: str = "progress",
    width: float = 360,
) -> Chart:
    """Savings (or any money) achieved against a target, as a filled bar with the percentage.

    Parameters
    ----------
    achieved
        The amount achieved so far, in pounds.
    target
        The target amount in pounds (greater than zero); the full bar.
    title
        The accessible title.
    id_prefix
        Unique on the page: the ids of the title and description start with it.
    width
        Width in pixels; the height is fixed (56).
    """
    prefix = check_id_prefix(id_prefix)
    width = check_size("width", width, 120)
    done, goal = float(achieved), float(target)
    if not math.isfinite(done):
        raise ValueError(f"achieved must be a finite amount, got {achieved!r}")
    if not (math.isfinite(goal) and goal > 0):
        raise ValueError(f"target must be an amount greater than zero, got {target!r}")
    fraction = done / goal
    height = 56.0
    bar_top, bar_height = 22.0, 24.0
    track = width - 2
    filled = track * min(max(fraction, 0.0), 1.0)
    label = percent(fraction)
    caption = f"{money(done, short=True)} achieved of {money(goal, short=True)} target"
    body = [
        text(fit_text(caption, width - 2), 1, 14, class_="progress-caption"),
        element(
            "rect",
            None,
            class_="progress-track",
            x=1,
            y=bar_top,
            width=track,
            height=bar_height,
            fill=PALE_GREY,
            stroke=MID_GREY,
        ),
    ]
    if filled > 0:
        body.append(
            element(
                "rect",
                None,
                class_="progress-fill",
                x=1,
                y=bar_top,
                width=filled,
                height=bar_height,
                fill=BLUE,
            )
        )
    label_width = text_width(label, 14, bold=True)
    baseline = bar_top + bar_height / 2 + 5
    if filled >= label_width + 12:  # inside the fill, white on blue
        body.append(
            text(label, 1 + filled - 6, baseline, size=14, bold=True, anchor="end", fill=WHITE)
        )
    else:  # beyond the fill, on the track
        body.append(text(label, 1 + filled + 6, baseline, size=14, bold=True, fill=TEXT))
    description = (
        f"{title}: {money(done)} achieved against a target of {money(goal)} ({percent(fraction)})."
    )
    headers = ("Achieved", "Target", "Proportion achieved")
    rows = ((money(done), money(goal), percent(fraction)),)
    svg = svg_document(
        id_prefix=prefix,
        width=width,
        height=height,
        title=title,
        description=description,
        body=body,
        background=None,
    )
    return Chart(svg, title, description, headers, rows)
