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
from tests.factories import (
    ICB_CODE,
    KENT,
    MEDWAY,
    make_area,
    make_metric,
    make_monthly_values,
    make_period,
    make_region,
    make_target,
    make_user,
)
from tests.integration.web.html import charts, text_of

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
AUGUST = Month(2017, 8)
DETAIL = f"/areas/{KENT}/metrics/emergency_admissions/?period=2017-08"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def world():
    """Kent and Medway under an ICB, Surrey beside them in the region."""
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    kent = make_area(KENT, "Kent", parent=icb)
    medway = make_area(MEDWAY, "Medway", parent=icb)
    surrey = make_area("E10000030", "Surrey", parent=region)
    metric = make_metric(applies_from="2016-17")
    make_monthly_values(kent, metric, [900, 880, 870, 860, 890, 875, 865, 880, 870] * 2)
    make_target(kent, metric, "2017-18", 150.0)
    make_monthly_values(medway, metric, [300] * 17, denominator=200_000)
    make_monthly_values(surrey, metric, [500] * 17, denominator=400_000)
    make_period(kent, "2017-08")
    return {
        "region": region,
        "kent": kent,
        "surrey": surrey,
        "metric": metric,
        "viewer": make_user("viewer", (icb, "viewer")),
        "lead": make_user("lead", (region, "regional_lead")),
        "manager": make_user("manager", (icb, "programme_manager")),
    }


def league_names(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    _, league = charts(response)
    return sorted(str(row[0]) for row in league["rows"][1:])  # type: ignore[index]


@override_settings(CACHES=LOCMEM)
def test_each_viewer_sees_only_their_areas_and_forms_from_the_cache(world):
    cache.clear()
    viewer, lead, manager = Client(), Client(), Client()
    viewer.force_login(world["viewer"])
    lead.force_login(world["lead"])
    manager.force_login(world["manager"])
    for _ in range(2):  # computed, then from the cache: the same for each viewer
        assert league_names(viewer.get(DETAIL)) == ["Kent", "Medway"]
        assert league_names(lead.get(DETAIL)) == ["Kent", "Medway", "Surrey"]
        assert "Save commentary" not in text_of(viewer.get(DETAIL))
        assert "Save commentary" not in text_of(lead.get(DETAIL))
        assert "Save commentary" in text_of(manager.get(DETAIL))
        assert "Surrey" not in text_of(viewer.get(DETAIL))


@override_settings(CACHES=LOCMEM)
def test_a_write_to_another_area_of_the_region_shows_at_once(world):
    cache.clear()
    client = Client()
    client.force_login(world["lead"])
    before = text_of(client.get(DETAIL))
    assert "the 3 areas in the region with a value for August 2017" in before
    value = MetricValue.objects.get(
        area=world["surrey"], kind="actual", period_start=AUGUST.first_day
    )
    value.delete()  # as an action's delete: the signal moves Surrey's version on

    after = text_of(client.get(DETAIL))

    assert "the 2 areas in the region with a value for August 2017" in after
    assert league_names(client.get(DETAIL)) == ["Kent", "Medway"]


@override_settings(CACHES=LOCMEM)
def test_a_cached_page_carries_this_requests_csrf_field_and_a_saved_commentary_shows(world):
    cache.clear()
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["manager"])
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
        by=world["manager"],
    )
    assert "Changed by the action" in text_of(client.get(DETAIL))


@override_settings(CACHES=LOCMEM)
def test_the_period_selector_follows_the_areas_periods(world):
    cache.clear()
    client = Client()
    client.force_login(world["manager"])
    july = re.compile(r'<option value="2017-07"\s*>July 2017 \(([^)]+)\)</option>')
    assert july.findall(client.get(DETAIL).content.decode()) == ["not opened"]
    period_open(area=world["kent"], month=AUGUST - 1, by=world["manager"])
    assert july.findall(client.get(DETAIL).content.decode()) == ["open"]


def test_within_a_read_each_version_is_read_once_until_a_write(world):
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


def test_the_access_signature_is_the_same_exactly_for_the_same_access(world):
    other_viewer = make_user("other", (world["kent"].parent, "viewer"))
    signatures = {
        name: Access.for_user(world[name]).signature for name in ("viewer", "lead", "manager")
    }
    assert Access.for_user(other_viewer).signature == signatures["viewer"]
    assert len(set(signatures.values())) == 3
