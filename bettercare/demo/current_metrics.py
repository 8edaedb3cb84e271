"""The demo's current BCF years: the three 2025-26 headline metrics, April 2025 onwards.

Each area's monthly emergency admissions of people aged 65 and over (a rate per 100,000),
its monthly average discharge delay from the discharge ready date (a mean of days: total days
delayed over discharges with a discharge ready date) and its quarterly long-term care home
admissions of people aged 65 and over (a rate per 100,000), as aggregates of the records a
pipeline would count. :mod:`bettercare.demo.pipeline_adapter` is the one place that decides
where these aggregates come from.

Every month's figures come from their own seeded generator, so that a month's figures never
change when a later month is added: the demo moves with the calendar without rewriting its
history. Targets are the plan's: a monthly (quarterly) trajectory for each year from the
2024-25 baseline, set before the year starts and so never drawn from its actuals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from bettercare.core.periods import FinancialYear, Month
from bettercare.demo.areas import LEICESTERSHIRE, Hwb
from bettercare.demo.metrics import NEL_SEASON
from bettercare.demo.timeline import CURRENT_FROM, Row, days_in, months, rng_for

EMERGENCY = "bcf_emergency_admissions_65"
DELAY = "bcf_discharge_delay"
CARE_HOME = "bcf_care_home_admissions_65"
CURRENT_METRICS = (EMERGENCY, DELAY, CARE_HOME)
#: The older metric each current one follows on from, for schemes that carry on.
SUCCESSORS = {
    "bcf_dtoc": DELAY,
    "bcf_reablement_91_days": DELAY,
    "bcf_non_elective_admissions": EMERGENCY,
    "bcf_falls_injuries_65": EMERGENCY,
    "bcf_permanent_admissions_65": CARE_HOME,
}
BASELINE_YEAR = FinancialYear(2024)
#: Growth of the population aged 65 and over from the 2017-18 size in ``areas``.
OLDER_GROWTH = 0.022
#: Discharge delays are longest in winter (days, relative to the year's level).
DELAY_SEASON = {
    1: 1.22,
    2: 1.12,
    3: 1.04,
    4: 0.97,
    5: 0.93,
    6: 0.9,
    7: 0.9,
    8: 0.92,
    9: 0.95,
    10: 1.0,
    11: 1.06,
    12: 1.18,
}


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One area's figures for one metric and period, as a pipeline would count them.

    ``numerator`` and ``denominator`` are what is stored; ``sum_of_squares`` (the sum of each
    record's squared value) is kept for the discharge delay, whose interval needs it.
    """

    area: str
    metric: str
    start: date
    end: date
    numerator: float
    denominator: float
    sum_of_squares: float | None = None


def older_population(hwb: Hwb, year: FinancialYear) -> float:
    """The area's population aged 65 and over in a financial year (a round figure)."""
    return float(round(hwb.older * (1 + OLDER_GROWTH) ** (year.start_year - 2017), -2))


def discharges(hwb: Hwb) -> float:
    """Adult acute discharges with a discharge ready date in a typical month."""
    return hwb.adults * 0.0098


def _levels(hwb: Hwb) -> tuple[float, float, float]:
    """2024-25 levels: admissions per 100,000 65+ a month, mean delay (days), care home
    admissions per 100,000 65+ a quarter; each area's relative to its older figures."""
    emergency = 2_050.0 * hwb.nel_rate / 800.0
    delay = 0.95 * hwb.dtoc_rate / 330.0
    care_home = 142.0 * (0.8 + 0.4 * hwb.dtoc_rate / 420.0)
    return emergency, delay, care_home


def _emergency_level(hwb: Hwb, month: Month) -> float:
    """Admissions per 100,000 a month, before the season: a slow fall, with Leicestershire's
    winter surge of 2025-26 and its step down once two-hour urgent response widened."""
    base = _levels(hwb)[0] * (1 - 0.012 * CURRENT_FROM.months_until(month) / 12)
    if hwb.code == LEICESTERSHIRE:
        if Month(2025, 12) <= month <= Month(2026, 1):
            return base * 1.09
        if month >= Month(2026, 6):
            return base * 0.955
    return base


def _delay_level(hwb: Hwb, month: Month) -> float:
    base = _levels(hwb)[1] * (1 - 0.05 * CURRENT_FROM.months_until(month) / 12)
    if hwb.code == LEICESTERSHIRE and month >= Month(2026, 4):
        return base * 0.92  # the Local Authority BCF discharge capacity from April 2026
    return base


def emergency_admissions(hwb: Hwb, seed: int, month: Month) -> Aggregate:
    """A month's emergency admissions of residents aged 65 and over."""
    rng = rng_for(seed, f"current:{hwb.code}:{EMERGENCY}:{month}")
    population = older_population(hwb, month.financial_year)
    expected = (
        _emergency_level(hwb, month)
        * NEL_SEASON[month.month]
        * days_in(month)
        / 30.4
        * population
        / 100_000
    )
    count = max(0.0, float(round(rng.gauss(expected, 1.3 * math.sqrt(expected)))))
    return Aggregate(hwb.code, EMERGENCY, month.first_day, month.last_day, count, population)


def discharge_delay(hwb: Hwb, seed: int, month: Month) -> Aggregate:
    """A month's discharges with a discharge ready date and the days each waited after it.

    Most people leave on their discharge ready date (a delay of 0); the rest wait a
    geometric number of days. The total, count and sum of squares are drawn from those
    record-level distributions by the normal approximation to their sums.
    """
    rng = rng_for(seed, f"current:{hwb.code}:{DELAY}:{month}")
    n = float(round(rng.gauss(discharges(hwb), 0.03 * discharges(hwb))))
    mean = _delay_level(hwb, month) * DELAY_SEASON[month.month]
    delayed_share = 0.17
    wait = mean / delayed_share  # the mean wait of those delayed
    # A geometric wait with mean w on 1, 2, ...: variance w(w - 1); E[x^2] = w(2w - 1).
    second_moment = delayed_share * wait * (2 * wait - 1)
    variance = second_moment - mean**2
    total = max(0.0, float(round(rng.gauss(n * mean, math.sqrt(n * variance)))))
    squares = max(total, float(round(n * second_moment * rng.gauss(1, 0.02))))
    return Aggregate(hwb.code, DELAY, month.first_day, month.last_day, total, n, squares)


def care_home_admissions(hwb: Hwb, seed: int, quarter_start: Month) -> Aggregate:
    """A quarter's long-term admissions to care homes of people aged 65 and over."""
    rng = rng_for(seed, f"current:{hwb.code}:{CARE_HOME}:{quarter_start}")
    population = older_population(hwb, quarter_start.financial_year)
    level = _levels(hwb)[2] * (1 - 0.03 * CURRENT_FROM.months_until(quarter_start) / 12)
    expected = level * population / 100_000
    count = max(0.0, float(round(rng.gauss(expected, 1.2 * math.sqrt(expected)))))
    end = (quarter_start + 2).last_day
    return Aggregate(hwb.code, CARE_HOME, quarter_start.first_day, end, count, population)


def quarters(first: Month, last: Month) -> list[Month]:
    """The first months of the financial-year quarters from ``first`` that end by ``last``."""
    return [
        month
        for month in months(first, last - 2)
        if month.month in (4, 7, 10, 1) and month + 2 <= last
    ]


def generate_aggregates(seed: int, last: Month, hwbs: tuple[Hwb, ...]) -> list[Aggregate]:
    """The areas' aggregates for the three metrics from April 2025 to ``last``."""
    found: list[Aggregate] = []
    for hwb in hwbs:
        for month in months(CURRENT_FROM, last):
            found.append(emergency_admissions(hwb, seed, month))
            found.append(discharge_delay(hwb, seed, month))
        for quarter in quarters(CURRENT_FROM, last):
            found.append(care_home_admissions(hwb, seed, quarter))
    return found


def _row(area: str, metric: str, start: date, end: date, kind: str, **values: object) -> Row:
    row: Row = {
        "area_code": area,
        "metric_code": metric,
        "period_start": start,
        "period_end": end,
        "kind": kind,
        "numerator": None,
        "denominator": None,
        "value": None,
        "note": None,
    }
    row.update(values)
    return row


def baseline_and_target_rows(hwb: Hwb, last: Month) -> list[Row]:
    """The 2024-25 baselines and each year's planned trajectory, 2025-26 to ``last``'s year.

    Plans set each year's targets from the baseline before the year begins: emergency
    admissions 2% a year lower, discharge delay 8% a year shorter, care home admissions 3%
    a year fewer, shaped by the season like the actuals.
    """
    emergency, delay, care_home = _levels(hwb)
    population = older_population(hwb, BASELINE_YEAR)
    yearly = (
        emergency * 12 * population / 100_000,
        delay * discharges(hwb) * 12,
        care_home * 4 * population / 100_000,
    )
    start, end = BASELINE_YEAR.start, BASELINE_YEAR.end
    note = "2024-25 outturn, the baseline of the 2025-26 plan"
    rows = [
        _row(
            hwb.code,
            EMERGENCY,
            start,
            end,
            "baseline",
            numerator=float(round(yearly[0])),
            denominator=12 * population,
            note=f"{note}: the year's admissions / (12 x population 65+), a monthly rate.",
        ),
        _row(
            hwb.code,
            DELAY,
            start,
            end,
            "baseline",
            numerator=float(round(yearly[1])),
            denominator=float(round(discharges(hwb) * 12)),
            note=f"{note}: days delayed / discharges with a discharge ready date.",
        ),
        _row(
            hwb.code,
            CARE_HOME,
            start,
            end,
            "baseline",
            numerator=float(round(yearly[2])),
            denominator=4 * population,
            note=f"{note}: the year's admissions / (4 x population 65+), a quarterly rate.",
        ),
    ]
    for year_number in range(
        CURRENT_FROM.financial_year.start_year, last.financial_year.start_year + 1
    ):
        year = FinancialYear(year_number)
        steps = year_number - BASELINE_YEAR.start_year
        monthly_emergency = []
        for month in year.months():
            rate = round(
                emergency * 0.98**steps * NEL_SEASON[month.month] * days_in(month) / 30.4, 1
            )
            days = round(delay * 0.92**steps * DELAY_SEASON[month.month], 2)
            monthly_emergency.append(rate)
            rows.append(
                _row(hwb.code, EMERGENCY, month.first_day, month.last_day, "target", value=rate)
            )
            rows.append(
                _row(hwb.code, DELAY, month.first_day, month.last_day, "target", value=days)
            )
        rows.append(
            _row(
                hwb.code,
                EMERGENCY,
                year.start,
                year.end,
                "target",
                value=round(sum(monthly_emergency) / 12, 1),
                note=f"The plan's {year} average monthly rate.",
            )
        )
        rows.append(
            _row(
                hwb.code,
                DELAY,
                year.start,
                year.end,
                "target",
                value=round(delay * 0.92**steps, 2),
                note=f"The plan's average delay for {year}.",
            )
        )
        quarterly = round(care_home * 0.97**steps, 1)
        for quarter in quarters(year.first_month, year.first_month + 11):
            rows.append(
                _row(
                    hwb.code,
                    CARE_HOME,
                    quarter.first_day,
                    (quarter + 2).last_day,
                    "target",
                    value=quarterly,
                )
            )
    return rows


def actual_rows(aggregates: list[Aggregate], source: str) -> list[Row]:
    """The aggregates as the ``metric_values`` sheet's actuals."""
    return [
        _row(
            a.area,
            a.metric,
            a.start,
            a.end,
            "actual",
            numerator=a.numerator,
            denominator=a.denominator,
            note=source,
        )
        for a in aggregates
    ]


#: Intermediate care on discharge, as the capacity and demand plan counts it (Leicestershire):
#: (code, name, polarity, monthly level, planned level).
CAPACITY_METRICS = (
    (
        "ic_discharge_p1_demand",
        "Intermediate care demand: people discharged needing reablement or rehabilitation at "
        "home (pathway 1), per month",
        "lower_is_better",
        610.0,
        600.0,
    ),
    (
        "ic_discharge_p1_capacity",
        "Intermediate care capacity: new starts available for reablement or rehabilitation at "
        "home (pathway 1), per month",
        "higher_is_better",
        585.0,
        620.0,
    ),
    (
        "ic_discharge_p2_demand",
        "Intermediate care demand: people discharged needing a bed-based rehabilitation or "
        "reablement (pathway 2), per month",
        "lower_is_better",
        118.0,
        115.0,
    ),
    (
        "ic_discharge_p2_capacity",
        "Intermediate care capacity: bed-based intermediate care admissions available "
        "(pathway 2), per month",
        "higher_is_better",
        112.0,
        120.0,
    ),
)


def capacity_metric_rows() -> list[Row]:
    """The ``metrics`` sheet's local definitions of the capacity and demand figures."""
    return [
        {
            "code": code,
            "name": name,
            "unit": "count",
            "multiplier": 1,
            "polarity": polarity,
            "frequency": "month",
            "description": "The BCF plan's intermediate care capacity and demand figures "
            "(hospital discharge), as the planning template asks for them.",
        }
        for code, name, polarity, _, _ in CAPACITY_METRICS
    ]


def capacity_value_rows(seed: int, last: Month) -> list[Row]:
    """Leicestershire's planned and actual capacity and demand, month by month."""
    rows: list[Row] = []
    for code, _, _, level, planned in CAPACITY_METRICS:
        rows.append(
            _row(
                LEICESTERSHIRE,
                code,
                BASELINE_YEAR.start,
                BASELINE_YEAR.end,
                "baseline",
                numerator=float(round(level * 12 * 1.02)),
                note="2024-25 outturn: the year's total (the plan's baseline).",
            )
        )
        for month in months(CURRENT_FROM, last.financial_year.first_month + 11):
            winter = 1.08 if month.month in (12, 1, 2) else 1.0
            rows.append(
                _row(
                    LEICESTERSHIRE,
                    code,
                    month.first_day,
                    month.last_day,
                    "target",
                    value=float(round(planned * winter)),
                )
            )
            if month <= last:
                rng = rng_for(seed, f"capacity:{code}:{month}")
                count = float(round(rng.gauss(level * winter, 0.04 * level)))
                rows.append(
                    _row(
                        LEICESTERSHIRE,
                        code,
                        month.first_day,
                        month.last_day,
                        "actual",
                        numerator=count,
                        note="Demonstration data: from the intermediate care services' returns.",
                    )
                )
    return rows
