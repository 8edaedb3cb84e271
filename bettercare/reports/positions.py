"""One flattening of a metric's position, shared by every output that shows it.

Core gives a metric's position at a month as a :class:`~bettercare.core.summary.MetricSummary`
(measured) or an :class:`~bettercare.core.summary.AwaitingData` (in force, no actual yet).
:func:`metric_figures` flattens either, once, into :class:`MetricFigures`; from that one record
come

- the metrics JSON contract (``bettercare metrics --format json``, docs/metrics-json.md, and
  the API's ``/metrics``, whose ``MetricOut`` schema publishes the same keys):
  :func:`bettercare.web.performance.contract.metric_json`;
- the report line the pages and the board packs show (:class:`MetricLine`): :func:`report_line`.

So the contract, the pages and the API cannot read a position three ways. Nothing here knows
about Django: the metric's own source and parent come in as plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from bettercare.core.benchmarking import FunnelPosition
from bettercare.core.periods import Month
from bettercare.core.spc_reading import variation_reason
from bettercare.core.summary import AwaitingData, MetricSummary, Observation
from bettercare.core.year_to_date import YearToDate
from bettercare.reports.model import Forecast, MetricLine, YearToDateLine
from bettercare.reports.narrative import (
    additional_information,
    metric_summary,
    year_to_date_sentence,
)

__all__ = [
    "FORECAST_METHODS",
    "NO_FORECAST",
    "TREND_POINTS",
    "FigureBaseline",
    "FigureForecast",
    "MetricFigures",
    "metric_figures",
    "report_line",
    "span_label",
    "year_to_date_line",
]

#: How each forecast method is said in a report.
FORECAST_METHODS = {"run_rate": "at the run rate so far", "seasonal": "by last year's profile"}
#: Why a metric has no forecast, said in a report (by core's forecast basis).
NO_FORECAST = {
    "no_monthly_figures": "No forecast: an annual metric is forecast from its monthly figures, "
    "and none are held for this financial year from April.",
    "not_forecastable": "No forecast: forecasts are made for counts and rates, not for "
    "proportions, averages, scores or quarterly measures.",
    "none": "No forecast: forecasts are made for monthly counts and rates from this financial "
    "year's months, and a month is missing.",
}
#: The sparkline of a report line shows at most this many of the SPC chart's latest months.
TREND_POINTS = 13


@dataclass(frozen=True, slots=True)
class FigureForecast:
    """The year-end forecast of a measured metric; ``method`` is core's name for it."""

    value: float
    lower: float
    upper: float
    target: float | None
    probability_meeting_target: float | None
    method: str


@dataclass(frozen=True, slots=True)
class FigureBaseline:
    """The plan's baseline that applies at the month, on the metric's scale."""

    value: float | None
    period_start: date
    period_end: date


@dataclass(frozen=True, slots=True)
class MetricFigures:
    """A metric's position at a month as flat figures: everything any output shows of it.

    Numbers are as stored or computed (the contract turns them into JSON numbers); an awaiting
    metric has no value, interval, comparison, direction, icons, forecast or trend, and a data
    RAG of ``"NA"``.
    """

    code: str
    name: str
    unit: str
    multiplier: float
    polarity: str
    status: Literal["measured", "awaiting_data"]
    #: The latest actual's period (awaiting data: the period the first value will cover).
    period_start: date
    period_end: date
    numerator: float | None
    denominator: float | None
    value: float | None
    lower: float | None
    upper: float | None
    #: How the interval was computed ("" when there is no value).
    method: str
    target: float | None
    comparison: str | None
    data_rag: str
    direction: str | None
    variation_icon: str | None
    assurance_icon: str | None
    forecast: FigureForecast | None
    warnings: tuple[str, ...]
    baseline: FigureBaseline | None
    #: Where the latest actual came from ("" when it did not say, or awaiting data).
    source: str
    #: The SPC chart's latest values and their months, for a sparkline.
    trend: tuple[float, ...]
    trend_labels: tuple[str, ...]
    #: The financial year to the month against its target (monthly counts and rates).
    year_to_date: YearToDate | None = None
    #: Where the forecast comes from, or why there is none (core's ``FORECAST_BASES``).
    forecast_basis: str = "none"
    #: Why the SPC chart's variation icon reads as it does (``core.spc_reading``); "" without
    #: a chart.
    spc_reading: str = ""


def _baseline(position: MetricSummary | AwaitingData) -> FigureBaseline | None:
    baseline: Observation | None = position.baseline
    if baseline is None:
        return None
    return FigureBaseline(
        baseline.estimate(position.spec).value, baseline.period_start, baseline.period_end
    )


def metric_figures(position: MetricSummary | AwaitingData) -> MetricFigures:
    """Flatten a metric's position (measured or awaiting data) into its figures."""
    spec = position.spec
    if isinstance(position, AwaitingData):
        return MetricFigures(
            code=spec.code,
            name=spec.name,
            unit=spec.unit,
            multiplier=spec.multiplier,
            polarity=spec.polarity,
            status="awaiting_data",
            period_start=position.period_start,
            period_end=position.period_end,
            numerator=None,
            denominator=None,
            value=None,
            lower=None,
            upper=None,
            method="",
            target=position.target_value,
            comparison=None,
            data_rag="NA",
            direction=None,
            variation_icon=None,
            assurance_icon=None,
            forecast=None,
            warnings=(),
            baseline=_baseline(position),
            source="",
            trend=(),
            trend_labels=(),
        )
    latest = position.latest
    estimate = position.estimate
    forecast = position.forecast
    spc = position.spc
    return MetricFigures(
        code=spec.code,
        name=spec.name,
        unit=spec.unit,
        multiplier=spec.multiplier,
        polarity=spec.polarity,
        status="measured",
        period_start=latest.period_start,
        period_end=latest.period_end,
        numerator=latest.numerator,
        denominator=latest.denominator,
        value=estimate.value,
        lower=estimate.lower,
        upper=estimate.upper,
        method=estimate.method,
        target=position.target_value,
        comparison=position.comparison,
        data_rag=position.data_rag,
        direction=position.direction,
        variation_icon=position.variation_icon,
        assurance_icon=position.assurance_icon,
        forecast=None
        if forecast is None
        else FigureForecast(
            forecast.value,
            forecast.lower,
            forecast.upper,
            forecast.target,
            forecast.probability_meeting_target,
            forecast.method,
        ),
        warnings=tuple(position.warnings),
        baseline=_baseline(position),
        source=latest.source,
        trend=() if spc is None else tuple(float(v) for v in spc.values[-TREND_POINTS:]),
        trend_labels=()
        if spc is None
        else tuple(m.label for m in position.spc_months[-TREND_POINTS:]),
        year_to_date=position.year_to_date,
        forecast_basis=position.forecast_basis,
        spc_reading="" if spc is None else variation_reason(spc, position.spc_months).text,
    )


def span_label(start: date, end: date) -> str:
    """A period as people say it: a month, a financial year, or from one month to another."""
    first, last = Month.of(start), Month.of(end)
    if first == last:
        return first.label
    if first.financial_year == last.financial_year and first.month == 4 and last.month == 3:
        return str(first.financial_year)
    return f"{first.label} to {last.label}"


def year_to_date_line(ytd: YearToDate) -> YearToDateLine:
    """The report line of a year to date, with its sentence (ADR 0094)."""
    line = YearToDateLine(
        first_label=ytd.months[0].label,
        last_label=ytd.months[-1].label,
        months=len(ytd.months),
        missing=tuple(m.label for m in sorted((*ytd.missing_actual, *ytd.missing_target))),
        missing_actual=tuple(m.label for m in ytd.missing_actual),
        missing_target=tuple(m.label for m in ytd.missing_target),
        actual=ytd.actual,
        target=ytd.target,
        variance=ytd.variance,
        variance_percent=ytd.variance_percent,
        position=ytd.position,
        better_than_plan=ytd.better_than_plan,
    )
    return replace(line, sentence=year_to_date_sentence(line, ytd.polarity))


def report_line(
    figures: MetricFigures,
    *,
    source: str = "",
    parent_code: str | None = None,
    commentary: str = "",
    spc_rebases: tuple[tuple[str, str], ...] = (),
    month: Month | None = None,
    composition: str = "",
    benchmark: FunnelPosition | None = None,
) -> MetricLine:
    """The report line of a metric's figures, with its plain-English summary.

    ``source`` is the metric's own source, shown when the latest actual names none;
    ``parent_code`` the composite metric it is a part of; ``commentary`` what was written about
    it for the month; ``month`` the report's month (how recent the data are is said against
    it); ``composition`` how a composite measure is formed from its parts (the registry's words);
    ``benchmark`` where the area sits on its peers' funnel plot (said in its additional
    information).
    """
    forecast = figures.forecast
    baseline = figures.baseline
    line = MetricLine(
        code=figures.code,
        name=figures.name,
        unit=figures.unit,
        multiplier=figures.multiplier,
        polarity=figures.polarity,
        period_start=figures.period_start,
        period_end=figures.period_end,
        period_label=span_label(figures.period_start, figures.period_end),
        numerator=figures.numerator,
        denominator=figures.denominator,
        value=figures.value,
        lower=figures.lower,
        upper=figures.upper,
        method=figures.method,
        target=figures.target,
        comparison=figures.comparison,
        data_rag=figures.data_rag,
        direction=figures.direction,
        variation_icon=figures.variation_icon,
        assurance_icon=figures.assurance_icon,
        forecast=None
        if forecast is None
        else Forecast(
            forecast.value,
            forecast.lower,
            forecast.upper,
            forecast.target,
            forecast.probability_meeting_target,
            (
                f"from the monthly figures {FORECAST_METHODS[forecast.method]}"
                if figures.forecast_basis == "monthly_figures"
                else FORECAST_METHODS[forecast.method]
            ),
        ),
        forecast_note=""
        if forecast is not None or figures.status != "measured"
        else NO_FORECAST.get(figures.forecast_basis, ""),
        trend=figures.trend,
        trend_labels=figures.trend_labels,
        source=figures.source or source,
        warnings=figures.warnings,
        parent_code=parent_code,
        status=figures.status,
        baseline=None if baseline is None else baseline.value,
        baseline_label=""
        if baseline is None
        else span_label(baseline.period_start, baseline.period_end),
        commentary=commentary,
        year_to_date=None
        if figures.year_to_date is None
        else year_to_date_line(figures.year_to_date),
        spc_rebases=spc_rebases,
        composition=composition,
    )
    return replace(
        line,
        summary=metric_summary(line),
        additional_information=additional_information(
            line, month, figures.spc_reading, benchmark.sentence if benchmark else ""
        ),
    )
