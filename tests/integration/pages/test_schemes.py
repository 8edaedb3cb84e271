"""The schemes list and a scheme's page: details, finance by year, milestones, risks and the
status history, with the way into the monthly return for those who may complete it.
"""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.core.scheme_description import DeliveryPartner
from tests.factories import (
    KENT,
    describe_scheme,
    dtoc_metric,
    make_area,
    make_milestone,
    make_period,
    make_region,
    make_risk,
    make_scheme,
    make_scheme_finance,
    make_scheme_status,
    make_theme,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

LIST = f"/areas/{KENT}/schemes/"


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    july = make_period(kent, "2017-07", state="signed_off")
    august = make_period(kent, "2017-08")
    lead = make_user("lead", (kent, "scheme_lead"))
    theme = make_theme(kent, "T1", "Integrated urgent response")
    rapid = make_scheme(kent, "BCF 1", "Rapid response", leads=[lead], metrics=[dtoc_metric()])
    rapid = describe_scheme(
        rapid,
        partners=(
            DeliveryPartner("Kent CCGs", "commissioner"),
            DeliveryPartner("Kent Community Health", "provider"),
        ),
    )
    rapid.theme = theme
    rapid.start_date, rapid.description = date(2016, 4, 1), "Two-hour crisis response at home"
    rapid.save()
    homes = make_scheme(kent, "BCF 2", "Care homes")
    make_scheme_finance(rapid, "spend", year="2016-17", recurrent="90000", non_recurrent="5000")
    make_scheme_finance(rapid, "spend", recurrent="100000", non_recurrent="20000")
    make_scheme_finance(rapid, "benefit", recurrent="-150000", non_recurrent="0")
    make_milestone(
        kent,
        "M1",
        title="Recruit the team",
        scheme=rapid,
        baseline=date(2017, 6, 30),
        revised=date(2017, 10, 31),
    )
    make_milestone(kent, "M2", title="Go live", scheme=rapid, baseline=date(2017, 11, 1))
    make_milestone(kent, "M3", title="Care homes' milestone", scheme=homes)
    make_risk(kent, "R1", title="Workforce shortages", scheme=rapid, previous_score=12)
    make_risk(kent, "R2", title="Programme risk")
    for dimension, status in zip(
        ("savings", "milestones", "finance", "metrics"), ("G", "R", "G", "A"), strict=True
    ):
        make_scheme_status(rapid, august, dimension, status, f"August {dimension}")
        make_scheme_status(rapid, july, dimension, "G")
    return {
        "kent": kent,
        "rapid": rapid,
        "homes": homes,
        "lead": lead,
        "viewer": make_user("viewer", (kent, "viewer")),
        "manager": make_user("manager", (kent, "programme_manager")),
    }


def test_the_list_shows_each_schemes_latest_statuses_and_return_links(client, world):
    client.force_login(world["lead"])

    response = client.get(LIST)

    assert response.status_code == 200
    text = text_of(response)
    assert "Statuses for August 2017." in text
    assert (
        "BCF 1: Rapid response Integrated urgent response Jo Lead Green Red Green Amber "
        "Complete return for BCF 1"
    ) in text
    assert "BCF 2: Care homes Jo Lead Not reported Not reported Not reported Not reported" in (text)
    html = response.content.decode()
    rapid, homes = world["rapid"], world["homes"]
    assert f'href="{LIST}{rapid.pk}/return/2017-08/"' in html
    assert f'href="{LIST}{homes.pk}/return/2017-08/"' not in html  # not the lead's scheme

    client.force_login(world["manager"])
    html = client.get(LIST).content.decode()
    assert f'href="{LIST}{homes.pk}/return/2017-08/"' in html


def test_a_schemes_page_has_its_details_finance_milestones_risks_and_history(client, world):
    rapid = world["rapid"]
    client.force_login(world["viewer"])

    response = client.get(f"{LIST}{rapid.pk}/")

    assert response.status_code == 200
    text = text_of(response)
    assert "BCF 1: Rapid response" in text
    assert (
        "Reference BCF 1 Theme Integrated urgent response Lead Jo Lead "
        "Delivery chain Kent CCGs (Commissioner) Kent Community Health (Provider) "
        "Enabler No Start date 1 April 2016 "
        "Metrics it should affect Delayed transfers of care per 100,000 population "
        "Description Two-hour crisis response at home"
    ) in text
    assert (
        "2016-17 Spend £90,000 £5,000 £95,000 "
        "2017-18 Spend £100,000 £20,000 £120,000 "
        "2017-18 Benefit (negative is a saving) -£150,000 £0 -£150,000"
    ) in text
    # At the end of August: M1 slipped to 31 October (123 days); M2 is not due yet.
    assert "M1: Recruit the team 30 Jun 2017 31 Oct 2017 Red 123 days" in text
    assert "M2: Go live 1 Nov 2017 Green" in text
    assert "Care homes' milestone" not in text
    assert "R1: Workforce shortages – 20 Extreme ↑ Increased" in text
    assert "Programme risk" not in text
    assert (
        "August 2017 Green August savings Red August milestones Green August finance "
        "Amber August metrics July 2017 Green Green Green Green"
    ) in text
    html = response.content.decode()
    assert f'href="/areas/{KENT}/history/scheme/{rapid.pk}/"' in html
    assert f'href="{LIST}{rapid.pk}/return/2017-07/"' in html  # July's return, read-only
    assert "Complete the August 2017 return" not in text  # a viewer does not complete it


def test_the_lead_is_offered_the_open_return(client, world):
    client.force_login(world["lead"])
    text = text_of(client.get(f"{LIST}{world['rapid'].pk}/"))
    assert "Complete the August 2017 return" in text
    text = text_of(client.get(f"{LIST}{world['homes'].pk}/"))
    assert "Complete the August 2017 return" not in text
    assert "No finance recorded." in text
    assert "No risks recorded for this scheme." in text
    assert "No returns yet." in text


def test_an_unknown_scheme_is_404(client, world):
    client.force_login(world["viewer"])
    response = client.get(f"{LIST}999999/")
    assert response.status_code == 404
    assert "Kent has no scheme 999999." in text_of(response)
