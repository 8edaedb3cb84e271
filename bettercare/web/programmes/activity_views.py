"""The key activities planned over the next three months, written by the programme manager
for a period's highlight report in the seed's groups (ADR 0111)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from bettercare.core.milestones import ACTIVITY_GROUP_LABELS, MAX_ACTIVITY_LENGTH, activity_months
from bettercare.core.periods import Month
from bettercare.web.pages import access_of, area_for, cached_page, period_for, render_area_page
from bettercare.web.programmes.actions import (
    ActionError,
    planned_activity_add,
    planned_activity_remove,
)
from bettercare.web.programmes.models import Area, PlannedActivity, ReportingPeriod


class ActivityForm(forms.Form):
    group = forms.ChoiceField(
        choices=list(ACTIVITY_GROUP_LABELS.items()),
        error_messages={
            "required": "Select the group the activity belongs to",
            "invalid_choice": "Select the group from the list",
        },
    )
    text = forms.CharField(
        max_length=MAX_ACTIVITY_LENGTH,
        error_messages={
            "required": "Describe the activity",
            "max_length": f"Describe the activity in at most {MAX_ACTIVITY_LENGTH} characters",
        },
    )
    month = forms.ChoiceField(
        required=False,
        error_messages={"invalid_choice": "Select one of the three months, or none"},
    )

    def __init__(self, data: Any, *, period: Month) -> None:
        super().__init__(data)
        self.month_choices = [("", "During the three months")] + [
            (str(m), m.label) for m in activity_months(period)
        ]
        self.fields["month"].choices = self.month_choices  # type: ignore[attr-defined]  # a ChoiceField

    def chosen_month(self) -> Month | None:
        """The month chosen (after ``is_valid``), None for "during the three months"."""
        value = self.cleaned_data.get("month") or ""
        return Month.parse(value) if value else None


def _back(code: str, period: ReportingPeriod) -> str:
    return f"/areas/{code}/activities/?period={period.reporting_month}"


def activities(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    # The area's periods and their activities; a POST is made afresh (ADR 0137, 0142).
    return cached_page(request, [area.pk], lambda: _activities(request, area))


def _activities(request: HttpRequest, area: Area) -> HttpResponse:
    period = period_for(area, request.GET.get("period"))
    status = 200
    form = ActivityForm(
        request.POST if request.method == "POST" else None, period=period.reporting_month
    )
    if request.method == "POST":
        if not access_of(request).can_manage(area):
            raise PermissionDenied("Only the programme manager plans the key activities.")
        if form.is_valid():
            try:
                planned_activity_add(
                    period=period,
                    group=form.cleaned_data["group"],
                    text=form.cleaned_data["text"],
                    month=form.chosen_month(),
                    by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                )
            except ActionError as error:
                messages.error(request, str(error))
                status = 409
            else:
                messages.success(request, f"The activity is added to {period.label}'s report.")
                return redirect(_back(area.code, period))
        else:
            status = 400
    planned = list(PlannedActivity.objects.filter(period=period)) if period.is_recorded else []
    groups = [
        (label, [a for a in planned if a.group == group])
        for group, label in ACTIVITY_GROUP_LABELS.items()
    ]
    return render_area_page(
        request,
        "programmes/activities.jinja",
        area,
        "overview",
        {
            "groups": groups,
            "form": form,
            "group_choices": list(ACTIVITY_GROUP_LABELS.items()),
            "editable": period.is_recorded and period.state == ReportingPeriod.State.OPEN,
            "page_title": f"{area.name} key activity planned, {period.label}",
        },
        period=period,
        status=status,
    )


@require_POST
def activity_remove(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = area_for(request, code)
    if not access_of(request).can_manage(area):
        raise PermissionDenied("Only the programme manager plans the key activities.")
    activity = (
        PlannedActivity.objects.filter(pk=pk, period__area=area).select_related("period").first()
    )
    if activity is None:
        raise Http404("There is no such planned activity in this area.")
    period = activity.period
    try:
        planned_activity_remove(activity=activity, by=request.user)  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
    except ActionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "The activity is removed.")
    return redirect(_back(area.code, period))
