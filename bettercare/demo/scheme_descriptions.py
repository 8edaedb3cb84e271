"""Leicestershire's scheme descriptions, in the shape of a plan's detailed scheme descriptions
(seed 003): strategic objective, target cohorts, delivery chain, evidence base, investment by
year, anticipated outcomes, local KPIs with their feedback loop and key success factors.

Made up for the demonstration (every area of the demo is labelled as such): each theme gives
its schemes an objective, cohorts, KPIs and success factors in the seed's words and habits;
the delivery chain is the scheme's commissioner and provider with what each does; the
investment is the scheme's spend. Four schemes (BCF 9, 10, 11 and 14, those the demo's scheme
lead leads or the seed's own risk stratification resembles) are described in full.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bettercare.demo.leicestershire import AREA, LCC, SCHEMES, SchemePlan, scheme_finance_rows
from bettercare.demo.timeline import Row

#: The feedback loop every scheme reports through, as the seed's plan sets it out.
STRATEGIC = "Integration Executive and Health and Wellbeing Board"
OPERATIONAL = "BCF Delivery Group"

#: A KPI: name, level, target, unit, cadence, reported to (as the workbook writes them).
Kpi = tuple[str, str, str, str, str, str]
#: A delivery partner: organisation, role, what it does.
Partner = tuple[str, str, str]

THEME_OBJECTIVES = {
    "UP": "Help people stay well and independent in their own homes and communities for "
    "longer, so that fewer need long-term care or an emergency admission.",
    "UR": "Respond within hours when a person's health or care needs change suddenly, so that "
    "they are cared for at home rather than admitted to hospital.",
    "HD": "Get people home from hospital as soon as they are medically fit, with the "
    "reablement they need to regain their independence.",
    "LTC": "Give people with long-term conditions proactive, joined-up care planned around "
    "them, reducing crises and avoidable admissions.",
    "EN": "Put in place the data, workforce and contracts that let health and care work as "
    "one system.",
}
THEME_COHORTS = {
    "UP": (
        "Adults aged 65+ living alone or with a carer",
        "Carers of people with long-term conditions or dementia",
        "People with a positive frailty flag not already known to services",
    ),
    "UR": (
        "People aged 75+ at risk of an emergency admission (risk bands 3, 4 and 5)",
        "Care home residents",
        "People in the last year of life",
    ),
    "HD": (
        "Adults aged 18+ discharged from UHL who cannot return home independently at first",
        "People aged 65+ needing reablement after a stay in hospital",
    ),
    "LTC": (
        "People aged 60+ with one or more long-term conditions in risk bands 3, 4 and 5",
        "People living with dementia and their carers",
        "Care home residents with complex needs",
    ),
    "EN": ("Staff of every partner organisation", "Every registered patient (data sharing)"),
}
THEME_EVIDENCE = {
    "UP": "Oliver D, Foot C et al. Making our health and care systems fit for an ageing "
    "population. The King's Fund (2014).\nLocal evaluation of the 2016-17 pilots.",
    "UR": "Ham C, Imison C et al. Avoiding hospital admissions: lessons from evidence and "
    "experience. The King's Fund (2010).\nRoland M, Abel G. Reducing emergency admissions: are "
    "we on the right track? BMJ 2012;345:e6017.",
    "HD": "NHS England. Quick guide: discharge to assess (2016).\nNational Audit of "
    "Intermediate Care (2017).",
    "LTC": "Naylor C et al. Long-term conditions and mental health: the cost of co-morbidities. "
    "The King's Fund and Centre for Mental Health (2012).",
    "EN": "Local Government Association. Stepping up to the place: the key to successful "
    "health and care integration (2016).",
}
THEME_OUTCOMES = {
    "UP": "More people still at home 91 days after discharge; fewer permanent admissions to "
    "residential and nursing care.",
    "UR": "Fewer emergency admissions of people aged 65+; more people cared for at home in a "
    "crisis.",
    "HD": "Fewer delayed days; more people at home 91 days after reablement.",
    "LTC": "Fewer emergency admissions for ambulatory care sensitive conditions; more people "
    "with a care plan.",
    "EN": "Partners share records and plan from the same data.",
}
THEME_FACTORS = {
    "UP": ("Referrals from every GP practice", "Joint commissioning with the district councils"),
    "UR": ("Seven-day staffing", "Agreed referral routes with EMAS and GP out of hours"),
    "HD": ("Home care capacity in every locality", "Trusted assessment agreed with UHL"),
    "LTC": ("Complete sign-up of GP practices", "A refreshed information sharing agreement"),
    "EN": ("Information governance agreed by every partner", "Stable funding beyond 2019"),
}
#: Care planning for the 2.1-10% risk cohort, at practice and locality level (seed 003).
CARE_PLANS: tuple[Kpi, ...] = (
    (
        "Care plans agreed for the 2.1-10% risk cohort",
        "practice",
        "80",
        "%",
        "weekly",
        "GP practice",
    ),
    (
        "Care plans agreed for the 2.1-10% risk cohort",
        "locality",
        "75",
        "%",
        "biweekly",
        OPERATIONAL,
    ),
)
#: Each theme's KPIs: (name, level, target, unit, cadence, reported to).
THEME_KPIS: dict[str, tuple[Kpi, ...]] = {
    "UP": (
        ("Referrals received", "locality", "", "", "biweekly", OPERATIONAL),
        ("Clients still independent at 6 months", "area", "70", "%", "monthly", STRATEGIC),
    ),
    "UR": (
        ("Crisis responses within 2 hours", "locality", "90", "%", "biweekly", OPERATIONAL),
        ("Admissions avoided", "area", "", "", "monthly", STRATEGIC),
    ),
    "HD": (
        (
            "Discharges home within 24 hours of being medically fit",
            "area",
            "85",
            "%",
            "biweekly",
            OPERATIONAL,
        ),
        ("At home 91 days after reablement", "area", "82", "%", "monthly", STRATEGIC),
    ),
    "LTC": (
        *CARE_PLANS,
        ("Emergency admissions from care homes", "area", "", "", "monthly", STRATEGIC),
    ),
    "EN": (("Milestones delivered on time", "area", "90", "%", "monthly", STRATEGIC),),
}


@dataclass(frozen=True)
class Full:
    """What a scheme described in full says beyond its theme's defaults."""

    objective: str = ""
    cohorts: tuple[str, ...] = ()
    chain: tuple[Partner, ...] = ()
    kpis: tuple[Kpi, ...] = ()


#: The schemes described in full, in the seed's own detail.
FULL: dict[str, Full] = {
    "BCF 9": Full(
        objective="Develop a new model of primary care that is more proactive, "
        "holistic and responsive, using risk stratification to find the people whose care a "
        "practice can change most.",
        cohorts=(
            "Aged 18-59 with three or more long-term conditions in risk bands 3, 4 and 5",
            "Aged 60+ with one or more long-term conditions in risk bands 3, 4 and 5",
            "Those with dementia",
            "Those with a positive frailty flag not on the end of life or dementia register",
        ),
        chain=(
            ("West Leicestershire CCG", "commissioner", "Commissions the enhanced service"),
            (
                "East Leicestershire and Rutland CCG",
                "commissioner",
                "Commissions the enhanced service",
            ),
            ("GP practices (46)", "provider", "Case finding, care planning and reviews"),
            (
                "Arden and GEM Commissioning Support Unit",
                "partner",
                "Monthly risk stratification reports for each practice",
            ),
        ),
        kpis=(
            *CARE_PLANS,
            (
                "Seasonal flu vaccinations of the at-risk cohort",
                "practice",
                "75",
                "%",
                "weekly",
                "GP practice",
            ),
            ("Emergency admissions of the risk cohort", "area", "", "", "monthly", STRATEGIC),
        ),
    ),
    "BCF 10": Full(
        objective="Nobody waits in a hospital bed for an assessment that could be "
        "done at home: discharge to assess on the three LLR pathways.",
        chain=(
            (LCC, "commissioner", "Commissions home care and social work"),
            (
                "University Hospitals of Leicester NHS Trust",
                "partner",
                "Identifies patients medically fit for discharge",
            ),
            ("Leicestershire Partnership NHS Trust", "provider", "Therapy and nursing at home"),
            ("Help to Live at Home providers", "provider", "Home care from the day of discharge"),
        ),
        kpis=(
            (
                "Discharges home within 24 hours of being medically fit",
                "area",
                "85",
                "%",
                "biweekly",
                OPERATIONAL,
            ),
            (
                "Assessments completed at home within 72 hours",
                "locality",
                "90",
                "%",
                "weekly",
                "Locality team leads",
            ),
            ("Delayed days (all reasons)", "area", "1200", "days a month", "monthly", STRATEGIC),
        ),
    ),
    "BCF 11": Full(
        chain=(
            (LCC, "commissioner", "Commissions reablement in four lots"),
            ("Help to Live at Home providers (4 lots)", "provider", "Reablement visits"),
            ("Leicestershire Partnership NHS Trust", "partner", "Therapy input"),
        ),
    ),
    "BCF 14": Full(
        chain=(
            (
                "Leicestershire district councils",
                "commissioner",
                "Fund the housing support officers",
            ),
            ("Blaby District Council", "provider", "Hosts the Lightbulb hub"),
            (
                "University Hospitals of Leicester NHS Trust",
                "partner",
                "Hosts the hospital housing enabler",
            ),
        ),
        kpis=(
            ("Housing assessments completed", "locality", "", "", "biweekly", OPERATIONAL),
            ("Minor adaptations fitted within 10 days", "area", "95", "%", "monthly", STRATEGIC),
        ),
    ),
}


def _chain(scheme: SchemePlan) -> tuple[tuple[str, str, str], ...]:
    found = FULL.get(scheme.ref, Full()).chain
    if found:
        return found
    chain: list[Partner] = [(scheme.commissioner, "commissioner", "Commissions the scheme")]
    if scheme.provider and scheme.provider != scheme.commissioner:
        chain.append((scheme.provider, "provider", "Delivers the service"))
    else:
        chain.append(
            (scheme.provider or scheme.commissioner, "provider", "Delivers the service in house")
        )
    return tuple(dict.fromkeys(chain))


def scheme_description_columns() -> dict[str, dict[str, str]]:
    """The description columns of each Leicestershire scheme's row on the schemes sheet."""
    columns = {}
    for scheme in SCHEMES:
        full = FULL.get(scheme.ref, Full())
        theme = scheme.theme
        columns[scheme.ref] = {
            "strategic_objective": full.objective or THEME_OBJECTIVES[theme],
            "target_cohorts": "\n".join(full.cohorts or THEME_COHORTS[theme]),
            "evidence_base": THEME_EVIDENCE[theme],
            "outcomes": THEME_OUTCOMES[theme],
            "success_factors": "\n".join(THEME_FACTORS[theme]),
        }
    return columns


def delivery_chain_rows() -> list[Row]:
    return [
        {
            "area_code": AREA,
            "scheme_ref": scheme.ref,
            "organisation": organisation,
            "role": role,
            "responsibility": responsibility,
        }
        for scheme in SCHEMES
        for organisation, role, responsibility in _chain(scheme)
    ]


def investment_rows() -> list[Row]:
    """Each scheme's investment by year: its spend (recurrent and non-recurrent)."""
    totals: dict[tuple[str, str], Decimal] = {}
    for row in scheme_finance_rows():
        if row["line"] == "spend":
            key = (row["scheme_ref"], str(row["financial_year"]))
            spend = (row["recurrent"] or Decimal(0)) + (row["non_recurrent"] or Decimal(0))
            totals[key] = totals.get(key, Decimal(0)) + spend
    return [
        {"area_code": AREA, "scheme_ref": ref, "financial_year": year, "amount": amount}
        for (ref, year), amount in sorted(totals.items())
    ]


def kpi_rows() -> list[Row]:
    rows = []
    for scheme in SCHEMES:
        kpis = FULL.get(scheme.ref, Full()).kpis or THEME_KPIS[scheme.theme]
        for name, level, target, unit, cadence, reported_to in kpis:
            rows.append(
                {
                    "area_code": AREA,
                    "scheme_ref": scheme.ref,
                    "kpi": name,
                    "level": level,
                    "target": target or None,
                    "unit": unit,
                    "cadence": cadence,
                    "reported_to": reported_to,
                }
            )
    return rows


def described(schemes: list[Row]) -> list[Row]:
    """The schemes sheet's rows with Leicestershire's descriptions added."""
    columns = scheme_description_columns()
    return [{**row, **columns[row["ref"]]} if row["area_code"] == AREA else row for row in schemes]


def description_rows() -> dict[str, list[Row]]:
    """The rows of the description sheets."""
    return {
        "scheme_delivery_chain": delivery_chain_rows(),
        "scheme_investment": investment_rows(),
        "scheme_kpis": kpi_rows(),
    }
