"""The performance summary: plain-English sentences written from the statistics.

Board members read "Performance is statistically significantly worse than the target of
278.57, with a 95% confidence interval of 280.72 to 309.71" rather than a table of limits;
the sentences here say exactly what the numbers say, no more. A value without a confidence
interval (a published value only) is better or worse than its target, never significantly
so or not: without the interval, significance cannot be judged.
"""

from __future__ import annotations

from bettercare.core.periods import Month
from bettercare.formatting import (
    DIRECTION_WORDS,
    STATUS_NAMES,
    chance,
    comparison_words,
    metric_value,
    number,
)
from bettercare.reports.model import MetricLine, YearToDateLine


def _value(line: MetricLine, value: float | None) -> str:
    return metric_value(value, line.unit, line.multiplier)


def _rate_words(line: MetricLine) -> str:
    if line.unit == "rate":
        return f"a rate of {_value(line, line.value)} per {number(line.multiplier, 0)}"
    if line.unit == "dsr":
        return f"an age-standardised rate of {_value(line, line.value)} per {number(line.multiplier, 0)}"
    if line.unit == "proportion":
        return f"{_value(line, line.value)}"
    return _value(line, line.value)


def _no_interval(line: MetricLine) -> str:
    """Why a value has no confidence interval, in words."""
    if line.numerator is None:
        return "with no numerator and denominator there is no confidence interval"
    return "there is no confidence interval for this value"


def metric_sentences(line: MetricLine) -> list[str]:
    """The sentences for one metric: the figure, against the target, the trend, the forecast."""
    sentences = []
    if line.awaiting_data:
        sentences.append(f"Data not yet available for {line.period_label}.")
        if line.target is not None:
            sentences.append(f"The plan's target is {_value(line, line.target)}.")
        if line.baseline is not None:
            sentences.append(
                f"The baseline ({line.baseline_label}) is {_value(line, line.baseline)}."
            )
        return sentences
    if line.value is None:
        return [f"There is no value for {line.period_label} that can be shown."]
    figure = f"In {line.period_label} the figure was {_rate_words(line)}"
    if (
        line.numerator is not None
        and line.denominator is not None
        and line.unit
        in (
            "rate",
            "proportion",
        )
    ):
        figure += f" ({number(line.numerator, 0)} out of {number(line.denominator, 0)})"
    sentences.append(figure + ".")
    if line.target is not None and line.comparison is not None:
        has_interval = line.lower is not None and line.upper is not None
        text = (
            f"Performance is {comparison_words(line.comparison, has_interval=has_interval)} "
            f"the target of {_value(line, line.target)}"
        )
        if has_interval:
            text += (
                f", with a 95% confidence interval of {_value(line, line.lower)} to "
                f"{_value(line, line.upper)}"
            )
        else:
            text += f"; {_no_interval(line)}, so significance cannot be judged"
        sentences.append(f"{text}. It is rated {STATUS_NAMES.get(line.data_rag, line.data_rag)}.")
    elif line.target is None:
        sentences.append("There is no target for this period.")
    if line.direction is not None:
        sentences.append(f"Compared with the previous period: {DIRECTION_WORDS[line.direction]}.")
    forecast = line.forecast
    if forecast is not None:
        text = (
            f"The year-end forecast ({forecast.method}) is {_value(line, forecast.value)} "
            f"(95% interval {_value(line, forecast.lower)} to {_value(line, forecast.upper)})"
        )
        if forecast.target is not None and forecast.probability_meeting_target is not None:
            text += (
                f" against a target of {_value(line, forecast.target)}; the chance of meeting "
                f"the target is {chance(forecast.probability_meeting_target)}"
            )
        sentences.append(text + ".")
    return sentences


def metric_summary(line: MetricLine) -> str:
    return " ".join(metric_sentences(line))


#: What a variance's side of the plan means, by polarity: said, not coloured (ADR 0094).
_BETTER_SIDE = {"lower_is_better": "fewer is better", "higher_is_better": "more is better"}


def year_to_date_sentence(ytd: YearToDateLine, polarity: str) -> str:
    """The year to date against its target, as the board paper says it: "Year to date
    (April to August 2017): 26,913 against 25,196 planned, a variance of +1,717 (6.8% above
    plan, where fewer is better)." Months left out of both figures are named. The variance
    said is that of the whole numbers said, so the sentence adds up as it reads."""
    first, last = ytd.first_label, ytd.last_label
    if first == last:
        span = first
    else:
        # "April to August 2017", as the paper says it, when the months share their year.
        month, _, year = first.rpartition(" ")
        span = f"{month if last.endswith(year) else first} to {last}"
    text = (
        f"Year to date ({span}): {number(ytd.actual, 0)} against {number(ytd.target, 0)} "
        f"planned, a variance of {round(ytd.actual) - round(ytd.target):+,}"
    )
    if ytd.variance_percent is not None and ytd.position != "on":
        text += f" ({abs(ytd.variance_percent):.1f}% {ytd.position} plan"
        side = _BETTER_SIDE.get(polarity)
        text += f", where {side})" if side else ")"
    text += "."
    for months, reason in (
        (ytd.missing_actual, "no actual"),
        (ytd.missing_target, "no target"),
    ):
        if months:
            verb = "has" if len(months) == 1 else "have"
            text += f" {_listed(months)} {verb} {reason} and {'is' if verb == 'has' else 'are'} "
            text += "left out of both figures."
    return text


def _listed(items: tuple[str, ...]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def additional_information(
    line: MetricLine, month: Month | None = None, spc_reading: str = "", benchmark: str = ""
) -> tuple[str, ...]:
    """The dashboard's "Additional information" for a metric: context the seed's board paper
    writes by hand ("Current data shows the figure for Apr 2014", "Annual activity baseline =
    9913"), here each sentence generated from a figure bettercare holds, so none says more
    than its statistic. In order: how recent the data are against the report ``month``, the
    plan's baseline, the year to date against its target (ADR 0094), why the SPC chart's
    variation icon reads as it does (``spc_reading``, from ``core.spc_reading``) and where the
    area sits on its peers' funnel plot (``benchmark``, core's
    ``FunnelPosition.sentence``; ADR 0119).
    """
    sentences = []
    if line.awaiting_data:
        sentences.append(f"The first figure will cover {line.period_label}.")
    elif month is not None:
        behind = Month.of(line.period_end).months_until(month)
        if behind > 0:
            sentences.append(
                f"The latest data are for {line.period_label}, {behind} "
                f"month{'s' if behind != 1 else ''} before {month.label}."
            )
        elif behind == 0:
            sentences.append(
                f"The latest data are for {line.period_label}, up to the report month."
            )
    if line.baseline is not None and not line.awaiting_data:
        sentences.append(f"The baseline ({line.baseline_label}) is {_value(line, line.baseline)}.")
    if line.year_to_date is not None:
        sentences.append(line.year_to_date.sentence)
    if spc_reading:
        sentences.append(f"SPC reading: {spc_reading}")
    if benchmark and not line.awaiting_data:
        sentences.append(benchmark)
    return tuple(sentences)
