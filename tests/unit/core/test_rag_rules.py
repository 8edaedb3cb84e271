"""The BCF rules that live in core: one milestone's status, the return and programme-status
checks, savings planned to date, the printed guidelines and the one status vocabulary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.rag import (
    COMMENTARY_REQUIREMENTS,
    STATUS_CAPITALS,
    STATUS_LABELS,
    STATUSES,
    RagPolicy,
    ReturnProblem,
    allowed_statuses,
    guideline_rows,
    milestone_status,
    programme_status_problem,
    return_problem,
    savings_planned_to_date,
    summary_required,
)

# -- vocabulary -------------------------------------------------------------------------


def test_every_status_has_one_label_and_one_capital_form() -> None:
    assert STATUSES == ("G", "A", "R", "NA", "E")
    assert STATUS_LABELS == {"G": "Green", "A": "Amber", "R": "Red", "NA": "N/A", "E": "Enabler"}
    assert STATUS_CAPITALS == {"G": "GREEN", "A": "AMBER", "R": "RED", "NA": "N/A", "E": "E"}


# -- one milestone ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "expected"),
    [(0, "G"), (1, "A"), (30, "A"), (31, "R"), (400, "R")],
)
def test_milestone_status_at_the_amber_boundary(days: int, expected: str) -> None:
    assert milestone_status(days) == expected


def test_a_completed_milestone_is_complete_however_late() -> None:
    assert milestone_status(90, completed=True) == "complete"
    assert milestone_status(0, completed=True) == "complete"


def test_milestone_status_follows_the_policy() -> None:
    policy = RagPolicy(milestone_amber_days=7)
    assert milestone_status(7, policy=policy) == "A"
    assert milestone_status(8, policy=policy) == "R"


@pytest.mark.parametrize("days", [-1, 1.5, True])
def test_milestone_status_refuses_a_bad_slippage(days: object) -> None:
    with pytest.raises(ValueError, match=r"slippage_days must be a whole number of days"):
        milestone_status(days)  # type: ignore[arg-type]


# -- a scheme's return ------------------------------------------------------------------


def test_allowed_statuses_use_e_only_for_an_enabler_on_savings_and_metrics() -> None:
    assert allowed_statuses("savings", enabler=False) == ("G", "A", "R", "NA")
    assert allowed_statuses("savings", enabler=True) == ("G", "A", "R", "NA", "E")
    assert allowed_statuses("metrics", enabler=True) == ("G", "A", "R", "NA", "E")
    assert allowed_statuses("milestones", enabler=True) == ("G", "A", "R", "NA")
    assert allowed_statuses("finance", enabler=True) == ("G", "A", "R", "NA")


def test_allowed_statuses_refuses_an_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="dimension"):
        allowed_statuses("budget", enabler=False)  # type: ignore[arg-type]


def test_amber_and_red_need_exception_commentary() -> None:
    for status, label in (("A", "Amber"), ("R", "Red")):
        assert return_problem("finance", status, enabler=False, commentary="  ") == ReturnProblem(
            "commentary",
            f"Enter exception commentary for finance: {label} needs it. "
            "Say what is off track and what is being done about it.",
        )
        assert return_problem("finance", status, enabler=False, commentary="Recovering.") is None


def test_na_savings_needs_commentary_but_na_finance_does_not() -> None:
    problem = return_problem("savings", "NA", enabler=False)
    assert problem is not None
    assert problem.message.startswith("Enter exception commentary for savings: N/A needs it.")
    assert return_problem("finance", "NA", enabler=False) is None


def test_green_and_enabler_need_no_commentary() -> None:
    assert return_problem("metrics", "G", enabler=False) is None
    assert return_problem("metrics", "E", enabler=True) is None


def test_na_milestones_need_a_start_date() -> None:
    assert return_problem("milestones", "NA", enabler=False) == ReturnProblem(
        "start_date", "Enter the date the scheme will start, as it is not yet due to start"
    )
    assert return_problem("milestones", "NA", enabler=False, start_date=date(2025, 9, 1)) is None


@pytest.mark.parametrize(
    ("dimension", "status", "enabler", "name"),
    [
        ("savings", "E", False, "savings"),
        ("milestones", "E", True, "action plan milestones"),
        ("finance", "green", False, "finance"),
        ("metrics", "", False, "impact on metrics"),
    ],
)
def test_a_status_the_dimension_does_not_use_is_refused(
    dimension: str, status: str, enabler: bool, name: str
) -> None:
    assert return_problem(dimension, status, enabler=enabler) == ReturnProblem(  # type: ignore[arg-type]
        "status", f"Select a status for {name} from the list"
    )


# -- the overall programme status -------------------------------------------------------


def test_summary_is_required_for_amber_and_red_only() -> None:
    assert [summary_required(s) for s in STATUSES] == [False, True, True, False, False]


def test_programme_status_problem_messages() -> None:
    assert programme_status_problem("budget", "A") == (
        "Enter a summary for budget: Amber and Red need one"
    )
    assert programme_status_problem("plan", "R", summary=" \n") == (
        "Enter a summary for plan: Amber and Red need one"
    )
    assert programme_status_problem("plan", "R", summary="Behind on two schemes.") is None
    assert programme_status_problem("benefits", "G") is None


@pytest.mark.parametrize("status", ["NA", "E", "X", ""])
def test_programme_status_is_green_amber_or_red(status: str) -> None:
    assert programme_status_problem("benefits", status) == (
        "Select a status for benefits from the list"
    )


# -- savings planned to date ------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        ("2017-03", Decimal(0)),  # before the year starts
        ("2017-04", Decimal(100)),
        ("2017-09", Decimal(600)),
        ("2018-03", Decimal(1200)),
        ("2018-04", Decimal(1200)),  # after the year ends: the whole year, no more
        ("2019-01", Decimal(1200)),
    ],
)
def test_savings_planned_to_date_is_pro_rata_within_the_year(month: str, expected: Decimal) -> None:
    year = FinancialYear.parse("2017-18")
    assert savings_planned_to_date(Decimal(1200), year, Month.parse(month)) == expected


# -- the printed guidelines -------------------------------------------------------------


def test_guideline_rows_cover_every_status_each_dimension_uses() -> None:
    rows = guideline_rows()
    assert [(r.dimension, r.status) for r in rows] == [
        (d, s) for d, statuses in COMMENTARY_REQUIREMENTS.items() for s in statuses
    ]
    by_key = {(r.dimension, r.status): r for r in rows}
    assert by_key[("savings", "A")].text == "Savings are off track by up to 10%"
    assert by_key[("savings", "A")].note == "Exception commentary must be provided"
    assert by_key[("milestones", "R")].text == (
        "There are action plan milestones delayed more than 30 days / BP delayed"
    )
    assert by_key[("milestones", "NA")].note == "Please provide a start date"
    assert by_key[("metrics", "E")].note == "Add any appropriate headline commentary"


def test_guideline_rows_print_the_policys_own_thresholds() -> None:
    policy = RagPolicy(
        savings_amber_shortfall=0.05,
        milestone_amber_days=14,
        finance_amber_variance=0.125,
        metrics_amber_impact=0.2,
    )
    text = {(r.dimension, r.status): r.text for r in guideline_rows(policy)}
    assert text[("savings", "A")] == "Savings are off track by up to 5%"
    assert text[("savings", "R")] == "Savings are off track by more than 5%"
    assert text[("milestones", "A")] == (
        "There are minor delays in the action plan milestones of up to 14 days"
    )
    assert text[("milestones", "R")] == (
        "There are action plan milestones delayed more than 14 days / BP delayed"
    )
    assert text[("finance", "A")] == (
        "There is likely to be an overspend / underspend of up to 12.5% of the agreed budget"
    )
    assert text[("metrics", "R")] == (
        "It is highly likely there will be a negative impact on the primary metric(s) "
        "greater than 20%"
    )
    assert not any("10%" in t or "30 days" in t for t in text.values())


def test_the_default_guidelines_are_the_published_text() -> None:
    """With the default policy the rows say what the BCF dashboards print, word for word."""
    assert [(r.dimension, r.status, r.text) for r in guideline_rows()] == [
        ("savings", "G", "Savings on track or ahead of schedule"),
        ("savings", "A", "Savings are off track by up to 10%"),
        ("savings", "R", "Savings are off track by more than 10%"),
        ("savings", "NA", "Savings have not yet been defined for this scheme"),
        ("savings", "E", "This scheme has been identified as an enabler"),
        ("milestones", "G", "Action plan development and/or milestones are on target"),
        (
            "milestones",
            "A",
            "There are minor delays in the action plan milestones of up to 30 days",
        ),
        (
            "milestones",
            "R",
            "There are action plan milestones delayed more than 30 days / BP delayed",
        ),
        ("milestones", "NA", "Scheme not yet due to start"),
        ("finance", "G", "Costs are on target"),
        (
            "finance",
            "A",
            "There is likely to be an overspend / underspend of up to 10% of the agreed budget",
        ),
        (
            "finance",
            "R",
            "It is highly likely there will be an overspend / underspend greater than 10% "
            "of the agreed budget",
        ),
        ("finance", "NA", "Budget not set for current financial year"),
        ("metrics", "G", "Assessed impact on primary metric(s) is on track"),
        (
            "metrics",
            "A",
            "It is likely there will be a negative impact on the primary metric(s) of up to 10%",
        ),
        (
            "metrics",
            "R",
            "It is highly likely there will be a negative impact on the primary metric(s) "
            "greater than 10%",
        ),
        ("metrics", "NA", "Contribution to metrics not yet developed"),
        ("metrics", "E", "This scheme has been identified as an enabler"),
    ]
