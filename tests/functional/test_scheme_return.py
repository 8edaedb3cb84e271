"""A scheme lead completes a monthly return: AMBER demands exception commentary, then is saved.

The demo's ``lead`` leads BCF 10, 11 and 14 of Leicestershire, whose August 2017 period is open.
With JavaScript, choosing a status re-checks the form in place (htmx); without it, the same
checks come from plain form posts.
"""

import re

import pytest

from tests.functional.support import LEICESTERSHIRE, htmx_swap

pytestmark = pytest.mark.browser

#: The worked example's month, asked for explicitly: the demo opens on the current year.
SCHEMES = f"/areas/{LEICESTERSHIRE}/schemes/?period=2017-08"
RETURN_URL = re.compile(rf"/areas/{LEICESTERSHIRE}/schemes/(\d+)/return/2017-08/$")
#: The scheme's page: from the list, in the month chosen there; after saving, as it is now.
SCHEME_URL = re.compile(rf"/areas/{LEICESTERSHIRE}/schemes/(\d+)/(\?period=2017-08)?$")
COMMENTARY = "Two milestones have slipped by six weeks; a recovery plan goes to the board."
COMMENTARY_ERROR = "Enter exception commentary for action plan milestones: Amber needs it."


def _open_return(page, open_as, scheme: str) -> None:
    open_as(page, "lead", SCHEMES)
    page.get_by_role("link", name=f"Complete return for {scheme}").click()
    assert RETURN_URL.search(page.url), page.url
    assert page.locator("h1").inner_text() == f"{scheme} return, August 2017"


def _commentary_label(page) -> str:
    return page.locator("label[for=milestones_commentary]").inner_text().strip()


def _see_the_error_then_save(page, scheme: str, *, javascript: bool) -> None:
    """Save without commentary (refused, with the error summary), then with it (saved)."""
    page.get_by_role("button", name="Save return").click()

    summary = page.locator(".nhsuk-error-summary")
    assert summary.get_by_role("heading", name="There is a problem").is_visible()
    link = summary.get_by_role("link", name=COMMENTARY_ERROR, exact=False)
    assert link.get_attribute("href") == "#milestones_commentary"
    field_error = (
        page.locator("#milestones_commentary").locator("xpath=..").locator(".nhsuk-error-message")
    )
    assert COMMENTARY_ERROR in field_error.inner_text()
    assert _commentary_label(page) == "Exception commentary"
    # What was chosen is kept.
    assert page.locator("#milestones").get_by_label("Amber", exact=True).is_checked()
    if javascript:
        # NHS.UK frontend focuses the summary, and its links move the focus to the field.
        page.wait_for_function("document.activeElement.classList.contains('nhsuk-error-summary')")
        link.click()
        assert page.evaluate("document.activeElement.id") == "milestones_commentary"
    else:
        link.click()
        assert page.url.endswith("#milestones_commentary")
        assert page.locator("#milestones_commentary:target").count() == 1

    page.locator("#milestones_commentary").fill(COMMENTARY)
    page.get_by_role("button", name="Save return").click()

    assert SCHEME_URL.search(page.url), page.url
    message = page.locator(".bc-message--success")
    assert message.inner_text().strip().endswith(f"The August 2017 return for {scheme} is saved.")
    august = page.get_by_role("row").filter(has=page.get_by_role("link", name="August 2017"))
    milestones = august.get_by_role("cell").nth(2)  # period, savings, milestones, ...
    assert milestones.locator(".nhsuk-tag").inner_text() == "Amber"
    assert COMMENTARY in milestones.inner_text()


def test_amber_needs_commentary_and_the_form_rechecks_in_place(page, open_as):
    _open_return(page, open_as, "BCF 10")
    return_url = page.url
    milestones = page.locator("#milestones")
    page.locator("#milestones_commentary").fill("")
    page.evaluate("window.notReloaded = true")

    with page.expect_response(lambda r: r.request.method == "POST") as checked, htmx_swap(page):
        milestones.get_by_label("Amber", exact=True).check()
    assert checked.value.request.headers.get("hx-request") == "true"
    assert checked.value.status == 200

    # htmx swapped the re-checked form in: same page, same URL, and the field now asks for
    # exception commentary (saying so before anything is saved).
    assert page.evaluate("window.notReloaded") is True
    assert page.url == return_url
    assert page.locator("#return-form > form").count() == 1
    assert _commentary_label(page) == "Exception commentary"
    assert COMMENTARY_ERROR in page.locator("#return-form .nhsuk-error-message").inner_text()
    assert milestones.get_by_label("Amber", exact=True).is_checked()
    assert page.get_by_role("button", name="Save return").is_visible()
    # The swapped-in form re-checks again.
    with htmx_swap(page):
        milestones.get_by_label("Green", exact=True).check()
    assert _commentary_label(page) == "Commentary"
    assert page.locator("#return-form .nhsuk-error-message").count() == 0
    with htmx_swap(page):
        milestones.get_by_label("Amber", exact=True).check()
    assert page.evaluate("window.notReloaded") is True

    _see_the_error_then_save(page, "BCF 10", javascript=True)


def test_what_is_chosen_or_typed_while_a_recheck_is_in_flight_is_kept(page, open_as):
    _open_return(page, open_as, "BCF 10")
    held = []
    page.route(
        RETURN_URL,
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    with page.expect_request(lambda r: r.method == "POST"):
        page.locator("#finance").get_by_label("Red", exact=True).check()
    # While that re-check is on its way (a slow connection), the lead carries on.
    page.locator("#savings").get_by_label("Amber", exact=True).check()
    page.locator("#finance_commentary").fill("Agency staffing costs are over budget.")
    with htmx_swap(page):
        held.pop().continue_()

    assert page.locator("#finance").get_by_label("Red", exact=True).is_checked()
    assert page.locator("#savings").get_by_label("Amber", exact=True).is_checked()
    assert page.locator("#finance_commentary").input_value() == (
        "Agency staffing costs are over budget."
    )


def test_the_same_return_works_without_javascript(page_without_js, open_as):
    page = page_without_js
    _open_return(page, open_as, "BCF 11")
    page.locator("#milestones_commentary").fill("")
    page.locator("#milestones").get_by_label("Amber", exact=True).check()
    assert _commentary_label(page) != "Exception commentary", "nothing changes without a post"

    page.get_by_role("button", name="Check against the guidelines").click()
    assert RETURN_URL.search(page.url), page.url
    assert _commentary_label(page) == "Exception commentary"
    assert page.locator("#milestones").get_by_label("Amber", exact=True).is_checked()

    _see_the_error_then_save(page, "BCF 11", javascript=False)


def test_a_scheme_the_lead_does_not_lead_is_read_only(page, open_as):
    open_as(page, "lead", SCHEMES)
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=re.compile(r"^BCF 1:")))
    assert row.get_by_role("link", name=re.compile("Complete return")).count() == 0
    row.get_by_role("link", name=re.compile(r"^BCF 1:")).click()
    assert SCHEME_URL.search(page.url), page.url
    assert page.get_by_role("link", name=re.compile("the August 2017 return")).count() == 0

    page.goto(page.url.split("?")[0] + "return/2017-08/")
    assert page.locator("h1").inner_text() == "BCF 1 return, August 2017"
    assert page.get_by_text(
        "You can read this return but not change it: BCF 1 is not one of your schemes."
    ).is_visible()
    assert page.get_by_role("button", name="Save return").count() == 0
    assert page.get_by_role("button", name="Check against the guidelines").count() == 0
    radios = page.locator("input[type=radio]")
    assert radios.count() > 0
    assert all(radio.is_disabled() for radio in radios.all())
    assert page.locator("#milestones_commentary").is_disabled()
