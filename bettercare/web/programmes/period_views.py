"""The period workflow (open, submit, sign off) with its missing returns, and change history."""

from __future__ import annotations

from typing import Any, NamedTuple

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from bettercare.core.periods import Month
from bettercare.core.rag import PROGRAMME_STATUSES, STATUS_LABELS, programme_status_problem
from bettercare.web.pages import (
    access_of,
    area_for,
    cached_page,
    parse_month,
    period_choices,
    period_for,
    render_area_page,
)
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes.actions import (
    ActionError,
    StaleEditError,
    missing_returns,
    period_open,
    period_reopen,
    period_sign_off,
    period_submit,
    programme_status_save,
)
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
)
from bettercare.web.programmes.queries import MonthOutOfRangeError, check_reportable

PROGRAMME_DIMENSIONS = ProgrammeStatus.Dimension.choices


class OpenableMonth(NamedTuple):
    """A month the "open a month" form offers. Attributes, not dict keys: Jinja looks an
    attribute up first, and a dict's missing attribute (an exception each time) made the
    form's ~150 options a third of the page's time (ADR 0130)."""

    month: str
    label: str


class OpenableYear(NamedTuple):
    year: str
    months: list[OpenableMonth]


class ProgrammeStatusForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for dimension, label in PROGRAMME_DIMENSIONS:
            self.fields[f"{dimension}_status"] = forms.ChoiceField(
                choices=[(status, STATUS_LABELS[status]) for status in PROGRAMME_STATUSES],
                label=label,
                error_messages={
                    "required": f"Select a status for {label.lower()}",
                    "invalid_choice": f"Select a status for {label.lower()} from the list",  # noqa: S608
                },
            )
            self.fields[f"{dimension}_summary"] = forms.CharField(
                required=False, widget=forms.Textarea
            )
            self.fields[f"{dimension}_version"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for dimension, _ in PROGRAMME_DIMENSIONS:
            status = data.get(f"{dimension}_status")
            if not status:
                continue  # the field has said what is wrong
            problem = programme_status_problem(
                dimension,  # type: ignore[arg-type]  # one of PROGRAMME_DIMENSIONS (the loop)
                status,
                summary=data.get(f"{dimension}_summary") or "",
            )
            if problem:
                self.add_error(f"{dimension}_summary", problem)
        return data


def periods(request: HttpRequest, code: str) -> HttpResponse:
    """The area's reporting periods and the programme status form: a GET is cached whole
    (ADR 0137); a POST (its errors) is made afresh."""
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _periods(request, area))


def _periods(request: HttpRequest, area: Area) -> HttpResponse:
    all_periods = list(
        ReportingPeriod.objects.filter(area=area)
        .select_related("submitted_by", "signed_off_by")
        .order_by("-month")
    )
    period = period_for(area, request.GET.get("period"))
    access = access_of(request)
    form = None
    status_code = 200
    if period.is_recorded:
        saved = {s.dimension: s for s in ProgrammeStatus.objects.filter(period=period)}
        initial: dict[str, Any] = {}
        for dimension, _ in PROGRAMME_DIMENSIONS:
            row = saved.get(dimension)
            initial[f"{dimension}_status"] = row.status if row else None
            initial[f"{dimension}_summary"] = row.summary if row else ""
            initial[f"{dimension}_version"] = row.version if row else 0
        form = ProgrammeStatusForm(
            request.POST if request.method == "POST" else None, initial=initial
        )
        if request.method == "POST":
            if not access.can_manage(area):
                raise PermissionDenied(
                    "Only the programme manager sets the overall programme status."
                )
            if form.is_valid():
                data = form.cleaned_data
                try:
                    programme_status_save(
                        period=period,
                        statuses={
                            d: (data[f"{d}_status"], data[f"{d}_summary"].strip())
                            for d, _ in PROGRAMME_DIMENSIONS
                        },
                        seen_versions={
                            d: int(data.get(f"{d}_version") or 0) for d, _ in PROGRAMME_DIMENSIONS
                        },
                        by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                    )
                except StaleEditError as error:
                    messages.error(request, str(error))
                    status_code = 409
                    # Show what is saved now, keeping what was typed, from the current
                    # versions: saving again (having seen theirs) goes through.
                    saved = {s.dimension: s for s in ProgrammeStatus.objects.filter(period=period)}
                    data = request.POST.copy()
                    for dimension, _ in PROGRAMME_DIMENSIONS:
                        row = saved.get(dimension)
                        data[f"{dimension}_version"] = str(row.version if row else 0)
                    form = ProgrammeStatusForm(data, initial=initial)
                    form.is_valid()
                except ActionError as error:
                    messages.error(request, str(error))
                    status_code = 409
                else:
                    messages.success(request, f"The programme status for {period.label} is saved.")
                    return redirect(f"{request.path}?period={period.reporting_month}")
            else:
                status_code = 400
    missing = missing_returns(period) if period.is_recorded else []
    opened = {p.month for p in all_periods}
    return render_area_page(
        request,
        "programmes/periods.jinja",
        area,
        "periods",
        {
            "periods": all_periods,
            "missing": missing,
            "scheme_count": Scheme.objects.filter(area=area).count(),
            "form": form,
            "openable": [
                OpenableYear(
                    group["year"],
                    [
                        OpenableMonth(m["month"], m["label"])
                        for m in group["months"]
                        if Month.parse(m["month"]).first_day not in opened
                    ],
                )
                for group in period_choices(area)
            ],
            "page_title": f"{area.name} reporting periods",
        },
        period=period,
        status=status_code,
    )


ACTIONS = {"submit": period_submit, "sign-off": period_sign_off, "reopen": period_reopen}


@require_POST
def period_action(request: HttpRequest, code: str, month: str, action: str) -> HttpResponse:
    area = area_for(request, code)
    if not access_of(request).can_manage(area):
        raise PermissionDenied("Only the programme manager can open, submit or sign off a period.")
    if action == "open":
        # The month comes from the path, or from the "open a month" form's choice.
        parsed = parse_month(request.POST.get("month") if month == "choose" else month)
        if parsed is None:
            raise Http404("Choose a month to open.")
        try:
            check_reportable(area, parsed)
        except MonthOutOfRangeError as error:
            messages.error(request, str(error))
            return redirect(f"/areas/{area.code}/periods/")
        period_open(area=area, month=parsed, by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        messages.success(request, f"{parsed.label} is open for returns.")
        return redirect(f"/areas/{area.code}/periods/?period={parsed}")
    if action not in ACTIONS:
        raise Http404(f"There is no period action {action!r}.")
    period = period_for(area, month)
    if not period.is_recorded:
        messages.error(request, f"{period.label} has not been opened for returns: open it first.")
        return redirect(f"/areas/{area.code}/periods/?period={period.reporting_month}")
    try:
        ACTIONS[action](period=period, by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
    except ActionError as error:
        messages.error(request, str(error))
    else:
        done = {"submit": "submitted", "sign-off": "signed off", "reopen": "reopened"}[action]
        messages.success(request, f"{period.label} is {done}.")
    return redirect(f"/areas/{area.code}/periods/?period={period.reporting_month}")


HISTORY_KINDS: dict[str, tuple[type[models.Model], str]] = {
    "scheme": (Scheme, "area"),
    "milestone": (Milestone, "area"),
    "risk": (Risk, "area"),
    "metric-value": (MetricValue, "area"),
}


def _shown(value: Any, field: Any = None) -> Any:
    """A changed value as people wrote it: 1611 rather than 1611.0, "High" rather than "high"."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    if isinstance(value, str) and value in choices:  # not a many-to-many list of ids
        return choices[value]
    return value


def _describe(record: Any) -> str:
    described: str = {"+": "Created", "~": "Changed", "-": "Deleted"}.get(
        record.history_type, record.history_type
    )
    return described


def history(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    """Who changed what, when, from what to what."""
    area = area_for(request, code)
    if kind not in HISTORY_KINDS:
        raise Http404(f"There is no history of {kind!r}.")
    model, _ = HISTORY_KINDS[kind]
    subject = model.objects.filter(pk=pk, area=area).first()  # type: ignore[attr-defined]  # each history kind's model has its manager
    if subject is None:
        raise Http404(f"{area.name} has no {kind.replace('-', ' ')} {pk}.")
    records = list(
        subject.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    entries = []
    for index, record in enumerate(records):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    (
                        str(getattr(field, "verbose_name", change.field)).capitalize(),
                        _shown(change.old, field),
                        _shown(change.new, field),
                    )
                )
        entries.append(
            {
                "when": timezone.localtime(record.history_date),
                "who": (record.history_user.get_full_name() or record.history_user.username)
                if record.history_user
                else "bettercare",
                "what": _describe(record),
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return render_area_page(
        request,
        "programmes/history.jinja",
        area,
        "overview",
        {
            "subject": subject,
            "kind": kind,
            "entries": entries,
            "page_title": f"Change history: {subject}",
        },
    )
