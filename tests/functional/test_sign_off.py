"""The programme manager completes August 2017's missing returns, submits the period and
signs it off; its returns are then read-only.

In the demo, three of Leicestershire's schemes have no August return (BCF 3, 14 and 17). The
manager works without JavaScript here: every step is a plain form post.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.functional.support import LEICESTERSHIRE

pytestmark = pytest.mark.browser

#: The worked example's month, asked for explicitly: the demo opens on the current year.
PERIODS = f"/areas/{LEICESTERSHIRE}/periods/?period=2017-08"
MISSING = ["BCF 3", "BCF 14", "BCF 17"]  # in natural order


def _complete_return_in_green(page, scheme: str) -> None:
    page.get_by_role("link", name=re.compile(rf"^{scheme}:")).click()
    assert page.locator("h1").inner_text() == f"{scheme} return, August 2017"
    for fieldset in page.locator("form fieldset.nhsuk-fieldset[id]").all():
        fieldset.get_by_label("Green", exact=True).check()
    page.get_by_role("button", name="Save return").click()
    expect(page.locator(".bc-message--success")).to_contain_text(
        f"The August 2017 return for {scheme} is saved."
    )


def test_the_manager_submits_and_signs_off_august(page_without_js, open_as):
    page = page_without_js
    open_as(page, "manager", PERIODS)
    assert page.locator("h2", has_text="August 2017:").locator(".nhsuk-tag").inner_text() == "Open"
    assert page.get_by_role("heading", name=re.compile(r"Returns missing \(3 of \d+ schemes\)"))
    missing = page.locator("h3 + ul > li > a").all_inner_texts()
    assert [text.split(":")[0] for text in missing] == MISSING

    page.get_by_role("button", name="Submit August 2017").click()
    expect(page.locator(".bc-message--error")).to_contain_text(
        "August 2017 cannot be submitted: 3 scheme(s) have returns missing (BCF 3, BCF 14, BCF 17)."
    )

    for scheme in MISSING:
        page.goto(PERIODS)
        _complete_return_in_green(page, scheme)

    page.goto(PERIODS)
    assert page.get_by_text(re.compile(r"All \d+ schemes have returned all four statuses")).count()
    page.get_by_role("button", name="Submit August 2017").click()
    expect(page.locator(".bc-message--success")).to_contain_text("August 2017 is submitted.")
    state = page.locator("h2", has_text="August 2017:").locator(".nhsuk-tag")
    assert state.inner_text() == "Submitted"
    assert page.get_by_role("button", name="Reopen August 2017").is_visible()

    page.get_by_role("button", name="Sign off August 2017").click()
    expect(page.locator(".bc-message--success")).to_contain_text("August 2017 is signed off.")
    assert state.inner_text() == "Signed off"
    for action in ("Submit", "Sign off", "Reopen"):
        assert page.get_by_role("button", name=f"{action} August 2017").count() == 0
    august = page.get_by_role("row").filter(has=page.get_by_role("link", name="August 2017"))
    assert august.get_by_role("cell").nth(1).inner_text() == "Signed off"
    assert "by Sarah Pritchard (demo)" in august.get_by_role("cell").nth(3).inner_text()

    # Its returns can no longer be changed, not even by the manager.
    page.goto(f"/areas/{LEICESTERSHIRE}/schemes/?period=2017-08")
    assert page.get_by_role("link", name=re.compile("Complete return")).count() == 0
    page.get_by_role("link", name=re.compile(r"^BCF 10:")).click()
    page.get_by_role("link", name="View the August 2017 return").click()
    assert page.get_by_text(
        "August 2017 is signed off, so this return can no longer be changed."
    ).is_visible()
    assert page.get_by_role("button", name="Save return").count() == 0
    assert all(radio.is_disabled() for radio in page.locator("input[type=radio]").all())
