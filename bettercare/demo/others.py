"""The other nine areas' lighter programmes: 2-4 themes and 4-8 schemes each, drawn from a
pool by the seed, with funding, scheme spend, a few milestones and risks, and the monthly
programme status, scheme returns and an achievement from September 2016 to August 2017.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from bettercare.core.periods import Month
from bettercare.demo.areas import LEICESTERSHIRE, Hwb, hwbs_in
from bettercare.demo.leicestershire_returns import ENABLER, HEADLINES, not_started
from bettercare.demo.metrics import DTOC, NEL, PERMANENT, REABLEMENT
from bettercare.demo.timeline import LATEST, RETURNS_FROM, Row, months, pounds, rng_for

PREFIXES = {
    "E06000016": "LC",
    "E06000017": "R",
    "E10000007": "DBY",
    "E06000015": "DC",
    "E10000024": "NCC",
    "E06000018": "NC",
    "E10000019": "LIN",
    "E06000061": "NN",
    "E06000062": "WN",
    "E10000021": "NTH",
}
PROVIDERS = {
    "E54000015": "Leicestershire Partnership NHS Trust",
    "E54000058": "Derbyshire Community Health Services NHS Foundation Trust",
    "E54000060": "Nottinghamshire Healthcare NHS Foundation Trust",
    "E54000013": "Lincolnshire Community Health Services NHS Trust",
    "E54000059": "Northamptonshire Healthcare NHS Foundation Trust",
}
THEMES = {
    "COMM": ("Integrated community care", "JHWS: Joined-up care closer to home"),
    "DISC": (
        "Hospital discharge and reablement",
        "JHWS: Maximising independence after a hospital stay",
    ),
    "PREV": ("Prevention and early help", "JHWS: Helping people stay well and independent"),
    "ENAB": ("Enablers", "JHWS: Integration enablers: data, workforce and estates"),
}
# name, theme, metrics, enabler, weight (share of the pooled budget)
POOL: tuple[tuple[str, str, tuple[str, ...], bool, int], ...] = (
    ("Protecting adult social care", "COMM", (PERMANENT, DTOC), False, 40),
    ("Integrated neighbourhood teams", "COMM", (NEL,), False, 12),
    ("Rapid response at home", "COMM", (NEL, PERMANENT), False, 8),
    ("Care home support", "COMM", (NEL, PERMANENT), False, 4),
    ("Discharge to assess", "DISC", (DTOC, REABLEMENT), False, 9),
    ("Reablement", "DISC", (REABLEMENT, DTOC), False, 8),
    ("Trusted assessors", "DISC", (DTOC,), False, 2),
    ("Step-up and step-down beds", "DISC", (DTOC, NEL), False, 5),
    ("Carers support", "PREV", (PERMANENT,), False, 3),
    ("Assistive technology and telecare", "PREV", (PERMANENT,), False, 3),
    ("Falls prevention", "PREV", (NEL,), False, 2),
    ("Social prescribing", "PREV", (NEL,), False, 2),
    ("Shared care record (NHS number)", "ENAB", (), True, 1),
    ("Programme management", "ENAB", (), True, 1),
)
NAMES = (
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
    "Michael Osei",
    "Naomi Clarke",
    "Paul Wainwright",
    "Rebecca Holt",
    "Steve Marriott",
)
EXCEPTION_TEXT = {
    ("savings", "A"): (
        "Savings behind plan by up to 10% while activity builds; recovery plan "
        "agreed with the provider.",
    ),
    ("savings", "R"): (
        "Savings more than 10% behind plan: the reduction in bed days has not "
        "materialised; scheme review commissioned.",
    ),
    ("milestones", "A"): (
        "Recruitment delays have put milestones up to 30 days behind; interim cover arranged.",
    ),
    ("milestones", "R"): (
        "Business case more than 30 days late pending partner sign-off; "
        "revised timetable to the next board.",
    ),
    ("finance", "A"): (
        "Likely underspend of up to 10% from vacancies, to be re-profiled into winter.",
    ),
    ("finance", "R"): (
        "Overspend of more than 10% forecast from demand for packages of care; "
        "mitigation plan to the finance group.",
    ),
    ("metrics", "A"): (
        "Activity up to 10% above the scheme's trajectory; daily escalation in place.",
    ),
    ("metrics", "R"): (
        "Admissions more than 10% above plan for the year to date; pathway review under way.",
    ),
}


@dataclass(frozen=True, slots=True)
class LightScheme:
    ref: str
    name: str
    theme: str
    metrics: tuple[str, ...]
    enabler: bool
    start: date
    lead: str
    weight: int


def passported_to(hwb: Hwb) -> str | None:
    """Where a county's DFG goes: its district councils (the housing authorities); a unitary
    council is its own housing authority, so nothing is passported."""
    return f"{hwb.name} district councils" if hwb.code.startswith("E10") else None


def protection_of(enabler: bool, name: str) -> str | None:
    """The demo's protection category of a scheme's spend: care services maintain social
    care, other front-line services are NHS-commissioned out-of-hospital services, and
    enablers protect neither."""
    if enabler:
        return None
    return "social_care" if "care" in name.lower() else "nhs_out_of_hospital"


def _budgets(hwb: Hwb) -> dict[str, tuple[int, int]]:
    """(2016-17, 2017-18) budgets by stream, sized by population like Leicestershire's."""
    per_head = {"BCF": (58.3, 62.3), "iBCF": (0.0, 13.9), "DFG": (4.5, 4.8)}
    return {
        stream: (int(round(hwb.population * a, -3)), int(round(hwb.population * b, -3)))
        for stream, (a, b) in per_head.items()
    }


def _schemes(hwb: Hwb, rng: random.Random) -> list[LightScheme]:
    themes = ["COMM", "DISC", *rng.sample(["PREV", "ENAB"], rng.randint(0, 2))]
    pool = [p for p in POOL if p[1] in themes]
    chosen = [pool[0], *rng.sample(pool[1:], min(len(pool) - 1, rng.randint(3, 7)))]
    chosen.sort(key=POOL.index)
    schemes = []
    for number, (name, theme, metrics, enabler, weight) in enumerate(chosen, start=1):
        year = rng.choice((2014, 2015, 2016))
        start = date(year, rng.choice((4, 7, 10)), 1)
        if number == len(chosen) and not enabler and rng.random() < 0.5:
            start = date(2017, rng.choice((10, 11)), 1)  # not yet started
        schemes.append(
            LightScheme(
                f"{PREFIXES[hwb.code]}{number:02d}",
                name,
                theme,
                metrics,
                enabler,
                start,
                rng.choice(NAMES),
                weight,
            )
        )
    return schemes


def _spend(schemes: list[LightScheme], total: int, year_end: date) -> dict[str, int]:
    running = [s for s in schemes if s.start <= year_end]
    weights = sum(s.weight for s in running)
    spend = {s.ref: int(round(total * s.weight / weights, -3)) for s in running}
    spend[running[0].ref] += total - sum(spend.values())
    return spend


def _return(
    scheme: LightScheme, dimension: str, month: Month, state: str, rng: random.Random
) -> tuple[str, str]:
    headline = rng.choice(HEADLINES[dimension])
    if scheme.start > month.last_day:
        return not_started(scheme.start, dimension)
    if scheme.enabler and dimension in ("savings", "metrics"):
        return "E", ENABLER
    if state == "G":
        return "G", headline
    return state, EXCEPTION_TEXT[(dimension, state)][0]


def area_rows(hwb: Hwb, seed: int, as_at: Month) -> dict[str, list[Row]]:
    """Every sheet's rows for one of the lighter programmes, as known at ``as_at``."""
    rng = rng_for(seed, f"programme:{hwb.code}")
    schemes = _schemes(hwb, rng)
    code = hwb.code
    rows: dict[str, list[Row]] = {
        name: []
        for name in (
            "themes",
            "schemes",
            "scheme_delivery_chain",
            "funding",
            "scheme_finance",
            "savings",
            "milestones",
            "risks",
            "status_updates",
            "programme_status",
            "achievements",
        )
    }
    for theme in dict.fromkeys(s.theme for s in schemes):
        name, priority = THEMES[theme]
        rows["themes"].append(
            {"area_code": code, "code": theme, "name": name, "priority": priority}
        )
    provider = PROVIDERS[hwb.icb]
    for s in schemes:
        rows["schemes"].append(
            {
                "area_code": code,
                "ref": s.ref,
                "name": s.name,
                "theme_code": s.theme,
                "lead": s.lead,
                "enabler": s.enabler,
                "start_date": s.start,
                "metrics_impacted": s.metrics,
                "description": f"{s.name} for {hwb.name}: a demonstration scheme.",
            }
        )
        delivers = hwb.local_authority if s.enabler or "care" in s.name.lower() else provider
        rows["scheme_delivery_chain"] += [
            {
                "area_code": code,
                "scheme_ref": s.ref,
                "organisation": organisation,
                "role": role,
                "responsibility": None,
            }
            for organisation, role in (
                (hwb.commissioners[0], "commissioner"),
                (delivers, "provider"),
            )
        ]
    budgets = _budgets(hwb)
    protection = {s.ref: protection_of(s.enabler, s.name) for s in schemes}
    for index, year in enumerate(("2016-17", "2017-18")):
        # The DFG is within the BCF (as in 2017-19 plans): the pool is the BCF and the iBCF.
        total = sum(b[index] for stream, b in budgets.items() if stream != "DFG")
        year_end = date(2017 + index, 3, 31)
        for ref, amount in _spend(schemes, total, year_end).items():
            rows["scheme_finance"].append(
                {
                    "area_code": code,
                    "scheme_ref": ref,
                    "financial_year": year,
                    "line": "spend",
                    "recurrent": pounds(amount),
                    "non_recurrent": pounds(0),
                    "protection": protection[ref],
                }
            )
        for stream, amounts in budgets.items():
            if amounts[index]:
                variance = 1 if index == 0 else rng.choice((1, 1, 0.98, 1.03))
                rows["funding"].append(
                    {
                        "area_code": code,
                        "financial_year": year,
                        "stream": stream,
                        "organisation": hwb.local_authority
                        if stream != "DFG"
                        else f"{hwb.name} housing authorities",
                        "budget": pounds(amounts[index]),
                        "forecast_outturn": pounds(round(amounts[index] * variance, -3)),
                        "as_at": as_at.last_day if index else date(2017, 5, 31),
                        "pooled": True,
                        "part_of": "BCF" if stream == "DFG" else None,
                        "passported_to": passported_to(hwb) if stream == "DFG" else None,
                    }
                )
    if rng.random() < 0.6:
        target = round(budgets["BCF"][1] * rng.uniform(0.02, 0.04), -3)
        achieved = round(target * rng.uniform(0.15, 0.6), -3)
        rows["savings"].append(
            {
                "area_code": code,
                "financial_year": "2017-18",
                "target": pounds(target),
                "achieved_to_date": pounds(achieved),
                "as_at": as_at.last_day,
            }
        )
    rows["milestones"] = _milestones(code, schemes, rng)
    rows["risks"] = _risks(code, rng, as_at)
    states = _programme_states(rng)
    for month in months(RETURNS_FROM, LATEST):
        for dimension in ("plan", "benefits", "budget"):
            status = states[dimension][month]
            if month <= as_at:
                rows["programme_status"].append(
                    {
                        "area_code": code,
                        "period": str(month),
                        "dimension": dimension,
                        "status": status,
                        "summary": _summary(hwb, dimension, status, budgets),
                    }
                )
    states_now: dict[tuple[str, str], str] = {}
    for month in months(RETURNS_FROM, LATEST):
        for s in schemes:
            for dimension in ("savings", "milestones", "finance", "metrics"):
                # A status persists for a few months: it changes a quarter of the time.
                roll, change = rng.random(), rng.random()
                if (s.ref, dimension) not in states_now or change < 0.25:
                    states_now[(s.ref, dimension)] = (
                        "G" if roll < 0.8 else "A" if roll < 0.95 else "R"
                    )
                status, text = _return(s, dimension, month, states_now[(s.ref, dimension)], rng)
                if month <= as_at:
                    rows["status_updates"].append(
                        {
                            "area_code": code,
                            "period": str(month),
                            "scheme_ref": s.ref,
                            "dimension": dimension,
                            "status": status,
                            "commentary": text or None,
                        }
                    )
        if month <= as_at:
            rows["achievements"].append(
                {
                    "area_code": code,
                    "period": str(month),
                    "text": f"{rng.choice(schemes).name}: {rng.choice(ACHIEVEMENTS)}",
                }
            )
    return rows


ACHIEVEMENTS = (
    "referrals up on last month with no increase in waiting times.",
    "new staff in post and the service now runs seven days a week.",
    "evaluation report presented to the Health and Wellbeing Board.",
    "joint training delivered to health and social care staff.",
)


def _programme_states(rng: random.Random) -> dict[str, dict[Month, str]]:
    """Each dimension's status by month, changing at most once a quarter."""
    states: dict[str, dict[Month, str]] = {}
    for dimension in ("plan", "benefits", "budget"):
        by_month = {}
        status = "G"
        for month in months(RETURNS_FROM, LATEST):
            if month.month in (10, 1, 4, 7) or month == RETURNS_FROM:
                roll = rng.random()
                status = "G" if roll < 0.6 else "A" if roll < 0.92 else "R"
            by_month[month] = status
        states[dimension] = by_month
    return states


def _summary(hwb: Hwb, dimension: str, status: str, budgets: dict[str, tuple[int, int]]) -> str:
    bcf = budgets["BCF"][1] / 1e6
    return {
        ("plan", "G"): "Programme on track against the plan.",
        ("plan", "A"): "Some schemes behind plan; recovery actions agreed at the programme board.",
        ("plan", "R"): "Key schemes significantly behind plan; escalated to the Health and "
        "Wellbeing Board.",
        ("benefits", "G"): "Benefits on track.",
        ("benefits", "A"): "Delayed transfers above the trajectory; benefits at risk this quarter.",
        ("benefits", "R"): "Admissions and delayed transfers well above plan; benefits will not be "
        "delivered this year without further action.",
        ("budget", "G"): f"BCF budget £{bcf:.1f}m for 2017/18; spend on track.",
        ("budget", "A"): f"BCF budget £{bcf:.1f}m for 2017/18; savings behind plan.",
        ("budget", "R"): f"BCF budget £{bcf:.1f}m for 2017/18; overspend forecast on packages of "
        "care.",
    }[(dimension, status)]


def _milestones(code: str, schemes: list[LightScheme], rng: random.Random) -> list[Row]:
    late = rng.randint(10, 70)
    scheme = next(s for s in schemes if not s.enabler)
    return [
        {
            "area_code": code,
            "ref": "M1",
            "scheme_ref": None,
            "title": "BCF Plan 2017-19 submitted to NHS England",
            "baseline_date": date(2017, 9, 11),
            "comments": "On track.",
        },
        {
            "area_code": code,
            "ref": "M2",
            "scheme_ref": None,
            "title": "Section 75 agreement 2017-19 signed",
            "baseline_date": date(2017, 9, 30),
            "revised_date": date(2017, 11, 30),
            "comments": "National deadline November 2017.",
        },
        {
            "area_code": code,
            "ref": "M3",
            "scheme_ref": scheme.ref,
            "title": f"{scheme.name}: service review completed",
            "baseline_date": date(2017, 6, 30),
            "revised_date": date.fromordinal(date(2017, 6, 30).toordinal() + late),
            "comments": f"Review slipped by {late} days.",
        },
    ]


def _risks(code: str, rng: random.Random, as_at: Month) -> list[Row]:
    risks = (
        (
            "R1",
            "DTOC reduction target",
            "If delayed transfers do not fall to the NHSE "
            "trajectory, the area may be escalated and funding withheld.",
        ),
        (
            "R2",
            "Home care workforce",
            "If providers cannot recruit care workers, discharges will be delayed.",
        ),
        (
            "R3",
            "Savings plan",
            "If schemes do not deliver their benefits, the savings plan will not be achieved.",
        ),
    )
    rows = []
    for ref, title, description in risks:
        likelihood, impact = rng.randint(2, 5), rng.randint(2, 5)
        previous = max(1, min(25, likelihood * impact + rng.choice((-4, -3, 0, 0, 3, 4))))
        rows.append(
            {
                "area_code": code,
                "ref": ref,
                "title": title,
                "description": description,
                "mitigation": "Monitored monthly by the programme board.",
                "owner": rng.choice(NAMES),
                "likelihood": likelihood,
                "impact": impact,
                "previous_score": previous,
                "as_at": as_at.last_day,
            }
        )
    return rows


def other_rows(seed: int, as_at: Month) -> dict[str, list[Row]]:
    """The lighter programmes' rows of the 2017 example (the areas of 2017), sheet by sheet."""
    combined: dict[str, list[Row]] = {}
    for hwb in hwbs_in(LATEST):
        if hwb.code == LEICESTERSHIRE:
            continue
        for sheet, rows in area_rows(hwb, seed, as_at).items():
            combined.setdefault(sheet, []).extend(rows)
    return combined
