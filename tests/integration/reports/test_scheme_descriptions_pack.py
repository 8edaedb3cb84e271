"""The scheme descriptions pack (seed 003's annex): every scheme of the demo's Leicestershire
described in PDF, single-file HTML and Excel, read back as a reader would."""

import io
import re

import pytest
from openpyxl import load_workbook

from bettercare.cli.main import main
from bettercare.reports.render import render_html
from bettercare.web.programmes.descriptions import scheme_descriptions_report
from bettercare.web.programmes.models import Area, Scheme, SchemeInvestment
from bettercare.web.reporting.packs import board_pack
from tests.factories import make_user
from tests.integration.reports.layout import overflowing_boxes
from tests.integration.reports.test_board_packs import pdf_text

pytestmark = pytest.mark.django_db

LEICESTERSHIRE = "E10000018"


def leicestershire():
    return Area.objects.get(code=LEICESTERSHIRE)


def test_the_pdf_sets_out_every_scheme_under_the_plans_headings(demo):
    made = board_pack("schemes", leicestershire(), None, "pdf")
    assert made.filename == "E10000018-scheme-descriptions.pdf"
    _, text = pdf_text(made.content)
    flat = re.sub(r"\s+", " ", text).replace("\u2010 ", "")  # words hyphenated at line ends
    assert "Leicestershire: detailed scheme descriptions" in flat
    assert "Demonstration data" in flat
    assert "DRAFT" not in flat
    assert "BCF 10: Home First: discharge to assess" in flat
    assert "Nobody waits in a hospital bed for an assessment that could be done at home" in flat
    assert "University Hospitals of Leicester NHS Trust Partner Identifies patients" in flat
    assert "Assessments completed at home within 72 hours Locality 90% Weekly" in flat
    assert "Weekly: Care plans agreed for the 2.1-10% risk cohort (practice level)" in flat
    assert "What are the key success factors for implementation of this scheme?" in flat
    # Natural order of references: BCF 2 before BCF 10 (and BCF 9 before BCF 10).
    headings = re.findall(r"(BCF \d+): ", flat.split("Schemes described", 1)[1])
    order = list(dict.fromkeys(headings))
    assert order[:11] == [f"BCF {n}" for n in range(1, 12)]


def test_the_html_is_one_file(demo):
    html = board_pack("schemes", leicestershire(), None, "html").content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html
    assert re.findall(r"""(?:src|href)\s*=\s*["'](?!#)""", html) == []
    assert html.count('<section class="page-break">') == len(
        scheme_descriptions_report(leicestershire()).schemes
    )


def sheet_rows(book, name):
    rows = list(book[name].iter_rows(values_only=True))
    return rows[0], rows[1:]


def test_the_excel_pack_has_a_row_a_scheme_in_natural_order_and_a_sheet_a_list(
    demo, tmp_path, capsys
):
    command = ["report", "schemes", "--area", LEICESTERSHIRE, "--format", "xlsx"]
    assert main([*command, "--output", str(tmp_path)]) == 0
    written = tmp_path / "E10000018-scheme-descriptions.xlsx"
    assert capsys.readouterr().out.startswith(f"Wrote {written} (")
    book = load_workbook(written)
    assert book.sheetnames == ["Schemes", "Delivery chain", "Local KPIs", "Metrics impacted"]

    header, schemes = sheet_rows(book, "Schemes")
    refs = [row[0] for row in schemes]
    held = Scheme.objects.filter(area__code=LEICESTERSHIRE).count()
    assert refs == [f"BCF {n}" for n in range(1, held + 1)]  # BCF 2 before BCF 10
    home_first = dict(zip(header, schemes[refs.index("BCF 10")], strict=True))
    assert home_first["scheme"] == "Home First: discharge to assess"
    assert home_first["strategic_objective"].startswith(
        "Nobody waits in a hospital bed for an assessment that could be done at home"
    )
    investment = SchemeInvestment.objects.get(
        scheme__area__code=LEICESTERSHIRE, scheme__ref="BCF 10", financial_year="2017-18"
    )
    assert investment.amount > 0
    assert home_first["investment_2017-18"] == float(investment.amount)
    assert home_first["investment_total"] == float(
        sum(
            SchemeInvestment.objects.filter(
                scheme__area__code=LEICESTERSHIRE, scheme__ref="BCF 10"
            ).values_list("amount", flat=True)
        )
    )
    assert book["Schemes"].freeze_panes == "A2"

    header, chain = sheet_rows(book, "Delivery chain")
    assert header == ("scheme_ref", "scheme", "position", "organisation", "role", "responsibility")
    assert (
        "BCF 10",
        "Home First: discharge to assess",
        1,
        "Leicestershire County Council",
        "Commissioner",
        "Commissions home care and social work",
    ) in chain
    chain_refs = list(dict.fromkeys(row[0] for row in chain))
    assert chain_refs == refs

    header, kpis = sheet_rows(book, "Local KPIs")
    assert (
        "BCF 10",
        "Home First: discharge to assess",
        "Assessments completed at home within 72 hours",
        "Locality",
        90,
        "%",
        "Weekly",
    ) in [row[:7] for row in kpis]
    assert list(dict.fromkeys(row[0] for row in kpis)) == refs


def test_no_table_runs_off_the_page(demo):
    report = scheme_descriptions_report(leicestershire())
    assert overflowing_boxes(render_html(report, medium="pdf")) == []


def test_the_web_downloads_it_for_the_areas_readers_only(demo, client):
    client.force_login(make_user("reader", (leicestershire(), "viewer")))
    response = client.get(f"/areas/{LEICESTERSHIRE}/board-pack/schemes.html")
    assert response.status_code == 200
    assert "BCF 14: Lightbulb housing support" in response.content.decode()
    schemes = client.get(f"/areas/{LEICESTERSHIRE}/schemes/").content.decode()
    assert f"/areas/{LEICESTERSHIRE}/board-pack/schemes.pdf" in schemes
    assert f"/areas/{LEICESTERSHIRE}/board-pack/schemes.xlsx" in schemes
    spreadsheet = client.get(f"/areas/{LEICESTERSHIRE}/board-pack/schemes.xlsx")
    assert spreadsheet.status_code == 200
    assert spreadsheet["Content-Disposition"] == (
        'attachment; filename="E10000018-scheme-descriptions.xlsx"'
    )
    book = load_workbook(io.BytesIO(spreadsheet.content))
    assert book["Schemes"]["A2"].value == "BCF 1"
    rutland = Area.objects.get(code="E06000017")
    client.force_login(make_user("rutland", (rutland, "viewer")))
    assert client.get(f"/areas/{LEICESTERSHIRE}/board-pack/schemes.html").status_code in (
        403,
        404,
    )
