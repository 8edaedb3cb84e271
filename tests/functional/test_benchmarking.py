"""A regional lead compares Leicestershire with its peers, with and without JavaScript: the
funnel plot, its data table, and the peer-set chooser (a plain GET form)."""

import pytest
from playwright.sync_api import expect

from tests.functional.support import LEICESTERSHIRE

pytestmark = pytest.mark.browser

BENCHMARK = f"/areas/{LEICESTERSHIRE}/metrics/bcf_dtoc/benchmark/?period=2017-08"


@pytest.mark.parametrize("javascript", [True, False])
def test_the_peer_set_chooser_switches_from_the_region_to_the_icb(
    page, page_without_js, open_as, javascript
):
    tab = page if javascript else page_without_js
    open_as(tab, "region", BENCHMARK)

    expect(tab.locator("h2").first).to_contain_text("East Midlands region")
    funnel = tab.locator("figure.bc-chart").first
    expect(funnel.locator("svg title").first).to_contain_text("funnel plot")
    region_points = funnel.locator(".funnel-point").count()
    assert region_points >= 5

    tab.get_by_label("Compare with").select_option("icb")
    tab.get_by_role("button", name="Compare").click()

    expect(tab).to_have_url(BENCHMARK + "&peers=icb")
    expect(tab.locator("h2").first).to_contain_text("Integrated Care Board")
    assert tab.locator("figure.bc-chart").first.locator(".funnel-point").count() == 3

    table = tab.locator("details").filter(has_text="Show the data as a table").first
    table.locator("summary").click()
    expect(table.get_by_role("row", name="Leicestershire")).to_contain_text("(0.")
