"""A calibration plot: observed rate against mean predicted risk, by tenth of predicted risk.

Points on the diagonal are perfectly calibrated; above it the model under-predicts, below it
over-predicts. The same figures are the chart's data table. Steyerberg, *Clinical Prediction
Models* (2nd ed., 2019), ch. 15.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bettercare.charts.base import (
    BLUE,
    DARK_GREY,
    MID_GREY,
    PALE_GREY,
    Chart,
    check_size,
    element,
    num,
    svg_document,
    text,
    title_element,
)

__all__ = ["calibration_plot"]


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def calibration_plot(
    deciles: Sequence[Mapping[str, float]],
    *,
    title: str,
    id_prefix: str = "calibration",
    size: float = 320,
) -> Chart:
    """The calibration plot of ``deciles`` (each with ``decile``, ``mean_predicted``, ``observed``).

    Parameters
    ----------
    deciles
        Tenths of the population by predicted risk, from
        :func:`bettercare.risk.evaluation.calibration_deciles`.
    title
        The chart's accessible name.
    """
    size = check_size("size", size, 160)
    margin = 48.0
    plot = size - margin - 12
    top = max([0.05, *(max(row["mean_predicted"], row["observed"]) for row in deciles)])
    top = min(1.0, top * 1.1)

    def x(value: float) -> float:
        return margin + plot * value / top

    def y(value: float) -> float:
        return 12 + plot - plot * value / top

    body = [
        element(
            "rect", None, x=margin, y=12, width=plot, height=plot, fill="none", stroke=PALE_GREY
        ),
        element(
            "line",
            None,
            x1=x(0),
            y1=y(0),
            x2=x(top),
            y2=y(top),
            stroke=MID_GREY,
            stroke_dasharray="4 3",
        ),
    ]
    for fraction in (0.0, 0.5, 1.0):
        value = top * fraction
        body.append(text(_percent(value), x(value), size - 20, anchor="middle", fill=DARK_GREY))
        body.append(text(_percent(value), margin - 4, y(value) + 4, anchor="end", fill=DARK_GREY))
    body.append(text("Mean predicted risk", margin + plot / 2, size - 4, anchor="middle"))
    points = " ".join(f"{num(x(r['mean_predicted']))},{num(y(r['observed']))}" for r in deciles)
    if deciles:
        body.append(
            element("polyline", None, points=points, fill="none", stroke=BLUE, stroke_width=2)
        )
    for row in deciles:
        words = (
            f"Tenth {int(row['decile'])}: predicted {_percent(row['mean_predicted'])}, "
            f"observed {_percent(row['observed'])}"
        )
        body.append(
            element(
                "circle",
                title_element(words),
                cx=x(row["mean_predicted"]),
                cy=y(row["observed"]),
                r=4,
                fill=BLUE,
            )
        )
    description = (
        "Observed rate (vertical) against mean predicted risk (horizontal) in each tenth of "
        "the population by predicted risk; the dashed diagonal is perfect calibration."
    )
    svg = svg_document(
        id_prefix=id_prefix,
        width=size,
        height=size,
        title=title,
        description=description,
        body=body,
    )
    rows = tuple(
        (str(int(r["decile"])), _percent(r["mean_predicted"]), _percent(r["observed"]))
        for r in deciles
    )
    return Chart(svg, title, description, ("Tenth", "Mean predicted", "Observed"), rows)
