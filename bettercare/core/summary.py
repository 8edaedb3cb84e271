"""The latest position of a metric: value, interval, target, RAG, direction, SPC icons, forecast.

This is the one place that turns a metric's stored values into the figures every front end
shows (the ``bettercare metrics`` command, the web pages, the API and the board packs), so
they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Literal, TypeAlias

from bettercare.core.forecast import YearEndForecast, run_rate, seasonal
from bettercare.core.indicators import (
    Bands,
    MetricEstimate,
    Unit,
    metric_estimate,
    metric_point_value,
    published_value_mismatch,
)
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import Status, data_rag
from bettercare.core.spc import AssuranceIcon, VariationIcon, XmrResult, xmr
from bettercare.core.stats import Comparison, Direction, Estimate, Polarity, compare_to_target
from bettercare.core.stats import direction_of_travel as stats_direction_of_travel

__all__ = [
    "MIN_SPC_POINTS",
    "MetricSpec",
    "MetricSummary",
    "Observation",
    "month_span",
    "summarise_metric",
]

Frequency: TypeAlias = Literal["month", "quarter", "year"]
#: Fewer monthly points than this give no SPC icons (trial limits need a year of data).
MIN_SPC_POINTS = 12


@dataclass(frozen=True, slots=True)
class MetricSpec:
    """What the summary needs to know about a metric's definition."""

    code: str
    name: str
    unit: Unit
    multiplier: float
    polarity: Polarity
    frequency: Frequency = "month"


@dataclass(frozen=True, slots=True)
class Observation:
    """One stored value of a metric for a period (an actual or a target)."""

    period_start: date
    period_end: date
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    bands: Bands | None = None
    warnings: tuple[str, ...] = ()
    source: str = ""

    def estimate(self, spec: MetricSpec) -> MetricEstimate:
        return metric_estimate(
            spec.unit,
            multiplier=spec.multiplier,
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
            bands=self.bands,
        )

    def contains(self, other: Observation) -> bool:
        return self.period_start <= other.period_start and other.period_end <= self.period_end

    @property
    def months(self) -> int:
        """Calendar months the period spans (1 for a month, 3 for a quarter, 12 for a year)."""
        return month_span(self.period_start, self.period_end)


@lru_cache(maxsize=8192)
def month_span(start: date, end: date) -> int:
    """Number of calendar months from ``start``'s month to ``end``'s month, inclusive."""
    return Month.of(start).months_until(Month.of(end)) + 1


@dataclass(frozen=True)
class MetricSummary:
    """The latest position of a metric at a month, with everything derived from it."""

    spec: MetricSpec
    latest: Observation
    estimate: MetricEstimate
    target: Observation | None
    target_value: float | None
    comparison: Comparison | None
    data_rag: Status
    previous: Observation | None
    direction: Direction | None
    spc: XmrResult | None
    spc_months: tuple[Month, ...]
    forecast: YearEndForecast | None
    warnings: tuple[str, ...] = field(default=())

    @property
    def variation_icon(self) -> VariationIcon | None:
        return None if self.spc is None else self.spc.variation_icon

    @property
    def assurance_icon(self) -> AssuranceIcon | None:
        return None if self.spc is None else self.spc.assurance_icon


def _target_value(spec: MetricSpec, target: Observation) -> float | None:
    return target.estimate(spec).value


def _find_target(
    spec: MetricSpec, targets: Sequence[Observation], latest: Observation
) -> Observation | None:
    containing = [t for t in targets if t.contains(latest) and _target_value(spec, t) is not None]
    if not containing:
        return None
    return min(containing, key=lambda t: (t.months, t.period_start))


def _improvement(polarity: Polarity) -> Literal["increase", "decrease"]:
    return "decrease" if polarity == "lower_is_better" else "increase"


def _monthly(actuals: Sequence[Observation]) -> list[Observation]:
    return [a for a in actuals if a.months == 1 and a.period_start.day == 1]


def _spc(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    target: float | None,
) -> tuple[XmrResult | None, tuple[Month, ...]]:
    points: list[tuple[Month, float]] = []
    for observation in _monthly(actuals):
        value = metric_point_value(
            spec.unit,
            multiplier=spec.multiplier,
            numerator=observation.numerator,
            denominator=observation.denominator,
            value=observation.value,
            bands=observation.bands,
        )
        if value is not None:
            points.append((Month.of(observation.period_start), value))
    if len(points) < MIN_SPC_POINTS:
        return None, ()
    months = tuple(month for month, _ in points)
    chart = xmr(
        [value for _, value in points],
        improvement=_improvement(spec.polarity),
        target=target,
    )
    return chart, months


def _forecast(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    latest: Observation,
    target: Observation | None,
    target_value: float | None,
) -> YearEndForecast | None:
    if spec.frequency != "month" or spec.unit not in ("count", "rate") or latest.months != 1:
        return None
    year = FinancialYear.of(latest.period_start)
    by_month = {Month.of(a.period_start): a for a in _monthly(actuals) if a.numerator is not None}
    this_year = [by_month.get(month) for month in year.months()]
    observed = this_year[: year.month_number(Month.of(latest.period_start))]
    if any(o is None for o in observed):
        return None
    counts = [float(o.numerator) for o in observed if o is not None and o.numerator is not None]
    last_year = [by_month.get(month) for month in FinancialYear(year.start_year - 1).months()]
    profile = [o.numerator for o in last_year if o is not None and o.numerator is not None]
    annual_target = (
        target_value
        if target is not None
        and target.period_start <= year.start
        and target.period_end >= year.end
        else None
    )
    denominator: float | None = None
    multiplier = 1.0
    if spec.unit == "rate":
        denominators = [o.denominator for o in observed if o is not None and o.denominator]
        if len(denominators) != len(observed):
            return None
        # A monthly rate's year-end figure is the average monthly rate over the year.
        denominator = 12 * sum(denominators) / len(denominators)
        multiplier = spec.multiplier
    if len(profile) == 12 and sum(profile[: len(counts)]) > 0:
        return seasonal(
            counts,
            profile,
            target=annual_target,
            polarity=spec.polarity,
            denominator=denominator,
            multiplier=multiplier,
        )
    return run_rate(
        counts,
        target=annual_target,
        polarity=spec.polarity,
        denominator=denominator,
        multiplier=multiplier,
    )


def summarise_metric(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    targets: Sequence[Observation],
    month: Month,
) -> MetricSummary | None:
    """The position of a metric at the end of ``month``.

    Parameters
    ----------
    spec : MetricSpec
    actuals : sequence of Observation
        The metric's actual values for the area, any order.
    targets : sequence of Observation
        The metric's targets for the area.
    month : Month
        Values ending after this month are ignored.

    Returns
    -------
    MetricSummary or None
        None when there is no actual value ending in or before ``month``.

    Notes
    -----
    - the latest value is the actual ending last (the shortest period on a tie);
    - the target is the one whose period contains the value's period (the shortest such); a
      count target for a longer period is pro-rated by months;
    - the comparison uses :func:`~bettercare.core.stats.compare_to_target` and the data RAG
      the ``meets_target`` policy;
    - the direction of travel compares with the previous actual of the same length;
    - SPC runs over the monthly actuals when there are at least :data:`MIN_SPC_POINTS`;
    - the forecast is for monthly counts and rates: the financial year's total (or average
      monthly rate) by last year's profile when a full year is available, else the run rate.
    """
    cutoff = month.last_day
    known = sorted(
        (a for a in actuals if a.period_end <= cutoff),
        key=lambda a: (a.period_end, -a.months, a.period_start),
    )
    if not known:
        return None
    latest = known[-1]
    estimate = latest.estimate(spec)
    warnings = list(latest.warnings)
    mismatch = published_value_mismatch(
        spec.unit,
        multiplier=spec.multiplier,
        numerator=latest.numerator,
        denominator=latest.denominator,
        value=latest.value,
    )
    if mismatch and not any(mismatch in warning for warning in warnings):
        warnings.append(mismatch + "; the computed value is shown")

    target = _find_target(spec, targets, latest)
    target_value = None if target is None else _target_value(spec, target)
    if (
        target is not None
        and target_value is not None
        and spec.unit == "count"
        and target.months != latest.months
    ):
        # A count target for a longer period is compared pro rata by months.
        whole = target_value
        target_value = whole * latest.months / target.months
        warnings.append(
            f"the count target of {whole:,g} for {target.months} months is pro-rated to "
            f"{target_value:,.1f} for the {latest.months}-month period"
        )
    comparison: Comparison | None = None
    compared = estimate.estimate
    if target_value is not None and compared is not None:
        result = compare_to_target(compared, target_value, polarity=spec.polarity)
        comparison = result if isinstance(result, str) else None

    same_length = [
        a for a in known if a.months == latest.months and a.period_end < latest.period_start
    ]
    previous = same_length[-1] if same_length else None
    direction: Direction | None = None
    if previous is not None:
        before = previous.estimate(spec).estimate
        now = estimate.estimate
        if isinstance(before, Estimate) and isinstance(now, Estimate):
            moved = stats_direction_of_travel(now, before, polarity=spec.polarity)
            direction = moved if isinstance(moved, str) else None

    year = FinancialYear.of(latest.period_start)
    year_target = next(
        (
            value
            for t in sorted(targets, key=lambda t: t.months)
            if t.period_start <= year.start
            and t.period_end >= year.end
            and (value := _target_value(spec, t)) is not None
        ),
        target_value,
    )
    spc, spc_months = _spc(spec, known, year_target)
    forecast = _forecast(
        spec, known, latest, target, None if target is None else _target_value(spec, target)
    )
    return MetricSummary(
        spec=spec,
        latest=latest,
        estimate=estimate,
        target=target,
        target_value=target_value,
        comparison=comparison,
        data_rag=data_rag(comparison),
        previous=previous,
        direction=direction,
        spc=spc,
        spc_months=spc_months,
        forecast=forecast,
        warnings=tuple(warnings),
    )
