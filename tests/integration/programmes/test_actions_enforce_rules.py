"""The programme actions enforce the RAG rules themselves, with the messages the forms show:
whatever calls them (a form, the API, the CLI, a test), nothing breaking the rules is saved."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bettercare.web.programmes.actions import (
    ActionError,
    DimensionReturn,
    programme_status_save,
    scheme_return_save,
)
from bettercare.web.programmes.models import (
    Area,
    ProgrammeStatus,
    ReportingPeriod,
    Scheme,
    SchemeStatus,
)
from bettercare.web.programmes.period_views import ProgrammeStatusForm
from bettercare.web.programmes.returns import SchemeReturnForm
from tests.factories import make_area, make_period, make_scheme

pytestmark = pytest.mark.django_db

GREEN_RETURN = {
    "savings_status": "G",
    "milestones_status": "G",
    "finance_status": "G",
    "metrics_status": "G",
}


@pytest.fixture
def kent() -> Area:
    return make_area()


@pytest.fixture
def scheme(kent: Area) -> Scheme:
    return make_scheme(kent)


def form_errors(scheme: Scheme, **fields: Any) -> dict[str, list[str]]:
    form = SchemeReturnForm({**GREEN_RETURN, **fields}, scheme=scheme)
    assert not form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def action_error(scheme: Scheme, dimension: str, values: DimensionReturn) -> str:
    period = ReportingPeriod.objects.filter(area=scheme.area).first() or make_period(scheme.area)
    with pytest.raises(ActionError) as raised:
        scheme_return_save(
            scheme=scheme,
            period=period,
            dimensions={"savings": DimensionReturn(status="G"), dimension: values},
            seen_versions={},
            by=None,
        )
    assert not SchemeStatus.objects.exists()  # nothing saved, not even the good dimension
    return str(raised.value)


def test_scheme_return_refuses_amber_without_commentary_as_the_form_does(
    scheme: Scheme,
) -> None:
    message = (
        "Enter exception commentary for finance: Amber needs it. "
        "Say what is off track and what is being done about it."
    )
    assert form_errors(scheme, finance_status="A", finance_commentary=" ") == {
        "finance_commentary": [message]
    }
    assert action_error(scheme, "finance", DimensionReturn(status="A", commentary=" ")) == message


def test_scheme_return_refuses_red_metrics_without_commentary(scheme: Scheme) -> None:
    message = (
        "Enter exception commentary for impact on metrics: Red needs it. "
        "Say what is off track and what is being done about it."
    )
    assert form_errors(scheme, metrics_status="R") == {"metrics_commentary": [message]}
    assert action_error(scheme, "metrics", DimensionReturn(status="R")) == message


def test_scheme_return_refuses_a_status_not_on_the_list(scheme: Scheme) -> None:
    message = "Select a status for savings from the list"
    # An enabler status for a scheme that is not an enabler, and a word that is no status.
    assert form_errors(scheme, savings_status="E") == {"savings_status": [message]}
    assert action_error(scheme, "savings", DimensionReturn(status="E")) == message
    assert action_error(scheme, "savings", DimensionReturn(status="Green")) == message


def test_scheme_return_refuses_not_yet_started_without_a_start_date(scheme: Scheme) -> None:
    message = "Enter the date the scheme will start, as it is not yet due to start"
    assert form_errors(scheme, milestones_status="NA") == {"start_date": [message]}
    assert action_error(scheme, "milestones", DimensionReturn(status="NA")) == message


def test_scheme_return_refuses_an_unknown_dimension(scheme: Scheme) -> None:
    assert action_error(scheme, "budget", DimensionReturn(status="G")) == (
        "There is no dimension 'budget': use one of savings, milestones, finance, metrics."
    )


def test_scheme_return_saves_what_the_rules_allow(scheme: Scheme) -> None:
    scheme.enabler = True
    scheme.save()
    period = make_period(scheme.area, "2017-08")
    saved = scheme_return_save(
        scheme=scheme,
        period=period,
        dimensions={
            "savings": DimensionReturn(status="E"),
            "milestones": DimensionReturn(status="NA", start_date=date(2017, 10, 1)),
            "finance": DimensionReturn(status="A", commentary="Agency costs; recovery agreed."),
            "metrics": DimensionReturn(status="E"),
        },
        seen_versions={},
        by=None,
    )
    assert sorted((s.dimension, s.status) for s in saved) == [
        ("finance", "A"),
        ("metrics", "E"),
        ("milestones", "NA"),
        ("savings", "E"),
    ]


def programme_form_errors(**fields: str) -> dict[str, list[str]]:
    data = {"plan_status": "G", "benefits_status": "G", "budget_status": "G", **fields}
    form = ProgrammeStatusForm(data)
    assert not form.is_valid()
    return {name: list(errors) for name, errors in form.errors.items()}


def programme_action_error(kent: Area, statuses: dict[str, tuple[str, str]]) -> str:
    period = make_period(kent, "2017-08")
    with pytest.raises(ActionError) as raised:
        programme_status_save(
            period=period,
            statuses={"plan": ("G", ""), **statuses},
            seen_versions={},
            by=None,
        )
    assert not ProgrammeStatus.objects.exists()
    return str(raised.value)


def test_programme_status_refuses_amber_without_a_summary_as_the_form_does(kent: Area) -> None:
    message = "Enter a summary for budget: Amber and Red need one"
    assert programme_form_errors(budget_status="A", budget_summary="  ") == {
        "budget_summary": [message]
    }
    assert programme_action_error(kent, {"budget": ("A", "  ")}) == message


def test_programme_status_refuses_a_status_other_than_green_amber_or_red(kent: Area) -> None:
    message = "Select a status for benefits from the list"
    assert programme_form_errors(benefits_status="NA") == {"benefits_status": [message]}
    assert programme_action_error(kent, {"benefits": ("NA", "")}) == message


def test_programme_status_saves_red_with_a_summary(kent: Area) -> None:
    period = make_period(kent, "2017-08")
    saved = programme_status_save(
        period=period,
        statuses={"plan": ("R", "Two schemes late."), "budget": ("G", "")},
        seen_versions={},
        by=None,
    )
    assert [(s.dimension, s.status, s.summary) for s in saved] == [
        ("plan", "R", "Two schemes late."),
        ("budget", "G", ""),
    ]
