"""The demo's DToC rebase at Home First (ADR 0095): the metric page no longer reads April 2014
to August 2017 as one process, and both board packs name the rebase and its reason."""

import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.core.periods import Month
from bettercare.demo.metrics import DTOC_REBASE
from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.packs import board_pack
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

LEICESTERSHIRE = "E10000018"
PAGE = f"/areas/{LEICESTERSHIRE}/metrics/bcf_dtoc/?period=2017-08"


def test_the_dtoc_page_shows_two_periods_and_why_the_icon_reads_common_cause(demo, client):
    client.force_login(User.objects.create_superuser("rebase-admin", "a@example.com", "x"))
    text = text_of(client.get(PAGE))
    month, reason = DTOC_REBASE
    assert month == Month(2015, 10)
    assert f"From October 2015: {reason} (recorded by Sarah Pritchard (demo))" in text
    assert "Mean since October 2015: 291.61; process limits 234.53 to 348.70." in text
    assert (
        "Common cause: no rule fires at the latest point (August 2017); 16 of 23 points in the "
        "current period (October 2015 to August 2017) are special cause." in text
    )


@pytest.mark.parametrize("kind", ["highlight", "dashboard"])
def test_the_packs_name_the_rebase_and_its_reason(demo, kind):
    made = board_pack(kind, Area.objects.get(code=LEICESTERSHIRE), Month(2017, 8), "pdf")
    reader = PdfReader(io.BytesIO(made.content))
    flat = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in reader.pages))
    assert "SPC limits recalculated from October 2015: Home First (BCF 10) started" in flat


def test_the_spreadsheet_pack_has_the_rebase_beside_the_metric(demo):
    made = board_pack("highlight", Area.objects.get(code=LEICESTERSHIRE), Month(2017, 8), "xlsx")
    workbook = load_workbook(io.BytesIO(made.content), read_only=True)
    sheet = workbook["Metrics"]
    rows = list(sheet.values)
    header = list(rows[0])
    dtoc = next(row for row in rows if row[0] == "bcf_dtoc")
    assert dtoc[header.index("spc_rebases")] == f"from October 2015: {DTOC_REBASE[1]}"
