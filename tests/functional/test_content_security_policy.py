"""Under the strict Content-Security-Policy the page's scripts still run: NHS.UK frontend's
inline marker (allowed by its hash) and our module that starts its components. Any refusal
by the policy fails every browser test (see PageProblems in conftest)."""

import pytest

from tests.functional.support import LEICESTERSHIRE

pytestmark = pytest.mark.browser


def test_the_scripts_run_under_the_policy(page, open_as):
    response = open_as(page, "manager", f"/areas/{LEICESTERSHIRE}/")
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    classes = page.locator("body").get_attribute("class") or ""
    assert "js-enabled" in classes
    assert "nhsuk-frontend-supported" in classes
    # NHS.UK frontend's components were started by static/js/init.js.
    page.wait_for_function("document.querySelector('[data-nhsuk-header-init]') !== null")
