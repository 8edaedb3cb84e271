"""The monthly scheme return, through the view: proposals from the RAG guidelines, the checks
on commentary and start dates, saving with history, stale edits and closed periods.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.test import Client

from bettercare.core.rag import DIMENSIONS
from bettercare.web.programmes.models import SchemeStatus
from bettercare.web.programmes.returns import DIMENSION_LABELS
from tests.factories import (
    KENT,
    dtoc_metric,
    make_area,
    make_milestone,
    make_monthly_values,
    make_period,
    make_region,
    make_scheme,
    make_scheme_finance,
    make_target,
    make_user,
)
from tests.integration.pages.forms import form_fields, return_post, saved_return
from tests.integration.web.html import TAG, error_summary, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    august = make_period(kent, "2017-08")
    july = make_period(kent, "2017-07", state="signed_off")
    june = make_period(kent, "2017-06", state="submitted")
    lead = make_user("lead", (kent, "scheme_lead"))
    manager = make_user("manager", (kent, "programme_manager"))
    viewer = make_user("viewer", (kent, "viewer"))
    dtoc = dtoc_metric()
    make_monthly_values(kent, dtoc, [1611], last="2017-08", denominator=546_195)
    make_target(kent, dtoc, "2017-18", 278.57)
    rapid = make_scheme(kent, "BCF 1", "Rapid response", leads=[lead], metrics=[dtoc])
    # Due on 19 August and not done: 12 days late at the end of August.
    make_milestone(kent, "M1", title="Recruit the team", scheme=rapid, baseline=date(2017, 8, 19))
    make_scheme_finance(rapid, "spend", recurrent="80000", non_recurrent="20000")
    make_scheme_finance(rapid, "benefit", recurrent="-120000", non_recurrent="0")
    digital = make_scheme(kent, "BCF 2", "Shared care record", leads=[lead])
    digital.enabler = True
    digital.save()
    falls = make_scheme(kent, "BCF 3", "Falls prevention")
    falls.start_date = date(2017, 10, 2)
    falls.save()
    return {
        "kent": kent,
        "august": august,
        "july": july,
        "june": june,
        "lead": lead,
        "manager": manager,
        "viewer": viewer,
        "rapid": rapid,
        "digital": digital,
        "falls": falls,
    }


def url(scheme, month: str = "2017-08") -> str:
    return f"/areas/{KENT}/schemes/{scheme.pk}/return/{month}/"


def sections(response) -> dict[str, str]:
    """The words of each dimension's part of the form, by its heading."""
    html = response.content.decode()
    starts = [
        html.index(f'<fieldset class="nhsuk-fieldset nhsuk-u-margin-bottom-6" id="{d}">')
        for d in DIMENSIONS
    ]
    starts.append(html.index('id="additional_information"'))
    found = {}
    for index, dimension in enumerate(DIMENSIONS):
        part = html[starts[index] : starts[index + 1]]
        found[DIMENSION_LABELS[dimension]] = re.sub(
            r"\s+", " ", unescape(TAG.sub(" ", part))
        ).strip()
    return found


def radio_values(response, name: str) -> list[str]:
    return re.findall(rf'name="{name}" type="radio" value="([^"]+)"', response.content.decode())


# -- proposals -------------------------------------------------------------------------------


def test_the_form_proposes_statuses_from_the_data_with_the_reasons(client, world):
    client.force_login(world["lead"])

    response = client.get(url(world["rapid"]))

    assert response.status_code == 200
    found = sections(response)
    assert (
        "Proposed from 1 milestone(s) at the end of August 2017: Amber "
        "1 milestone is delayed, by up to 12 days (AMBER is up to 30 days)."
    ) in found["Action plan milestones"]
    assert (
        "No status can be proposed from the data. Enter the forecast outturn to compare it "
        "with the budget of £100,000."
    ) in found["Finance"]
    assert (
        "No status can be proposed from the data. Enter the savings achieved to date to "
        "compare them with the plan of £120,000 for the year."
    ) in found["Savings"]
    assert (
        "Proposed from Delayed transfers of care per 100,000 population: 294.95 against a "
        "target of 278.57: Amber The primary metric is 5.9% worse than expected, a negative "
        "impact of up to 10.0%."
    ) in found["Impact on metrics"]
    # A scheme that is not an enabler cannot be rated E on anything.
    assert radio_values(response, "savings_status") == ["G", "A", "R", "NA"]
    assert radio_values(response, "milestones_status") == ["G", "A", "R", "NA"]
    assert radio_values(response, "finance_status") == ["G", "A", "R", "NA"]
    assert radio_values(response, "metrics_status") == ["G", "A", "R", "NA"]
    assert "BCF 1 return, August 2017" in text_of(response)
    assert not SchemeStatus.objects.exists()


def test_entering_a_forecast_and_savings_proposes_finance_and_savings(client, world):
    client.force_login(world["lead"])
    data = return_post(
        world["rapid"], world["august"], forecast_outturn="£108,000", savings_achieved="40000"
    )

    response = client.post(url(world["rapid"]), {**data, "check": "1"})

    assert response.status_code == 200
    found = sections(response)
    assert (
        "Proposed from the 2017-18 budget of £100,000 and a forecast outturn of £108,000: "
        "Amber There is a forecast overspend of £8,000 (8.0% of the agreed budget), up to 10.0%."
    ) in found["Finance"]
    # £120,000 a year: £50,000 planned by August, the fifth month of the year.
    assert (
        "Proposed from £50,000 planned by the end of August 2017 (£120,000 for the year): Red "
        "Savings are 20.0% behind plan (£40,000 of £50,000), which is off track by more "
        "than 10.0%."
    ) in found["Savings"]
    assert 'value="£108,000"' in response.content.decode()
    assert not SchemeStatus.objects.exists()  # checking saves nothing


def test_an_enabler_may_be_rated_e_on_savings_and_metrics_only(client, world):
    client.force_login(world["lead"])

    response = client.get(url(world["digital"]))

    assert radio_values(response, "savings_status") == ["G", "A", "R", "NA", "E"]
    assert radio_values(response, "metrics_status") == ["G", "A", "R", "NA", "E"]
    assert radio_values(response, "milestones_status") == ["G", "A", "R", "NA"]
    assert radio_values(response, "finance_status") == ["G", "A", "R", "NA"]
    found = sections(response)
    assert (
        "Proposed from an enabler scheme: Enabler The scheme is an enabler, so it has no "
        "savings of its own."
    ) in found["Savings"]
    assert (
        "Proposed from an enabler scheme: Enabler The scheme is an enabler, so it is not "
        "rated on metrics."
    ) in found["Impact on metrics"]
    assert "No milestones are recorded for this scheme." in found["Action plan milestones"]
    assert (
        "Proposed from no budget for 2017-18: N/A The budget is not set for the current "
        "financial year."
    ) in found["Finance"]
    assert 'name="savings_achieved"' not in response.content.decode()


def test_a_scheme_not_yet_started_is_proposed_na_with_its_start_date(client, world):
    client.force_login(world["manager"])

    response = client.get(url(world["falls"]))

    found = sections(response)
    assert "Proposed from the scheme's start date: N/A" in found["Action plan milestones"]
    assert "The scheme is not yet due to start (it starts on " in found["Action plan milestones"]
    assert "October 2017)." in found["Action plan milestones"]


def test_a_status_other_than_the_proposal_asks_why_as_the_workbook_does(client, world):
    """Green where the data propose Amber, with no reason: the guidance says so in the words
    of the workbook's warning (core's override_problem); with commentary it does not."""
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"])

    response = client.post(url(world["rapid"]), {**data, "check": "1"})

    assert response.status_code == 200
    found = sections(response)
    assert (
        "The status is Green but the data propose Amber (from 1 milestone(s) at the end of "
        "August 2017) and no reason is given. Choose the proposed status, or say why not in "
        "the commentary or the additional information."
    ) in found["Action plan milestones"]
    assert "no reason is given" not in found["Finance"]  # nothing proposed without a forecast
    explained = {**data, "check": "1", "milestones_commentary": "Recruited; starts Monday"}
    found = sections(client.post(url(world["rapid"]), explained))
    assert "no reason is given" not in found["Action plan milestones"]


# -- checks ----------------------------------------------------------------------------------


def test_amber_without_commentary_is_400_naming_the_field_and_saves_nothing(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], finance_status="A")

    response = client.post(url(world["rapid"]), data)

    assert response.status_code == 400
    assert error_summary(response) == [
        (
            "#finance_commentary",
            "Enter exception commentary for finance: Amber needs it. Say what is off track "
            "and what is being done about it.",
        )
    ]
    assert "There is a problem" in text_of(response)
    assert not SchemeStatus.objects.exists()
    # What was typed is kept: Amber stays selected for finance.
    assert form_fields(response, "finance_version")["finance_status"] == "A"


def test_na_savings_and_metrics_need_commentary_too(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], savings_status="NA", metrics_status="R")

    response = client.post(url(world["rapid"]), data)

    assert response.status_code == 400
    assert [href for href, _ in error_summary(response)] == [
        "#savings_commentary",
        "#metrics_commentary",
    ]
    assert not SchemeStatus.objects.exists()


def test_every_missing_status_is_named_and_linked(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"])
    for dimension in ("savings", "milestones", "finance", "metrics"):
        del data[f"{dimension}_status"]

    response = client.post(url(world["rapid"]), data)

    assert response.status_code == 400
    assert error_summary(response) == [
        ("#savings_status", "Select a status for savings"),
        ("#milestones_status", "Select a status for action plan milestones"),
        ("#finance_status", "Select a status for finance"),
        ("#metrics_status", "Select a status for impact on metrics"),
    ]


def test_not_yet_due_to_start_needs_a_start_date(client, world):
    client.force_login(world["manager"])
    data = return_post(world["falls"], world["august"], milestones_status="NA")

    response = client.post(url(world["falls"]), data)

    assert response.status_code == 400
    assert error_summary(response) == [
        ("#start_date", "Enter the date the scheme will start, as it is not yet due to start")
    ]
    assert not SchemeStatus.objects.exists()

    response = client.post(url(world["falls"]), {**data, "start_date": "2017-10-02"})

    assert response.status_code == 302
    saved = SchemeStatus.objects.get(scheme=world["falls"], dimension="milestones")
    assert (saved.status, saved.start_date) == ("NA", date(2017, 10, 2))


def test_a_status_the_guidelines_do_not_allow_is_refused(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], finance_status="E")
    response = client.post(url(world["rapid"]), data)
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#finance_status", "Select a status for finance from the list")
    ]


def test_an_amount_that_is_not_money_is_refused(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], forecast_outturn="about a hundred grand")
    response = client.post(url(world["rapid"]), data)
    assert response.status_code == 400
    [(href, words)] = error_summary(response)
    assert href == "#forecast_outturn"
    assert words.startswith("Enter an amount in pounds, like £250,000 (")
    assert not SchemeStatus.objects.exists()


def test_check_against_the_guidelines_shows_errors_without_saving(client, world):
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], milestones_status="R", check="1")

    response = client.post(url(world["rapid"]), data)

    assert response.status_code == 200
    assert error_summary(response) == [
        (
            "#milestones_commentary",
            "Enter exception commentary for action plan milestones: Red needs it. Say what "
            "is off track and what is being done about it.",
        )
    ]
    assert not SchemeStatus.objects.exists()


def test_htmx_recheck_sends_only_each_dimensions_guidance(client, world):
    """The fields are never replaced (what is typed meanwhile is kept): only the guidance."""
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], check="1", milestones_status="A",
                       milestones_commentary="")  # fmt: skip
    response = client.post(url(world["rapid"]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert 'name="savings_status"' not in html
    for dimension in ("savings", "milestones", "finance", "metrics"):
        assert f'<div id="{dimension}-guidance" class="bc-guidance" hx-swap-oob="true">' in html
    assert (
        '<span id="milestones-commentary-label" hx-swap-oob="true">Exception commentary</span>'
    ) in html
    assert "Enter exception commentary for action plan milestones" in html
    assert not SchemeStatus.objects.exists()


# -- saving ----------------------------------------------------------------------------------


def test_a_valid_return_is_saved_with_the_lead_in_the_history(client, world):
    rapid, august = world["rapid"], world["august"]
    client.force_login(world["lead"])
    data = return_post(
        rapid,
        august,
        milestones_status="A",
        milestones_commentary="Recruitment delayed by two weeks",
        finance_status="A",
        finance_commentary="Agency staff cover",
        forecast_outturn="£108,000",
        savings_achieved="£40,000",
        savings_status="R",
        savings_commentary="Savings start in the autumn",
        additional_information="Team fully staffed from September",
    )

    response = client.post(url(rapid), data)

    assert response.status_code == 302
    assert response["Location"] == f"/areas/{KENT}/schemes/{rapid.pk}/"
    assert saved_return(rapid, august) == {
        "savings": ("R", "Savings start in the autumn", 1),
        "milestones": ("A", "Recruitment delayed by two weeks", 1),
        "finance": ("A", "Agency staff cover", 1),
        "metrics": ("G", "", 1),
    }
    rows = {s.dimension: s for s in SchemeStatus.objects.filter(scheme=rapid, period=august)}
    assert rows["finance"].forecast_outturn == Decimal("108000")
    assert rows["savings"].savings_achieved == Decimal("40000")
    assert rows["finance"].savings_achieved is None
    assert {r.additional_information for r in rows.values()} == {
        "Team fully staffed from September"
    }
    for row in rows.values():
        [record] = row.history.all()
        assert record.history_user == world["lead"]
        assert record.history_change_reason == "August 2017 return"
    detail = client.get(response["Location"])
    text = text_of(detail)
    assert "The August 2017 return for BCF 1 is saved." in text
    assert "August 2017 Red Savings start in the autumn Amber Recruitment delayed" in text


def test_saving_again_unchanged_keeps_the_versions(client, world):
    rapid, august = world["rapid"], world["august"]
    client.force_login(world["lead"])
    assert client.post(url(rapid), return_post(rapid, august)).status_code == 302
    assert client.post(url(rapid), return_post(rapid, august)).status_code == 302
    assert {v for _, _, v in saved_return(rapid, august).values()} == {1}


def test_a_stale_edit_is_refused_and_can_be_saved_from_the_refreshed_form(client, world):
    rapid, august = world["rapid"], world["august"]
    client.force_login(world["lead"])
    manager = Client()
    manager.force_login(world["manager"])
    # Both open the form; the manager saves first.
    leads_form = form_fields(client.get(url(rapid)), "finance_version")
    managers_form = form_fields(manager.get(url(rapid)), "finance_version")
    managers_form.update(return_post(rapid, august))
    managers_form.update(finance_status="R", finance_commentary="Overspend on agency staff")
    assert manager.post(url(rapid), managers_form).status_code == 302

    leads_form.update(
        {key: value for key, value in return_post(rapid, august).items() if "version" not in key}
    )
    leads_form.update(metrics_status="A", metrics_commentary="Delays still rising")
    response = client.post(url(rapid), leads_form)

    assert response.status_code == 409
    text = text_of(response)
    assert (
        "Your return was not saved This return was changed by Manager after you opened it, "
        "so your changes have not been saved. Their changes are shown below: check them and "
        "save again."
    ) in text
    # The message is a paragraph, not markup shown as text.
    html = response.content.decode()
    assert '<p class="nhsuk-card__description">This return was changed by Manager' in html
    assert "&lt;p&gt;" not in html
    assert "Saved now: Red Overspend on agency staff" in text
    assert saved_return(rapid, august)["finance"] == ("R", "Overspend on agency staff", 1)
    assert saved_return(rapid, august)["metrics"] == ("G", "", 1)

    refreshed = form_fields(response, "finance_version")
    assert refreshed["metrics_status"] == "A"  # what the lead typed is kept
    assert {refreshed[f"{d}_version"] for d in ("savings", "milestones", "finance", "metrics")} == {
        "1"
    }
    response = client.post(url(rapid), refreshed)

    assert response.status_code == 302
    assert saved_return(rapid, august)["metrics"] == ("A", "Delays still rising", 2)
    assert saved_return(rapid, august)["finance"] == ("G", "", 2)
    record = SchemeStatus.objects.get(scheme=rapid, period=august, dimension="metrics")
    assert record.history.first().history_user == world["lead"]


# -- closed periods and other people's schemes -----------------------------------------------


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("2017-07", "July 2017 is signed off, so its returns can no longer be changed."),
        (
            "2017-06",
            "June 2017 is submitted, so its returns can no longer be changed. Ask the "
            "programme manager to reopen it.",
        ),
    ],
)
def test_a_closed_period_shows_the_return_read_only_and_refuses_a_post(client, world, month, words):
    rapid = world["rapid"]
    period = world["july"] if month == "2017-07" else world["june"]
    client.force_login(world["lead"])

    page = client.get(url(rapid, month))

    assert page.status_code == 200
    label = period.label
    state = "signed off" if month == "2017-07" else "submitted"
    assert f"{label} is {state}, so this return can no longer be changed." in text_of(page)
    html = page.content.decode()
    assert "Save return" not in html
    assert "hx-post" not in html
    assert 'name="savings_status" type="radio" value="G" disabled' in html

    response = client.post(url(rapid, month), return_post(rapid, period))

    assert response.status_code == 409
    assert words in text_of(response)
    assert f'<p class="nhsuk-card__description">{words}' in response.content.decode()
    assert not SchemeStatus.objects.filter(period=period).exists()


def test_a_lead_reads_someone_elses_return_but_cannot_change_it(client, world):
    client.force_login(world["lead"])
    response = client.get(url(world["falls"]))
    assert response.status_code == 200
    assert (
        "You can read this return but not change it: BCF 3 is not one of your schemes."
        in text_of(response)
    )
    assert "Save return" not in response.content.decode()


def test_a_viewer_reads_but_cannot_post(client, world):
    client.force_login(world["viewer"])
    assert client.get(url(world["rapid"])).status_code == 200
    response = client.post(url(world["rapid"]), return_post(world["rapid"], world["august"]))
    assert response.status_code == 403
    assert not SchemeStatus.objects.exists()


def test_a_viewer_named_as_a_schemes_lead_still_cannot_post_its_return(client, world):
    """Completing returns needs the scheme lead role as well as being named on the scheme."""
    world["rapid"].lead_users.add(world["viewer"])
    client.force_login(world["viewer"])
    response = client.post(url(world["rapid"]), return_post(world["rapid"], world["august"]))
    assert response.status_code == 403
    assert not SchemeStatus.objects.exists()


@pytest.mark.parametrize("month", ["2017-13", "August", "2017-8-1", "2016-01"])
def test_a_malformed_or_unknown_month_is_404(client, world, month):
    client.force_login(world["lead"])
    assert client.get(url(world["rapid"], month)).status_code == 404
    response = client.post(url(world["rapid"], month), return_post(world["rapid"], world["august"]))
    assert response.status_code == 404
    assert not SchemeStatus.objects.exists()


def test_an_unknown_scheme_is_404(client, world):
    client.force_login(world["manager"])
    assert client.get(f"/areas/{KENT}/schemes/999999/return/2017-08/").status_code == 404


@pytest.mark.parametrize("amount", ["£1,000,000,000,000", "£12,345,678,901,234.56"])
def test_an_amount_too_large_to_store_is_a_form_error_not_a_crash(client, world, amount):
    """Money is stored with 14 digits (12 before the point): a larger amount is refused."""
    client.force_login(world["lead"])
    data = return_post(world["rapid"], world["august"], forecast_outturn=amount)

    response = client.post(url(world["rapid"]), data)

    assert response.status_code == 400
    assert [href for href, _ in error_summary(response)] == ["#forecast_outturn"]
    assert not SchemeStatus.objects.exists()
