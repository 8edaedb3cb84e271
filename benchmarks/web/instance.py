"""A large Better Care Fund instance as programme workbook rows, generated from a seed.

``instance_rows(areas, seed)`` returns sheet name to rows (the shapes
:func:`bettercare.workbook.write_workbook` writes) for ``areas`` Health and Wellbeing Boards
(150 by default) under ICBs of four HWBs and regions of six ICBs. Every area has a programme,
5 themes, 30 schemes (two of them enablers), 10 metrics (four national registry codes and six
local ones) with 60 months of actuals from April 2015 to March 2020 (numerators and
denominators, seasonality, drift and the odd step change for SPC to find), a baseline and a
target for each financial year, 12 milestones, 10 risks, funding streams, a savings plan and
scheme spend for 2018-19 and 2019-20, and 12 reporting periods (April 2019 to March 2020) of
scheme returns on all four dimensions (commentary for every amber and red), programme status
and achievements, the latest period's key activities planned, a 2019-20 plan (its dates,
sign-offs, national conditions and pay for performance) and regional assurance ratings in two
rounds.

No Django here: the same seed and size always give the same rows.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bettercare.core.periods import FinancialYear, Month

Row = dict[str, Any]
Rows = dict[str, list[Row]]

DEFAULT_SEED = 20200331
#: Moves on when the rows generated change, so that a kept instance (``--data-dir``) is rebuilt.
REVISION = 2
FIRST_MONTH = Month(2015, 4)
LATEST = Month(2020, 3)
MONTHS = 60
PERIODS = 12
FIRST_PERIOD = LATEST - (PERIODS - 1)
THEMES = 5
SCHEMES = 30
MILESTONES = 12
RISKS = 10
HWBS_PER_ICB = 4
ICBS_PER_REGION = 6
FINANCE_YEARS = (FinancialYear(2018), FinancialYear(2019))
DIMENSIONS = ("savings", "milestones", "finance", "metrics")
LABEL = "(benchmark data)"
ACTIVITY_GROUPS = ("programme", "schemes", "enablers")
PLAN_YEAR = FinancialYear(2019)
CONDITIONS = (
    "1. A jointly agreed plan",
    "2. NHS contribution to adult social care maintained",
    "3. Investment in NHS commissioned out-of-hospital services",
    "4. Managing transfers of care",
)
SIGN_OFFS = (
    ("Area {number:03d} Council", "Director of Adult Social Services"),
    ("NHS Area {number:03d} CCG", "Accountable Officer"),
    ("Area {number:03d} Health and Wellbeing Board", "Chair"),
)
ASSURANCE_ROUNDS = ("2019-20 Q3", "2019-20 Q4")
ASSURANCE_CRITERIA = (
    "High-risk plan",
    "Recommended for final sign-off",
    "NC1: Plans to be jointly agreed",
    "NC2: NHS contribution to adult social care maintained",
    "NC3: Agreement to invest in out-of-hospital services",
    "NC4: Managing transfers of care",
    "Metrics: ambitions are stretching",
    "Finance: spend plan agrees with the pooled fund",
    "Schemes: capacity and demand plan in place",
)


@dataclass(frozen=True, slots=True)
class MetricDef:
    """A metric of the instance: its definition and how its monthly figures are drawn.

    ``level`` is the typical monthly value (per ``multiplier`` for rates, a share for
    proportions, a count for counts); ``base`` is the denominator: a population share
    (``population``, ``adults``, ``older``) or, for proportions, a typical monthly count.
    """

    code: str
    name: str
    unit: str
    multiplier: int
    polarity: str
    national: bool
    level: float
    base: str | float
    spread: float


METRICS: tuple[MetricDef, ...] = (
    MetricDef("bcf_dtoc", "", "rate", 100_000, "lower_is_better", True, 300.0, "adults", 0.04),
    MetricDef(
        "bcf_non_elective_admissions",
        "",
        "rate",
        100_000,
        "lower_is_better",
        True,
        800.0,
        "population",
        0.015,
    ),
    MetricDef(
        "bcf_avoidable_admissions",
        "",
        "rate",
        100_000,
        "lower_is_better",
        True,
        66.0,
        "population",
        0.05,
    ),
    MetricDef(
        "bcf_discharge_usual_residence",
        "",
        "proportion",
        100,
        "higher_is_better",
        True,
        0.93,
        3_000.0,
        0.01,
    ),
    MetricDef(
        "bench_emergency_admissions_65",
        "Emergency admissions of people aged 65 and over per 100,000 (benchmark)",
        "rate",
        100_000,
        "lower_is_better",
        False,
        2_100.0,
        "older",
        0.02,
    ),
    MetricDef(
        "bench_care_home_admissions_65",
        "Permanent care home admissions aged 65 and over per 100,000, monthly (benchmark)",
        "rate",
        100_000,
        "lower_is_better",
        False,
        55.0,
        "older",
        0.08,
    ),
    MetricDef(
        "bench_readmissions_30_days",
        "Emergency readmissions within 30 days of discharge (benchmark)",
        "proportion",
        100,
        "lower_is_better",
        False,
        0.14,
        900.0,
        0.05,
    ),
    MetricDef(
        "bench_reablement_at_home",
        "Still at home 91 days after reablement, monthly cohort (benchmark)",
        "proportion",
        100,
        "higher_is_better",
        False,
        0.84,
        70.0,
        0.03,
    ),
    MetricDef(
        "bench_ae_attendances_65",
        "A&E attendances of people aged 65 and over (benchmark)",
        "count",
        1,
        "lower_is_better",
        False,
        1_600.0,
        "older",
        0.03,
    ),
    MetricDef(
        "bench_home_care_hours",
        "Hours of home care delivered (benchmark)",
        "count",
        1,
        "higher_is_better",
        False,
        42_000.0,
        "older",
        0.02,
    ),
)
NATIONAL_CODES = tuple(m.code for m in METRICS if m.national)
SEASON = (1.0, 0.98, 0.97, 0.99, 1.0, 1.02, 1.03, 1.06, 1.08, 1.05, 1.02, 1.01)  # April first
THEME_NAMES = (
    ("Integrated community care", "Joined-up care closer to home"),
    ("Hospital discharge and reablement", "Maximising independence after a hospital stay"),
    ("Prevention and early help", "Helping people stay well and independent"),
    ("Carers and housing", "Supporting carers and independent living"),
    ("Enablers", "Integration enablers: data, workforce and estates"),
)
SCHEME_NAMES = (
    "Protecting adult social care",
    "Integrated neighbourhood teams",
    "Rapid response at home",
    "Care home support",
    "Discharge to assess",
    "Reablement",
    "Trusted assessors",
    "Step-up and step-down beds",
    "Carers support",
    "Assistive technology and telecare",
    "Falls prevention",
    "Social prescribing",
    "Disabled facilities grants",
    "Home from hospital",
    "Frailty hub",
)
PEOPLE = (
    "Amira Begum",
    "Chris Lowe",
    "Dawn Hartley",
    "Femi Adeyemi",
    "Gail Thornton",
    "Harjit Sandhu",
    "Ian Pickering",
    "Joanne Fisher",
    "Kamal Hussain",
    "Lucy Barker",
)
EXCEPTIONS = {
    "savings": "Savings behind plan while activity builds; recovery plan agreed with the provider.",
    "milestones": "Recruitment delays have put milestones behind; interim cover arranged.",
    "finance": "Variance against the agreed budget forecast; mitigation plan to the finance group.",
    "metrics": "Activity above the scheme's trajectory; pathway review under way.",
}
HEADLINES = (
    "On track.",
    "Referrals up on last month with no increase in waiting times.",
    "",
    "",
)


def region_code(index: int) -> str:
    return f"E129{index:05d}"


def icb_code(index: int) -> str:
    return f"E549{index:05d}"


def hwb_code(index: int) -> str:
    return f"E109{index:05d}"


def money(amount: float) -> Decimal:
    return Decimal(str(round(amount, -3))).quantize(Decimal("0.01"))


def months(first: Month, last: Month) -> list[Month]:
    return [first + offset for offset in range(first.months_until(last) + 1)]


def programme_rows(areas: int) -> list[Row]:
    icbs = -(-areas // HWBS_PER_ICB)
    regions = -(-icbs // ICBS_PER_REGION)
    rows: list[Row] = [
        {"area_code": region_code(r), "area_name": f"Region {r + 1} {LABEL}", "area_type": "region"}
        for r in range(regions)
    ]
    rows += [
        {
            "area_code": icb_code(i),
            "area_name": f"Integrated Care Board {i + 1} {LABEL}",
            "area_type": "ICB",
            "parent_code": region_code(i // ICBS_PER_REGION),
        }
        for i in range(icbs)
    ]
    rows += [
        {
            "area_code": hwb_code(h),
            "area_name": f"Area {h + 1:03d}",
            "area_type": "HWB",
            "parent_code": icb_code(h // HWBS_PER_ICB),
            "programme_name": f"Area {h + 1:03d} Better Care Fund programme {LABEL}",
            "local_authority": f"Area {h + 1:03d} Council",
            "commissioners": f"NHS Area {h + 1:03d} CCG",
        }
        for h in range(areas)
    ]
    return rows


def metric_rows() -> list[Row]:
    return [
        {
            "code": m.code,
            "name": m.name,
            "unit": m.unit,
            "multiplier": m.multiplier,
            "polarity": m.polarity,
            "frequency": "month",
            "description": "A local metric of the benchmark instance.",
        }
        for m in METRICS
        if not m.national
    ]


def _series(
    metric: MetricDef, sizes: dict[str, float], rng: random.Random
) -> list[tuple[Month, float, float | None]]:
    """60 monthly (month, numerator, denominator) with drift, season and a step change."""
    drift = rng.uniform(-0.04, 0.03)  # per year
    step_at = rng.randrange(12, MONTHS - 6)
    step = rng.choice((1.0, 1.0, 0.9, 1.12))
    points: list[tuple[Month, float, float | None]] = []
    for index, month in enumerate(months(FIRST_MONTH, LATEST)):
        factor = (1 + drift) ** (index / 12) * (step if index >= step_at else 1.0)
        growth = 1.008 ** (month.financial_year.start_year - 2015)
        if metric.unit == "proportion":
            assert isinstance(metric.base, float)
            denominator = float(max(10, round(rng.gauss(metric.base, metric.base * 0.05))))
            share = min(0.995, max(0.005, metric.level * factor + rng.gauss(0, metric.spread)))
            points.append((month, float(round(denominator * share)), denominator))
            continue
        assert isinstance(metric.base, str)
        size = float(round(sizes[metric.base] * growth))
        season = SEASON[(month.month - 4) % 12]
        days = month.last_day.day / 30.4
        expected = metric.level * factor * season * days
        if metric.unit == "rate":
            expected *= size / metric.multiplier
        else:
            expected *= sizes[metric.base] / sizes["older_mean"]
        numerator = float(max(0, round(rng.gauss(expected, expected * metric.spread))))
        points.append((month, numerator, size if metric.unit == "rate" else None))
    return points


def _value(code: str, metric: str, start: date, end: date, kind: str, **figures: Any) -> Row:
    return {
        "area_code": code,
        "metric_code": metric,
        "period_start": start,
        "period_end": end,
        "kind": kind,
        "numerator": figures.get("numerator"),
        "denominator": figures.get("denominator"),
        "value": figures.get("value"),
        "note": figures.get("note"),
    }


def _measure(metric: MetricDef, numerator: float, denominator: float | None) -> float:
    if denominator is None:
        return numerator
    return numerator / denominator * metric.multiplier


@functools.cache
def _registry() -> dict[str, Any]:
    from bettercare.registry import load_registry

    return dict(load_registry())


def metric_value_rows(code: str, sizes: dict[str, float], rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for metric in METRICS:
        points = _series(metric, sizes, rng)
        by_year: dict[FinancialYear, list[tuple[float, float | None]]] = {}
        for month, numerator, denominator in points:
            rows.append(
                _value(
                    code,
                    metric.code,
                    month.first_day,
                    month.last_day,
                    "actual",
                    numerator=numerator,
                    denominator=denominator,
                )
            )
            by_year.setdefault(month.financial_year, []).append((numerator, denominator))
        first_year = min(by_year)
        first = by_year[first_year]
        total = sum(n for n, _ in first)
        if metric.unit == "rate":
            # The average monthly rate: the year's total / (12 x population), like the demo.
            baseline = {"numerator": total, "denominator": 12 * first[0][1]}  # type: ignore[operator]
        elif metric.unit == "proportion":
            baseline = {"numerator": total, "denominator": sum(d or 0 for _, d in first)}
        else:
            baseline = {"value": round(total / 12, 1)}
        rows.append(
            _value(code, metric.code, first_year.start, first_year.end, "baseline", **baseline)
        )
        definition = _registry().get(metric.code)
        for year, values in sorted(by_year.items()):
            if definition is not None and not definition.applies_in(year):
                continue  # a national metric has targets only in the years it is in force
            average = sum(_measure(metric, n, d) for n, d in values) / len(values)
            better = 0.97 if metric.polarity == "lower_is_better" else 1.01
            target = average * better * rng.uniform(0.97, 1.03)
            if metric.unit == "proportion":
                target = min(target, metric.multiplier * 0.995)
            rows.append(
                _value(code, metric.code, year.start, year.end, "target", value=round(target, 2))
            )
    return rows


@dataclass(frozen=True, slots=True)
class SchemeDef:
    ref: str
    name: str
    theme: str
    enabler: bool
    start: date
    lead: str
    weight: float


def _schemes(hwb: int, rng: random.Random) -> list[SchemeDef]:
    schemes = []
    for number in range(1, SCHEMES + 1):
        theme = (number - 1) * THEMES // SCHEMES + 1
        enabler = theme == THEMES and number % 3 == 0
        schemes.append(
            SchemeDef(
                ref=f"S{number:02d}",
                name=f"{SCHEME_NAMES[(number + hwb) % len(SCHEME_NAMES)]} ({number})",
                theme=f"T{theme}",
                enabler=enabler,
                start=date(rng.choice((2014, 2015, 2016, 2017, 2018)), rng.choice((4, 7, 10)), 1),
                lead=rng.choice(PEOPLE),
                weight=rng.uniform(0.5, 3.0) * (8 if number == 1 else 1),
            )
        )
    return schemes


def _returns(
    code: str, schemes: list[SchemeDef], rng: random.Random
) -> tuple[list[Row], list[Row], list[Row]]:
    statuses: list[Row] = []
    programme: list[Row] = []
    achievements: list[Row] = []
    now: dict[tuple[str, str], str] = {}
    programme_now = dict.fromkeys(("plan", "benefits", "budget"), "G")
    for month in months(FIRST_PERIOD, LATEST):
        for scheme in schemes:
            for dimension in DIMENSIONS:
                roll, change = rng.random(), rng.random()
                if (scheme.ref, dimension) not in now or change < 0.25:
                    now[(scheme.ref, dimension)] = (
                        "G" if roll < 0.75 else "A" if roll < 0.93 else "R"
                    )
                status = now[(scheme.ref, dimension)]
                if scheme.enabler and dimension in ("savings", "metrics"):
                    status = "E"
                commentary = (
                    EXCEPTIONS[dimension] if status in ("A", "R") else rng.choice(HEADLINES)
                )
                statuses.append(
                    {
                        "area_code": code,
                        "period": str(month),
                        "scheme_ref": scheme.ref,
                        "dimension": dimension,
                        "status": status,
                        "commentary": commentary or None,
                        "additional_information": "Escalated to the programme board."
                        if status == "R"
                        else None,
                    }
                )
        for dimension in programme_now:
            if month.month in (4, 7, 10, 1):
                roll = rng.random()
                programme_now[dimension] = "G" if roll < 0.6 else "A" if roll < 0.92 else "R"
            status = programme_now[dimension]
            programme.append(
                {
                    "area_code": code,
                    "period": str(month),
                    "dimension": dimension,
                    "status": status,
                    "summary": {
                        "G": f"{dimension.title()} on track.",
                        "A": f"{dimension.title()} at risk this quarter; recovery actions agreed.",
                        "R": f"{dimension.title()} off track; escalated to the Health and "
                        "Wellbeing Board.",
                    }[status],
                }
            )
        for number in (1, 2):
            achievements.append(
                {
                    "area_code": code,
                    "period": str(month),
                    "text": f"{rng.choice(schemes).name}: achievement {number} of {month.label}.",
                }
            )
    return statuses, programme, achievements


def area_rows(hwb: int, seed: int) -> Rows:
    """Every sheet's rows (but ``programme`` and ``metrics``) for one HWB area."""
    rng = random.Random(f"bench-web:{seed}:{hwb}")  # seeded, not for security
    code = hwb_code(hwb)
    population = rng.uniform(150_000, 1_400_000)
    sizes = {
        "population": population,
        "adults": population * 0.79,
        "older": population * 0.19,
        "older_mean": 775_000 * 0.19,
    }
    rows: Rows = {
        "themes": [
            {"area_code": code, "code": f"T{n}", "name": name, "priority": f"JHWS: {priority}"}
            for n, (name, priority) in enumerate(THEME_NAMES, start=1)
        ]
    }
    schemes = _schemes(hwb, rng)
    metric_codes = [m.code for m in METRICS]
    rows["schemes"] = [
        {
            "area_code": code,
            "ref": s.ref,
            "name": s.name,
            "theme_code": s.theme,
            "lead": s.lead,
            "enabler": s.enabler,
            "start_date": s.start,
            "description": f"{s.name}: a benchmark scheme.",
            "metrics_impacted": () if s.enabler else tuple(rng.sample(metric_codes, 2)),
        }
        for s in schemes
    ]
    rows["scheme_delivery_chain"] = [
        {
            "area_code": code,
            "scheme_ref": s.ref,
            "organisation": organisation,
            "role": role,
            "responsibility": None,
        }
        for s in schemes
        for organisation, role in (
            (f"NHS Area {hwb + 1:03d} CCG", "commissioner"),
            (f"Area {hwb + 1:03d} Community Health Services NHS Trust", "provider"),
        )
    ]
    budgets = {"BCF": 62.3, "iBCF": 13.9, "DFG": 4.8}
    rows["funding"], rows["scheme_finance"], rows["savings"] = [], [], []
    weights = sum(s.weight for s in schemes)
    for year in FINANCE_YEARS:
        total = Decimal(0)
        for stream, per_head in budgets.items():
            budget = money(population * per_head)
            total += budget
            rows["funding"].append(
                {
                    "area_code": code,
                    "financial_year": str(year),
                    "stream": stream,
                    "organisation": f"Area {hwb + 1:03d} Council",
                    "budget": budget,
                    "forecast_outturn": money(float(budget) * rng.choice((1, 1, 0.98, 1.03))),
                    "as_at": min(year.end, LATEST.last_day),
                }
            )
        spend = [money(float(total) * s.weight / weights) for s in schemes]
        spend[0] += total - sum(spend)
        rows["scheme_finance"] += [
            {
                "area_code": code,
                "scheme_ref": s.ref,
                "financial_year": str(year),
                "line": "spend",
                "recurrent": amount,
                "non_recurrent": Decimal("0.00"),
            }
            for s, amount in zip(schemes, spend, strict=True)
        ]
        target = money(population * 62.3 * rng.uniform(0.02, 0.04))
        rows["savings"].append(
            {
                "area_code": code,
                "financial_year": str(year),
                "target": target,
                "achieved_to_date": money(float(target) * rng.uniform(0.5, 1.05)),
                "as_at": min(year.end, LATEST.last_day),
            }
        )
    rows["metric_values"] = metric_value_rows(code, sizes, rng)
    rows["milestones"] = []
    for number in range(1, MILESTONES + 1):
        baseline = date.fromordinal(date(2019, 4, 1).toordinal() + rng.randrange(0, 500))
        late = rng.choice((0, 0, 0, 14, 45))
        finish = date.fromordinal(baseline.toordinal() + late)
        done = finish <= LATEST.last_day and rng.random() < 0.5  # never completed in the future
        rows["milestones"].append(
            {
                "area_code": code,
                "ref": f"M{number:02d}",
                "scheme_ref": None if number <= 4 else rng.choice(schemes).ref,
                "title": f"Milestone {number}: {rng.choice(SCHEME_NAMES).lower()} review",
                "baseline_date": baseline,
                "revised_date": finish if late else None,
                "completed_date": finish if done else None,
                "comments": "Slipped; revised date agreed." if late else "On track.",
            }
        )
    rows["risks"] = []
    for number in range(1, RISKS + 1):
        likelihood, impact = rng.randint(1, 5), rng.randint(1, 5)
        rows["risks"].append(
            {
                "area_code": code,
                "ref": f"R{number:02d}",
                "title": f"Risk {number}",
                "description": "If demand outstrips capacity, discharges will be delayed.",
                "mitigation": "Monitored monthly by the programme board.",
                "owner": rng.choice(PEOPLE),
                "likelihood": likelihood,
                "impact": impact,
                "previous_score": max(1, min(25, likelihood * impact + rng.choice((-3, 0, 4)))),
                "scheme_ref": rng.choice(schemes).ref if number % 2 else None,
                "as_at": LATEST.last_day,
            }
        )
    statuses, programme, achievements = _returns(code, schemes, rng)
    rows["status_updates"] = statuses
    rows["programme_status"] = programme
    rows["achievements"] = achievements
    rows["planned_activities"] = [
        {
            "area_code": code,
            "period": str(LATEST),
            "group": group,
            "text": f"{rng.choice(schemes).name}: {group} activity {number}.",
            "month": None if number == 1 else str(LATEST + number - 1),
        }
        for group in ACTIVITY_GROUPS
        for number in (1, 2, 3)
    ]
    rows.update(plan_rows(hwb, rng))
    rows["assurance"] = assurance_rows(code, rng)
    return rows


def plan_rows(hwb: int, rng: random.Random) -> Rows:
    """The plan page's rows for the plan year: dates, sign-offs, national conditions and pay
    for performance."""
    code, year = hwb_code(hwb), str(PLAN_YEAR)
    submitted = date(2019, 9, 27)
    conditions = []
    for number, condition in enumerate(CONDITIONS, start=1):
        met = number != 4 or rng.random() < 0.7
        conditions.append(
            {
                "area_code": code,
                "financial_year": year,
                "condition": condition,
                "met": met,
                "statement": "Agreed by the Health and Wellbeing Board."
                if met
                else "To be met by the end of the third quarter.",
            }
        )
    return {
        "plan_details": [
            {
                "area_code": code,
                "financial_year": year,
                "hwb_agreed_on": date(2019, 9, 12),
                "hwb_note": "BCF plan 2019-20",
                "submitted_on": submitted,
                "approved_on": date(2019, 11, 29),
            }
        ],
        "plan_sign_offs": [
            {
                "area_code": code,
                "financial_year": year,
                "on_behalf_of": body.format(number=hwb + 1),
                "signed_by": rng.choice(PEOPLE),
                "position": position,
                "signed_on": submitted,
            }
            for body, position in SIGN_OFFS
        ],
        "national_conditions": conditions,
        "pay_for_performance": [
            {
                "area_code": code,
                "financial_year": year,
                "metric": METRICS[index].code,
                "planned_savings": money(rng.uniform(200_000, 900_000)),
                "maximum_support": money(rng.uniform(100_000, 400_000)),
            }
            for index in range(2)
        ],
        "performance_payments": [
            {
                "area_code": code,
                "financial_year": year,
                "period": f"{month.label} payment",
                "available": money(rng.uniform(300_000, 600_000)),
                "planned_reduction": 120,
                "achieved_reduction": rng.randint(60, 140) if month <= LATEST else None,
            }
            for month in (Month(2019, 11), Month(2020, 2), Month(2020, 5))
        ],
    }


def assurance_rows(code: str, rng: random.Random) -> list[Row]:
    """The area's regional assurance ratings in each round: the headline questions, the
    national conditions and the other criteria, the odd one qualified."""
    rows: list[Row] = []
    for round_name in ASSURANCE_ROUNDS:
        for criterion in ASSURANCE_CRITERIA:
            headline = criterion in ("High-risk plan", "Recommended for final sign-off")
            roll = rng.random()
            if headline:
                status = "Y" if (roll < 0.2) == (criterion == "High-risk plan") else "N"
            else:
                status = "G" if roll < 0.7 else "A" if roll < 0.92 else "R"
            qualified = not headline and rng.random() < 0.05
            rows.append(
                {
                    "area_code": code,
                    "round": round_name,
                    "criterion": criterion,
                    "status": status,
                    "comment": "Capacity and demand plan not yet agreed; remedial plan in place."
                    if criterion == "High-risk plan" and status == "Y"
                    else None,
                    "qualified": qualified,
                    "footnote": "Subject to the section 75 agreement being signed."
                    if qualified
                    else None,
                }
            )
    return rows


def instance_rows(areas: int = 150, seed: int = DEFAULT_SEED) -> Rows:
    """Every sheet's rows for ``areas`` HWB areas."""
    rows: Rows = {"programme": programme_rows(areas), "metrics": metric_rows()}
    for hwb in range(areas):
        for sheet, sheet_rows in area_rows(hwb, seed).items():
            rows.setdefault(sheet, []).extend(sheet_rows)
    return rows
