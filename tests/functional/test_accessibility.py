"""axe-core on the main pages: no violation of serious or critical impact.

Each page is also saved as a screenshot in the test's temporary directory, to look at when a
check fails (pytest keeps the last few runs' directories; the path is in the failure message).
"""

import pytest

from bettercare.web.programmes.models import Scheme
from tests.functional.support import (
    LEICESTERSHIRE,
    NHS_BLUE,
    REGION,
    axe_violations,
    describe_violations,
    header_background,
    sign_in,
)

pytestmark = pytest.mark.browser

AREA = f"/areas/{LEICESTERSHIRE}"
SCHEME = AREA + "/schemes/{bcf_10}"

#: (name, who signs in, the page's address)
PAGES = [
    ("home", "region", "/"),
    ("overview", "viewer", f"{AREA}/"),
    ("dashboard", "viewer", f"{AREA}/dashboard/"),
    ("metrics", "viewer", f"{AREA}/metrics/"),
    ("metric", "viewer", f"{AREA}/metrics/bcf_dtoc/?period=2017-08"),
    # The manager's view carries the rebase form (ADR 0095); its own page repeats it.
    # An annual metric with its monthly figures listed apart (ADR 0119).
    (
        "metric-annual",
        "viewer",
        f"{AREA}/metrics/bcf_permanent_admissions_65/?period=2017-08",
    ),
    ("metric-manager", "manager", f"{AREA}/metrics/bcf_dtoc/?period=2017-08"),
    ("metric-rebases", "manager", f"{AREA}/metrics/bcf_dtoc/rebases/?period=2017-08"),
    ("metric-benchmark", "region", f"{AREA}/metrics/bcf_dtoc/benchmark/?period=2017-08"),
    ("benchmark", "region", f"{AREA}/benchmark/?period=2017-08"),
    ("schemes", "lead", f"{AREA}/schemes/"),
    ("scheme", "lead", f"{SCHEME}/"),
    ("scheme-return", "lead", f"{SCHEME}/return/2017-08/"),
    ("scheme-description", "lead", f"{SCHEME}/description/"),
    ("scheme-description-edit", "lead", f"{SCHEME}/description/edit/"),
    ("milestones", "manager", f"{AREA}/milestones/"),
    ("risks", "manager", f"{AREA}/risks/"),
    ("finance", "finance", f"{AREA}/finance/"),
    ("periods", "manager", f"{AREA}/periods/"),
    # The programme manager's planned activities with their form (ADR 0111).
    ("activities", "manager", f"{AREA}/activities/?period=2017-08"),
    ("assurance-matrix", "region", f"/regions/{REGION}/assurance/"),
    ("assurance-rating", "region", f"/regions/{REGION}/assurance/{LEICESTERSHIRE}/edit/"),
    ("history", "viewer", f"{AREA}/history/scheme/{{bcf_10}}/"),
    ("alerts", "manager", "/alerts/"),
    ("alert-subscriptions", "manager", "/alerts/subscriptions/"),
]


def _status(page) -> int:
    """The HTTP status of the page's document (Navigation Timing, so no second request)."""
    return page.evaluate("performance.getEntriesByType('navigation')[0].responseStatus")


def _check(page, name: str, tmp_path) -> None:
    screenshot = tmp_path / f"{name}.jpeg"
    page.screenshot(path=screenshot, full_page=True, type="jpeg", quality=70)
    assert header_background(page) == NHS_BLUE, "the stylesheet is served"
    violations = axe_violations(page)
    assert violations == [], describe_violations(f"{name} ({page.url}, {screenshot})", violations)


@pytest.fixture
def bcf_10() -> int:
    return Scheme.objects.get(area__code=LEICESTERSHIRE, ref="BCF 10").pk


@pytest.mark.parametrize(("name", "username", "address"), PAGES, ids=[p[0] for p in PAGES])
def test_main_pages_have_no_serious_accessibility_violations(
    page, open_as, tmp_path, bcf_10, name, username, address
):
    response = open_as(page, username, address.format(bcf_10=bcf_10))

    assert response.status == 200, f"{name} for {username}: {response.status} from {page.url}"
    _check(page, name, tmp_path)


def test_the_sign_in_page_with_and_without_errors(page, tmp_path):
    page.goto("/accounts/login/")
    _check(page, "sign-in", tmp_path)

    sign_in(page, "viewer", password="not-the-password")
    assert page.locator(".nhsuk-error-summary").is_visible()
    _check(page, "sign-in-errors", tmp_path)


def test_the_scheme_return_with_its_errors_shown(page, open_as, tmp_path, bcf_10):
    open_as(page, "lead", f"{AREA}/schemes/{bcf_10}/return/2017-08/")
    page.locator("#milestones_commentary").fill("")
    page.locator("#milestones").get_by_label("Amber", exact=True).check()
    page.get_by_role("button", name="Save return").click()

    assert _status(page) == 400
    assert page.locator(".nhsuk-error-summary").is_visible()
    _check(page, "scheme-return-errors", tmp_path)
