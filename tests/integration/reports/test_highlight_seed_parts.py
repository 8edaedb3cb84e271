"""The demo's August 2017 highlight report against the seed (001): scheme milestones in the
milestone table, only the plan year in force, the next three months grouped with the seed's
activities, and an annual metric's forecast from its monthly figures, or the reason beside its
missing forecast (ADR 0111, 0119)."""

from __future__ import annotations

import io
import math
import re
from statistics import NormalDist

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.reports.model import ActivityLine
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.programmes.queries import reporting_period
from bettercare.web.reporting.highlight import build_highlight_report
from bettercare.web.reporting.packs import board_pack
from tests.factories import make_user
from tests.integration.reports.test_board_packs import AUGUST, LEICESTERSHIRE, pdf_text
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db
PERMANENT = "bcf_permanent_admissions_65"


@pytest.fixture
def report(demo):
    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=AUGUST.first_day)
    return build_highlight_report(period)


def test_the_milestone_table_holds_scheme_milestones_of_2017_18_only(report):
    refs = [m.ref for m in report.milestones]
    programme = [m for m in report.milestones if m.scheme_ref is None]
    schemes = [m for m in report.milestones if m.scheme_ref is not None]
    assert programme
    assert schemes
    # Programme milestones first, then the schemes' in natural order of reference.
    assert refs == [m.ref for m in programme + schemes]
    assert [m.scheme_ref for m in schemes] == sorted(
        (m.scheme_ref for m in schemes), key=lambda r: int(r.split()[-1])
    )
    # Nothing of a later plan (the current years' milestones are named M25-…, M26-…).
    assert not [r for r in refs if re.match(r"M2[0-9]-", r)]
    assert all(m.baseline_date.year <= 2018 for m in report.milestones)


def test_the_next_three_months_are_grouped_as_the_seed(report):
    groups = {g.label: g for g in report.upcoming_groups}
    assert list(groups) == ["Programme management", "Schemes", "Enablers"]
    assert groups["Programme management"].activities[0] == ActivityLine(
        "Sign-off BCF section 75 agreement"
    )
    assert "HTLAH – new lots commence" in [a.text for a in groups["Schemes"].activities]
    assert groups["Enablers"].activities[0] == ActivityLine(
        "LLR Points of Access – business case completed"
    )
    for group in report.upcoming_groups:
        for m in group.milestones:
            assert (m.scheme_ref is None) == (group.group == "programme")


def test_an_annual_metric_without_monthly_figures_says_why_there_is_no_forecast(demo):
    # Leicester holds no monthly figures of permanent admissions (Leicestershire does).
    leicester = Area.objects.get(code="E06000016")
    report = build_highlight_report(reporting_period(leicester, AUGUST))
    permanent = next(m for m in report.metrics if m.code == PERMANENT)
    assert permanent.forecast is None
    assert permanent.forecast_note == (
        "No forecast: an annual metric is forecast from its monthly figures, and none are held "
        "for this financial year from April."
    )
    dtoc = next(m for m in report.metrics if m.code == "bcf_dtoc")
    assert dtoc.forecast is not None
    assert dtoc.forecast_note == ""


#: Seed 001: "The current full year forecast is 840 admissions (or 602.9 per 100,000
#: population)" for a 2017-18 target of 630.6 (879 admissions) and 139,327 people aged 65+.
SEED_FORECAST = 840 / 139_327 * 100_000
METHOD = "from the monthly figures at the run rate so far"


def test_the_annual_forecast_is_the_seeds_from_the_monthly_figures(report):
    permanent = next(m for m in report.metrics if m.code == PERMANENT)
    # The position stays the annual figure: 2016-17, not a month of 2017-18.
    assert (permanent.period_label, permanent.status) == ("2016-17", "measured")
    assert permanent.denominator != 139_327
    forecast = permanent.forecast
    assert forecast is not None
    assert forecast.value == pytest.approx(SEED_FORECAST, rel=1e-12)
    assert round(forecast.value, 1) == 602.9
    assert forecast.target == 630.6
    assert forecast.method == METHOD
    # The interval and the chance of the run rate over five months: 350 admissions, k = 7/5.
    spread = math.sqrt(350 * 1.4 * 2.4)
    assert forecast.upper == pytest.approx(
        (840 + 1.959963984540054 * spread) / 139_327 * 100_000, rel=1e-9
    )
    assert forecast.probability_meeting_target == pytest.approx(
        NormalDist(840, spread).cdf(630.6 * 139_327 / 100_000), rel=1e-9
    )
    assert permanent.forecast_note == ""
    assert f"The year-end forecast ({METHOD}) is 602.90" in permanent.summary


def test_the_annual_forecast_and_its_method_are_in_every_pack_and_on_the_page(client, demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    said = f"The year-end forecast ({METHOD}) is 602.90"
    html = board_pack("highlight", area, AUGUST, "html").content.decode()
    row = html.split("Permanent admissions of older people", 1)[1].split("</tr>", 1)[0]
    assert "602.90" in row
    assert METHOD in row
    assert said in html
    pdf = board_pack("highlight", area, AUGUST, "pdf").content
    _, text = pdf_text(pdf)
    flat = re.sub(r"\s+", " ", text)
    assert said in flat
    assert METHOD in flat
    book = load_workbook(io.BytesIO(board_pack("highlight", area, AUGUST, "xlsx").content))
    rows = list(book["Metrics"].iter_rows(values_only=True))
    header = rows[0]
    permanent = next(r for r in rows[1:] if r[0] == PERMANENT)
    assert permanent[header.index("forecast")] == pytest.approx(SEED_FORECAST, rel=1e-12)
    assert permanent[header.index("forecast_method")] == f"Forecast {METHOD}"
    client.force_login(make_user("forecast-viewer", (area, "viewer")))
    page = text_of(client.get(f"/areas/{LEICESTERSHIRE}/?period=2017-08"))
    assert f"602.90 about 87% chance of meeting the target Forecast {METHOD}" in page


def test_the_monthly_figures_are_listed_apart_on_the_metric_page(client, demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    client.force_login(make_user("monthly-viewer", (area, "viewer")))
    response = client.get(f"/areas/{LEICESTERSHIRE}/metrics/{PERMANENT}/?period=2017-08")
    html = response.content.decode()
    monthly = html.split('id="monthly"', 1)[1].split("</table>", 1)[0]
    months = re.findall(r"<th scope=\"row\">([A-Za-z]+ 2017)", monthly)
    assert months == ["April 2017", "May 2017", "June 2017", "July 2017", "August 2017"]
    assert "139,327" in monthly
    values = html.split('id="values"', 1)[1].split("</table>", 1)[0]
    assert "2017</th>" not in values.replace("2016-17</th>", "")  # no month among the values
    assert "2016-17" in values
    assert "An annual metric has no SPC chart" in text_of(response)


def test_the_packs_carry_the_groups_and_the_scheme_references(demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    pdf = board_pack("highlight", area, AUGUST, "pdf").content
    text = re.sub(
        r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    )
    for expected in (
        "BCF Programme management",
        "BCF Schemes",
        "BCF Enablers",
        "Quarterly review of BCF financial position for 2017/18",
        "Scheme BCF 1",
    ):
        assert expected in text, expected
    book = load_workbook(io.BytesIO(board_pack("highlight", area, AUGUST, "xlsx").content))
    rows = list(book["Next three months"].iter_rows(values_only=True))
    assert rows[0] == ("group", "activity", "scheme_ref", "due_date", "month")
    assert rows[1] == (
        "Programme management",
        "Sign-off BCF section 75 agreement",
        None,
        None,
        None,
    )


#: The seed's activities whose month it gives (ADR 0133): "initiation meeting with national
#: consultant (Oct). Agree 2 demonstrator sites (Nov)", "report to November IFPG".
MEETING = "Prevention at Scale (LGA) – initiation meeting with national consultant"
SITES = "Prevention at Scale (LGA) – agree 2 demonstrator sites"
HTLAH_REVIEW = "HTLAH service review – review of health activity data and report to November IFPG"


def test_an_activity_is_shown_in_its_month_on_the_page_and_in_every_pack(client, demo, report):
    schemes = next(g for g in report.upcoming_groups if g.group == "schemes")
    months = {a.text: a.month for a in schemes.activities}
    assert report.upcoming_months == ("September 2017", "October 2017", "November 2017")
    assert months[MEETING] == "October 2017"
    assert months[SITES] == "November 2017"
    assert months[HTLAH_REVIEW] == "November 2017"
    assert months["HTLAH – new lots commence"] is None  # during the three months
    area = Area.objects.get(code=LEICESTERSHIRE)
    # The grid marks the activity's month as it marks a milestone's due date.
    html = board_pack("highlight", area, AUGUST, "html").content.decode()
    row = html.split(MEETING, 1)[1].split("</tr>", 1)[0]
    assert re.findall(r'<td class="due">([^<]*)</td>', row) == ["", "● Oct", ""]
    _, text = pdf_text(board_pack("highlight", area, AUGUST, "pdf").content)
    flat = re.sub(r"\s+", " ", text.replace("\u2010\n", ""))  # soft hyphens at line ends
    assert f"{MEETING} ● Oct" in flat
    assert f"{HTLAH_REVIEW} ● Nov" in flat
    assert f"{SITES} ● Nov" in flat
    assert "HTLAH – new lots commence ●" not in flat
    book = load_workbook(io.BytesIO(board_pack("highlight", area, AUGUST, "xlsx").content))
    rows = {r[1]: r for r in book["Next three months"].iter_rows(values_only=True)}
    assert rows[MEETING] == ("Schemes", MEETING, None, None, "October 2017")
    assert rows["HTLAH – new lots commence"][-1] is None
    client.force_login(make_user("month-viewer", (area, "viewer")))
    page = text_of(client.get(f"/areas/{LEICESTERSHIRE}/?period=2017-08"))
    assert f"October 2017: {MEETING}" in page
    assert f"November 2017: {HTLAH_REVIEW}" in page
