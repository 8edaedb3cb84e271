"""The ``period`` parameter is parsed once, at the edge, the same way for every operation."""

from datetime import date

import pytest

from tests.factories import make_milestone, make_period, make_scheme, make_user

pytestmark = pytest.mark.django_db

OPERATIONS = ("metrics", "schemes", "milestones")


@pytest.fixture
def viewer(client, areas):
    make_period(areas.leicestershire, "2017-07")
    make_period(areas.leicestershire, "2017-08")
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    return client


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_malformed_period_is_422_naming_the_parameter(viewer, operation):
    response = viewer.get(f"/api/areas/E10000018/{operation}", {"period": "2017-8"})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("period: ")
    assert "2017-8" in response.json()["detail"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_month_outside_the_plan_is_404_with_the_same_sentence(viewer, operation):
    response = viewer.get(f"/api/areas/E10000018/{operation}", {"period": "2099-01"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("Leicestershire (E10000018) reports months from ")
    assert detail.endswith("; got 2099-01")


def test_the_month_asked_for_reaches_the_answer_as_that_month(viewer, areas):
    make_scheme(areas.leicestershire, "BCF 1", "Rapid response")
    make_milestone(areas.leicestershire, "M1", baseline=date(2017, 6, 30))
    schemes = viewer.get("/api/areas/E10000018/schemes", {"period": "2017-07"})
    assert schemes.status_code == 200
    assert [(s["ref"], s["period"]) for s in schemes.json()] == [("BCF 1", "2017-07")]
    milestones = viewer.get("/api/areas/E10000018/milestones", {"period": "2017-07"})
    assert [(m["ref"], m["as_at"], m["slippage_days"]) for m in milestones.json()] == [
        ("M1", "2017-07-31", 31)
    ]
