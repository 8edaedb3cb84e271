"""The plan's own risk ratings: the South Kent Coast plan rates its nine risks "High" and
scores none of them; the register, the heat map and the highlight pack show the rating."""

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.core.periods import Month
from bettercare.web.programmes.actions import period_open, programme_status_save
from bettercare.web.programmes.imports import import_workbook
from bettercare.web.programmes.models import Area, Risk
from bettercare.web.reporting.packs import board_pack
from tests.factories import make_user
from tests.integration.web.html import charts, text_of

pytestmark = pytest.mark.django_db

KENT = "E10000016"
MARCH_2015 = Month(2015, 3)
REFS = [f"R{n}" for n in range(1, 10)]


@pytest.fixture
def kent(south_kent_coast, importer):
    result = import_workbook(south_kent_coast, by=importer)
    assert result.ok, [str(m) for m in result.errors]
    area = Area.objects.get(code=KENT)
    period = period_open(area=area, month=MARCH_2015, by=importer)
    # The month's programme status, as a manager would record it before the board.
    programme_status_save(
        period=period,
        statuses={"plan": ("G", "Plan submitted to NHS England")},
        seen_versions={},
        by=importer,
    )
    return area


def test_the_plans_ratings_are_imported_beside_no_score(kent):
    risks = Risk.objects.filter(area=kent).order_by("ref")
    assert [(r.ref, r.rating, r.likelihood, r.impact) for r in risks] == [
        (ref, "high", None, None) for ref in sorted(REFS)
    ]
    assert risks.first().history.get().rating == "high"


def test_the_register_shows_each_rating_and_never_not_scored(client, kent):
    client.force_login(make_user("viewer", (kent, "viewer")))

    response = client.get(f"/areas/{KENT}/risks/")

    assert response.status_code == 200
    text = text_of(response)
    assert "Not scored" not in text
    # The risk's title, then its statement as the plan words it (seed 002's "Risk" column).
    assert (
        "R1 Workforce reconfiguration Extensive workforce reconfiguration in the community and "
        "within secondary care to ensure the workforce has the required skills and training to "
        "deliver all elements of the scheme and 24/7 availability. – – – High Plan rating, not "
        "scored – Each responsible organisation to develop a detailed workforce plan"
    ) in text
    for ref in REFS:
        assert re.search(rf"{ref} .+? – – – High Plan rating, not scored", text), ref
    [heatmap] = charts(response)
    assert len(heatmap["rows"]) == 10
    assert all(row[6] == "High" for row in heatmap["rows"][1:])
    html = response.content.decode()
    assert html.count('data-rating="high"') == 1
    assert "Rated by the plan, not scored" in html


def test_the_on_screen_highlight_report_and_the_api_show_the_rating(client, kent):
    client.force_login(make_user("viewer", (kent, "viewer")))

    overview = text_of(client.get(f"/areas/{KENT}/?period=2015-03"))
    risks = client.get(f"/api/areas/{KENT}/risks").json()

    assert "Programme key risks" in overview
    assert overview.count("High Plan rating, not scored") == 5  # the five key risks
    assert "Not scored" not in overview
    assert [(r["ref"], r["score"], r["rating"]) for r in risks] == [
        (ref, None, "high") for ref in REFS
    ]


def test_the_highlight_pack_shows_the_rating_in_every_format(kent):
    made = board_pack("highlight", kent, MARCH_2015, "pdf")
    pages = PdfReader(io.BytesIO(made.content)).pages
    flat = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pages))
    assert "Programme key risks" in flat
    assert "Not scored" not in flat
    assert flat.count("High (plan rating, not scored)") == 5  # the five key risks

    html = board_pack("highlight", kent, MARCH_2015, "html").content.decode()
    assert html.count("High (plan rating, not scored)") == 5
    assert "Not scored" not in html

    book = load_workbook(io.BytesIO(board_pack("highlight", kent, MARCH_2015, "xlsx").content))
    rows = list(book["Risks"].iter_rows(values_only=True))
    header = rows[0]
    assert [
        (row[header.index("ref")], row[header.index("score")], row[header.index("rating")])
        for row in rows[1:]
    ] == [(ref, None, "High") for ref in REFS[:5]]
