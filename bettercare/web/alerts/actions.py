"""Writes about alerts: subscribing, unsubscribing and reading notifications.

Each takes the acting user (``by=``) and runs in one transaction; subscriptions keep their
history (django-simple-history records who made or removed them).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from bettercare.web.accounts.access import Access
from bettercare.web.accounts.models import User
from bettercare.web.alerts.models import RULE_CHOICES, Delivery, Notification, Subscription
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.actions import ActionError
from bettercare.web.programmes.models import Area, Scheme


def _record(instance: object, by: User | None, reason: str) -> None:
    instance._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    instance._change_reason = reason  # type: ignore[attr-defined]  # simple_history reads it


def _within(area: Area, inside: Area) -> bool:
    current: Area | None = inside
    while current is not None:
        if current.pk == area.pk:
            return True
        current = current.parent
    return False


@transaction.atomic
def subscription_create(
    *,
    user: User,
    area: Area,
    metric: Metric | None = None,
    scheme: Scheme | None = None,
    rule: str = "",
    delivery: str = Delivery.APP,
    by: User | None,
) -> Subscription:
    """Subscribe ``user`` to the alerts of ``area`` (and the areas below it).

    Raises ActionError when the user may not see the area, the scheme is not in it, or the
    rule or the delivery is not one bettercare has.
    """
    if delivery not in Delivery.values:
        raise ActionError(
            f"There is no delivery {delivery!r}: choose {', '.join(Delivery.values)}."
        )
    rules = [name for name, _title in RULE_CHOICES]
    if rule and rule not in rules:
        raise ActionError(f"There is no alert rule {rule!r}: choose {', '.join(rules)}.")
    if not Access.for_user(user).can_view(area):
        raise ActionError(f"{user.username} does not have access to {area.name}.")
    if scheme is not None and not _within(area, scheme.area):
        raise ActionError(f"{scheme} is not a scheme of {area.name}.")
    existing = Subscription.objects.filter(
        user=user, area=area, metric=metric, scheme=scheme, rule=rule
    ).first()
    if existing is not None:
        if existing.delivery != delivery:
            existing.delivery = delivery
            _record(existing, by, "alert delivery changed")
            existing.save()
        return existing
    subscription = Subscription(
        user=user, area=area, metric=metric, scheme=scheme, rule=rule, delivery=Delivery(delivery)
    )
    _record(subscription, by, "subscribed to alerts")
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: Subscription, by: User | None) -> None:
    """Stop a subscription (its history keeps who stopped it)."""
    _record(subscription, by, "unsubscribed from alerts")
    subscription.delete()


@transaction.atomic
def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    """Mark one of the user's own notifications read."""
    if notification.user_id != by.pk:
        raise ActionError("This notification is not yours.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, by: User) -> int:
    """Mark every unread notification of the user read; returns how many."""
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
