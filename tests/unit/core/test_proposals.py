"""Statuses proposed for a scheme's return from plain facts, at each branch's boundary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bettercare.core.periods import Month
from bettercare.core.proposals import (
    MetricFacts,
    SchemeFacts,
    override_problem,
    propose_statuses,
)
from bettercare.core.rag import RagPolicy

AUGUST = Month.parse("2017-08")  # month 5 of 2017-18


def statuses(facts: SchemeFacts, **options: RagPolicy) -> dict[str, str | None]:
    return {
        dimension: None if p.assessment is None else p.assessment.status
        for dimension, p in propose_statuses(facts, **options).items()
    }


def test_a_scheme_with_no_data_asks_for_what_is_missing() -> None:
    proposals = propose_statuses(SchemeFacts(month=AUGUST))
    assert list(proposals) == ["milestones", "finance", "savings", "metrics"]
    assert statuses(SchemeFacts(month=AUGUST)) == {
        "milestones": None,
        "finance": "NA",
        "savings": "NA",
        "metrics": "NA",
    }
    assert proposals["milestones"].basis == "No milestones are recorded for this scheme."
    assert proposals["finance"].basis == "no budget for 2017-18"
    assert proposals["savings"].basis == "no savings planned for 2017-18"
    assert proposals["metrics"].basis == "no metrics are linked to this scheme"


def test_an_enabler_is_e_on_savings_and_metrics() -> None:
    facts = SchemeFacts(month=AUGUST, enabler=True, savings_planned=Decimal(1200))
    got = propose_statuses(facts)
    assert (got["savings"].assessment.status, got["savings"].basis) == ("E", "an enabler scheme")  # type: ignore[union-attr]
    assert (got["metrics"].assessment.status, got["metrics"].basis) == ("E", "an enabler scheme")  # type: ignore[union-attr]


def test_a_scheme_not_yet_started_is_na_on_milestones_whatever_they_say() -> None:
    facts = SchemeFacts(month=AUGUST, start_date=date(2017, 9, 1), milestone_slippage=(90,))
    proposal = propose_statuses(facts)["milestones"]
    assert proposal.assessment is not None
    assert proposal.assessment.status == "NA"
    assert proposal.basis == "the scheme's start date"
    started = SchemeFacts(month=AUGUST, start_date=date(2017, 8, 31), milestone_slippage=(90,))
    assert statuses(started)["milestones"] == "R"


def test_milestones_at_the_amber_boundary_and_with_another_policy() -> None:
    facts = SchemeFacts(month=AUGUST, milestone_slippage=(0, 30))
    assert statuses(facts)["milestones"] == "A"
    assert propose_statuses(facts)["milestones"].basis == "2 milestone(s) at the end of August 2017"
    assert statuses(facts, policy=RagPolicy(milestone_amber_days=29))["milestones"] == "R"


def test_finance_needs_the_forecast_outturn_against_a_budget() -> None:
    waiting = propose_statuses(SchemeFacts(month=AUGUST, budget=Decimal(100_000)))["finance"]
    assert waiting.assessment is None
    assert waiting.basis == "Enter the forecast outturn to compare it with the budget of £100,000."
    for outturn, expected in ((100_000, "G"), (110_000, "A"), (110_001, "R"), (89_999, "R")):
        facts = SchemeFacts(
            month=AUGUST, budget=Decimal(100_000), forecast_outturn=Decimal(outturn)
        )
        assert statuses(facts)["finance"] == expected, outturn
    facts = SchemeFacts(month=AUGUST, budget=Decimal(100_000), forecast_outturn=Decimal(105_000))
    assert propose_statuses(facts)["finance"].basis == (
        "the 2017-18 budget of £100,000 and a forecast outturn of £105,000"
    )


def test_savings_are_compared_with_the_plan_to_date() -> None:
    plan = Decimal(1_200_000)  # £500,000 by the end of August
    waiting = propose_statuses(SchemeFacts(month=AUGUST, savings_planned=plan))["savings"]
    assert waiting.assessment is None
    assert waiting.basis == (
        "Enter the savings achieved to date to compare them with the plan of £1,200,000 "
        "for the year."
    )
    for achieved, expected in ((500_000, "G"), (450_000, "A"), (449_999, "R")):
        facts = SchemeFacts(month=AUGUST, savings_planned=plan, savings_achieved=Decimal(achieved))
        assert statuses(facts)["savings"] == expected, achieved
    facts = SchemeFacts(month=AUGUST, savings_planned=plan, savings_achieved=Decimal(0))
    assert propose_statuses(facts)["savings"].basis == (
        "£500,000 planned by the end of August 2017 (£1,200,000 for the year)"
    )


def test_metrics_need_a_value_and_a_target() -> None:
    linked = SchemeFacts(month=AUGUST, metrics_linked=True)
    none_yet = propose_statuses(linked)["metrics"]
    assert none_yet.assessment is None
    assert none_yet.basis == "None of the scheme's metrics has a value and a target yet."
    metric = MetricFacts(
        name="Delayed transfers", expected=100.0, actual=111.0, polarity="lower_is_better"
    )
    facts = SchemeFacts(month=AUGUST, metrics_linked=True, metric=metric)
    proposal = propose_statuses(facts)["metrics"]
    assert proposal.assessment is not None
    assert proposal.assessment.status == "R"
    assert proposal.basis == "Delayed transfers: 111.00 against a target of 100.00"


def test_a_status_other_than_the_proposal_needs_a_reason() -> None:
    late = SchemeFacts(month=AUGUST, milestone_slippage=(62,))
    proposal = propose_statuses(late)["milestones"]
    assert proposal.assessment is not None
    assert proposal.assessment.status == "R"
    assert override_problem(proposal, "R") is None
    assert override_problem(proposal, "G") == (
        "is Green but the data propose Red (from 1 milestone(s) at the end of August 2017) "
        "and no reason is given"
    )
    assert override_problem(proposal, "G", commentary="Replanned with the board") is None
    assert override_problem(proposal, "G", additional_information="Agreed in July") is None
    # Blank text is no reason.
    assert override_problem(proposal, "A", commentary="  ", additional_information="\n") == (
        "is Amber but the data propose Red (from 1 milestone(s) at the end of August 2017) "
        "and no reason is given"
    )


def test_no_reason_is_asked_where_nothing_is_proposed() -> None:
    proposal = propose_statuses(SchemeFacts(month=AUGUST))["milestones"]
    assert proposal.assessment is None
    assert override_problem(proposal, "G") is None
