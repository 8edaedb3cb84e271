"""The statuses a scheme's monthly return would get from its data, by the RAG guidelines.

The return form shows them beside each dimension, and the demonstration data explain where
a lead kept a status other than the proposed one. Both describe the scheme with the plain
facts here (:class:`SchemeFacts`) and call :func:`propose_statuses`, so a proposal is worked
out one way, whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import (
    DEFAULT_POLICY,
    STATUS_LABELS,
    Assessment,
    Dimension,
    RagPolicy,
    assess_finance,
    assess_metric_impact,
    assess_milestones,
    assess_savings,
    savings_planned_to_date,
)
from bettercare.core.stats import Polarity

__all__ = ["MetricFacts", "Proposal", "SchemeFacts", "override_problem", "propose_statuses"]


@dataclass(frozen=True, slots=True)
class MetricFacts:
    """The scheme's primary metric: its latest value and where the plan expects it to be."""

    name: str
    expected: float
    actual: float
    polarity: Polarity


@dataclass(frozen=True, slots=True)
class SchemeFacts:
    """What a proposal looks at for one scheme in one reporting month.

    Attributes
    ----------
    month
        The reporting month; milestones are measured at its last day.
    enabler
        The scheme is an enabler (E on savings and metrics).
    start_date
        When the scheme starts, if recorded.
    milestone_slippage
        Days each of the scheme's milestones has slipped at the end of the month (empty
        when it has no milestones).
    budget
        The scheme's spend for the financial year (``None`` or 0 when not set).
    forecast_outturn
        The forecast outturn for the year, if the lead has given it.
    savings_planned
        The savings planned for the whole financial year, in pounds (positive), or
        ``None`` when the scheme plans none.
    savings_achieved
        The savings achieved to date, if the lead has given them.
    metrics_linked
        The scheme has metrics linked to it.
    metric
        The first linked metric with both a value and a target, if any.
    """

    month: Month
    enabler: bool = False
    start_date: date | None = None
    milestone_slippage: tuple[int, ...] = ()
    budget: Decimal | None = None
    forecast_outturn: Decimal | None = None
    savings_planned: Decimal | None = None
    savings_achieved: Decimal | None = None
    metrics_linked: bool = False
    metric: MetricFacts | None = None


@dataclass(frozen=True, slots=True)
class Proposal:
    """A status proposed from the data (or ``None`` with what is missing), and its basis."""

    dimension: Dimension
    assessment: Assessment | None
    basis: str


def _pounds(amount: Decimal) -> str:
    value = float(amount)
    return f"{'-' if value < 0 else ''}£{abs(value):,.0f}"


def _milestones(facts: SchemeFacts, policy: RagPolicy) -> Proposal:
    month = facts.month
    if facts.start_date is not None and facts.start_date > month.last_day:
        return Proposal(
            "milestones",
            assess_milestones(
                slippage_days=[],
                start_date=facts.start_date,
                as_at=month.last_day,
                policy=policy,
            ),
            "the scheme's start date",
        )
    if facts.milestone_slippage:
        return Proposal(
            "milestones",
            assess_milestones(slippage_days=facts.milestone_slippage, policy=policy),
            f"{len(facts.milestone_slippage)} milestone(s) at the end of {month.label}",
        )
    return Proposal("milestones", None, "No milestones are recorded for this scheme.")


def _finance(facts: SchemeFacts, year: FinancialYear, policy: RagPolicy) -> Proposal:
    if facts.budget is None or facts.budget == 0:
        return Proposal(
            "finance",
            assess_finance(budget=None, forecast=0, policy=policy),
            f"no budget for {year}",
        )
    if facts.forecast_outturn is None:
        return Proposal(
            "finance",
            None,
            f"Enter the forecast outturn to compare it with the budget of {_pounds(facts.budget)}.",
        )
    return Proposal(
        "finance",
        assess_finance(
            budget=float(facts.budget), forecast=float(facts.forecast_outturn), policy=policy
        ),
        f"the {year} budget of {_pounds(facts.budget)} and a forecast outturn of "
        f"{_pounds(facts.forecast_outturn)}",
    )


def _savings(facts: SchemeFacts, year: FinancialYear, policy: RagPolicy) -> Proposal:
    if facts.enabler:
        return Proposal(
            "savings",
            assess_savings(planned=None, achieved=0, enabler=True, policy=policy),
            "an enabler scheme",
        )
    if facts.savings_planned is None or facts.savings_planned <= 0:
        return Proposal(
            "savings",
            assess_savings(planned=None, achieved=0, policy=policy),
            f"no savings planned for {year}",
        )
    for_year = _pounds(facts.savings_planned)
    if facts.savings_achieved is None:
        return Proposal(
            "savings",
            None,
            "Enter the savings achieved to date to compare them with the plan of "
            f"{for_year} for the year.",
        )
    planned = savings_planned_to_date(facts.savings_planned, year, facts.month)
    return Proposal(
        "savings",
        assess_savings(
            planned=float(planned), achieved=float(facts.savings_achieved), policy=policy
        ),
        f"{_pounds(planned)} planned by the end of {facts.month.label} ({for_year} for the year)",
    )


def _metrics(facts: SchemeFacts, policy: RagPolicy) -> Proposal:
    if facts.enabler:
        return Proposal(
            "metrics",
            assess_metric_impact(
                expected=None, actual=0, polarity="lower_is_better", enabler=True, policy=policy
            ),
            "an enabler scheme",
        )
    if not facts.metrics_linked:
        return Proposal(
            "metrics",
            assess_metric_impact(
                expected=None, actual=0, polarity="lower_is_better", policy=policy
            ),
            "no metrics are linked to this scheme",
        )
    metric = facts.metric
    if metric is None:
        return Proposal(
            "metrics", None, "None of the scheme's metrics has a value and a target yet."
        )
    return Proposal(
        "metrics",
        assess_metric_impact(
            expected=metric.expected, actual=metric.actual, polarity=metric.polarity, policy=policy
        ),
        f"{metric.name}: {metric.actual:,.2f} against a target of {metric.expected:,.2f}",
    )


def propose_statuses(
    facts: SchemeFacts, *, policy: RagPolicy = DEFAULT_POLICY
) -> dict[Dimension, Proposal]:
    """Propose each dimension's status for a scheme's return, as the guidelines would rate it.

    A dimension gets no status (``None``, with what is missing as its basis) where the
    guidelines need a figure the facts do not hold: a forecast outturn against a budget,
    savings achieved against a plan, milestones, or a metric with a value and a target.

    Parameters
    ----------
    facts : SchemeFacts
        The scheme's data for the month.
    policy : RagPolicy
        The thresholds of the guidelines.

    Returns
    -------
    dict
        The proposal for milestones, finance, savings and metrics, in that order.
    """
    year = FinancialYear.of(facts.month.first_day)
    return {
        "milestones": _milestones(facts, policy),
        "finance": _finance(facts, year, policy),
        "savings": _savings(facts, year, policy),
        "metrics": _metrics(facts, policy),
    }


#: What a status other than the proposed one needs (the return form and the workbook say it).
OVERRIDE_EXPECTED = "the proposed status, or commentary or additional information saying why not"


def override_problem(
    proposal: Proposal, status: str, *, commentary: str = "", additional_information: str = ""
) -> str | None:
    """Why a saved ``status`` other than the one proposed from the data needs a reason, or None.

    A lead may keep a status other than the proposal (the guidelines rate the data; the lead
    knows the scheme), but says why: in the dimension's commentary or the return's additional
    information. Nothing is asked where no status is proposed or the status agrees. The
    return form shows this as guidance and the workbook as a warning; neither refuses it.

    Examples
    --------
    >>> from bettercare.core.periods import Month
    >>> proposal = propose_statuses(SchemeFacts(Month(2017, 8), enabler=True))["savings"]
    >>> override_problem(proposal, "G")
    'is Green but the data propose Enabler (from an enabler scheme) and no reason is given'
    >>> override_problem(proposal, "G", commentary="Tracked against the programme's plan") is None
    True
    """
    if proposal.assessment is None or status == proposal.assessment.status:
        return None
    if commentary.strip() or additional_information.strip():
        return None
    labels: dict[str, str] = dict(STATUS_LABELS.items())
    return (
        f"is {labels.get(status, status)} but the data propose "
        f"{labels[proposal.assessment.status]} (from {proposal.basis}) "
        "and no reason is given"
    )
