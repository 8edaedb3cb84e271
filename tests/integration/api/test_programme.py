"""Schemes, milestones, risks and funding: the values the pages show, as JSON."""

from datetime import date
from decimal import Decimal

import pytest

from bettercare.core.periods import Month
from bettercare.web.programmes.actions import DimensionReturn, planned_activity_add
from tests.factories import (
    describe_scheme,
    make_funding,
    make_milestone,
    make_period,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_theme,
    make_user,
    save_return,
)

pytestmark = pytest.mark.django_db

DIMENSIONS = ("savings", "milestones", "finance", "metrics")


@pytest.fixture
def viewer(client, areas):
    client.force_login(make_user("viewer", (areas.leicestershire, "viewer")))
    return client


# -- schemes ---------------------------------------------------------------------------------


def test_each_scheme_carries_its_full_description(viewer, areas):
    from bettercare.core.scheme_description import DeliveryPartner, Investment, LocalKpi

    area = areas.leicestershire
    scheme = make_scheme(area, "BCF 1", "Risk stratification")
    describe_scheme(
        scheme,
        objective="Proactive care.",
        partners=(
            DeliveryPartner("Leicester City CCG", "commissioner", "Pays the licence fee"),
            DeliveryPartner("Johns Hopkins University", "provider"),
        ),
        investments=(
            Investment("2015-16", Decimal("54000")),
            Investment("2014-15", Decimal("54000.5")),
        ),
        kpis=(
            LocalKpi("Care plans agreed", "practice", "weekly", Decimal(80), "%", "Practice"),
            LocalKpi("Dementia diagnoses", "area", "monthly"),
        ),
    )
    make_scheme(area, "BCF 2", "Lifestyle hub")
    make_period(area, "2017-08")
    first, second = viewer.get("/api/areas/E10000018/schemes").json()
    assert first["description"] == {
        "strategic_objective": "Proactive care.",
        "overview": "",
        "target_cohorts": [],
        "delivery_chain": [
            {
                "organisation": "Leicester City CCG",
                "role": "commissioner",
                "responsibility": "Pays the licence fee",
            },
            {"organisation": "Johns Hopkins University", "role": "provider", "responsibility": ""},
        ],
        "evidence_base": "",
        "investment": [
            {"financial_year": "2014-15", "amount": 54000.5},
            {"financial_year": "2015-16", "amount": 54000.0},
        ],
        "metrics_impacted": [],
        "outcomes": "",
        "local_kpis": [
            {
                "name": "Care plans agreed",
                "level": "practice",
                "target": 80.0,
                "unit": "%",
                "cadence": "weekly",
                "reported_to": "Practice",
            },
            {
                "name": "Dementia diagnoses",
                "level": "area",
                "target": None,
                "unit": "",
                "cadence": "monthly",
                "reported_to": "",
            },
        ],
        "success_factors": [],
    }
    assert second["description"]["delivery_chain"] == []
    assert second["description"]["local_kpis"] == []


@pytest.fixture
def schemes(areas):
    area = areas.leicestershire
    theme = make_theme(area, "T1", "Integrated urgent response")
    first = make_scheme(area, "BCF 1", "Rapid response", theme=theme, lead="Jo Bloggs")
    make_scheme(area, "BCF 2", "Carers' support", lead="Jo Bloggs")  # no theme, no return
    july = make_period(area, "2017-07")
    august = make_period(area, "2017-08")
    save_return(first, july, {d: DimensionReturn(status="G") for d in DIMENSIONS})
    save_return(
        first,
        august,
        {
            "savings": DimensionReturn(
                status="A",
                commentary="Savings are 6% behind plan.",
                additional_information="Recovery plan agreed.",
                savings_achieved=Decimal("12345.60"),
            ),
            "milestones": DimensionReturn(
                status="NA",
                commentary="Not due to start.",
                additional_information="Recovery plan agreed.",
                start_date=date(2017, 10, 1),
            ),
            "finance": DimensionReturn(
                status="R",
                commentary="Overspent by 12%.",
                additional_information="Recovery plan agreed.",
                forecast_outturn=Decimal("1120000.00"),
            ),
            "metrics": DimensionReturn(status="G", additional_information="Recovery plan agreed."),
        },
    )


def test_schemes_of_the_latest_period_with_statuses_and_commentary(viewer, schemes):
    response = viewer.get("/api/areas/E10000018/schemes")
    assert response.status_code == 200
    first, second = response.json()
    assert {k: v for k, v in first.items() if k not in ("statuses", "description")} == {
        "period": "2017-08",
        "period_state": "open",
        "ref": "BCF 1",
        "name": "Rapid response",
        "theme": "T1",
        "theme_name": "Integrated urgent response",
        "lead": "Jo Bloggs",
        "enabler": False,
    }
    assert first["statuses"] == {
        "savings": {
            "status": "A",
            "commentary": "Savings are 6% behind plan.",
            "additional_information": "Recovery plan agreed.",
            "start_date": None,
            "forecast_outturn": None,
            "savings_achieved": 12345.6,
        },
        "milestones": {
            "status": "NA",
            "commentary": "Not due to start.",
            "additional_information": "Recovery plan agreed.",
            "start_date": "2017-10-01",
            "forecast_outturn": None,
            "savings_achieved": None,
        },
        "finance": {
            "status": "R",
            "commentary": "Overspent by 12%.",
            "additional_information": "Recovery plan agreed.",
            "start_date": None,
            "forecast_outturn": 1120000.0,
            "savings_achieved": None,
        },
        "metrics": {
            "status": "G",
            "commentary": "",
            "additional_information": "Recovery plan agreed.",
            "start_date": None,
            "forecast_outturn": None,
            "savings_achieved": None,
        },
    }
    assert second["ref"] == "BCF 2"
    assert second["theme"] is None
    assert second["statuses"] == dict.fromkeys(DIMENSIONS)


def test_schemes_of_a_chosen_period(viewer, schemes):
    answer = viewer.get("/api/areas/E10000018/schemes", {"period": "2017-07"}).json()
    assert answer[0]["period"] == "2017-07"
    assert {d: s["status"] for d, s in answer[0]["statuses"].items()} == dict.fromkeys(
        DIMENSIONS, "G"
    )


def test_schemes_of_a_month_nobody_opened_show_no_returns(viewer, schemes):
    response = viewer.get("/api/areas/E10000018/schemes", {"period": "2018-01"})
    assert response.status_code == 200
    answer = response.json()
    assert answer
    assert {s["period"] for s in answer} == {"2018-01"}
    assert {s["period_state"] for s in answer} == {"not_opened"}
    assert all(status is None for s in answer for status in s["statuses"].values())


def test_schemes_of_a_month_outside_the_plan_is_404(viewer, schemes):
    response = viewer.get("/api/areas/E10000018/schemes", {"period": "2099-01"})
    assert response.status_code == 404
    detail = response.json()["detail"]
    assert detail.startswith("Leicestershire (E10000018) reports months from ")
    assert detail.endswith("; got 2099-01")


def test_schemes_of_an_area_without_periods_is_an_empty_list(viewer, areas):
    response = viewer.get("/api/areas/E10000018/schemes")
    assert response.status_code == 200
    assert response.json() == []


# -- milestones ------------------------------------------------------------------------------


@pytest.fixture
def milestones(areas):
    area = areas.leicestershire
    scheme = make_scheme(area, "BCF 1", "Rapid response")
    make_period(area, "2017-08")
    make_milestone(area, "M1", title="Milestone M1", baseline=date(2017, 10, 1))
    make_milestone(
        area,
        "M2",
        title="Milestone M2",
        baseline=date(2017, 8, 1),
        revised=date(2017, 9, 15),
        scheme=scheme,
    )
    make_milestone(
        area,
        "M3",
        title="Milestone M3",
        baseline=date(2017, 8, 21),
        comments="Waiting for the estates team.",
    )
    make_milestone(
        area, "M4", title="Milestone M4", baseline=date(2017, 6, 1), completed=date(2017, 6, 11)
    )


def test_milestones_slippage_and_rag_at_the_latest_period(viewer, milestones):
    response = viewer.get("/api/areas/E10000018/milestones")
    assert response.status_code == 200
    answer = {m["ref"]: m for m in response.json()}
    assert [m["ref"] for m in response.json()] == ["M4", "M2", "M3", "M1"]  # by baseline
    assert {ref: (m["slippage_days"], m["status"]) for ref, m in answer.items()} == {
        "M1": (0, "G"),  # not due yet
        "M2": (45, "R"),  # revised to 45 days after its baseline
        "M3": (10, "A"),  # 10 days overdue at 31 August
        "M4": (10, "complete"),  # completed 10 days late
    }
    assert answer["M2"] == {
        "ref": "M2",
        "title": "Milestone M2",
        "scheme": "BCF 1",
        "baseline_date": "2017-08-01",
        "revised_date": "2017-09-15",
        "completed_date": None,
        "as_at": "2017-08-31",
        "slippage_days": 45,
        "status": "R",
        "comments": "",
    }
    assert answer["M3"]["comments"] == "Waiting for the estates team."


def test_milestones_at_a_later_month_have_slipped_further(viewer, milestones):
    answer = {
        m["ref"]: m
        for m in viewer.get("/api/areas/E10000018/milestones", {"period": "2017-10"}).json()
    }
    assert (answer["M3"]["slippage_days"], answer["M3"]["status"]) == (71, "R")
    assert (answer["M1"]["slippage_days"], answer["M1"]["status"]) == (30, "A")
    assert answer["M1"]["as_at"] == "2017-10-31"


# -- planned activities ----------------------------------------------------------------------


def test_planned_activities_of_the_period_by_group(viewer, areas):
    area = areas.leicestershire
    august = make_period(area, "2017-08")
    for group, text, month in (
        ("enablers", "LLR Points of Access – business case completed", None),
        ("programme", "BCF Quarterly Report to NHSE", Month(2017, 10)),
        ("schemes", "HTLAH – new lots commence", None),
        ("programme", "IBCF Quarterly Report to DCLG", None),
    ):
        planned_activity_add(period=august, group=group, text=text, month=month, by=None)
    response = viewer.get("/api/areas/E10000018/activities", {"period": "2017-08"})
    assert response.status_code == 200
    assert response.json() == [
        {
            "group": "programme",
            "group_label": "Programme management",
            "text": "BCF Quarterly Report to NHSE",
            "month": "2017-10",
        },
        {
            "group": "programme",
            "group_label": "Programme management",
            "text": "IBCF Quarterly Report to DCLG",
            "month": None,
        },
        {
            "group": "schemes",
            "group_label": "Schemes",
            "text": "HTLAH – new lots commence",
            "month": None,
        },
        {
            "group": "enablers",
            "group_label": "Enablers",
            "text": "LLR Points of Access – business case completed",
            "month": None,
        },
    ]


# -- risks -----------------------------------------------------------------------------------


def test_risks_score_band_and_trend(viewer, areas):
    area = areas.leicestershire
    scheme = make_scheme(area, "BCF 1", "Rapid response")
    bare = {"owner": "", "mitigation": ""}  # as the plan leaves them
    make_risk(
        area,
        "R1",
        title="Risk R1",
        likelihood=4,
        impact=4,
        previous_score=12,
        owner="Finance director",
        mitigation="",
    )
    make_risk(
        area, "R2", title="Risk R2", likelihood=2, impact=3, previous_score=9, scheme=scheme, **bare
    )
    make_risk(
        area,
        "R3",
        title="Risk R3",
        likelihood=None,
        impact=None,
        as_at=date(2017, 8, 14),
        rating="medium",
        **bare,
    )
    make_risk(
        area,
        "R4",
        title="Risk R4",
        likelihood=3,
        impact=4,
        previous_score=12,
        rating="high",
        **bare,
    )
    make_risk(area, "R5", title="Risk R5", likelihood=1, impact=2, **bare)

    response = viewer.get("/api/areas/E10000018/risks")

    assert response.status_code == 200
    answer = response.json()
    assert [(r["ref"], r["score"], r["band"], r["previous_score"], r["trend"]) for r in answer] == [
        ("R1", 16, "extreme", 12, "increased"),
        ("R2", 6, "moderate", 9, "decreased"),
        ("R3", None, None, None, None),
        ("R4", 12, "high", 12, "no_change"),
        ("R5", 2, "low", None, None),
    ]
    assert answer[0] == {
        "ref": "R1",
        "title": "Risk R1",
        "description": "",
        "mitigation": "",
        "owner": "Finance director",
        "likelihood": 4,
        "impact": 4,
        "score": 16,
        "band": "extreme",
        "rating": None,
        "previous_score": 12,
        "trend": "increased",
        "scheme": None,
        "as_at": None,
    }
    # The plan's own rating, beside a score or instead of one; never a score made up from it.
    assert [(r["ref"], r["score"], r["rating"]) for r in answer[2:4]] == [
        ("R3", None, "medium"),
        ("R4", 12, "high"),
    ]
    assert answer[1]["scheme"] == "BCF 1"
    assert answer[2]["as_at"] == "2017-08-14"


# -- funding ---------------------------------------------------------------------------------


def test_funding_streams_variance_and_savings_plan(viewer, areas):
    area = areas.leicestershire
    make_funding(
        area,
        "BCF",
        year="2017-18",
        budget="1000000.00",
        organisation="Leicestershire County Council",
        minimum="900000.00",
        forecast="1025000.50",
        as_at=date(2017, 8, 31),
    )
    make_funding(area, "iBCF", year="2017-18", budget="250000.00")
    make_funding(area, "BCF", year="2016-17", budget="980000.10", forecast="950000.00")
    make_savings_plan(area, year="2017-18", target="500000.00", achieved="123456.78")
    make_savings_plan(area, year="2016-17", target="400000.00", achieved="400000.00")

    response = viewer.get("/api/areas/E10000018/funding")

    assert response.status_code == 200
    assert response.json() == {
        "funding": [
            {
                "financial_year": "2016-17",
                "stream": "BCF",
                "organisation": "",
                "budget": 980000.1,
                "minimum_contribution": None,
                "forecast_outturn": 950000.0,
                "variance": -30000.1,
                "as_at": None,
            },
            {
                "financial_year": "2017-18",
                "stream": "BCF",
                "organisation": "Leicestershire County Council",
                "budget": 1000000.0,
                "minimum_contribution": 900000.0,
                "forecast_outturn": 1025000.5,
                "variance": 25000.5,
                "as_at": "2017-08-31",
            },
            {
                "financial_year": "2017-18",
                "stream": "iBCF",
                "organisation": "",
                "budget": 250000.0,
                "minimum_contribution": None,
                "forecast_outturn": None,
                "variance": None,
                "as_at": None,
            },
        ],
        "savings_plans": [
            {
                "financial_year": "2016-17",
                "target": 400000.0,
                "achieved_to_date": 400000.0,
                "as_at": None,
            },
            {
                "financial_year": "2017-18",
                "target": 500000.0,
                "achieved_to_date": 123456.78,
                "as_at": None,
            },
        ],
    }


def test_empty_registers_are_empty_lists(viewer, areas):
    assert viewer.get("/api/areas/E10000018/milestones").json() == []
    assert viewer.get("/api/areas/E10000018/risks").json() == []
    assert viewer.get("/api/areas/E10000018/funding").json() == {
        "funding": [],
        "savings_plans": [],
    }
