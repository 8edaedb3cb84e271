"""Who may open and change what: every area page, for every role, in three places.

The places: Kent (where the area roles are held), Medway (another area of the same region)
and Camden (an area of another region). Anonymous visitors are sent to sign in; people with
a role in Kent see Kent only (403 elsewhere); the South East's regional assurance lead sees
Kent and Medway but not Camden; the administrator sees everything; an unknown area is 404.

The world is built once for the module inside a transaction rolled back at the end; each
test runs in its own savepoint within it, so the writes of one test are gone before the next.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.db import transaction

from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import ProgrammeStatus, ReportingPeriod, SchemeStatus
from tests.factories import (
    KENT,
    MEDWAY,
    REGION_CODE,
    Programme,
    build_programme,
    make_area,
    make_region,
    make_user,
)
from tests.integration.pages.forms import return_post
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

LONDON = "E12000007"
CAMDEN = "E09000007"
UNKNOWN = "E10999999"
PLACES = ("own", "neighbour", "elsewhere")
AREA_ROLES = ("manager", "lead", "finance", "viewer")
ROLES = ("anonymous", *AREA_ROLES, "regional", "admin", "stranger")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        south_east = make_region()
        london = make_region(LONDON, "London")
        kent = make_area(KENT, "Kent", parent=south_east)
        medway = make_area(MEDWAY, "Medway", parent=south_east)
        camden = make_area(CAMDEN, "Camden", parent=london)
        lead = make_user("lead", (kent, "scheme_lead"))
        users = {
            "manager": make_user("manager", (kent, "programme_manager")),
            "lead": lead,
            "finance": make_user("finance", (kent, "finance_lead")),
            "viewer": make_user("viewer", (kent, "viewer")),
            "regional": make_user("regional", (south_east, "regional_lead")),
            "admin": User.objects.create_superuser("admin", password="not-a-real-password"),
            "stranger": make_user("stranger"),
        }
        places = {
            "own": build_programme(kent, schemes=2, months=2, lead=lead),
            "neighbour": build_programme(medway, schemes=2, months=2),
            "elsewhere": build_programme(camden, schemes=2, months=2),
        }
        yield {"users": users, "places": places}
        transaction.set_rollback(True)


def _area(p: Programme) -> str:
    return f"/areas/{p.area.code}/"


PAGES = {
    "overview": lambda p: _area(p),
    "dashboard": lambda p: _area(p) + "dashboard/",
    "metrics": lambda p: _area(p) + "metrics/",
    "metric detail": lambda p: _area(p) + f"metrics/{p.metric.code}/",
    "metric benchmark": lambda p: _area(p) + f"metrics/{p.metric.code}/benchmark/",
    "benchmark": lambda p: _area(p) + "benchmark/",
    "schemes": lambda p: _area(p) + "schemes/",
    "scheme detail": lambda p: _area(p) + f"schemes/{p.schemes[0].pk}/",
    "scheme return": lambda p: _area(p) + f"schemes/{p.schemes[0].pk}/return/2017-08/",
    "milestones": lambda p: _area(p) + "milestones/",
    "risks": lambda p: _area(p) + "risks/",
    "finance": lambda p: _area(p) + "finance/",
    "periods": lambda p: _area(p) + "periods/",
    "scheme history": lambda p: _area(p) + f"history/scheme/{p.schemes[0].pk}/",
    "milestone history": lambda p: _area(p) + f"history/milestone/{p.milestone.pk}/",
    "risk history": lambda p: _area(p) + f"history/risk/{p.risk.pk}/",
    "metric value history": lambda p: _area(p) + f"history/metric-value/{p.value.pk}/",
}


def expected_status(role: str, place: str) -> int:
    if role == "admin":
        return 200
    if role == "regional":
        return 200 if place in ("own", "neighbour") else 403
    if role in AREA_ROLES:
        return 200 if place == "own" else 403
    return 403  # someone signed in with no role anywhere


def sign_in(client, world, role: str) -> None:
    if role != "anonymous":
        client.force_login(world["users"][role])


def login_redirect(path: str) -> str:
    return f"/accounts/login/?next={quote(path)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES)
def test_each_page_for_each_role_in_each_place(client, world, page, role):
    sign_in(client, world, role)
    for place in PLACES:
        path = PAGES[page](world["places"][place])

        response = client.get(path)

        if role == "anonymous":
            assert response.status_code == 302, (place, path)
            assert response["Location"] == login_redirect(path)
        else:
            assert response.status_code == expected_status(role, place), (place, path)


@pytest.mark.parametrize("role", ["manager", "admin"])
@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_area_is_404(client, world, page, role):
    sign_in(client, world, role)
    path = PAGES[page](world["places"]["own"]).replace(KENT, UNKNOWN)

    response = client.get(path)

    assert response.status_code == 404
    assert f"There is no area {UNKNOWN}." in text_of(response)


def test_the_403_page_says_which_area_is_out_of_reach(client, world):
    client.force_login(world["users"]["viewer"])
    response = client.get(f"/areas/{MEDWAY}/")
    assert response.status_code == 403
    text = text_of(response)
    assert "You do not have access to this page" in text
    assert "You do not have access to Medway." in text


@pytest.mark.parametrize(
    "page", ["scheme detail", "scheme return", "scheme history", "milestone history"]
)
def test_another_areas_object_under_your_own_area_is_404(client, world, page):
    """Guessing a neighbour's scheme (or milestone) id under your own area finds nothing."""
    client.force_login(world["users"]["manager"])
    neighbour = world["places"]["neighbour"]
    path = PAGES[page](neighbour).replace(MEDWAY, KENT)
    assert client.get(path).status_code == 404


# -- the regional assurance matrix and the API's list of areas -------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_assurance_matrix_is_for_the_regions_leads(client, world, role):
    sign_in(client, world, role)
    own, other = f"/regions/{REGION_CODE}/assurance/", f"/regions/{LONDON}/assurance/"
    responses = {path: client.get(path) for path in (own, other)}
    if role == "anonymous":
        assert responses[own]["Location"] == login_redirect(own)
        return
    wanted = {
        "regional": (200, 403),
        "admin": (200, 200),
    }.get(role, (403, 403))
    assert (responses[own].status_code, responses[other].status_code) == wanted


@pytest.mark.parametrize("code", ["E12000099", KENT])
def test_an_unknown_region_or_an_area_that_is_no_region_is_404(client, world, code):
    client.force_login(world["users"]["admin"])
    assert client.get(f"/regions/{code}/assurance/").status_code == 404


@pytest.mark.parametrize(
    ("role", "codes"),
    [
        ("manager", [KENT]),
        ("lead", [KENT]),
        ("finance", [KENT]),
        ("viewer", [KENT]),
        ("regional", [MEDWAY, KENT, REGION_CODE]),
        ("admin", [MEDWAY, CAMDEN, KENT, LONDON, REGION_CODE]),
        ("stranger", []),
    ],
)
def test_the_api_lists_exactly_the_areas_a_role_may_see(client, world, role, codes):
    client.force_login(world["users"][role])
    response = client.get("/api/areas")
    assert response.status_code == 200
    assert [area["code"] for area in response.json()] == codes


def test_the_api_answers_401_not_a_redirect_without_credentials(client, world):
    response = client.get("/api/areas")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentication required")


@pytest.mark.parametrize("role", [*AREA_ROLES, "regional"])
def test_the_api_scopes_an_areas_schemes_like_the_pages(client, world, role):
    client.force_login(world["users"][role])
    for place in PLACES:
        code = world["places"][place].area.code
        response = client.get(f"/api/areas/{code}/schemes")
        assert response.status_code == expected_status(role, place), (place, code)


# -- writes ----------------------------------------------------------------------------------

RETURN_WRITERS = {"manager": 302, "lead": 302, "admin": 302}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("which", ["led by the lead", "led by nobody"])
def test_who_may_post_a_scheme_return(client, world, role, which):
    kent = world["places"]["own"]
    scheme = kent.schemes[0 if which == "led by the lead" else 1]
    period = kent.latest
    path = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
    before = sorted(SchemeStatus.objects.filter(period=period).values_list("pk", "version"))
    sign_in(client, world, role)

    response = client.post(path, return_post(scheme, period, additional_information="Posted"))

    if role == "anonymous":
        assert response["Location"] == login_redirect(path)
        wanted = 302
    elif role == "lead":
        wanted = 302 if which == "led by the lead" else 403
    else:
        wanted = RETURN_WRITERS.get(role, 403)
    assert response.status_code == wanted
    after = sorted(SchemeStatus.objects.filter(period=period).values_list("pk", "version"))
    if wanted == 302 and role != "anonymous":
        assert response["Location"] == f"/areas/{KENT}/schemes/{scheme.pk}/"
        assert set(
            SchemeStatus.objects.filter(period=period, scheme=scheme).values_list(
                "additional_information", flat=True
            )
        ) == {"Posted"}
    else:
        assert after == before


def test_a_lead_cannot_post_the_return_of_a_neighbours_scheme(client, world):
    neighbour = world["places"]["neighbour"]
    scheme = neighbour.schemes[0]
    client.force_login(world["users"]["lead"])
    response = client.post(
        f"/areas/{MEDWAY}/schemes/{scheme.pk}/return/2017-08/",
        return_post(scheme, neighbour.latest, additional_information="Not mine"),
    )
    assert response.status_code == 403
    assert not SchemeStatus.objects.filter(additional_information="Not mine").exists()


def test_the_403_for_someone_elses_scheme_says_why(client, world):
    scheme = world["places"]["own"].schemes[1]
    client.force_login(world["users"]["lead"])
    response = client.post(
        f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/",
        return_post(scheme, world["places"]["own"].latest),
    )
    assert response.status_code == 403
    assert (
        f"You cannot complete the return for {scheme.ref}: it is not one of your schemes."
        in text_of(response)
    )


MANAGERS = ("manager", "admin")
PERIOD_ACTIONS = {
    "open": ("2017-09", None),
    "submit": ("2017-08", "submitted"),
    "sign-off": ("2017-07", None),
    "reopen": ("2017-08", None),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", PERIOD_ACTIONS)
def test_only_the_programme_manager_posts_period_actions(client, world, role, action):
    month, state_after = PERIOD_ACTIONS[action]
    path = f"/areas/{KENT}/periods/{month}/{action}/"
    kent = world["places"]["own"].area
    before = sorted(ReportingPeriod.objects.filter(area=kent).values_list("month", "state"))
    sign_in(client, world, role)

    response = client.post(path)

    after = sorted(ReportingPeriod.objects.filter(area=kent).values_list("month", "state"))
    if role == "anonymous":
        assert response["Location"] == login_redirect(path)
    elif role in MANAGERS:
        assert response.status_code == 302
        assert response["Location"] == f"/areas/{KENT}/periods/?period={month}"
        if action == "open":
            assert len(after) == len(before) + 1
        if state_after:
            assert ReportingPeriod.objects.get(area=kent, month="2017-08-01").state == state_after
        return
    else:
        assert response.status_code == 403
    assert after == before


@pytest.mark.parametrize("role", ROLES)
def test_only_the_programme_manager_sets_the_programme_status(client, world, role):
    path = f"/areas/{KENT}/periods/?period=2017-08"
    period = world["places"]["own"].latest
    before = sorted(ProgrammeStatus.objects.filter(period=period).values_list("pk", "version"))
    sign_in(client, world, role)
    data = {}
    for dimension in ("plan", "benefits", "budget"):
        data[f"{dimension}_status"] = "R"
        data[f"{dimension}_summary"] = "Behind"
        data[f"{dimension}_version"] = "1"

    response = client.post(path, data)

    statuses = set(ProgrammeStatus.objects.filter(period=period).values_list("status", flat=True))
    if role in MANAGERS:
        assert response.status_code == 302
        assert statuses == {"R"}
        return
    if role == "anonymous":
        assert response["Location"] == login_redirect(path)
    else:
        assert response.status_code == 403
        because = (
            "You do not have access to Kent."
            if role == "stranger"
            else "Only the programme manager sets the overall programme status."
        )
        assert because in text_of(response)
    assert statuses == {"G"}
    after = sorted(ProgrammeStatus.objects.filter(period=period).values_list("pk", "version"))
    assert after == before


def test_a_period_action_is_post_only(client, world):
    client.force_login(world["users"]["manager"])
    assert client.get(f"/areas/{KENT}/periods/2017-09/open/").status_code == 405
    assert not ReportingPeriod.objects.filter(area__code=KENT, month="2017-09-01").exists()


# -- the home page: the areas a user may see -------------------------------------------------


def test_home_takes_someone_with_one_area_straight_to_it(client, world):
    client.force_login(world["users"]["viewer"])
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == f"/areas/{KENT}/"


def test_home_lists_a_regional_leads_areas_and_their_assurance_matrix(client, world):
    client.force_login(world["users"]["regional"])
    response = client.get("/")
    assert response.status_code == 200
    text = text_of(response)
    assert "South East Kent E10000016 Medway E06000035" in text
    assert "Camden" not in text
    assert "Regional assurance South East assurance matrix" in text
    assert "London assurance matrix" not in text


def test_home_lists_every_area_for_the_administrator(client, world):
    client.force_login(world["users"]["admin"])
    text = text_of(client.get("/"))
    assert "London Camden E09000007 South East Kent E10000016 Medway E06000035" in text
    assert "London assurance matrix South East assurance matrix" in text


def test_home_tells_someone_without_a_role_to_ask_for_one(client, world):
    client.force_login(world["users"]["stranger"])
    text = text_of(client.get("/"))
    assert "You do not have access to any area yet." in text
    assert "Kent" not in text


def test_home_sends_anonymous_visitors_to_sign_in(client, world):
    assert client.get("/")["Location"] == "/accounts/login/?next=/"
