"""Scheme references in natural order ("BCF 2" before "BCF 10") on every page and in every
pack that lists schemes. Leicestershire's 23 demo schemes, BCF 1 to BCF 23, sort differently
as text ("BCF 1, BCF 10, BCF 11 ... BCF 2"), so each list below would fail text order."""

import io
import re
from collections import Counter
from itertools import groupby

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bettercare.core.ordering import theme_and_ref_key
from bettercare.core.periods import Month
from bettercare.web.programmes.models import Area, Scheme, Theme
from bettercare.web.reporting.packs import board_pack

pytestmark = pytest.mark.django_db

LEICESTERSHIRE = "E10000018"
REF = re.compile(r"\bBCF (\d+)\b")


def number(ref):
    return int(ref.removeprefix("BCF "))


def first_refs(text):
    """Each scheme reference in ``text`` in the order it first appears."""
    seen = []
    for match in REF.finditer(text):
        if match.group(0) not in seen:
            seen.append(match.group(0))
    return seen


def assert_in_number_order(refs, what):
    assert len(refs) >= 2, f"{what}: too few schemes to show an order"
    assert [number(r) for r in refs] == sorted(number(r) for r in refs), (what, refs)


def assert_by_theme_then_number(refs, what):
    """Schemes grouped by theme, themes in natural order, numbers rising within each."""
    theme = dict(Scheme.objects.filter(area__code=LEICESTERSHIRE).values_list("ref", "theme__code"))
    assert sorted(refs, key=number) == sorted(theme, key=number), f"{what}: not every scheme"
    groups = [(code, [number(r) for r in rs]) for code, rs in groupby(refs, key=theme.get)]
    codes = [code for code, _ in groups]
    assert len(codes) == len(set(codes)), f"{what}: a theme's schemes are not together"
    key = [(int(re.sub(r"\D", "", code or "") or 0)) for code in codes]
    assert key == sorted(key), (what, codes)
    for code, numbers in groups:
        assert numbers == sorted(numbers), (what, code, numbers)


@pytest.fixture
def manager(demo, client):
    from bettercare.web.demo_load import create_demo_users

    create_demo_users("order-password")
    assert client.login(username="manager", password="order-password")
    return client


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def test_the_demo_has_schemes_whose_text_order_is_wrong():
    refs = [f"BCF {n}" for n in range(1, 24)]
    assert sorted(refs) != refs


def test_pages_list_schemes_in_natural_order(manager):
    client = manager
    area = f"/areas/{LEICESTERSHIRE}"
    assert_by_theme_then_number(first_refs(page(client, f"{area}/schemes/")), "scheme list")

    dashboard = page(client, f"{area}/dashboard/?period=2017-08")
    themes = dashboard[dashboard.index('id="themes"') :]
    assert_by_theme_then_number(first_refs(themes), "dashboard")

    finance = page(client, f"{area}/finance/?year=2017-18")
    table = finance[finance.index('id="schemes"') :]
    table = table[: table.index("</table>")]
    assert_in_number_order(first_refs(table), "finance page")

    periods = page(client, f"{area}/periods/?period=2017-08")
    missing = periods[periods.index("Returns missing") :]
    missing = missing[: missing.index("</ul>")]
    assert first_refs(missing) == ["BCF 3", "BCF 14", "BCF 17"]

    # The metric page's "schemes expected to affect this metric", for each metric in force
    # that two or more schemes affect.
    counts = Counter(
        Scheme.objects.filter(area__code=LEICESTERSHIRE)
        .exclude(metrics__code=None)
        .values_list("metrics__code", flat=True)
    )
    checked = 0
    for code in sorted(code for code, count in counts.items() if count >= 2):
        response = client.get(f"{area}/metrics/{code}/?period=2017-08")
        if response.status_code == 404:
            continue  # not in force in August 2017 and never measured by then
        detail = response.content.decode()
        section = detail[detail.index("Schemes expected to affect this metric") :]
        assert_in_number_order(first_refs(section), f"metric page of {code}")
        checked += 1
    assert checked >= 1

    schemes = client.get(f"/api/areas/{LEICESTERSHIRE}/schemes?period=2017-08").json()
    assert_by_theme_then_number([s["ref"] for s in schemes], "API")


def test_packs_list_schemes_in_natural_order(demo):
    area = Area.objects.get(code=LEICESTERSHIRE)
    august = Month(2017, 8)

    html = board_pack("dashboard", area, august, "html").content.decode()
    rows = re.findall(r"<tr><td>(BCF \d+): ", html)  # the theme tables' scheme rows
    assert_by_theme_then_number(rows, "dashboard pack (HTML)")

    # The PDF's text from the first theme's heading on (themes in natural order of code).
    first_theme = min(
        Theme.objects.filter(area=area), key=lambda t: theme_and_ref_key(t.code, "")
    ).name
    reader = PdfReader(io.BytesIO(board_pack("dashboard", area, august, "pdf").content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert_by_theme_then_number(first_refs(text[text.index(first_theme) :]), "dashboard pack (PDF)")

    for kind in ("dashboard", "highlight"):
        book = load_workbook(io.BytesIO(board_pack(kind, area, august, "xlsx").content))
        rows = list(book["Scheme statuses"].iter_rows(min_row=2, values_only=True))
        assert_by_theme_then_number([row[2] for row in rows], f"{kind} pack (Excel)")
    exceptions = list(
        load_workbook(io.BytesIO(board_pack("dashboard", area, august, "xlsx").content))[
            "Exceptions"
        ].iter_rows(min_row=2, values_only=True)
    )
    for dimension, rows in groupby(exceptions, key=lambda row: row[1]):
        refs = [row[2] for row in rows]
        assert [number(r) for r in refs] == sorted(number(r) for r in refs), (dimension, refs)
