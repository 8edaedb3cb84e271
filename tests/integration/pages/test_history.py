"""The change history of a scheme, milestone, risk or metric value: who changed what, when,
from what to what. Changes are made the ways people make them: the edit pages, and a
workbook exported, edited and imported again.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest

from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.exports import workbook_rows
from bettercare.web.programmes.imports import import_workbook
from bettercare.workbook import write_workbook
from tests.factories import (
    KENT,
    MEDWAY,
    dtoc_metric,
    make_area,
    make_milestone,
    make_period,
    make_region,
    make_risk,
    make_scheme,
    make_user,
)
from tests.integration.web.html import TAG, text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    region = make_region()
    kent = make_area(KENT, "Kent", parent=region)
    medway = make_area(MEDWAY, "Medway", parent=region)
    make_period(kent, "2017-08")
    scheme = make_scheme(kent, "BCF 1", "Rapid response")
    milestone = make_milestone(
        kent, "M2", title="Recruit the team", scheme=scheme, revised=date(2017, 10, 31)
    )
    risk = make_risk(kent, "R1", likelihood=2, impact=5, mitigation="Recruit agency staff")
    value = MetricValue.objects.create(
        area=kent,
        metric=dtoc_metric(),
        kind="actual",
        period_start=date(2017, 7, 1),
        period_end=date(2017, 7, 31),
        numerator=1588,
        denominator=546_195,
    )
    return {
        "kent": kent,
        "medway": medway,
        "scheme": scheme,
        "milestone": milestone,
        "risk": risk,
        "value": value,
        "medway_milestone": make_milestone(medway, "M1", title="Medway's milestone"),
        "manager": make_user("manager", (kent, "programme_manager")),
        "viewer": make_user("viewer", (kent, "viewer")),
    }


def history_url(kind: str, pk: int, code: str = KENT) -> str:
    return f"/areas/{code}/history/{kind}/{pk}/"


def entries(response) -> list[dict[str, object]]:
    """Each card of the history page: its heading, reason and (field, from, to) rows."""
    found = []
    html = response.content.decode()
    for card in re.findall(r'<div class="nhsuk-card__content">(.*?)</div>\s*</div>', html, re.S):

        def words(fragment: str) -> str:
            return re.sub(r"\s+", " ", unescape(TAG.sub(" ", fragment))).strip()

        heading = re.search(r"<h2[^>]*>(.*?)</h2>", card, re.S)
        reason = re.search(r'<p class="bc-provenance">(.*?)</p>', card, re.S)
        rows = [
            tuple(words(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S))
            for row in re.findall(r"<tr>(.*?)</tr>", card, re.S)
        ]
        found.append(
            {
                "heading": words(heading.group(1)) if heading else "",
                "reason": words(reason.group(1)) if reason else "",
                "rows": [row for row in rows if row],
            }
        )
    return found


def heading_words(record, who: str, what: str = "Changed") -> str:
    from django.utils import timezone

    when = timezone.localtime(record.history_date)
    return f"{what} {when:%d %B %Y, %H:%M} by {who}"


def test_a_milestone_changed_on_its_edit_page_shows_who_when_and_from_what_to_what(client, world):
    milestone = world["milestone"]
    client.force_login(world["manager"])
    response = client.post(
        f"/areas/{KENT}/milestones/{milestone.pk}/",
        {
            "revised_date": "2017-11-15",
            "completed_date": "",
            "comments": "Second recruitment round",
            "version": "1",
        },
    )
    assert response.status_code == 302

    page = client.get(history_url("milestone", milestone.pk))

    assert page.status_code == 200
    assert "Change history: M2: Recruit the team" in text_of(page)
    changed, created = entries(page)
    newest, oldest = milestone.history.order_by("-history_date")
    assert changed["heading"] == heading_words(newest, "Manager")
    assert changed["reason"] == "milestone updated"
    assert ("Revised date", "2017-10-31", "2017-11-15") in changed["rows"]
    assert ("Comments", "–", "Second recruitment round") in changed["rows"]
    assert not any(row[0] == "Completed date" for row in changed["rows"])
    assert created["heading"] == heading_words(oldest, "bettercare", "Created")
    assert created["rows"] == []


def test_a_risk_reviewed_on_its_edit_page_shows_the_new_score_and_the_previous_one(client, world):
    risk = world["risk"]
    client.force_login(world["manager"])
    response = client.post(
        f"/areas/{KENT}/risks/{risk.pk}/",
        {
            "likelihood": "4",
            "impact": "5",
            "owner": "Sam Owner",
            "mitigation": "Agency staff and overtime",
            "version": "1",
        },
    )
    assert response.status_code == 302

    changed, _ = entries(client.get(history_url("risk", risk.pk)))

    assert changed["heading"].endswith("by Manager")
    assert changed["reason"] == "risk reviewed"
    assert ("Likelihood", "2", "4") in changed["rows"]
    assert ("Previous score", "–", "10") in changed["rows"]
    assert ("Mitigation", "Recruit agency staff", "Agency staff and overtime") in changed["rows"]
    assert not any(row[0] in ("Impact", "Owner") for row in changed["rows"])


def reimport(area, tmp_path, by, **edit) -> None:
    """Export the area's workbook, edit it as a person would, and import it again."""
    rows = workbook_rows(area)
    for sheet, change in edit.items():
        change(rows[sheet])
    path = write_workbook(tmp_path / "kent", rows)
    result = import_workbook(path, by=by, reason="August refresh")
    assert result.ok, [str(m) for m in result.messages]
    assert result.written


def test_a_scheme_and_a_metric_value_changed_by_a_workbook_import(client, world, tmp_path):
    analyst = make_user("analyst", (world["kent"], "programme_manager"))
    analyst.first_name, analyst.last_name = "Ann", "Analyst"
    analyst.save()

    def rename(schemes):
        schemes[0]["name"] = "Rapid response and reablement"
        schemes[0]["lead"] = "Jo Lead and Sam Second"

    def correct(values):
        [july] = [v for v in values if v["kind"] == "actual"]
        july["numerator"] = 1611

    reimport(world["kent"], tmp_path, analyst, schemes=rename, metric_values=correct)
    client.force_login(world["viewer"])

    changed, created = entries(client.get(history_url("scheme", world["scheme"].pk)))
    assert changed["heading"].endswith("by Ann Analyst")
    assert changed["reason"] == "August refresh"
    assert ("Name", "Rapid response", "Rapid response and reablement") in changed["rows"]
    assert ("Lead", "Jo Lead", "Jo Lead and Sam Second") in changed["rows"]
    assert created["heading"].startswith("Created")

    value = world["value"]
    changed, _ = entries(client.get(history_url("metric-value", value.pk)))
    assert changed["heading"].endswith("by Ann Analyst")
    assert ("Numerator", "1588", "1611") in changed["rows"]


def test_times_are_shown_in_uk_time(client, world):
    """A change at 23:30 UTC on 15 August is 00:30 on 16 August in the UK (BST)."""
    milestone = world["milestone"]
    milestone.history.update(history_date=datetime(2017, 8, 15, 23, 30, tzinfo=UTC))
    client.force_login(world["viewer"])

    [created] = entries(client.get(history_url("milestone", milestone.pk)))

    assert created["heading"] == "Created 16 August 2017, 00:30 by bettercare"


def test_an_unknown_kind_is_404(client, world):
    client.force_login(world["manager"])
    response = client.get(history_url("widget", world["milestone"].pk))
    assert response.status_code == 404
    assert "There is no history of 'widget'." in text_of(response)


@pytest.mark.parametrize("kind", ["scheme", "milestone", "risk", "metric-value"])
def test_an_unknown_object_is_404(client, world, kind):
    client.force_login(world["manager"])
    assert client.get(history_url(kind, 999_999)).status_code == 404


def test_another_areas_object_is_404_under_your_area_and_403_under_its_own(client, world):
    client.force_login(world["manager"])
    pk = world["medway_milestone"].pk
    response = client.get(history_url("milestone", pk))
    assert response.status_code == 404
    assert "Kent has no milestone" in text_of(response)
    assert client.get(history_url("milestone", pk, MEDWAY)).status_code == 403


def test_metric_values_are_scoped_to_the_area_too(client, world):
    medway_value = MetricValue.objects.create(
        area=world["medway"],
        metric=dtoc_metric(),
        kind="actual",
        period_start=date(2017, 7, 1),
        period_end=date(2017, 7, 31),
        numerator=10,
        denominator=1000,
    )
    client.force_login(world["manager"])
    assert client.get(history_url("metric-value", medway_value.pk)).status_code == 404
