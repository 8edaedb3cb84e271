"""Browser tests: the demo region served by a live Django server, driven in real headless Chromium.

- The demo region and its logins are loaded once for the ``tests/functional`` package and
  committed; the database is flushed when the package is done, so no other test sees them.
- Each test runs in a transaction that is rolled back (pytest-django's ``db``). The test
  database is in-memory SQLite, whose one connection the live server's threads share, so the
  requests the browser makes run inside the test's transaction too: whatever a test saves or
  signs off is gone for the next test. (pytest-django's ``live_server`` fixture would make
  every test transactional instead, which flushes the database, and the demo, after each.)
  With another database the server would have a connection of its own and the tests could
  not undo each other's changes, so they are skipped there (CI runs them on SQLite).
- Chromium is Debian's ``chromium`` package driven by the ``playwright`` package with its
  executable path; ``playwright install`` (which downloads browsers) is never needed.
- Playwright's synchronous API keeps an asyncio event loop running in the main thread. Django
  takes that for an async context: it keeps the thread's database connection in a context
  variable rather than a thread-local, and refuses synchronous calls. So the server starts
  only once the browser has (its threads and the tests must share that same connection),
  and the package runs with ``DJANGO_ALLOW_ASYNC_UNSAFE`` set: the tests' own database work
  (loading, rolling back, checking) is synchronous.
- Each test gets a fresh browser context (no cookies). A test fails if its page raises a
  JavaScript error, if a static file is missing, or if the server fails (5xx).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bettercare.web.config.settings import PROJECT_DIR
from tests.functional.support import COUNT_HTMX_SWAPS, PASSWORD, TIMEOUT_MS

CHROMIUM = os.environ.get("BETTERCARE_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STYLESHEET = PROJECT_DIR / "bettercare" / "web" / "static" / "build" / "bettercare.css"


@pytest.fixture(scope="package")
def _async_unsafe_allowed() -> Iterator[None]:
    """Django may be called from the thread where Playwright's event loop is parked (only
    while the browser tests run)."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass(frozen=True)
class DemoServer:
    """The live server's address, and a session for each demo user made when it started."""

    url: str
    sessions: dict[str, str]


def _sessions(usernames: list[str]) -> dict[str, str]:
    from django.conf import settings
    from django.test import Client

    from bettercare.web.accounts.models import User

    sessions = {}
    for user in User.objects.filter(username__in=usernames):
        client = Client()
        client.force_login(user)
        sessions[user.username] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def _wait_for_requests(timeout: float = 5.0) -> None:
    """Let the server finish the requests it is still answering: they use the test's database
    connection, which is about to be rolled back (or flushed, or no longer shared)."""
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout)


@pytest.fixture(scope="package")
def server(browser, demo_snapshot, django_db_blocker) -> Iterator[DemoServer]:
    """The app on a live server with the demo (the session's one load) and its logins."""
    from django.core.management import call_command
    from django.db import connection
    from pytest_django.live_server_helper import LiveServer

    from bettercare.web.demo_load import create_demo_users

    if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
        # Refuse loudly rather than skip: a skipped browser test checks nothing. `make test`
        # runs them on SQLite and leaves them out of the PostgreSQL run (-m "not browser").
        pytest.fail(
            "browser tests need the in-memory SQLite test database, whose connection the "
            f"live server shares (this is {connection.vendor}): unset BETTERCARE_DATABASE_URL "
            'or deselect them with -m "not browser"',
            pytrace=False,
        )
    if not STYLESHEET.exists():
        pytest.fail(f"{STYLESHEET} is missing: run `make assets` (or `make setup`) first")
    with django_db_blocker.unblock():
        demo_snapshot.restore()
        users = create_demo_users(PASSWORD)
        sessions = _sessions([user.username for user in users])
    live = LiveServer("localhost")
    live._live_server_modified_settings.enable()
    try:
        yield DemoServer(live.url, sessions)
    finally:
        live._live_server_modified_settings.disable()
        live.thread.terminate()
        _wait_for_requests()
        for shared in live.thread.connections_override.values():
            shared.dec_thread_sharing()
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def _rolled_back(server, db) -> Iterator[None]:
    """Every browser test runs in a transaction (with the server's requests) rolled back after."""
    yield
    _wait_for_requests()


@pytest.fixture(scope="package")
def browser(_async_unsafe_allowed):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is not at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium) or set BETTERCARE_CHROMIUM to its path"
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageProblems:
    """What went wrong in the browser that no assertion on the page would notice."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page) -> None:
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on("response", self._response)
        page.on("console", self._console)

    def _console(self, message) -> None:
        # The Content-Security-Policy refused a script, style or other resource of the page.
        if message.type == "error" and "Content Security Policy" in message.text:
            self.errors.append(f"CSP refusal: {message.text}")

    def _response(self, response) -> None:
        missing_asset = "/static/" in response.url and response.status >= 400
        if missing_asset or response.status >= 500:
            self.errors.append(f"{response.status} from {response.request.method} {response.url}")


def _open_page(browser, server: DemoServer, *, javascript: bool) -> Iterator:
    context = browser.new_context(
        base_url=server.url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COUNT_HTMX_SWAPS)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page)
    yield page
    context.close()
    assert problems.errors == [], "the browser saw problems"


@pytest.fixture
def page(browser, server):
    """A page in a fresh browser context (signed out), with JavaScript."""
    yield from _open_page(browser, server, javascript=True)


@pytest.fixture
def page_without_js(browser, server):
    """A page in a fresh browser context with JavaScript turned off."""
    yield from _open_page(browser, server, javascript=False)


@pytest.fixture
def open_as(server):
    """Open a page signed in as a demo user (with the session made for them at the start,
    which is quicker than the sign-in form); returns the page's response."""
    from django.conf import settings

    def open_page(page, username: str, address: str):
        cookie = {"name": settings.SESSION_COOKIE_NAME, "value": server.sessions[username]}
        page.context.add_cookies([{**cookie, "url": server.url}])
        return page.goto(address)

    return open_page
