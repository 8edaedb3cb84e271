"""GET /api/areas/{code}/metrics/{metric}/benchmark: the funnel, scoped like the pages."""

from __future__ import annotations

import pytest

from bettercare.core.funnel import funnel_significance
from tests.factories import (
    BRIGHTON,
    FIGURES,
    HAMPSHIRE,
    KENT,
    MEDWAY,
    SURREY,
    SUSSEX,
    make_benchmark_world,
    make_user,
)

pytestmark = pytest.mark.django_db
URL = f"/api/areas/{KENT}/metrics/admissions/benchmark?period=2017-08"


@pytest.fixture
def world():
    return make_benchmark_world()


def labels() -> dict[str, str]:
    codes = list(FIGURES)
    numerators = [FIGURES[c][1] for c in codes]
    denominators = [FIGURES[c][2] for c in codes]
    found = funnel_significance(
        numerators,
        denominators,
        statistic="rate",
        multiplier=100_000,
        rate=[n / d * 100_000 for n, d in zip(numerators, denominators, strict=True)],
        rate_type="crude",
    )
    return dict(zip(codes, found, strict=True))


def test_a_regional_lead_gets_every_area_with_its_label_and_the_funnel(client, world):
    client.force_login(make_user("lead", (world["region"], "regional_lead")))

    response = client.get(URL)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["metric"] == "admissions"
    assert body["peers"] == {
        "key": "region",
        "name": "South East region",
        "description": "The Health and Wellbeing Board areas of South East",
        "areas": 6,
    }
    assert body["contributing"] == 6
    assert body["hidden"] == 0
    by_code = {area["code"]: area for area in body["areas"]}
    assert set(by_code) == set(FIGURES)
    expected = labels()
    for code in (KENT, MEDWAY, SURREY, SUSSEX, HAMPSHIRE):
        assert by_code[code]["significance"] == expected[code]
        assert by_code[code]["numerator"] == FIGURES[code][1]
    assert by_code[BRIGHTON] == {
        "code": BRIGHTON,
        "name": "Brighton and Hove",
        "numerator": None,
        "denominator": None,
        "value": None,
        "lower": None,
        "upper": None,
        "significance": None,
        "suppressed": True,
    }
    funnel = body["funnel"]
    assert funnel["statistic"] == "rate (crude per 100,000)"
    assert len(funnel["axis"]) == len(funnel["lower_3s"]) == 100
    pooled = sum(f[1] for f in FIGURES.values()) / sum(f[2] for f in FIGURES.values()) * 1e5
    assert funnel["baseline"] == pytest.approx(pooled)
    assert body["peer_value"] == pytest.approx(pooled)


def test_an_icb_viewer_gets_only_kent_and_medway(client, world):
    client.force_login(make_user("viewer", (world["icb"], "viewer")))

    body = client.get(URL).json()

    assert [area["code"] for area in body["areas"]] == [KENT, MEDWAY]
    assert body["hidden"] == 4
    assert {a["significance"] for a in body["areas"]} == {labels()[KENT], labels()[MEDWAY]}


def test_another_areas_benchmark_is_forbidden_and_unknowns_are_not_found(client, world):
    client.force_login(make_user("outsider", (world["areas"][SURREY], "viewer")))

    assert client.get(URL).status_code == 403
    assert client.get(URL + "&peers=nowhere").status_code == 403  # the area is checked first
    client.force_login(make_user("lead", (world["region"], "regional_lead")))
    missing = client.get(URL + "&peers=nowhere")
    assert missing.status_code == 404
    assert "no peer set 'nowhere'" in missing.json()["detail"]
    assert client.get(URL.replace("admissions", "nothing")).status_code == 404
    assert client.get(URL.replace("2017-08", "2017-8")).status_code == 422


def test_without_credentials_the_benchmark_answers_401(client, world):
    assert client.get(URL).status_code == 401
