"""The public JSON form of a metric's position (``bettercare metrics`` and the API).

Documented in ``docs/metrics-json.md``; the keys and their meaning are a contract with the
people who build reports on it, so they change only with a new version of that document.
An entry is drawn from the one flattening of a position that the pages and packs share
(:mod:`bettercare.reports.positions`).
"""

from __future__ import annotations

from typing import Any

from bettercare.core.summary import AwaitingData, MetricSummary
from bettercare.reports.positions import MetricFigures, metric_figures

KEYS = (
    "metric",
    "name",
    "period_start",
    "period_end",
    "numerator",
    "denominator",
    "value",
    "lower",
    "upper",
    "target",
    "comparison",
    "data_rag",
    "direction",
    "variation_icon",
    "assurance_icon",
    "forecast",
    "warnings",
    "baseline",
    "status",
    "commentary",
)
#: The version of ``docs/metrics-json.md`` these keys follow.
VERSION = 3


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def figures_json(figures: MetricFigures, commentary: str | None = None) -> dict[str, Any]:
    """The contract's entry for a metric's figures, with exactly the documented keys."""
    forecast = figures.forecast
    baseline = figures.baseline
    return {
        "metric": figures.code,
        "name": figures.name,
        "period_start": figures.period_start.isoformat(),
        "period_end": figures.period_end.isoformat(),
        "numerator": _number(figures.numerator),
        "denominator": _number(figures.denominator),
        "value": _number(figures.value),
        "lower": _number(figures.lower),
        "upper": _number(figures.upper),
        "target": _number(figures.target),
        "comparison": figures.comparison,
        "data_rag": figures.data_rag,
        "direction": figures.direction,
        "variation_icon": figures.variation_icon,
        "assurance_icon": figures.assurance_icon,
        "forecast": None
        if forecast is None
        else {
            "value": forecast.value,
            "lower": forecast.lower,
            "upper": forecast.upper,
            "target": forecast.target,
            "probability_meeting_target": forecast.probability_meeting_target,
        },
        "warnings": list(figures.warnings),
        "baseline": None
        if baseline is None
        else {
            "value": _number(baseline.value),
            "period_start": baseline.period_start.isoformat(),
            "period_end": baseline.period_end.isoformat(),
        },
        "status": figures.status,
        "commentary": commentary or None,
    }


def metric_json(
    summary: MetricSummary | AwaitingData, commentary: str | None = None
) -> dict[str, Any]:
    """One metric's entry, with exactly the documented keys.

    ``commentary`` is what the metric's owner or the programme manager wrote about it for the
    month (``None``, or blank, when nothing was written).
    """
    return figures_json(metric_figures(summary), commentary)
