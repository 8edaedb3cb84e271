"""The pages' cache, on a real (local memory) cache backend: a second request is served from it
with fewer queries, and a write to one area recomputes that area's pages only (ADR 0102)."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bettercare.web.accounts.actions import user_set_password
from bettercare.web.accounts.models import User
from bettercare.web.programmes.actions import programme_status_save
from bettercare.web.programmes.models import Area, AreaVersion, ReportingPeriod
from bettercare.web.programmes.versioning import area_version, areas_changed, shared_version
from tests.factories import (
    KENT,
    MEDWAY,
    PASSWORD,
    build_programme,
    make_area,
    make_region,
    make_user,
)

pytestmark = pytest.mark.django_db
LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"|nonce="[^"]*"')
PAGES = ("", "dashboard/", "metrics/")


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    manager = make_user("manager", (region, "programme_manager"))
    return {
        "manager": manager,
        "kent": build_programme(kent, schemes=2, months=3, lead=manager),
        "medway": build_programme(medway, schemes=2, months=3, lead=manager),
    }


def get(client: Client, path: str) -> tuple[int, bytes]:
    """The queries a GET runs and the page (without its per-request tokens)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries.captured_queries), CSRF.sub(b"", response.content)


@override_settings(CACHES=LOCMEM)
@pytest.mark.parametrize("page", PAGES)
def test_a_second_request_is_served_from_the_cache_with_fewer_queries(client, world, page):
    client.force_login(world["manager"])
    path = f"/areas/{KENT}/{page}"
    client.get("/")  # the session and the user's access, out of the way
    cache.clear()
    cold, first = get(client, path)
    warm, second = get(client, path)
    assert warm < cold, (warm, cold)
    assert second == first


def cold_and_warm(client: Client, world, *paths: str) -> list[tuple[int, int]]:
    """The queries of each page from an empty cache, then from the cache, signed in."""
    client.force_login(world["manager"])
    client.get("/")
    cache.clear()
    cold = [get(client, path)[0] for path in paths]
    return list(zip(cold, [get(client, path)[0] for path in paths], strict=True))


def write_to_kent(world) -> None:
    """A write to Kent's latest period (its programme status), through its action."""
    latest = world["kent"].periods[-1]
    programme_status_save(
        period=latest,
        statuses={"plan": ("R", "Night nursing lost its provider")},
        seen_versions={s.dimension: s.version for s in latest.programme_statuses.all()},
        by=world["manager"],
    )


@override_settings(CACHES=LOCMEM)
def test_a_write_to_one_area_recomputes_its_pages_and_no_other_areas(client, world):
    kent, medway = f"/areas/{KENT}/", f"/areas/{MEDWAY}/"
    (kent_cold, kent_warm), (medway_cold, medway_warm) = cold_and_warm(client, world, kent, medway)
    assert (kent_warm < kent_cold, medway_warm < medway_cold) == (True, True)
    shared = shared_version()
    medway_version = area_version(world["medway"].area.pk)

    write_to_kent(world)

    assert (shared_version(), area_version(world["medway"].area.pk)) == (shared, medway_version)
    recomputed, page = get(client, kent)
    # Recomputed (who may see what is still cached: it keys on the shared version only).
    assert kent_warm < recomputed <= kent_cold, (kent_warm, recomputed, kent_cold)
    assert b"Night nursing lost its provider" in page
    assert get(client, medway)[0] == medway_warm


def test_a_login_leaves_every_data_version_unchanged_and_writes_no_history(client, world):
    versions = dict(AreaVersion.objects.values_list("area_id", "number"))
    shared = shared_version()
    user = world["manager"]
    history = user.history.count()

    response = client.post(
        "/accounts/login/", {"username": "manager", "password": PASSWORD}, follow=False
    )

    assert response.status_code == 302, response.status_code
    assert User.objects.get(pk=user.pk).last_login is not None
    assert dict(AreaVersion.objects.values_list("area_id", "number")) == versions
    assert shared_version() == shared
    assert user.history.count() == history


def test_a_new_password_leaves_history_and_moves_no_version(world):
    user = world["manager"]
    shared = shared_version()
    before = user.history.count()
    user_set_password(user=user, password="a new long passphrase", by=None)
    assert user.history.count() == before + 1
    assert shared_version() == shared


def test_a_users_new_name_leaves_history_and_moves_the_shared_version(world):
    user = world["manager"]
    shared = shared_version()
    before = user.history.count()
    user.first_name = "Margaret"
    user.save()
    assert user.history.count() == before + 1
    assert user.history.latest().first_name == "Margaret"
    assert shared_version() == shared + 1
    user.save(update_fields=["last_name"])
    assert shared_version() == shared + 2
    user.delete()
    assert shared_version() > shared + 2  # and its memberships went with them


@override_settings(CACHES=LOCMEM)
def test_a_cached_page_names_a_user_by_their_new_name(client, world):
    manager = world["manager"]
    period = world["kent"].periods[0]
    ReportingPeriod.objects.filter(pk=period.pk).update(
        submitted_at=timezone.now(), submitted_by=manager
    )
    areas_changed([period.area_id])  # as the submitting action does
    manager.first_name, manager.last_name = "Margaret", "Jones"
    manager.save()
    client.force_login(manager)
    path = f"/areas/{KENT}/periods/"
    assert b"by Margaret Jones" in get(client, path)[1]
    assert b"by Margaret Jones" in get(client, path)[1]  # from the cache
    manager.first_name = "Peggy"
    manager.save()
    assert b"by Peggy Jones" in get(client, path)[1]


def test_area_and_membership_writes_move_the_shared_version(world):
    shared = shared_version()
    make_area("E06000036", "Bracknell Forest", parent=Area.objects.get(code=KENT).parent)
    assert shared_version() == shared + 1
    make_user("reader", (Area.objects.get(code=KENT), "viewer"))
    assert shared_version() == shared + 2


def test_an_area_deleted_with_its_data_moves_the_shared_version_and_commits(world):
    from django.db import transaction

    from bettercare.web.programmes.models import ProgrammeStatus
    from tests.factories import make_period

    gone = make_area("E06000036", "Bracknell Forest", parent=world["kent"].area.parent)
    period = make_period(gone)
    ProgrammeStatus.objects.create(period=period, dimension="plan", status="G")
    assert area_version(gone.pk) >= 2  # the period and the status
    shared = shared_version()
    with transaction.atomic():  # the cascade's signals move versions on inside it
        Area.objects.filter(pk=gone.pk).delete()
    assert not Area.objects.filter(code="E06000036").exists()
    assert shared_version() == shared + 1
    assert Area.objects.get(code=KENT).name == "Kent"


@override_settings(CACHES=LOCMEM)
def test_a_dashboard_is_recomputed_when_its_regions_areas_change(client, world):
    # The dashboard places each metric among the region's areas (ADR 0119): a write to Kent
    # changes what Medway's dashboard may say, so it is recomputed; Medway's overview is not.
    dashboard, overview = f"/areas/{MEDWAY}/dashboard/", f"/areas/{MEDWAY}/"
    (dashboard_cold, dashboard_warm), (_, overview_warm) = cold_and_warm(
        client, world, dashboard, overview
    )
    assert dashboard_warm < dashboard_cold

    write_to_kent(world)

    assert get(client, dashboard)[0] > dashboard_warm
    assert get(client, overview)[0] == overview_warm
