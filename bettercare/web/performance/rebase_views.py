"""SPC rebase points of a metric: recorded and removed by the programme manager (ADR 0095).

The metric page carries the form; a POST here adds (``action=add``: a month and a reason) or
removes (``action=remove``: a month) through the actions. A refusal is 400 with its one-line
message on this page, which repeats the form and the recorded rebases; success returns to the
metric page's chart with a message. Plain forms: no JavaScript needed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from bettercare.core.periods import Month
from bettercare.web.pages import access_of, area_for, period_for, render_area_page
from bettercare.web.performance.actions import (
    REBASE_REASON_MAX,
    metric_rebase_add,
    metric_rebase_remove,
)
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import metric_rebases, rebase_months
from bettercare.web.programmes.actions import ActionError


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise ValidationError("Choose the first month of the new period") from None


class RebaseForm(forms.Form):
    action = forms.ChoiceField(choices=[("add", "add"), ("remove", "remove")])
    month = forms.CharField(
        error_messages={"required": "Choose the first month of the new period"},
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea,
        max_length=REBASE_REASON_MAX,
        error_messages={
            "max_length": f"The reason must be {REBASE_REASON_MAX:,} characters or fewer"
        },
    )

    def clean_month(self) -> Month:
        return _month(self.cleaned_data["month"])


def month_items(months: tuple[Month, ...], chosen: str = "") -> list[dict[str, object]]:
    """The NHS.UK select's items for the months a rebase may start, ``chosen`` selected."""
    items: list[dict[str, object]] = [{"value": "", "text": "Choose a month"}]
    items += [{"value": str(m), "text": m.label, "selected": str(m) == chosen} for m in months]
    return items


def metric_rebase_edit(request: HttpRequest, code: str, metric: str) -> HttpResponse:
    area = area_for(request, code)
    period = period_for(area, request.GET.get("period"))
    found = Metric.objects.filter(code=metric).first()
    if found is None:
        raise Http404(f"There is no metric {metric!r}.")
    if not access_of(request).can_rebase_metric(area):
        raise PermissionDenied(
            f"You cannot rebase the SPC chart of {found.name}: only the programme manager can."
        )
    month = period.reporting_month
    back = f"{reverse('metric-detail', args=[area.code, found.code])}?period={month}#spc"
    problem = ""
    status = 200
    form = RebaseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            chosen: Month = form.cleaned_data["month"]
            user = request.user  # signed in (LoginRequiredMiddleware): a User
            try:
                if form.cleaned_data["action"] == "add":
                    metric_rebase_add(
                        area=area,
                        metric=found,
                        month=chosen,
                        reason=form.cleaned_data["reason"],
                        by=user,  # type: ignore[arg-type]  # a User, as above
                    )
                    done = f"The SPC chart of {found.name} is rebased from {chosen.label}."
                else:
                    metric_rebase_remove(
                        area=area,
                        metric=found,
                        month=chosen,
                        by=user,  # type: ignore[arg-type]  # a User, as above
                    )
                    done = f"The rebase of {found.name} from {chosen.label} is removed."
            except ActionError as error:
                problem, status = str(error), 400
            else:
                messages.success(request, done)
                return redirect(back)
        else:
            status = 400
    return render_area_page(
        request,
        "performance/rebase_edit.jinja",
        area,
        "metrics",
        {
            "form": form,
            "problem": problem,
            "metric": found,
            "back": back,
            "rebases": metric_rebases(area, found),
            "rebase_month_items": month_items(
                rebase_months(area, found), str(form["month"].value() or "")
            ),
            "page_title": f"SPC rebase points of {found.name}",
        },
        status=status,
        period=period,
    )
