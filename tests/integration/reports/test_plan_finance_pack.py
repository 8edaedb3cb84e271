"""The highlight pack's budget overview in all three formats (ADR 0112): the pooled fund with
each pound counted once, the DFG passported to the district councils, and the protection of
services split of seed 001 ("£7.7m NHS, £22m Social Care Maintenance")."""

import io
import re

import pytest
from openpyxl import load_workbook

from tests.integration.reports.test_board_packs import pack, pdf_text

pytestmark = pytest.mark.django_db


def test_the_pdf_reads_the_pool_and_its_protection_split(demo):
    _, text = pdf_text(pack("highlight", "pdf").content)
    flat = re.sub(r"\s+", " ", text)
    for expected in (
        "Pooled fund 2017-18: £52,100,000",
        "DFG £3,300,000 is within BCF",
        "£3.3m DFG passported to Leicestershire district councils.",
        "Retained in the pool: £48,800,000.",
        "Protection of services",
        "NHS-commissioned out-of-hospital services £7,690,000 (£7.7m)",
        "Social care maintenance £22,030,000 (£22.0m)",
    ):
        assert expected in flat, expected
    assert "£55,400,000" not in flat


def test_the_html_pack_has_the_same_lines(demo):
    html = pack("highlight", "html").content.decode()
    flat = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert "Pooled fund 2017-18: £52,100,000" in flat
    assert "£3.3m DFG passported to Leicestershire district councils." in flat


def test_the_excel_pack_has_the_pool_and_the_split(demo):
    book = load_workbook(io.BytesIO(pack("highlight", "xlsx").content))
    pool = [[c.value for c in row] for row in book["Pooled fund"].iter_rows(min_row=2)]
    assert pool == [
        ["2017-18", "BCF", "stream of the pool", 42_600_000, None],
        ["2017-18", "iBCF", "stream of the pool", 9_500_000, None],
        ["2017-18", "DFG", "within BCF", 3_300_000, "Leicestershire district councils"],
        ["2017-18", "Pooled fund total", None, 52_100_000, None],
        ["2017-18", "Retained after passporting", None, 48_800_000, None],
    ]
    split = [[c.value for c in row] for row in book["Protection of services"].iter_rows(min_row=2)]
    assert split == [
        ["2017-18", "NHS-commissioned out-of-hospital services", 7_690_000],
        ["2017-18", "Social care maintenance", 22_030_000],
        ["2017-18", "Other spend of the pool", 22_380_000],
    ]
