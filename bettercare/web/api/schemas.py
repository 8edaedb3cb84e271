"""The shapes of the API's answers, as the OpenAPI document publishes them.

Money is a JSON number in pounds rounded to the penny (two decimal places); dates are ISO
``YYYY-MM-DD``; months ``YYYY-MM``; financial years ``YYYY-YY``. Absent values are ``null``,
never missing keys.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Field, Schema

from bettercare.core.rag import DEFAULT_POLICY, MilestoneStatus, Status
from bettercare.web.performance.contract import KEYS

AMBER_DAYS = DEFAULT_POLICY.milestone_amber_days
MONEY = "Pounds, rounded to the penny (a number with at most two decimal places)."
#: The codes are core's (bettercare.core.status); the words are the published API text.
STATUS = "The RAG status: G (green), A (amber), R (red), NA (not applicable) or E (enabler)."


class Error(Schema):
    """Every error answer: one sentence saying what was wrong."""

    detail: str = Field(
        description="What was wrong, in words a person can act on.",
        examples=["period: expected a month as YYYY-MM (e.g. 2017-08), got '2017-8'"],
    )


class AreaOut(Schema):
    code: str = Field(description="The ONS code, e.g. E10000018.")
    name: str
    type: Literal["HWB", "ICB", "region"] = Field(
        description="HWB (Health and Wellbeing Board), ICB (Integrated Care Board) or region."
    )
    parent: str | None = Field(description="The ONS code of the area above, or null.")
    is_demo: bool = Field(description="True for demonstration data, never real figures.")


class MetricForecastOut(Schema):
    value: float = Field(description="The forecast for the financial year.")
    lower: float = Field(description="Lower end of the 95% prediction interval.")
    upper: float = Field(description="Upper end of the 95% prediction interval.")
    target: float | None = Field(description="The year's target on the same scale, or null.")
    probability_meeting_target: float | None = Field(
        description="Probability (0 to 1) that the year ends meeting the target, or null."
    )


class MetricBaselineOut(Schema):
    value: float | None = Field(description="The baseline value.")
    period_start: date
    period_end: date


class MetricOut(Schema):
    """One metric's position: exactly the objects of ``bettercare metrics --format json``."""

    metric: str = Field(description="The metric's code.")
    name: str
    period_start: date = Field(
        description="First day of the latest actual value's period (awaiting data: of the "
        "period the first value will cover)."
    )
    period_end: date = Field(description="Last day of that period.")
    numerator: float | None
    denominator: float | None
    value: float | None = Field(description="The value (rate, percentage, count or mean).")
    lower: float | None = Field(description="Lower end of the 95% confidence interval.")
    upper: float | None = Field(description="Upper end of the 95% confidence interval.")
    target: float | None = Field(description="The target for the value's period, or null.")
    comparison: str | None = Field(description="How the value compares with the target.")
    data_rag: str = Field(description="The data RAG from the comparison with the target.")
    direction: str | None = Field(description="Direction of travel since the previous value.")
    variation_icon: str | None = Field(description="The SPC variation icon, or null.")
    assurance_icon: str | None = Field(description="The SPC assurance icon, or null.")
    forecast: MetricForecastOut | None = Field(description="The year-end forecast, or null.")
    warnings: list[str] = Field(description="Warnings about the figures, in words.")
    baseline: MetricBaselineOut | None = Field(
        description="The plan's latest baseline with its period, or null."
    )
    status: Literal["measured", "awaiting_data"] = Field(
        description="measured (an actual value ends in or before the month) or awaiting_data "
        "(the metric is in force but no actual has arrived: value is null)."
    )
    commentary: str | None = Field(
        description="What the metric's owner or the programme manager wrote about the metric "
        "for the month, or null when nothing was written."
    )


# The published keys are a contract (docs/metrics-json.md): the schema must not drift from it.
assert tuple(MetricOut.model_fields) == KEYS, "MetricOut must have exactly the contract keys"


class DimensionStatusOut(Schema):
    status: Status = Field(description=STATUS)
    commentary: str = Field(description="Exception or headline commentary (may be empty).")
    additional_information: str = Field(description="Additional information (may be empty).")
    start_date: date | None = Field(
        description="Milestones at NA: when the scheme is due to start; otherwise null."
    )
    forecast_outturn: float | None = Field(
        description=f"Finance: the scheme's forecast outturn for the year. {MONEY}"
    )
    savings_achieved: float | None = Field(
        description=f"Savings: the savings achieved to date. {MONEY}"
    )


class SchemeStatusesOut(Schema):
    savings: DimensionStatusOut | None = Field(description="Savings; null if not returned.")
    milestones: DimensionStatusOut | None = Field(
        description="Action plan milestones; null if not returned."
    )
    finance: DimensionStatusOut | None = Field(description="Finance; null if not returned.")
    metrics: DimensionStatusOut | None = Field(
        description="Impact on metrics; null if not returned."
    )


class DeliveryPartnerOut(Schema):
    organisation: str
    role: Literal["commissioner", "provider", "partner"]
    responsibility: str = Field(description="What it does in the scheme; empty if not given.")


class InvestmentOut(Schema):
    financial_year: str = Field(description="The financial year, YYYY-YY.")
    amount: float = Field(description=f"The investment the scheme needs that year. {MONEY}")


class MetricImpactedOut(Schema):
    code: str = Field(description="The metric's code (see /areas/{code}/metrics).")
    name: str
    national: bool = Field(description="A registry (national) metric, or a local one.")


class LocalKpiOut(Schema):
    name: str = Field(description="What is counted.")
    level: Literal["practice", "locality", "area"] = Field(
        description="Where it is monitored: each GP practice, each locality or the whole area."
    )
    target: float | None = Field(description="The target, in ``unit``; null if none is set.")
    unit: str = Field(description="The target's unit, e.g. '%'; empty if not given.")
    cadence: Literal["weekly", "biweekly", "monthly", "quarterly"] = Field(
        description="How often it is reported (the feedback loop)."
    )
    reported_to: str = Field(description="Who it is reported to; empty if not given.")


class SchemeDescriptionOut(Schema):
    """The plan's detailed scheme description; empty strings and lists where not recorded."""

    strategic_objective: str
    overview: str = Field(description="The model of care and support.")
    target_cohorts: list[str]
    delivery_chain: list[DeliveryPartnerOut] = Field(description="In the plan's order.")
    evidence_base: str
    investment: list[InvestmentOut] = Field(description="By financial year.")
    metrics_impacted: list[MetricImpactedOut]
    outcomes: str = Field(description="Anticipated outcomes beyond the headline metrics.")
    local_kpis: list[LocalKpiOut]
    success_factors: list[str]


class SchemeOut(Schema):
    period: str = Field(description="The reporting month of the statuses, YYYY-MM.")
    period_state: Literal["open", "submitted", "signed_off", "not_opened"] = Field(
        description="open, submitted (awaiting sign-off), signed_off (final) or not_opened "
        "(a month of the plan nobody has opened for returns)."
    )
    ref: str = Field(description="The scheme's reference, e.g. 'BCF 4'.")
    name: str
    theme: str | None = Field(description="The code of the scheme's theme, or null.")
    theme_name: str | None
    lead: str
    enabler: bool
    statuses: SchemeStatusesOut = Field(description="The monthly return on each dimension.")
    description: SchemeDescriptionOut = Field(description="The scheme's full description.")


class MilestoneOut(Schema):
    ref: str
    title: str
    scheme: str | None = Field(description="The scheme's reference, or null for the programme.")
    baseline_date: date
    revised_date: date | None
    completed_date: date | None
    as_at: date = Field(description="The date the slippage and status are measured at.")
    slippage_days: int = Field(description="Days late against the baseline date at as_at.")
    status: MilestoneStatus = Field(
        description=f"G on time, A up to {AMBER_DAYS} days late, R more than {AMBER_DAYS} days "
        "late (the BCF milestone guidelines), or complete."
    )
    comments: str


class PlannedActivityOut(Schema):
    group: Literal["programme", "schemes", "enablers"] = Field(
        description="The group of the highlight report's next three months: programme "
        "management, schemes or enablers."
    )
    group_label: str
    text: str = Field(description="The activity as the programme manager wrote it.")
    month: str | None = Field(
        default=None,
        description="The month (YYYY-MM) of the three after the period the activity falls in; "
        "null: during the three months.",
    )


class RiskOut(Schema):
    ref: str
    title: str
    description: str
    mitigation: str
    owner: str
    likelihood: int | None = Field(description="1 (rare) to 5 (almost certain), or null.")
    impact: int | None = Field(description="1 (negligible) to 5 (catastrophic), or null.")
    score: int | None = Field(description="likelihood x impact (1 to 25), or null if unscored.")
    band: Literal["low", "moderate", "high", "extreme"] | None = Field(
        description="The band on the NHS 5x5 matrix: 1-3 low, 4-6 moderate, 8-12 high, "
        "15-25 extreme."
    )
    rating: Literal["high", "medium", "low"] | None = Field(
        description="The plan's own rating of the risk, beside or instead of a score; null if "
        "the plan gave none. Never derived from the score, nor the score from it."
    )
    previous_score: int | None = Field(description="The score at the previous review.")
    trend: Literal["increased", "no_change", "decreased"] | None = Field(
        description="How the score moved since the previous review; null without both scores."
    )
    scheme: str | None = Field(description="The scheme's reference, or null for the programme.")
    as_at: date | None = Field(description="When the risk was last reviewed.")


class FundingOut(Schema):
    financial_year: str = Field(description="The financial year, YYYY-YY.")
    stream: str = Field(description="The funding stream, e.g. BCF, iBCF, DFG.")
    organisation: str
    budget: float = Field(description=MONEY)
    minimum_contribution: float | None = Field(description=MONEY)
    forecast_outturn: float | None = Field(description=MONEY)
    variance: float | None = Field(
        description=f"forecast_outturn - budget (positive: forecast overspend); null without "
        f"a forecast. {MONEY}"
    )
    as_at: date | None


class SavingsPlanOut(Schema):
    financial_year: str = Field(description="The financial year, YYYY-YY.")
    target: float = Field(description=f"The year's savings target. {MONEY}")
    achieved_to_date: float = Field(description=MONEY)
    as_at: date | None


class FinanceOut(Schema):
    funding: list[FundingOut] = Field(description="Each funding stream by year.")
    savings_plans: list[SavingsPlanOut] = Field(description="The savings plan of each year.")


# -- the plan's money and details (ADR 0112) -------------------------------------------------


class PassportedOut(Schema):
    stream: str
    to: str = Field(description="The body the stream is passed on to in full.")
    amount: float = Field(description=MONEY)


class StreamAmountOut(Schema):
    stream: str
    amount: float = Field(description=MONEY)


class ProtectionOut(Schema):
    category: Literal["nhs_out_of_hospital", "social_care"]
    label: str
    amount: float = Field(description=f"The spend of the pool protecting it. {MONEY}")


class SignOffOut(Schema):
    on_behalf_of: str
    signed_by: str
    position: str
    signed_on: date | None


class NationalConditionOut(Schema):
    condition: str
    met: bool
    statement: str


class PayForPerformanceOut(Schema):
    metric: str
    planned_savings: float = Field(description=f"If the target is fully achieved. {MONEY}")
    maximum_support: float = Field(
        description=f"Needed for other services if the target is not achieved. {MONEY}"
    )
    ongoing_savings: float | None = Field(description=MONEY)
    ongoing_support: float | None = Field(description=MONEY)
    basis: str


class PerformancePaymentOut(Schema):
    period: str
    covers: str
    available: float = Field(description=f"The amount at stake. {MONEY}")
    planned_reduction: float
    achieved_reduction: float | None
    due: float | None = Field(
        description="available x achieved / planned reduction, at most all of it; null until "
        f"the reduction achieved is known. {MONEY}"
    )


class PlanYearOut(Schema):
    financial_year: str = Field(description="The financial year, YYYY-YY.")
    pooled_fund: float | None = Field(
        description="The pooled fund: each stream of the pool once (a stream within another, "
        f"like the 2017-18 DFG within the BCF, is not added again). {MONEY}"
    )
    retained: float | None = Field(description=f"The pool less what is passported. {MONEY}")
    passported: list[PassportedOut]
    outside_pool: list[StreamAmountOut]
    pooled_fund_not_shown: str = Field(
        description="Why there is no pooled fund, when there is none (the year has no "
        "funding, or its funding lines do not form one pool); empty when it is shown."
    )
    protection: list[ProtectionOut] = Field(
        description="The pool's spend by protection-of-services category."
    )
    protection_not_shown: str = Field(
        description="Why the protection split is missing (a spend line of an unknown "
        "category); empty when it is shown."
    )
    hwb_agreed_on: date | None
    hwb_note: str
    submitted_on: date | None
    approved_on: date | None
    national_conditions_summary: str
    sign_offs: list[SignOffOut]
    national_conditions: list[NationalConditionOut]
    pay_for_performance: list[PayForPerformanceOut]
    performance_payments: list[PerformancePaymentOut]
