"""The regional assurance matrix: areas by criteria for a round, for regional leads only."""

from __future__ import annotations

import pytest

from tests.factories import (
    ICB_CODE,
    KENT,
    MEDWAY,
    REGION_CODE,
    make_area,
    make_period,
    make_programme_status,
    make_rating,
    make_region,
    make_user,
)
from tests.integration.web.html import count_queries, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/regions/{REGION_CODE}/assurance/"


@pytest.fixture
def world():
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    kent = make_area(KENT, "Kent", parent=icb)
    medway = make_area(MEDWAY, "Medway", parent=icb)
    surrey = make_area("E10000030", "Surrey", parent=region)
    for area, plan, comment in (
        (kent, "G", ""),
        (medway, "A", "Plan awaits sign-off"),
        (surrey, "R", "No agreed plan"),
    ):
        make_rating(area, "Plan agreed", plan, comment=comment)
        make_rating(area, "Pooled budget in place", "Y" if area is kent else "N")
        make_rating(area, "Plan agreed", "R", round="2017-18 Q1", comment="Early days")
    period = make_period(kent, "2017-08")
    make_programme_status(period, plan="G", benefits="A", budget="R")
    return {
        "region": region,
        "kent": kent,
        "surrey": surrey,
        "lead": make_user("lead", (region, "regional_lead")),
    }


def test_a_regional_lead_sees_every_area_rated_against_each_criterion(client, world):
    client.force_login(world["lead"])

    response = client.get(PAGE)

    assert response.status_code == 200
    text = text_of(response)
    assert "Assurance matrix, 2017-18 Q2" in text
    assert "Area Plan agreed Pooled budget in place Latest programme status" in text
    assert "Kent Green Yes August 2017: Plan G, Benefits A, Budget R" in text
    assert "Medway Amber Plan awaits sign-off No No programme status reported" in text
    assert "Surrey Red No agreed plan No No programme status reported" in text
    html = response.content.decode()
    # Tags carry words as well as colour.
    assert '<strong class="nhsuk-tag nhsuk-tag--red bc-rag bc-rag--N">No</strong>' in html
    for code in (KENT, MEDWAY, "E10000030"):
        assert f'href="/areas/{code}/"' in html
    assert '<option value="2017-18 Q1" >2017-18 Q1</option>' in html


def test_an_earlier_round_can_be_chosen(client, world):
    client.force_login(world["lead"])
    response = client.get(f"{PAGE}?round=2017-18 Q1")
    assert response.status_code == 200
    text = text_of(response)
    assert "Assurance matrix, 2017-18 Q1" in text
    assert "Kent Red Early days" in text
    assert "Pooled budget in place" not in text
    assert client.get(f"{PAGE}?round=2030-31 Q9").status_code == 404


def test_one_summary_line_under_each_group_of_criteria(client, world):
    """As seed 004 sums up its tables: the national conditions, then the overall assessment,
    each counted from the ratings (Medway, not rated in this round, satisfies neither)."""
    for area, condition, finance in ((world["kent"], "Y", "A"), (world["surrey"], "N", "G")):
        make_rating(area, "NC1: Plan jointly agreed", condition, round="2018-19 Q1")
        make_rating(area, "Finance: pooled budget", finance, round="2018-19 Q1")
    client.force_login(world["lead"])
    text = text_of(client.get(f"{PAGE}?round=2018-19 Q1"))
    assert (
        "National conditions Only one area (Kent) has satisfied every national condition; the "
        "other 2 are likely to require further monitoring. Overall assessment Only one area "
        "(Surrey) has satisfied every criterion of the overall assessment; the other 2 are "
        "likely to require further monitoring."
    ) in text
    # A round of criteria of one group has one line.
    earlier = text_of(client.get(f"{PAGE}?round=2017-18 Q1"))
    assert "Overall assessment No area has satisfied every criterion of the overall" in earlier
    assert "National conditions" not in earlier


@pytest.mark.parametrize("role", ["viewer", "programme_manager"])
def test_other_roles_in_the_region_are_forbidden(client, world, role):
    client.force_login(make_user("someone", (world["region"], role)))
    assert client.get(PAGE).status_code == 403


def test_an_area_lead_is_forbidden(client, world):
    client.force_login(make_user("kent-manager", (world["kent"], "programme_manager")))
    assert client.get(PAGE).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, world):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("code", ["E12999999", KENT, ICB_CODE])
def test_codes_that_are_not_regions_are_not_found(client, world, code):
    client.force_login(world["lead"])
    assert client.get(f"/regions/{code}/assurance/").status_code == 404


def test_the_number_of_queries_does_not_grow_with_areas_or_ratings(client, world):
    client.force_login(world["lead"])
    small = count_queries(client, PAGE)
    for n in range(8):
        area = make_area(f"E1000005{n}", f"Extra {n}", parent=world["region"])
        for criterion in ("Plan agreed", "Pooled budget in place", "Narrative", "Metrics set"):
            make_rating(area, criterion, "G")
        make_programme_status(make_period(area, "2017-08"), plan="A", benefits="G", budget="G")
    assert count_queries(client, PAGE) == small
