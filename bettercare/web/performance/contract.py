"""The public JSON form of a metric's position (``bettercare metrics`` and the API).

Documented in ``docs/metrics-json.md``; the keys and their meaning are a contract with the
people who build reports on it, so they change only with a new version of that document.
"""

from __future__ import annotations

from typing import Any

from bettercare.core.summary import AwaitingData, MetricSummary, Observation

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


def _baseline(summary: MetricSummary | AwaitingData) -> dict[str, Any] | None:
    baseline: Observation | None = summary.baseline
    if baseline is None:
        return None
    return {
        "value": _number(baseline.estimate(summary.spec).value),
        "period_start": baseline.period_start.isoformat(),
        "period_end": baseline.period_end.isoformat(),
    }


def metric_json(
    summary: MetricSummary | AwaitingData, commentary: str | None = None
) -> dict[str, Any]:
    """One metric's entry, with exactly the documented keys.

    ``commentary`` is what the metric's owner or the programme manager wrote about it for the
    month (``None``, or blank, when nothing was written).
    """
    if isinstance(summary, AwaitingData):
        return {
            "metric": summary.spec.code,
            "name": summary.spec.name,
            "period_start": summary.period_start.isoformat(),
            "period_end": summary.period_end.isoformat(),
            "numerator": None,
            "denominator": None,
            "value": None,
            "lower": None,
            "upper": None,
            "target": _number(summary.target_value),
            "comparison": None,
            "data_rag": "NA",
            "direction": None,
            "variation_icon": None,
            "assurance_icon": None,
            "forecast": None,
            "warnings": [],
            "baseline": _baseline(summary),
            "status": summary.status,
            "commentary": commentary or None,
        }
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
        "baseline": _baseline(summary),
        "status": summary.status,
        "commentary": commentary or None,
    }
