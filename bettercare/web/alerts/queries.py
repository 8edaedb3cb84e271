"""Reads for the alert pages, scoped to the user: only their own notifications, and only
those about areas they may still see."""

from __future__ import annotations

from django.db.models import QuerySet

from bettercare.web.accounts.access import Access
from bettercare.web.alerts.models import Notification, Subscription


def notifications_for(access: Access) -> QuerySet[Notification]:
    """The user's notifications, newest first, about areas they may see."""
    # An anonymous user's pk is None: the filter then finds no rows, which is what is meant.
    rows = Notification.objects.filter(user_id=access.user.pk).select_related(  # type: ignore[misc]
        "alert", "alert__area"
    )
    visible = access.visible_area_ids()
    return rows if visible is None else rows.filter(alert__area_id__in=visible)


def unread_count(access: Access) -> int:
    if not access.user.is_authenticated:
        return 0
    return notifications_for(access).filter(read_at__isnull=True).count()


def subscriptions_for(access: Access) -> QuerySet[Subscription]:
    # An anonymous user's pk is None: the filter then finds no rows, which is what is meant.
    return Subscription.objects.filter(user_id=access.user.pk).select_related(  # type: ignore[misc]
        "area", "metric", "scheme"
    )
