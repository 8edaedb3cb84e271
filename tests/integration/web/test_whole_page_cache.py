"""The main area pages cached whole (ADR 0137) on a real (local memory) cache: a page served
from the cache is the page made afresh (each request's own header and CSRF field in it); it
changes when its data do; a viewer with other access is never served another's page; a POST's
errors and the user's messages are shown, never kept; the day moving on makes it afresh."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from bettercare.core.periods import Month
from bettercare.web import pages
from bettercare.web.alerts.models import RULE_CHOICES, Alert, Delivery, Notification
from bettercare.web.programmes.actions import milestone_update, period_open, risk_update
from bettercare.web.programmes.models import AreaVersion
from bettercare.web.programmes.versioning import (
    area_id_reading_ahead,
    areas_changed,
    data_versions,
    versions_read_once,
)
from tests.factories import KENT, build_programme, make_area, make_region, make_user
from tests.integration.pages.forms import return_post
from tests.integration.web.html import error_summary, text_of

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    lead = make_user("lead", (kent, "scheme_lead"))
    programme = build_programme(kent, schemes=2, months=3, lead=lead)
    return {
        "programme": programme,
        "lead": lead,
        "manager": make_user("manager", (kent, "programme_manager"), first_name="Morag"),
        # The same access as the manager's: served the same cached page, with her own header.
        "deputy": make_user("deputy", (kent, "programme_manager"), first_name="Dilys"),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def paths(programme) -> dict[str, str]:
    scheme, month = programme.schemes[0], programme.latest.reporting_month
    base = f"/areas/{KENT}/"
    return {
        "overview": base,
        "dashboard": f"{base}dashboard/",
        "metrics": f"{base}metrics/",
        "metric detail": f"{base}metrics/{programme.metric.code}/",
        "schemes": f"{base}schemes/",
        "scheme return": f"{base}schemes/{scheme.pk}/return/{month}/",
        "milestones": f"{base}milestones/",
        "risks": f"{base}risks/",
        "finance": f"{base}finance/",
        "periods": f"{base}periods/",
    }


def made_afresh_and_kept(path, world, monkeypatch) -> dict[str, tuple[int, str]]:
    """Each user's status and page (CSRF tokens aside), after checking that the page made
    afresh (not from the cache), the first one kept and the one served from the cache are the
    same."""
    made = {}
    for user in ("manager", "deputy", "viewer", "lead"):
        client = signed_in(world[user])
        with monkeypatch.context() as patched:
            patched.setattr(pages, "_may_cache", lambda request: False)
            fresh = client.get(path)
        first, cached = client.get(path), client.get(path)
        assert fresh.status_code == first.status_code == cached.status_code
        html = without_tokens(fresh.content.decode())
        assert without_tokens(first.content.decode()) == html
        assert without_tokens(cached.content.decode()) == html
        made[user] = (fresh.status_code, html)
    return made


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def without_tokens(html: str) -> str:
    return TOKEN.sub('name="csrfmiddlewaretoken" value="-"', html)


def page_entries() -> int:
    return sum(":page:" in key for key in cache._cache)  # type: ignore[attr-defined]


@override_settings(CACHES=LOCMEM)
@pytest.mark.parametrize(
    "page",
    [
        "overview",
        "dashboard",
        "metrics",
        "metric detail",
        "schemes",
        "scheme return",
        "milestones",
        "risks",
        "finance",
        "periods",
    ],
)
def test_a_page_from_the_cache_is_the_page_made_afresh(world, page, monkeypatch):
    cache.clear()
    path = paths(world["programme"])[page]
    kept_for_each_access_with_each_users_header(made_afresh_and_kept(path, world, monkeypatch))


def kept_for_each_access_with_each_users_header(kept: dict[str, tuple[int, str]]) -> None:
    """Every user was shown the page, each with their own name in the header, and it was kept
    once for the manager and her deputy (the same access) and once each for the others."""
    assert {status for status, _ in kept.values()} == {200}
    made = {user: html for user, (_, html) in kept.items()}
    assert "Morag" in made["manager"]
    assert "Dilys" not in made["manager"]
    assert "Dilys" in made["deputy"]
    assert "Morag" not in made["deputy"]
    assert page_entries() == 3


@override_settings(CACHES=LOCMEM)
def test_the_cached_pages_forms_carry_the_requests_own_csrf_token(world):
    cache.clear()
    programme = world["programme"]
    scheme = programme.schemes[0]
    path = paths(programme)["scheme return"]
    signed_in(world["deputy"]).get(path)  # kept by another user with the same access
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["manager"])
    page = client.get(path)
    assert page_entries() == 1
    token = TOKEN.findall(page.content.decode())
    assert token, "the return form has a CSRF field"
    data = return_post(scheme, programme.latest, csrfmiddlewaretoken=token[0])
    assert client.post(path, data).status_code == 302


@override_settings(CACHES=LOCMEM)
def test_a_viewer_with_other_access_is_never_served_anothers_page(world):
    cache.clear()
    path = paths(world["programme"])["periods"]
    manager, viewer = signed_in(world["manager"]), signed_in(world["viewer"])
    for _ in range(2):  # made, then from the cache: each their own
        assert "Submit August 2017" in text_of(manager.get(path))
        assert "Submit August 2017" not in text_of(viewer.get(path))
    path = paths(world["programme"])["scheme return"]
    lead = signed_in(world["lead"])
    for _ in range(2):  # the scheme's lead may complete its return, a viewer only reads it
        assert "hx-post=" in lead.get(path).content.decode()
        assert "hx-post=" not in viewer.get(path).content.decode()


@override_settings(CACHES=LOCMEM)
def test_each_users_alerts_are_their_own(world):
    cache.clear()
    path = paths(world["programme"])["risks"]
    manager, deputy = signed_in(world["manager"]), signed_in(world["deputy"])
    assert "Alerts (1 unread)" not in text_of(manager.get(path))
    alert = Alert.objects.create(
        area=world["programme"].area, rule=RULE_CHOICES[0][0], key="test", title="A test alert"
    )
    Notification.objects.create(alert=alert, user=world["deputy"], delivery=Delivery.APP)
    assert "Alerts (1 unread)" in text_of(deputy.get(path))
    assert "Alerts (1 unread)" not in text_of(manager.get(path))
    assert page_entries() == 1


@override_settings(CACHES=LOCMEM)
def test_an_edit_shows_at_once_on_every_page_it_changes(world):
    cache.clear()
    programme = world["programme"]
    scheme, latest = programme.schemes[0], programme.latest
    address = paths(programme)
    lead, manager = signed_in(world["lead"]), signed_in(world["manager"])
    before = {name: text_of(manager.get(path)) for name, path in address.items()}
    assert before == {name: text_of(manager.get(path)) for name, path in address.items()}

    # A return saved through its form: the schemes list, the dashboard, the return itself.
    data = return_post(scheme, latest, finance_status="R", finance_commentary="Overspent badly")
    assert lead.post(address["scheme return"], data).status_code == 302
    assert "Overspent badly" in text_of(manager.get(address["scheme return"]))
    assert text_of(manager.get(address["schemes"])) != before["schemes"]
    assert text_of(manager.get(address["dashboard"])) != before["dashboard"]
    assert "Overspent badly" not in before["scheme return"]

    # A milestone and a risk changed through their actions.
    milestone, risk = programme.milestone, programme.risk
    for page, words, change in (
        (
            "milestones",
            "Delayed by the tender",
            lambda words: milestone_update(
                milestone=milestone,
                changes={"comments": words},
                seen_version=milestone.version,
                by=None,
            ),
        ),
        (
            "risks",
            "Weekly review with the provider",
            lambda words: risk_update(
                risk=risk, changes={"mitigation": words}, seen_version=risk.version, by=None
            ),
        ),
    ):
        assert words not in before[page]
        change(words)
        assert words in text_of(manager.get(address[page]))

    # A month opened: the periods page and every page's period selector.
    period_open(area=programme.area, month=Month(2017, 9), by=None)
    assert "September 2017" in text_of(manager.get(address["periods"]))
    assert text_of(manager.get(address["overview"])) != before["overview"]


@override_settings(CACHES=LOCMEM)
def test_a_posts_errors_are_shown_and_never_kept(world):
    cache.clear()
    programme = world["programme"]
    path = paths(programme)["scheme return"]
    lead = signed_in(world["lead"])
    assert "nhsuk-error-summary" not in lead.get(path).content.decode()
    data = return_post(programme.schemes[0], programme.latest, finance_status="R")
    refused = lead.post(path, data)
    assert refused.status_code == 400
    assert error_summary(refused), "the missing exception commentary is reported"
    assert "nhsuk-error-summary" not in lead.get(path).content.decode()
    assert page_entries() == 1


@override_settings(CACHES=LOCMEM)
def test_the_users_messages_are_shown_once_and_never_kept(world):
    cache.clear()
    month = world["programme"].latest.reporting_month
    path = f"/areas/{KENT}/periods/?period={month}"
    manager = signed_in(world["manager"])
    assert "August 2017 is submitted." not in text_of(manager.get(path))
    answer = manager.post(f"/areas/{KENT}/periods/{month}/submit/")
    assert answer.status_code == 302
    assert answer["Location"] == path
    assert "August 2017 is submitted." in text_of(manager.get(path))
    for _ in range(2):  # shown once, and the page kept without it
        shown = text_of(manager.get(path))
        assert "August 2017 is submitted." not in shown
        assert "Reopen August 2017" in shown


@override_settings(CACHES=LOCMEM)
def test_the_page_is_made_afresh_when_the_day_moves_on(world, monkeypatch):
    cache.clear()
    path = paths(world["programme"])["milestones"]
    manager = signed_in(world["manager"])
    manager.get(path)
    assert page_entries() == 1
    monkeypatch.setattr(pages.timezone, "localdate", lambda: date(2030, 1, 1))
    manager.get(path)
    assert page_entries() == 2


@override_settings(CACHES=LOCMEM)
def test_an_htmx_request_is_made_afresh(world):
    cache.clear()
    path = paths(world["programme"])["dashboard"] + "?partial=themes"
    answer = signed_in(world["manager"]).get(path, headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert page_entries() == 0


@override_settings(CACHES=LOCMEM)
def test_an_area_renamed_shows_at_once_on_its_cached_pages(world):
    cache.clear()
    address = paths(world["programme"])
    manager = signed_in(world["manager"])
    for path in address.values():
        assert "Kent" in text_of(manager.get(path))
    area = world["programme"].area
    area.name = "Kent County"
    area.save()  # as an action's save: the signal moves the shared version on
    for path in address.values():
        assert "Kent County" in text_of(manager.get(path))


def test_the_area_is_read_by_its_code_with_its_versions(world):
    kent = world["programme"].area
    areas_changed([kent.pk])  # its version has a row
    expected = data_versions([kent.pk])
    assert area_id_reading_ahead(KENT) is None  # outside a GET: nothing remembered
    with versions_read_once():
        with CaptureQueriesContext(connection) as read:
            assert area_id_reading_ahead(KENT) == kent.pk
        assert len(read) == 1
        with CaptureQueriesContext(connection) as again:
            assert data_versions([kent.pk]) == expected
        assert len(again) == 0
        assert area_id_reading_ahead("E99999999") is None  # no such area
    unversioned = make_area("E06000035", "Medway", parent=kent.parent)
    AreaVersion.objects.filter(area=unversioned).delete()
    with versions_read_once():
        assert area_id_reading_ahead("E06000035") is None  # read as before, by the area
