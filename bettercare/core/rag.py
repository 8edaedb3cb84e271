"""The Better Care Fund RAG status guidelines as code.

Each scheme is rated monthly on four dimensions. The guidelines, as BCF integration
executives publish them with their dashboards:

- **Savings**: GREEN on track or ahead; AMBER off track by up to 10%; RED off track by more
  than 10%; N/A savings not yet defined (exception commentary); E the scheme is an enabler.
- **Action plan milestones**: GREEN on target; AMBER delays of up to 30 days; RED delays of
  more than 30 days or the business plan delayed; N/A not yet due to start (start date).
- **Finance**: GREEN costs on target; AMBER over- or underspend of up to 10% of the agreed
  budget; RED more than 10%; N/A budget not set for the year (headline optional).
- **Impact on metrics**: GREEN on track; AMBER negative impact of up to 10%; RED more than
  10%; N/A contribution not yet developed (exception commentary); E the scheme is an enabler.

AMBER and RED always require exception commentary; GREEN and E take optional headline
commentary. Thresholds live in :class:`RagPolicy`.

Also here: the data RAG of a metric from its comparison with the target, the suggested
roll-up of several statuses, risk scoring on the NHS 5x5 matrix and the plan's own
qualitative risk rating (High, Medium or Low).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal, TypeAlias

from bettercare.core._checks import check_choice
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.stats import POLARITIES, Comparison, Polarity
from bettercare.core.status import (
    DIMENSION_LABELS,
    DIMENSIONS,
    PROGRAMME_DIMENSION_LABELS,
    PROGRAMME_DIMENSIONS,
    PROGRAMME_STATUSES,
    STATUS_CAPITALS,
    STATUS_LABELS,
    STATUSES,
    Dimension,
    ProgrammeDimension,
    Status,
)

__all__ = [
    "COMMENTARY_NOTES",
    "COMMENTARY_REQUIREMENTS",
    "DEFAULT_POLICY",
    "DIMENSIONS",
    "DIMENSION_LABELS",
    "ON_TRACK_LINE",
    "PROGRAMME_DIMENSIONS",
    "PROGRAMME_DIMENSION_LABELS",
    "PROGRAMME_STATUSES",
    "RISK_RATINGS",
    "STATUSES",
    "STATUS_CAPITALS",
    "STATUS_LABELS",
    "STATUS_NAMES",
    "Assessment",
    "Commentary",
    "DataRagPolicy",
    "Dimension",
    "GuidelineRow",
    "MilestoneStatus",
    "ProgrammeDimension",
    "RagPolicy",
    "ReturnProblem",
    "RiskBand",
    "RiskRating",
    "RiskScore",
    "RiskTrend",
    "Status",
    "allowed_statuses",
    "assess_finance",
    "assess_metric_impact",
    "assess_milestones",
    "assess_savings",
    "commentary_problem",
    "commentary_requirement",
    "data_rag",
    "guideline_rows",
    "milestone_slippage_days",
    "milestone_status",
    "on_track",
    "programme_status_problem",
    "return_problem",
    "risk_order",
    "risk_rating",
    "risk_score",
    "risk_trend",
    "roll_up",
    "savings_planned_to_date",
    "summary_required",
]

Commentary: TypeAlias = Literal["exception_required", "start_date_required", "headline_optional"]
DataRagPolicy: TypeAlias = Literal["meets_target", "significance"]
RiskBand: TypeAlias = Literal["low", "moderate", "high", "extreme"]
RiskTrend: TypeAlias = Literal["increased", "no_change", "decreased"]
RiskRating: TypeAlias = Literal["high", "medium", "low"]
#: The plan's own ratings, most severe first.
RISK_RATINGS: tuple[RiskRating, ...] = ("high", "medium", "low")

#: The guidelines' own capitals for each status (GREEN, AMBER, RED, N/A, E).
STATUS_NAMES = STATUS_CAPITALS

#: What each dimension's status asks of the person completing the return.
COMMENTARY_REQUIREMENTS: dict[Dimension, dict[Status, Commentary]] = {
    "savings": {
        "G": "headline_optional",
        "A": "exception_required",
        "R": "exception_required",
        "NA": "exception_required",
        "E": "headline_optional",
    },
    "milestones": {
        "G": "headline_optional",
        "A": "exception_required",
        "R": "exception_required",
        "NA": "start_date_required",
    },
    "finance": {
        "G": "headline_optional",
        "A": "exception_required",
        "R": "exception_required",
        "NA": "headline_optional",
    },
    "metrics": {
        "G": "headline_optional",
        "A": "exception_required",
        "R": "exception_required",
        "NA": "exception_required",
        "E": "headline_optional",
    },
}


@dataclass(frozen=True, slots=True)
class Assessment:
    """A proposed RAG status with the reason in plain English and what commentary it needs."""

    dimension: Dimension
    status: Status
    reason: str
    commentary: Commentary


@dataclass(frozen=True, slots=True)
class RagPolicy:
    """Thresholds of the RAG guidelines (fractions are of the plan or budget).

    Attributes
    ----------
    savings_amber_shortfall
        Savings off track by up to this fraction are AMBER, beyond it RED (0.10).
    milestone_amber_days
        Milestones delayed by up to this many days are AMBER, beyond it RED (30).
    finance_amber_variance
        Over- or underspend of up to this fraction of the budget is AMBER, beyond it RED (0.10).
    finance_green_tolerance
        Variance up to this fraction still counts as "costs on target" (0: the guideline
        as written).
    metrics_amber_impact
        Negative impact on the primary metric of up to this fraction is AMBER (0.10).
    """

    savings_amber_shortfall: float = 0.10
    milestone_amber_days: int = 30
    finance_amber_variance: float = 0.10
    finance_green_tolerance: float = 0.0
    metrics_amber_impact: float = 0.10

    def __post_init__(self) -> None:
        for name in (
            "savings_amber_shortfall",
            "finance_amber_variance",
            "finance_green_tolerance",
            "metrics_amber_impact",
        ):
            value = getattr(self, name)
            if not 0 <= value < 1:
                raise ValueError(f"{name} must be a fraction from 0 to below 1, got {value!r}")
        if self.finance_green_tolerance > self.finance_amber_variance:
            raise ValueError("finance_green_tolerance must not exceed finance_amber_variance")
        if self.milestone_amber_days < 0:
            raise ValueError(
                f"milestone_amber_days must be zero or more, got {self.milestone_amber_days!r}"
            )


DEFAULT_POLICY = RagPolicy()


def commentary_requirement(dimension: Dimension, status: Status) -> Commentary:
    """What commentary a status needs on a dimension, by the guidelines."""
    check_choice("dimension", dimension, DIMENSIONS)
    check_choice("status", status, STATUSES)
    requirements = COMMENTARY_REQUIREMENTS[dimension]
    if status not in requirements:
        raise ValueError(
            f"status {status!r} is not used for {dimension}; use one of {', '.join(requirements)}"
        )
    return requirements[status]


def _assessment(dimension: Dimension, status: Status, reason: str) -> Assessment:
    return Assessment(dimension, status, reason, commentary_requirement(dimension, status))


def _finite(name: str, value: float) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return number


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.1f}%"


def assess_savings(
    *,
    planned: float | None,
    achieved: float,
    enabler: bool = False,
    policy: RagPolicy = DEFAULT_POLICY,
) -> Assessment:
    """Savings status from the savings planned to date and those achieved.

    Parameters
    ----------
    planned : float or None
        Savings the plan expects by now (pounds); ``None`` when not yet defined.
    achieved : float
        Savings achieved (or forecast) to date.
    enabler : bool
        An enabler scheme is rated E: it is not expected to save money itself.
    policy : RagPolicy

    Examples
    --------
    >>> assess_savings(planned=1_300_000, achieved=223_000).status
    'R'
    """
    if enabler:
        return _assessment(
            "savings", "E", "The scheme is an enabler, so it has no savings of its own."
        )
    if planned is None:
        return _assessment("savings", "NA", "Savings have not yet been defined for this scheme.")
    plan = _finite("planned", planned)
    done = _finite("achieved", achieved)
    if plan <= 0:
        raise ValueError(f"planned savings must be greater than zero, got {planned!r}")
    shortfall = (plan - done) / plan
    if shortfall <= 0:
        return _assessment("savings", "G", "Savings are on track or ahead of schedule.")
    status: Status = "A" if shortfall <= policy.savings_amber_shortfall else "R"
    limit = _percent(policy.savings_amber_shortfall)
    comparison = "up to" if status == "A" else "more than"
    return _assessment(
        "savings",
        status,
        f"Savings are {_percent(shortfall)} behind plan (£{done:,.0f} of £{plan:,.0f}), "
        f"which is off track by {comparison} {limit}.",
    )


def milestone_slippage_days(
    baseline: date,
    *,
    revised: date | None = None,
    completed: date | None = None,
    as_at: date | None = None,
) -> int:
    """Days a milestone has slipped beyond its baseline date (0 when on time or early).

    A completed milestone slipped by its completion date; an open one by its revised date,
    or, when it is overdue without a revised date, by the days it is overdue at ``as_at``.
    """
    if completed is not None:
        end = completed
    elif revised is not None:
        end = revised
        if as_at is not None and as_at > revised:
            end = as_at
    elif as_at is not None:
        end = as_at
    else:
        end = baseline
    return max(0, (end - baseline).days)


def assess_milestones(
    *,
    slippage_days: Iterable[int],
    business_plan_delayed: bool = False,
    start_date: date | None = None,
    as_at: date | None = None,
    policy: RagPolicy = DEFAULT_POLICY,
) -> Assessment:
    """Action plan milestones status from the slippage of the scheme's milestones.

    Parameters
    ----------
    slippage_days : iterable of int
        Days each milestone has slipped (see :func:`milestone_slippage_days`).
    business_plan_delayed : bool
        The business plan itself is delayed, which is RED by the guidelines.
    start_date, as_at : date, optional
        A scheme whose start date is after ``as_at`` is not yet due to start (N/A).
    policy : RagPolicy
    """
    if start_date is not None and as_at is not None and start_date > as_at:
        return _assessment(
            "milestones",
            "NA",
            f"The scheme is not yet due to start (it starts on {start_date.day} {start_date:%B %Y}).",
        )
    if business_plan_delayed:
        return _assessment("milestones", "R", "The business plan is delayed.")
    days = [int(day) for day in slippage_days]
    if any(day < 0 for day in days):
        raise ValueError(f"slippage_days must be zero or more, got {days!r}")
    worst = max(days, default=0)
    limit = policy.milestone_amber_days
    late = sum(1 for day in days if day > 0)
    if worst == 0:
        return _assessment("milestones", "G", "Action plan milestones are on target.")
    plural = "milestone is" if late == 1 else "milestones are"
    if worst <= limit:
        return _assessment(
            "milestones",
            "A",
            f"{late} {plural} delayed, by up to {worst} days (AMBER is up to {limit} days).",
        )
    return _assessment(
        "milestones",
        "R",
        f"{late} {plural} delayed; the longest delay is {worst} days, more than {limit} days.",
    )


def assess_finance(
    *,
    budget: float | None,
    forecast: float,
    policy: RagPolicy = DEFAULT_POLICY,
) -> Assessment:
    """Finance status from the agreed budget and the forecast outturn.

    Parameters
    ----------
    budget : float or None
        The agreed budget for the year; ``None`` or 0 when not set (N/A).
    forecast : float
        The forecast outturn for the year.
    policy : RagPolicy
    """
    if budget is None or budget == 0:
        return _assessment("finance", "NA", "The budget is not set for the current financial year.")
    agreed = _finite("budget", budget)
    outturn = _finite("forecast", forecast)
    if agreed < 0:
        raise ValueError(f"budget must be zero or more, got {budget!r}")
    variance = (outturn - agreed) / agreed
    size = abs(variance)
    if size <= policy.finance_green_tolerance:
        return _assessment("finance", "G", "Costs are on target.")
    kind = "overspend" if variance > 0 else "underspend"
    amount = abs(outturn - agreed)
    detail = f"a forecast {kind} of £{amount:,.0f} ({_percent(size)} of the agreed budget)"
    limit = _percent(policy.finance_amber_variance)
    if size <= policy.finance_amber_variance:
        return _assessment("finance", "A", f"There is {detail}, up to {limit}.")
    return _assessment("finance", "R", f"There is {detail}, more than {limit}.")


def assess_metric_impact(
    *,
    expected: float | None,
    actual: float,
    polarity: Polarity,
    enabler: bool = False,
    policy: RagPolicy = DEFAULT_POLICY,
) -> Assessment:
    """Impact-on-metrics status from the expected and actual value of the primary metric.

    Parameters
    ----------
    expected : float or None
        Where the scheme's plan expects the primary metric to be; ``None`` when the
        contribution to metrics is not yet developed (N/A).
    actual : float
        The latest value (or forecast) of the primary metric.
    polarity : {"lower_is_better", "higher_is_better"}
    enabler : bool
        An enabler scheme is rated E.
    policy : RagPolicy
    """
    check_choice("polarity", polarity, POLARITIES)
    if enabler:
        return _assessment(
            "metrics", "E", "The scheme is an enabler, so it is not rated on metrics."
        )
    if expected is None:
        return _assessment(
            "metrics", "NA", "The scheme's contribution to metrics is not yet developed."
        )
    plan = _finite("expected", expected)
    value = _finite("actual", actual)
    if plan == 0:
        raise ValueError("expected must not be zero (the impact is measured relative to it)")
    adverse = (value - plan) / abs(plan)
    if polarity == "higher_is_better":
        adverse = -adverse
    if adverse <= 0:
        return _assessment("metrics", "G", "The assessed impact on the primary metric is on track.")
    limit = _percent(policy.metrics_amber_impact)
    status: Status = "A" if adverse <= policy.metrics_amber_impact else "R"
    comparison = "up to" if status == "A" else "more than"
    return _assessment(
        "metrics",
        status,
        f"The primary metric is {_percent(adverse)} worse than expected, "
        f"a negative impact of {comparison} {limit}.",
    )


def commentary_problem(
    dimension: Dimension,
    status: Status,
    *,
    commentary: str = "",
    start_date: date | None = None,
) -> str | None:
    """Why a status cannot be accepted with this commentary, or ``None`` if it can."""
    requirement = commentary_requirement(dimension, status)
    name = STATUS_NAMES[status]
    article = "an" if name[0] in "AEIOUN" else "a"  # an AMBER, an N/A, an E; a RED, a GREEN
    if requirement == "exception_required" and not commentary.strip():
        return (
            f"Exception commentary is required for {article} {name} status: "
            "say what is off track and what is being done about it."
        )
    if requirement == "start_date_required" and start_date is None:
        return "A start date is required when the scheme is not yet due to start."
    return None


#: What the guidelines say to do for each commentary requirement.
COMMENTARY_NOTES: dict[Commentary, str] = {
    "exception_required": "Exception commentary must be provided",
    "start_date_required": "Please provide a start date",
    "headline_optional": "Add any appropriate headline commentary",
}


def allowed_statuses(dimension: Dimension, *, enabler: bool) -> tuple[Status, ...]:
    """The statuses a scheme's return may give on a dimension.

    The guidelines use E (enabler) only for savings and metrics, and only an enabler scheme
    may be rated E.
    """
    check_choice("dimension", dimension, DIMENSIONS)
    used = COMMENTARY_REQUIREMENTS[dimension]
    return tuple(status for status in STATUSES if status in used and (status != "E" or enabler))


@dataclass(frozen=True, slots=True)
class ReturnProblem:
    """Why one dimension of a scheme's return cannot be accepted, and which field to fix."""

    field: Literal["status", "commentary", "start_date"]
    message: str


def return_problem(
    dimension: Dimension,
    status: str,
    *,
    enabler: bool,
    commentary: str = "",
    start_date: date | None = None,
) -> ReturnProblem | None:
    """Why a scheme return's status and commentary on a dimension break the guidelines.

    The status must be one the dimension uses (E only for an enabler scheme); AMBER and RED,
    and N/A savings or metrics, need exception commentary; N/A milestones (not yet due to
    start) need the scheme's start date. The messages are the ones the return form shows.

    Returns
    -------
    ReturnProblem or None
        The field at fault and the message, or ``None`` when the return can be accepted.
    """
    check_choice("dimension", dimension, DIMENSIONS)
    name = DIMENSION_LABELS[dimension].lower()
    allowed = next((s for s in allowed_statuses(dimension, enabler=enabler) if s == status), None)
    if allowed is None:
        return ReturnProblem("status", f"Select a status for {name} from the list")  # noqa: S608
    requirement = commentary_requirement(dimension, allowed)
    if requirement == "start_date_required" and start_date is None:
        return ReturnProblem(
            "start_date", "Enter the date the scheme will start, as it is not yet due to start"
        )
    if requirement == "exception_required" and not commentary.strip():
        return ReturnProblem(
            "commentary",
            f"Enter exception commentary for {name}: {STATUS_LABELS[allowed]} needs it. "
            "Say what is off track and what is being done about it.",
        )
    return None


def summary_required(status: str) -> bool:
    """Whether an overall programme status needs a summary: AMBER and RED always do."""
    return status in ("A", "R")


def programme_status_problem(
    dimension: ProgrammeDimension, status: str, *, summary: str = ""
) -> str | None:
    """Why an overall programme status on a dimension cannot be accepted, or ``None``.

    The programme status is GREEN, AMBER or RED; AMBER and RED need a summary. The message
    is the one the periods page shows.
    """
    check_choice("dimension", dimension, PROGRAMME_DIMENSIONS)
    name = PROGRAMME_DIMENSION_LABELS[dimension].lower()
    if status not in PROGRAMME_STATUSES:
        return f"Select a status for {name} from the list"  # noqa: S608
    if summary_required(status) and not summary.strip():
        return f"Enter a summary for {name}: Amber and Red need one"
    return None


MilestoneStatus: TypeAlias = Literal["G", "A", "R", "complete"]


def milestone_status(
    slippage_days: int, *, completed: bool = False, policy: RagPolicy = DEFAULT_POLICY
) -> MilestoneStatus:
    """One milestone's status: complete, or G, A or R by how many days it has slipped.

    On time is GREEN, a delay of up to ``policy.milestone_amber_days`` AMBER, longer RED
    (the action plan milestones guideline applied to a single milestone).

    Parameters
    ----------
    slippage_days : int
        Days the milestone has slipped (see :func:`milestone_slippage_days`), zero or more.
    completed : bool
        The milestone was completed by the date the status is for.
    policy : RagPolicy
    """
    if isinstance(slippage_days, bool) or not isinstance(slippage_days, int) or slippage_days < 0:
        raise ValueError(
            f"slippage_days must be a whole number of days, zero or more, got {slippage_days!r}"
        )
    if completed:
        return "complete"
    if slippage_days == 0:
        return "G"
    if slippage_days <= policy.milestone_amber_days:
        return "A"
    return "R"


def savings_planned_to_date(annual: Decimal, year: FinancialYear, month: Month) -> Decimal:
    """Savings the plan expects by the end of ``month``: the year's plan pro rata.

    Months before the year has started plan nothing; months after it has ended plan the
    whole year (the plan is limited to its financial year).

    Parameters
    ----------
    annual : Decimal
        The savings planned for the whole financial year (pounds, positive).
    year : FinancialYear
        The financial year of the plan.
    month : Month
        The month to date.
    """
    if month.first_day < year.start:
        elapsed = 0
    elif month.first_day > year.end:
        elapsed = 12
    else:
        elapsed = year.month_number(month)
    return annual * elapsed / 12


@dataclass(frozen=True, slots=True)
class GuidelineRow:
    """One line of the printed RAG guidelines: what a status means and what it asks for."""

    dimension: Dimension
    status: Status
    text: str
    commentary: Commentary

    @property
    def note(self) -> str:
        """What the guidelines ask of the person completing the return."""
        return COMMENTARY_NOTES[self.commentary]


def _threshold(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def guideline_rows(policy: RagPolicy = DEFAULT_POLICY) -> tuple[GuidelineRow, ...]:
    """The RAG guidelines as BCF integration executives print them, from ``policy``.

    The thresholds in the text are the policy's own, so the printed guidelines always say
    what the ratings do.
    """
    savings = _threshold(policy.savings_amber_shortfall)
    days = policy.milestone_amber_days
    finance = _threshold(policy.finance_amber_variance)
    metrics = _threshold(policy.metrics_amber_impact)
    enabler = "This scheme has been identified as an enabler"
    text: dict[tuple[Dimension, Status], str] = {
        ("savings", "G"): "Savings on track or ahead of schedule",
        ("savings", "A"): f"Savings are off track by up to {savings}",
        ("savings", "R"): f"Savings are off track by more than {savings}",
        ("savings", "NA"): "Savings have not yet been defined for this scheme",
        ("savings", "E"): enabler,
        ("milestones", "G"): "Action plan development and/or milestones are on target",
        ("milestones", "A"): (
            f"There are minor delays in the action plan milestones of up to {days} days"
        ),
        ("milestones", "R"): (
            f"There are action plan milestones delayed more than {days} days / BP delayed"
        ),
        ("milestones", "NA"): "Scheme not yet due to start",
        ("finance", "G"): "Costs are on target",
        ("finance", "A"): (
            f"There is likely to be an overspend / underspend of up to {finance} of the agreed budget"
        ),
        ("finance", "R"): (
            "It is highly likely there will be an overspend / underspend greater than "
            f"{finance} of the agreed budget"
        ),
        ("finance", "NA"): "Budget not set for current financial year",
        ("metrics", "G"): "Assessed impact on primary metric(s) is on track",
        ("metrics", "A"): (
            "It is likely there will be a negative impact on the primary metric(s) of up to "
            f"{metrics}"
        ),
        ("metrics", "R"): (
            "It is highly likely there will be a negative impact on the primary metric(s) "
            f"greater than {metrics}"
        ),
        ("metrics", "NA"): "Contribution to metrics not yet developed",
        ("metrics", "E"): enabler,
    }
    return tuple(
        GuidelineRow(dimension, status, text[(dimension, status)], need)
        for dimension in DIMENSIONS
        for status, need in COMMENTARY_REQUIREMENTS[dimension].items()
    )


def data_rag(comparison: Comparison | None, *, policy: DataRagPolicy = "meets_target") -> Status:
    """RAG of a metric value from its comparison with the target.

    ``"meets_target"`` (the default, as BCF dashboards rate data): better or significantly
    better is G, worse is A, significantly worse is R. ``"significance"`` (Fingertips): only
    significantly better is G, significantly worse is R, anything else A. No comparison
    (no target) is NA.
    """
    check_choice("policy", policy, ("meets_target", "significance"))
    if comparison is None:
        return "NA"
    check_choice(
        "comparison", comparison, ("significantly_better", "better", "worse", "significantly_worse")
    )
    if comparison == "significantly_worse":
        return "R"
    if comparison == "significantly_better":
        return "G"
    if policy == "meets_target" and comparison == "better":
        return "G"
    return "A"


#: What the dashboard prints for a dimension of a theme where every scheme is on track (seed 000).
ON_TRACK_LINE = "All projects are on track."


def on_track(statuses: Iterable[Status | None]) -> bool:
    """Whether a dimension of a theme reads "All projects are on track." (:data:`ON_TRACK_LINE`).

    The integration executive dashboard prints that line in place of exceptions for a
    dimension where nothing needs exception commentary. It is said only when it is true of
    every scheme: at least one scheme is GREEN, every other is GREEN or E (an enabler, which
    takes headline commentary only), and no scheme is AMBER, RED, N/A (exceptions) or has no
    status for the dimension (``None``: not yet returned, so not known to be on track). No
    schemes at all: no line.

    Examples
    --------
    >>> on_track(["G", "G", "E"])
    True
    >>> on_track(["G", "A"]), on_track(["G", None]), on_track(["E"]), on_track([])
    (False, False, False, False)
    """
    seen = [None if s is None else check_choice("status", s, STATUSES) for s in statuses]
    return "G" in seen and all(s in ("G", "E") for s in seen)


def roll_up(statuses: Iterable[Status]) -> Status:
    """Suggested roll-up of several statuses: the worst of G, A and R.

    N/A and E are ignored; with no G, A or R at all the roll-up is E if every status is E,
    otherwise N/A.
    """
    seen = [check_choice("status", status, STATUSES) for status in statuses]
    for status in ("R", "A", "G"):
        if status in seen:
            return status
    if seen and all(status == "E" for status in seen):
        return "E"
    return "NA"


@dataclass(frozen=True, slots=True)
class RiskScore:
    """A risk's score on the 5x5 matrix and its band."""

    likelihood: int
    impact: int
    score: int
    band: RiskBand


def _one_to_five(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(f"{name} must be a whole number from 1 to 5, got {value!r}")
    return value


def risk_score(likelihood: int, impact: int) -> RiskScore:
    """Score a risk on the NHS 5x5 matrix: likelihood x impact.

    Bands: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme (NPSA, A risk matrix for risk
    managers, 2008).
    """
    score = _one_to_five("likelihood", likelihood) * _one_to_five("impact", impact)
    band: RiskBand
    if score <= 3:
        band = "low"
    elif score <= 6:
        band = "moderate"
    elif score <= 12:
        band = "high"
    else:
        band = "extreme"
    return RiskScore(likelihood, impact, score, band)


def risk_trend(score: int, previous: int | None) -> RiskTrend | None:
    """How a risk score moved since the previous review (``None`` with no previous score)."""
    if previous is None:
        return None
    for name, value in (("score", score), ("previous", previous)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 25:
            raise ValueError(f"{name} must be a risk score from 1 to 25, got {value!r}")
    if score > previous:
        return "increased"
    if score < previous:
        return "decreased"
    return "no_change"


def risk_rating(value: str) -> RiskRating:
    """The plan's own qualitative rating of a risk: High, Medium or Low.

    BCF plans often rate each risk in words rather than on the 5x5 matrix: the 2014 planning
    template's risk table has a single "Risk rating" column (NHS England, *Better Care Fund
    planning template, part 1*, section 4), and plans fill it with High, Medium or Low. A
    rating is kept as the plan gave it; it is never turned into a likelihood x impact score,
    since the plan did not say which likelihood and impact it meant.

    Parameters
    ----------
    value
        The rating in any case, with surrounding spaces allowed: "High", "medium", " LOW ".

    Returns
    -------
    RiskRating
        ``"high"``, ``"medium"`` or ``"low"``.
    """
    if not isinstance(value, str):
        raise ValueError(f"rating must be High, Medium or Low, got {value!r}")
    rating = value.strip().lower()
    for allowed in RISK_RATINGS:
        if rating == allowed:
            return allowed
    raise ValueError(f"rating must be High, Medium or Low, got {value!r}")


def risk_order(score: int | None, rating: str | None) -> tuple[int, int]:
    """A sort key putting the most severe risks first, without equating a score and a rating.

    Scored risks come first, highest score first; then risks the plan rated but did not
    score, High before Medium before Low; then risks with neither. A score and a word are
    different scales, so a rated risk is never placed among the scores as if it had one.

    Parameters
    ----------
    score
        likelihood x impact, 1 to 25, or ``None`` if the risk is not scored.
    rating
        The plan's rating ("high", "medium" or "low", any case), or ``None``/"" if none.
    """
    if score is not None:
        if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 25:
            raise ValueError(f"score must be a risk score from 1 to 25, got {score!r}")
        return (0, -score)
    if rating:
        return (1, RISK_RATINGS.index(risk_rating(rating)))
    return (2, 0)
