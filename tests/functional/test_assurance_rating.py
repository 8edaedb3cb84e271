"""The regional assurance lead rates an area in the browser; a second edit from a form opened
before the first was saved is refused with the conflict message, and nothing is overwritten."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.functional.support import LEICESTERSHIRE, REGION

pytestmark = pytest.mark.browser

MATRIX = f"/regions/{REGION}/assurance/"


def _open_form(page, open_as):
    open_as(page, "region", MATRIX)
    page.get_by_role("link", name=re.compile(r"^Rate Leicestershire$")).click()
    expect(page.locator("h1")).to_contain_text("Rate Leicestershire")


def test_the_regional_lead_answers_and_a_stale_form_is_refused(page_without_js, open_as):
    page = page_without_js
    _open_form(page, open_as)
    stale = page.context.new_page()
    stale.goto(page.url)  # a second form, opened before the first is saved

    high_risk = page.locator("fieldset", has=page.locator("legend", has_text="High-risk plan"))
    high_risk.get_by_label("Answer", exact=True).select_option("Y")
    high_risk.get_by_label("Why, and the remedial actions proposed", exact=True).fill(
        "Integrated neighbourhood teams more than 30 days late"
    )
    high_risk.get_by_label("Qualified answer (shown with an asterisk)", exact=True).check()
    high_risk.get_by_label("Footnote of a qualified answer", exact=True).fill(
        "Pending the January go-live."
    )
    page.get_by_role("button", name="Save ratings").click()

    expect(page.locator(".bc-message--success")).to_contain_text("Leicestershire's ratings")
    row = page.locator("#risk-assessment tr", has_text="Leicestershire")
    expect(row).to_contain_text(f"{LEICESTERSHIRE} Leicestershire Y*")
    expect(row).to_contain_text("Integrated neighbourhood teams more than 30 days late")
    expect(page.locator("#footnotes")).to_contain_text("Pending the January go-live.")

    other = stale.locator("fieldset", has=stale.locator("legend", has_text="High-risk plan"))
    other.get_by_label("Answer", exact=True).select_option("N")
    stale.get_by_role("button", name="Save ratings").click()

    expect(stale.locator(".nhsuk-card--warning")).to_contain_text(
        "after you opened it, so your changes have not been saved"
    )
    expect(stale.locator("#yours tr", has_text="High-risk plan")).to_contain_text(
        re.compile(r"High-risk plan\s*N\*")
    )
    # The form now shows what is saved: the first edit, not overwritten.
    expect(other.get_by_label("Answer", exact=True)).to_have_value("Y")
