"""The risk register: the 5x5 heat map and table, and re-scoring a risk."""

from __future__ import annotations

import pytest

from bettercare.web.programmes.actions import ActionError, risk_update
from bettercare.web.programmes.models import Risk
from tests.factories import (
    KENT,
    make_area,
    make_period,
    make_region,
    make_risk,
    make_scheme,
    make_user,
)
from tests.integration.web.html import charts, count_queries, error_summary, text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/risks/"


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    make_period(kent, "2017-08")
    lead = make_user("lead", (kent, "scheme_lead"))
    scheme = make_scheme(kent, "BCF 1", "Rapid response", leads=[lead])
    other = make_scheme(kent, "BCF 2", "Care homes")
    workforce = make_risk(kent, "R1", likelihood=4, impact=5, previous_score=12, scheme=scheme)
    demand = make_risk(
        kent, "R2", title="Winter demand", likelihood=2, impact=3, previous_score=6, scheme=other
    )
    unscored = make_risk(kent, "R3", title="Data sharing", likelihood=None, impact=None)
    return {
        "kent": kent,
        "region": region,
        "workforce": workforce,
        "demand": demand,
        "unscored": unscored,
        "lead": lead,
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def form(risk: Risk, **changes: str) -> dict[str, str]:
    data = {
        "likelihood": str(risk.likelihood or ""),
        "impact": str(risk.impact or ""),
        "rating": risk.rating,
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "version": str(risk.version),
    }
    return {**data, **changes}


def test_the_register_shows_a_heat_map_and_each_risk_highest_first(client, world):
    client.force_login(world["viewer"])

    response = client.get(PAGE)

    assert response.status_code == 200
    [heatmap] = charts(response)
    assert heatmap["title"] == "Kent risks by likelihood and impact"
    assert len(heatmap["rows"]) == 4  # a header and the three risks, unscored included
    text = text_of(response)
    assert (
        "R1 Workforce shortages BCF 1 Sam Owner 4 Likely 5 Catastrophic 20 Extreme "
        "↑ Increased Recruit agency staff"
    ) in text
    assert "R2 Winter demand BCF 2 Sam Owner 2 Unlikely 3 Moderate 6 Moderate ↔ No change" in text
    assert "R3 Data sharing Sam Owner – – Not scored" in text
    assert text.index("R1 Workforce") < text.index("R2 Winter") < text.index("R3 Data")
    assert "Edit" not in text


def test_a_scheme_lead_rescores_a_risk_of_their_scheme(client, world):
    risk = world["workforce"]
    client.force_login(world["lead"])
    assert f'href="{PAGE}{risk.pk}/"' in client.get(PAGE).content.decode()
    assert f'href="{PAGE}{world["demand"].pk}/"' not in client.get(PAGE).content.decode()
    page = client.get(f"{PAGE}{risk.pk}/")
    assert page.status_code == 200
    assert f'href="/areas/{KENT}/history/risk/{risk.pk}/"' in page.content.decode()

    response = client.post(
        f"{PAGE}{risk.pk}/", form(risk, likelihood="3", impact="4", owner="Ali", mitigation="Bank")
    )

    assert response.status_code == 302
    assert response["Location"] == PAGE
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.owner, risk.mitigation) == (3, 4, "Ali", "Bank")
    assert risk.previous_score == 20  # the old score becomes the previous one
    assert risk.history.first().history_user == world["lead"]
    text = text_of(client.get(PAGE))
    assert "Risk R1 is saved." in text
    assert "R1 Workforce shortages BCF 1 Ali 3 Possible 4 Major 12 High ↓ Decreased Bank" in text


def test_a_missing_or_out_of_range_score_is_400_naming_the_field(client, world):
    risk = world["workforce"]
    client.force_login(world["manager"])

    response = client.post(f"{PAGE}{risk.pk}/", form(risk, likelihood="6", impact=""))

    assert response.status_code == 400
    assert error_summary(response) == [
        ("#likelihood", "Select the likelihood, between 1 (rare) and 5 (almost certain)"),
        ("#impact", "Select the impact, between 1 (negligible) and 5 (catastrophic)"),
    ]
    risk.refresh_from_db()
    assert (risk.likelihood, risk.version) == (4, 1)


def test_a_plan_rating_is_shown_beside_a_score_or_instead_of_one(client, world):
    kent = world["kent"]
    make_risk(kent, "R4", title="Care market", likelihood=None, impact=None, rating="medium")
    make_risk(kent, "R5", title="Estates", likelihood=1, impact=2, rating="high")
    client.force_login(world["viewer"])

    text = text_of(client.get(PAGE))

    # Scored risks first by score, then those only rated, then those with neither.
    assert "R5 Estates Sam Owner 1 Rare 2 Minor 2 Low Plan rating High" in text
    assert "R4 Care market Sam Owner – – Medium Plan rating, not scored" in text
    assert "R3 Data sharing Sam Owner – – Not scored" in text
    assert text.index("R5 Estates") < text.index("R4 Care market") < text.index("R3 Data")
    assert text.count("Not scored") == 1


def test_a_manager_rates_an_unscored_risk_without_scoring_it(client, world):
    risk = world["unscored"]
    client.force_login(world["manager"])
    page = text_of(client.get(f"{PAGE}{risk.pk}/"))
    assert "Score or rating now Not scored" in page
    assert "needs no likelihood or impact. Not rated High Medium Low Owner" in page

    response = client.post(f"{PAGE}{risk.pk}/", form(risk, rating="high"))

    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.rating, risk.likelihood, risk.impact, risk.previous_score) == (
        "high",
        None,
        None,
        None,
    )
    assert risk.history.first().history_user == world["manager"]
    assert "R3 Data sharing Sam Owner – – High Plan rating, not scored" in text_of(client.get(PAGE))
    history = text_of(client.get(f"/areas/{KENT}/history/risk/{risk.pk}/"))
    assert "risk reviewed Field From To Rating – High" in history


def test_without_a_rating_a_risk_needs_a_whole_score(client, world):
    risk = world["unscored"]
    client.force_login(world["manager"])

    unrated = client.post(f"{PAGE}{risk.pk}/", form(risk))
    half = client.post(f"{PAGE}{risk.pk}/", form(risk, rating="low", likelihood="2"))
    wrong = client.post(f"{PAGE}{risk.pk}/", form(risk, rating="severe"))

    assert unrated.status_code == half.status_code == wrong.status_code == 400
    assert error_summary(unrated) == [
        ("#likelihood", "Select the likelihood, between 1 (rare) and 5 (almost certain)"),
        ("#impact", "Select the impact, between 1 (negligible) and 5 (catastrophic)"),
    ]
    assert error_summary(half) == [
        ("#impact", "Select the impact, between 1 (negligible) and 5 (catastrophic)"),
    ]
    assert ("#rating", "Select High, Medium, Low or Not rated") in error_summary(wrong)
    risk.refresh_from_db()
    assert (risk.rating, risk.likelihood, risk.version) == ("", None, 1)


def test_a_stale_edit_is_409_and_saves_nothing(client, world):
    risk = world["workforce"]
    opened = form(risk)
    client.force_login(world["manager"])
    assert client.post(f"{PAGE}{risk.pk}/", form(risk, impact="2")).status_code == 302

    client.force_login(world["lead"])
    response = client.post(f"{PAGE}{risk.pk}/", {**opened, "likelihood": "1"})

    assert response.status_code == 409
    text = text_of(response)
    assert "This was changed by Manager after you opened it" in text
    assert "What you entered (not saved) Likelihood 1 Rare Impact 5 Catastrophic" in text
    assert 'name="version" value="2"' in response.content.decode()
    risk.refresh_from_db()
    assert (risk.likelihood, risk.impact, risk.version) == (4, 2, 2)


def test_a_viewer_may_not_edit(client, world):
    risk = world["workforce"]
    client.force_login(world["viewer"])
    assert client.get(f"{PAGE}{risk.pk}/").status_code == 403
    assert client.post(f"{PAGE}{risk.pk}/", form(risk, likelihood="1")).status_code == 403
    risk.refresh_from_db()
    assert risk.likelihood == 4


def test_a_scheme_lead_may_not_edit_another_schemes_risk(client, world):
    client.force_login(world["lead"])
    for name in ("demand", "unscored"):
        risk = world[name]
        assert client.post(f"{PAGE}{risk.pk}/", form(risk, owner="Me")).status_code == 403


def test_anonymous_users_are_sent_to_sign_in(client, world):
    for path in (PAGE, f"{PAGE}{world['workforce'].pk}/"):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_user_without_a_role_in_the_area_is_forbidden(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    client.force_login(make_user("stranger", (elsewhere, "programme_manager")))
    assert client.get(PAGE).status_code == 403
    assert client.post(f"{PAGE}{world['workforce'].pk}/", {}).status_code == 403


def test_unknown_areas_and_risks_are_not_found(client, world):
    elsewhere = make_area("E10000030", "Surrey", parent=world["region"])
    theirs = make_risk(elsewhere, "S1")
    client.force_login(world["manager"])
    assert client.get("/areas/E99999999/risks/").status_code == 404
    assert client.get(f"{PAGE}999999/").status_code == 404
    assert client.get(f"{PAGE}{theirs.pk}/").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_risks(client, world):
    client.force_login(world["lead"])
    small = count_queries(client, PAGE)
    kent = world["kent"]
    schemes = [make_scheme(kent, f"BCF {n}", f"Scheme {n}") for n in range(3, 8)]
    for n in range(25):
        make_risk(kent, f"X{n}", likelihood=1 + n % 5, impact=1 + n // 5, scheme=schemes[n % 5])
    assert count_queries(client, PAGE) == small


def test_the_action_keeps_a_rating_valid_and_a_score_whole(world):
    from bettercare.web.programmes.actions import ActionError, risk_update

    risk = world["unscored"]
    by = world["manager"]
    with pytest.raises(ActionError, match=r"^Rating must be High, Medium or Low, got 'severe'\.$"):
        risk_update(risk=risk, changes={"rating": "severe"}, seen_version=1, by=by)
    with pytest.raises(ActionError, match=r"^A risk needs both a likelihood and an impact"):
        risk_update(risk=risk, changes={"likelihood": 3}, seen_version=1, by=by)

    rated = risk_update(risk=risk, changes={"rating": " Medium "}, seen_version=1, by=by)
    assert (rated.rating, rated.version) == ("medium", 2)
    cleared = risk_update(risk=rated, changes={"rating": None}, seen_version=2, by=by)
    assert cleared.rating == ""
    assert [h.rating for h in cleared.history.order_by("history_id")] == ["", "medium", ""]


def test_an_owner_longer_than_the_register_holds_is_refused_by_the_form_and_the_action(
    client, world
):
    """ADR 0128: the field's max_length is the limit, in the form and in the action."""
    risk = world["workforce"]
    client.force_login(world["manager"])

    response = client.post(f"{PAGE}{risk.pk}/", form(risk, owner="O" * 201))

    assert response.status_code == 400
    assert error_summary(response) == [("#owner", "The owner must be 200 characters or fewer")]
    with pytest.raises(ActionError, match=r"^The owner must be at most 200 characters, not 201\.$"):
        risk_update(
            risk=risk, changes={"owner": "O" * 201}, seen_version=risk.version, by=world["manager"]
        )
    risk.refresh_from_db()
    assert (risk.owner, risk.version) == ("Sam Owner", 1)
