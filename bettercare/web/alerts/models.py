"""Alerts: who subscribes to what, the events the rules found, each person's notifications,
and the outbox of emails (kept until sent, with every attempt counted).

An :class:`Alert` is one event, named by a unique ``key`` (its rule, subject and the period
its condition started), so evaluating the same data twice never makes a second one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.core.alerts import RULES


class Delivery(models.TextChoices):
    APP = "app", "In bettercare only"
    EMAIL = "email", "By email as they happen"
    DIGEST = "digest", "In a monthly email digest"


#: The strongest delivery wins when several subscriptions match one alert.
DELIVERY_STRENGTH = {Delivery.APP: 0, Delivery.DIGEST: 1, Delivery.EMAIL: 2}
RULE_CHOICES = [(name, rule.title) for name, rule in RULES.items()]


class Subscription(models.Model):
    """A person's wish to hear about an area (and the areas below it), optionally narrowed to
    one metric, one scheme or one rule."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="alert_subscriptions"
    )
    metric = models.ForeignKey(
        "performance.Metric", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scheme = models.ForeignKey(
        "programmes.Scheme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(max_length=32, blank=True, choices=RULE_CHOICES)
    delivery = models.CharField(max_length=6, choices=Delivery.choices, default=Delivery.APP)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user", "area__name", "id"]

    def __str__(self) -> str:
        return f"{self.user} - {self.area.name} - {self.describe()}"

    def describe(self) -> str:
        parts = [self.metric.name if self.metric else "", (self.scheme and str(self.scheme)) or ""]
        parts.append(RULES[self.rule].title if self.rule else "")  # type: ignore[index]  # the column's choices are core's rule names
        return ", ".join(p for p in parts if p) or "Every alert"


class Alert(models.Model):
    """One event found by a rule."""

    key = models.CharField(max_length=300, unique=True)
    rule = models.CharField(max_length=32, choices=RULE_CHOICES)
    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="alerts")
    metric = models.ForeignKey(
        "performance.Metric", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scheme = models.ForeignKey(
        "programmes.Scheme", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    started = models.DateField(
        null=True, blank=True, help_text="The first month (or day) the condition held."
    )
    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True, help_text="The page that shows it.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class OutboxEmail(models.Model):
    """An email waiting to be sent, or sent; never deleted when sending fails."""

    class Kind(models.TextChoices):
        ALERTS = "alerts", "New alerts"
        DIGEST = "digest", "Monthly digest"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_emails"
    )
    to = models.EmailField()
    kind = models.CharField(max_length=6, choices=Kind.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.subject} to {self.to}"


class Notification(models.Model):
    """An alert shown to one person (only ever for an area they may see)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    delivery = models.CharField(max_length=6, choices=Delivery.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.ForeignKey(
        OutboxEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="one_notification_per_user")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.alert} for {self.user}"
