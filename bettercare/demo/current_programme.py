"""The demo region's current BCF programmes: 2025-26 behind, 2026-27 in progress.

Every area's schemes carry on from its earlier programme (as real BCF schemes do, year after
year), now linked to the 2025-26 headline metrics that replaced the ones they were planned
against. Each year from 2025-26 to the reporting month's year has its funding, named as the
year names its streams, and the schemes' spend adding up to it; the years of returns have
milestones, a risk register, monthly scheme returns, programme status and achievements.
Dates are placed within the year, relative to the reporting month, so the programme reads
the same whatever month the demo is loaded in.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import Assessment
from bettercare.demo.areas import LEICESTERSHIRE, Hwb, hwbs_in
from bettercare.demo.current_metrics import CARE_HOME, DELAY, EMERGENCY, SUCCESSORS
from bettercare.demo.leicestershire import PROTECTION as LEICESTERSHIRE_PROTECTION
from bettercare.demo.leicestershire_returns import ENABLER, HEADLINES, not_started
from bettercare.demo.others import EXCEPTION_TEXT, NAMES, area_rows, passported_to, protection_of
from bettercare.demo.proposals import Proposer, override_reason
from bettercare.demo.timeline import (
    CURRENT_FROM,
    LATEST,
    Row,
    Rows,
    months,
    pounds,
    rng_for,
)
from bettercare.registry import load_years

#: Monthly returns of the current programme start with the 2026-27 year.
RETURNS_YEAR_FROM = Month(2026, 4)
ICB_NAMES = {
    "E54000015": "NHS Leicester, Leicestershire and Rutland ICB",
    "E54000058": "NHS Derby and Derbyshire ICB",
    "E54000060": "NHS Nottingham and Nottinghamshire ICB",
    "E54000013": "NHS Lincolnshire ICB",
    "E54000059": "NHS Northamptonshire ICB",
}
#: Pounds per resident in 2025-26, by stream (round figures of the national allocations:
#: NHS minimum £5.6bn, Local Authority Better Care Grant £2.6bn, DFG £0.7bn).
PER_HEAD_2025 = {"nhs": 80.0, "la": 36.0, "dfg": 7.0}
#: Leicestershire's schemes funded from the local authority grant (formerly the iBCF).
LA_SCHEMES = ("BCF 15", "BCF 20")
RENAMED = {
    "BCF 15": "Local Authority Better Care Fund: discharge and intermediate care capacity",
    "BCF 20": "Local Authority Better Care Fund: care market sustainability",
}


STREAM_CODES = {
    "nhs": ("nhs_minimum_contribution",),
    "la": ("local_authority_better_care_grant", "local_authority_better_care_fund"),
    "dfg": ("disabled_facilities_grant",),
}


@cache
def _registry_streams() -> dict[FinancialYear, dict[str, str]]:
    return {
        year: {stream.code: stream.name for stream in entry.funding_streams}
        for year, entry in load_years().items()
    }


def stream_name(stream: str, year: FinancialYear) -> str:
    """Each funding stream as the year names it, from the registry's BCF years (the latest
    year the registry describes for years after it)."""
    years = _registry_streams()
    known = max((y for y in years if y <= year), default=min(years))
    names = years[known]
    return next(names[code] for code in STREAM_CODES[stream] if code in names)


def returns_from(last: Month) -> Month:
    """The first month of the current programme's returns."""
    return RETURNS_YEAR_FROM if last >= RETURNS_YEAR_FROM else CURRENT_FROM


def years(last: Month) -> list[FinancialYear]:
    return [FinancialYear(y) for y in range(2025, last.financial_year.start_year + 1)]


def budgets(hwb: Hwb, year: FinancialYear, seed: int) -> dict[str, int]:
    """The year's budget by stream: uplifts each year, and in 2026-27 the new DFG method."""
    steps = year.start_year - 2025
    rng = rng_for(seed, f"dfg:{hwb.code}")
    dfg_change = 1.06 if hwb.code == LEICESTERSHIRE else rng.uniform(0.9, 1.12)
    per_head = {
        "nhs": PER_HEAD_2025["nhs"] * 1.034**steps,
        "la": PER_HEAD_2025["la"],
        "dfg": PER_HEAD_2025["dfg"] * (dfg_change if steps else 1.0),
    }
    return {s: int(round(hwb.population * amount, -3)) for s, amount in per_head.items()}


def new_area_rows(seed: int, last: Month) -> dict[str, list[Row]]:
    """Themes, schemes and delivery chains of the areas created since the 2017 example (North and West
    Northamptonshire), drawn like the other lighter programmes, starting no earlier than
    the area itself."""
    found: dict[str, list[Row]] = {"themes": [], "schemes": [], "scheme_delivery_chain": []}
    for hwb in hwbs_in(last):
        if hwb.valid_from is None:
            continue
        drawn = area_rows(hwb, seed, last)
        found["themes"] += drawn["themes"]
        found["scheme_delivery_chain"] += drawn["scheme_delivery_chain"]
        for row in drawn["schemes"]:
            start = max(row["start_date"], hwb.valid_from)
            found["schemes"].append({**row, "start_date": start})
    return found


def continued_schemes(base: list[Row], last: Month) -> list[Row]:
    """The schemes as they are now: those of the areas that still exist linked to the
    current metrics too, renamed where their funding stream was."""
    current = {hwb.code for hwb in hwbs_in(last)}
    rows = []
    for row in base:
        row = dict(row)
        if row["area_code"] not in current:
            rows.append(row)
            continue
        old = tuple(row.get("metrics_impacted") or ())
        new = tuple(dict.fromkeys(SUCCESSORS[m] for m in old if m in SUCCESSORS))
        row["metrics_impacted"] = (*new, *old)
        if row["area_code"] == LEICESTERSHIRE and row["ref"] in RENAMED:
            row["name"] = RENAMED[row["ref"]]
        rows.append(row)
    return rows


def completed_milestones(base: list[Row]) -> list[Row]:
    """The earlier milestones, all since completed: on their revised or baseline date, but
    never before the day after the worked example's last month (August 2017), when the
    milestone was still open — a report of that month keeps it open, as its comments and
    returns say (the carers strategy consultation, due 31 July 2017, had not launched)."""
    after = LATEST.last_day + timedelta(days=1)
    rows = []
    for row in base:
        row = dict(row)
        if row.get("completed_date") is None:
            row["completed_date"] = max(row.get("revised_date") or row["baseline_date"], after)
        rows.append(row)
    return rows


def _spread(total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` in whole thousands over the keys by weight, adding up exactly."""
    whole = sum(weights.values())
    spend = {k: int(round(total * w / whole, -3)) for k, w in weights.items()}
    largest = max(spend, key=lambda k: weights[k])
    spend[largest] += total - sum(spend.values())
    return spend


def finance_rows(
    hwb: Hwb, schemes: list[Row], base_finance: list[Row], seed: int, last: Month
) -> dict[str, list[Row]]:
    """Funding, scheme spend (adding up to the funding) and savings for 2025-26 onwards."""
    code = hwb.code
    rows: dict[str, list[Row]] = {"funding": [], "scheme_finance": [], "savings": []}
    refs = [s["ref"] for s in schemes if s["area_code"] == code]
    previous = {
        (r["scheme_ref"], r["line"]): float(r["recurrent"]) + float(r["non_recurrent"])
        for r in base_finance
        if r["area_code"] == code and r["financial_year"] == "2017-18"
    }
    rng = rng_for(seed, f"current-finance:{code}")
    for year in years(last):
        amounts = budgets(hwb, year, seed)
        as_at = min(year.end, last.last_day)
        finished = year.end <= last.last_day
        for stream, amount in amounts.items():
            variance = 1.0 if stream == "dfg" else rng.choice((1.0, 1.0, 0.985, 1.012))
            rows["funding"].append(
                {
                    "area_code": code,
                    "financial_year": str(year),
                    "stream": stream_name(stream, year),
                    "organisation": {
                        "nhs": ICB_NAMES[hwb.icb],
                        "la": hwb.local_authority,
                        "dfg": f"{hwb.name} housing authorities"
                        if hwb.code.startswith("E10")
                        else hwb.local_authority,
                    }[stream],
                    "budget": pounds(amount),
                    "minimum_contribution": pounds(amount) if stream == "nhs" else None,
                    "forecast_outturn": pounds(round(amount * variance, -3)),
                    "as_at": as_at if not finished else year.end,
                    "pooled": True,
                    "part_of": None,
                    "passported_to": passported_to(hwb) if stream == "dfg" else None,
                }
            )
        spend: dict[str, int] = {}
        protection: dict[str, str | None]
        if code == LEICESTERSHIRE:
            protection = {
                **LEICESTERSHIRE_PROTECTION,
                **dict.fromkeys(LA_SCHEMES, "social_care"),
            }
        else:
            protection = {
                s["ref"]: protection_of(bool(s["enabler"]), s["name"])
                for s in schemes
                if s["area_code"] == code
            }
        if code == LEICESTERSHIRE:
            dfg = ["BCF 6"]
            la = list(LA_SCHEMES)
            nhs = [r for r in refs if r not in dfg and r not in la]
            for stream, chosen in (("nhs", nhs), ("la", la), ("dfg", dfg)):
                weights = {r: max(previous.get((r, "spend"), 0.0), 100_000.0) for r in chosen}
                spend.update(_spread(amounts[stream], weights))
        else:
            weights = {r: max(previous.get((r, "spend"), 0.0), 50_000.0) for r in refs}
            spend = _spread(sum(amounts.values()), weights)
        for ref, amount in spend.items():
            rows["scheme_finance"].append(
                {
                    "area_code": code,
                    "scheme_ref": ref,
                    "financial_year": str(year),
                    "line": "spend",
                    "recurrent": pounds(amount),
                    "non_recurrent": pounds(0),
                    "protection": protection.get(ref),
                }
            )
            benefit = previous.get((ref, "benefit"))
            if benefit:
                rows["scheme_finance"].append(
                    {
                        "area_code": code,
                        "scheme_ref": ref,
                        "financial_year": str(year),
                        "line": "benefit",
                        "recurrent": pounds(round(benefit * 1.3, -3)),
                        "non_recurrent": pounds(0),
                    }
                )
        target = round(amounts["nhs"] * 0.025, -3)
        share = year.month_number(min(last, year.first_month + 11)) / 12
        rows["savings"].append(
            {
                "area_code": code,
                "financial_year": str(year),
                "target": pounds(target),
                "achieved_to_date": pounds(round(target * share * rng.uniform(0.7, 1.05), -3)),
                "as_at": as_at,
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class PlannedMilestone:
    """A milestone placed within its year: months from April, and the day of the month."""

    key: str
    scheme: str | None
    title: str
    baseline: tuple[int, int]
    revised: tuple[int, int] | None = None
    #: the month (from April) by which the revised date was agreed
    revised_in: int = 0
    completed: tuple[int, int] | None = None
    comment: str = ""


def _on(year: FinancialYear, when: tuple[int, int]) -> date:
    month = year.first_month + when[0]
    return month.first_day.replace(day=min(when[1], month.last_day.day))


LEICESTERSHIRE_MILESTONES = (
    PlannedMilestone(
        "01",
        None,
        "BCF plan for {year} agreed by the Health and Wellbeing Board",
        (0, 30),
        completed=(0, 24),
        comment="Agreed by the Health and Wellbeing Board and submitted to NHS England.",
    ),
    PlannedMilestone(
        "02",
        None,
        "Section 75 pooled budget agreement for {year} signed",
        (2, 30),
        revised=(3, 31),
        revised_in=2,
        completed=(3, 22),
        comment="Signed after the local authority grant conditions were confirmed.",
    ),
    PlannedMilestone(
        "03",
        "BCF 10",
        "Intermediate care capacity and demand plan refreshed with the neighbourhood teams",
        (5, 30),
        revised=(6, 20),
        revised_in=5,
        completed=(6, 20),
        comment="Refreshed with the winter demand model; 20 days after the baseline date.",
    ),
    PlannedMilestone(
        "04",
        "BCF 21",
        "Integrated neighbourhood team live in the first two localities",
        (6, 31),
        revised=(9, 31),
        revised_in=6,
        comment="Recruitment to the community nursing posts is behind plan; go-live moved to "
        "January, more than 30 days late.",
    ),
    PlannedMilestone(
        "05",
        "BCF 6",
        "Disabled Facilities Grant allocation agreed with the seven district councils",
        (2, 30),
        completed=(2, 19),
        comment="Agreed under the new allocation method, with its transitional protection.",
    ),
    PlannedMilestone(
        "06",
        "BCF 7",
        "Winter plan agreed with the urgent and emergency care board",
        (6, 15),
        completed=(6, 9),
        comment="Agreed; two-hour urgent community response extended to seven days.",
    ),
    PlannedMilestone(
        "07",
        "BCF 11",
        "Home care reprocurement: contracts awarded",
        (8, 30),
        comment="Evaluation under way.",
    ),
)
OTHER_MILESTONES = (
    PlannedMilestone(
        "01",
        None,
        "BCF plan for {year} agreed by the Health and Wellbeing Board",
        (0, 30),
        completed=(0, 28),
        comment="Agreed and submitted to NHS England.",
    ),
    PlannedMilestone(
        "02",
        None,
        "Section 75 pooled budget agreement for {year} signed",
        (2, 30),
        completed=(2, 27),
        comment="Signed by both partners.",
    ),
)


def milestone_rows(hwb: Hwb, schemes: list[Row], last: Month) -> list[Row]:
    """The current years' milestones as known at the end of ``last``."""
    planned = LEICESTERSHIRE_MILESTONES if hwb.code == LEICESTERSHIRE else OTHER_MILESTONES
    first_scheme = next(
        (s["ref"] for s in schemes if s["area_code"] == hwb.code and not s.get("enabler")),
        None,
    )
    extra = PlannedMilestone(
        "03",
        first_scheme,
        "Intermediate care capacity and demand plan refreshed for winter",
        (5, 30),
        completed=(5, 26),
        comment="Refreshed with partners ahead of winter.",
    )
    rows = []
    first_year = returns_from(last).financial_year.start_year
    for year in (FinancialYear(y) for y in range(first_year, last.financial_year.start_year + 1)):
        for plan in (*planned, extra) if hwb.code != LEICESTERSHIRE else planned:
            baseline = _on(year, plan.baseline)
            if year.first_month + plan.baseline[0] > last + 6:
                continue  # not yet planned
            known_revision = plan.revised is not None and year.first_month + plan.revised_in <= last
            completed = _on(year, plan.completed) if plan.completed else None
            if completed is not None and completed > last.last_day:
                completed = None
            rows.append(
                {
                    "area_code": hwb.code,
                    "ref": f"M{year.start_year % 100:02d}-{plan.key}",
                    "scheme_ref": plan.scheme,
                    "title": plan.title.format(year=year),
                    "baseline_date": baseline,
                    "revised_date": _on(year, plan.revised) if known_revision else None,
                    "completed_date": completed,
                    "comments": plan.comment if (completed or known_revision) else "On track.",
                }
            )
    return rows


CURRENT_RISKS = (
    (
        "CR1",
        "Discharge delay trajectory",
        "If the average discharge delay does not fall to the plan's trajectory, people will wait "
        "longer in hospital and the plan's metric will be missed.",
        "Daily discharge huddles; Local Authority BCF capacity for pathway 1; weekly review "
        "of the longest waits.",
        DELAY,
    ),
    (
        "CR2",
        "Home care workforce",
        "If providers cannot recruit and keep care workers, reablement and home care capacity "
        "will fall short of demand.",
        "Fair cost of care uplift; joint recruitment campaign with providers.",
        None,
    ),
    (
        "CR3",
        "Winter demand",
        "If winter emergency admissions of older people exceed the plan, as in 2025-26, "
        "admissions and delays will rise above their targets.",
        "Winter plan agreed with the urgent and emergency care board; surge capacity in "
        "step-up beds.",
        EMERGENCY,
    ),
    (
        "CR4",
        "Neighbourhood health alignment",
        "If intermediate care is not aligned with the neighbourhood health teams, as the "
        "2026 to 2027 framework asks, services will be duplicated and gaps left.",
        "Joint design group with the ICB's neighbourhood programme.",
        None,
    ),
    (
        "CR5",
        "Disabled Facilities Grant allocation",
        "If the new allocation method reduces the area's DFG after its transitional "
        "protection, the adaptations waiting list will grow.",
        "Waiting list reviewed monthly with the district councils.",
        None,
    ),
    (
        "CR6",
        "Care home admissions",
        "If more older people are admitted to care homes long term than planned, the "
        "metric will be missed and people will lose independence.",
        "Strength-based reviews before any long-term placement; reablement first.",
        CARE_HOME,
    ),
)


def risk_rows(hwb: Hwb, schemes: list[Row], seed: int, last: Month) -> list[Row]:
    """The current risk register as at the end of ``last``: scores drawn month by month."""
    rows = []
    area_schemes = [s for s in schemes if s["area_code"] == hwb.code and not s.get("enabler")]
    for ref, title, description, mitigation, metric in CURRENT_RISKS:
        if hwb.code != LEICESTERSHIRE and ref in ("CR4", "CR5"):
            continue

        def score(month: Month, ref: str = ref) -> tuple[int, int]:
            draw = rng_for(seed, f"current-risk:{hwb.code}:{ref}:{month}")
            return draw.randint(2, 4), draw.randint(3, 5)

        likelihood, impact = score(last)
        before = score(last - 1)
        linked = next(
            (s["ref"] for s in area_schemes if metric and metric in s["metrics_impacted"]), None
        )
        rows.append(
            {
                "area_code": hwb.code,
                "ref": ref,
                "title": title,
                "description": description,
                "mitigation": mitigation,
                "owner": rng_for(seed, f"risk-owner:{hwb.code}:{ref}").choice(NAMES),
                "likelihood": likelihood,
                "impact": impact,
                "previous_score": before[0] * before[1],
                "scheme_ref": linked,
                "as_at": last.last_day,
            }
        )
    return rows


NO_BUDGET = "No budget from the pooled fund this year: the scheme is funded by its partners."
NO_SAVINGS = "No savings are planned for this scheme this year."
NO_METRIC = "Contribution to the metrics not yet quantified; to be set in the next plan."
#: A lead's own judgement over a proposal: (area, scheme, dimension) -> (status, reason).
JUDGEMENTS = {
    (LEICESTERSHIRE, "BCF 15", "metrics"): (
        "A",
        "Impact on metrics rated Amber rather than the proposed Green: the average delay is inside the plan "
        "this month, but the longest waits (over 14 days) have not fallen and winter is "
        "coming; the board asked to keep it under exception reporting.",
    ),
}


def _commentary(dimension: str, status: str, scheme: Row, rng: random.Random) -> str:
    if status == "G":
        return rng.choice(HEADLINES[dimension])
    if status == "E":
        return ENABLER
    if status == "NA":
        if scheme.get("start_date") and dimension in ("milestones", "savings", "metrics"):
            start = scheme["start_date"]
            if dimension == "milestones" or start.year >= 2026:
                return not_started(start, dimension)[1]
        return {"finance": NO_BUDGET, "savings": NO_SAVINGS, "metrics": NO_METRIC}.get(
            dimension, NO_METRIC
        )
    return EXCEPTION_TEXT[(dimension, status)][0]


def status_rows(rows: Rows, proposer: Proposer, seed: int, last: Month) -> list[Row]:
    """Every scheme's monthly returns of the current programme, from the proposals where
    the data give one, otherwise as the scheme's lead judged (mostly on track)."""
    found: list[Row] = []
    current = {hwb.code for hwb in hwbs_in(last)}
    for scheme in rows["schemes"]:
        area, ref = scheme["area_code"], scheme["ref"]
        if area not in current:
            continue
        rng = rng_for(seed, f"current-returns:{area}:{ref}")
        held: dict[str, str] = {}
        for month in months(returns_from(last), last):
            proposals: dict[str, Assessment | None] = proposer.propose(area, ref, month)
            for dimension, proposal in proposals.items():
                status: str
                information: str | None = None
                if proposal is not None:
                    status = proposal.status
                else:
                    roll = rng.random()
                    if dimension not in held or roll < 0.2:
                        held[dimension] = "G" if rng.random() < 0.85 else "A"
                    status = held[dimension]
                judged = JUDGEMENTS.get((area, ref, dimension))
                if judged and month == last and status == "G":
                    status, information = judged
                commentary = _commentary(dimension, status, scheme, rng)
                if proposal is not None and status != proposal.status and information is None:
                    information = override_reason(dimension, status, proposal.status)
                found.append(
                    {
                        "area_code": area,
                        "period": str(month),
                        "scheme_ref": ref,
                        "dimension": dimension,
                        "status": status,
                        "commentary": commentary or None,
                        "additional_information": information,
                    }
                )
    return found


def _worst(returns: list[Row], dimension: str) -> str:
    statuses = {r["status"] for r in returns if r["dimension"] == dimension}
    return "R" if "R" in statuses else "A" if "A" in statuses else "G"


def programme_status_rows(rows: Rows, last: Month) -> list[Row]:
    """Plan, benefits and budget for each month: the plan from the milestones, the benefits
    from the scheme returns' metrics, the budget from their finance statuses."""
    by_month: dict[tuple[str, str], list[Row]] = {}
    for row in rows["status_updates"]:
        if Month.parse(row["period"]) >= returns_from(last):
            by_month.setdefault((row["area_code"], row["period"]), []).append(row)
    found = []
    for (area, period), returns in sorted(by_month.items()):
        summaries = {
            "plan": {
                "G": "Programme on track against the plan.",
                "A": "Some milestones behind plan; recovery actions agreed at the board.",
                "R": "A key milestone is more than 30 days late; escalated to the Health and "
                "Wellbeing Board.",
            },
            "benefits": {
                "G": "The headline metrics are on or better than the plan's trajectory.",
                "A": "Some metrics are behind the plan's trajectory this month.",
                "R": "Metrics well behind the plan's trajectory; recovery plan requested.",
            },
            "budget": {
                "G": "Spend in line with the pooled budget.",
                "A": "Variances within 10% of budget on some schemes; being managed.",
                "R": "Overspend of more than 10% forecast on some schemes.",
            },
        }
        for dimension, source in (
            ("plan", "milestones"),
            ("benefits", "metrics"),
            ("budget", "finance"),
        ):
            status = _worst(returns, source)
            found.append(
                {
                    "area_code": area,
                    "period": period,
                    "dimension": dimension,
                    "status": status,
                    "summary": summaries[dimension][status],
                }
            )
    return found


ACHIEVEMENTS = (
    "Two-hour urgent community response now runs seven days a week.",
    "Discharge to assess: more people went home on their discharge ready date than last month.",
    "Carers' assessments up on the same month last year.",
    "Strength-based reviews completed before every new long-term care home placement.",
    "New step-up beds opened to avoid admissions over winter.",
    "Joint training on the discharge ready date delivered to ward staff.",
)


def achievement_rows(seed: int, last: Month) -> list[Row]:
    rows = []
    for hwb in hwbs_in(last):
        for month in months(returns_from(last), last):
            rng = rng_for(seed, f"current-achievement:{hwb.code}:{month}")
            rows.append(
                {"area_code": hwb.code, "period": str(month), "text": rng.choice(ACHIEVEMENTS)}
            )
    return rows


def align_earlier_returns(rows: Rows, proposer: Proposer, seed: int) -> None:
    """The lighter programmes' earlier returns follow the proposals where the data give one,
    as a lead using the form would; about one in eight stays the lead's own judgement (with
    the reason). Leicestershire's earlier returns are the seed papers' and are kept."""
    schemes = {(s["area_code"], s["ref"]): s for s in rows["schemes"]}
    first = returns_from(Month.parse(max(r["period"] for r in rows["status_updates"])))
    for row in rows["status_updates"]:
        month = Month.parse(row["period"])
        if row["area_code"] == LEICESTERSHIRE or month >= first:
            continue
        proposal = proposer.propose(row["area_code"], row["scheme_ref"], month)[row["dimension"]]
        if proposal is None or proposal.status == row["status"]:
            continue
        topic = f"align:{row['area_code']}:{row['scheme_ref']}:{row['period']}:{row['dimension']}"
        rng = rng_for(seed, topic)
        if rng.random() < 0.125:
            continue  # the lead's own judgement, given its reason by ``reconcile``
        scheme = schemes[(row["area_code"], row["scheme_ref"])]
        row["status"] = proposal.status
        row["commentary"] = _commentary(row["dimension"], proposal.status, scheme, rng) or None
