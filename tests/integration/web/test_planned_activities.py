"""The key activity planned over the next three months: written by the programme manager,
grouped as the seed groups it, kept in the history (ADR 0111)."""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.core.periods import Month
from bettercare.web.programmes.actions import (
    ActionError,
    planned_activity_add,
    planned_activity_remove,
)
from bettercare.web.programmes.models import PlannedActivity
from tests.factories import KENT, make_area, make_period, make_region, make_user
from tests.integration.web.html import error_summary, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/activities/"


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    return {
        "kent": kent,
        "august": make_period(kent, "2017-08"),
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def test_the_programme_manager_adds_an_activity_shown_in_its_group(client, world):
    client.force_login(world["manager"])
    response = client.post(
        f"{PAGE}?period=2017-08",
        {"group": "enablers", "text": "  LLR Points of Access – business case completed "},
    )
    assert response.status_code == 302
    activity = PlannedActivity.objects.get()
    assert (activity.group, activity.text, activity.position) == (
        "enablers",
        "LLR Points of Access – business case completed",
        0,
    )
    entry = activity.history.get()
    assert (entry.history_type, entry.history_user, entry.history_change_reason) == (
        "+",
        world["manager"],
        "August 2017 planned activity added",
    )
    overview = text_of(client.get(f"/areas/{KENT}/", {"period": "2017-08"}))
    assert "Enablers LLR Points of Access – business case completed" in overview


def test_a_viewer_may_read_but_not_add(client, world):
    client.force_login(world["viewer"])
    assert client.get(f"{PAGE}?period=2017-08").status_code == 200
    response = client.post(f"{PAGE}?period=2017-08", {"group": "schemes", "text": "Anything"})
    assert response.status_code == 403
    assert not PlannedActivity.objects.exists()


def test_a_blank_activity_or_an_unknown_group_is_refused_with_the_reason(client, world):
    client.force_login(world["manager"])
    blank = client.post(f"{PAGE}?period=2017-08", {"group": "schemes", "text": ""})
    assert blank.status_code == 400
    assert error_summary(blank) == [("#text", "Describe the activity")]
    unknown = client.post(f"{PAGE}?period=2017-08", {"group": "estates", "text": "A review"})
    assert unknown.status_code == 400
    assert error_summary(unknown) == [("#group", "Select the group from the list")]
    assert not PlannedActivity.objects.exists()


def test_removing_keeps_the_history(client, world):
    activity = planned_activity_add(
        period=world["august"], group="programme", text="BCF Quarterly Report to NHSE", by=None
    )
    client.force_login(world["manager"])
    response = client.post(f"/areas/{KENT}/activities/{activity.pk}/remove/")
    assert response.status_code == 302
    assert not PlannedActivity.objects.exists()
    assert [h.history_type for h in PlannedActivity.history.order_by("history_date")] == [
        "+",
        "-",
    ]


def test_activities_are_kept_in_their_order_and_once(world):
    august = world["august"]
    for text in ("First", "Second"):
        planned_activity_add(period=august, group="schemes", text=text, by=None)
    assert list(august.planned_activities.values_list("text", "position")) == [
        ("First", 0),
        ("Second", 1),
    ]
    with pytest.raises(ActionError, match="'First' is already planned in this group"):
        planned_activity_add(period=august, group="schemes", text="First", by=None)
    with pytest.raises(ActionError, match="group must be one of programme, schemes, enablers"):
        planned_activity_add(period=august, group="estates", text="A review", by=None)


def test_a_signed_off_period_can_no_longer_be_changed(world):
    kent = world["kent"]
    july = make_period(kent, "2017-07", state="signed_off")
    with pytest.raises(ActionError, match="July 2017 is signed off"):
        planned_activity_add(period=july, group="schemes", text="Too late", by=None)
    assert not PlannedActivity.objects.exists()
    # The period's own page says so instead of offering the form.
    august = world["august"]
    activity = planned_activity_add(period=august, group="schemes", text="Kept", by=None)
    august.state = "signed_off"
    august.save()
    with pytest.raises(ActionError, match="August 2017 is signed off"):
        planned_activity_remove(activity=activity, by=None)
    assert PlannedActivity.objects.filter(pk=activity.pk).exists()


# -- an activity's month (ADR 0133) ---------------------------------------------------------


def test_the_form_offers_the_three_months_and_records_the_one_chosen(client, world):
    client.force_login(world["manager"])
    page = client.get(f"{PAGE}?period=2017-08").content.decode()
    assert '<option value="" selected>During the three months</option>' in page
    for value, label in (
        ("2017-09", "September 2017"),
        ("2017-10", "October 2017"),
        ("2017-11", "November 2017"),
    ):
        assert f'<option value="{value}">{label}</option>' in page
    response = client.post(
        f"{PAGE}?period=2017-08",
        {"group": "programme", "text": "IBCF Quarterly Report to DCLG", "month": "2017-10"},
    )
    assert response.status_code == 302
    during = client.post(
        f"{PAGE}?period=2017-08", {"group": "programme", "text": "Risk register review"}
    )
    assert during.status_code == 302
    assert list(PlannedActivity.objects.values_list("text", "month")) == [
        ("IBCF Quarterly Report to DCLG", date(2017, 10, 1)),
        ("Risk register review", None),
    ]
    assert "IBCF Quarterly Report to DCLG (October 2017)" in text_of(
        client.get(f"{PAGE}?period=2017-08")
    )
    overview = text_of(client.get(f"/areas/{KENT}/", {"period": "2017-08"}))
    assert "October 2017: IBCF Quarterly Report to DCLG" in overview


def test_a_month_outside_the_three_is_refused_by_the_form(client, world):
    client.force_login(world["manager"])
    response = client.post(
        f"{PAGE}?period=2017-08", {"group": "schemes", "text": "Too late", "month": "2017-12"}
    )
    assert response.status_code == 400
    assert error_summary(response) == [("#month", "Select one of the three months, or none")]
    assert not PlannedActivity.objects.exists()


def test_the_action_refuses_a_month_outside_the_three_in_one_line(world):
    with pytest.raises(ActionError) as refused:
        planned_activity_add(
            period=world["august"], group="schemes", text="A review", month=Month(2017, 8), by=None
        )
    assert str(refused.value) == (
        "The activity's month must be one of the three after August 2017 "
        "(2017-09, 2017-10, 2017-11) or blank, got 2017-08."
    )
    assert not PlannedActivity.objects.exists()
    kept = planned_activity_add(
        period=world["august"], group="schemes", text="A review", month=Month(2017, 11), by=None
    )
    assert kept.month == date(2017, 11, 1)
    assert kept.history.get().month == date(2017, 11, 1)
