"""The regional assurance rounds: every area rated on the national conditions and delivery.

The 2017-19 national conditions are Y/N; metrics, finance and delivery are rated G/A/R, the
metric ratings from the area's own figures against its targets.
"""

from __future__ import annotations

from bettercare.core.assurance import HIGH_RISK, SIGN_OFF
from bettercare.core.periods import Month
from bettercare.demo.areas import LEICESTERSHIRE, hwbs_in
from bettercare.demo.metrics import DTOC, NEL, against_target
from bettercare.demo.timeline import LATEST, Row, rng_for

CONDITIONS = (
    "NC1: Plan jointly agreed",
    "NC2: NHS contribution to adult social care maintained in line with inflation",
    "NC3: Agreement to invest in NHS-commissioned out-of-hospital services",
    "NC4: Managing transfers of care (High Impact Change Model)",
)
DTOC_CRITERION = "Metrics: delayed transfers of care against the trajectory"
NEL_CRITERION = "Metrics: non-elective admissions against the plan"
FINANCE = "Finance: pooled budget and section 75 agreement"
DELIVERY = "Delivery: progress against the plan"
ROUNDS = {"2017-18 Q1": Month(2017, 7), "2017-18 Q2": LATEST}


def _metric_rating(ratio: float, what: str) -> tuple[str, str]:
    if ratio <= 1.0:
        return "G", f"{what} better than the target."
    if ratio <= 1.05:
        return "A", f"{what} up to 5% worse than the target; recovery plan in place."
    return "R", f"{what} more than 5% worse than the target; support offered by the region."


def _headline(ratings: list[tuple[str, str, str]]) -> list[tuple[str, str, str, bool, str]]:
    """The headline answers, as an assessor would give them from the ratings: a plan with a
    Red rating or an unmet condition is high risk; a plan is recommended for sign-off unless a
    condition is unmet, with a qualification when it is also high risk."""
    red = [criterion for criterion, status, _ in ratings if status == "R"]
    unmet = [criterion for criterion, status, _ in ratings if status == "N"]
    amber = [criterion for criterion, status, _ in ratings if status == "A"]
    risk: tuple[str, str, str, bool, str]
    sign_off: tuple[str, str, str, bool, str] = (SIGN_OFF, "Y", "", False, "")
    if unmet or len(red) >= 2:
        why = "; ".join([*(f"{c}: not met" for c in unmet), *(f"{c}: Red" for c in red)])
        risk = (HIGH_RISK, "Y", f"{why}. Remedial plan agreed with the region.", False, "")
        sign_off = (
            (SIGN_OFF, "N", "Not until every national condition is met.", False, "")
            if unmet
            else (
                SIGN_OFF,
                "Y",
                "",
                True,
                "Recommended subject to the remedial plan being delivered by the next round.",
            )
        )
    elif red:
        risk = (
            HIGH_RISK,
            "N",
            "Plan well articulated.",
            True,
            f"Not high risk overall, but {red[0]} is rated Red: reviewed again at the next round.",
        )
    elif len(amber) >= 2:
        risk = (
            HIGH_RISK,
            "N",
            "Plan well articulated; the Amber ratings to be watched.",
            False,
            "",
        )
    else:
        risk = (HIGH_RISK, "N", "", False, "")
    return [risk, sign_off]


def _rows(code: str, name: str, ratings: list[tuple[str, str, str]]) -> list[Row]:
    """The rows of one area's round: the headline answers, then the ratings."""
    return [
        {
            "area_code": code,
            "round": name,
            "criterion": criterion,
            "status": status,
            "comment": comment or None,
            "qualified": qualified,
            "footnote": footnote or None,
        }
        for criterion, status, comment, qualified, footnote in [
            *_headline(ratings),
            *((c, st, cm, False, "") for c, st, cm in ratings),
        ]
    ]


def assurance_rows(seed: int, as_at: Month) -> list[Row]:
    rows: list[Row] = []
    for round_name, assessed in ROUNDS.items():
        if assessed > as_at:
            continue
        rng = rng_for(seed, f"assurance:{round_name}")
        for hwb in hwbs_in(LATEST):
            ratios = against_target(hwb, seed, assessed)
            ratings: list[tuple[str, str, str]] = []
            for condition in CONDITIONS:
                met = hwb.code == LEICESTERSHIRE or rng.random() < 0.93
                comment = "" if met else "Evidence requested by the regional team."
                ratings.append((condition, "Y" if met else "N", comment))
            ratings.append((DTOC_CRITERION, *_metric_rating(ratios[DTOC], "Delayed transfers")))
            ratings.append((NEL_CRITERION, *_metric_rating(ratios[NEL], "Admissions")))
            if hwb.code == LEICESTERSHIRE:
                ratings += [
                    (
                        FINANCE,
                        "A",
                        "Cost improvement plan of £1.3m: low savings identified to "
                        "date; £1m contingency held.",
                    ),
                    (
                        DELIVERY,
                        "A",
                        "Integrated Points of Access business case being refreshed "
                        "after the Gateway Review.",
                    ),
                ]
            else:
                for criterion in (FINANCE, DELIVERY):
                    roll = rng.random()
                    status = "G" if roll < 0.7 else "A" if roll < 0.95 else "R"
                    comment = {
                        "G": "",
                        "A": "Minor concerns; followed up at the next review.",
                        "R": "Significant concerns; escalated to the regional board.",
                    }[status]
                    ratings.append((criterion, status, comment))
            rows += _rows(hwb.code, round_name, ratings)
    return rows


CURRENT_CRITERIA = (
    "National condition: plan jointly agreed and signed off by the Health and Wellbeing Board",
    "National condition: NHS minimum contribution to adult social care maintained",
)
CURRENT_METRICS = (
    (
        "bcf_emergency_admissions_65",
        "Metrics: emergency admissions 65+ against the plan",
        "Emergency admissions 65+",
    ),
    (
        "bcf_discharge_delay",
        "Metrics: average discharge delay against the plan",
        "The average discharge delay",
    ),
    (
        "bcf_care_home_admissions_65",
        "Metrics: care home admissions 65+ against the plan",
        "Care home admissions 65+",
    ),
)
LEICESTERSHIRE_CURRENT = {
    FINANCE: ("G", "Pooled budget on track; section 75 agreement signed."),
    DELIVERY: (
        "A",
        "Integrated neighbourhood team go-live moved to January, more than 30 days late; "
        "the rest of the plan on track.",
    ),
}


def _quarter_ratio(rows: list[Row], area: str, metric: str, first: Month, last: Month) -> float:
    """The quarter's actual against its planned figure: summed numerators over summed
    denominators for the actuals, the mean of the targets in the quarter."""
    start, end = first.first_day, last.last_day
    actuals = [
        r
        for r in rows
        if (r["area_code"], r["metric_code"], r["kind"]) == (area, metric, "actual")
        and start <= r["period_start"]
        and r["period_end"] <= end
    ]
    targets = [
        r["value"]
        for r in rows
        if (r["area_code"], r["metric_code"], r["kind"]) == (area, metric, "target")
        and start <= r["period_start"]
        and r["period_end"] <= end
    ]
    per = 100_000 if metric != "bcf_discharge_delay" else 1
    if metric == "bcf_emergency_admissions_65":
        value = sum(r["numerator"] / r["denominator"] for r in actuals) / len(actuals) * per
    else:
        value = sum(r["numerator"] for r in actuals) / sum(r["denominator"] for r in actuals) * per
    return float(value / (sum(targets) / len(targets)))


def current_assurance_rows(seed: int, last: Month, metric_values: list[Row]) -> list[Row]:
    """The region's quarterly assurance of the current years: every quarter from 2025-26 Q1
    that has ended by ``last``, each area rated on the conditions, the three headline metrics
    against its plan (from its own figures), finance and delivery."""
    rows: list[Row] = []
    quarter = Month(2025, 4)
    while quarter + 2 <= last:
        year = quarter.financial_year
        name = f"{year} Q{year.first_month.months_until(quarter) // 3 + 1}"
        rng = rng_for(seed, f"assurance:{name}")
        for hwb in hwbs_in(quarter + 2):
            ratings: list[tuple[str, str, str]] = []
            for condition in CURRENT_CRITERIA:
                met = hwb.code == LEICESTERSHIRE or rng.random() < 0.95
                ratings.append(
                    (condition, "Y" if met else "N", "" if met else "Evidence requested.")
                )
            for metric, criterion, what in CURRENT_METRICS:
                ratio = _quarter_ratio(metric_values, hwb.code, metric, quarter, quarter + 2)
                ratings.append((criterion, *_metric_rating(ratio, what)))
            for criterion in (FINANCE, DELIVERY):
                roll = rng.random()
                if hwb.code == LEICESTERSHIRE:
                    late = quarter + 2 >= Month(2026, 10)  # the go-live was moved in October
                    if criterion == DELIVERY and not late:
                        ratings.append((criterion, "G", "Delivery on track against the plan."))
                    else:
                        ratings.append((criterion, *LEICESTERSHIRE_CURRENT[criterion]))
                    continue
                status = "G" if roll < 0.7 else "A" if roll < 0.95 else "R"
                comment = {
                    "G": "",
                    "A": "Minor concerns; followed up at the next review.",
                    "R": "Significant concerns; escalated to the regional board.",
                }[status]
                ratings.append((criterion, status, comment))
            rows += _rows(hwb.code, name, ratings)
        quarter = quarter + 3
    return rows
