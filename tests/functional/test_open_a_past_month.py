"""The programme manager opens a past month of the plan year from the periods page and reads
its dashboard. Without JavaScript: the month is chosen in a plain form."""

import re

import pytest
from playwright.sync_api import expect

from bettercare.core.periods import Month
from bettercare.web.programmes.models import ReportingPeriod
from tests.functional.support import LEICESTERSHIRE

pytestmark = pytest.mark.browser

PERIODS = f"/areas/{LEICESTERSHIRE}/periods/"


def test_the_manager_opens_a_past_month_and_reads_its_dashboard(page_without_js, open_as):
    page = page_without_js
    open_as(page, "manager", PERIODS)
    chooser = page.get_by_label("Open a month for returns")
    # The months nobody has opened, newest first, grouped by financial year.
    groups = chooser.locator("optgroup")
    assert groups.count() >= 1
    years = groups.evaluate_all("groups => groups.map(g => g.label)")
    assert years == sorted(years, reverse=True)
    newest = groups.first.locator("option")
    values = newest.evaluate_all("options => options.map(o => o.value)")
    assert values == sorted(values, reverse=True)
    past = values[-1]  # the earliest unopened month of the newest year: a past month
    month = Month.parse(past)
    assert not ReportingPeriod.objects.filter(area__code=LEICESTERSHIRE, month=month.first_day)

    chooser.select_option(past)
    page.get_by_role("button", name="Open month").click()
    expect(page.locator(".bc-message--success")).to_contain_text(
        f"{month.label} is open for returns."
    )
    heading = page.locator("h2", has_text=f"{month.label}:")
    assert heading.locator(".nhsuk-tag").inner_text() == "Open"
    assert (
        ReportingPeriod.objects.get(area__code=LEICESTERSHIRE, month=month.first_day).state
        == "open"
    )

    page.get_by_role("link", name="Dashboard", exact=True).click()
    assert page.locator("h1").inner_text() == f"Integration executive dashboard, {month.label}"
    assert page.get_by_label("Reporting period").input_value() == past
    # The dashboard's metrics: each measured, or awaiting its data, for that month.
    table = page.locator("table.bc-metrics-table").first
    expect(table).to_be_visible()
    assert re.search(r"\d|Data not yet available", table.inner_text())
