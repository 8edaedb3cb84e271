"""Alert pages: the notifications list (mark read) and the subscriptions (subscribe, stop).

Plain forms and redirects: everything works without JavaScript.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bettercare.core.alerts import RULES
from bettercare.web.accounts.access import Access
from bettercare.web.alerts import actions
from bettercare.web.alerts.models import Delivery, Notification
from bettercare.web.alerts.queries import notifications_for, subscriptions_for
from bettercare.web.alerts.rules import EVALUATED_RULES
from bettercare.web.pages import access_of
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.actions import ActionError
from bettercare.web.programmes.models import Scheme

PAGE_SIZE = 100


def notifications(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    rows = list(notifications_for(access)[:PAGE_SIZE])
    unread = sum(1 for n in rows if n.read_at is None)
    return render(
        request,
        "alerts/notifications.jinja",
        {"rows": rows, "unread": unread, "rules": RULES, "page_title": "Alerts"},
    )


def _own(request: HttpRequest, pk: int) -> Notification:
    notification = notifications_for(access_of(request)).filter(pk=pk).first()
    if notification is None:
        raise Http404("There is no such notification.")
    return notification


@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = _own(request, pk)
    actions.notification_mark_read(notification=notification, by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
    messages.success(request, f"Marked as read: {notification.alert.title}")
    return redirect("notifications")


@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = actions.notifications_mark_all_read(by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
    messages.success(request, f"Marked {count} alert{'' if count == 1 else 's'} as read.")
    return redirect("notifications")


class SubscriptionForm(forms.Form):
    area = forms.ChoiceField(label="Area")
    metric = forms.ChoiceField(label="Metric", required=False)
    scheme = forms.ChoiceField(label="Scheme", required=False)
    rule = forms.ChoiceField(
        label="Alert",
        required=False,
        choices=[("", "Every kind of alert"), *[(n, RULES[n].title) for n in EVALUATED_RULES]],
    )
    delivery = forms.ChoiceField(label="How to tell you", choices=Delivery.choices)

    def __init__(self, *args: Any, access: Access, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        areas = list(access.visible_areas())
        self.areas = {a.code: a for a in areas}
        cast(forms.ChoiceField, self.fields["area"]).choices = [
            (a.code, f"{a.name} ({a.code})") for a in areas
        ]
        self.metrics = {m.code: m for m in Metric.objects.order_by("code")}
        cast(forms.ChoiceField, self.fields["metric"]).choices = [("", "Every metric")] + [
            (m.code, m.name) for m in self.metrics.values()
        ]
        visible = [a.pk for a in areas]
        self.schemes = {
            str(s.pk): s for s in Scheme.objects.filter(area_id__in=visible).select_related("area")
        }
        cast(forms.ChoiceField, self.fields["scheme"]).choices = [("", "Every scheme")] + [
            (pk, f"{s.area.name}: {s.ref} {s.name}") for pk, s in self.schemes.items()
        ]
        self.initial.setdefault("delivery", Delivery.APP)

    def select_items(self, name: str) -> list[dict[str, Any]]:
        """NHS.UK select items for a field, with the current choice selected."""
        current = str(self[name].value() or "")
        return [
            {"value": value, "text": text, "selected": str(value) == current}
            for value, text in self.fields[name].choices  # type: ignore[attr-defined]  # these fields are ChoiceFields
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["area"] = self.areas.get(data.get("area", ""))
        data["metric"] = self.metrics.get(data.get("metric") or "")
        data["scheme"] = self.schemes.get(data.get("scheme") or "")
        return data


def subscriptions(request: HttpRequest) -> HttpResponse:
    access = access_of(request)
    form = SubscriptionForm(request.POST or None, access=access)
    problem, status = "", 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                actions.subscription_create(
                    user=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                    area=data["area"],
                    metric=data["metric"],
                    scheme=data["scheme"],
                    rule=data["rule"],
                    delivery=data["delivery"],
                    by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                )
            except ActionError as error:
                problem, status = str(error), 400
            else:
                messages.success(request, f"Subscribed to alerts for {data['area'].name}.")
                return redirect("alert-subscriptions")
        else:
            status = 400
    return render(
        request,
        "alerts/subscriptions.jinja",
        {
            "form": form,
            "problem": problem,
            "rows": list(subscriptions_for(access)),
            "has_email": bool(getattr(request.user, "email", "")),
            "rules_defined": [(name, RULES[name]) for name in EVALUATED_RULES],
            "page_title": "Alert subscriptions",
        },
        status=status,
    )


@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = subscriptions_for(access_of(request)).filter(pk=pk).first()
    if subscription is None:
        raise Http404("There is no such subscription.")
    actions.subscription_delete(subscription=subscription, by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
    messages.success(request, f"Stopped alerts for {subscription.area.name}.")
    return redirect("alert-subscriptions")
