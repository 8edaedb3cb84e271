"""How numbers, money, dates and statistical findings read in bettercare, on the screen and on
paper.

Below both the charts and the reports, which each need it (ADR 0104); pure apart from the UK
time zone that dates are shown in.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bettercare.core.status import STATUS_CAPITALS

#: Times are stored in UTC and shown as the UK reads them.
UK = ZoneInfo("Europe/London")


def local(value: date) -> date:
    """An aware datetime in UK time (a plain date is returned as it is)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UK)
    return value


#: The guidelines' capitals for a RAG status (core's one vocabulary), and Yes/No ratings.
STATUS_NAMES: dict[str, str] = dict(STATUS_CAPITALS.items())
STATUS_NAMES.update(Y="Yes", N="No")
COMPARISON_WORDS = {
    "significantly_better": "statistically significantly better than",
    "better": "better than, but not significantly different from,",
    "worse": "worse than, but not significantly different from,",
    "significantly_worse": "statistically significantly worse than",
}
#: The same comparisons for a value without a confidence interval (a published value only):
#: without the interval nothing can be called significant or not, so the words say only
#: which side of the target the value lies.
COMPARISON_WORDS_WITHOUT_INTERVAL = {
    "significantly_better": "better than",
    "better": "better than",
    "worse": "worse than",
    "significantly_worse": "worse than",
}


def comparison_words(comparison: str, *, has_interval: bool) -> str:
    """How a value compares with its target, in words that claim significance only when the
    value has the confidence interval that significance is judged by."""
    words = COMPARISON_WORDS if has_interval else COMPARISON_WORDS_WITHOUT_INTERVAL
    return words[comparison]


DIRECTION_WORDS = {
    "improving": "improving",
    "worsening": "worsening",
    "no_significant_change": "no significant change",
}
DIRECTION_ARROWS = {"improving": "↑", "worsening": "↓", "no_significant_change": "↔"}
VARIATION_WORDS = {
    "common_cause": "Common cause variation: no significant change",
    "improvement_high": "Special cause variation: improvement (high)",
    "improvement_low": "Special cause variation: improvement (low)",
    "concern_high": "Special cause variation: concern (high)",
    "concern_low": "Special cause variation: concern (low)",
    "neutral_high": "Special cause variation: neither improvement nor concern (high)",
    "neutral_low": "Special cause variation: neither improvement nor concern (low)",
}
ASSURANCE_WORDS = {
    "pass": "The process will consistently meet the target",
    "fail": "The process will consistently fail the target",
    "hit_and_miss": "The process will sometimes meet and sometimes miss the target",
}


def number(value: float | None, places: int = 2) -> str:
    """A number with thousands separators, e.g. ``1,611`` or ``294.95``."""
    if value is None:
        return "–"
    if places == 0 or (float(value).is_integer() and abs(value) >= 1000):
        return f"{value:,.0f}"
    return f"{value:,.{places}f}"


def quantity(value: Decimal | None) -> str:
    """A decimal count as written, without trailing zeros: ``12``, ``4.5``, ``1,611``."""
    if value is None:
        return "–"
    return format(Decimal(value).normalize(), ",f")


def metric_value(value: float | None, unit: str, multiplier: float = 1) -> str:
    """A metric value as boards read it: percentages with %, counts whole, rates to 2 dp."""
    if value is None:
        return "–"
    if unit == "proportion" and multiplier == 100:
        return f"{value:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "mean":
        return f"{value:,.1f}"
    return f"{value:,.2f}"


def kpi_target(target: Decimal | None, unit: str) -> str:
    """A local KPI's target as the plan writes it: ``80%``, ``3 portions/day``, ``1,200
    referrals``; ``No target set`` without one."""
    if target is None:
        return "No target set"
    text = f"{target.normalize():,f}"
    unit = unit.strip()
    if unit in ("%", "per cent", "percent"):
        return f"{text}%"
    return f"{text} {unit}" if unit else text


def money(amount: Decimal | float | None, *, short: bool = False) -> str:
    """Pounds: ``£1,300,000``, or short as ``£1.3m`` / ``£223k``."""
    if amount is None:
        return "–"
    value = float(amount)
    sign = "-" if value < 0 else ""
    size = abs(value)
    if short and size >= 1_000_000:
        return f"{sign}£{size / 1_000_000:,.1f}m"
    if short and size >= 1_000:
        return f"{sign}£{size / 1_000:,.0f}k"
    return f"{sign}£{size:,.0f}"


def day(value: date | None) -> str:
    """``8 September 2017``."""
    if value is None:
        return "–"
    value = local(value)
    return f"{value.day} {value:%B %Y}"


def short_day(value: date | None) -> str:
    """``8 Sep 2017``."""
    if value is None:
        return "–"
    value = local(value)
    return f"{value.day} {value:%b %Y}"


def chance(probability: float | None) -> str:
    """A probability as people say it: "less than 1%", "about 35%", "more than 99%"."""
    if probability is None:
        return "–"
    if probability < 0.01:
        return "less than 1%"
    if probability > 0.99:
        return "more than 99%"
    return f"about {probability * 100:.0f}%"


def percent(fraction: float | None, places: int = 0) -> str:
    if fraction is None:
        return "–"
    return f"{fraction * 100:.{places}f}%"
