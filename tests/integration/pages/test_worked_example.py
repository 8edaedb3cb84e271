"""The demo's worked example on the pages: Leicestershire (E10000018), August 2017, whose
figures reproduce the real highlight report and integration dashboard.

The demo is restored once for the module from the session's load (``tests/conftest.py``),
inside a transaction rolled back at the end; each test runs in its own savepoint within it.
"""

from __future__ import annotations

import pytest

from bettercare.demo import LEICESTERSHIRE
from bettercare.web.accounts.models import User
from bettercare.web.demo_load import create_demo_users
from bettercare.web.programmes.models import Milestone, Risk, Scheme
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

AREA = f"/areas/{LEICESTERSHIRE}/"
#: The worked example's month, asked for explicitly: the demo opens on the current year.
AUGUST = "?period=2017-08"


@pytest.fixture(scope="module")
def demo(demo, django_db_blocker):
    """The demo (``tests/conftest.py``) with its logins, rolled back with it."""
    with django_db_blocker.unblock():
        create_demo_users("demo-password-for-tests")
    return demo


@pytest.fixture
def as_user(client, demo):
    def sign_in(username: str):
        client.force_login(User.objects.get(username=username))
        return client

    return sign_in


def test_the_overview_reproduces_the_dtoc_sentence(as_user):
    response = as_user("viewer").get(AREA + AUGUST)
    assert response.status_code == 200
    text = text_of(response)
    assert "Programme highlight report, August 2017" in text
    assert (
        "Delayed transfers of care from hospital per 100,000 population (average per month) – "
        "In August 2017 the figure was a rate of 294.95 per 100,000 (1,611 out of 546,195). "
        "Performance is statistically significantly worse than the target of 278.57, with a "
        "95% confidence interval of 280.72 to 309.71. It is rated RED."
    ) in text


def test_the_overview_shows_the_reports_milestones_budget_and_risks(as_user):
    text = text_of(as_user("manager").get(AREA + AUGUST))
    assert (
        "BCF section 75 agreement 2017-19 signed PM02 30 Sep 2017 Red 61 days late 30 Nov 2017"
    ) in text
    assert "11 September 2017: BCF Plan 2017-19 submitted to NHS England" in text
    assert (
        "BCF Pooled budget (Leicestershire County Council host) £42,600,000 £42,600,000 £0"
    ) in text
    assert (
        "Cost improvement plan: £223,000 achieved of £1,300,000 (17%). Red Savings are 58.8% "
        "behind plan (£223,000 of £541,667), which is off track by more than 10.0%."
    ) in text
    assert "BCF10 DTOC reduction target" in text
    assert "20 Extreme ↑ Increased" in text
    assert "Plan Amber ↔ no change from last period" in text


def test_the_dashboard_shows_the_exceptions_and_roll_ups(as_user):
    text = text_of(as_user("viewer").get(f"{AREA}dashboard/{AUGUST}"))
    assert (
        "BCF 21: LLR Integrated Points of Access Sarah Pritchard Enabler Red Green Enabler"
    ) in text
    assert "Suggested theme roll-up Enabler Red Green Enabler" in text
    assert (
        "Action plan milestones BCF 21: LLR Integrated Points of Access Red Sarah Pritchard "
        "Gateway Review recommends refreshing the business case"
    ) in text
    assert "BCF 14: Lightbulb housing support Jo Braithwaite Not reported" in text


def test_the_dashboard_filter_keeps_only_themes_with_a_red_scheme(as_user):
    client = as_user("viewer")
    everything = text_of(client.get(f"{AREA}dashboard/{AUGUST}"))
    red = text_of(client.get(f"{AREA}dashboard/{AUGUST}&status=R"))
    assert "Integrated urgent response: scheme statuses" in everything
    assert "Integrated urgent response: scheme statuses" not in red  # no Red scheme there
    assert "Enablers and further integration: scheme statuses" in red


def test_the_periods_page_lists_the_three_missing_august_returns(as_user):
    text = text_of(as_user("manager").get(f"{AREA}periods/{AUGUST}"))
    assert "August 2017: Open" in text
    missing = text.split("Returns missing", 1)[1].split("Submit August 2017", 1)[0]
    refs = [ref for ref in ("BCF 3:", "BCF 14:", "BCF 17:") if ref in missing]
    assert refs == ["BCF 3:", "BCF 14:", "BCF 17:"]
    assert missing.startswith(f" (3 of {Scheme.objects.filter(area__code=LEICESTERSHIRE).count()}")


def test_the_demo_lead_completes_their_own_returns_only(as_user):
    client = as_user("lead")
    own = Scheme.objects.get(area__code=LEICESTERSHIRE, ref="BCF 10")
    other = Scheme.objects.get(area__code=LEICESTERSHIRE, ref="BCF 1")
    page = client.get(f"{AREA}schemes/{own.pk}/return/2017-08/")
    assert "Save return" in page.content.decode()
    page = client.get(f"{AREA}schemes/{other.pk}/return/2017-08/")
    assert "BCF 1 is not one of your schemes" in text_of(page)
    response = client.post(f"{AREA}schemes/{other.pk}/return/2017-08/", {})
    assert response.status_code == 403


def test_the_history_shows_the_july_and_august_versions(as_user):
    client = as_user("viewer")
    risk = Risk.objects.get(area__code=LEICESTERSHIRE, ref="BCF10")
    text = text_of(client.get(f"{AREA}history/risk/{risk.pk}/"))
    assert (
        "by bettercare command line bettercare demo: the demonstration region as at August" in text
    )
    assert "Field From To As at 2017-07-31 2017-08-31 Likelihood 3 4 Created" in text
    milestone = Milestone.objects.get(area__code=LEICESTERSHIRE, ref="PM08")
    text = text_of(client.get(f"{AREA}history/milestone/{milestone.pk}/"))
    assert "Revised date 2017-08-31 2017-12-15" in text


#: Seed 001's "26,913 non-elective admissions, against a target of 25,196 – a variance of
#: 1,717": the demo's plan is a rate for the year, so its year-to-date target is 25,242.
NEL_YEAR_TO_DATE = (
    "Year to date (April to August 2017): 26,913 against 25,242 planned, a variance of "
    "+1,671 (6.6% above plan, where fewer is better)."
)


def test_the_overview_says_the_year_to_date_against_its_target(as_user):
    text = text_of(as_user("viewer").get(AREA + AUGUST))
    assert NEL_YEAR_TO_DATE in text


def test_the_metric_page_says_the_year_to_date_against_its_target(as_user):
    response = as_user("viewer").get(AREA + "metrics/bcf_non_elective_admissions/" + AUGUST)
    assert response.status_code == 200
    assert NEL_YEAR_TO_DATE in text_of(response)
    # An annual metric has no months to add up.
    response = as_user("viewer").get(AREA + "metrics/bcf_falls_injuries_65/" + AUGUST)
    assert response.status_code == 200
    assert "Year to date (" not in text_of(response)
