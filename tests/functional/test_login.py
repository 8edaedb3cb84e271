"""Signing in and out through the forms, as each demo user."""

import re
from datetime import date

import pytest

from bettercare.demo import reporting_month
from tests.functional.support import LEICESTERSHIRE, NHS_BLUE, header_background, sign_in

pytestmark = pytest.mark.browser

LEICESTERSHIRE_OVERVIEW = re.compile(rf"/areas/{LEICESTERSHIRE}/$")
#: Users land on the newest month of the current year (the demo moves with the calendar).
HIGHLIGHT_REPORT = f"Programme highlight report, {reporting_month(date.today()).label}"
HOME = re.compile(r"^http://[^/]+/$")


@pytest.mark.parametrize(
    ("username", "name", "lands_on", "heading"),
    [
        ("manager", "Sarah Pritchard (demo)", LEICESTERSHIRE_OVERVIEW, HIGHLIGHT_REPORT),
        ("lead", "Jo Braithwaite (demo)", LEICESTERSHIRE_OVERVIEW, HIGHLIGHT_REPORT),
        ("finance", "Kate Ashworth (demo)", LEICESTERSHIRE_OVERVIEW, HIGHLIGHT_REPORT),
        ("viewer", "Peter Lang (demo)", LEICESTERSHIRE_OVERVIEW, HIGHLIGHT_REPORT),
        ("region", "Ruth Adebayo (demo)", HOME, "Your areas"),
        ("admin", "Demo Administrator", HOME, "Your areas"),
    ],
)
def test_each_demo_user_signs_in_and_lands_on_their_page(page, username, name, lands_on, heading):
    """Those with one area go straight to it; the others choose from their areas."""
    sign_in(page, username)

    assert lands_on.search(page.url), page.url
    assert page.locator("h1").inner_text() == heading
    assert page.locator(".nhsuk-header").get_by_text(name).is_visible()
    assert header_background(page) == NHS_BLUE
    # Self-hosted: no web font is fetched, so the NHS.UK fallback family must be set.
    family = page.locator("body").evaluate("e => getComputedStyle(e).fontFamily")
    assert family.startswith('"Frutiger W01", arial'), family


def test_a_wrong_password_shows_the_error_summary(page):
    sign_in(page, "manager", password="not-the-password")

    assert page.url.endswith("/accounts/login/")
    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    link = summary.get_by_role("link", name="Enter a correct username and password")
    assert link.get_attribute("href") == "#id_username"
    assert page.get_by_text("Error: Check your password").count() == 1
    # The username is kept; the password is not.
    assert page.get_by_label("Username").input_value() == "manager"
    assert page.get_by_label("Password", exact=True).input_value() == ""


def test_signing_out_through_the_header_link_asks_to_confirm(page):
    sign_in(page, "viewer")

    page.locator(".nhsuk-header").get_by_role("link", name="Sign out").click()
    assert page.url.endswith("/accounts/logout/")
    assert page.locator("h1").inner_text() == "Sign out"
    page.get_by_role("button", name="Sign out of bettercare").click()

    assert page.url.endswith("/accounts/login/")
    assert page.locator(".nhsuk-header").get_by_role("link", name="Sign out").count() == 0
    page.goto(f"/areas/{LEICESTERSHIRE}/")
    assert "/accounts/login/" in page.url, "signed out, the area page asks to sign in"


def test_signing_in_works_without_javascript(page_without_js):
    sign_in(page_without_js, "manager")

    assert LEICESTERSHIRE_OVERVIEW.search(page_without_js.url), page_without_js.url
    assert page_without_js.locator("h1").inner_text() == HIGHLIGHT_REPORT
    assert header_background(page_without_js) == NHS_BLUE
