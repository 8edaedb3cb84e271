"""Per-metric commentary: entered by the programme manager on the metric page, with history
and optimistic versioning, and shown wherever the metric is (dashboard, pages, contract)."""

from __future__ import annotations

import pytest

from bettercare.core.periods import Month
from bettercare.web.performance.actions import COMMENTARY_MAX, metric_commentary_save
from bettercare.web.performance.models import MetricCommentary
from bettercare.web.programmes.actions import ActionError, StaleEditError
from tests.factories import (
    KENT,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_target,
    make_user,
)
from tests.integration.web.html import error_summary, text_of

pytestmark = pytest.mark.django_db

AUGUST = Month(2017, 8)
PAGE = f"/areas/{KENT}/metrics/emergency_admissions/"
EDIT = f"{PAGE}commentary/?period=2017-08"
NOTE = "Admissions fell as the winter plan started early; the falls service took 40 referrals."


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    metric = make_metric(applies_from="2016-17")
    make_monthly_values(kent, metric, [900, 880, 870, 860, 890, 875, 865, 880, 870] * 2)
    make_target(kent, metric, "2017-18", 150.0)
    make_period(kent, "2017-08")
    make_period(kent, "2017-07")
    return {
        "kent": kent,
        "metric": metric,
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
        "lead": make_user("lead", (kent, "scheme_lead")),
    }


def test_the_action_saves_with_history_and_refuses_a_stale_version(world):
    kent, metric, manager = world["kent"], world["metric"], world["manager"]
    saved = metric_commentary_save(
        area=kent, metric=metric, month=AUGUST, commentary=f"  {NOTE}\n", seen_version=0, by=manager
    )
    assert (saved.commentary, saved.version, saved.month) == (NOTE, 1, AUGUST.first_day)
    record = saved.history.first()
    assert record.history_user == manager
    assert record.history_change_reason == "August 2017 commentary on emergency_admissions"

    # The same text again is no change: no new version, no new history.
    again = metric_commentary_save(
        area=kent, metric=metric, month=AUGUST, commentary=NOTE, seen_version=1, by=manager
    )
    assert (again.version, again.history.count()) == (1, 1)

    with pytest.raises(StaleEditError, match="This commentary was changed by"):
        metric_commentary_save(
            area=kent, metric=metric, month=AUGUST, commentary="Late", seen_version=0, by=manager
        )
    with pytest.raises(ActionError, match=f"keep it to {COMMENTARY_MAX:,}"):
        metric_commentary_save(
            area=kent,
            metric=metric,
            month=AUGUST,
            commentary="x" * (COMMENTARY_MAX + 1),
            seen_version=1,
            by=manager,
        )
    # Another month is another commentary.
    july = metric_commentary_save(
        area=kent, metric=metric, month=AUGUST - 1, commentary="July", seen_version=0, by=manager
    )
    assert july.pk != saved.pk
    assert MetricCommentary.objects.get(pk=saved.pk).commentary == NOTE


def test_the_manager_writes_it_on_the_metric_page_and_it_is_shown(client, world):
    client.force_login(world["manager"])
    page = client.get(f"{PAGE}?period=2017-08")
    assert page.status_code == 200
    assert "No commentary for August 2017." in text_of(page)
    html = page.content.decode()
    assert f'action="{EDIT}"' in html
    assert 'name="version" value="0"' in html

    response = client.post(EDIT, {"commentary": NOTE, "version": "0"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?period=2017-08"

    page = client.get(f"{PAGE}?period=2017-08")
    text = text_of(page)
    assert f"Commentary, August 2017 {NOTE}" in text
    assert "The commentary on Non-elective admissions is saved." in text
    assert 'name="version" value="1"' in page.content.decode()
    # July has none: the commentary belongs to its month.
    assert "No commentary for July 2017." in text_of(client.get(f"{PAGE}?period=2017-07"))

    # The metric list and the dashboard show it in the metrics table's commentary column.
    for path in (
        f"/areas/{KENT}/metrics/?period=2017-08",
        f"/areas/{KENT}/dashboard/?period=2017-08",
    ):
        text = text_of(client.get(path))
        assert "Commentary" in text, path
        assert NOTE in text, path
    # The API gives it as the contract's commentary key.
    entries = client.get(f"/api/areas/{KENT}/metrics?period=2017-08").json()
    assert [e["commentary"] for e in entries if e["metric"] == "emergency_admissions"] == [NOTE]
    july = client.get(f"/api/areas/{KENT}/metrics?period=2017-07").json()
    assert [e["commentary"] for e in july if e["metric"] == "emergency_admissions"] == [None]

    # Clearing it removes it everywhere.
    assert client.post(EDIT, {"commentary": "  ", "version": "1"}).status_code == 302
    assert "No commentary for August 2017." in text_of(client.get(f"{PAGE}?period=2017-08"))
    entries = client.get(f"/api/areas/{KENT}/metrics?period=2017-08").json()
    assert [e["commentary"] for e in entries if e["metric"] == "emergency_admissions"] == [None]


def test_a_stale_form_is_409_and_shows_both(client, world):
    client.force_login(world["manager"])
    assert client.post(EDIT, {"commentary": "First", "version": "0"}).status_code == 302
    response = client.post(EDIT, {"commentary": "Second", "version": "0"})
    assert response.status_code == 409
    text = text_of(response)
    assert "Your commentary was not saved" in text
    assert "This commentary was changed by" in text
    assert "What you entered (not saved) Commentary Second" in text
    html = response.content.decode()
    assert "First</textarea>" in html
    assert 'name="version" value="1"' in html
    row = MetricCommentary.objects.get()
    assert (row.commentary, row.version) == ("First", 1)


def test_a_missing_version_is_400_with_its_error(client, world):
    client.force_login(world["manager"])
    response = client.post(EDIT, {"commentary": "No version"})
    assert response.status_code == 400
    assert error_summary(response) == [("#version", "The form was incomplete: open the page again")]
    assert not MetricCommentary.objects.exists()


@pytest.mark.parametrize("user", ["viewer", "lead"])
def test_only_those_who_manage_the_area_may_write_it(client, world, user):
    client.force_login(world[user])
    page = client.get(f"{PAGE}?period=2017-08")
    assert page.status_code == 200
    assert "Save commentary" not in page.content.decode()
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, {"commentary": "No", "version": "0"}).status_code == 403
    assert not MetricCommentary.objects.exists()


def test_an_unknown_metric_is_404(client, world):
    client.force_login(world["manager"])
    response = client.post(
        f"/areas/{KENT}/metrics/no_such_metric/commentary/?period=2017-08",
        {"commentary": "x", "version": "0"},
    )
    assert response.status_code == 404
