"""The programme overview (highlight report) of a small but complete area.

Kent reports August 2017: its overall status moved from July, it has achievements,
programme milestones (one 61 days late), activity due in the next three months, the DTOC
metric with the worked example's figures, a budget and savings plan, and six risks.
"""

from __future__ import annotations

from datetime import date

import pytest

from bettercare.web.programmes.actions import planned_activity_add
from bettercare.web.programmes.models import Achievement, ProgrammeStatus
from tests.factories import (
    KENT,
    dtoc_metric,
    make_area,
    make_funding,
    make_milestone,
    make_monthly_values,
    make_period,
    make_region,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_target,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/"
TAG = '<strong class="nhsuk-tag nhsuk-tag--{colour} bc-rag bc-rag--{status}">{text}</strong>'


def programme_status(period, dimension: str, status: str, summary: str = "") -> None:
    ProgrammeStatus.objects.create(
        period=period, dimension=dimension, status=status, summary=summary
    )


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    june = make_period(kent, "2017-06", state="signed_off")
    july = make_period(kent, "2017-07", state="signed_off")
    august = make_period(kent, "2017-08")
    programme_status(june, "plan", "R", "June plan")
    for dimension, status in (("plan", "A"), ("benefits", "A"), ("budget", "G")):
        programme_status(july, dimension, status, f"July {dimension}")
    programme_status(august, "plan", "G", "Plan back on track")
    programme_status(august, "benefits", "A", "DTOC not yet falling")
    programme_status(august, "budget", "R", "Savings well behind plan")
    Achievement.objects.create(period=july, text="Crisis team recruited")
    Achievement.objects.create(period=august, text="Home care contracts awarded", position=1)
    Achievement.objects.create(period=august, text="BCF plan finalised", position=0)
    planned_activity_add(
        period=august,
        group="programme",
        text="Quarterly review of the BCF financial position",
        by=None,
    )

    scheme = make_scheme(kent, "BCF 1", "Rapid response")
    make_milestone(kent, "PM01", title="BCF plan submitted", baseline=date(2017, 9, 11))
    make_milestone(
        kent,
        "PM02",
        title="Section 75 agreement signed",
        baseline=date(2017, 9, 30),
        revised=date(2017, 11, 30),
        comments="To the Health and Wellbeing Board in November",
    )
    make_milestone(
        kent,
        "PM03",
        title="Programme board set up",
        baseline=date(2017, 7, 10),
        completed=date(2017, 7, 20),
    )
    make_milestone(kent, "PM04", title="Year-end review", baseline=date(2018, 1, 15))
    make_milestone(kent, "M1", title="Recruit the team", scheme=scheme, baseline=date(2017, 10, 31))

    dtoc = dtoc_metric()
    earlier = [1500, 1540, 1520, 1560, 1530, 1580, 1550, 1570, 1545, 1590, 1565, 1575]
    make_monthly_values(kent, dtoc, [*earlier, 1611], last="2017-08", denominator=546_195)
    make_target(kent, dtoc, "2017-18", 278.57)

    make_funding(kent, "BCF", budget="1000000", forecast="1050000", organisation="Pooled")
    make_funding(kent, "iBCF", budget="500000", forecast="480000")
    make_funding(kent, "DFG", year="2016-17", budget="999", forecast="999")  # another year
    make_savings_plan(kent, target="1200000", achieved="300000")

    for ref, likelihood, impact, previous in (
        ("R1", 4, 5, 15),
        ("R2", 3, 4, 12),
        ("R3", 2, 3, 9),
        ("R4", 1, 3, None),
        ("R5", None, None, None),
        ("R6", 1, 1, None),
    ):
        make_risk(
            kent,
            ref,
            title=f"Risk {ref}",
            likelihood=likelihood,
            impact=impact,
            previous_score=previous,
            mitigation=f"Mitigation of {ref}",
        )
    return {"kent": kent, "viewer": make_user("viewer", (kent, "viewer"))}


def section(text: str, heading: str, next_heading: str) -> str:
    start = text.index(heading)
    return text[start : text.index(next_heading, start)]


@pytest.fixture
def page(client, world):
    client.force_login(world["viewer"])
    response = client.get(PAGE)
    assert response.status_code == 200
    return response


def test_the_overall_status_has_tags_and_arrows_against_last_period(page):
    text = text_of(page)
    assert "Programme highlight report, August 2017" in text
    statuses = section(text, "Overall status", "Key achievements")
    assert "Plan Green ↑ better than last period Plan back on track" in statuses
    assert "Benefits Amber ↔ no change from last period DTOC not yet falling" in statuses
    assert "Budget Red ↓ worse than last period Savings well behind plan" in statuses
    html = page.content.decode()
    assert TAG.format(colour="green", status="G", text="Green") in html
    assert TAG.format(colour="orange", status="A", text="Amber") in html
    assert TAG.format(colour="red", status="R", text="Red") in html
    assert (
        '<span class="bc-arrow bc-arrow--worse" aria-hidden="true">↓</span>'
        '<span class="nhsuk-u-visually-hidden">worse than last period</span>'
    ) in html


def test_the_achievements_of_the_period_in_their_order(page):
    text = text_of(page)
    achievements = section(text, "Key achievements", "Programme milestones")
    assert "BCF plan finalised Home care contracts awarded" in achievements
    assert "Crisis team recruited" not in achievements


def test_programme_milestones_with_their_slippage(page):
    milestones = section(text_of(page), "Programme milestones", "Key activity")
    assert "BCF plan submitted PM01 11 Sep 2017 Green" in milestones
    assert (
        "Section 75 agreement signed PM02 30 Sep 2017 Red 61 days late 30 Nov 2017 "
        "To the Health and Wellbeing Board in November"
    ) in milestones
    assert "Programme board set up PM03 10 Jul 2017 Complete 10 days late" in milestones
    assert "Year-end review PM04 15 Jan 2018 Green" in milestones
    # Scheme milestones too, with the scheme's reference, after the programme's (as the
    # seed's milestone table holds both; issue 11).
    assert "Recruit the team M1 Scheme BCF 1 31 Oct 2017 Green" in milestones
    assert milestones.index("Year-end review") < milestones.index("Recruit the team")


def test_the_next_three_months_activity(page):
    upcoming = section(text_of(page), "Key activity", "BCF outcome metrics")
    # Grouped as the seed groups them (issue 11): the programme's own, then the schemes';
    # the programme manager's written activities first in their group.
    assert upcoming == (
        "Key activity over the next three months (September 2017, October 2017, November 2017) "
        "Programme management "
        "Quarterly review of the BCF financial position "
        "11 September 2017: BCF plan submitted "
        "30 November 2017: Section 75 agreement signed "
        "Schemes "
        "31 October 2017: Recruit the team (BCF 1) "
        "Key activity planned for August 2017 (the programme manager writes it) "
    )


def test_the_metrics_table_and_the_performance_summary_sentence(page):
    text = text_of(page)
    metrics = section(text, "BCF outcome metrics", "Performance summary")
    assert (
        "Delayed transfers of care per 100,000 population August 2017 278.57 294.95 "
        "280.72 to 309.71 Red"
    ) in metrics
    summary = section(text, "Performance summary", "Budget overview")
    assert (
        "In August 2017 the figure was a rate of 294.95 per 100,000 (1,611 out of 546,195). "
        "Performance is statistically significantly worse than the target of 278.57, with a "
        "95% confidence interval of 280.72 to 309.71. It is rated RED."
    ) in summary
    html = page.content.decode()
    assert "Delayed transfers of care per 100,000 population: recent trend" in html  # sparkline


def test_the_budget_overview_and_the_savings_sentence(page):
    budget = section(text_of(page), "Budget overview, 2017-18", "Programme key risks")
    assert "BCF Pooled £1,000,000 £1,050,000 £50,000" in budget
    assert "iBCF £500,000 £480,000 -£20,000" in budget
    assert "DFG" not in budget
    # £1.2m for the year: £500,000 due by August, the fifth month.
    assert (
        "Cost improvement plan: £300,000 achieved of £1,200,000 (25%). Red Savings are 40.0% "
        "behind plan (£300,000 of £500,000), which is off track by more than 10.0%."
    ) in budget


def test_the_five_key_risks_with_score_band_and_trend(page):
    risks = section(text_of(page), "Programme key risks", "Every figure is computed")
    assert risks.split("Trend ", 1)[1] == (
        "R1 Risk R1 Mitigation of R1 20 Extreme ↑ Increased "
        "R2 Risk R2 Mitigation of R2 12 High ↔ No change "
        "R3 Risk R3 Mitigation of R3 6 Moderate ↓ Decreased "
        "R4 Risk R4 Mitigation of R4 3 Low – "
        "R6 Risk R6 Mitigation of R6 1 Low – "
    )
    assert '<strong class="nhsuk-tag nhsuk-tag--red">20 Extreme</strong>' in page.content.decode()


def test_an_earlier_period_can_be_chosen(client, world):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?period=2017-07")
    assert response.status_code == 200
    text = text_of(response)
    assert "Programme highlight report, July 2017" in text
    statuses = section(text, "Overall status", "Key achievements")
    assert "Plan Amber ↑ better than last period July plan" in statuses
    assert "Benefits Amber – July benefits" in statuses  # nothing in June to compare with
    assert "Crisis team recruited" in text
    assert "Home care contracts awarded" not in text
    assert '<option value="2017-07" selected>July 2017 (signed off)</option>' in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-13", "'2017-13' is not a reporting month (expected YYYY-MM)."),
        ("August", "'August' is not a reporting month (expected YYYY-MM)."),
        ("2016-01", "Kent (E10000016) reports months from "),
        ("2016-01", "got 2016-01"),
        ("2099-01", "got 2099-01"),
    ],
)
def test_a_malformed_or_unknown_period_is_404(client, world, text, message):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?period={text}")
    assert response.status_code == 404
    assert message in text_of(response)


def test_a_month_without_statuses_says_not_reported(client, world):
    make_period(world["kent"], "2017-09")
    client.force_login(world["viewer"])
    text = text_of(client.get(PAGE))
    assert "Programme highlight report, September 2017" in text
    assert "Plan Not reported – Benefits Not reported – Budget Not reported" in text
    assert "None reported for September 2017." in text
