"""The BCF RAG status guidelines, data RAG, roll-up and risk scoring."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.rag import (
    RISK_RATINGS,
    STATUSES,
    RagPolicy,
    assess_finance,
    assess_metric_impact,
    assess_milestones,
    assess_savings,
    commentary_problem,
    commentary_requirement,
    data_rag,
    milestone_slippage_days,
    risk_order,
    risk_rating,
    risk_score,
    risk_trend,
    roll_up,
)
from bettercare.core.stats import compare_to_target, rate

# --- Savings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("planned", "achieved", "status"),
    [
        (100_000, 100_000, "G"),  # on track
        (100_000, 120_000, "G"),  # ahead
        (100_000, 95_000, "A"),  # off track by 5%
        (100_000, 90_000, "A"),  # off track by exactly 10%: "up to 10%"
        (100_000, 89_999, "R"),  # just beyond 10%
        (1_300_000, 223_000, "R"),  # the Leicestershire 2017-18 cost improvement plan
    ],
)
def test_savings_thresholds(planned, achieved, status):
    assessment = assess_savings(planned=planned, achieved=achieved)
    assert assessment.status == status
    assert assessment.dimension == "savings"
    expected = "headline_optional" if status == "G" else "exception_required"
    assert assessment.commentary == expected


def test_savings_reason_is_plain_english():
    assessment = assess_savings(planned=1_300_000, achieved=223_000)
    assert assessment.reason == (
        "Savings are 82.8% behind plan (£223,000 of £1,300,000), "
        "which is off track by more than 10.0%."
    )


def test_savings_not_defined_and_enabler():
    undefined = assess_savings(planned=None, achieved=0)
    assert (undefined.status, undefined.commentary) == ("NA", "exception_required")
    enabler = assess_savings(planned=100, achieved=0, enabler=True)
    assert (enabler.status, enabler.commentary) == ("E", "headline_optional")


def test_savings_policy_moves_the_threshold():
    assert (
        assess_savings(
            planned=100, achieved=85, policy=RagPolicy(savings_amber_shortfall=0.2)
        ).status
        == "A"
    )


# --- Milestones -------------------------------------------------------------------------------


def test_milestone_slippage_days():
    baseline = date(2017, 9, 30)
    assert milestone_slippage_days(baseline) == 0
    assert milestone_slippage_days(baseline, revised=date(2017, 11, 30)) == 61
    assert milestone_slippage_days(baseline, completed=date(2017, 9, 8)) == 0  # early
    assert milestone_slippage_days(baseline, completed=date(2017, 10, 10)) == 10
    # overdue with no revised date: slipping by the day
    assert milestone_slippage_days(baseline, as_at=date(2017, 10, 31)) == 31
    # revised date itself passed without completion
    assert (
        milestone_slippage_days(baseline, revised=date(2017, 10, 15), as_at=date(2017, 10, 31))
        == 31
    )


@pytest.mark.parametrize(
    ("slippage", "status"),
    [([], "G"), ([0, 0], "G"), ([5, 0], "A"), ([30], "A"), ([31], "R"), ([2, 45, 10], "R")],
)
def test_milestone_thresholds(slippage, status):
    assert assess_milestones(slippage_days=slippage).status == status


def test_milestones_business_plan_delayed_is_red():
    assessment = assess_milestones(slippage_days=[0], business_plan_delayed=True)
    assert assessment.status == "R"
    assert assessment.reason == "The business plan is delayed."


def test_milestones_not_yet_due_to_start_needs_a_start_date():
    assessment = assess_milestones(
        slippage_days=[], start_date=date(2017, 11, 30), as_at=date(2017, 10, 31)
    )
    assert assessment.status == "NA"
    assert assessment.commentary == "start_date_required"
    assert "30 November 2017" in assessment.reason


def test_milestone_reason_names_the_delay():
    assert assess_milestones(slippage_days=[12, 3]).reason == (
        "2 milestones are delayed, by up to 12 days (AMBER is up to 30 days)."
    )
    assert assess_milestones(slippage_days=[61]).reason == (
        "1 milestone is delayed; the longest delay is 61 days, more than 30 days."
    )


# --- Finance ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "forecast", "status"),
    [
        (42_600_000, 42_600_000, "G"),
        (1_000_000, 1_050_000, "A"),  # overspend 5%
        (1_000_000, 900_000, "A"),  # underspend exactly 10%
        (1_000_000, 1_100_001, "R"),
        (1_000_000, 750_000, "R"),  # the crisis response night-nursing underspend
    ],
)
def test_finance_thresholds(budget, forecast, status):
    assert assess_finance(budget=budget, forecast=forecast).status == status


def test_finance_budget_not_set_is_na_with_optional_headline():
    for budget in (None, 0):
        assessment = assess_finance(budget=budget, forecast=10)
        assert (assessment.status, assessment.commentary) == ("NA", "headline_optional")


def test_finance_reason_and_tolerance():
    assert assess_finance(budget=1_000_000, forecast=1_050_000).reason == (
        "There is a forecast overspend of £50,000 (5.0% of the agreed budget), up to 10.0%."
    )
    tolerant = RagPolicy(finance_green_tolerance=0.01)
    assert assess_finance(budget=1_000_000, forecast=1_005_000, policy=tolerant).status == "G"


# --- Impact on metrics ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "polarity", "status"),
    [
        (278.57, 270.0, "lower_is_better", "G"),
        (278.57, 294.95, "lower_is_better", "A"),  # 5.9% worse
        (278.57, 310.0, "lower_is_better", "R"),  # 11.3% worse
        (87.0, 89.2, "higher_is_better", "G"),
        (87.0, 80.0, "higher_is_better", "A"),
        (87.0, 75.0, "higher_is_better", "R"),
    ],
)
def test_metric_impact_thresholds(expected, actual, polarity, status):
    assert (
        assess_metric_impact(expected=expected, actual=actual, polarity=polarity).status == status
    )


def test_metric_impact_not_developed_and_enabler():
    assert assess_metric_impact(expected=None, actual=1, polarity="lower_is_better").commentary == (
        "exception_required"
    )
    assert (
        assess_metric_impact(expected=1, actual=2, polarity="lower_is_better", enabler=True).status
        == "E"
    )


# --- Commentary -------------------------------------------------------------------------------


def test_commentary_requirements_follow_the_guidelines():
    assert commentary_requirement("savings", "NA") == "exception_required"
    assert commentary_requirement("milestones", "NA") == "start_date_required"
    assert commentary_requirement("finance", "NA") == "headline_optional"
    assert commentary_requirement("metrics", "NA") == "exception_required"
    for dimension in ("savings", "milestones", "finance", "metrics"):
        assert commentary_requirement(dimension, "A") == "exception_required"
        assert commentary_requirement(dimension, "R") == "exception_required"
        assert commentary_requirement(dimension, "G") == "headline_optional"
    with pytest.raises(ValueError, match="status 'E' is not used for finance"):
        commentary_requirement("finance", "E")


def test_commentary_problem():
    assert commentary_problem("finance", "A", commentary="  ") == (
        "Exception commentary is required for an AMBER status: "
        "say what is off track and what is being done about it."
    )
    assert (
        commentary_problem("finance", "A", commentary="Night nursing underspend of £250k") is None
    )
    assert commentary_problem("milestones", "NA") == (
        "A start date is required when the scheme is not yet due to start."
    )
    assert commentary_problem("milestones", "NA", start_date=date(2018, 1, 1)) is None
    assert commentary_problem("savings", "G") is None


# --- Data RAG and roll-up ---------------------------------------------------------------------


def test_data_rag_of_the_worked_example_is_red():
    comparison = compare_to_target(rate(1611, 546195), 278.57, polarity="lower_is_better")
    assert data_rag(comparison) == "R"


@pytest.mark.parametrize(
    ("comparison", "meets_target", "significance"),
    [
        ("significantly_better", "G", "G"),
        ("better", "G", "A"),
        ("worse", "A", "A"),
        ("significantly_worse", "R", "R"),
        (None, "NA", "NA"),
    ],
)
def test_data_rag_policies(comparison, meets_target, significance):
    assert data_rag(comparison) == meets_target
    assert data_rag(comparison, policy="significance") == significance


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["G", "A", "G"], "A"),
        (["G", "R", "A", "NA"], "R"),
        (["G", "NA", "E"], "G"),
        (["E", "E"], "E"),
        (["NA", "E"], "NA"),
        ([], "NA"),
    ],
)
def test_roll_up_is_the_worst_ignoring_na_and_e(statuses, expected):
    assert roll_up(statuses) == expected


@given(st.lists(st.sampled_from(STATUSES), max_size=20))
def test_roll_up_never_better_than_any_rated_part(statuses):
    rank = {"G": 0, "A": 1, "R": 2}
    result = roll_up(statuses)
    rated = [rank[s] for s in statuses if s in rank]
    if rated:
        assert rank[result] == max(rated)
    else:
        assert result in ("NA", "E")


# --- Risk scoring -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("likelihood", "impact", "score", "band"),
    [
        (1, 1, 1, "low"),
        (1, 3, 3, "low"),
        (2, 2, 4, "moderate"),
        (2, 3, 6, "moderate"),
        (2, 4, 8, "high"),
        (3, 4, 12, "high"),
        (3, 5, 15, "extreme"),
        (5, 5, 25, "extreme"),
    ],
)
def test_risk_score_bands(likelihood, impact, score, band):
    result = risk_score(likelihood, impact)
    assert (result.score, result.band) == (score, band)


def test_risk_trend():
    assert risk_trend(12, 8) == "increased"
    assert risk_trend(8, 12) == "decreased"
    assert risk_trend(8, 8) == "no_change"
    assert risk_trend(8, None) is None


@pytest.mark.parametrize(
    ("value", "rating"),
    [("High", "high"), ("medium", "medium"), (" LOW ", "low"), ("hIgH", "high")],
)
def test_a_rating_is_high_medium_or_low_in_any_case(value, rating):
    assert risk_rating(value) == rating


@pytest.mark.parametrize("value", ["", "Moderate", "Extreme", "H", "12", None, 3])
def test_anything_else_is_not_a_rating(value):
    with pytest.raises(ValueError, match=r"^rating must be High, Medium or Low, got "):
        risk_rating(value)


def test_scored_risks_come_first_then_rated_then_neither():
    risks = {"R1": (None, "low"), "R2": (4, None), "R3": (None, None), "R4": (20, "low")}
    risks |= {"R5": (None, "High"), "R6": (None, "medium")}
    ordered = sorted(risks, key=lambda ref: risk_order(*risks[ref]))
    assert ordered == ["R4", "R2", "R5", "R6", "R1", "R3"]


@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.integers(1, 5).flatmap(lambda a: st.just(a * a))),
            st.one_of(st.none(), st.sampled_from(RISK_RATINGS)),
        ),
        max_size=12,
    )
)
def test_a_rating_never_outranks_a_score(risks):
    ordered = sorted(risks, key=lambda risk: risk_order(*risk))
    kinds = [0 if score is not None else 1 if rating else 2 for score, rating in ordered]
    assert kinds == sorted(kinds)
    scores = [score for score, _ in ordered if score is not None]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: risk_order(26, None), "score must be a risk score from 1 to 25, got 26"),
        (lambda: risk_order(None, "severe"), "rating must be High, Medium or Low, got 'severe'"),
        (lambda: risk_score(0, 3), "likelihood must be a whole number from 1 to 5, got 0"),
        (lambda: risk_score(3, 6), "impact must be a whole number from 1 to 5, got 6"),
        (lambda: risk_score(2.5, 3), "likelihood must be a whole number"),
        (lambda: risk_trend(30, 4), "score must be a risk score from 1 to 25, got 30"),
        (
            lambda: assess_savings(planned=0, achieved=1),
            "planned savings must be greater than zero",
        ),
        (
            lambda: assess_savings(planned=float("nan"), achieved=1),
            "planned must be a finite number",
        ),
        (lambda: assess_milestones(slippage_days=[-3]), "slippage_days must be zero or more"),
        (lambda: assess_finance(budget=-5, forecast=1), "budget must be zero or more"),
        (
            lambda: assess_metric_impact(expected=1, actual=1, polarity="up"),
            "polarity must be one of",
        ),
        (lambda: data_rag("amazing"), "comparison must be one of"),
        (lambda: data_rag("better", policy="vibes"), "policy must be one of"),
        (lambda: roll_up(["G", "Green"]), "status must be one of"),
        (
            lambda: RagPolicy(finance_amber_variance=1.5),
            "finance_amber_variance must be a fraction",
        ),
    ],
)
def test_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()
