"""The finance page and the finance lead's edits: forecast outturn and savings achieved."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_period,
    make_region,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_user,
)
from tests.integration.web.html import charts, count_queries, error_summary, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/finance/"


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    make_period(kent, "2017-07", state="signed_off")
    make_period(kent, "2017-08")
    bcf = make_funding(kent, "BCF", budget="1000000", forecast="1050000", minimum="800000")
    ibcf = make_funding(kent, "iBCF", budget="500000", organisation="Kent County Council")
    rapid = make_scheme(kent, "BCF 1", "Rapid response")
    homes = make_scheme(kent, "BCF 2", "Care homes")
    make_scheme_finance(rapid, "spend", recurrent="100000", non_recurrent="20000")
    make_scheme_finance(rapid, "benefit", recurrent="-30000", non_recurrent="-5000")
    make_scheme_finance(homes, "spend", recurrent="200000", non_recurrent="0")
    make_scheme_finance(homes, "benefit", recurrent="-50000", non_recurrent="0")
    make_scheme_finance(rapid, "spend", year="2016-17", recurrent="90000", non_recurrent="10000")
    plan = make_savings_plan(kent, target="1200000", achieved="400000")
    return {
        "kent": kent,
        "region": region,
        "bcf": bcf,
        "ibcf": ibcf,
        "plan": plan,
        "finance_lead": make_user("finance", (kent, "finance_lead")),
        "manager": make_user("manager", (kent, "programme_manager")),
        "lead": make_user("lead", (kent, "scheme_lead")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def test_the_page_shows_funding_scheme_money_and_savings_for_the_latest_year(client, world):
    client.force_login(world["viewer"])

    response = client.get(PAGE)

    assert response.status_code == 200
    funding, savings = charts(response)
    assert funding["title"] == "Kent funding streams, 2017-18: budget and forecast outturn"
    assert [row[0] for row in funding["rows"][1:]] == ["BCF", "iBCF (Kent County Council)"]
    assert savings["title"] == "Savings achieved against the 2017-18 plan"
    text = text_of(response)
    assert "Finance, 2017-18" in text
    assert "BCF £1,000,000 £800,000 £1,050,000 £50,000" in text
    assert "iBCF Kent County Council £500,000 – – –" in text
    assert "Total £1,500,000 £800,000 – –" in text
    assert "The total forecast is shown once every stream has one." in text
    # Scheme lines for the year, with totals that add up.
    assert "BCF 1: Rapid response £100,000 £20,000 £120,000 -£30,000 -£5,000 -£35,000" in text
    assert "BCF 2: Care homes £200,000 £0 £200,000 -£50,000 £0 -£50,000" in text
    assert "Total £300,000 £20,000 £320,000 -£80,000 -£5,000 -£85,000" in text
    assert "2016-17 £90,000 £10,000 £100,000 £0 £0 £0" in text
    # Five months in, £500,000 was planned; £400,000 is 20% short.
    assert "£400,000 achieved of £1,200,000" in text
    assert "Judged at the end of August 2017: Red" in text
    assert "Update forecast" not in text
    assert "Update the savings achieved" not in text


def test_another_year_can_be_chosen(client, world):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?year=2016-17")
    assert response.status_code == 200
    text = text_of(response)
    assert "Finance, 2016-17" in text
    assert "No funding recorded for 2016-17." in text
    assert "BCF 1: Rapid response £90,000 £10,000 £100,000 £0 £0 £0" in text
    assert "No savings plan recorded for 2016-17." in text
    assert client.get(f"{PAGE}?year=2016-18").status_code == 404


def test_the_finance_lead_records_a_forecast_outturn(client, world):
    ibcf = world["ibcf"]
    client.force_login(world["finance_lead"])
    assert f'href="{PAGE}funding/{ibcf.pk}/"' in client.get(PAGE).content.decode()
    assert client.get(f"{PAGE}funding/{ibcf.pk}/").status_code == 200

    response = client.post(
        f"{PAGE}funding/{ibcf.pk}/", {"forecast_outturn": "£480,000", "version": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?year=2017-18"
    ibcf.refresh_from_db()
    assert (ibcf.forecast_outturn, ibcf.version) == (Decimal("480000"), 2)
    assert ibcf.history.first().history_user == world["finance_lead"]
    text = text_of(client.get(PAGE))
    assert "Total £1,500,000 £800,000 £1,530,000 £30,000" in text


def test_the_programme_manager_records_the_savings_achieved(client, world):
    plan = world["plan"]
    client.force_login(world["manager"])

    response = client.post(
        f"{PAGE}savings/{plan.pk}/", {"achieved_to_date": "550000", "version": "1"}
    )

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.achieved_to_date == Decimal("550000")
    assert "Judged at the end of August 2017: Green" in text_of(client.get(PAGE))


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (
            "funding",
            {"forecast_outturn": "lots"},
            (
                "#forecast_outturn",
                "Enter an amount in pounds, like £250,000 (is not an amount of money)",
            ),
        ),
        (
            "savings",
            {"achieved_to_date": ""},
            ("#achieved_to_date", "Enter the savings achieved to date, like £250,000"),
        ),
        (
            "savings",
            {"achieved_to_date": "-£5"},
            ("#achieved_to_date", "The savings achieved must be £0 or more"),
        ),
    ],
)
def test_an_invalid_amount_is_400_naming_the_field(client, world, kind, data, expected):
    row = world["ibcf"] if kind == "funding" else world["plan"]
    client.force_login(world["finance_lead"])

    response = client.post(f"{PAGE}{kind}/{row.pk}/", {**data, "version": "1"})

    assert response.status_code == 400
    assert error_summary(response) == [expected]
    row.refresh_from_db()
    assert row.version == 1


def test_a_stale_edit_is_409_and_saves_nothing(client, world):
    bcf = world["bcf"]
    client.force_login(world["manager"])
    client.post(f"{PAGE}funding/{bcf.pk}/", {"forecast_outturn": "990000", "version": "1"})

    client.force_login(world["finance_lead"])
    response = client.post(
        f"{PAGE}funding/{bcf.pk}/", {"forecast_outturn": "1100000", "version": "1"}
    )

    assert response.status_code == 409
    text = text_of(response)
    assert "This was changed by Manager after you opened it" in text
    assert "You entered £1,100,000, which was not saved." in text
    assert 'name="version" value="2"' in response.content.decode()
    bcf.refresh_from_db()
    assert bcf.forecast_outturn == Decimal("990000")


@pytest.mark.parametrize("who", ["viewer", "lead"])
def test_only_the_programme_manager_and_finance_lead_may_edit(client, world, who):
    bcf, plan = world["bcf"], world["plan"]
    client.force_login(world[who])
    assert client.get(f"{PAGE}funding/{bcf.pk}/").status_code == 403
    assert (
        client.post(f"{PAGE}funding/{bcf.pk}/", {"forecast_outturn": "1", "version": "1"})
    ).status_code == 403
    assert (
        client.post(f"{PAGE}savings/{plan.pk}/", {"achieved_to_date": "1", "version": "1"})
    ).status_code == 403
    bcf.refresh_from_db()
    plan.refresh_from_db()
    assert (bcf.version, plan.version) == (1, 1)


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for path in (PAGE, f"{PAGE}funding/{world['bcf'].pk}/", f"{PAGE}savings/{world['plan'].pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_in_the_area_is_forbidden(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    client.force_login(make_user("stranger", (elsewhere, "finance_lead")))
    assert client.get(PAGE).status_code == 403
    assert client.get(f"{PAGE}funding/{world['bcf'].pk}/").status_code == 403


def test_unknown_areas_and_rows_are_not_found(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    theirs = make_funding(elsewhere, "BCF")
    client.force_login(world["finance_lead"])
    assert client.get("/areas/E99999999/finance/").status_code == 404
    assert client.get(f"{PAGE}funding/999999/").status_code == 404
    assert client.get(f"{PAGE}funding/{theirs.pk}/").status_code == 404
    assert client.get(f"{PAGE}savings/999999/").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_rows(client, world):
    client.force_login(world["finance_lead"])
    small = count_queries(client, PAGE)
    kent = world["kent"]
    for n in range(6):
        make_funding(kent, f"Stream {n}", budget="1000", forecast="900")
        scheme = make_scheme(kent, f"BCF {n + 3}", f"Scheme {n}")
        for year in ("2015-16", "2016-17", "2017-18"):
            make_scheme_finance(scheme, "spend", year=year, recurrent="10", non_recurrent="5")
            make_scheme_finance(scheme, "benefit", year=year, recurrent="-1", non_recurrent="0")
    make_savings_plan(kent, year="2016-17")
    assert count_queries(client, PAGE) == small
