"""Board packs for the demo: every report in every format, read back as a reader would."""

import io
import json
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.dashboard import build_assurance
from bettercare.web.reporting.packs import board_pack
from tests.integration.reports.layout import overflowing_boxes

pytestmark = pytest.mark.django_db

LEICESTERSHIRE = "E10000018"
REGION = "E12000004"
AUGUST = Month(2017, 8)


def pack(kind, output, code=LEICESTERSHIRE, month=AUGUST):
    return board_pack(kind, Area.objects.get(code=code), month, output)


def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_highlight_pdf_reads_like_the_board_paper(demo):
    made = pack("highlight", "pdf")
    assert made.filename == "E10000018-highlight-report-2017-08.pdf"
    assert made.content.startswith(b"%PDF")
    reader, text = pdf_text(made.content)
    assert 4 <= len(reader.pages) <= 12
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "Programme highlight report, August 2017",
        "Demonstration data",
        "DRAFT",  # August 2017 is open, not signed off
        "Key achievements and successes this period",
        "Programme level milestone progress",
        "BCF outcome metrics",
        "statistically significantly worse than the target of 278.57, with a 95% confidence "
        "interval of 280.72 to 309.71",
        "£42,600,000",
        "Cost improvement plan progress",
        "Programme key risks",
        "Appendix: where the figures come from",
        "1,611",
        "546,195",
        f"Page 1 of {len(reader.pages)}",
        "Leicestershire · August 2017",
        # The metric's owner's commentary for the month, beside its performance summary.
        "Commentary: The DToC trajectory covers two timeframes.",
    ):
        assert expected in flat, expected
    # July's commentary is July's, not August's.
    assert "July's delays were reviewed" not in flat


def test_highlight_pdf_has_the_year_to_date_against_its_target(demo):
    # Seed 001: "for the period April to August 2017, there have been 26,913 non-elective
    # admissions, against a target of 25,196 – a variance of 1,717". The demo's plan is the
    # 2017-18 average monthly rate of 737.92 per 100,000, so its year-to-date target is that
    # rate of each month's 684,138 residents: 25,241.96 admissions (ADR 0094).
    _, text = pdf_text(pack("highlight", "pdf").content)
    flat = re.sub(r"\s+", " ", text)
    assert (
        "Year to date (April to August 2017): 26,913 against 25,242 planned, a variance "
        "of +1,671 (6.6% above plan, where fewer is better)."
    ) in flat
    # Delayed days too (a monthly rate, added up as its counts); nothing else is monthly.
    assert (
        "Year to date (April to August 2017): 8,125 against 7,608 planned, a variance "
        "of +517 (6.8% above plan, where fewer is better)."
    ) in flat
    assert flat.count("Year to date (") == 2


def test_highlight_excel_has_the_year_to_date_sheet(demo):
    book = load_workbook(io.BytesIO(pack("highlight", "xlsx").content))
    rows = list(book["Year to date"].iter_rows(values_only=True))
    assert rows[0][:11] == (
        "metric", "name", "first_month", "last_month", "months_compared", "months_left_out",
        "actual", "target", "variance", "variance_percent", "position",
    )  # fmt: skip
    assert [r[0] for r in rows[1:]] == ["bcf_dtoc", "bcf_non_elective_admissions"]
    row = rows[2]
    assert row[2:7] == ("April 2017", "August 2017", 5, None, 26_913)
    assert row[7] == pytest.approx(25_241.956, abs=0.001)
    assert row[8] == pytest.approx(1_671.044, abs=0.001)
    assert row[9] == pytest.approx(6.62, abs=0.005)
    assert row[10] == "above"


def test_signed_off_period_has_no_draft_watermark(demo):
    _, text = pdf_text(pack("highlight", "pdf", month=Month(2017, 7)).content)
    assert "DRAFT" not in text
    assert "July 2017" in text


def test_dashboard_pdf_has_guidelines_metrics_and_every_theme(demo):
    _, text = pdf_text(pack("dashboard", "pdf").content)
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "RAG status guidelines",
        "Savings are off track by up to 10%",
        "BCF metrics",
        "Exception information",
        "Suggested roll-up",
        "Exception commentary",
        # Per-metric commentary in the metrics table, as in the seed dashboard.
        "The DToC trajectory covers two timeframes.",
        "In development.",
    ):
        assert expected in flat, expected
    from bettercare.web.programmes.models import Theme

    for theme in Theme.objects.filter(area__code=LEICESTERSHIRE):
        assert theme.name in flat


def test_assurance_pdf_for_the_region(demo):
    # The worked example's round, asked for explicitly: the latest round is the current year's.
    made = board_pack(
        "assurance", Area.objects.get(code=REGION), None, "pdf", round_name="2017-18 Q2"
    )
    _, text = pdf_text(made.content)
    flat = re.sub(r"\s+", " ", text)
    assert "East Midlands: regional assurance matrix, 2017-18 Q2" in flat
    for area in Area.objects.filter(type="HWB"):
        # The areas of 2017: Northamptonshire, not North and West Northamptonshire (2021).
        assert (area.name in flat) == area.exists_in(AUGUST), area.name


def test_the_latest_assurance_round_is_the_current_years(demo):
    _, text = pdf_text(pack("assurance", "pdf", code=REGION, month=None).content)
    flat = re.sub(r"\s+", " ", text)
    assert re.search(r"East Midlands: regional assurance matrix, 20\d\d-\d\d Q[1-4]", flat)
    assert "2017-18" not in flat.split("regional assurance matrix, ", 1)[1][:8]
    assert "Metrics: average discharge delay against the plan" in flat
    assert "North Northamptonshire" in flat


@pytest.mark.parametrize(
    ("kind", "code"),
    [("highlight", LEICESTERSHIRE), ("dashboard", LEICESTERSHIRE), ("assurance", REGION)],
)
def test_html_is_one_file_with_no_external_requests(demo, kind, code):
    html = pack(kind, "html", code=code, month=None if kind == "assurance" else AUGUST).content
    text = html.decode()
    assert text.startswith("<!DOCTYPE html>")
    assert "<style>" in text
    assert re.findall(r"""(?:src|href)\s*=\s*["'](?!#)""", text) == []
    assert re.findall(r"url\(\s*['\"]?(?!#|data:)", text) == []
    assert "<script" not in text
    assert "<link" not in text
    assert "http://" not in text.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in text


@pytest.mark.parametrize(
    ("kind", "code"),
    [("highlight", LEICESTERSHIRE), ("dashboard", LEICESTERSHIRE), ("assurance", REGION)],
)
def test_no_table_runs_off_the_page(demo, kind, code):
    from bettercare.reports.render import render_html
    from bettercare.web.programmes.models import ReportingPeriod
    from bettercare.web.reporting.dashboard import build_assurance, build_dashboard
    from bettercare.web.reporting.highlight import build_highlight_report

    area = Area.objects.get(code=code)
    if kind == "assurance":
        report = build_assurance(area)
    else:
        period = ReportingPeriod.objects.get(area=area, month=AUGUST.first_day)
        report = (build_highlight_report if kind == "highlight" else build_dashboard)(period)
    assert overflowing_boxes(render_html(report, medium="pdf")) == []


def test_the_overflow_check_catches_a_table_too_wide_for_the_page():
    wide = "<table style='width:260mm'><tr><td>wide</td></tr></table>"
    long_word = "<table><tr><td style='white-space:nowrap'>" + "x" * 400 + "</td></tr></table>"
    assert overflowing_boxes(wide)
    assert overflowing_boxes(long_word)


def test_excel_reads_back_the_same_numbers_as_bettercare_metrics(demo, capsys):
    book = load_workbook(io.BytesIO(pack("highlight", "xlsx").content))
    assert book.sheetnames == [
        "Programme status", "Metrics", "Year to date", "Scheme statuses", "Milestones", "Risks",
        "Funding", "Savings", "Achievements", "Next three months", "Pooled fund",
        "Protection of services",
    ]  # fmt: skip
    sheet = book["Metrics"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    rows = [
        dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)
    ]

    assert (
        main(["metrics", "--area", LEICESTERSHIRE, "--period", "2017-08", "--format", "json"]) == 0
    )
    expected = {m["metric"]: m for m in json.loads(capsys.readouterr().out)}
    top_level = {code: m for code, m in expected.items() if code in {r["metric"] for r in rows}}
    assert len(rows) == len(top_level) >= 4

    # Excel keeps numbers to about 16 significant digits; they match to that precision.
    def same(a, b):
        return a == b or (a is not None and b is not None and a == pytest.approx(b, rel=1e-15))

    for row in rows:
        entry = expected[row["metric"]]
        for key in ("numerator", "denominator", "value", "target"):
            assert same(row[key], entry[key]), (row["metric"], key)
        assert same(row["lower_95"], entry["lower"])
        assert same(row["upper_95"], entry["upper"])
        assert row["data_rag"] == entry["data_rag"]
        assert row["period_start"].date().isoformat() == entry["period_start"]
        assert row["commentary"] == entry["commentary"]
    dtoc = next(r for r in rows if r["metric"] == "bcf_dtoc")
    assert round(dtoc["value"], 2) == 294.95
    assert dtoc["commentary"].startswith("The DToC trajectory covers two timeframes.")
    rag = sheet.cell(row=rows.index(dtoc) + 2, column=header.index("data_rag") + 1)
    assert rag.value == "R"
    assert rag.fill.fgColor.rgb.endswith("F7D4D1")
    funding = book["Funding"]
    assert [c.value for c in funding[2]][:4] == [
        "2017-18",
        "BCF",
        "Pooled budget (Leicestershire County Council host)",
        42_600_000,
    ]
    assert funding.cell(row=2, column=4).number_format == '"£"#,##0.00'


def test_dashboard_and_assurance_excel(demo):
    dashboard = load_workbook(io.BytesIO(pack("dashboard", "xlsx").content))
    assert dashboard.sheetnames == [
        "Metrics",
        "Scheme statuses",
        "Exceptions",
        "On track",
        "RAG guidelines",
    ]
    statuses = dashboard["Scheme statuses"]
    assert statuses.max_row - 1 == 23  # every Leicestershire scheme
    exceptions = list(dashboard["Exceptions"].iter_rows(min_row=2, values_only=True))
    assert exceptions
    assert all(row[4] in ("A", "R", "NA") for row in exceptions)
    assurance = load_workbook(
        io.BytesIO(pack("assurance", "xlsx", code=REGION, month=None).content)
    )
    matrix = assurance["Matrix"]
    assert matrix.max_row - 1 == 10
    outliers = list(assurance["Funnel outliers"].iter_rows(values_only=True))
    assert outliers[0][:4] == ("metric", "name", "period", "region_value")
    assert {row[0] for row in outliers[1:]} >= {"bcf_dtoc", "bcf_non_elective_admissions"}
    assert all(isinstance(row[3], float) for row in outliers[1:])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["highlight", "--area", "E99999999", "--period", "2017-08"], "unknown area 'E99999999'"),
        (
            ["highlight", "--area", LEICESTERSHIRE, "--period", "2099-01"],
            # The demo's first actuals: April 2014, the first year of its earliest metrics.
            "reports months from 2014-04 (April 2014) to ",
        ),
        (
            ["highlight", "--area", LEICESTERSHIRE, "--period", "Aug 2017"],
            "--period: expected a month as YYYY-MM",
        ),
        (["assurance", "--area", LEICESTERSHIRE, "--period", "2017-08"], "is not a region"),
        # An option the pack cannot use is refused, never silently ignored.
        (
            ["assurance", "--area", REGION, "--period", "2017-08"],
            "--period: the assurance pack is of a round, not a month; give --round",
        ),
        (
            ["dashboard", "--area", LEICESTERSHIRE, "--round", "2017-18 Q2"],
            "--round: only the assurance pack has rounds, not the dashboard pack",
        ),
        (
            ["schemes", "--area", LEICESTERSHIRE, "--period", "2017-08"],
            "--period: the scheme descriptions are of no month",
        ),
        (["assurance", "--area", REGION, "--round", "1999-00 Q1"], "no assurance round"),
    ],
)
def test_cli_refuses_with_one_clear_line(demo, tmp_path, capsys, args, message):
    code = main(["report", *args, "--format", "pdf", "--output", str(tmp_path / "pack.pdf")])
    assert code == 1
    error = capsys.readouterr().err
    assert message in error
    assert "Traceback" not in error
    assert not (tmp_path / "pack.pdf").exists()


def test_cli_writes_the_assurance_pack_of_the_round_asked(demo, tmp_path, capsys):
    """Seed 004's matrix is of a round: `--round` chooses it, the PDF reads it back."""
    target = tmp_path / "assurance.pdf"
    assert main(["report", "assurance", "--area", REGION, "--round", "2017-18 Q2",
                 "--format", "pdf", "--output", str(target)]) == 0  # fmt: skip
    _, text = pdf_text(target.read_bytes())
    flat = re.sub(r"\s+", " ", text)
    assert "East Midlands: regional assurance matrix, 2017-18 Q2" in flat
    assert "Northamptonshire" in flat


def test_cli_writes_each_format(demo, tmp_path, capsys):
    for output in ("pdf", "html", "xlsx"):
        target = tmp_path / f"pack.{output}"
        assert main(["report", "dashboard", "--area", LEICESTERSHIRE, "--period", "2017-08",
                     "--format", output, "--output", str(target)]) == 0  # fmt: skip
        assert target.stat().st_size > 5_000
    assert "Wrote" in capsys.readouterr().out


def test_the_command_lines_pdf_is_the_pack_made_in_process(demo, tmp_path, capsys):
    """The command line's PDF comes from WeasyPrint in a process started ahead (ADR 0126):
    the same pages and words as the pack made here (the minute it was made aside)."""
    target = tmp_path / "pack.pdf"
    assert main(["report", "highlight", "--area", LEICESTERSHIRE, "--period", "2017-08",
                 "--format", "pdf", "--output", str(target)]) == 0  # fmt: skip
    ours, here = (
        [
            re.sub(r"Generated\s.+?\sby\sbettercare", "Generated", page.extract_text(), flags=re.S)
            for page in pdf.pages
        ]
        for pdf in (PdfReader(target), PdfReader(io.BytesIO(pack("highlight", "pdf").content)))
    )
    assert len(ours) >= 4
    assert ours == here
    assert "Wrote" in capsys.readouterr().out


def test_a_month_with_nothing_returned_is_packed_as_a_draft(demo):
    from bettercare.web.programmes.actions import period_open

    area = Area.objects.get(code=LEICESTERSHIRE)
    period_open(area=area, month=Month(2019, 1), by=None)
    html = pack("dashboard", "html", month=Month(2019, 1)).content.decode()
    assert "DRAFT: January 2019 is open for returns and has not been signed off." in html
    # A month nobody opened is packed too, and says so.
    html = pack("highlight", "html", month=Month(2019, 2)).content.decode()
    assert (
        "DRAFT: February 2019 has not been opened for returns and has not been signed off."
    ) in html


def test_web_download_of_each_pack_and_the_assurance_round(demo, client):
    from bettercare.web.demo_load import create_demo_users

    create_demo_users("pack-password")
    assert client.login(username="manager", password="pack-password")
    response = client.get(f"/areas/{LEICESTERSHIRE}/board-pack/highlight.pdf?period=2017-08")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="E10000018-highlight-report-2017-08.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert client.get(f"/areas/{LEICESTERSHIRE}/board-pack/highlight.docx").status_code == 404
    assert client.get(f"/areas/{LEICESTERSHIRE}/board-pack/other.pdf").status_code == 404
    assert client.get(f"/regions/{REGION}/assurance/board-pack.pdf").status_code == 403

    assert client.login(username="region", password="pack-password")
    matrix = client.get(f"/regions/{REGION}/assurance/").content.decode()
    assert "Download the regional assurance pack" in matrix
    assert "Demonstration data." in matrix
    first = client.get(f"/regions/{REGION}/assurance/board-pack.xlsx?round=2017-18+Q1")
    assert first.status_code == 200
    assert first["Content-Disposition"].endswith('assurance-matrix-2017-18-Q1.xlsx"')
    book = load_workbook(io.BytesIO(first.content))
    assert {row[0] for row in book["Assurance ratings"].iter_rows(min_row=2, values_only=True)} == {
        "2017-18 Q1"
    }
    assert client.get(f"/regions/{REGION}/assurance/board-pack.pdf?round=1999").status_code == 404


def test_the_assurance_pack_has_the_headline_questions_footnotes_and_summary(demo):
    report = build_assurance(Area.objects.get(code=REGION), None)
    _, text = pdf_text(pack("assurance", "pdf", code=REGION, month=None).content)
    flat = re.sub(r"\s+", " ", text).replace("\u2010 ", "").replace("\u2010", "")
    assert "Overall risk assessment" in flat
    assert "LA code Area High-risk plan? Why, and the remedial actions proposed Recommended" in flat
    assert report.summary
    assert report.summary in flat
    assert report.footnotes, "the demo qualifies some answers"
    assert "Footnotes to qualified answers Y* or N* (or a rating with an asterisk): a " in flat
    assert report.footnotes[0] in flat
    first = report.rows[0]
    assert f"{first.area.code} {first.area.name} {first.high_risk.label}" in flat


def test_the_assurance_pack_sums_up_each_group_of_criteria(demo):
    """One line under the matrix for the national conditions and one for the overall
    assessment, as the web matrix counts them from the ratings (seed 004's round)."""
    report = build_assurance(Area.objects.get(code=REGION), "2017-18 Q2")
    assert [group for group, _ in report.group_summaries] == [
        "National conditions",
        "Overall assessment",
    ]
    made = board_pack(
        "assurance", Area.objects.get(code=REGION), None, "pdf", round_name="2017-18 Q2"
    )
    _, text = pdf_text(made.content)
    flat = re.sub(r"\s+", " ", text).replace("\u2010 ", "").replace("\u2010", "")
    for group, line in report.group_summaries:
        assert f"{group}: {line}" in flat
    book = load_workbook(
        io.BytesIO(
            board_pack(
                "assurance", Area.objects.get(code=REGION), None, "xlsx", round_name="2017-18 Q2"
            ).content
        )
    )
    lines = [row[0] for row in book["Summary"].iter_rows(min_row=2, values_only=True)]
    assert lines[: 1 + len(report.group_summaries)] == [
        report.summary,
        *(f"{group}: {line}" for group, line in report.group_summaries),
    ]
