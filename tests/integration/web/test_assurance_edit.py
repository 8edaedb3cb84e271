"""The regional lead enters and changes assurance ratings; the matrix shows the headline
questions, qualified answers with their footnotes, the LA codes and the round's summary line."""

from __future__ import annotations

import pytest

from bettercare.web.assurance.actions import RatingEdit, assurance_ratings_save
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.programmes.actions import ActionError, StaleEditError
from tests.factories import (
    ICB_CODE,
    KENT,
    MEDWAY,
    REGION_CODE,
    make_area,
    make_rating,
    make_region,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

PAGE = f"/regions/{REGION_CODE}/assurance/"
EDIT = f"/regions/{REGION_CODE}/assurance/{KENT}/edit/?round=2017-18 Q2"


@pytest.fixture
def world():
    region = make_region()
    icb = make_area(ICB_CODE, "Kent and Medway ICB", parent=region, type="ICB")
    kent = make_area(KENT, "Kent", parent=icb)
    medway = make_area(MEDWAY, "Medway", parent=icb)
    for area, plan in ((kent, "G"), (medway, "A")):
        make_rating(area, "Plan agreed", plan)
        make_rating(area, "Pooled budget in place", "Y")
    return {
        "region": region,
        "kent": kent,
        "medway": medway,
        "lead": make_user("lead", (region, "regional_lead")),
    }


def _form(**changes: str) -> dict[str, str]:
    """The edit form as the page posts it: 0 high-risk, 1 sign-off, 2 plan, 3 pooled budget."""
    rating = {r.criterion: r for r in AssuranceRating.objects.filter(area__code=KENT)}
    data = {"round": "2017-18 Q2"}
    for index, criterion in enumerate(
        (
            "High-risk plan",
            "Recommended for final sign-off",
            "Plan agreed",
            "Pooled budget in place",
        )
    ):
        saved = rating.get(criterion)
        data[f"status-{index}"] = saved.status if saved else ""
        data[f"comment-{index}"] = saved.comment if saved else ""
        data[f"footnote-{index}"] = saved.footnote if saved else ""
        data[f"version-{index}"] = str(saved.version) if saved else ""
        if saved and saved.qualified:
            data[f"qualified-{index}"] = "yes"
    data.update(changes)
    return data


def test_the_matrix_gives_la_codes_and_counts_the_round(client, world):
    client.force_login(world["lead"])
    text = text_of(client.get(PAGE))
    assert "LA code Area Plan agreed Pooled budget in place" in text
    assert f"{KENT} Kent Green Yes" in text
    assert (
        "One area (Kent) has satisfied every criterion; the other is likely to require "
        "further monitoring." in text
    )


def test_a_regional_lead_answers_the_headline_questions_with_a_qualification(client, world):
    client.force_login(world["lead"])
    assert "Rate Kent" in text_of(client.get(EDIT))

    response = client.post(
        EDIT,
        _form(
            **{
                "status-0": "N",
                "qualified-0": "yes",
                "comment-0": "Plan well articulated",
                "footnote-0": "Impact on the acute trust not yet agreed.",
                "status-1": "Y",
            }
        ),
    )

    assert response.status_code == 302
    high_risk = AssuranceRating.objects.get(area__code=KENT, criterion="High-risk plan")
    assert (high_risk.status, high_risk.qualified, high_risk.footnote) == (
        "N",
        True,
        "Impact on the acute trust not yet agreed.",
    )
    assert high_risk.history.first().history_user == world["lead"]
    text = text_of(client.get(response["Location"]))
    assert (
        f"{KENT} Kent N* 1 Plan well articulated Y" in text
    )  # the answer, its footnote number, why, sign-off
    assert "Footnotes to qualified answers Impact on the acute trust not yet agreed." in text
    assert (
        "0 of 1 plans assessed as high risk (1 of the 1 answers qualified); 1 of 1 plans recommended"
        in text
    )


def test_a_qualifier_without_its_footnote_is_refused_and_nothing_is_written(client, world):
    client.force_login(world["lead"])
    response = client.post(EDIT, _form(**{"status-1": "Y", "qualified-1": "yes", "status-2": "R"}))
    assert response.status_code == 400
    assert "Recommended for final sign-off: a qualified answer (Y*) needs its footnote" in text_of(
        response
    )
    assert not AssuranceRating.objects.filter(criterion="Recommended for final sign-off").exists()
    assert AssuranceRating.objects.get(area__code=KENT, criterion="Plan agreed").status == "G"


def test_a_headline_question_takes_yes_or_no_only(world):
    with pytest.raises(ActionError, match="High-risk plan: the answer must be Y or N, not 'A'"):
        assurance_ratings_save(
            area=world["kent"],
            round_name="2017-18 Q2",
            edits=[RatingEdit("High-risk plan", "A")],
            by=world["lead"],
        )


def test_a_stale_form_is_refused_naming_who_saved_first(client, world):
    client.force_login(world["lead"])
    stale = _form(**{"status-2": "R", "comment-2": "Not agreed after all"})
    other = make_user("other-lead", (world["region"], "regional_lead"))
    other.first_name, other.last_name = "Olu", "Adeyemi"
    other.save()
    assurance_ratings_save(
        area=world["kent"],
        round_name="2017-18 Q2",
        edits=[RatingEdit("Plan agreed", "A", "Awaiting the board", seen_version=1)],
        by=other,
    )

    response = client.post(EDIT, stale)

    assert response.status_code == 409
    text = text_of(response)
    assert "changed by Olu Adeyemi after you opened it, so your changes have not been saved" in text
    assert "What you entered (not saved) Criterion Rating Comment Plan agreed R Not agreed" in text
    saved = AssuranceRating.objects.get(area__code=KENT, criterion="Plan agreed")
    assert (saved.status, saved.comment, saved.version) == ("A", "Awaiting the board", 2)


def test_with_an_unchanged_form_nothing_is_written(world):
    before = AssuranceRating.history.count()
    with pytest.raises(StaleEditError):
        assurance_ratings_save(
            area=world["kent"],
            round_name="2017-18 Q2",
            edits=[RatingEdit("Plan agreed", "G", seen_version=None)],  # it exists: stale
            by=world["lead"],
        )
    assurance_ratings_save(
        area=world["kent"],
        round_name="2017-18 Q2",
        edits=[RatingEdit("Plan agreed", "G", seen_version=1)],
        by=world["lead"],
    )
    assert AssuranceRating.history.count() == before


@pytest.mark.parametrize("role", ["viewer", "programme_manager"])
def test_only_regional_leads_may_rate(client, world, role):
    client.force_login(make_user("someone", (world["region"], role)))
    assert client.get(EDIT).status_code == 403


def test_an_area_outside_the_region_cannot_be_rated(client, world):
    other_region = make_region("E40000009", "London")
    make_area("E09000001", "City of London", parent=other_region)
    client.force_login(world["lead"])
    assert client.get(f"/regions/{REGION_CODE}/assurance/E09000001/edit/").status_code == 404
