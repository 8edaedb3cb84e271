"""Evaluate the rules, record new events once, and tell each subscriber who may see them.

:func:`run_alerts` is what ``bettercare alerts run`` and the after-save hook call. An event
whose key is already recorded is not new, so running again over the same data records and
sends nothing. Notifications go only to people whose access (:mod:`~bettercare.web.accounts.access`)
includes the event's area.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bettercare.web.accounts.access import Access
from bettercare.web.accounts.models import User
from bettercare.web.alerts.models import (
    DELIVERY_STRENGTH,
    Alert,
    Delivery,
    Notification,
    Subscription,
)
from bettercare.web.alerts.outbox import DeliveryReport, deliver_outbox, queue_emails
from bettercare.web.alerts.rules import Event, find_events
from bettercare.web.programmes.models import Area, Scheme

logger = logging.getLogger(__name__)
CHUNK = 500


@dataclass
class RunReport:
    """What a run found and did."""

    events: list[Event]
    new: list[Event]
    recipients: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    notifications: int = 0
    emails_queued: int = 0
    delivery: DeliveryReport | None = None
    dry_run: bool = False


def _known_keys(keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        known.update(Alert.objects.filter(key__in=chunk).values_list("key", flat=True))
    return known


class _Audience:
    """Who should hear about an event: matching subscriptions of people who may see it."""

    def __init__(self) -> None:
        self.parents = dict(Area.objects.values_list("pk", "parent_id"))
        self.areas = {a.pk: a for a in Area.objects.all()}
        self.by_area: dict[int, list[Subscription]] = defaultdict(list)
        for sub in Subscription.objects.select_related("user").filter(user__is_active=True):
            self.by_area[sub.area_id].append(sub)
        self.scheme_metrics: dict[int, set[int]] = defaultdict(set)
        for scheme_id, metric_id in Scheme.metrics.through.objects.values_list(
            "scheme_id", "metric_id"
        ):
            self.scheme_metrics[scheme_id].add(metric_id)
        self.scheme_area = dict(Scheme.objects.values_list("pk", "area_id"))
        self.access: dict[int, Access] = {}

    def _chain(self, area_id: int) -> list[int]:
        current: int | None
        chain, current = [], area_id
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parents.get(current)
        return chain

    def _matches(self, sub: Subscription, event: Event) -> bool:
        if sub.rule and sub.rule != event.rule:
            return False
        if sub.metric_id is not None and sub.metric_id != event.metric_id:
            return False
        if sub.scheme_id is not None:
            # A scheme's own alerts, and those of the metrics it is expected to affect.
            own = event.scheme_id == sub.scheme_id
            affected = (
                event.metric_id is not None
                and event.metric_id in self.scheme_metrics[sub.scheme_id]
                and event.area_id == self.scheme_area.get(sub.scheme_id)
            )
            if not (own or affected):
                return False
        return True

    def may_see(self, user: User, area_id: int) -> bool:
        if user.pk not in self.access:
            self.access[user.pk] = Access.for_user(user)
        return self.access[user.pk].can_view(self.areas[area_id])

    def of(self, event: Event) -> dict[User, str]:
        """Each person to tell, with the strongest delivery of their matching subscriptions."""
        found: dict[User, str] = {}
        for area_id in self._chain(event.area_id):
            for sub in self.by_area.get(area_id, ()):
                if not self._matches(sub, event) or not self.may_see(sub.user, event.area_id):
                    continue
                before = found.get(sub.user)
                if before is None or DELIVERY_STRENGTH[sub.delivery] > DELIVERY_STRENGTH[before]:  # type: ignore[index]  # the column's choices are its keys
                    found[sub.user] = sub.delivery
        return found


def run_alerts(
    *,
    dry_run: bool = False,
    today: date | None = None,
    now: datetime | None = None,
    area_ids: Iterable[int] | None = None,
    deliver: bool = True,
) -> RunReport:
    """Evaluate every rule; record and notify the new events; queue and send the emails.

    Parameters
    ----------
    dry_run : bool
        Report what is new and who would hear of it; write and send nothing.
    today, now : date, datetime, optional
        The day the rules judge at and the time of the run (default: now).
    area_ids : iterable of int, optional
        Only these areas' rules (after a change to them); None for every area.
    deliver : bool
        Also try to send the outbox (the after-save hook leaves that to the scheduler, so
        that a slow mail server never delays a save).
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    events = find_events(area_ids=area_ids, today=today)
    known = _known_keys([e.key for e in events])
    new, seen = [], set(known)
    for event in events:
        if event.key not in seen:
            seen.add(event.key)
            new.append(event)
    report = RunReport(events=events, new=new, dry_run=dry_run)
    audience = _Audience() if new else None
    if dry_run:
        for event in new:
            assert audience is not None
            report.recipients[event.key] = [
                (user.username, delivery) for user, delivery in audience.of(event).items()
            ]
        return report
    with transaction.atomic():
        if new:
            assert audience is not None
            report.notifications = _record(new, audience)
        report.emails_queued = queue_emails(now=now)
    if deliver:
        report.delivery = deliver_outbox(now=now)
    return report


def _record(new: list[Event], audience: _Audience) -> int:
    Alert.objects.bulk_create(
        [
            Alert(
                key=e.key,
                rule=e.rule,
                area_id=e.area_id,
                metric_id=e.metric_id,
                scheme_id=e.scheme_id,
                started=e.started,
                title=e.title[:300],
                detail=e.detail,
                link=e.link,
            )
            for e in new
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,  # a run at the same moment recorded it: the same event
    )
    ids: dict[str, int] = {}
    keys = [e.key for e in new]
    for start in range(0, len(keys), CHUNK):
        ids.update(
            Alert.objects.filter(key__in=keys[start : start + CHUNK]).values_list("key", "pk")
        )
    notifications = [
        Notification(alert_id=ids[event.key], user=user, delivery=delivery)
        for event in new
        for user, delivery in audience.of(event).items()
    ]
    Notification.objects.bulk_create(notifications, batch_size=CHUNK, ignore_conflicts=True)
    return len(notifications)


def after_data_change(area_ids: Iterable[int] | None = None) -> None:
    """Evaluate the alert rules once the current transaction has committed.

    Called by every write of programme data (imports, returns, pipeline loads, milestone and
    risk reviews). The save never waits for, or fails because of, the alerts: a failure is
    logged and the next ``bettercare alerts run`` finds the same events. Emails are queued
    here and sent by the scheduled run.
    """
    if not settings.ALERTS_ON_SAVE:
        return
    ids = None if area_ids is None else sorted(set(area_ids))

    def evaluate() -> None:
        try:
            run_alerts(area_ids=ids, deliver=False)
        except Exception:
            logger.exception("alert rules could not be evaluated after a data change")

    transaction.on_commit(evaluate, robust=True)


__all__ = ["Delivery", "RunReport", "after_data_change", "run_alerts"]
