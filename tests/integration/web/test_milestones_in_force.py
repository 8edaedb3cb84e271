"""Milestones of a plan year not yet in force are not listed or counted (ADR 0111).

The bug: the August 2017 highlight report listed the 2026-27 plan's milestones as "22 days
late". Every place that lists or counts milestones for a month asks core's one rule.
"""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.web.alerts.rules import milestone_events
from tests.factories import (
    KENT,
    make_area,
    make_milestone,
    make_period,
    make_region,
    make_scheme,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-08")
    scheme = make_scheme(kent, "BCF 7", "Integrated neighbourhood teams")
    make_milestone(kent, "PM01", title="BCF plan submitted", baseline=date(2017, 9, 11))
    make_milestone(
        kent,
        "M26-04",
        title="Neighbourhood team live",
        scheme=scheme,
        baseline=date(2026, 9, 30),
        revised=date(2026, 10, 22),
    )
    make_milestone(
        kent,
        "M16-01",
        title="Last year's plan agreed",
        baseline=date(2016, 4, 30),
        completed=date(2016, 4, 28),
    )
    make_milestone(
        kent, "M16-02", title="Carried over review", scheme=scheme, baseline=date(2017, 3, 31)
    )
    client.force_login(make_user("viewer", (kent, "viewer")))
    return kent


def test_the_august_2017_highlight_lists_only_the_plan_in_force(client, world):
    text = text_of(client.get(f"/areas/{KENT}/", {"period": "2017-08"}))
    assert "BCF plan submitted" in text
    assert "Carried over review" in text  # an earlier year's, still open
    assert "Neighbourhood team live" not in text
    assert "22 days late" not in text
    assert "Last year's plan agreed" not in text  # done before 2017-18 began


def test_the_milestone_page_and_the_api_use_the_same_rule(client, world):
    page = text_of(client.get(f"/areas/{KENT}/milestones/", {"period": "2017-08"}))
    assert "Neighbourhood team live" not in page
    assert "BCF plan submitted" in page
    refs = [m["ref"] for m in client.get(f"/api/areas/{KENT}/milestones").json()]
    assert sorted(refs) == ["M16-02", "PM01"]


def test_the_slipped_milestone_alert_ignores_a_later_years_plan(world):
    events = milestone_events({world.pk: world}, date(2017, 8, 31))
    assert [e.key for e in events] == [f"milestone_slipped:{KENT}:M16-02:2017-03-31"]
    later = milestone_events({world.pk: world}, date(2026, 12, 4))
    assert f"milestone_slipped:{KENT}:M26-04:2026-09-30" in [e.key for e in later]
