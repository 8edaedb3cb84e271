"""Scheme pages: the list, a scheme's details and history, and its monthly return form."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from bettercare.core.ordering import theme_and_ref_key
from bettercare.core.proposals import override_problem
from bettercare.core.rag import DIMENSION_LABELS, DIMENSIONS
from bettercare.web.finance.models import SchemeFinance
from bettercare.web.pages import access_of, area_for, cached_page, period_for, render_area_page
from bettercare.web.programmes.actions import (
    ActionError,
    DimensionReturn,
    StaleEditError,
    scheme_return_save,
)
from bettercare.web.programmes.models import Area, ReportingPeriod, Scheme, SchemeStatus
from bettercare.web.programmes.returns import (
    SchemeReturnForm,
    initial_for,
    propose,
)
from bettercare.web.reporting.highlight import milestone_line, risk_line


def scheme_for(request: HttpRequest, area: Area, pk: int) -> Scheme:
    scheme = (
        Scheme.objects.filter(pk=pk, area=area)
        .select_related("area", "theme")
        .prefetch_related("metrics", "lead_users")
        .first()
    )
    if scheme is None:
        raise Http404(f"{area.name} has no scheme {pk}.")
    return scheme


def scheme_list(request: HttpRequest, code: str) -> HttpResponse:
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _scheme_list(request, area))


def _scheme_list(request: HttpRequest, area: Area) -> HttpResponse:
    periods = ReportingPeriod.objects.filter(area=area)
    period = period_for(area, request.GET.get("period")) if periods.exists() else None
    schemes = sorted(
        Scheme.objects.filter(area=area).select_related("theme"),
        key=lambda s: theme_and_ref_key(s.theme.code if s.theme else None, s.ref),
    )
    statuses: dict[int, dict[str, str]] = defaultdict(dict)
    if period is not None:
        for status in SchemeStatus.objects.filter(
            period__area_id=period.area_id, period__month=period.month
        ):
            statuses[status.scheme_id][status.dimension] = status.status
    access = access_of(request)
    rows = [
        {
            "scheme": s,
            "statuses": [statuses[s.pk].get(d) for d in DIMENSIONS],
            "can_return": access.can_complete_return(s),
        }
        for s in schemes
    ]
    return render_area_page(
        request,
        "programmes/schemes.jinja",
        area,
        "schemes",
        {
            "rows": rows,
            "latest": period,
            "dimension_labels": [DIMENSION_LABELS[d] for d in DIMENSIONS],
            "page_title": f"{area.name} schemes",
        },
        period=period,
    )


def scheme_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    area = area_for(request, code)
    # The scheme, its finance, returns, milestones, risks and leads are all the area's (ADR 0142).
    return cached_page(request, [area.pk], lambda: _scheme_detail(request, area, pk))


def _scheme_detail(request: HttpRequest, area: Area, pk: int) -> HttpResponse:
    scheme = scheme_for(request, area, pk)
    periods = ReportingPeriod.objects.filter(area=area)
    latest = period_for(area, request.GET.get("period")) if periods.exists() else None
    finance = list(SchemeFinance.objects.filter(scheme=scheme).order_by("financial_year", "line"))
    years = sorted({f.financial_year for f in finance})
    by_year = {(f.financial_year, f.line): f for f in finance}
    history: dict[Any, dict[str, SchemeStatus]] = defaultdict(dict)
    for status in (
        SchemeStatus.objects.filter(scheme=scheme)
        .select_related("period")
        .order_by("-period__month")
    ):
        history[status.period][status.dimension] = status
    as_at = latest.reporting_month if latest else None
    return render_area_page(
        request,
        "programmes/scheme_detail.jinja",
        area,
        "schemes",
        {
            "scheme": scheme,
            "years": years,
            "finance": by_year,
            "milestones": [
                milestone_line(m, as_at)
                for m in scheme.milestones.select_related("scheme")
                if m.in_report(as_at)
            ]
            if as_at
            else [],
            "risks": [risk_line(r) for r in scheme.risks.select_related("scheme")],
            "status_history": list(history.items()),
            "dimensions": DIMENSIONS,
            "dimension_labels": DIMENSION_LABELS,
            "latest": latest,
            "can_return": access_of(request).can_complete_return(scheme),
            "page_title": f"{scheme.ref}: {scheme.name}",
        },
        period=latest,
    )


def _errors(form: SchemeReturnForm) -> list[dict[str, str]]:
    return [
        {"text": str(error), "href": f"#{name if name != '__all__' else 'return-form'}"}
        for name, errors in form.errors.items()
        for error in errors
    ]


def scheme_return(request: HttpRequest, code: str, pk: int, month: str) -> HttpResponse:
    """The monthly return for one scheme: GET shows it, POST saves it (or explains why not).

    A GET is cached whole (ADR 0137); a POST (its errors, the check) is made afresh."""
    area = area_for(request, code)
    return cached_page(request, [area.pk], lambda: _scheme_return(request, area, pk, month))


def _scheme_return(request: HttpRequest, area: Area, pk: int, month: str) -> HttpResponse:
    scheme = scheme_for(request, area, pk)
    period = period_for(area, month)
    access = access_of(request)
    may_edit = access.can_complete_return(scheme)
    initial, saved = initial_for(scheme, period)
    problem = ""
    status_code = 200
    checking = request.method == "POST" and request.POST.get("check") == "1"
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(
                f"You cannot complete the return for {scheme.ref}: it is not one of your schemes."
            )
        form = SchemeReturnForm(request.POST, scheme=scheme)
        if form.is_valid() and not checking:
            data = form.cleaned_data
            returns: dict[str, DimensionReturn] = {
                d: DimensionReturn(
                    status=data[f"{d}_status"],
                    commentary=data[f"{d}_commentary"].strip(),
                    additional_information=data["additional_information"].strip(),
                    start_date=data["start_date"]
                    if d == "milestones" and data[f"{d}_status"] == "NA"
                    else None,
                    forecast_outturn=data["forecast_outturn"] if d == "finance" else None,
                    savings_achieved=data["savings_achieved"] if d == "savings" else None,
                )
                for d in DIMENSIONS
            }
            try:
                scheme_return_save(
                    scheme=scheme,
                    period=period,
                    dimensions=returns,
                    seen_versions=form.seen_versions(),
                    by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                )
            except StaleEditError as error:
                problem = str(error)
                status_code = 409
                initial, saved = initial_for(scheme, period)
                # Keep what the person typed, but from the versions now saved, so that saving
                # again (having seen the other changes, shown with each dimension) goes through.
                data = request.POST.copy()
                for d in DIMENSIONS:
                    data[f"{d}_version"] = str(initial[f"{d}_version"])
                form = SchemeReturnForm(data, scheme=scheme)
                form.is_valid()
            except ActionError as error:
                problem = str(error)
                status_code = 409
            else:
                messages.success(request, f"The {period.label} return for {scheme.ref} is saved.")
                return redirect("scheme-detail", area.code, scheme.pk)
        elif not form.is_valid():
            status_code = 200 if checking else 400
    else:
        form = SchemeReturnForm(initial=initial, scheme=scheme)
    read_only = period.state != ReportingPeriod.State.OPEN or not may_edit
    figures = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else initial
    proposals = propose(
        scheme,
        period,
        forecast_outturn=figures.get("forecast_outturn"),
        savings_achieved=figures.get("savings_achieved"),
    )
    # A status other than the proposal, with no reason: said here as the workbook says it.
    overrides = {
        d: override_problem(
            proposals[d],
            str(figures.get(f"{d}_status") or ""),
            commentary=str(figures.get(f"{d}_commentary") or ""),
            additional_information=str(figures.get("additional_information") or ""),
        )
        if figures.get(f"{d}_status")
        else None
        for d in DIMENSIONS
    }
    context = {
        "scheme": scheme,
        "form": form,
        "errors": _errors(form) if form.is_bound else [],
        "problem": problem,
        "proposals": proposals,
        "overrides": overrides,
        "saved": saved,
        "read_only": read_only,
        "may_edit": may_edit,
        "dimensions": DIMENSIONS,
        "dimension_labels": DIMENSION_LABELS,
        "checking": checking,
        "oob": False,
        "page_title": f"{scheme.ref} return, {period.label}",
    }
    template = "programmes/scheme_return.jinja"
    if request.headers.get("HX-Request") and checking:
        template = "programmes/scheme_return_check.htmx.jinja"
    return render_area_page(
        request, template, area, "schemes", context, period=period, status=status_code
    )
