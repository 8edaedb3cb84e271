"""The audit trail for administrators: who changed what, when and why, across every model
that keeps a history (django-simple-history), filterable by area and by user."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import Area, ReportingPeriod, Scheme

#: Entries shown at most (the newest).
LIMIT = 200


@dataclass(frozen=True)
class AuditEntry:
    when: datetime
    who: str
    what: str
    subject: str
    kind: str
    reason: str


def history_models() -> list[Any]:
    """The historical models of bettercare's own models (one per tracked model)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if model.__name__.startswith("Historical")
        and model.__module__.startswith("bettercare")
        and hasattr(model, "history_user")
    ]


def _area_filter(model: Any, area: Area) -> Q | None:
    """Restrict ``model``'s history to ``area`` (None: the model has no area)."""
    fields = {f.attname for f in model._meta.fields}
    if "area_id" in fields:
        return Q(area_id=area.pk)
    if model.__name__ == "HistoricalArea":
        return Q(id=area.pk)
    if "period_id" in fields:
        return Q(period_id__in=ReportingPeriod.objects.filter(area=area).values("pk"))
    if "scheme_id" in fields:
        return Q(scheme_id__in=Scheme.objects.filter(area=area).values("pk"))
    return None


def audit_entries(*, area: Area | None = None, user: User | None = None) -> list[AuditEntry]:
    """The newest changes (at most :data:`LIMIT`), optionally in one area or by one user."""
    found: list[tuple[datetime, Any]] = []
    for model in history_models():
        query = model.objects.select_related("history_user")
        if area is not None:
            condition = _area_filter(model, area)
            if condition is None:
                continue
            query = query.filter(condition)
        if user is not None:
            query = query.filter(history_user=user)
        found.extend((r.history_date, r) for r in query.order_by("-history_date")[:LIMIT])
    found.sort(key=lambda pair: pair[0], reverse=True)
    entries = []
    for when, record in found[:LIMIT]:
        who = record.history_user
        entries.append(
            AuditEntry(
                when=timezone.localtime(when),
                who=(who.get_full_name() or who.username) if who else "bettercare",
                what={"+": "Created", "~": "Changed", "-": "Deleted"}.get(record.history_type, "?"),
                subject=str(record.instance) if hasattr(record, "instance") else "",
                kind=str(record.instance_type._meta.verbose_name).capitalize(),
                reason=record.history_change_reason or "",
            )
        )
    return entries


def audit(request: HttpRequest) -> HttpResponse:
    """Administrators only: who changed what, filterable by area and user."""
    if not request.user.is_superuser:
        raise PermissionDenied("Only administrators can see the audit trail.")
    area_code = (request.GET.get("area") or "").strip().upper()
    username = (request.GET.get("user") or "").strip()
    area = Area.objects.filter(code=area_code).first() if area_code else None
    user = User.objects.filter(username=username).first() if username else None
    problems = []
    if area_code and area is None:
        problems.append(f"There is no area {area_code!r}.")
    if username and user is None:
        problems.append(f"There is no user {username!r}.")
    entries = [] if problems else audit_entries(area=area, user=user)
    return render(
        request,
        "accounts/audit.jinja",
        {
            "entries": entries,
            "limit": LIMIT,
            "area_code": area_code,
            "username": username,
            "areas": Area.objects.order_by("name").values_list("code", "name"),
            "problems": problems,
            "page_title": "Audit trail",
        },
        status=400 if problems else 200,
    )
