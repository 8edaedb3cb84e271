"""The period workflow through the pages: missing returns, submit, sign off, reopen, open the
next month, and the overall programme status form.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.utils import timezone

from bettercare.web.programmes.models import ProgrammeStatus, ReportingPeriod, SchemeStatus
from tests.factories import (
    KENT,
    make_area,
    make_period,
    make_programme_status,
    make_region,
    make_scheme,
    make_scheme_status,
    make_user,
)
from tests.integration.pages.forms import form_fields, return_post
from tests.integration.web.html import error_summary, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/periods/"
AUGUST = f"{PAGE}?period=2017-08"


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-07", state="signed_off")
    august = make_period(kent, "2017-08")
    manager = make_user("manager", (kent, "programme_manager"))
    complete = make_scheme(kent, "BCF 1", "Rapid response")
    partial = make_scheme(kent, "BCF 2", "Care homes")
    missing = make_scheme(kent, "BCF 3", "Falls prevention")
    for dimension in ("savings", "milestones", "finance", "metrics"):
        make_scheme_status(complete, august, dimension, "G")
    make_scheme_status(partial, august, "savings", "G")
    return {
        "kent": kent,
        "august": august,
        "manager": manager,
        "viewer": make_user("viewer", (kent, "viewer")),
        "schemes": (complete, partial, missing),
    }


def state(month: str = "2017-08-01") -> str:
    return ReportingPeriod.objects.get(area__code=KENT, month=month).state


def complete_the_returns(client, world) -> None:
    august = world["august"]
    for scheme in world["schemes"][1:]:
        url = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
        assert client.post(url, return_post(scheme, august)).status_code == 302


def test_the_missing_returns_are_listed_with_their_gaps(client, world):
    client.force_login(world["viewer"])

    response = client.get(AUGUST)

    assert response.status_code == 200
    text = text_of(response)
    assert "August 2017: Open" in text
    assert (
        "Returns missing (2 of 3 schemes) BCF 2: Care homes – milestones, finance, metrics "
        "BCF 3: Falls prevention – savings, milestones, finance, metrics"
    ) in text
    html = response.content.decode()
    partial = world["schemes"][1]
    assert f'href="/areas/{KENT}/schemes/{partial.pk}/return/2017-08/"' in html
    # A viewer sees the workflow but has no buttons for it.
    assert "Submit August 2017" not in text
    assert "Save programme status" not in text


def test_the_latest_period_is_shown_by_default(client, world):
    client.force_login(world["manager"])
    text = text_of(client.get(PAGE))
    assert "August 2017: Open" in text
    assert "Submit August 2017" in text
    assert "Open a month for returns" in text
    assert "September 2017" in text


def test_submit_is_refused_while_returns_are_missing(client, world):
    client.force_login(world["manager"])

    response = client.post(f"{PAGE}2017-08/submit/")

    assert response.status_code == 302
    assert response["Location"] == AUGUST
    assert state() == "open"
    text = text_of(client.get(AUGUST))
    assert (
        "Error: August 2017 cannot be submitted: 2 scheme(s) have returns missing (BCF 2, BCF 3)."
    ) in text


def test_submit_sign_off_and_the_period_is_read_only(client, world):
    client.force_login(world["manager"])
    complete_the_returns(client, world)
    assert "All 3 schemes have returned all four statuses." in text_of(client.get(AUGUST))

    response = client.post(f"{PAGE}2017-08/submit/")

    assert response["Location"] == AUGUST
    assert state() == "submitted"
    page = client.get(AUGUST)
    text = text_of(page)
    assert "August 2017 is submitted." in text
    assert "August 2017: Submitted" in text
    assert "Sign off August 2017" in text
    assert "Reopen August 2017" in text
    assert "Save programme status" not in text  # the form is closed with the period

    response = client.post(f"{PAGE}2017-08/sign-off/")

    assert response["Location"] == AUGUST
    assert state() == "signed_off"
    period = ReportingPeriod.objects.get(area__code=KENT, month=date(2017, 8, 1))
    assert (period.submitted_by, period.signed_off_by) == (world["manager"], world["manager"])
    text = text_of(client.get(AUGUST))
    assert "August 2017 is signed off." in text
    assert "August 2017: Signed off" in text
    assert "Sign off August 2017" not in text
    assert "Reopen August 2017" not in text
    today = timezone.localdate(period.signed_off_at)
    assert f"{today.day} {today:%b %Y} by Manager" in text

    # The returns are read-only now: the form is shown disabled and a POST changes nothing.
    scheme = world["schemes"][0]
    url = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
    assert "August 2017 is signed off, so this return can no longer be changed." in text_of(
        client.get(url)
    )
    response = client.post(
        url, return_post(scheme, period, savings_status="R", savings_commentary="x")
    )
    assert response.status_code == 409
    assert SchemeStatus.objects.get(scheme=scheme, period=period, dimension="savings").status == "G"

    # And a signed-off period cannot be reopened.
    response = client.post(f"{PAGE}2017-08/reopen/")
    assert state() == "signed_off"
    assert "August 2017 is signed off; only a submitted period can be reopened." in text_of(
        client.get(AUGUST)
    )


def test_submitted_and_signed_off_dates_are_uk_dates(client, world):
    """Signed off at 23:30 UTC on 31 August is 00:30 on 1 September in the UK (BST)."""
    late_night = datetime(2017, 8, 31, 23, 30, tzinfo=UTC)
    ReportingPeriod.objects.filter(area__code=KENT, month=date(2017, 7, 1)).update(
        submitted_at=late_night,
        submitted_by=world["manager"],
        signed_off_at=late_night,
        signed_off_by=world["manager"],
    )
    client.force_login(world["manager"])

    text = text_of(client.get(AUGUST))

    assert "July 2017 Signed off 1 Sep 2017 by Manager 1 Sep 2017 by Manager" in text


def test_a_submitted_period_can_be_reopened_and_changed_again(client, world):
    client.force_login(world["manager"])
    complete_the_returns(client, world)
    client.post(f"{PAGE}2017-08/submit/")

    response = client.post(f"{PAGE}2017-08/reopen/")

    assert response["Location"] == AUGUST
    assert state() == "open"
    assert "August 2017 is reopened." in text_of(client.get(AUGUST))
    scheme = world["schemes"][2]
    url = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
    data = return_post(scheme, world["august"], savings_status="A", savings_commentary="Late")
    assert client.post(url, data).status_code == 302


def test_signing_off_an_open_period_is_refused(client, world):
    client.force_login(world["manager"])
    client.post(f"{PAGE}2017-08/sign-off/")
    assert state() == "open"
    assert "August 2017 is open; only a submitted period can be signed off." in text_of(
        client.get(AUGUST)
    )


def test_open_the_next_month(client, world):
    client.force_login(world["manager"])

    response = client.post(f"{PAGE}2017-09/open/")

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?period=2017-09"
    assert state("2017-09-01") == "open"
    page = client.get(response["Location"])
    text = text_of(page)
    assert "September 2017 is open for returns." in text
    assert "September 2017: Open" in text
    assert "Returns missing (3 of 3 schemes)" in text
    assert "October 2017" in text
    record = ReportingPeriod.objects.get(area__code=KENT, month=date(2017, 9, 1)).history.get()
    assert (record.history_user, record.history_change_reason) == (
        world["manager"],
        "opened September 2017",
    )
    # Opening it again changes nothing.
    client.post(f"{PAGE}2017-09/open/")
    assert ReportingPeriod.objects.filter(area__code=KENT).count() == 3


@pytest.mark.parametrize(
    "path", ["2017-13/open/", "2017-08/publish/", "September/open/", "2016-01/submit/"]
)
def test_a_malformed_month_unknown_period_or_unknown_action_is_404(client, world, path):
    client.force_login(world["manager"])
    before = sorted(ReportingPeriod.objects.values_list("month", "state"))
    assert client.post(f"{PAGE}{path}").status_code == 404
    assert sorted(ReportingPeriod.objects.values_list("month", "state")) == before


@pytest.mark.parametrize("text", ["2017-13", "nonsense", "2030-01"])
def test_a_malformed_or_unknown_period_query_is_404(client, world, text):
    client.force_login(world["manager"])
    assert client.get(f"{PAGE}?period={text}").status_code == 404


# -- the overall programme status ------------------------------------------------------------


def programme_form(*, versions: bool = True, **changes: str) -> dict[str, str]:
    """All Green, with ``changes``; ``versions=False`` to keep the versions a page gave."""
    data = {}
    for dimension in ("plan", "benefits", "budget"):
        data[f"{dimension}_status"] = "G"
        data[f"{dimension}_summary"] = ""
        if versions:
            data[f"{dimension}_version"] = "0"
    return {**data, **changes}


def test_amber_without_a_summary_shows_the_error_summary_and_saves_nothing(client, world):
    client.force_login(world["manager"])

    response = client.post(AUGUST, programme_form(budget_status="A", plan_status=""))

    assert error_summary(response) == [
        ("#plan_status", "Select a status for plan"),
        ("#budget_summary", "Enter a summary for budget: Amber and Red need one"),
    ]
    assert not ProgrammeStatus.objects.exists()


def test_a_valid_programme_status_is_saved_with_history(client, world):
    client.force_login(world["manager"])
    data = programme_form(
        plan_status="A", plan_summary="Section 75 agreement is late", budget_status="R"
    )
    data["budget_summary"] = "Savings well behind plan"

    response = client.post(AUGUST, data)

    assert response.status_code == 302
    assert response["Location"] == AUGUST
    saved = {s.dimension: s for s in ProgrammeStatus.objects.filter(period=world["august"])}
    assert {d: (s.status, s.summary, s.version) for d, s in saved.items()} == {
        "plan": ("A", "Section 75 agreement is late", 1),
        "benefits": ("G", "", 1),
        "budget": ("R", "Savings well behind plan", 1),
    }
    record = saved["plan"].history.get()
    assert record.history_user == world["manager"]
    assert record.history_change_reason == "August 2017 programme status"
    text = text_of(client.get(AUGUST))
    assert "The programme status for August 2017 is saved." in text
    overview_statuses = text_of(client.get(f"/areas/{KENT}/"))
    assert "Plan Amber" in overview_statuses
    assert "Section 75 agreement is late" in overview_statuses


def test_the_programme_status_of_a_closed_period_is_shown_not_edited(client, world):
    make_programme_status(
        ReportingPeriod.objects.get(area__code=KENT, month=date(2017, 7, 1)),
        plan="G",
        benefits="A",
        budget="R",
    )
    client.force_login(world["manager"])
    page = client.get(f"{PAGE}?period=2017-07")
    text = text_of(page)
    assert "Plan: Green Benefits: Amber Budget: Red" in text
    assert "Save programme status" not in text

    response = client.post(
        f"{PAGE}?period=2017-07",
        programme_form(plan_version="1", benefits_version="1", budget_version="1"),
    )

    assert "July 2017 is signed off, so its returns can no longer be changed." in text_of(response)
    assert set(ProgrammeStatus.objects.values_list("status", flat=True)) == {"G", "A", "R"}
    assert ProgrammeStatus.objects.get(dimension="budget").status == "R"


def test_a_stale_programme_status_is_refused_with_a_message(client, world):
    client.force_login(world["manager"])
    colleague = Client()
    colleague.force_login(make_user("deputy", (world["kent"], "programme_manager")))
    mine = form_fields(client.get(AUGUST), "plan_version")
    theirs = form_fields(colleague.get(AUGUST), "plan_version")
    theirs.update(programme_form(versions=False, plan_status="R", plan_summary="Plan rejected"))
    assert colleague.post(AUGUST, theirs).status_code == 302

    mine.update(
        programme_form(versions=False, benefits_status="A", benefits_summary="Benefits slipping")
    )
    response = client.post(AUGUST, mine)

    assert response.status_code == 409
    assert (
        "The programme status was changed by Deputy after you opened it, so your "
        "changes have not been saved. Check theirs, shown below, and save again."
    ) in text_of(response)
    saved = {s.dimension: (s.status, s.summary) for s in ProgrammeStatus.objects.all()}
    assert saved["plan"] == ("R", "Plan rejected")
    assert saved["benefits"] == ("G", "")


def test_after_a_stale_programme_status_saving_again_from_the_page_goes_through(client, world):
    """Saving again from the page shown after the stale-edit message must be possible.

    The page says "Check theirs and save again"; like the scheme return, the form shown
    after the refusal should carry the versions now saved, so a second save succeeds.
    """
    client.force_login(world["manager"])
    colleague = Client()
    colleague.force_login(make_user("deputy", (world["kent"], "programme_manager")))
    mine = form_fields(client.get(AUGUST), "plan_version")
    theirs = form_fields(colleague.get(AUGUST), "plan_version")
    theirs.update(programme_form(versions=False, plan_status="R", plan_summary="Plan rejected"))
    colleague.post(AUGUST, theirs)
    mine.update(
        programme_form(versions=False, benefits_status="A", benefits_summary="Benefits slipping")
    )
    refused = client.post(AUGUST, mine)

    resubmitted = form_fields(refused, "plan_version")
    again = client.post(AUGUST, resubmitted)

    assert "after you opened it" not in text_of(again), resubmitted
    assert again.status_code == 302
    assert ProgrammeStatus.objects.get(dimension="benefits").status == "A"
