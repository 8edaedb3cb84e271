"""Leicestershire's programme milestones and risk register, as at July and at August 2017.

Milestones slip by different amounts (on time, completed early, less and more than 30 days
late, one overdue without a revised date); risk scores rise, hold and fall between the two
reviews, in the words of the real highlight report's key risks.
"""

from __future__ import annotations

from datetime import date

from bettercare.core.periods import Month
from bettercare.demo.leicestershire import AREA
from bettercare.demo.timeline import LATEST, Row

D = date
# ref, scheme, title, baseline, July (revised, completed, comments), August (same)
Milestone = tuple[
    str,
    str | None,
    str,
    date,
    tuple[date | None, date | None, str],
    tuple[date | None, date | None, str],
]
MILESTONES: tuple[Milestone, ...] = (
    (
        "PM01",
        None,
        "BCF Plan 2017-19 submitted to NHS England",
        D(2017, 9, 11),
        (
            None,
            None,
            "Draft plan with the Integration Executive; DTOC trajectory under discussion "
            "with NHSE.",
        ),
        (
            None,
            None,
            "Plan on track for submission on 8 September; DTOC metric to be adjusted to "
            "show the 3.5% reduction by November 2017.",
        ),
    ),
    (
        "PM02",
        None,
        "BCF section 75 agreement 2017-19 signed",
        D(2017, 9, 30),
        (None, None, "Draft s75 agreement being reviewed by partners."),
        (
            D(2017, 11, 30),
            None,
            "To go to CCG Boards and the Health and Wellbeing Board in "
            "November; national deadline November 2017.",
        ),
    ),
    (
        "PM03",
        "BCF 1",
        "Produce the unified prevention strategy",
        D(2017, 11, 30),
        (
            None,
            None,
            "Unified Prevention Board developing the model for the four prevention outcomes.",
        ),
        (
            None,
            None,
            "Learning from Braunstone Blues being assimilated; workplace health approaches "
            "mapped across organisations.",
        ),
    ),
    (
        "PM04",
        "BCF 6",
        "DFG passporting agreements signed with the seven district councils",
        D(2017, 6, 30),
        (None, D(2017, 6, 14), "All seven agreements signed ahead of the deadline."),
        (None, D(2017, 6, 14), "All seven agreements signed ahead of the deadline."),
    ),
    (
        "PM05",
        "BCF 15",
        "iBCF spending plan agreed by the Integration Executive",
        D(2017, 7, 31),
        (None, D(2017, 7, 18), "Agreed at the 18 July meeting; £5m targeted at delayed transfers."),
        (None, D(2017, 7, 18), "Agreed at the 18 July meeting; £5m targeted at delayed transfers."),
    ),
    (
        "PM06",
        "BCF 14",
        "Lightbulb county-wide service business case approved",
        D(2017, 5, 31),
        (None, D(2017, 5, 31), "Approved by all district councils; service to start 2 October."),
        (None, D(2017, 5, 31), "Approved by all district councils; service to start 2 October."),
    ),
    (
        "PM07",
        "BCF 11",
        "Help to Live at Home: reprocurement of the remaining 3 lots",
        D(2017, 7, 31),
        (
            D(2017, 8, 22),
            None,
            "Evaluation took longer than planned; contracts to be awarded on 22 August.",
        ),
        (
            D(2017, 8, 22),
            D(2017, 8, 22),
            "The 3 remaining contracts were awarded on 22 August; "
            "3-month transition to 6 November.",
        ),
    ),
    (
        "PM08",
        "BCF 21",
        "LLR Integrated Points of Access: phase one business case agreed",
        D(2017, 5, 31),
        (D(2017, 8, 31), None, "Revised to August 2017 following the Gateway Review."),
        (
            D(2017, 12, 15),
            None,
            "Gateway Review recommends a refreshed business case with options; "
            "final decision at the December Programme Board.",
        ),
    ),
    (
        "PM09",
        "BCF 2",
        "LLR carers strategy: public consultation launched",
        D(2017, 7, 31),
        (
            None,
            None,
            "Draft strategy developed with partners; sign-off by all partners needed "
            "before consultation.",
        ),
        (
            None,
            None,
            "Still awaiting formal sign-off by all partners; discussions ongoing with "
            "Leicester City Council on the structure of the strategy.",
        ),
    ),
    (
        "PM10",
        "BCF 16",
        "Approach to joint nursing and residential home provision agreed",
        D(2017, 5, 31),
        (D(2017, 10, 31), None, "Scope of the care homes commissioning work being revised."),
        (
            D(2017, 10, 31),
            None,
            "Integration Executive to consider the revised scope on 3 October.",
        ),
    ),
    (
        "PM11",
        "BCF 7",
        "Night-time nursing fully operational (crisis response)",
        D(2016, 11, 30),
        (D(2017, 2, 28), D(2017, 2, 20), "Phased implementation completed in February."),
        (D(2017, 2, 28), D(2017, 2, 20), "Phased implementation completed in February."),
    ),
    (
        "PM12",
        "BCF 1",
        "Market appraisal for assistive technology",
        D(2018, 3, 31),
        (None, None, "Approach to the market appraisal in preparation."),
        (
            None,
            None,
            "Approach reviewed at the 7 September Integration Executive; tender planned "
            "for November.",
        ),
    ),
    (
        "PM13",
        "BCF 5",
        "Falls postural stability programme commences",
        D(2017, 11, 27),
        (None, None, "LLR Falls Commissioning and Delivery Groups established."),
        (
            None,
            None,
            "Leaflets, posters and GP information ready; on track to start by the end of November.",
        ),
    ),
    (
        "PM14",
        "BCF 15",
        "DTOC self-assessment against the CQC local area review methodology",
        D(2017, 12, 15),
        (None, None, "Independent assessor being appointed."),
        (None, None, "Independent assessor appointed; outputs expected in December."),
    ),
)


def milestone_rows(as_at: Month) -> list[Row]:
    rows = []
    for ref, scheme, title, baseline, july, august in MILESTONES:
        revised, completed, comments = august if as_at == LATEST else july
        rows.append(
            {
                "area_code": AREA,
                "ref": ref,
                "scheme_ref": scheme,
                "title": title,
                "baseline_date": baseline,
                "revised_date": revised,
                "completed_date": completed,
                "comments": comments,
            }
        )
    return rows


# ref, title, description, mitigation, owner, scheme, (L, I) in June, July and August
Risk = tuple[str, str, str, str, str, str | None, tuple[tuple[int, int], ...]]
RISKS: tuple[Risk, ...] = (
    (
        "BCF1",
        "Integration programme not delivered",
        "If health and care partners fail to deliver the integration programme then it could lead "
        "to the non-achievement of national conditions and performance thresholds, and elements of "
        "the BCF being withheld.",
        "Multi-agency governance at strategic and operational level; s75 agreement; quarterly "
        "national returns; programme plan reviewed monthly.",
        "Sarah Pritchard",
        None,
        ((3, 4), (3, 4), (3, 5)),
    ),
    (
        "BCF2",
        "Cost improvement plan not achieved",
        "If BCF delivery costs are greater than estimated, or reviews of schemes do not identify "
        "sufficient financial benefits, the programme will not achieve its cost improvement plan.",
        "Maximise use of the iBCF; confirm and challenge of financial assumptions across partners; "
        "monthly financial management; s75 allows underspends to offset overspends.",
        "Finance lead, Leicestershire County Council",
        "BCF 23",
        ((4, 3), (4, 3), (4, 3)),
    ),
    (
        "BCF3",
        "Home care capacity",
        "If Help to Live at Home providers cannot recruit enough care workers, hospital discharges "
        "will be delayed and reablement outcomes will fall.",
        "Three-month transition for the new lots; provider forum; iBCF market sustainability "
        "funding.",
        "Jo Braithwaite",
        "BCF 11",
        ((4, 4), (4, 4), (4, 4)),
    ),
    (
        "BCF4",
        "Access to SUS data",
        "If the DARS application to restore local authority access to SUS data is not approved, "
        "the programme cannot monitor admissions by scheme.",
        "Application resubmitted with NHS Digital's comments addressed; interim CCG reports.",
        "Owen Fletcher",
        "BCF 22",
        ((4, 3), (4, 3), (3, 3)),
    ),
    (
        "BCF5",
        "Care home market sustainability",
        "If care homes close or stop taking council-funded residents, admissions and delayed "
        "transfers will rise.",
        "Fee review funded by the iBCF; quality improvement team support.",
        "Nadia Rahman",
        "BCF 20",
        ((4, 4), (4, 4), (3, 4)),
    ),
    (
        "BCF6",
        "Growth in emergency admissions",
        "If non-elective admissions keep growing faster than planned, the BCF admissions target "
        "will be missed and acute pressures will rise.",
        "Urgent care model commissioned recurrently; crisis response and frail older people "
        "service; risk stratification in general practice.",
        "Rachel Dunmore",
        "BCF 7",
        ((3, 4), (4, 4), (4, 4)),
    ),
    (
        "BCF7",
        "Integrated Points of Access business case",
        "If partners cannot agree the refreshed business case, the single point of access will be "
        "delayed and the benefits assumed in the plan lost.",
        "Options appraisal with partners; governance planner for November and December.",
        "Sarah Pritchard",
        "BCF 21",
        ((3, 3), (3, 3), (3, 4)),
    ),
    (
        "BCF8",
        "Falls programme start",
        "If the falls prevention schemes do not start by the end of November 2017, the expected "
        "reduction in falls admissions will be delayed.",
        "LLR Falls Commissioning Group and Delivery Group in place.",
        "Grace Whitfield",
        "BCF 5",
        ((2, 3), (2, 3), (2, 3)),
    ),
    (
        "BCF9",
        "Winter pressures",
        "If winter demand exceeds the plan, as in 2016-17, delayed transfers and admissions will "
        "rise above their targets.",
        "Winter plan agreed with the A&E Delivery Board; iBCF seven-day social work.",
        "Rachel Dunmore",
        None,
        ((4, 5), (4, 4), (4, 4)),
    ),
    (
        "BCF10",
        "DTOC reduction target",
        "If the NHS England target for DTOC reduction is not achieved by November 2017, "
        "Leicestershire will be escalated, which may bring a financial penalty and a CQC review.",
        "LLR DTOC action plan across all settings; iBCF investments; focus on non-acute delays; "
        "independent self-assessment against the CQC methodology.",
        "Jo Braithwaite",
        "BCF 15",
        ((3, 5), (3, 5), (4, 5)),
    ),
    (
        "BCF11",
        "iBCF grant conditions",
        "If iBCF spending does not meet the grant conditions, funding could be clawed back.",
        "Quarterly iBCF reports to DCLG; spending plan agreed by the Integration Executive.",
        "Helen Marsh",
        "BCF 20",
        ((2, 4), (2, 4), (2, 4)),
    ),
    (
        "BCF12",
        "Programme plan slippage",
        "If key milestones slip, benefits will be delayed into 2018-19.",
        "Detailed programme plan reviewed monthly; exceptions to the Integration Executive.",
        "Sarah Pritchard",
        None,
        ((3, 3), (3, 3), (3, 3)),
    ),
)


def risk_rows(as_at: Month) -> list[Row]:
    rows = []
    latest = as_at == LATEST
    for ref, title, description, mitigation, owner, scheme, scores in RISKS:
        (pl, pi), (ll, li) = (scores[1], scores[2]) if latest else (scores[0], scores[1])
        rows.append(
            {
                "area_code": AREA,
                "ref": ref,
                "title": title,
                "description": description,
                "mitigation": mitigation,
                "owner": owner,
                "likelihood": ll,
                "impact": li,
                "previous_score": pl * pi,
                "scheme_ref": scheme,
                "as_at": as_at.last_day,
            }
        )
    return rows
