"""The plans' details and pay for performance (seed 002's planning template), ADR 0112.

Every current area's plan for each current BCF year has its Health and Wellbeing Board date,
submission and approval, its sign-offs (the ICB, the council and the board's chair) and a
statement for each of the year's four national conditions. Leicestershire also keeps its
2017-19 plan (submitted to NHS England on 8 September 2017, seed 001) and its 2015-16 pay for
performance: planned savings against the maximum support needed for other services, worked
out as the 2014 template does (reduction x unit cost x periods), and the four quarterly
payments, paid in proportion to the reduction in emergency admissions achieved.
"""

from __future__ import annotations

from datetime import date

from bettercare.core.periods import FinancialYear, Month
from bettercare.demo.areas import LEICESTERSHIRE, hwbs_in
from bettercare.demo.current_programme import ICB_NAMES, years
from bettercare.demo.others import NAMES
from bettercare.demo.timeline import Row, pounds, rng_for

PLAN_SHEETS = (
    "pay_for_performance",
    "performance_payments",
    "plan_details",
    "plan_sign_offs",
    "national_conditions",
)

#: The national conditions of the 2025-26 policy framework (carried into 2026-27).
CONDITIONS_2025 = (
    (
        "1. A jointly agreed plan",
        "The plan was agreed by the ICB and the council and signed off by the Health and "
        "Wellbeing Board, with the pooled fund held under a section 75 agreement.",
    ),
    (
        "2. Implementing the objectives of the BCF",
        "The schemes support people to stay well, safe and independent at home for longer and "
        "to get the right care in the right place at the right time, with a capacity and "
        "demand plan for intermediate care.",
    ),
    (
        "3. Complying with grant and funding conditions",
        "The NHS minimum contribution to adult social care is maintained at the uplift the "
        "framework sets, and the Disabled Facilities Grant is passed on to the housing "
        "authorities in full.",
    ),
    (
        "4. Complying with oversight and support processes",
        "Quarterly and year-end returns are made on time, and the board reviews the plan's "
        "metrics and spend monthly.",
    ),
)
NOT_MET_2026 = (
    "Not met at submission: the capacity and demand plan for intermediate care was still "
    "being agreed with the two acute trusts. It goes to the Health and Wellbeing Board in "
    "July, and the condition will be met by the end of the first quarter."
)

#: The national conditions of the 2017-19 plans, and Leicestershire's statements.
CONDITIONS_2017 = (
    (
        "1. Plans to be jointly agreed",
        "The plan was agreed by Leicestershire County Council, West Leicestershire CCG and "
        "East Leicestershire and Rutland CCG, and by the Health and Wellbeing Board.",
    ),
    (
        "2. NHS contribution to adult social care is maintained in line with inflation",
        "£22m of the pool maintains adult social care, above the minimum the CCGs' "
        "contribution must protect.",
    ),
    (
        "3. Agreement to invest in NHS commissioned out-of-hospital services",
        "£7.7m is invested in NHS-commissioned out-of-hospital services: crisis response, "
        "the frail older people service, primary care, and mental health discharge.",
    ),
    (
        "4. Managing transfers of care",
        "The High Impact Change Model is being implemented across LLR; the delayed transfers "
        "target was adjusted with NHS England to show the 3.5% reduction by November 2017.",
    ),
)

#: Leicestershire's 2015-16 pay for performance: (metric, reduction, unit cost, periods,
#: basis), in the 2014 template's form.
P4P_2015 = (
    (
        "Permanent admissions to residential and nursing care homes",
        20,
        520,
        52,
        "20 fewer people in residential care for a year, at £520 a week",
    ),
    (
        "Effectiveness of reablement",
        25,
        1_400,
        1,
        "25 readmissions avoided at the average tariff of £1,400",
    ),
    (
        "Delayed transfers of care",
        0,
        0,
        1,
        "Beds freed are filled by other patients, so no cashable saving is planned",
    ),
    (
        "Avoidable emergency admissions",
        2_178,
        1_490,
        1,
        "A 3.5% reduction: 2,178 non-elective admissions avoided at £1,490 each",
    ),
)
#: The quarterly payments for emergency admissions: (period, covers, achieved reduction).
PAYMENTS_2015 = (
    ("May 2015 payment", "January - March 2015", 610),
    ("August 2015 payment", "April - June 2015", 402),
    ("November 2015 payment", "July - September 2015", 488),
    ("February 2016 payment", "October - December 2015", 571),
)


def _leicestershire_rows() -> dict[str, list[Row]]:
    rows: dict[str, list[Row]] = {sheet: [] for sheet in PLAN_SHEETS}
    code, year = LEICESTERSHIRE, "2015-16"
    for metric, reduction, unit_cost, periods, basis in P4P_2015:
        saving = pounds(reduction * unit_cost * periods)
        rows["pay_for_performance"].append(
            {
                "area_code": code,
                "financial_year": year,
                "metric": metric,
                "planned_savings": saving,
                "maximum_support": saving,
                "ongoing_savings": saving,
                "ongoing_support": saving,
                "reduction": reduction or None,
                "unit_cost": pounds(unit_cost) if reduction else None,
                "periods": (periods if periods != 1 else None) if reduction else None,
                "basis": basis,
            }
        )
    quarterly = 2_178 / 4
    for period, covers, achieved in PAYMENTS_2015:
        rows["performance_payments"].append(
            {
                "area_code": code,
                "financial_year": year,
                "period": period,
                "covers": covers,
                "available": pounds(3_245_220 / 4),
                "planned_reduction": quarterly,
                "achieved_reduction": achieved,
            }
        )
    year = "2017-18"
    rows["plan_details"].append(
        {
            "area_code": code,
            "financial_year": year,
            "hwb_agreed_on": date(2017, 9, 7),
            "hwb_note": "BCF plan 2017-19",
            "submitted_on": date(2017, 9, 8),
            "approved_on": date(2017, 10, 30),
        }
    )
    for body, name, position, day in (
        ("Leicestershire County Council", "Jon Wilson", "Director of Adults and Communities", 5),
        ("West Leicestershire CCG", "Toby Sanders", "Accountable Officer", 6),
        ("East Leicestershire and Rutland CCG", "Karen English", "Accountable Officer", 6),
        ("Leicestershire Health and Wellbeing Board", "Ernie White", "Chair", 7),
    ):
        rows["plan_sign_offs"].append(
            {
                "area_code": code,
                "financial_year": year,
                "on_behalf_of": body,
                "signed_by": name,
                "position": position,
                "signed_on": date(2017, 9, day),
            }
        )
    for condition, statement in CONDITIONS_2017:
        rows["national_conditions"].append(
            {
                "area_code": code,
                "financial_year": year,
                "condition": condition,
                "met": True,
                "statement": statement,
            }
        )
    return rows


def plan_rows(seed: int, last: Month) -> dict[str, list[Row]]:
    """Every current area's plan details for each current BCF year, and Leicestershire's
    2017-19 plan and 2015-16 pay for performance."""
    rows = _leicestershire_rows()
    for hwb in hwbs_in(last):
        rng = rng_for(seed, f"plan:{hwb.code}")
        people = rng.sample(NAMES, 3)
        for year in years(last):
            march = (year.first_month - 1).first_day
            agreed = march.replace(day=rng.randint(10, 24))
            submitted = march.replace(day=31)
            june = FinancialYear(year.start_year).first_month + 2
            rows["plan_details"].append(
                {
                    "area_code": hwb.code,
                    "financial_year": str(year),
                    "hwb_agreed_on": agreed,
                    "hwb_note": None,
                    "submitted_on": submitted,
                    "approved_on": june.last_day if last >= june else None,
                }
            )
            for body, position, person in (
                (ICB_NAMES[hwb.icb], "Chief Executive", people[0]),
                (hwb.local_authority, "Director of Adult Social Services", people[1]),
                (f"{hwb.name} Health and Wellbeing Board", "Chair", people[2]),
            ):
                rows["plan_sign_offs"].append(
                    {
                        "area_code": hwb.code,
                        "financial_year": str(year),
                        "on_behalf_of": body,
                        "signed_by": person,
                        "position": position,
                        "signed_on": agreed,
                    }
                )
            # One area in the current year had not yet met the second condition.
            late = year.start_year >= 2026 and hwb.code != LEICESTERSHIRE and rng.random() < 0.2
            for index, (condition, statement) in enumerate(CONDITIONS_2025):
                not_met = late and index == 1
                rows["national_conditions"].append(
                    {
                        "area_code": hwb.code,
                        "financial_year": str(year),
                        "condition": condition,
                        "met": not not_met,
                        "statement": NOT_MET_2026 if not_met else statement,
                    }
                )
    return rows
