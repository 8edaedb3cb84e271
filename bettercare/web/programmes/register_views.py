"""The milestone plan and the risk register: each as a chart and a table, and their edit forms.

An edit starts from the row's ``version`` (a hidden field); if someone else has saved since,
nothing is saved, the page says who changed it and shows their values beside yours (409).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from bettercare.charts import milestone_timeline, risk_heatmap
from bettercare.charts.risk import IMPACT_NAMES, LIKELIHOOD_NAMES
from bettercare.core.periods import Month
from bettercare.web.pages import access_of, area_for, period_for, render_area_page
from bettercare.web.programmes.actions import (
    ActionError,
    StaleEditError,
    milestone_update,
    risk_update,
)
from bettercare.web.programmes.models import Area, Milestone, ReportingPeriod, Risk
from bettercare.web.reporting.highlight import milestone_line, risk_line

DATE_EXAMPLE = "2018-01-31"
INCOMPLETE = "Reload the page and make your change again: the form was incomplete"


def _as_at(request: HttpRequest, area: Area) -> tuple[ReportingPeriod | None, Month]:
    """The period asked for or the latest; the current month if the area has none yet."""
    text = request.GET.get("period")
    try:
        period = period_for(area, text)
    except Http404:
        if text:
            raise
        return None, Month.of(timezone.localdate())
    return period, period.reporting_month


# -- milestones ------------------------------------------------------------------------------


def milestones(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    period, month = _as_at(request, area)
    access = access_of(request)
    rows = [
        (milestone_line(m, month), access.can_edit_milestone(m))
        for m in Milestone.objects.filter(area=area).select_related("scheme")
    ]
    chart = None
    if rows:
        chart = milestone_timeline(
            [line for line, _ in rows],
            as_at=month.last_day,
            title=f"{area.name} milestones at the end of {month.label}",
        )
    late = sum(1 for line, _ in rows if line.status in ("A", "R"))
    return render_area_page(
        request,
        "programmes/milestones.jinja",
        area,
        "milestones",
        {
            "rows": rows,
            "chart": chart,
            "month": month,
            "late": late,
            "page_title": f"{area.name} milestones",
        },
        period=period,
    )


class MilestoneForm(forms.Form):
    revised_date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label="Revised date",
        error_messages={"invalid": f"Enter the revised date as a real date, like {DATE_EXAMPLE}"},
    )
    completed_date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        label="Completed date",
        error_messages={"invalid": f"Enter the completed date as a real date, like {DATE_EXAMPLE}"},
    )
    comments = forms.CharField(required=False, widget=forms.Textarea, label="Comments")
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )

    def clean_completed_date(self) -> Any:
        completed = self.cleaned_data.get("completed_date")
        if completed is not None and completed > timezone.localdate():
            raise forms.ValidationError("The completed date must be today or in the past")
        return completed


def _milestone_initial(milestone: Milestone) -> dict[str, Any]:
    return {
        "revised_date": milestone.revised_date,
        "completed_date": milestone.completed_date,
        "comments": milestone.comments,
        "version": milestone.version,
    }


def milestone_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = area_for(request, code)
    milestone = Milestone.objects.filter(pk=pk, area=area).select_related("scheme").first()
    if milestone is None:
        raise Http404(f"{area.name} has no milestone {pk}.")
    if not access_of(request).can_edit_milestone(milestone):
        raise PermissionDenied(
            f"You cannot change milestone {milestone.ref}: only the programme manager and the "
            "lead of its scheme can."
        )
    problem = ""
    yours: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = MilestoneForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                milestone_update(
                    milestone=milestone,
                    changes={
                        "revised_date": data["revised_date"],
                        "completed_date": data["completed_date"],
                        "comments": data["comments"].strip(),
                    },
                    seen_version=data["version"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except StaleEditError as error:
                # Show what is saved now (theirs) in the form, and what was typed beside it.
                problem, status, yours = str(error), 409, data
                milestone.refresh_from_db()
                form = MilestoneForm(initial=_milestone_initial(milestone))
            except ActionError as error:
                problem, status = str(error), 409
            else:
                messages.success(request, f"Milestone {milestone.ref} is saved.")
                return redirect("area-milestones", area.code)
        else:
            status = 400
    else:
        form = MilestoneForm(initial=_milestone_initial(milestone))
    return render_area_page(
        request,
        "programmes/milestone_edit.jinja",
        area,
        "milestones",
        {
            "milestone": milestone,
            "form": form,
            "problem": problem,
            "yours": yours,
            "page_title": f"Update milestone {milestone.ref}",
        },
        status=status,
    )


# -- risks -----------------------------------------------------------------------------------


def risks(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    access = access_of(request)
    rows = sorted(
        (
            (risk_line(r), access.can_edit_risk(r))
            for r in Risk.objects.filter(area=area).select_related("scheme")
        ),
        key=lambda row: (-(row[0].score or 0), row[0].ref),
    )
    chart = risk_heatmap(
        [line for line, _ in rows], title=f"{area.name} risks by likelihood and impact"
    )
    return render_area_page(
        request,
        "programmes/risks.jinja",
        area,
        "risks",
        {
            "rows": rows,
            "chart": chart,
            "likelihood_names": LIKELIHOOD_NAMES,
            "impact_names": IMPACT_NAMES,
            "page_title": f"{area.name} risk register",
        },
    )


def _scale_field(name: str, names: dict[int, str]) -> forms.TypedChoiceField:
    lowest, highest = names[1].lower(), names[5].lower()
    message = f"Select the {name}, between 1 ({lowest}) and 5 ({highest})"
    return forms.TypedChoiceField(
        choices=[(str(n), f"{n} {names[n]}") for n in range(1, 6)],
        coerce=int,
        label=name.capitalize(),
        error_messages={"required": message, "invalid_choice": message},
    )


class RiskForm(forms.Form):
    likelihood = _scale_field("likelihood", LIKELIHOOD_NAMES)
    impact = _scale_field("impact", IMPACT_NAMES)
    owner = forms.CharField(
        required=False,
        max_length=200,
        label="Owner",
        error_messages={"max_length": "The owner must be 200 characters or fewer"},
    )
    mitigation = forms.CharField(required=False, widget=forms.Textarea, label="Mitigation")
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )


def _risk_initial(risk: Risk) -> dict[str, Any]:
    return {
        "likelihood": str(risk.likelihood) if risk.likelihood else None,
        "impact": str(risk.impact) if risk.impact else None,
        "owner": risk.owner,
        "mitigation": risk.mitigation,
        "version": risk.version,
    }


def risk_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = area_for(request, code)
    risk = Risk.objects.filter(pk=pk, area=area).select_related("scheme").first()
    if risk is None:
        raise Http404(f"{area.name} has no risk {pk}.")
    if not access_of(request).can_edit_risk(risk):
        raise PermissionDenied(
            f"You cannot change risk {risk.ref}: only the programme manager and the lead of "
            "its scheme can."
        )
    problem = ""
    yours: dict[str, Any] | None = None
    status = 200
    if request.method == "POST":
        form = RiskForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                risk_update(
                    risk=risk,
                    changes={
                        "likelihood": data["likelihood"],
                        "impact": data["impact"],
                        "owner": data["owner"].strip(),
                        "mitigation": data["mitigation"].strip(),
                    },
                    seen_version=data["version"],
                    by=request.user,  # type: ignore[arg-type]
                )
            except StaleEditError as error:
                # Show what is saved now (theirs) in the form, and what was typed beside it.
                problem, status, yours = str(error), 409, data
                risk.refresh_from_db()
                form = RiskForm(initial=_risk_initial(risk))
            except ActionError as error:
                problem, status = str(error), 409
            else:
                messages.success(request, f"Risk {risk.ref} is saved.")
                return redirect("area-risks", area.code)
        else:
            status = 400
    else:
        form = RiskForm(initial=_risk_initial(risk))
    return render_area_page(
        request,
        "programmes/risk_edit.jinja",
        area,
        "risks",
        {
            "risk": risk,
            "line": risk_line(risk),
            "form": form,
            "problem": problem,
            "yours": yours,
            "likelihood_names": LIKELIHOOD_NAMES,
            "impact_names": IMPACT_NAMES,
            "page_title": f"Review risk {risk.ref}",
        },
        status=status,
    )
