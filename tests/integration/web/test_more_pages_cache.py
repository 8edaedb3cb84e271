"""The other main pages cached whole (ADR 0142) on a real (local memory) cache: the home page,
the assurance matrix, the benchmarking pages, the plan, the key activities and a scheme's page.
A page served from the cache is the page made afresh for each viewer; a viewer is never served
a page their access does not allow; a write through an action shows in the next response."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.test import override_settings

from bettercare.core.periods import Month
from bettercare.web.assurance.actions import RatingEdit, assurance_ratings_save
from bettercare.web.benchmarking.actions import parse_peer_group_rows, peer_groups_load
from bettercare.web.finance.actions import national_condition_update
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.actions import milestone_update, planned_activity_add
from bettercare.web.programmes.models import ReportingPeriod
from tests.factories import (
    HAMPSHIRE,
    KENT,
    MEDWAY,
    REGION_CODE,
    SURREY,
    make_area,
    make_benchmark_world,
    make_milestone,
    make_rating,
    make_scheme,
    make_user,
)
from tests.factories.plan import make_condition, make_plan_details
from tests.integration.web.html import charts, text_of
from tests.integration.web.test_whole_page_cache import (
    LOCMEM,
    kept_for_each_access_with_each_users_header,
    made_afresh_and_kept,
    page_entries,
    signed_in,
)

pytestmark = pytest.mark.django_db
MATRIX = f"/regions/{REGION_CODE}/assurance/"
AREA = f"/areas/{KENT}/"


@pytest.fixture
def world():
    world = make_benchmark_world()
    areas, region = world["areas"], world["region"]
    kent = areas[KENT]
    scheme = make_scheme(kent)
    make_plan_details(kent, hwb_note="BCF plan 2017-19")
    for area, status in ((kent, "G"), (areas[MEDWAY], "A")):
        make_rating(area, "Plan agreed", status, comment=f"{area.name}'s plan")
    return {
        **world,
        "scheme": scheme,
        "milestone": make_milestone(kent, scheme=scheme),
        "condition": make_condition(kent, "1. A jointly agreed plan"),
        "lead": make_user("lead", (region, "regional_lead")),
        "manager": make_user("manager", (kent, "programme_manager"), first_name="Morag"),
        # The same access as the manager's: served the same cached page, with her own header.
        "deputy": make_user("deputy", (kent, "programme_manager"), first_name="Dilys"),
        "viewer": make_user("viewer", (world["icb"], "viewer")),
    }


def paths(world) -> dict[str, str]:
    return {
        "home": "/",
        "assurance": MATRIX,
        "benchmark": f"{AREA}benchmark/?period=2017-08",
        "metric benchmark": f"{AREA}metrics/admissions/benchmark/?period=2017-08",
        "plan": f"{AREA}plan/?year=2017-18",
        "activities": f"{AREA}activities/?period=2017-08",
        "scheme detail": f"{AREA}schemes/{world['scheme'].pk}/",
    }


@override_settings(CACHES=LOCMEM)
@pytest.mark.parametrize(
    "page",
    ["home", "assurance", "benchmark", "metric benchmark", "plan", "activities", "scheme detail"],
)
def test_a_page_from_the_cache_is_the_page_made_afresh(world, page, monkeypatch):
    cache.clear()
    kept = made_afresh_and_kept(paths(world)[page], world, monkeypatch)
    statuses = {user: status for user, (status, _) in kept.items()}
    made = {user: html for user, (_, html) in kept.items()}
    if page == "assurance":  # for the region's assurance leads only
        assert statuses == {"manager": 403, "deputy": 403, "viewer": 403, "lead": 200}
        assert "Morag" not in made["lead"]
        assert "Kent&#39;s plan" in made["lead"]
        assert page_entries() == 1
        return
    if page == "home":  # the manager and her deputy have one area: straight to it
        assert statuses == {"manager": 302, "deputy": 302, "viewer": 200, "lead": 200}
        assert made["manager"] == made["deputy"] == ""
        assert page_entries() == 2
        return
    kept_for_each_access_with_each_users_header(kept)


@override_settings(CACHES=LOCMEM)
def test_a_viewer_is_never_served_a_page_their_access_does_not_allow(world):
    cache.clear()
    lead, viewer = signed_in(world["lead"]), signed_in(world["viewer"])
    funnel = paths(world)["metric benchmark"]
    for _ in range(2):
        assert lead.get(MATRIX).status_code == 200
        assert viewer.get(MATRIX).status_code == 403
        assert signed_in(world["manager"]).get(MATRIX).status_code == 403
        lead_rows = {row[0] for row in charts(lead.get(funnel))[0]["rows"][1:]}
        viewer_rows = {row[0] for row in charts(viewer.get(funnel))[0]["rows"][1:]}
        assert lead_rows == {"Kent", "Medway", "Surrey", "West Sussex", "Hampshire"}
        assert viewer_rows == {"Kent", "Medway"}
        assert "Surrey" not in text_of(viewer.get(f"{AREA}benchmark/?period=2017-08"))
        assert "South East assurance matrix" in text_of(lead.get("/"))
        assert "South East assurance matrix" not in text_of(viewer.get("/"))
        assert "Change" not in text_of(viewer.get(paths(world)["plan"]))


@override_settings(CACHES=LOCMEM)
def test_a_rating_saved_and_an_area_added_show_on_the_matrix_at_once(world):
    cache.clear()
    client = signed_in(world["lead"])
    medway = world["areas"][MEDWAY]
    assert "Medway Amber" in text_of(client.get(MATRIX))
    rating = medway.assurance_ratings.get()
    assurance_ratings_save(
        area=medway,
        round_name="2017-18 Q2",
        edits=[
            RatingEdit(
                criterion="Plan agreed",
                status="R",
                comment="Plan withdrawn",
                seen_version=rating.version,
            )
        ],
        by=world["lead"],
    )
    text = text_of(client.get(MATRIX))
    assert "Medway Red" in text
    assert "Plan withdrawn" in text
    assert "Thurrock" not in text
    make_area("E06000034", "Thurrock", parent=world["region"])  # the area tree moves on
    assert "Thurrock" in text_of(client.get(MATRIX))


@override_settings(CACHES=LOCMEM)
def test_a_peers_value_and_a_peer_group_loaded_show_on_the_benchmarking_pages(world):
    cache.clear()
    client = signed_in(world["lead"])
    funnel, spine = paths(world)["metric benchmark"], paths(world)["benchmark"]

    def funnel_areas(path: str = funnel) -> set[str]:
        return {row[0] for row in charts(client.get(path))[0]["rows"][1:]}

    peer_figure = "Emergency admissions 65+ August 2017 238.01 183.10 High (0.001)"
    assert "Surrey" in funnel_areas()
    assert peer_figure in text_of(client.get(spine))
    # As an action's delete: the signal moves Surrey's version, one of the peers'.
    MetricValue.objects.get(area=world["areas"][SURREY], kind="actual").delete()
    assert "Surrey" not in funnel_areas()
    spine_text = text_of(client.get(spine))
    assert "Emergency admissions 65+ August 2017 238.01" in spine_text
    assert peer_figure not in spine_text

    neighbours = f"{funnel}&peers=kent-neighbours"
    assert client.get(neighbours).status_code == 404  # not loaded yet, and not kept
    load_neighbours(HAMPSHIRE)
    assert funnel_areas(neighbours) == {"Kent", "Hampshire"}
    load_neighbours(HAMPSHIRE, MEDWAY)  # the same group's members replaced
    assert funnel_areas(neighbours) == {"Kent", "Medway", "Hampshire"}
    assert "compared with Kent's statistical neighbours" in text_of(
        client.get(f"{spine}&peers=kent-neighbours")
    )


def load_neighbours(*codes: str) -> None:
    rows = [
        {"group": "kent-neighbours", "name": "Kent's statistical neighbours", "anchor": KENT,
         "member": code, "source": "CIPFA nearest neighbours (test)"}
        for code in codes
    ]  # fmt: skip
    peer_groups_load(groups=parse_peer_group_rows(rows, file_name="peers.csv"), by=None)


@override_settings(CACHES=LOCMEM)
def test_writes_through_the_actions_show_on_the_area_pages_at_once(world):
    cache.clear()
    manager = world["manager"]
    client = signed_in(manager)
    page = paths(world)
    assert "The national condition is met." in text_of(client.get(page["plan"]))
    condition = world["condition"]
    national_condition_update(
        condition=condition,
        met=False,
        statement="The section 75 agreement is signed in March.",
        seen_version=condition.version,
        by=manager,
    )
    plan = text_of(client.get(page["plan"]))
    assert "The section 75 agreement is signed in March." in plan
    assert "The national condition is met." not in plan

    assert "Recruit two reablement workers" not in text_of(client.get(page["activities"]))
    planned_activity_add(
        period=ReportingPeriod.objects.get(area=world["areas"][KENT], month=date(2017, 8, 1)),
        group="programme",
        text="Recruit two reablement workers",
        month=Month(2017, 9),
        by=manager,
    )
    assert "Recruit two reablement workers" in text_of(client.get(page["activities"]))

    milestone = world["milestone"]
    line = "M1: Recruit the team 30 Jun 2017 Red 62 days"
    assert line in text_of(client.get(page["scheme detail"]))
    milestone_update(
        milestone=milestone,
        changes={"completed_date": date(2017, 7, 31)},
        seen_version=milestone.version,
        by=manager,
    )
    detail = text_of(client.get(page["scheme detail"]))
    assert "M1: Recruit the team 30 Jun 2017 31 Jul 2017" in detail
    assert line not in detail


@override_settings(CACHES=LOCMEM)
def test_an_area_renamed_shows_on_the_home_page_at_once(world):
    cache.clear()
    client = signed_in(world["viewer"])
    assert "Medway" in text_of(client.get("/"))
    medway = world["areas"][MEDWAY]
    medway.name = "Medway Towns"
    medway.save()  # as an action's save: the area tree is shared data
    assert "Medway Towns" in text_of(client.get("/"))
