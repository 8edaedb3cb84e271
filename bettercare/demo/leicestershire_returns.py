"""Leicestershire's monthly returns, September 2016 to August 2017: each scheme's RAG status on
savings, milestones, finance and metrics, the programme status and the key achievements.

Exceptions follow the real programme's story (night-time nursing, the reablement model, the
winter of 2016-17, Help to Live at Home, the Integrated Points of Access business case, the
DTOC trajectory) with exception commentary for every AMBER and RED, as the guidelines require.
Enablers are E on savings and metrics; schemes not yet started are N/A. Three schemes' August
returns are still missing.
"""

from __future__ import annotations

import random
from datetime import date

from bettercare.core.periods import Month
from bettercare.demo.leicestershire import AREA, SCHEMES, SchemePlan
from bettercare.demo.timeline import LATEST, RETURNS_FROM, Row, months, rng_for

M = Month
#: (scheme, dimension) -> [(first month, last month, status, commentary)], first match wins.
EXCEPTIONS: dict[tuple[str, str], list[tuple[Month, Month, str, str]]] = {
    ("BCF 7", "milestones"): [
        (
            M(2016, 9),
            M(2016, 10),
            "A",
            "Night time nursing off track: recruitment to the night "
            "team slower than planned. Revised deadline for a phased implementation approach, fully "
            "operational by February. Mitigations have been put in place for the delay.",
        ),
        (
            M(2016, 11),
            M(2017, 1),
            "R",
            "Night time nursing more than 30 days behind the November "
            "milestone. Phased implementation continues with agency cover; fully operational by the "
            "end of February.",
        ),
    ],
    ("BCF 7", "finance"): [
        (
            M(2016, 11),
            M(2017, 3),
            "A",
            "Night time nursing delay has led to a predicted "
            "underspend for the year of up to £250k (under 10% of budget), reported to the "
            "Integration Finance and Performance Group.",
        ),
    ],
    ("BCF 7", "metrics"): [
        (
            M(2017, 4),
            M(2017, 8),
            "A",
            "Non-elective admissions are above plan for the year to date (the metric's "
            "year-to-date figures give by how much). The crisis response is seeing more people but admissions continue to grow; "
            "referral criteria being reviewed with the Urgent Care Working Group.",
        ),
    ],
    ("BCF 9", "metrics"): [
        (
            M(2016, 12),
            M(2017, 2),
            "A",
            "Winter surge in admissions, respiratory admissions up on "
            "last year. Practices asked to review care plans for the top 2% at-risk patients.",
        ),
    ],
    ("BCF 10", "metrics"): [
        (
            M(2016, 12),
            M(2017, 2),
            "R",
            "Winter surge: delayed days rose by more than a quarter, "
            "over 10% above the planned trajectory. Additional social work capacity at the LRI and "
            "daily escalation calls in place.",
        ),
        (
            M(2017, 8),
            M(2017, 8),
            "A",
            "In August there were 1,611 days delayed, 294.95 per "
            "100,000 adults against a target of 278.57: statistically significantly worse. Focus on "
            "non-acute delays through the LLR DTOC action plan.",
        ),
        (
            M(2017, 3),
            M(2017, 7),
            "A",
            "Delayed transfers remain above the NHSE trajectory (a 3.5% "
            "reduction by November 2017). Focus on non-acute delays through the LLR DTOC action "
            "plan.",
        ),
    ],
    ("BCF 11", "milestones"): [
        (
            M(2017, 7),
            M(2017, 7),
            "A",
            "Reprocurement of the remaining 3 lots delayed by the "
            "evaluation; contracts to be awarded on 22 August, less than 30 days late.",
        ),
    ],
    ("BCF 11", "finance"): [
        (
            M(2017, 7),
            M(2017, 8),
            "R",
            "HTLAH health reablement (£1.81m): discussions between LCC "
            "and CCG finance leads to propose a revised (reduced) allocation ahead of the November "
            "IFPG. An underspend greater than 10% is highly likely.",
        ),
    ],
    ("BCF 11", "savings"): [
        (
            M(2017, 6),
            M(2017, 8),
            "R",
            "The in-year review of the HTLAH allocation has not yet "
            "released its share of the £1.3m cost improvement plan; decision expected at the "
            "November IFPG.",
        ),
    ],
    ("BCF 12", "milestones"): [
        (
            M(2016, 9),
            M(2016, 11),
            "R",
            "Workshops to clarify and confirm arrangements are being "
            "organised. The LLR task and finish group is developing the 3 discharge pathways, which "
            "will enable the local reablement model; the model is more than 30 days late.",
        ),
        (
            M(2016, 12),
            M(2017, 1),
            "A",
            "Discharge pathways agreed by the LLR task and finish "
            "group; reablement model implementation under way, less than 30 days behind plan.",
        ),
    ],
    ("BCF 12", "finance"): [
        (
            M(2016, 9),
            M(2017, 1),
            "A",
            "Delays in implementing the reablement model will result "
            "in an underspend of c£30k per month; any underspend is expected to roll into 2017/18.",
        ),
    ],
    ("BCF 1", "savings"): [
        (
            M(2017, 1),
            M(2017, 3),
            "A",
            "Charging income 8% below plan following take-up of the "
            "new service; income recovery plan agreed with the provider.",
        ),
    ],
    ("BCF 2", "milestones"): [
        (
            M(2017, 8),
            M(2017, 8),
            "R",
            "Carers strategy consultation has not launched: still "
            "awaiting formal sign-off by all partners, more than 30 days after the July milestone. "
            "Discussions ongoing with Leicester City Council on its structure and content.",
        ),
    ],
    ("BCF 14", "milestones"): [
        (
            M(2016, 9),
            M(2016, 10),
            "A",
            "County-wide roll-out delayed until all seven districts "
            "agree the hub model; less than 30 days behind.",
        ),
    ],
    ("BCF 16", "milestones"): [
        (
            M(2017, 6),
            M(2017, 6),
            "A",
            "Approach to joint nursing and residential home provision "
            "behind its May milestone while the scope of the work is revised.",
        ),
        (
            M(2017, 7),
            M(2017, 8),
            "R",
            "Joint nursing and residential home provision more than 30 "
            "days late: revised scope goes to the Integration Executive on 3 October.",
        ),
    ],
    ("BCF 21", "milestones"): [
        (
            M(2017, 6),
            M(2017, 7),
            "A",
            "Phase one business case revised to August 2017 following the Gateway Review.",
        ),
        (
            M(2017, 8),
            M(2017, 8),
            "R",
            "Gateway Review recommends refreshing the business case "
            "with options (benefits, risks, costs, timescales); phase one now December 2017, more "
            "than 30 days late. Options appraisal at the 11 October Programme Board.",
        ),
    ],
    ("BCF 22", "milestones"): [
        (
            M(2017, 3),
            M(2017, 8),
            "A",
            "DARS application to restore local authority access to SUS "
            "data awaiting NHS Digital approval; scheme reporting relies on interim CCG extracts.",
        ),
    ],
    ("BCF 15", "metrics"): [
        (
            M(2017, 7),
            M(2017, 8),
            "A",
            "Delayed days not yet falling as planned; the £5m iBCF "
            "investments (brokerage, seven-day social work) are mobilising from July.",
        ),
    ],
    ("BCF 15", "finance"): [
        (
            M(2017, 8),
            M(2017, 8),
            "A",
            "Slow recruitment to seven-day social work: a forecast "
            "underspend of up to 10% (c£400k), to be re-profiled into winter.",
        ),
    ],
}

#: Savings N/A all year, with the reason.
NO_SAVINGS = {
    "BCF 3": "Savings have not yet been defined for local area co-ordination; benefits to be "
    "quantified through the evaluation due in March 2018.",
    "BCF 6": "No savings target: the Disabled Facilities Grant is passported to the district "
    "councils.",
    "BCF 19": "No savings are expected from protecting social care services; the line "
    "maintains services as the national conditions require.",
}
#: Schemes whose August 2017 return has not come in yet.
MISSING_IN_AUGUST = ("BCF 3", "BCF 14", "BCF 17")

HEADLINES = {
    "savings": (
        "Savings on track.",
        "Savings on track against the scheme's plan.",
        "Benefits delivered as planned this month.",
    ),
    "milestones": (
        "Action plan on target.",
        "Milestones on target.",
        "All milestones due this month were met.",
    ),
    "finance": (
        "Costs on target.",
        "Spend in line with the agreed budget.",
        "Costs on target; no variance expected at year end.",
    ),
    "metrics": (
        "Assessed impact on the primary metric is on track.",
        "Activity in line with the benefits plan.",
        "",
    ),
}
ENABLER = "Enabler: supports the programme's schemes rather than a metric directly."


#: Each scheme's additional information in its August 2017 return: progress the board reads
#: whatever the scheme's statuses (the seed dashboard's "Additional information" column,
#: close to its words).
ADDITIONAL_INFORMATION: dict[Month, dict[str, str]] = {
    M(2017, 8): {
        "BCF 2": "The carers strategy consultation waits on sign-off by all partners, so its "
        "report goes to Cabinet after the consultation closes, not in September. A new model of "
        "carers support will follow the outcome of the consultation.",
        "BCF 7": "Records of data collected are in place and can evidence elements of the impact "
        "on metrics; some data quality elements are still to be worked on. Co-location is being "
        "trialled in Narborough, testing joint assessments and triage.",
        "BCF 8": "Business case for the next phase under way, to be completed by the end of "
        "September.",
        "BCF 9": "In progress: practice workshops being held; a paper goes to the October "
        "Integration Executive.",
        "BCF 12": "The LPT contract for 2017-18 has been signed and includes intermediate care.",
        "BCF 13": "Services in place. Hospital social workers attend twice-weekly meetings to "
        "monitor delayed transfers.",
        "BCF 16": "Measurements in place but not yet linked to outcomes. The new safeguarding "
        "threshold tool is in use across LLR; care home safeguarding investigations are "
        "slowly reducing.",
        "BCF 22": "Led by the LLR IM&T workstream. Feasibility work on the use of the NHS number "
        "completed; the project brief follows in Q3.",
    },
}


def _exception(ref: str, dimension: str, month: Month) -> tuple[str, str] | None:
    for first, last, status, commentary in EXCEPTIONS.get((ref, dimension), ()):
        if first <= month <= last:
            return status, commentary
    return None


def not_started(start_date: date, dimension: str) -> tuple[str, str]:
    """The N/A status and commentary of a scheme not yet due to start."""
    start = f"{start_date:%d %B %Y}".lstrip("0")
    return {
        "savings": ("NA", f"Savings not yet defined: the scheme starts on {start}."),
        "milestones": ("NA", f"Not yet due to start: the scheme starts on {start}."),
        "finance": ("NA", "No spend until the scheme starts."),
        "metrics": (
            "NA",
            "Contribution to metrics not yet developed: the baseline will be "
            "agreed before the scheme starts.",
        ),
    }[dimension]


def _status(
    scheme: SchemePlan, dimension: str, month: Month, rng: random.Random
) -> tuple[str, str]:
    headline = rng.choice(HEADLINES[dimension])
    if scheme.start > month.last_day:
        return not_started(scheme.start, dimension)
    found = _exception(scheme.ref, dimension, month)
    if found:
        return found
    if dimension == "savings" and scheme.ref in NO_SAVINGS:
        return "NA", NO_SAVINGS[scheme.ref]
    if scheme.enabler and dimension in ("savings", "metrics"):
        return "E", ENABLER
    return "G", headline


def status_rows(seed: int, as_at: Month) -> list[Row]:
    rng = rng_for(seed, "leicestershire:returns")
    rows = []
    for month in months(RETURNS_FROM, LATEST):
        for scheme in SCHEMES:
            for dimension in ("savings", "milestones", "finance", "metrics"):
                status, commentary = _status(scheme, dimension, month, rng)
                if month > as_at or (month == LATEST and scheme.ref in MISSING_IN_AUGUST):
                    continue
                rows.append(
                    {
                        "area_code": AREA,
                        "period": str(month),
                        "scheme_ref": scheme.ref,
                        "dimension": dimension,
                        "status": status,
                        "commentary": commentary or None,
                        "additional_information": ADDITIONAL_INFORMATION.get(month, {}).get(
                            scheme.ref
                        ),
                    }
                )
    return rows


WINTER = (
    "Winter pressures: delayed transfers rose sharply in December to February (the winter surge)."
)
PLAN_AMBER = (
    "Overall programme status AMBER: key programme delivery risks 1) risk of non-achievement of "
    "the national condition to reduce delayed transfers of care by 3.5% by November 2017 and "
    "potential financial consequences; 2) the Integrated Points of Access business case."
)


def _programme(month: Month) -> dict[str, tuple[str, str]]:
    saved = "£223k" if month == LATEST else "£150k"
    if month < M(2016, 12):
        plan = ("G", "Programme on track; reablement model and night time nursing recovering.")
    elif month <= M(2017, 2):
        plan = ("A", f"{WINTER} Reablement model and night-time nursing behind plan.")
    elif month < M(2017, 6):
        plan = ("G", "Programme on track; 2017-19 BCF planning under way.")
    else:
        plan = ("A", PLAN_AMBER)
    benefits = (
        ("A", f"{WINTER} Benefits for the DTOC metric at risk this quarter.")
        if M(2016, 12) <= month <= M(2017, 2)
        else ("G", "Benefits on track overall; DTOC and admissions monitored monthly.")
    )
    if month < M(2017, 4):
        budget = (
            "G",
            "2016-17 spend on track; small underspends on night time nursing and "
            "reablement carried into the savings plan.",
        )
    elif month < M(2017, 6):
        budget = (
            "A",
            "BCF budget £42.6m and iBCF £9.5m for 2017/18. Cost improvement plan of "
            "£1.3m to be delivered through in-year review of services.",
        )
    else:
        budget = (
            "A",
            f"BCF budget £42.6m and iBCF £9.5m for 2017/18. Cost improvement plan of "
            f"£1.3m: currently identified {saved} savings. Budget status remains amber in "
            "light of low savings identified to date.",
        )
    return {"plan": plan, "benefits": benefits, "budget": budget}


def programme_status_rows(as_at: Month) -> list[Row]:
    return [
        {
            "area_code": AREA,
            "period": str(month),
            "dimension": dimension,
            "status": status,
            "summary": summary,
        }
        for month in months(RETURNS_FROM, as_at)
        for dimension, (status, summary) in _programme(month).items()
    ]


ACHIEVEMENTS: dict[Month, tuple[str, ...]] = {
    M(2016, 9): ("Lightbulb hub model agreed in principle by the seven district councils.",),
    M(2016, 10): (
        "Integrated crisis response co-location trial in Narborough extended.",
        "Winter plan agreed with the A&E Delivery Board.",
    ),
    M(2016, 11): ("Help to Live at Home health reablement went live on 7 November.",),
    M(2016, 12): ("Daily DTOC escalation calls in place across all LLR settings of care.",),
    M(2017, 1): ("LLR discharge pathways agreed by the task and finish group.",),
    M(2017, 2): ("Night-time nursing fully operational from 20 February.",),
    M(2017, 3): (
        "2016-17 cost improvement plan achieved: £1.04m against £1.0m.",
        "New safeguarding threshold tool introduced across LLR care homes.",
    ),
    M(2017, 4): ("2017-19 BCF planning guidance reviewed with partners.",),
    M(2017, 5): ("Lightbulb county-wide business case approved by all district councils.",),
    M(2017, 6): (
        "DFG passporting agreements signed with all seven district councils.",
        "LLR Falls Steering Group approved the move to proof of concept.",
    ),
    M(2017, 7): (
        "iBCF spending plan agreed by the Integration Executive on 18 July.",
        "Unified Prevention Board agreed three keep-well projects for the next year.",
    ),
    M(2017, 8): (
        "Help to Live at Home: the 3 remaining contracts were awarded on 22 August.",
        "2017/19 BCF plan finalised for submission to NHSE on 8 September.",
        "Interim accommodation project for people leaving the Bradgate Unit approved.",
    ),
}


#: The key activity planned over the next three months, by group, in the words of the seed
#: highlight report (ADR 0111).
PLANNED_ACTIVITIES: dict[Month, tuple[tuple[str, str], ...]] = {
    M(2017, 8): (
        ("programme", "Sign-off BCF section 75 agreement"),
        (
            "programme",
            "Quarterly review of BCF financial position for 2017/18 (Integration Finance & "
            "Performance Group)",
        ),
        ("programme", "Full review of integration risk register and programme plan"),
        ("programme", "IBCF Quarterly Report to DCLG"),
        ("programme", "BCF Quarterly Report to NHSE"),
        (
            "schemes",
            "Leicestershire Unified Prevention Strategy – develop the “Keep Safe” "
            "implementation plan",
        ),
        (
            "schemes",
            "Prevention at Scale (LGA) – initiation meeting with national consultant",
        ),
        ("schemes", "Prevention at Scale (LGA) – agree 2 demonstrator sites"),
        ("schemes", "New Falls Programme – awareness raising with key professionals"),
        (
            "schemes",
            "DTOC – undertake a self-assessment against the CQC methodology for Local Area Reviews",
        ),
        (
            "schemes",
            "HTLAH service review – review of health activity data and report to November IFPG",
        ),
        ("schemes", "HTLAH – new lots commence"),
        ("enablers", "LLR Points of Access – business case completed"),
        (
            "enablers",
            "DARS application to restore Local Authority access to SUS data – renew dataflow "
            "(if application approved)",
        ),
    ),
}


#: The month of an activity where the seed gives it ("initiation meeting … (Oct). Agree 2
#: demonstrator sites (Nov)", "report to November IFPG"); the others run during the three
#: months (ADR 0133).
ACTIVITY_MONTHS: dict[tuple[Month, str], Month] = {
    (M(2017, 8), "Prevention at Scale (LGA) – initiation meeting with national consultant"): M(
        2017, 10
    ),
    (M(2017, 8), "Prevention at Scale (LGA) – agree 2 demonstrator sites"): M(2017, 11),
    (
        M(2017, 8),
        "HTLAH service review – review of health activity data and report to November IFPG",
    ): M(2017, 11),
}


def planned_activity_rows(as_at: Month) -> list[Row]:
    return [
        {
            "area_code": AREA,
            "period": str(month),
            "group": group,
            "text": text,
            "month": None
            if (month, text) not in ACTIVITY_MONTHS
            else str(ACTIVITY_MONTHS[(month, text)]),
        }
        for month, planned in PLANNED_ACTIVITIES.items()
        if month <= as_at
        for group, text in planned
    ]


def achievement_rows(as_at: Month) -> list[Row]:
    return [
        {"area_code": AREA, "period": str(month), "text": text}
        for month, texts in ACHIEVEMENTS.items()
        if month <= as_at
        for text in texts
    ]


#: The commentary on each metric, by month (the commentary column of the seed dashboard),
#: written as the metric's owner would: where the figure comes from and what is being done.
METRIC_COMMENTARY: dict[Month, dict[str, str]] = {
    M(2017, 7): {
        "bcf_dtoc": "July's delays were reviewed at the weekly discharge meeting with the acute "
        "trust; delays awaiting packages of home care are followed up by the Help to Live at "
        "Home providers.",
    },
    M(2017, 8): {
        "bcf_permanent_admissions_65": "The BCF target for 2017/18 is a maximum of 879 "
        "admissions to residential and nursing care. The current full year forecast, from the "
        "council's monthly figures, is 840 admissions (602.9 per 100,000 population). The "
        "ASCOF source tables are published once a year: the figure shown is the latest annual "
        "one.",
        "bcf_reablement_91_days": "This ASCOF measure relates to hospital discharges between "
        "October and December followed by where people lived 91 days later, so it is reported "
        "once a year.",
        "bcf_dtoc": "The DToC trajectory covers two timeframes. Delays awaiting packages of "
        "home care are reviewed weekly with the acute trust and the Integrated Points of Access "
        "business case.",
        "bcf_non_elective_admissions": "Monthly admissions from the Secondary Uses Service; "
        "the year-to-date count is compared with the year-to-date target in the highlight "
        "report.",
        "bcf_falls_injuries_65": "An annual figure from the Public Health Outcomes Framework; "
        "2017-18 data are not yet available, so the latest published year is shown.",
        "bcf_patient_experience": "In development.",
    },
}


def metric_commentary_rows(as_at: Month) -> list[Row]:
    """Leicestershire's commentary on its metrics for each month up to ``as_at``."""
    return [
        {"area_code": AREA, "metric_code": code, "period": str(month), "commentary": text}
        for month, texts in METRIC_COMMENTARY.items()
        if month <= as_at
        for code, text in texts.items()
    ]
