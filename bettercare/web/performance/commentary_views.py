"""The commentary on a metric for a month: entered by the programme manager on the metric page.

A POST saves through :func:`metric_commentary_save`; an invalid form is 400 with its error
summary; if someone else saved first, nothing is saved (409) and the page shows theirs in the
form and what was typed beside it; success returns to the metric page with a message.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bettercare.web.pages import access_of, area_for, period_for, render_area_page
from bettercare.web.performance.actions import COMMENTARY_MAX, metric_commentary_save
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import metric_commentary
from bettercare.web.programmes.actions import ActionError, StaleEditError


class CommentaryForm(forms.Form):
    commentary = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=COMMENTARY_MAX,
        label="Commentary",
        error_messages={
            "max_length": f"The commentary must be {COMMENTARY_MAX:,} characters or fewer"
        },
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": "The form was incomplete: open the page again"},
    )


def metric_commentary_edit(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    area = area_for(request, code)
    period = period_for(area, request.GET.get("period"))
    found = Metric.objects.filter(code=metric).first()
    if found is None:
        raise Http404(f"There is no metric {metric!r}.")
    if not access_of(request).can_manage(area):
        raise PermissionDenied(
            f"You cannot write the commentary on {found.name}: only the programme manager can."
        )
    month = period.reporting_month
    back = f"{reverse('metric-detail', args=[area.code, found.code])}?period={month}"

    def initial() -> dict[str, Any]:
        row = metric_commentary(area, found, month)
        return {"commentary": row.commentary if row else "", "version": row.version if row else 0}

    problem = ""
    yours: dict[str, Any] | None = None
    status = 200
    form = CommentaryForm(request.POST if request.method == "POST" else None, initial=initial())
    if request.method == "POST":
        if form.is_valid():
            try:
                metric_commentary_save(
                    area=area,
                    metric=found,
                    month=month,
                    commentary=form.cleaned_data["commentary"],
                    seen_version=form.cleaned_data["version"],
                    by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                )
            except StaleEditError as error:
                problem, status, yours = str(error), 409, form.cleaned_data
                form = CommentaryForm(initial=initial())
            except ActionError as error:
                problem, status = str(error), 409
            else:
                messages.success(request, f"The commentary on {found.name} is saved.")
                return redirect(back)
        else:
            status = 400
    return render_area_page(
        request,
        "performance/commentary_edit.jinja",
        area,
        "metrics",
        {
            "form": form,
            "problem": problem,
            "yours": yours,
            "metric": found,
            "back": back,
            "page_title": f"Commentary on {found.name}, {period.label}",
        },
        status=status,
        period=period,
    )
