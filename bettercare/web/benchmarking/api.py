"""The benchmarking answer of the JSON API: its schema and how a benchmark becomes JSON.

The endpoint itself is registered with the other operations in ``bettercare.web.api``.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from ninja import Field, Schema

from bettercare.web.benchmarking.queries import MetricBenchmark


class BenchmarkPeersOut(Schema):
    key: str = Field(description="The peer set: region, icb or a peer group's code.")
    name: str
    description: str
    areas: int = Field(description="How many areas the peer set has (not all may be shown).")


class BenchmarkAreaOut(Schema):
    code: str = Field(description="The area's ONS code.")
    name: str
    numerator: float | None = Field(description="Events (null when suppressed).")
    denominator: float | None = Field(description="Population (null when suppressed).")
    value: float | None = Field(description="The value on the metric's scale (null if suppressed).")
    lower: float | None = Field(description="Lower end of the 95% confidence interval.")
    upper: float | None = Field(description="Upper end of the 95% confidence interval.")
    significance: str | None = Field(
        description="PHE's funnel-plot label: High (0.001), High (0.025), Low (0.025), "
        "Low (0.001), Not significant, or Not applicable for events less than 10 for dsrs; "
        "null without a funnel (or when suppressed)."
    )
    suppressed: bool = Field(description="True when 1 to 7 events: figures are withheld.")


class BenchmarkFunnelOut(Schema):
    statistic: str = Field(description="PHE's description, e.g. 'rate (crude per 100,000)'.")
    method: str = Field(description="Wilson (proportions) or Poisson (rates).")
    axis_name: str = Field(description="Population (proportions) or Events (rates).")
    axis: list[float] = Field(description="PHE's 100 axis points.")
    lower_2s: list[float] = Field(description="The lower 95% limit at each axis point.")
    upper_2s: list[float]
    lower_3s: list[float] = Field(description="The lower 99.8% limit at each axis point.")
    upper_3s: list[float]
    population: dict[str, list[float]] = Field(
        description="Rates only: the population at which each limit sits (x positions)."
    )
    baseline: float = Field(description="The funnel's centre: the peer set's figure.")


class BenchmarkOut(Schema):
    metric: str = Field(description="The metric's code.")
    name: str
    unit: str
    multiplier: float
    polarity: str
    period_start: date
    period_end: date
    peers: BenchmarkPeersOut
    peer_value: float | None = Field(description="The peer set's pooled figure, or null.")
    contributing: int = Field(description="Areas whose figures make the peer value.")
    hidden: int = Field(description="Contributing areas you may not see (not listed).")
    notes: list[str] = Field(description="Why anything is withheld or not computed.")
    areas: list[BenchmarkAreaOut] = Field(description="The peer set's areas you may see.")
    funnel: BenchmarkFunnelOut | None


def _finite(values: Any) -> list[float]:
    return [float(v) if math.isfinite(v) else 0.0 for v in values]


def benchmark_json(bench: MetricBenchmark) -> dict[str, Any]:
    """The answer of ``GET /api/areas/{code}/metrics/{metric}/benchmark``."""
    metric = bench.metric
    funnel = None
    if bench.funnel is not None:
        table = bench.funnel.table
        population = {}
        if table.axis_name == "Events":
            population = {
                name: _finite(getattr(table, f"{name}_expected"))
                for name in ("lower_2s", "upper_2s", "lower_3s", "upper_3s")
            }
        funnel = {
            "statistic": table.statistic,
            "method": table.method,
            "axis_name": table.axis_name,
            "axis": _finite(table.axis),
            "lower_2s": _finite(table.lower_2s_limit),
            "upper_2s": _finite(table.upper_2s_limit),
            "lower_3s": _finite(table.lower_3s_limit),
            "upper_3s": _finite(table.upper_3s_limit),
            "population": population,
            "baseline": table.baseline,
        }
    return {
        "metric": metric.code,
        "name": metric.name,
        "unit": metric.unit,
        "multiplier": float(metric.multiplier),
        "polarity": metric.polarity,
        "period_start": bench.period_start,
        "period_end": bench.period_end,
        "peers": {
            "key": bench.peers.key,
            "name": bench.peers.name,
            "description": bench.peers.description,
            "areas": len(bench.peers.areas),
        },
        "peer_value": bench.centre,
        "contributing": bench.contributing,
        "hidden": bench.hidden,
        "notes": list(bench.notes),
        "areas": [
            {
                "code": row.area.code,
                "name": row.area.name,
                "numerator": row.numerator,
                "denominator": row.denominator,
                "value": row.value,
                "lower": None if row.suppressed else row.estimate.lower,
                "upper": None if row.suppressed else row.estimate.upper,
                "significance": row.significance,
                "suppressed": row.suppressed,
            }
            for row in bench.rows
        ],
        "funnel": funnel,
    }
