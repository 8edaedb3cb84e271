"""The plan endpoint (ADR 0112): each year's pooled fund, protection split, plan details and
pay for performance, as the finance and plan pages show them."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_region,
    make_scheme,
    make_scheme_finance,
    make_user,
)
from tests.factories.plan import (
    make_condition,
    make_p4p,
    make_payment,
    make_plan_details,
    make_sign_off,
)

pytestmark = pytest.mark.django_db


def test_the_plan_of_each_year(client):
    kent = make_area(KENT, "Kent", parent=make_region())
    make_funding(kent, "BCF", budget="42600000")
    make_funding(kent, "DFG", budget="3300000", part_of="BCF", passported_to="Kent districts")
    make_funding(kent, "iBCF", budget="9500000")
    make_funding(kent, "Extra", budget="100000", pooled=False)
    scheme = make_scheme(kent, "BCF 1", "Crisis response")
    make_scheme_finance(
        scheme, "spend", recurrent="7690000", non_recurrent="0", protection="nhs_out_of_hospital"
    )
    make_plan_details(kent, submitted_on=date(2017, 9, 8))
    make_sign_off(kent, "Kent County Council", signed_by="A Person", position="Director")
    make_condition(kent, "Data sharing", met=False, statement="By March.")
    make_p4p(kent, "Care homes", planned_savings="468000", maximum_support="468000")
    make_payment(kent, "October 2015 payment", available="1000", planned="4", achieved="3")
    client.force_login(make_user("viewer", (kent, "viewer")))

    response = client.get(f"/api/areas/{KENT}/plan")

    assert response.status_code == 200
    p4p_year, year = response.json()
    assert p4p_year["financial_year"] == "2015-16"
    assert p4p_year["pooled_fund"] is None
    assert p4p_year["pay_for_performance"] == [
        {
            "metric": "Care homes",
            "planned_savings": 468000.0,
            "maximum_support": 468000.0,
            "ongoing_savings": None,
            "ongoing_support": None,
            "basis": "",
        }
    ]
    assert p4p_year["performance_payments"] == [
        {
            "period": "October 2015 payment",
            "covers": "",
            "available": 1000.0,
            "planned_reduction": 4.0,
            "achieved_reduction": 3.0,
            "due": 750.0,
        }
    ]
    assert year["financial_year"] == "2017-18"
    assert (year["pooled_fund"], year["retained"]) == (52_100_000.0, 48_800_000.0)
    assert year["passported"] == [{"stream": "DFG", "to": "Kent districts", "amount": 3_300_000.0}]
    assert year["outside_pool"] == [{"stream": "Extra", "amount": 100_000.0}]
    assert year["protection"] == [
        {
            "category": "nhs_out_of_hospital",
            "label": "NHS-commissioned out-of-hospital services",
            "amount": 7_690_000.0,
        },
        {"category": "social_care", "label": "Social care maintenance", "amount": 0.0},
    ]
    assert year["submitted_on"] == "2017-09-08"
    assert year["national_conditions_summary"] == "The national condition is not met"
    assert year["sign_offs"] == [
        {
            "on_behalf_of": "Kent County Council",
            "signed_by": "A Person",
            "position": "Director",
            "signed_on": None,
        }
    ]
    assert year["national_conditions"] == [
        {"condition": "Data sharing", "met": False, "statement": "By March."}
    ]


def test_another_areas_plan_is_forbidden(client):
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    other = make_area("E10000018", "Leicestershire", parent=region)
    client.force_login(make_user("viewer", (other, "viewer")))
    assert client.get(f"/api/areas/{kent.code}/plan").status_code in (403, 404)
