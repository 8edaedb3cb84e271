"""Practice staff assigned outside the admin: by a programme manager of the practice's area."""

from __future__ import annotations

import pytest

from bettercare.web.accounts.models import Role
from bettercare.web.risk.models import Practice, PracticeStaff
from tests.factories import make_area, make_region, make_user
from tests.factories.people import MEDWAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    practice = Practice.objects.create(code="K1", name="Harbour Surgery", area=kent)
    manager = make_user("manager", (kent, Role.PROGRAMME_MANAGER.value))
    return kent, medway, practice, manager


def test_a_programme_manager_adds_and_removes_staff_with_history(client, world):
    _, _, practice, manager = world
    gp = make_user("gp")
    client.force_login(manager)
    url = "/risk/practices/K1/staff/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"username": "gp"})
    assert response.status_code == 302
    staff = PracticeStaff.objects.get(user=gp)
    assert staff.practice == practice
    record = staff.history.get()
    assert (record.history_user, record.history_change_reason) == (manager, "staff of K1")
    page = client.get(url).content.decode()
    assert "Gp (gp)" in page
    assert "staff of K1 by manager" in page
    response = client.post(url, {"remove": str(gp.pk)})
    assert response.status_code == 302
    assert not PracticeStaff.objects.filter(user=gp).exists()
    assert (
        PracticeStaff.history.filter(user_id=gp.pk).latest("history_date").history_change_reason
        == "removed from K1"
    )


def test_an_unknown_username_is_named_on_the_page(client, world):
    _, _, _, manager = world
    client.force_login(manager)
    response = client.post("/risk/practices/K1/staff/", {"username": "nobody"})
    assert response.status_code == 400
    assert "Username &#39;nobody&#39;: there is no such user." in response.content.decode()
    assert not PracticeStaff.objects.exists()


@pytest.mark.parametrize("role", [Role.VIEWER.value, Role.FINANCE_LEAD.value])
def test_others_in_the_area_may_not_assign_staff(client, world, role):
    kent, _, _, _ = world
    make_user("gp")
    client.force_login(make_user("someone", (kent, role)))
    assert client.get("/risk/practices/K1/staff/").status_code == 403
    assert client.post("/risk/practices/K1/staff/", {"username": "gp"}).status_code == 403
    assert not PracticeStaff.objects.exists()


def test_a_manager_of_another_area_may_not_assign_staff(client, world):
    _, medway, _, _ = world
    make_user("gp")
    client.force_login(make_user("other", (medway, Role.PROGRAMME_MANAGER.value)))
    assert client.post("/risk/practices/K1/staff/", {"username": "gp"}).status_code == 403
    assert not PracticeStaff.objects.exists()


def test_removing_someone_not_on_the_staff_is_named(client, world):
    _, _, _, manager = world
    client.force_login(manager)
    for chosen in ("999", "not-a-number"):
        response = client.post("/risk/practices/K1/staff/", {"remove": chosen})
        assert response.status_code == 400
        assert "That user is not on the practice&#39;s staff." in response.content.decode()
