"""A programme manager subscribes to Leicestershire's alerts, then reads and clears one.

Subscribing is a plain form (no JavaScript needed); the rules then run as the scheduler runs
them (``run_alerts``), and the notification appears in the header's count and on the alerts
page, where marking it read takes it off the count.
"""

import re
from datetime import date

import pytest

from tests.functional.support import LEICESTERSHIRE, axe_violations, describe_violations

pytestmark = pytest.mark.browser


def test_subscribe_then_read_a_notification(page, open_as):
    from bettercare.web.accounts.models import User
    from bettercare.web.alerts.engine import run_alerts
    from bettercare.web.alerts.models import Notification
    from bettercare.web.programmes.actions import risk_update
    from bettercare.web.programmes.models import Risk

    open_as(page, "manager", "/")
    page.get_by_role("link", name="Alerts", exact=True).click()
    assert page.locator("h1").inner_text() == "Alerts"
    page.get_by_role("link", name="Choose what you hear about").click()
    assert page.locator("h1").inner_text() == "Alert subscriptions"

    page.get_by_label("Area").select_option(LEICESTERSHIRE)
    assert page.get_by_label("In bettercare only").is_checked()
    page.get_by_role("button", name="Subscribe").click()
    assert "Subscribed to alerts for Leicestershire." in page.locator(".bc-message").inner_text()
    row = page.locator("table tbody tr")
    assert row.count() == 1
    assert row.locator("td").nth(0).inner_text() == "Leicestershire"
    assert row.locator("td").nth(1).inner_text() == "Every alert"
    assert row.locator("td").nth(2).inner_text() == "In bettercare only"
    violations = axe_violations(page)
    assert violations == [], describe_violations("subscriptions", violations)

    # A risk is re-scored higher (the demo's own alerts were raised when it was loaded, before
    # anyone subscribed); then the scheduled run finds the new event.
    risk = Risk.objects.filter(area__code=LEICESTERSHIRE, likelihood__lt=5).order_by("ref")[0]
    manager = User.objects.get(username="manager")
    risk_update(
        risk=risk,
        changes={"likelihood": risk.likelihood + 1, "impact": risk.impact},
        seen_version=risk.version,
        by=manager,
    )
    run_alerts(today=date(2017, 10, 31), deliver=False)
    titles = list(
        Notification.objects.filter(user=manager)
        .order_by("-created_at", "-id")
        .values_list("alert__title", flat=True)
    )
    assert titles[0].startswith(f"Risk {risk.ref} rose from {risk.score} to ")
    assert all("Leicestershire" in title for title in titles)

    page.goto("/alerts/")
    header_link = page.get_by_role("link", name=f"Alerts ({len(titles)} unread)")
    assert header_link.is_visible()
    items = page.get_by_role("list", name="Your alerts").get_by_role("listitem")
    assert items.count() == len(titles)
    assert items.first.get_by_role("heading").inner_text().endswith(titles[0])
    violations = axe_violations(page)
    assert violations == [], describe_violations("alerts", violations)

    # The button names its alert for screen readers (visually hidden text after "Mark as read").
    name = re.compile(rf"^Mark as read\s*:\s*{re.escape(titles[0])}$")
    items.first.get_by_role("button", name=name).click()
    assert f"Marked as read: {titles[0]}" in page.locator(".bc-message").inner_text()
    remaining = len(titles) - 1
    label = f"Alerts ({remaining} unread)" if remaining else "Alerts"
    assert page.get_by_role("link", name=label, exact=True).is_visible()
    first = page.get_by_role("list", name="Your alerts").get_by_role("listitem").first
    assert first.get_by_role("button").count() == 0  # read: no button, no "Unread" tag
    assert "Unread" not in first.inner_text()
