"""The regional assurance rounds: every area rated on the national conditions and delivery.

The 2017-19 national conditions are Y/N; metrics, finance and delivery are rated G/A/R, the
metric ratings from the area's own figures against its targets.
"""

from __future__ import annotations

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
            rows += [
                {
                    "area_code": hwb.code,
                    "round": round_name,
                    "criterion": criterion,
                    "status": status,
                    "comment": comment or None,
                }
                for criterion, status, comment in ratings
            ]
    return rows
