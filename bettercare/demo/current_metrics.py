"""The demo's current BCF years: the plan behind the three 2025-26 headline metrics.

The actuals (monthly emergency admissions of people aged 65 and over, a rate per 100,000;
monthly average discharge delay from the discharge ready date, a mean of days; quarterly
long-term care home admissions of people aged 65 and over, a rate per 100,000) are what the
metric pipeline computes from the demo's synthetic records
(:mod:`bettercare.demo.pipeline_adapter`). This module makes the plan around them: the
2024-25 baseline each plan starts from and each year's trajectory (monthly, quarterly and for
the year), set before the year begins and so never drawn from that year's actuals; and
Leicestershire's intermediate care capacity and demand figures.

The records begin in April 2025, so the demo has no 2024-25 outturn: each area's baseline is
set at the level of its first quarter of actuals, 2% higher (a demonstration's stand-in for
the outturn, said so in its note).
"""

from __future__ import annotations

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
#: The baseline is the first quarter's level, this much higher.
BASELINE_ABOVE_FIRST_QUARTER = 1.02


def quarters(first: Month, last: Month) -> list[Month]:
    """The first months of the financial-year quarters from ``first`` that end by ``last``."""
    return [
        month
        for month in months(first, last - 2)
        if month.month in (4, 7, 10, 1) and month + 2 <= last
    ]


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


def _first_quarter(actuals: list[Row], area: str, metric: str) -> tuple[float, float, float]:
    """(level, numerator, denominator) of an area's first three months (or first quarter) of
    actuals: the level per 100,000 (rates) or in days (the delay)."""
    rows = sorted(
        (r for r in actuals if (r["area_code"], r["metric_code"]) == (area, metric)),
        key=lambda r: r["period_start"],
    )[: 1 if metric == CARE_HOME else 3]
    numerator = float(sum(r["numerator"] for r in rows))
    denominator = float(sum(r["denominator"] for r in rows))
    per = 1.0 if metric == DELAY else 100_000.0
    return numerator / denominator * per, numerator, denominator


def baseline_and_target_rows(hwb: Hwb, last: Month, actuals: list[Row]) -> list[Row]:
    """The 2024-25 baselines and each year's planned trajectory, 2025-26 to ``last``'s year.

    Plans set each year's targets from the baseline before the year begins: emergency
    admissions 2% a year lower, discharge delay 8% a year shorter, care home admissions 3%
    a year fewer, shaped by the season like the actuals. ``actuals`` are the pipeline's.
    """
    above = BASELINE_ABOVE_FIRST_QUARTER
    emergency, _, people = _first_quarter(actuals, hwb.code, EMERGENCY)
    delay, days, discharged = _first_quarter(actuals, hwb.code, DELAY)
    care_home, _, _ = _first_quarter(actuals, hwb.code, CARE_HOME)
    emergency, delay, care_home = emergency * above, delay * above, care_home * above
    population = people / 3  # the first quarter's three monthly populations
    start, end = BASELINE_YEAR.start, BASELINE_YEAR.end
    note = (
        "Demonstration baseline for the 2025-26 plan, in place of the 2024-25 outturn: "
        "the level of April to June 2025, 2% higher"
    )
    rows = [
        _row(
            hwb.code,
            EMERGENCY,
            start,
            end,
            "baseline",
            numerator=float(round(emergency * 12 * population / 100_000)),
            denominator=12 * population,
            note=f"{note}; admissions / (12 x population 65+), a monthly rate.",
        ),
        _row(
            hwb.code,
            DELAY,
            start,
            end,
            "baseline",
            numerator=float(round(delay * discharged * 4)),
            denominator=discharged * 4,
            note=f"{note}; days delayed / discharges with a discharge ready date.",
        ),
        _row(
            hwb.code,
            CARE_HOME,
            start,
            end,
            "baseline",
            numerator=float(round(care_home * 4 * population / 100_000)),
            denominator=4 * population,
            note=f"{note}; admissions / (4 x population 65+), a quarterly rate.",
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
