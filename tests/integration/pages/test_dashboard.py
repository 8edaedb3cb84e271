"""The integration executive dashboard: themes × schemes × the four RAG dimensions, the
suggested roll-ups, the exceptions with their commentary, and the status filter.
"""

from __future__ import annotations

import pytest

from bettercare.web.programmes.models import SchemeStatus
from tests.factories import (
    KENT,
    dtoc_metric,
    make_area,
    make_monthly_values,
    make_period,
    make_region,
    make_scheme,
    make_target,
    make_theme,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

PAGE = f"/areas/{KENT}/dashboard/"
DIMENSIONS = ("savings", "milestones", "finance", "metrics")


def scheme(area, theme, ref: str, name: str, lead: str, *, enabler: bool = False):
    made = make_scheme(area, ref, name)
    made.theme, made.lead, made.enabler = theme, lead, enabler
    made.save()
    return made


def returned(made, period, statuses: str, commentary: dict[str, str] | None = None, extra=""):
    """Statuses for savings, milestones, finance and metrics, e.g. "G A R NA"."""
    commentary = commentary or {}
    for dimension, status in zip(DIMENSIONS, statuses.split(), strict=True):
        SchemeStatus.objects.create(
            scheme=made,
            period=period,
            dimension=dimension,
            status=status,
            commentary=commentary.get(dimension, ""),
            additional_information=extra,
        )


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    july = make_period(kent, "2017-07", state="signed_off")
    august = make_period(kent, "2017-08")
    urgent = make_theme(kent, "T1", "Integrated urgent response", priority="HWBS 10: ageing well")
    prevention = make_theme(kent, "T2", "Prevention")
    enablers = make_theme(kent, "T3", "Enablers")
    crisis = scheme(kent, urgent, "BCF 1", "Crisis response", "Rachel Dunmore")
    homes = scheme(kent, urgent, "BCF 2", "Care homes", "Nadia Rahman")
    records = scheme(kent, urgent, "BCF 10", "Shared records", "Owen Fletcher", enabler=True)
    falls = scheme(kent, prevention, "BCF 4", "Falls prevention", "Grace Whitfield")
    carers = scheme(kent, prevention, "BCF 5", "Carers support", "Priya Shah")
    data = scheme(kent, enablers, "BCF 6", "Data sharing", "Owen Fletcher", enabler=True)
    scheme(kent, None, "BCF 7", "Housing support", "Aisha Karim")  # no theme, no return

    returned(crisis, august, "G G G G")
    returned(
        homes,
        august,
        "A R G NA",
        {
            "savings": "Savings slipping to the winter",
            "milestones": "Recruitment more than 30 days late",
            "metrics": "Contribution to metrics not yet developed",
        },
        extra="Revised scope to the Integration Executive on 3 October",
    )
    returned(records, august, "E G G E")
    returned(falls, august, "G A G G", {"milestones": "Consultation starts two weeks late"})
    returned(carers, august, "NA NA NA NA", {"savings": "Starts in October", "metrics": "Later"})
    returned(data, august, "E NA NA E", {"metrics": ""})
    for made in (crisis, homes, records, falls, carers, data):
        returned(made, july, "G G G G" if not made.enabler else "E G G E")

    dtoc = dtoc_metric()
    make_monthly_values(kent, dtoc, [1600, 1611], last="2017-08", denominator=546_195)
    make_target(kent, dtoc, "2017-18", 278.57)
    return {"kent": kent, "viewer": make_user("viewer", (kent, "viewer"))}


def themes(response) -> dict[str, str]:
    """Each theme section's words, by the theme's name."""
    text = text_of(response)
    if "Schemes by theme" in text:
        text = text.split("Schemes by theme", 1)[1]
    names = [
        "Integrated urgent response",
        "Prevention",
        "Enablers",
        "Schemes without a theme",
    ]
    found = {}
    for name in names:
        marker = f"{name}: scheme statuses"
        if marker not in text:
            continue
        start = text.index(marker)
        ends = [
            text.index(f"{other}: scheme statuses")
            for other in names
            if f"{other}: scheme statuses" in text
            and text.index(f"{other}: scheme statuses") > start
        ]
        found[name] = text[start : min(ends) if ends else len(text)]
    return found


def test_each_theme_lists_its_schemes_with_the_four_statuses_and_a_roll_up(client, world):
    client.force_login(world["viewer"])

    response = client.get(PAGE)

    assert response.status_code == 200
    found = themes(response)
    assert list(found) == [
        "Integrated urgent response",
        "Prevention",
        "Enablers",
        "Schemes without a theme",
    ]
    urgent = found["Integrated urgent response"]
    assert (
        "Scheme Theme lead Savings Action plan milestones Finance Impact on metrics "
        "BCF 1: Crisis response Rachel Dunmore Green Green Green Green "
        "BCF 2: Care homes Nadia Rahman Amber Red Green N/A "
        "BCF 10: Shared records Owen Fletcher Enabler Green Green Enabler "
        # The worst of G, A and R; N/A and E are ignored.
        "Suggested theme roll-up Amber Red Green Green"
    ) in urgent
    assert "BCF 4: Falls prevention Grace Whitfield Green Amber Green Green" in found["Prevention"]
    assert "BCF 5: Carers support Priya Shah N/A N/A N/A N/A" in found["Prevention"]
    assert "Suggested theme roll-up Green Amber Green Green" in found["Prevention"]
    # With only E and N/A the roll-up is E when all are E, otherwise N/A.
    assert "Suggested theme roll-up Enabler N/A N/A Enabler" in found["Enablers"]
    assert (
        "BCF 7: Housing support Aisha Karim Not reported Not reported Not reported Not reported"
        in found["Schemes without a theme"]
    )
    text = text_of(response)
    assert "Strategic priority: HWBS 10: ageing well" in text
    assert "Integration executive dashboard, August 2017" in text


def test_exceptions_show_the_commentary_and_additional_information(client, world):
    client.force_login(world["viewer"])
    urgent = themes(client.get(PAGE))["Integrated urgent response"]
    exceptions = urgent.split("Exception information", 1)[1]
    assert exceptions.strip().startswith(
        "Dimension Scheme Status Theme lead Exception commentary Additional information "
        "Savings BCF 2: Care homes Amber Nadia Rahman Savings slipping to the winter "
        "Revised scope to the Integration Executive on 3 October "
        "Action plan milestones BCF 2: Care homes Red Nadia Rahman Recruitment more than 30 "
        "days late Revised scope to the Integration Executive on 3 October "
        "Impact on metrics BCF 2: Care homes N/A Nadia Rahman Contribution to metrics not yet "
        "developed Revised scope"
    )
    assert "Crisis response" not in exceptions  # all Green: no exception
    assert "Shared records" not in exceptions  # E is no exception


def test_a_theme_on_track_says_so(client, world):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?period=2017-07")
    found = themes(response)
    assert "Exception information All schemes are on track." in found["Integrated urgent response"]
    assert "Integration executive dashboard, July 2017" in text_of(response)
    assert (
        "BCF 2: Care homes Nadia Rahman Green Green Green Green"
        in (found["Integrated urgent response"])
    )


@pytest.mark.parametrize(
    ("status", "shown"),
    [
        ("R", ["Integrated urgent response"]),
        ("A", ["Integrated urgent response", "Prevention"]),
        ("E", ["Integrated urgent response", "Enablers"]),
        ("NA", ["Integrated urgent response", "Prevention", "Enablers"]),
        ("G", ["Integrated urgent response", "Prevention"]),
        ("", ["Integrated urgent response", "Prevention", "Enablers", "Schemes without a theme"]),
        ("X", ["Integrated urgent response", "Prevention", "Enablers", "Schemes without a theme"]),
    ],
)
def test_the_status_filter_works_without_javascript(client, world, status, shown):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?status={status}")
    assert response.status_code == 200
    assert list(themes(response)) == shown
    html = response.content.decode()
    if status in ("R", "A", "E", "NA", "G"):
        assert f'<option value="{status}" selected>' in html


def test_no_theme_matches_says_so(client, world):
    client.force_login(world["viewer"])
    response = client.get(f"{PAGE}?period=2017-07&status=R")
    assert themes(response) == {}
    assert "No theme has a scheme with that status in July 2017." in text_of(response)


def test_htmx_gets_the_themes_alone(client, world):
    client.force_login(world["viewer"])

    response = client.get(f"{PAGE}?status=R&partial=themes", HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert "<select" not in html
    assert list(themes(response)) == ["Integrated urgent response"]


def test_the_filter_form_as_htmx_sends_it_gets_a_page_with_the_themes_to_select(client, world):
    """The form sends period and status (no ``partial``) and selects ``#themes`` itself."""
    client.force_login(world["viewer"])
    html = client.get(PAGE).content.decode()
    assert 'hx-select="#themes"' in html
    assert '<input type="hidden" name="period" value="2017-08">' in html

    response = client.get(f"{PAGE}?period=2017-08&status=R", HTTP_HX_REQUEST="true")

    assert '<div id="themes">' in response.content.decode()
    assert list(themes(response)) == ["Integrated urgent response"]


def test_the_metrics_and_the_guidelines_are_on_the_dashboard(client, world):
    client.force_login(world["viewer"])
    text = text_of(client.get(PAGE))
    assert (
        "Delayed transfers of care per 100,000 population August 2017 278.57 294.95 "
        "280.72 to 309.71 Red"
    ) in text
    assert "RAG status guidelines" in text
    assert (
        "Action plan milestones Amber There are minor delays in the action plan milestones "
        "of up to 30 days Exception commentary must be provided"
    ) in text


@pytest.mark.parametrize("text", ["2017-13", "July", "2016-01"])
def test_a_malformed_or_unknown_period_is_404(client, world, text):
    client.force_login(world["viewer"])
    assert client.get(f"{PAGE}?period={text}").status_code == 404


def test_a_dimension_where_every_scheme_is_green_says_all_projects_are_on_track(client, world):
    client.force_login(world["viewer"])
    found = themes(client.get(PAGE))
    urgent = found["Integrated urgent response"]
    # Finance is Green for every scheme of the theme; the other three have an exception.
    assert "Finance: All projects are on track." in urgent
    for label in ("Savings:", "Action plan milestones:", "Impact on metrics:"):
        assert f"{label} All projects are on track." not in urgent
    # Prevention: Falls is Green on savings, finance and metrics but Carers is N/A: no line.
    assert "All projects are on track." not in found["Prevention"]
    # No status returned is not on track, and says nothing of exceptions it does not know.
    unthemed = found["Schemes without a theme"]
    assert "All projects are on track." not in unthemed
    assert "All schemes are on track." not in unthemed
    assert "No exceptions reported." in unthemed


def test_each_schemes_additional_information_is_in_its_theme(client, world):
    client.force_login(world["viewer"])
    urgent = themes(client.get(PAGE))["Integrated urgent response"]
    assert (
        "Additional information BCF 2: Care homes Revised scope to the Integration Executive "
        "on 3 October"
    ) in urgent
