"""The demo's papers against the seed papers they reproduce (docs/seed-papers.md): what a
person wrote beside the figures says no more than the figures shown with it."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.reporting.dashboard import build_dashboard
from bettercare.web.reporting.packs import board_pack
from tests.integration.reports.test_board_packs import AUGUST, LEICESTERSHIRE, pdf_text

pytestmark = pytest.mark.django_db

#: "… 6.8% above plan for the year to date": a year-to-date variance quoted in words.
QUOTED = re.compile(r"(\d+(?:\.\d+)?)% (above|below) plan for the year")


@pytest.mark.parametrize("month", [Month(2017, m) for m in range(4, 9)], ids=str)
def test_an_exception_commentary_quotes_the_year_to_date_the_dashboard_shows(demo, month):
    """The crisis response's commentary on non-elective admissions quotes their year to date
    only as the dashboard computes it in that month (it once said 6.8% in every month from
    April to August 2017, when the year to date was 8.5%, 7.1%, 6.8%, 6.9% and 6.6%)."""
    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=month.first_day)
    report = build_dashboard(period)
    admissions = next(m for m in report.metrics if m.code == "bcf_non_elective_admissions")
    assert admissions.year_to_date is not None
    commentaries = [
        e.commentary
        for theme in report.themes
        for e in theme.exceptions
        if "non-elective admissions" in e.commentary.lower()
    ]
    assert commentaries, "the crisis response's metric exception is in the dashboard"
    for text in commentaries:
        for percent, side in QUOTED.findall(text):
            assert f"({percent}% {side} plan" in admissions.year_to_date.sentence, text


#: Seed 001's key risk as the demo words it: the register's title and its statement.
DTOC_RISK = (
    "If the NHS England target for DTOC reduction is not achieved by November 2017, "
    "Leicestershire will be escalated, which may bring a financial penalty and a CQC review."
)


def test_the_key_risks_give_each_risks_statement_in_every_format(demo, client):
    """Seed 001's "Risk" column is the risk's statement ("If … then …"), not a short title:
    the highlight pack (PDF text read back, HTML, Excel), the overview and the risks page
    give both."""
    area = Area.objects.get(code=LEICESTERSHIRE)
    _, text = pdf_text(board_pack("highlight", area, AUGUST, "pdf").content)
    # The PDF hyphenates at the cell's edge ("tar‐ get"): read back without the breaks.
    flat = re.sub(r"\s+", " ", re.sub(r"\u2010\s*\n", "", text))
    assert "DTOC reduction target " + DTOC_RISK in flat
    html = board_pack("highlight", area, AUGUST, "html").content.decode()
    assert f"<strong>DTOC reduction target</strong><br>{DTOC_RISK}" in unescape(html)
    book = load_workbook(io.BytesIO(board_pack("highlight", area, AUGUST, "xlsx").content))
    rows = list(book["Risks"].iter_rows(values_only=True))
    header = rows[0]
    statements = {row[header.index("ref")]: row[header.index("description")] for row in rows[1:]}
    assert statements["BCF10"] == DTOC_RISK
    from bettercare.web.demo_load import create_demo_users

    create_demo_users("seed-papers-password")
    client.force_login(User.objects.get(username="viewer"))
    for page in (f"/areas/{LEICESTERSHIRE}/?period=2017-08", f"/areas/{LEICESTERSHIRE}/risks/"):
        assert DTOC_RISK in unescape(client.get(page).content.decode()), page


def test_a_milestone_open_in_august_2017_is_not_complete_in_its_report(demo):
    """The carers strategy consultation (PM09, due 31 July 2017) had not launched by the end
    of August 2017 — its comment says so and the dashboard rates BCF 2's action plan Red —
    so the August 2017 highlight report shows it late, not complete; it was completed later."""
    from bettercare.web.reporting.highlight import build_highlight_report

    period = ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=AUGUST.first_day)
    milestones = {m.ref: m for m in build_highlight_report(period).milestones}
    carers = milestones["PM09"]
    assert carers.comments.startswith("Still awaiting formal sign-off by all partners")
    assert carers.status == "R"
    assert carers.completed_date is None or carers.completed_date > AUGUST.last_day
    assert carers.slippage_days > 30
    for m in milestones.values():
        if m.status == "complete":
            assert m.completed_date <= AUGUST.last_day, m.ref
    [carers_scheme] = [
        s for t in build_dashboard(period).themes for s in t.schemes if s.ref == "BCF 2"
    ]
    assert carers_scheme.statuses["milestones"] == "R"
    # The Red it is saved with is now the status the data propose: no override reason.
    assert "Rated Red rather than the proposed" not in carers_scheme.additional_information
