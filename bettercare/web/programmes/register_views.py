"""The milestone plan and the risk register: each as a chart and a table, and their edit forms.

An edit starts from the row's ``version`` (a hidden field); if someone else has saved since,
nothing is saved, the page says who changed it and shows their values beside yours (409).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from bettercare.charts import milestone_timeline, risk_heatmap
from bettercare.charts.risk import IMPACT_NAMES, LIKELIHOOD_NAMES
from bettercare.core.periods import Month
from bettercare.core.rag import risk_order
from bettercare.web.edits import versioned_edit
from bettercare.web.pages import access_of, area_for, cached_page, period_for, render_area_page
from bettercare.web.programmes.actions import max_length, milestone_update, risk_update
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
    return cached_page(request, [area.pk], lambda: _milestones(request, area))


def _milestones(request: HttpRequest, area: Area) -> HttpResponse:
    period, month = _as_at(request, area)
    access = access_of(request)
    rows = [
        (milestone_line(m, month), access.can_edit_milestone(m))
        for m in Milestone.objects.filter(area=area).select_related("scheme")
        if m.in_report(month)
    ]
    chart = None
    if rows:
        chart = milestone_timeline(
            [line.for_timeline() for line, _ in rows],
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

    def save(data: dict[str, Any]) -> None:
        milestone_update(
            milestone=milestone,
            changes={
                "revised_date": data["revised_date"],
                "completed_date": data["completed_date"],
                "comments": data["comments"].strip(),
            },
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    return versioned_edit(
        request,
        area,
        milestone,
        form_class=MilestoneForm,
        initial=lambda: _milestone_initial(milestone),
        save=save,
        saved=f"Milestone {milestone.ref} is saved.",
        redirect_to=reverse("area-milestones", args=[area.code]),
        template="programmes/milestone_edit.jinja",
        current_page="milestones",
        context={"milestone": milestone, "page_title": f"Update milestone {milestone.ref}"},
    )


# -- risks -----------------------------------------------------------------------------------


def risks(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _risks(request, area))


def _risks(request: HttpRequest, area: Area) -> HttpResponse:
    access = access_of(request)
    rows = sorted(
        (
            (risk_line(r), access.can_edit_risk(r))
            for r in Risk.objects.filter(area=area).select_related("scheme")
        ),
        key=lambda row: (risk_order(row[0].score, row[0].rating), row[0].ref),
    )
    chart = risk_heatmap(
        [line.for_heatmap() for line, _ in rows],
        title=f"{area.name} risks by likelihood and impact",
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


def _scale_message(name: str, names: dict[int, str]) -> str:
    return f"Select the {name}, between 1 ({names[1].lower()}) and 5 ({names[5].lower()})"


def _scale_field(name: str, names: dict[int, str]) -> forms.TypedChoiceField:
    message = _scale_message(name, names)
    return forms.TypedChoiceField(
        choices=[(str(n), f"{n} {names[n]}") for n in range(1, 6)],
        coerce=int,
        required=False,
        empty_value=None,
        label=name.capitalize(),
        error_messages={"invalid_choice": message},
    )


RATING_CHOICES = [("", "Not rated"), *Risk.Rating.choices]


#: The longest owner the register holds (its field's ``max_length``).
OWNER_LENGTH = max_length(Risk, "owner")


class RiskForm(forms.Form):
    """A risk is scored (likelihood and impact), rated by the plan, or both: never half-scored."""

    likelihood = _scale_field("likelihood", LIKELIHOOD_NAMES)
    impact = _scale_field("impact", IMPACT_NAMES)
    rating = forms.ChoiceField(
        choices=RATING_CHOICES,
        required=False,
        label="Plan rating",
        error_messages={"invalid_choice": "Select High, Medium, Low or Not rated"},
    )
    owner = forms.CharField(
        required=False,
        max_length=OWNER_LENGTH,
        label="Owner",
        error_messages={"max_length": f"The owner must be {OWNER_LENGTH} characters or fewer"},
    )
    mitigation = forms.CharField(required=False, widget=forms.Textarea, label="Mitigation")
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0, error_messages={"required": INCOMPLETE}
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        given = [name for name in ("likelihood", "impact") if self.data.get(name)]
        if given or not cleaned.get("rating"):
            # A score needs both halves; with no rating, a score is what the risk needs.
            for name, names in (("likelihood", LIKELIHOOD_NAMES), ("impact", IMPACT_NAMES)):
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, _scale_message(name, names))
        return cleaned


def _risk_initial(risk: Risk) -> dict[str, Any]:
    return {
        "likelihood": str(risk.likelihood) if risk.likelihood else None,
        "impact": str(risk.impact) if risk.impact else None,
        "rating": risk.rating,
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

    def save(data: dict[str, Any]) -> None:
        risk_update(
            risk=risk,
            changes={
                "likelihood": data["likelihood"],
                "impact": data["impact"],
                "rating": data["rating"],
                "owner": data["owner"].strip(),
                "mitigation": data["mitigation"].strip(),
            },
            seen_version=data["version"],
            by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
        )

    return versioned_edit(
        request,
        area,
        risk,
        form_class=RiskForm,
        initial=lambda: _risk_initial(risk),
        save=save,
        saved=f"Risk {risk.ref} is saved.",
        redirect_to=reverse("area-risks", args=[area.code]),
        template="programmes/risk_edit.jinja",
        current_page="risks",
        context={
            "risk": risk,
            "line": risk_line(risk),
            "likelihood_names": LIKELIHOOD_NAMES,
            "impact_names": IMPACT_NAMES,
            "rating_choices": RATING_CHOICES,
            "page_title": f"Review risk {risk.ref}",
        },
    )
