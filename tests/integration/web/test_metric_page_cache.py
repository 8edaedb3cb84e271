"""The cached area pages (ADR 0124) on a real (local memory) cache: the metric page's content is
kept per version of the region's data and per viewer's access, so each viewer still sees only
their areas and their forms, with their own CSRF field, and a write shows at once; a GET reads
each data version once; the period selector follows the area's periods."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bettercare.core.periods import Month
from bettercare.web.accounts.access import Access
from bettercare.web.performance.actions import metric_commentary_save
from bettercare.web.performance.models import MetricCommentary, MetricValue
from bettercare.web.programmes.actions import period_open
from bettercare.web.programmes.versioning import (
    areas_changed,
    data_versions,
    shared_version,
    versions_read_once,
)
from tests.factories import KENT, make_user
from tests.integration.web.html import charts, text_of
from tests.integration.web.test_metrics import DETAIL, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AUGUST = Month(2017, 8)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def people(world):  # noqa: F811 - the fixture imported above
    """test_metrics' region (Kent and Medway under an ICB, Surrey and West Sussex beside
    them), its ICB viewer, a regional lead and the ICB's programme manager."""
    return {
        "viewer": world["viewer"],
        "lead": make_user("lead", (world["region"], "regional_lead")),
        "manager": make_user("manager", (world["kent"].parent, "programme_manager")),
    }


def league_names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    _, league = charts(response)
    return sorted(str(row[0]) for row in league["rows"][1:])  # type: ignore[index]


@override_settings(CACHES=LOCMEM)
def test_each_viewer_sees_only_their_areas_and_forms_from_the_cache(people):
    cache.clear()
    viewer, lead, manager = Client(), Client(), Client()
    viewer.force_login(people["viewer"])
    lead.force_login(people["lead"])
    manager.force_login(people["manager"])
    for _ in range(2):  # computed, then from the cache: the same for each viewer
        assert league_names(viewer.get(DETAIL)) == ["Kent", "Medway"]
        assert league_names(lead.get(DETAIL)) == ["Kent", "Medway", "Surrey", "West Sussex"]
        assert "Save commentary" not in text_of(viewer.get(DETAIL))
        assert "Save commentary" not in text_of(lead.get(DETAIL))
        assert "Save commentary" in text_of(manager.get(DETAIL))
        assert "Surrey" not in text_of(viewer.get(DETAIL))


@override_settings(CACHES=LOCMEM)
def test_a_write_to_another_area_of_the_region_shows_at_once(world, people):  # noqa: F811
    cache.clear()
    client = Client()
    client.force_login(people["lead"])
    before = text_of(client.get(DETAIL))
    assert "the 4 areas in the region with a value for August 2017" in before
    value = MetricValue.objects.get(
        area=world["surrey"], kind="actual", period_start=AUGUST.first_day
    )
    value.delete()  # as an action's delete: the signal moves Surrey's version on

    after = text_of(client.get(DETAIL))

    assert "the 3 areas in the region with a value for August 2017" in after
    assert league_names(client.get(DETAIL)) == ["Kent", "Medway", "West Sussex"]


@override_settings(CACHES=LOCMEM)
def test_a_cached_page_carries_this_requests_csrf_field_and_a_saved_commentary_shows(
    world,  # noqa: F811
    people,
):
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["manager"])
    client.get(DETAIL)  # computed and cached
    page = client.get(DETAIL).content.decode()  # from the cache
    assert "<bettercare-csrf-input>" not in page
    tokens = TOKEN.findall(page)
    assert tokens, "the commentary form has its CSRF field"

    response = client.post(
        f"/areas/{KENT}/metrics/emergency_admissions/commentary/?period=2017-08",
        {"commentary": "Falls service started", "version": "0", "csrfmiddlewaretoken": tokens[0]},
    )

    assert response.status_code == 302, response.status_code
    assert MetricCommentary.objects.get(area=world["kent"]).commentary == "Falls service started"
    assert "Falls service started" in text_of(client.get(DETAIL))
    metric_commentary_save(
        area=world["kent"],
        metric=world["metric"],
        month=AUGUST,
        commentary="Changed by the action",
        seen_version=1,
        by=people["manager"],
    )
    assert "Changed by the action" in text_of(client.get(DETAIL))


@override_settings(CACHES=LOCMEM)
def test_the_period_selector_follows_the_areas_periods(world, people):  # noqa: F811
    cache.clear()
    client = Client()
    client.force_login(people["manager"])
    july = re.compile(r'<option value="2017-07"\s*>July 2017 \(([^)]+)\)</option>')
    assert july.findall(client.get(DETAIL).content.decode()) == ["not opened"]
    period_open(area=world["kent"], month=AUGUST - 1, by=people["manager"])
    assert july.findall(client.get(DETAIL).content.decode()) == ["open"]


def test_within_a_read_each_version_is_read_once_until_a_write(world):  # noqa: F811
    kent, surrey = world["kent"].pk, world["surrey"].pk
    with versions_read_once():
        with CaptureQueriesContext(connection) as first:
            token = data_versions([kent])
            assert data_versions([kent]) == token
            shared = shared_version()  # came with the area's version
        assert len(first.captured_queries) == 1
        areas_changed([kent])  # a write forgets what was read
        with CaptureQueriesContext(connection) as again:
            assert data_versions([kent]) != token
            assert data_versions([surrey]) == data_versions([surrey])
            assert shared_version() == shared
        assert len(again.captured_queries) == 2
    with CaptureQueriesContext(connection) as outside:
        data_versions([kent])
        data_versions([kent])
    assert len(outside.captured_queries) == 2


def test_the_access_signature_is_the_same_exactly_for_the_same_access(world, people):  # noqa: F811
    other_viewer = make_user("other", (world["kent"].parent, "viewer"))
    signatures = {
        name: Access.for_user(people[name]).signature for name in ("viewer", "lead", "manager")
    }
    assert Access.for_user(other_viewer).signature == signatures["viewer"]
    assert len(set(signatures.values())) == 3
