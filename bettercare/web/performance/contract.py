"""The public JSON form of a metric's position (``bettercare metrics`` and the API).

Documented in ``docs/metrics-json.md``; the keys and their meaning are a contract with the
people who build reports on it, so they change only with a new version of that document.
"""

from __future__ import annotations

from typing import Any

from bettercare.core.summary import MetricSummary

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
)


def _number(value: float | None) -> float | None:
    return None if value is None else float(value)


def metric_json(summary: MetricSummary) -> dict[str, Any]:
    """One metric's entry, with exactly the documented keys."""
    latest = summary.latest
    estimate = summary.estimate
    forecast = summary.forecast
    return {
        "metric": summary.spec.code,
        "name": summary.spec.name,
        "period_start": latest.period_start.isoformat(),
        "period_end": latest.period_end.isoformat(),
        "numerator": _number(latest.numerator),
        "denominator": _number(latest.denominator),
        "value": _number(estimate.value),
        "lower": _number(estimate.lower),
        "upper": _number(estimate.upper),
        "target": _number(summary.target_value),
        "comparison": summary.comparison,
        "data_rag": summary.data_rag,
        "direction": summary.direction,
        "variation_icon": summary.variation_icon,
        "assurance_icon": summary.assurance_icon,
        "forecast": None
        if forecast is None
        else {
            "value": forecast.value,
            "lower": forecast.lower,
            "upper": forecast.upper,
            "target": forecast.target,
            "probability_meeting_target": forecast.probability_meeting_target,
        },
        "warnings": list(summary.warnings),
    }
