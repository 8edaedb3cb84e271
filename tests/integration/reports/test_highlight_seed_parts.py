"""The demo's August 2017 highlight report against the seed (001): scheme milestones in the
milestone table, only the plan year in force, the next three months grouped with the seed's
activities, and the reason beside an annual metric's missing forecast (ADR 0111)."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.web.programmes.models import Area, ReportingPeriod
from bettercare.web.reporting.highlight import build_highlight_report
from bettercare.web.reporting.packs import board_pack
from tests.integration.reports.test_board_packs import AUGUST, LEICESTERSHIRE

pytestmark = pytest.mark.django_db


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
    assert groups["Programme management"].activities[0] == "Sign-off BCF section 75 agreement"
    assert "HTLAH – new lots commence" in groups["Schemes"].activities
    assert groups["Enablers"].activities[0] == "LLR Points of Access – business case completed"
    for group in report.upcoming_groups:
        for m in group.milestones:
            assert (m.scheme_ref is None) == (group.group == "programme")


def test_an_annual_metric_without_monthly_figures_says_why_there_is_no_forecast(report):
    permanent = next(m for m in report.metrics if m.code == "bcf_permanent_admissions_65")
    assert permanent.forecast is None
    assert permanent.forecast_note == (
        "No forecast: an annual metric is forecast from its monthly figures, and none are held "
        "for this financial year from April."
    )
    dtoc = next(m for m in report.metrics if m.code == "bcf_dtoc")
    assert dtoc.forecast is not None
    assert dtoc.forecast_note == ""


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
    assert rows[0] == ("group", "activity", "scheme_ref", "due_date")
    assert rows[1] == ("Programme management", "Sign-off BCF section 75 agreement", None, None)
