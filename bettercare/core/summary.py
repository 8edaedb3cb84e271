"""The latest position of a metric: value, interval, target, RAG, direction, SPC icons, forecast.

This is the one place that turns a metric's stored values into the figures every front end
shows (the ``bettercare metrics`` command, the web pages, the API and the board packs), so
they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
from bettercare.core.spc_reading import rebase_positions
from bettercare.core.stats import Comparison, Direction, Estimate, Polarity, compare_to_target
from bettercare.core.stats import direction_of_travel as stats_direction_of_travel
from bettercare.core.year_to_date import MonthlyActual, YearToDate, year_to_date

__all__ = [
    "FORECAST_BASES",
    "MIN_SPC_POINTS",
    "AwaitingData",
    "ForecastBasis",
    "MetricPosition",
    "MetricSpec",
    "MetricSummary",
    "Observation",
    "expected_period",
    "latest_baseline",
    "metric_in_force",
    "metric_position",
    "month_span",
    "position_period",
    "summarise_metric",
    "target_for",
]

Frequency: TypeAlias = Literal["month", "quarter", "year"]
#: Where a metric's year-end forecast comes from, or why it has none:
#: ``monthly``: a monthly count or rate, from its months so far; ``monthly_figures``: an
#: annual count or rate, from the monthly figures held for it this year (ADR 0111);
#: ``no_monthly_figures``: an annual count or rate with no monthly figures from April to the
#: month; ``not_forecastable``: a proportion, mean or score, or a quarterly metric, which
#: have no year-end count to forecast; ``none``: a monthly metric whose months so far are
#: incomplete.
ForecastBasis: TypeAlias = Literal[
    "monthly", "monthly_figures", "no_monthly_figures", "not_forecastable", "none"
]
FORECAST_BASES: tuple[ForecastBasis, ...] = (
    "monthly",
    "monthly_figures",
    "no_monthly_figures",
    "not_forecastable",
    "none",
)
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
    #: For a mean: the sum of the squared record-level values (gives its interval).
    sum_of_squares: float | None = None

    def estimate(self, spec: MetricSpec) -> MetricEstimate:
        return metric_estimate(
            spec.unit,
            multiplier=spec.multiplier,
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
            bands=self.bands,
            sum_of_squares=self.sum_of_squares,
        )

    def published_mismatch(self, spec: MetricSpec) -> str | None:
        """Why the published value disagrees with the numerator and denominator by more than
        rounding (:func:`~bettercare.core.indicators.published_value_mismatch`), or None."""
        return published_value_mismatch(
            spec.unit,
            multiplier=spec.multiplier,
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
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


def position_period(frequency: str, start: date, end: date) -> bool:
    """Whether an actual for ``start`` to ``end`` can be a metric's position (its latest
    value, compared with its target and its peers).

    Every actual can, except a month of an annual metric: an annual metric's monthly figures
    (e.g. a council's own monthly counts of permanent admissions, held in the metric's series
    over the year's population) forecast its year end (ADR 0111) and are never read as the
    annual measure, nor compared with an annual target or with other areas' annual figures.

    Examples
    --------
    >>> position_period("year", date(2017, 4, 1), date(2017, 4, 30))
    False
    >>> position_period("year", date(2016, 4, 1), date(2017, 3, 31))
    True
    >>> position_period("month", date(2017, 4, 1), date(2017, 4, 30))
    True
    """
    return not (frequency == "year" and month_span(start, end) == 1)


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
    baseline: Observation | None = None
    #: The financial year to the month against its target, like for like (ADR 0094).
    year_to_date: YearToDate | None = None
    #: The first month of each SPC period after the first (the rebases applied to the chart).
    spc_rebases: tuple[Month, ...] = ()
    #: Where the forecast comes from, or why there is none (:data:`FORECAST_BASES`).
    forecast_basis: ForecastBasis = "none"

    #: The metric has an actual value ending in or before the month.
    status: Literal["measured"] = "measured"

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
    rebases: Sequence[Month] = (),
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
        rebase_at=rebase_positions(months, rebases),
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


def _annual_from_monthly(
    spec: MetricSpec,
    monthly: Sequence[Observation],
    targets: Sequence[Observation],
    month: Month,
) -> YearEndForecast | None:
    """The year-end forecast of an annual count or rate from its monthly figures this year.

    The monthly figures of ``month``'s financial year, from April without a gap up to the
    latest, are forecast with :func:`~bettercare.core.forecast.seasonal` when last year's
    twelve months give a profile, else :func:`~bettercare.core.forecast.run_rate`. A rate's
    monthly figures each carry the year's denominator (the population), so the year-end rate
    is the forecast count over their mean denominator, times the multiplier. The target is
    the annual target whose period covers the year.
    """
    year = month.financial_year
    by_month = {
        Month.of(o.period_start): o
        for o in monthly
        if o.numerator is not None and o.period_end <= month.last_day
    }
    counts: list[float] = []
    denominators: list[float] = []
    for current in year.months():
        found = by_month.get(current)
        if found is None or found.numerator is None:
            break
        counts.append(float(found.numerator))
        if found.denominator:
            denominators.append(float(found.denominator))
    later = [m for m in by_month if m.financial_year == year and year.month_number(m) > len(counts)]
    if not counts or later:
        return None  # none this year, or a gap before the latest: not a year to date
    denominator: float | None = None
    multiplier = 1.0
    if spec.unit == "rate":
        if len(denominators) != len(counts):
            return None
        denominator = sum(denominators) / len(denominators)
        multiplier = spec.multiplier
    target = next(
        (
            value
            for t in sorted(targets, key=lambda t: t.months)
            if t.period_start <= year.start
            and t.period_end >= year.end
            and (value := _target_value(spec, t)) is not None
        ),
        None,
    )
    profile = [
        float(o.numerator)
        for m in FinancialYear(year.start_year - 1).months()
        if (o := by_month.get(m)) is not None and o.numerator is not None
    ]
    if len(profile) == 12 and sum(profile[: len(counts)]) > 0:
        return seasonal(
            counts,
            profile,
            target=target,
            polarity=spec.polarity,
            denominator=denominator,
            multiplier=multiplier,
        )
    return run_rate(
        counts,
        target=target,
        polarity=spec.polarity,
        denominator=denominator,
        multiplier=multiplier,
    )


def _year_to_date(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    targets: Sequence[Observation],
    month: Month,
) -> YearToDate | None:
    if spec.frequency != "month":
        return None
    year = month.financial_year
    monthly = {
        Month.of(a.period_start): MonthlyActual(a.numerator, a.denominator)
        for a in _monthly(actuals)
        if year.start <= a.period_start and a.period_end <= month.last_day
    }
    if not monthly:
        return None
    planned: dict[Month, float] = {}
    for current in monthly:
        _, value = target_for(spec, targets, current.first_day, current.last_day)
        if value is not None:
            planned[current] = value
    return year_to_date(
        spec.unit,
        multiplier=spec.multiplier,
        polarity=spec.polarity,
        month=month,
        actuals=monthly,
        targets=planned,
    )


def summarise_metric(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    targets: Sequence[Observation],
    month: Month,
    *,
    rebases: Sequence[Month] = (),
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
    rebases : sequence of Month
        The first month of each new SPC period recorded for the metric (ADR 0095): the chart
        recalculates its mean and limits from the first point in or after each.

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
      monthly rate) by last year's profile when a full year is available, else the run rate;
    - the year to date (monthly counts and rates) adds up the financial year's months to
      ``month`` that have both an actual and a target (:mod:`bettercare.core.year_to_date`);
      each month's target is :func:`target_for` its month (a longer count target pro-rated).
    """
    cutoff = month.last_day
    annual_monthly: list[Observation] = []
    if spec.frequency == "year":
        # An annual metric's monthly figures forecast its year end; they are not its position,
        # which is annual (or an in-year measure over a longer period).
        annual_monthly = [
            a for a in actuals if not position_period("year", a.period_start, a.period_end)
        ]
        actuals = [a for a in actuals if position_period("year", a.period_start, a.period_end)]
    known = sorted(
        (a for a in actuals if a.period_end <= cutoff),
        key=lambda a: (a.period_end, -a.months, a.period_start),
    )
    if not known:
        return None
    latest = known[-1]
    estimate = latest.estimate(spec)
    warnings = list(latest.warnings)
    mismatch = latest.published_mismatch(spec)
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
    spc, spc_months = _spc(spec, known, year_target, rebases)
    spc_rebases = (
        ()
        if spc is None
        else tuple(
            spc_months[i] for i in range(1, len(spc_months)) if spc.period[i] != spc.period[i - 1]
        )
    )
    basis: ForecastBasis
    if spec.unit not in ("count", "rate") or spec.frequency == "quarter":
        forecast, basis = None, "not_forecastable"
    elif spec.frequency == "year":
        forecast = _annual_from_monthly(spec, annual_monthly, targets, month)
        basis = "no_monthly_figures" if forecast is None else "monthly_figures"
    else:
        forecast = _forecast(
            spec, known, latest, target, None if target is None else _target_value(spec, target)
        )
        basis = "none" if forecast is None else "monthly"
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
        year_to_date=_year_to_date(spec, known, targets, month),
        spc_rebases=spc_rebases,
        forecast_basis=basis,
    )


@dataclass(frozen=True)
class AwaitingData:
    """A metric in force for the month with no actual value yet: the plan before its actuals.

    The period is the one the first value will cover (:func:`expected_period`); the target and
    baseline are the plan's, found by the same rules as for a measured metric.
    """

    spec: MetricSpec
    period_start: date
    period_end: date
    target: Observation | None
    target_value: float | None
    baseline: Observation | None
    status: Literal["awaiting_data"] = "awaiting_data"


#: What :func:`metric_position` gives: the measured position, or the plan awaiting its data.
MetricPosition: TypeAlias = "MetricSummary | AwaitingData"


def expected_period(frequency: Frequency, month: Month) -> tuple[date, date]:
    """The period of the given frequency that contains ``month``.

    A month is itself; a quarter is the financial quarter (April–June, July–September,
    October–December, January–March); a year is the financial year (April to March).
    """
    if frequency == "month":
        return month.first_day, month.last_day
    if frequency == "quarter":
        first = month - (month.financial_year.month_number(month) - 1) % 3
        return first.first_day, (first + 2).last_day
    if frequency == "year":
        year = month.financial_year
        return year.start, year.end
    raise ValueError(f"frequency must be month, quarter or year, got {frequency!r}")


def latest_baseline(baselines: Sequence[Observation], month: Month) -> Observation | None:
    """The baseline that ends last in or before ``month`` (the shortest on a tie); else the
    earliest-starting baseline (a plan may state a baseline for a period not yet over)."""
    if not baselines:
        return None
    ended = [b for b in baselines if b.period_end <= month.last_day]
    if ended:
        return max(ended, key=lambda b: (b.period_end, -b.months, b.period_start))
    return min(baselines, key=lambda b: (b.period_start, b.months))


def metric_in_force(
    month: Month,
    *,
    applies_from: FinancialYear | None = None,
    applies_to: FinancialYear | None = None,
    spans: Sequence[tuple[date, date]] = (),
) -> bool:
    """Whether a metric is in force for an area in ``month``.

    Parameters
    ----------
    month : Month
    applies_from, applies_to : FinancialYear or None
        The financial years a national metric applies in (from the registry); ``applies_to``
        None means it still applies. Both None for a local metric.
    spans : sequence of (date, date)
        The periods of the area's own baselines, targets and actuals of the metric.

    Returns
    -------
    bool
        True when the registry's years cover the month's financial year, or when the month
        lies between the start of the financial year of the area's earliest value of the
        metric and the end of the financial year *after* that of its latest: a plan's metric
        is in force for the years its plan and data cover, and its last value stays the latest
        for a year (a year's figure is published during the next).
    """
    year = month.financial_year
    if (
        applies_from is not None
        and applies_from <= year
        and (applies_to is None or year <= applies_to)
    ):
        return True
    if not spans:
        return False
    first = FinancialYear.of(min(start for start, _ in spans))
    last = FinancialYear.of(max(end for _, end in spans))
    return first <= year <= FinancialYear(last.start_year + 1)


def target_for(
    spec: MetricSpec, targets: Sequence[Observation], start: date, end: date
) -> tuple[Observation | None, float | None]:
    """The target for the period ``start`` to ``end`` and its value.

    The target whose period contains the period (the shortest such); a count target for a
    longer period is pro-rated by months, as :func:`summarise_metric` does.
    """
    target = _find_target(spec, targets, Observation(period_start=start, period_end=end))
    value = None if target is None else _target_value(spec, target)
    if target is not None and value is not None and spec.unit == "count":
        months = month_span(start, end)
        if target.months != months:
            value = value * months / target.months
    return target, value


def metric_position(
    spec: MetricSpec,
    actuals: Sequence[Observation],
    targets: Sequence[Observation],
    baselines: Sequence[Observation],
    month: Month,
    *,
    rebases: Sequence[Month] = (),
) -> MetricSummary | AwaitingData:
    """The position of a metric in force at ``month``: measured, or awaiting its data.

    The measured position is :func:`summarise_metric` with the latest baseline added; without
    an actual ending in or before the month the metric is :class:`AwaitingData` for the period
    of its frequency containing the month, with the target whose period contains that period.
    """
    baseline = latest_baseline(baselines, month)
    summary = summarise_metric(spec, actuals, targets, month, rebases=rebases)
    if summary is not None:
        return replace(summary, baseline=baseline)
    start, end = expected_period(spec.frequency, month)
    target, target_value = target_for(spec, targets, start, end)
    return AwaitingData(
        spec=spec,
        period_start=start,
        period_end=end,
        target=target,
        target_value=target_value,
        baseline=baseline,
    )
