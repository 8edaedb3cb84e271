"""A viewer reads Leicestershire's integration dashboard for August 2017: the themes, the RAG
guidelines, the status filter (in place with htmx, and without JavaScript), the metrics and
the SPC chart of a metric."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from bettercare.web.programmes.models import SchemeStatus, Theme
from tests.functional.support import LEICESTERSHIRE

pytestmark = pytest.mark.browser

#: The worked example's month, asked for explicitly: the demo opens on the current year.
DASHBOARD = f"/areas/{LEICESTERSHIRE}/dashboard/?period=2017-08"
DTOC = "Delayed transfers of care from hospital per 100,000 population (average per month)"


def _theme_names(page) -> list[str]:
    return page.locator("#themes section > h3").all_inner_texts()


def _themes_with_a_red_scheme() -> list[str]:
    red = SchemeStatus.objects.filter(
        period__area__code=LEICESTERSHIRE, period__month=date(2017, 8, 1), status="R"
    ).values_list("scheme__theme", flat=True)
    return list(
        Theme.objects.filter(pk__in=set(red)).order_by("code").values_list("name", flat=True)
    )


@pytest.fixture
def themes():
    """All of Leicestershire's themes, and those with a scheme rated Red in August 2017."""
    every = list(
        Theme.objects.filter(area__code=LEICESTERSHIRE)
        .order_by("code")
        .values_list("name", flat=True)
    )
    red = _themes_with_a_red_scheme()
    assert 0 < len(red) < len(every), "the demo has themes with and without a Red scheme"
    return every, red


def test_the_dashboard_shows_every_theme_and_the_guidelines_on_request(page, open_as, themes):
    every, _ = themes
    open_as(page, "viewer", DASHBOARD)

    assert page.locator("h1").inner_text() == "Integration executive dashboard, August 2017"
    assert sorted(_theme_names(page)) == sorted(every)
    for section in page.locator("#themes section").all():
        assert section.get_by_role("row", name=re.compile("Suggested theme roll-up")).count() == 1

    guidelines = page.locator("details").filter(has_text="RAG status guidelines")
    table = guidelines.get_by_role("table")
    assert not table.is_visible()
    guidelines.locator("summary").click()
    expect(table).to_be_visible()
    assert guidelines.evaluate("d => d.open") is True
    assert table.get_by_role("row").count() > 4


def test_the_status_filter_updates_the_themes_in_place(page, open_as, themes):
    _, red = themes
    open_as(page, "viewer", DASHBOARD)
    page.evaluate("window.notReloaded = true")

    with page.expect_response(lambda r: "status=R" in r.url) as filtered:
        page.get_by_label("Show themes with a scheme rated").select_option(label="Red")
    assert filtered.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#themes section > h3")).to_have_count(len(red))

    assert page.evaluate("window.notReloaded") is True
    assert sorted(_theme_names(page)) == sorted(red)
    assert page.locator("[id=themes]").count() == 1, "the themes are swapped in, not nested"
    assert "status=R" in page.url, "the filtered view can be bookmarked"
    for section in page.locator("#themes section").all():
        assert section.locator("tbody .nhsuk-tag", has_text="Red").count() >= 1


def test_the_status_filter_works_without_javascript(page_without_js, open_as, themes):
    page = page_without_js
    _, red = themes
    open_as(page, "viewer", DASHBOARD)

    page.get_by_label("Show themes with a scheme rated").select_option(label="Red")
    page.get_by_role("button", name="Filter").click()

    assert re.search(r"[?&]status=R(&|$)", page.url), page.url
    assert page.get_by_label("Show themes with a scheme rated").input_value() == "R"
    assert sorted(_theme_names(page)) == sorted(red)


def test_the_metrics_table_and_the_spc_chart(page, open_as):
    open_as(page, "viewer", DASHBOARD)

    table = page.locator("table.bc-metrics-table").first
    dtoc = table.get_by_role("row").filter(has=page.get_by_role("link", name=DTOC))
    latest = dtoc.get_by_role("cell").nth(2)
    assert latest.locator("strong").inner_text() == "294.95"
    assert "280.72 to 309.71" in latest.inner_text()
    assert dtoc.get_by_role("cell").nth(1).inner_text().strip() == "278.57"
    assert dtoc.get_by_role("cell").nth(3).locator(".nhsuk-tag").inner_text() == "Red"

    dtoc.get_by_role("link", name=DTOC).click()
    assert re.search(rf"/areas/{LEICESTERSHIRE}/metrics/bcf_dtoc/\?period=2017-08$", page.url)
    assert page.locator("h1").inner_text() == DTOC
    chart = page.locator("figure.bc-chart svg[role=img]").first
    expect(chart).to_be_visible()
    name = chart.evaluate(
        "svg => svg.getAttribute('aria-labelledby').split(' ')"
        ".map(id => document.getElementById(id).textContent).join(' ')"
    )
    assert "Delayed transfers of care" in name
    assert chart.bounding_box()["width"] > 300
    assert page.locator("figure.bc-chart svg circle, figure.bc-chart svg path").count() > 12
