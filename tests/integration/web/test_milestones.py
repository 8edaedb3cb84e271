"""The milestone plan: timeline and table, and the edit form with its checks."""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.web.programmes.models import Milestone
from tests.factories import (
    KENT,
    make_area,
    make_milestone,
    make_period,
    make_region,
    make_scheme,
    make_user,
)
from tests.integration.web.html import charts, count_queries, error_summary, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/milestones/"


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    make_period(kent, "2017-08")
    lead = make_user("lead", (kent, "scheme_lead"))
    scheme = make_scheme(kent, "BCF 1", "Rapid response", leads=[lead])
    other = make_scheme(kent, "BCF 2", "Care homes")
    on_time = make_milestone(kent, "M1", title="Business case approved", baseline=date(2017, 9, 30))
    late = make_milestone(
        kent,
        "M2",
        title="Recruit the team",
        scheme=scheme,
        baseline=date(2017, 6, 30),
        revised=date(2017, 10, 31),
    )
    done = make_milestone(
        kent,
        "M3",
        title="Service live",
        scheme=other,
        baseline=date(2017, 5, 1),
        completed=date(2017, 5, 20),
    )
    manager = make_user("manager", (kent, "programme_manager"))
    viewer = make_user("viewer", (kent, "viewer"))
    return {
        "kent": kent,
        "region": region,
        "on_time": on_time,
        "late": late,
        "done": done,
        "manager": manager,
        "lead": lead,
        "viewer": viewer,
    }


def form(milestone: Milestone, **changes: str) -> dict[str, str]:
    data = {
        "revised_date": milestone.revised_date.isoformat() if milestone.revised_date else "",
        "completed_date": milestone.completed_date.isoformat() if milestone.completed_date else "",
        "comments": milestone.comments,
        "version": str(milestone.version),
    }
    return {**data, **changes}


def test_the_plan_shows_a_timeline_and_each_milestone_with_its_status(client, world):
    client.force_login(world["viewer"])

    response = client.get(PAGE)

    assert response.status_code == 200
    [timeline] = charts(response)
    assert timeline["title"] == "Kent milestones at the end of August 2017"
    assert [row[0] for row in timeline["rows"][1:]] == ["M3", "M2", "M1"]
    text = text_of(response)
    # M2: baseline 30 June, revised 31 October: 123 days of slippage, so Red.
    assert "M2 Recruit the team BCF 1 30 Jun 2017 31 Oct 2017 – 123 Red" in text
    assert "M3 Service live BCF 2 1 May 2017 – 20 May 2017 19 Complete" in text  # 19 days late
    assert "M1 Business case approved Programme 30 Sep 2017 – – 0 Green" in text
    assert "3 milestones, 1 late" in text
    assert "/milestones/" in response.content.decode()
    assert "Edit" not in text  # a viewer may not change them


def test_edit_links_follow_who_may_edit(client, world):
    client.force_login(world["lead"])
    html = client.get(PAGE).content.decode()
    assert f'href="{PAGE}{world["late"].pk}/"' in html  # the lead's scheme
    assert f'href="{PAGE}{world["done"].pk}/"' not in html  # someone else's scheme
    assert f'href="{PAGE}{world["on_time"].pk}/"' not in html  # a programme milestone

    client.force_login(world["manager"])
    html = client.get(PAGE).content.decode()
    assert all(f'href="{PAGE}{world[m].pk}/"' in html for m in ("late", "done", "on_time"))


def test_a_scheme_lead_updates_a_milestone_of_their_scheme(client, world):
    late = world["late"]
    client.force_login(world["lead"])
    page = client.get(f"{PAGE}{late.pk}/")
    assert page.status_code == 200
    assert f'href="/areas/{KENT}/history/milestone/{late.pk}/"' in page.content.decode()

    response = client.post(
        f"{PAGE}{late.pk}/",
        form(late, revised_date="2017-11-15", completed_date="2017-08-20", comments="Recruited"),
    )

    assert response.status_code == 302
    assert response["Location"] == PAGE
    late.refresh_from_db()
    assert (late.revised_date, late.completed_date, late.comments) == (
        date(2017, 11, 15),
        date(2017, 8, 20),
        "Recruited",
    )
    assert late.version == 2
    record = late.history.first()
    assert record.history_user == world["lead"]
    assert record.history_change_reason == "milestone updated"
    assert "Milestone M2 is saved." in text_of(client.get(PAGE))


def test_an_invalid_date_is_400_with_the_error_summary_naming_the_field(client, world):
    late = world["late"]
    client.force_login(world["manager"])

    response = client.post(f"{PAGE}{late.pk}/", form(late, revised_date="31/13/2017"))

    assert response.status_code == 400
    assert error_summary(response) == [
        ("#revised_date", "Enter the revised date as a real date, like 2018-01-31")
    ]
    late.refresh_from_db()
    assert late.version == 1


def test_a_completed_date_in_the_future_is_refused(client, world):
    late = world["late"]
    client.force_login(world["manager"])
    response = client.post(f"{PAGE}{late.pk}/", form(late, completed_date="2999-01-01"))
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#completed_date", "The completed date must be today or in the past")
    ]


def test_a_stale_edit_is_409_saves_nothing_and_shows_both_versions(client, world):
    late = world["late"]
    opened = form(late)  # the lead opens the form at version 1
    client.force_login(world["manager"])
    saved = client.post(f"{PAGE}{late.pk}/", form(late, comments="Manager's note"))
    assert saved.status_code == 302

    client.force_login(world["lead"])
    response = client.post(f"{PAGE}{late.pk}/", {**opened, "comments": "Lead's note"})

    assert response.status_code == 409
    text = text_of(response)
    assert "This was changed by Manager after you opened it" in text
    assert "What you entered (not saved)" in text
    assert "Lead's note" in text
    html = response.content.decode()
    assert "Manager&#39;s note</textarea>" in html  # the form now holds the saved values
    assert 'name="version" value="2"' in html
    late.refresh_from_db()
    assert (late.comments, late.version) == ("Manager's note", 2)


def test_a_viewer_may_not_edit(client, world):
    late = world["late"]
    client.force_login(world["viewer"])
    assert client.get(f"{PAGE}{late.pk}/").status_code == 403
    assert client.post(f"{PAGE}{late.pk}/", form(late, comments="No")).status_code == 403
    late.refresh_from_db()
    assert late.version == 1


def test_a_scheme_lead_may_not_edit_another_schemes_milestone(client, world):
    done, on_time = world["done"], world["on_time"]
    client.force_login(world["lead"])
    assert client.post(f"{PAGE}{done.pk}/", form(done, comments="Not mine")).status_code == 403
    assert client.post(f"{PAGE}{on_time.pk}/", form(on_time, comments="No")).status_code == 403
    done.refresh_from_db()
    assert done.comments == ""


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for path in (PAGE, f"{PAGE}{world['late'].pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_in_the_area_is_forbidden(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    client.force_login(make_user("stranger", (elsewhere, "programme_manager")))
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}{world['late'].pk}/").status_code == 403


def test_unknown_areas_and_milestones_are_not_found(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    theirs = make_milestone(elsewhere, "S1")
    client.force_login(world["manager"])
    assert client.get("/areas/E99999999/milestones/").status_code == 404
    assert client.get(f"{PAGE}999999/").status_code == 404
    assert client.get(f"{PAGE}{theirs.pk}/").status_code == 404  # not Kent's


def test_the_number_of_queries_does_not_grow_with_the_milestones(client, world):
    client.force_login(world["lead"])
    small = count_queries(client, PAGE)
    kent = world["kent"]
    schemes = [make_scheme(kent, f"BCF {n}", f"Scheme {n}") for n in range(3, 8)]
    for n in range(20):
        make_milestone(kent, f"X{n}", scheme=schemes[n % 5], baseline=date(2017, 1 + n % 12, 1))
    assert count_queries(client, PAGE) == small
