"""The demo's metric values: monthly delayed transfers and admissions, yearly outcome metrics.

Monthly counts follow a level for the period, a seasonal shape (winter peaks, fewer days in
February) and seeded noise, with a few genuine special causes that an SPC chart should find:
the January 2015 surge in emergency admissions, Leicestershire's step down in delayed days
after Home First started in October 2015, and the winter of 2016-17.

A handful of Leicestershire figures are fixed because bettercare reproduces the worked
example of the real September/October 2017 highlight report: August 2017 delayed days 1,611
for 546,195 adults (294.95 per 100,000 against a target of 278.57), non-elective admissions
of 26,913 from April to August 2017, the permanent admissions and reablement targets, and the
council's monthly permanent admissions from April 2017 that forecast the year's 840.
"""

from __future__ import annotations

import random
from datetime import date
from functools import cache

from bettercare.core.periods import FinancialYear, Month
from bettercare.demo.areas import LEICESTERSHIRE, Hwb, hwbs_in
from bettercare.demo.timeline import FIRST_MONTH, LATEST, Row, days_in, months, rng_for
from bettercare.registry import load_registry

DTOC = "bcf_dtoc"
NEL = "bcf_non_elective_admissions"
PERMANENT = "bcf_permanent_admissions_65"
REABLEMENT = "bcf_reablement_91_days"
FALLS = "bcf_falls_injuries_65"

COMPOSITE = "bcf_avoidable_admissions_composite"
#: The avoidable emergency admissions composite's parts: Leicestershire's 2013-14 admissions
#: (they add up to the seed dashboard's "annual activity baseline = 9913") and whether the
#: part counts children (under 19) or all ages.
COMPOSITE_PARTS = {
    "bcf_avoidable_acsc": (5206, False),
    "bcf_avoidable_children_asthma_diabetes_epilepsy": (302, True),
    "bcf_avoidable_acute_conditions": (3998, False),
    "bcf_avoidable_children_lrti": (407, True),
}
#: The share of the population under 19, for the children's parts.
CHILDREN_SHARE = 0.2208
#: The composite's planned admissions in 2014-15 and 2015-16 (the seed's target, 9,429).
COMPOSITE_TARGET_ADMISSIONS = {2014: 9671.0, 2015: 9429.0}

#: Yearly growth of the populations behind each denominator.
GROWTH = {"population": 0.008, "adults": 0.009, "older": 0.025}
#: Intensity by calendar month (before the number of days in the month).
DTOC_SEASON = {
    1: 1.09,
    2: 1.05,
    3: 1.03,
    4: 0.99,
    5: 0.97,
    6: 0.95,
    7: 0.96,
    8: 0.95,
    9: 0.97,
    10: 0.99,
    11: 1.01,
    12: 1.03,
}
NEL_SEASON = {
    1: 1.05,
    2: 1.03,
    3: 1.03,
    4: 0.98,
    5: 1.00,
    6: 0.98,
    7: 1.00,
    8: 0.97,
    9: 0.98,
    10: 1.01,
    11: 1.01,
    12: 1.04,
}
WINTER_2016 = (Month(2016, 12), Month(2017, 1), Month(2017, 2))

# The worked example of the real highlight report (see the module docstring).
DTOC_AUGUST_2017 = (1611.0, 546_195.0)
DTOC_TARGETS = {2014: 267.06, 2015: 285.0, 2016: 270.0, 2017: 278.57}
NEL_APRIL_TO_AUGUST_2017 = (5480.0, 5330.0, 5360.0, 5420.0, 5323.0)
NEL_TARGETS = {2015: 760.0, 2016: 748.0, 2017: 737.92}
PERMANENT_TARGETS = {2014: 563.06, 2015: 650.0, 2016: 640.0, 2017: 630.6}
#: The council's monthly counts of permanent admissions, April to August 2017 (its own
#: performance indicators): 350 in five months, 840 for the year at the run rate, 602.9 per
#: 100,000 of the 139,327 people aged 65 and over, the seed report's forecast (ADR 0111, 0119).
PERMANENT_APRIL_TO_AUGUST_2017 = (72.0, 68.0, 70.0, 71.0, 69.0)
REABLEMENT_TARGETS = {2014: 93.86, 2015: 85.0, 2016: 86.0, 2017: 87.0}
REABLEMENT_APRIL_TO_JUNE_2017 = (331.0, 371.0)  # 89.2%
FALLS_TARGETS = {2014: 140.48, 2015: 152.0, 2016: 150.0, 2017: 148.0}
#: July 2017's delayed days were provisional in the July snapshot and revised in August.
JULY_REVISION = 23


def denominator(size: int, kind: str, year: FinancialYear) -> float:
    """The ``kind`` population of a financial year, scaled back from its 2017-18 ``size``."""
    return float(round(size / (1 + GROWTH[kind]) ** (2017 - year.start_year)))


def _value(
    area: str,
    metric: str,
    start: date,
    end: date,
    kind: str,
    *,
    numerator: float | None = None,
    denominator: float | None = None,
    value: float | None = None,
    note: str | None = None,
) -> Row:
    return {
        "area_code": area,
        "metric_code": metric,
        "period_start": start,
        "period_end": end,
        "kind": kind,
        "numerator": numerator,
        "denominator": denominator,
        "value": value,
        "note": note,
    }


def _count(rng: random.Random, expected: float, spread: float) -> float:
    return float(max(0, round(rng.gauss(expected, expected * spread))))


#: Leicestershire's DToC SPC rebase (ADR 0095): Home First changed the discharge process in
#: October 2015, a known change the chart should take new limits from, rather than reading
#: 2013 to 2017 as one process with a long run below its mean.
DTOC_REBASE = (
    Month(2015, 10),
    "Home First (BCF 10) started in October 2015: discharge to assess at home for every "
    "patient medically fit to leave, a new service that changed the delayed-days process.",
)


def _leicestershire_dtoc_level(month: Month) -> float:
    """Delayed days per 100,000 adults in a 30-day month, before the season."""
    if month < Month(2014, 4):
        return 318.0
    if month < Month(2015, 10):
        return 346.0 - 0.4 * Month(2014, 4).months_until(month)
    if month < Month(2016, 4):
        return 262.0  # Home First (BCF 10) started in October 2015: DTOC_REBASE
    if month in WINTER_2016:
        return 345.0
    if month < Month(2017, 3):
        return 268.0 + 1.5 * Month(2016, 4).months_until(month)
    return 306.0


def _monthly(
    hwb: Hwb, metric: str, level: dict[Month, float], kind: str, spread: float, rng: random.Random
) -> list[tuple[Month, float, float]]:
    season = DTOC_SEASON if metric == DTOC else NEL_SEASON
    points = []
    for month in months(FIRST_MONTH, LATEST):
        size = denominator(getattr(hwb, kind), kind, month.financial_year)
        expected = level[month] * season[month.month] * days_in(month) / 30.4 * size / 100_000
        points.append((month, _count(rng, expected, spread), size))
    return points


def _levels(hwb: Hwb, rng: random.Random) -> tuple[dict[Month, float], dict[Month, float]]:
    """Each month's DTOC and NEL level for an area (per 100,000, 30-day month)."""
    all_months = months(FIRST_MONTH, LATEST)
    if hwb.code == LEICESTERSHIRE:
        dtoc = {m: _leicestershire_dtoc_level(m) for m in all_months}
        nel_years = {2013: 735.0, 2014: 752.0, 2015: 760.0, 2016: 772.0, 2017: 790.0}
    else:
        factors = {
            2013: rng.uniform(0.85, 1.0),
            2014: rng.uniform(0.9, 1.05),
            2015: rng.uniform(0.93, 1.08),
            2016: rng.uniform(0.97, 1.1),
            2017: 1.0,
        }
        surge = rng.uniform(1.12, 1.28)
        dtoc = {
            m: hwb.dtoc_rate
            * factors[m.financial_year.start_year]
            * (surge if m in WINTER_2016 else 1)
            for m in all_months
        }
        growth = rng.uniform(0.012, 0.03)
        nel_years = {y: hwb.nel_rate / (1 + growth) ** (2017 - y) for y in range(2013, 2018)}
    nel = {m: nel_years[m.financial_year.start_year] for m in all_months}
    nel[Month(2015, 1)] *= 1.07  # the January 2015 surge
    return dtoc, nel


def _year_of(month: Month) -> int:
    return month.financial_year.start_year


def monthly_series(hwb: Hwb, seed: int) -> dict[str, list[tuple[Month, float, float]]]:
    """An area's monthly (month, numerator, denominator) for DTOC and NEL, April 2013 on."""
    rng = rng_for(seed, f"monthly:{hwb.code}")
    dtoc_level, nel_level = _levels(hwb, rng)
    dtoc = _monthly(hwb, DTOC, dtoc_level, "adults", 0.035, rng)
    nel = _monthly(hwb, NEL, nel_level, "population", 0.012, rng)
    if hwb.code == LEICESTERSHIRE:
        dtoc = [(m, *DTOC_AUGUST_2017) if m == LATEST else (m, n, d) for m, n, d in dtoc]
        april_2014 = next(d for m, _, d in dtoc if m == Month(2014, 4))
        dtoc = [
            (m, float(round(357.7 * april_2014 / 100_000)), d) if m == Month(2014, 4) else (m, n, d)
            for m, n, d in dtoc
        ]
        fixed = dict(zip(months(Month(2017, 4), LATEST), NEL_APRIL_TO_AUGUST_2017, strict=True))
        nel = [(m, fixed.get(m, n), d) for m, n, d in nel]
    return {DTOC: dtoc, NEL: nel}


def _targets(
    hwb: Hwb, rng: random.Random, series: dict[str, list[tuple[Month, float, float]]]
) -> dict[str, dict[int, float]]:
    if hwb.code == LEICESTERSHIRE:
        return {DTOC: DTOC_TARGETS, NEL: NEL_TARGETS}
    targets: dict[str, dict[int, float]] = {}
    for metric, years in ((DTOC, range(2014, 2018)), (NEL, range(2015, 2018))):
        by_year: dict[int, list[float]] = {}
        for month, numerator, size in series[metric]:
            by_year.setdefault(_year_of(month), []).append(numerator / size * 100_000)
        low, high = (0.88, 1.06) if metric == DTOC else (0.95, 1.03)
        targets[metric] = {
            year: round(sum(by_year[year]) / len(by_year[year]) * rng.uniform(low, high), 2)
            for year in years
        }
    return targets


def monthly_rows(hwb: Hwb, seed: int, as_at: Month) -> list[Row]:
    """Actuals to ``as_at``, a 2014-15 baseline and yearly targets for DTOC and NEL."""
    series = monthly_series(hwb, seed)
    targets = _targets(hwb, rng_for(seed, f"targets:{hwb.code}"), series)
    rows: list[Row] = []
    for metric, points in series.items():
        for month, numerator, size in points:
            if month > as_at:
                continue
            note = None
            if hwb.code == LEICESTERSHIRE and metric == DTOC:
                if month == LATEST:
                    note = "As reported in the September/October 2017 highlight report."
                elif month == Month(2017, 7) and as_at == Month(2017, 7):
                    numerator -= JULY_REVISION
                    note = "Provisional: to be revised with the August return."
                elif month == Month(2017, 7):
                    note = (
                        f"Revised with the August 2017 return (provisional figure "
                        f"{numerator - JULY_REVISION:,.0f})."
                    )
            rows.append(
                _value(
                    hwb.code,
                    metric,
                    month.first_day,
                    month.last_day,
                    "actual",
                    numerator=numerator,
                    denominator=size,
                    note=note,
                )
            )
        baseline = FinancialYear(2014)
        year = [(n, d) for m, n, d in points if m.financial_year == baseline]
        rows.append(
            _value(
                hwb.code,
                metric,
                baseline.start,
                baseline.end,
                "baseline",
                numerator=sum(n for n, _ in year),
                denominator=12 * year[0][1],
                note="Average monthly rate in 2014-15: the year's total / (12 x population).",
            )
        )
        for start_year, target in targets[metric].items():
            fy = FinancialYear(start_year)
            rows.append(_value(hwb.code, metric, fy.start, fy.end, "target", value=target))
    return rows


def _yearly_rate(
    hwb: Hwb, rng: random.Random, first: float, yearly_change: float
) -> dict[int, tuple[float, float]]:
    """(admissions, population 65+) for 2013-14 to 2016-17."""
    values = {}
    for year in range(2013, 2017):
        size = denominator(hwb.older, "older", FinancialYear(year))
        rate_now = first * (1 + yearly_change) ** (year - 2013) * rng.uniform(0.97, 1.03)
        values[year] = (float(round(rate_now * size / 100_000)), size)
    return values


def yearly_rows(hwb: Hwb, seed: int, as_at: Month) -> list[Row]:
    """Yearly outcome metrics: permanent admissions everywhere; reablement and falls for
    Leicestershire."""
    rng = rng_for(seed, f"yearly:{hwb.code}")
    rows: list[Row] = []
    if hwb.code == LEICESTERSHIRE:
        permanent = _yearly_rate(hwb, rng, 755.4, -0.05)
        permanent[2013] = (967.0, 128_012.0)  # 755.4 per 100,000, the 2014 dashboard's figure
        targets = PERMANENT_TARGETS
    else:
        first = rng.uniform(560.0, 820.0)
        permanent = _yearly_rate(hwb, rng, first, rng.uniform(-0.06, 0.0))
        latest = permanent[2016][0] / permanent[2016][1] * 100_000
        targets = {
            y: round(latest * (1.08 - 0.03 * (y - 2014)) * rng.uniform(0.95, 1.05), 1)
            for y in range(2014, 2018)
        }
    rows += _year_rows(hwb.code, PERMANENT, permanent, targets, as_at)
    if hwb.code != LEICESTERSHIRE:
        return rows
    rows += _permanent_monthly_rows(hwb, as_at)
    reablement = {2013: (287.0, 365.0)}
    for year, share in ((2014, 0.824), (2015, 0.849), (2016, 0.867)):
        people = float(rng.randint(360, 420))
        reablement[year] = (float(round(people * share * rng.uniform(0.99, 1.01))), people)
    rows += _year_rows(hwb.code, REABLEMENT, reablement, REABLEMENT_TARGETS, as_at)
    quarter_2016 = float(rng.randint(350, 390))
    for start, (numerator, people) in (
        (date(2016, 4, 1), (float(round(quarter_2016 * 0.861)), quarter_2016)),
        (date(2017, 4, 1), REABLEMENT_APRIL_TO_JUNE_2017),
    ):
        rows.append(
            _value(
                hwb.code,
                REABLEMENT,
                start,
                date(start.year, 6, 30),
                "actual",
                numerator=numerator,
                denominator=people,
                note="Discharges in April to June, at home 91 days later (in-year measure).",
            )
        )
    rows += _composite_rows(hwb, rng_for(seed, f"composite:{hwb.code}"), as_at)
    falls = {2013: 168.2}
    for year in (2014, 2015, 2016):
        falls[year] = round(falls[year - 1] * rng.uniform(0.96, 0.995), 1)
    for year, value in falls.items():
        fy = FinancialYear(year)
        rows.append(_value(hwb.code, FALLS, fy.start, fy.end, "actual", value=value))
    baseline = FinancialYear(2013)
    rows.append(_value(hwb.code, FALLS, baseline.start, baseline.end, "baseline", value=168.2))
    for year, target in FALLS_TARGETS.items():
        fy = FinancialYear(year)
        rows.append(_value(hwb.code, FALLS, fy.start, fy.end, "target", value=target))
    return rows


def _permanent_monthly_rows(hwb: Hwb, as_at: Month) -> list[Row]:
    """Leicestershire's monthly counts of permanent admissions in 2017-18, held in the annual
    metric's own series over the year's population: they forecast the year end and are never
    its position, which stays the annual figure (ADR 0111)."""
    year = FinancialYear(2017)
    older = denominator(hwb.older, "older", year)
    return [
        _value(
            hwb.code,
            PERMANENT,
            month.first_day,
            month.last_day,
            "actual",
            numerator=count,
            denominator=older,
            note="The council's monthly count (its performance indicators), over the year's "
            "population aged 65 and over: for the year-end forecast, not the annual measure.",
        )
        for month, count in zip(year.months(), PERMANENT_APRIL_TO_AUGUST_2017, strict=False)
        if month <= as_at
    ]


def _composite_rows(hwb: Hwb, rng: random.Random, as_at: Month) -> list[Row]:
    """Leicestershire's avoidable emergency admissions composite and its four parts, yearly
    from 2013-14: each part's admissions over its own population, the composite's the sum of
    the parts' admissions over the whole population, as the registry's ``composition`` says."""
    composite: dict[int, tuple[float, float]] = {}
    parts: dict[str, dict[int, tuple[float, float]]] = {code: {} for code in COMPOSITE_PARTS}
    for year in range(2013, 2016):
        everyone = denominator(hwb.population, "population", FinancialYear(year))
        change = (1.0, 0.985, 0.962)[year - 2013]
        total = 0.0
        for code, (first, children) in COMPOSITE_PARTS.items():
            admissions = float(
                round(first * change * (1.0 if year == 2013 else rng.uniform(0.98, 1.02)))
            )
            parts[code][year] = (
                admissions,
                float(round(everyone * CHILDREN_SHARE)) if children else everyone,
            )
            total += admissions
        composite[year] = (total, everyone)
    targets = {
        year: round(count / composite[year][1] * 100_000, 2)
        for year, count in COMPOSITE_TARGET_ADMISSIONS.items()
    }
    rows = _year_rows(hwb.code, COMPOSITE, composite, targets, as_at)
    for code, actuals in parts.items():
        rows += _year_rows(hwb.code, code, actuals, {}, as_at)
    return rows


def _year_rows(
    area: str,
    metric: str,
    actuals: dict[int, tuple[float, float]],
    targets: dict[int, float],
    as_at: Month,
) -> list[Row]:
    rows = []
    for year, (numerator, size) in actuals.items():
        fy = FinancialYear(year)
        if fy.end <= as_at.last_day:
            rows.append(
                _value(
                    area, metric, fy.start, fy.end, "actual", numerator=numerator, denominator=size
                )
            )
    first = FinancialYear(min(actuals))
    numerator, size = actuals[first.start_year]
    rows.append(
        _value(
            area, metric, first.start, first.end, "baseline", numerator=numerator, denominator=size
        )
    )
    for year, target in targets.items():
        fy = FinancialYear(year)
        rows.append(_value(area, metric, fy.start, fy.end, "target", value=target))
    return rows


@cache
def _years_in_force() -> dict[str, tuple[FinancialYear, FinancialYear | None]]:
    return {code: (d.applies_from, d.applies_to) for code, d in load_registry().items()}


def in_force(row: Row) -> bool:
    """Whether a row may be stored: a national metric's actuals, targets and forecasts only
    in the years the metric applies in (baselines may come from before, as plans set them)."""
    if row["kind"] == "baseline" or row["metric_code"] not in _years_in_force():
        return True
    since, until = _years_in_force()[row["metric_code"]]
    first = FinancialYear.of(row["period_start"]).start_year
    last = FinancialYear.of(row["period_end"]).start_year
    return since.start_year <= first and (until is None or last <= until.start_year)


def metric_value_rows(seed: int, as_at: Month) -> list[Row]:
    """Every area's metric values known at the end of ``as_at``: each series from the first
    year its metric applies in (the series are generated from April 2013 so that the seed
    gives the same figures whatever years the registry allows)."""
    rows: list[Row] = []
    for hwb in hwbs_in(LATEST):
        rows += monthly_rows(hwb, seed, as_at)
        rows += yearly_rows(hwb, seed, as_at)
    return [row for row in rows if in_force(row)]


def against_target(hwb: Hwb, seed: int, month: Month) -> dict[str, float]:
    """A month's DTOC and the year to date's NEL as ratios of their yearly targets."""
    series = monthly_series(hwb, seed)
    targets = _targets(hwb, rng_for(seed, f"targets:{hwb.code}"), series)
    year_of = month.financial_year
    _, delayed, adults = next(point for point in series[DTOC] if point[0] == month)
    year = [(n, d) for m, n, d in series[NEL] if m.financial_year == year_of and m <= month]
    admissions = sum(n for n, _ in year) / sum(d for _, d in year) * 100_000
    return {
        DTOC: delayed / adults * 100_000 / targets[DTOC][year_of.start_year],
        NEL: admissions / targets[NEL][year_of.start_year],
    }
