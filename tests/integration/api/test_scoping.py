"""The API is scoped like the pages: your areas and those below them; 404 unknown, 403 not yours."""

import pytest

from bettercare.web.accounts.models import User
from tests.factories import (
    bearer,
    make_period,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db

AREA_PATHS = ["metrics", "schemes", "milestones", "activities", "risks", "funding"]


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [area["code"] for area in response.json()]


def test_a_role_in_an_area_sees_it_and_the_areas_below(client, areas):
    client.force_login(make_user("pm", (areas.icb, "programme_manager")))
    assert codes(client.get("/api/areas")) == ["E06000016", "E10000018", "E54000015"]


def test_an_area_answer_has_code_name_type_parent_and_demo_flag(client, areas):
    areas.leicester.is_demo = True
    areas.leicester.save()
    client.force_login(make_user("pm", (areas.icb, "programme_manager")))
    assert client.get("/api/areas").json() == [
        {
            "code": "E06000016",
            "name": "Leicester",
            "type": "HWB",
            "parent": "E54000015",
            "is_demo": True,
        },
        {
            "code": "E10000018",
            "name": "Leicestershire",
            "type": "HWB",
            "parent": "E54000015",
            "is_demo": False,
        },
        {
            "code": "E54000015",
            "name": "Leicester, Leicestershire and Rutland ICB",
            "type": "ICB",
            "parent": "E12000004",
            "is_demo": False,
        },
    ]


@pytest.mark.parametrize("page", AREA_PATHS)
def test_another_area_is_403(client, areas, page):
    make_period(areas.leicestershire, "2017-08")  # schemes need a reporting period
    _, key = make_token(make_user("viewer", (areas.leicestershire, "viewer")))
    assert client.get(f"/api/areas/E10000018/{page}", headers=bearer(key)).status_code == 200

    # A sibling HWB and the ICB above are not the viewer's.
    for code, name in (("E06000016", "Leicester"), ("E54000015", areas.icb.name)):
        response = client.get(f"/api/areas/{code}/{page}", headers=bearer(key))
        assert response.status_code == 403
        assert response.json() == {"detail": f"You do not have access to {name}."}


@pytest.mark.parametrize("page", AREA_PATHS)
def test_an_unknown_area_is_404(client, areas, page):
    client.force_login(User.objects.create_superuser("admin", password="not-used-here"))
    response = client.get(f"/api/areas/E99999999/{page}")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no area E99999999."}


def test_a_regional_lead_sees_every_area_of_the_region_only(client, areas):
    client.force_login(make_user("lead", (areas.midlands, "regional_lead")))
    assert codes(client.get("/api/areas")) == ["E06000016", "E10000018", "E12000004", "E54000015"]
    assert client.get("/api/areas/E10000018/risks").status_code == 200
    assert client.get("/api/areas/E10000015/risks").status_code == 403


def test_an_administrator_sees_all(client, areas):
    admin = User.objects.create_superuser("admin", password="not-used-here")
    _, key = make_token(admin)
    assert codes(client.get("/api/areas", headers=bearer(key))) == sorted(
        area.code for area in areas.all
    )
    assert client.get("/api/areas/E10000015/funding", headers=bearer(key)).status_code == 200


def test_a_user_without_roles_sees_nothing(client, areas):
    client.force_login(make_user("nobody"))
    assert codes(client.get("/api/areas")) == []
    assert client.get("/api/areas/E10000018/risks").status_code == 403


@pytest.mark.parametrize("page", ["metrics", "schemes", "milestones"])
@pytest.mark.parametrize("period", ["2017-8", "2017-13", "August", "2017-08-01"])
def test_a_malformed_period_is_422_naming_the_form(client, areas, page, period):
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    response = client.get(f"/api/areas/E10000018/{page}", {"period": period})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith("period: expected a month as YYYY-MM")
    assert repr(period) in detail


def test_scoping_is_checked_before_the_period(client, areas):
    """Someone else's area is 403 whatever the period, so nothing is learnt from the 422."""
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    response = client.get("/api/areas/E10000015/metrics", {"period": "nonsense"})
    assert response.status_code == 403
