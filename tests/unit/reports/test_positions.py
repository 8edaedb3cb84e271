"""One flattening of a metric's position: the figures, the report line and the contract."""

from datetime import date

from bettercare.core.periods import Month
from bettercare.core.summary import MetricSpec, Observation, metric_position
from bettercare.reports.positions import (
    TREND_POINTS,
    FigureBaseline,
    metric_figures,
    report_line,
    span_label,
)

ADMISSIONS = MetricSpec("nel", "Non-elective admissions", "count", 1, "lower_is_better")
AUGUST = Month(2017, 8)


def monthly(first: Month, counts: list[int]) -> list[Observation]:
    return [
        Observation((first + i).first_day, (first + i).last_day, numerator=n, source="SUS")
        for i, n in enumerate(counts)
    ]


ACTUALS = monthly(Month(2016, 4), [100 + (i % 5) for i in range(17)])  # April 2016 to August 2017
TARGETS = [Observation(date(2017, 4, 1), date(2018, 3, 31), numerator=1200)]
BASELINES = [Observation(date(2016, 4, 1), date(2017, 3, 31), numerator=1230)]


def test_a_measured_position_flattens_to_its_latest_value_target_and_trend():
    position = metric_position(ADMISSIONS, ACTUALS, TARGETS, BASELINES, AUGUST)
    figures = metric_figures(position)
    assert figures.status == "measured"
    assert (figures.code, figures.name, figures.unit) == ("nel", "Non-elective admissions", "count")
    assert (figures.period_start, figures.period_end) == (date(2017, 8, 1), date(2017, 8, 31))
    assert figures.numerator == 101  # the 17th month: 100 + 16 % 5
    assert figures.value == 101.0
    assert figures.target == 100.0  # the year's 1,200 pro-rated to a month
    assert figures.baseline == FigureBaseline(1230.0, date(2016, 4, 1), date(2017, 3, 31))
    assert figures.source == "SUS"
    assert len(figures.trend) == TREND_POINTS
    assert figures.trend[-1] == 101.0
    assert figures.trend_labels[-1] == "August 2017"
    assert figures.forecast is not None
    assert figures.forecast.method in ("run_rate", "seasonal")


def test_a_position_awaiting_data_has_no_value_and_a_data_rag_of_na():
    position = metric_position(ADMISSIONS, [], TARGETS, BASELINES, AUGUST)
    figures = metric_figures(position)
    assert figures.status == "awaiting_data"
    assert (figures.value, figures.lower, figures.upper, figures.numerator) == (None,) * 4
    assert (figures.data_rag, figures.comparison, figures.forecast) == ("NA", None, None)
    assert figures.target == 100.0
    assert figures.baseline == FigureBaseline(1230.0, date(2016, 4, 1), date(2017, 3, 31))
    assert (figures.trend, figures.warnings, figures.source, figures.method) == ((), (), "", "")


def test_the_report_line_says_the_periods_and_falls_back_to_the_metric_source():
    awaiting = metric_figures(metric_position(ADMISSIONS, [], TARGETS, BASELINES, AUGUST))
    line = report_line(awaiting, source="Plan", parent_code="bcf", commentary="Late data")
    assert line.awaiting_data
    assert (line.period_label, line.baseline_label) == ("August 2017", "2016-17")
    assert (line.source, line.parent_code, line.commentary) == ("Plan", "bcf", "Late data")
    assert line.baseline == 1230.0
    measured = report_line(
        metric_figures(metric_position(ADMISSIONS, ACTUALS, TARGETS, BASELINES, AUGUST)),
        source="Plan",
    )
    assert measured.source == "SUS"  # the actual's own source wins
    assert measured.forecast is not None
    assert measured.forecast.method in ("at the run rate so far", "by last year's profile")
    assert measured.summary.startswith("In August 2017")


def test_a_span_is_said_as_a_month_a_financial_year_or_a_range():
    assert span_label(date(2017, 8, 1), date(2017, 8, 31)) == "August 2017"
    assert span_label(date(2016, 4, 1), date(2017, 3, 31)) == "2016-17"
    assert span_label(date(2017, 7, 1), date(2017, 9, 30)) == "July 2017 to September 2017"


def test_the_contract_entry_of_either_kind_has_exactly_the_documented_keys():
    from bettercare.web.performance.contract import KEYS, metric_json

    for actuals in (ACTUALS, []):
        entry = metric_json(metric_position(ADMISSIONS, actuals, TARGETS, BASELINES, AUGUST), "")
        assert tuple(entry) == KEYS
        assert entry["commentary"] is None
        assert entry["baseline"] == {
            "value": 1230.0,
            "period_start": "2016-04-01",
            "period_end": "2017-03-31",
        }
