"""Leicestershire, fully worked: themes, schemes, funding, scheme finance and the savings plan.

Shaped on the real county programme in the board papers (the 2014 integration executive
dashboard and the September/October 2017 highlight report): five themes, each serving a Joint
Health and Wellbeing Strategy priority, and their schemes. People's names are invented.
2017-18 funding is as reported: BCF £42.6m (the £3.3m DFG within it, passported to the district
councils), iBCF £9.5m, a pooled fund of £52.1m protecting £7.7m of NHS-commissioned
out-of-hospital services and £22m of social care; a £1.3m cost improvement plan of which £223k
had been achieved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bettercare.core.periods import FinancialYear, Month
from bettercare.demo.areas import LEICESTERSHIRE
from bettercare.demo.metrics import DTOC, FALLS, NEL, PERMANENT, REABLEMENT
from bettercare.demo.timeline import LATEST, SNAPSHOT, Row, pounds

AREA = LEICESTERSHIRE
LCC = "Leicestershire County Council"
CCGS = "West Leicestershire CCG and East Leicestershire and Rutland CCG"
LPT = "Leicestershire Partnership NHS Trust"

THEMES: tuple[tuple[str, str, str], ...] = (
    (
        "UP",
        "A unified prevention offer for communities",
        "JHWS: Managing the shift to early intervention and prevention",
    ),
    ("UR", "Integrated urgent response", "HWBS 10: Planning for an ageing population"),
    ("HD", "Improved hospital discharge and reablement", "HWBS 11: Maximising independence"),
    (
        "LTC",
        "Integrated, proactive care for those with long-term conditions",
        "HWBS 12: Management of long-term conditions",
    ),
    (
        "EN",
        "Enablers and further integration",
        "JHWS: Integrating health and social care (enabling workstreams)",
    ),
)


@dataclass(frozen=True, slots=True)
class SchemePlan:
    """A scheme and its money: 2017-18 spend (recurrent, non-recurrent) and benefit."""

    ref: str
    name: str
    theme: str
    lead: str
    commissioner: str
    provider: str
    start: date
    metrics: tuple[str, ...]
    spend: tuple[int, int]
    benefit: int = 0
    enabler: bool = False
    stream: str = "BCF"
    description: str = ""


S = SchemePlan
SCHEMES: tuple[SchemePlan, ...] = (
    S(
        "BCF 1",
        "Assistive technology",
        "UP",
        "Helen Marsh",
        LCC,
        LCC,
        date(2014, 4, 1),
        (PERMANENT, FALLS),
        (1_420_000, 0),
        -310_000,
        description="Telecare and assistive technology to help people stay safe and independent "
        "at home; charging introduced in 2014 and a market appraisal planned for 2018.",
    ),
    S(
        "BCF 2",
        "Carers support",
        "UP",
        "Priya Shah",
        LCC,
        "Voluntary Action LeicesterShire",
        date(2014, 4, 1),
        (PERMANENT,),
        (1_150_000, 0),
        description="Information, breaks and assessments for carers, under the LLR carers "
        "strategy being refreshed with partners.",
    ),
    S(
        "BCF 3",
        "Local area co-ordination",
        "UP",
        "Tom Okafor",
        LCC,
        LCC,
        date(2015, 1, 5),
        (NEL, FALLS),
        (680_000, 0),
        description="Local area co-ordinators who help people build support in their community "
        "before they reach crisis.",
    ),
    S(
        "BCF 4",
        "First Contact Plus",
        "UP",
        "Tom Okafor",
        LCC,
        LCC,
        date(2014, 6, 2),
        (NEL, PERMANENT),
        (300_000, 0),
        -60_000,
        description="A single online and telephone referral route to preventative services "
        "for residents and professionals.",
    ),
    S(
        "BCF 5",
        "Falls prevention: postural stability programme",
        "UP",
        "Grace Whitfield",
        CCGS,
        LPT,
        date(2017, 11, 27),
        (FALLS, NEL),
        (250_000, 0),
        description="Strength and balance classes and falls risk assessment, moving from the "
        "LLR proof of concept to implementation by the end of November 2017.",
    ),
    S(
        "BCF 6",
        "Disabled Facilities Grant (passported to district councils)",
        "UP",
        "Mark Ellison",
        LCC,
        "Leicestershire district councils",
        date(2014, 4, 1),
        (PERMANENT, FALLS),
        (3_300_000, 0),
        stream="DFG",
        description="Adaptations to people's homes, passported in full to the seven district "
        "councils as the BCF national conditions require.",
    ),
    S(
        "BCF 7",
        "Integrated crisis response service",
        "UR",
        "Rachel Dunmore",
        CCGS,
        LPT,
        date(2014, 10, 1),
        (NEL, PERMANENT),
        (3_200_000, 0),
        -1_150_000,
        description="Rapid two-hour response at home, day and night, to avoid an admission "
        "when a person's health or care needs change suddenly.",
    ),
    S(
        "BCF 8",
        "Frail older people service",
        "UR",
        "Rachel Dunmore",
        CCGS,
        "University Hospitals of Leicester NHS Trust",
        date(2015, 7, 1),
        (NEL,),
        (950_000, 0),
        -240_000,
        description="Comprehensive geriatric assessment at the front door and in the community "
        "for frail older people.",
    ),
    S(
        "BCF 9",
        "Expanded role of primary medical care",
        "UR",
        "Dr Sanjay Mistry",
        CCGS,
        "GP practices",
        date(2015, 4, 1),
        (NEL,),
        (1_900_000, 0),
        -420_000,
        description="Proactive care planning for the 2% of patients most at risk of admission, "
        "found through risk stratification.",
    ),
    S(
        "BCF 10",
        "Home First: discharge to assess",
        "HD",
        "Jo Braithwaite",
        CCGS,
        LPT,
        date(2015, 10, 1),
        (DTOC, REABLEMENT),
        (2_500_000, 0),
        -780_000,
        description="Discharge home to be assessed, with reablement and therapy the same day; "
        "the three LLR discharge pathways.",
    ),
    S(
        "BCF 11",
        "Help to Live at Home: health reablement",
        "HD",
        "Jo Braithwaite",
        LCC,
        "Help to Live at Home providers (4 lots)",
        date(2016, 11, 7),
        (DTOC, REABLEMENT),
        (1_810_000, 0),
        description="Home care reablement commissioned through Help to Live at Home; the last "
        "three lots were reprocured in 2017.",
    ),
    S(
        "BCF 12",
        "Integrated residential reablement",
        "HD",
        "Martin Cole",
        LCC,
        LCC,
        date(2015, 4, 1),
        (REABLEMENT, DTOC),
        (1_300_000, 0),
        -150_000,
        description="Short stays with reablement in residential settings for people who cannot "
        "yet go home.",
    ),
    S(
        "BCF 13",
        "Mental health discharge and interim accommodation",
        "HD",
        "Martin Cole",
        CCGS,
        LPT,
        date(2014, 4, 1),
        (DTOC,),
        (420_000, 0),
        description="Hospital social workers and interim accommodation for people leaving the "
        "Bradgate Mental Health Unit.",
    ),
    S(
        "BCF 14",
        "Lightbulb housing support",
        "HD",
        "Jo Braithwaite",
        LCC,
        "Leicestershire district councils",
        date(2016, 1, 4),
        (DTOC, PERMANENT),
        (600_000, 0),
        description="A county-wide housing offer to health: minor adaptations, housing advice "
        "and a hospital housing enabler.",
    ),
    S(
        "BCF 15",
        "iBCF: reducing delayed transfers of care",
        "HD",
        "Jo Braithwaite",
        LCC,
        LCC,
        date(2017, 6, 1),
        (DTOC,),
        (4_200_000, 800_000),
        stream="iBCF",
        description="The improved Better Care Fund investments targeted at delayed transfers: "
        "brokerage, seven-day social work and home care capacity.",
    ),
    S(
        "BCF 16",
        "Improving quality in care homes",
        "LTC",
        "Nadia Rahman",
        CCGS,
        LCC,
        date(2014, 4, 1),
        (NEL, PERMANENT),
        (740_000, 0),
        -120_000,
        description="A quality improvement team, safeguarding thresholds and clinical support "
        "for care homes.",
    ),
    S(
        "BCF 17",
        "Pathway to housing",
        "LTC",
        "Aisha Karim",
        LCC,
        LCC,
        date(2014, 9, 1),
        (PERMANENT,),
        (260_000, 0),
        description="Supported housing options so that people with learning disabilities or "
        "mental health needs can move into their own homes.",
    ),
    S(
        "BCF 18",
        "Dementia support service",
        "LTC",
        "Nadia Rahman",
        CCGS,
        "To be appointed (procurement)",
        date(2017, 10, 2),
        (PERMANENT,),
        (480_000, 0),
        description="A recommissioned LLR dementia support service, launching in October 2017.",
    ),
    S(
        "BCF 19",
        "Protecting adult social care services",
        "LTC",
        "Helen Marsh",
        CCGS,
        LCC,
        date(2014, 4, 1),
        (PERMANENT, DTOC),
        (0, 0),
        description="Social care maintenance: the NHS contribution that protects adult social "
        "care services, as the national conditions require.",
    ),
    S(
        "BCF 20",
        "iBCF: care market sustainability",
        "LTC",
        "Helen Marsh",
        LCC,
        LCC,
        date(2017, 6, 1),
        (PERMANENT,),
        (4_500_000, 0),
        stream="iBCF",
        description="The improved Better Care Fund grant used to stabilise the home care and "
        "care home markets.",
    ),
    S(
        "BCF 21",
        "LLR Integrated Points of Access",
        "EN",
        "Sarah Pritchard",
        CCGS,
        LPT,
        date(2016, 4, 1),
        (),
        (350_000, 0),
        enabler=True,
        description="One point of access for health and care referrals across Leicester, "
        "Leicestershire and Rutland.",
    ),
    S(
        "BCF 22",
        "Data sharing and IT integration",
        "EN",
        "Owen Fletcher",
        CCGS,
        LCC,
        date(2014, 4, 1),
        (),
        (280_000, 0),
        enabler=True,
        description="The NHS number in social care records, shared care records, and restoring "
        "council access to SUS data.",
    ),
    S(
        "BCF 23",
        "Programme management and contingency",
        "EN",
        "Sarah Pritchard",
        LCC,
        LCC,
        date(2014, 4, 1),
        (),
        (430_000, 1_000_000),
        enabler=True,
        description="The integration programme office, and a £1m contingency against the cost "
        "improvement plan.",
    ),
)

#: Budgets by stream: (2016-17, 2017-18). The DFG is within the BCF (passported out of it to
#: the district councils, seed 001), so the social care maintenance line takes what is left of
#: the BCF after the other schemes and the DFG: spend always adds up to the pooled fund.
BUDGETS = {"BCF": (39_900_000, 42_600_000), "iBCF": (0, 9_500_000), "DFG": (3_100_000, 3_300_000)}


def theme_rows() -> list[Row]:
    return [
        {"area_code": AREA, "code": code, "name": name, "priority": priority}
        for code, name, priority in THEMES
    ]


def scheme_rows() -> list[Row]:
    return [
        {
            "area_code": AREA,
            "ref": s.ref,
            "name": s.name,
            "theme_code": s.theme,
            "lead": s.lead,
            "enabler": s.enabler,
            "start_date": s.start,
            "description": s.description,
            "metrics_impacted": s.metrics,
        }
        for s in SCHEMES
    ]


def _spend_by_year() -> dict[FinancialYear, dict[str, tuple[int, int]]]:
    """Each scheme's (recurrent, non-recurrent) spend by year, adding up to the budgets."""
    spend: dict[FinancialYear, dict[str, tuple[int, int]]] = {}
    for index, year in enumerate((FinancialYear(2016), FinancialYear(2017))):
        lines: dict[str, tuple[int, int]] = {}
        for scheme in SCHEMES:
            if scheme.start > year.end or BUDGETS[scheme.stream][index] == 0:
                continue
            recurrent, once = scheme.spend
            if index == 0 and scheme.stream != "BCF":
                recurrent, once = BUDGETS[scheme.stream][0], 0
            elif index == 0:  # 2016-17: a little smaller, and no contingency yet
                recurrent, once = int(round(recurrent * 0.95, -3)), 0
            lines[scheme.ref] = (recurrent, once)
        used = sum(sum(line) for ref, line in lines.items() if _stream(ref) in ("BCF", "DFG"))
        lines["BCF 19"] = (BUDGETS["BCF"][index] - used, 0)
        for stream in ("iBCF", "DFG"):
            total = sum(sum(line) for ref, line in lines.items() if _stream(ref) == stream)
            assert total == BUDGETS[stream][index], (stream, year, total)
        spend[year] = lines
    return spend


def _stream(ref: str) -> str:
    return next(s.stream for s in SCHEMES if s.ref == ref)


#: The protection-of-services category of each scheme's spend (seed 001: "£7.7m NHS, £22m
#: Social Care Maintenance" in 2017-18): the NHS-commissioned community services, and the
#: council's care services the NHS contribution maintains.
PROTECTION = {
    **dict.fromkeys(
        ("BCF 7", "BCF 8", "BCF 9", "BCF 13", "BCF 16", "BCF 18"), "nhs_out_of_hospital"
    ),
    **dict.fromkeys(("BCF 3", "BCF 11", "BCF 17", "BCF 19"), "social_care"),
}


def scheme_finance_rows() -> list[Row]:
    rows: list[Row] = []
    benefits = {s.ref: s.benefit for s in SCHEMES}
    for year, lines in _spend_by_year().items():
        for ref, (recurrent, once) in lines.items():
            rows.append(
                {
                    "area_code": AREA,
                    "scheme_ref": ref,
                    "financial_year": str(year),
                    "line": "spend",
                    "recurrent": pounds(recurrent),
                    "non_recurrent": pounds(once),
                    "protection": PROTECTION.get(ref),
                }
            )
            if benefits[ref]:
                scale = 0.9 if year.start_year == 2016 else 1.0
                rows.append(
                    {
                        "area_code": AREA,
                        "scheme_ref": ref,
                        "financial_year": str(year),
                        "line": "benefit",
                        "recurrent": pounds(round(benefits[ref] * scale, -3)),
                        "non_recurrent": pounds(0),
                    }
                )
    return rows


FUNDING_ORGANISATIONS = {
    "BCF": "Pooled budget (Leicestershire County Council host)",
    "iBCF": LCC,
    "DFG": LCC,
}
DISTRICTS = "Leicestershire district councils"
MINIMUM_CONTRIBUTIONS = {"BCF": (37_600_000, 38_900_000)}
#: 2016-17 outturn: a small BCF underspend carried into the savings plan.
OUTTURN_2016 = {"BCF": 39_760_000, "DFG": 3_100_000}


def funding_rows(as_at: Month) -> list[Row]:
    rows: list[Row] = []
    for stream, budgets in BUDGETS.items():
        for index, year in enumerate((FinancialYear(2016), FinancialYear(2017))):
            if budgets[index] == 0:
                continue
            minimum = MINIMUM_CONTRIBUTIONS.get(stream)
            outturn = OUTTURN_2016[stream] if index == 0 else budgets[index]
            rows.append(
                {
                    "area_code": AREA,
                    "financial_year": str(year),
                    "stream": stream,
                    "organisation": FUNDING_ORGANISATIONS[stream],
                    "budget": pounds(budgets[index]),
                    "minimum_contribution": pounds(minimum[index]) if minimum else None,
                    "forecast_outturn": pounds(outturn),
                    "as_at": date(2017, 5, 31) if index == 0 else as_at.last_day,
                    "pooled": True,
                    "part_of": "BCF" if stream == "DFG" else None,
                    "passported_to": DISTRICTS if stream == "DFG" else None,
                }
            )
    return rows


def savings_rows(as_at: Month) -> list[Row]:
    achieved = 223_000 if as_at == LATEST else 150_000
    assert as_at in (LATEST, SNAPSHOT)
    return [
        {
            "area_code": AREA,
            "financial_year": "2016-17",
            "target": pounds(1_000_000),
            "achieved_to_date": pounds(1_040_000),
            "as_at": date(2017, 3, 31),
        },
        {
            "area_code": AREA,
            "financial_year": "2017-18",
            "target": pounds(1_300_000),
            "achieved_to_date": pounds(achieved),
            "as_at": as_at.last_day,
        },
    ]
