"""What the browser tests share: the demo's logins and areas, signing in, and axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from bettercare.web.config.settings import PROJECT_DIR

#: The demo users' password in these tests (``create_demo_users`` sets it).
PASSWORD = "functional-tests-demo-password"
LEICESTERSHIRE = "E10000018"
REGION = "E12000004"
#: The longest a page or an element may take; the demo pages take well under a second.
TIMEOUT_MS = 10_000
#: NHS blue, the header's background when the stylesheet is served.
NHS_BLUE = "rgb(0, 94, 184)"
AXE = PROJECT_DIR / "node_modules" / "axe-core" / "axe.min.js"


def sign_in(page, username: str, password: str = PASSWORD, *, then: str = "") -> None:
    """Sign in through the form, as a person would (going on to ``then``, if given)."""
    page.goto("/accounts/login/" + (f"?next={quote(then)}" if then else ""))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


#: Run in every page with JavaScript: counts htmx's settled swaps, so tests can wait for one.
COUNT_HTMX_SWAPS = (
    "window.htmxSwaps = 0;"
    "document.addEventListener('htmx:afterSettle', () => { window.htmxSwaps += 1; });"
)


@contextmanager
def htmx_swap(page) -> Iterator[None]:
    """Wait, after the block, until htmx has swapped new content in and settled it."""
    before = page.evaluate("window.htmxSwaps")
    yield
    page.wait_for_function("before => window.htmxSwaps > before", arg=before)


def header_background(page) -> str:
    return page.locator(".nhsuk-header").evaluate("e => getComputedStyle(e).backgroundColor")


def axe_violations(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations of the given impacts on the page as it is now."""
    if not Path(AXE).exists():
        raise FileNotFoundError(f"{AXE} is missing: run `make setup` (npm ci) first")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the browser's debugging protocol, which the page's strict
        # Content-Security-Policy does not govern (a <script> tag added to the page would be
        # refused, as it should be).
        page.evaluate(Path(AXE).read_text(encoding="utf-8") + "\n;undefined")
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [v for v in results["violations"] if v["impact"] in impacts]


def describe_violations(where: str, violations: list[dict]) -> str:
    lines = [f"{where}: {len(violations)} accessibility violation(s)"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"][:10]:
            summary = " ".join(node["failureSummary"].split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)
