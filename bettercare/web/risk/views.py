"""Risk stratification pages: the practice's lists and filter builder, aggregates for areas,
and the model page. Patient rows reach only the staff of the patient's own practice."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from bettercare.charts.calibration import calibration_plot
from bettercare.risk.scoring import COHORTS
from bettercare.web.pages import access_of
from bettercare.web.programmes.actions import ActionError
from bettercare.web.risk.actions import (
    intervention_status_update,
    practice_staff_assign,
    practice_staff_remove,
)
from bettercare.web.risk.models import (
    InterventionStatus,
    PatientIdentifier,
    Practice,
    PracticeStaff,
    Refresh,
)
from bettercare.web.risk.queries import (
    CONDITIONS,
    SMALL_NUMBER,
    PatientFilter,
    area_aggregates,
    area_casemix,
    latest_observed_refresh,
    latest_refresh,
    practice_of,
    practice_patients,
)

COHORT_LINKS = {"top_2": "Top 2% (Unplanned Admissions)", "2_to_10": "Next 2.1-10%", **COHORTS}
COLUMNS = (
    ("patient_id", "Patient"),
    ("age", "Age"),
    ("sex", "Sex"),
    ("risk_band", "Risk band"),
    ("p_emergency_admission", "Emergency admission risk"),
    ("p_high_cost", "High-cost risk"),
    ("ltc_count", "Long-term conditions"),
)
PAGE_ROWS = 500


def _refresh() -> Refresh:
    refresh = latest_refresh()
    if refresh is None:
        raise Http404("No risk stratification has been loaded yet (bettercare risk load).")
    return refresh


def _practice(request: HttpRequest) -> Practice:
    practice = practice_of(request.user)
    if practice is None:
        raise PermissionDenied(
            "Patient lists are shown only to the staff of the patient's own practice."
        )
    return practice


def risk_home(request: HttpRequest) -> HttpResponse:
    """Practice staff go to their practice's lists; everyone else to the aggregates."""
    if practice_of(request.user) is not None:
        return redirect("risk-practice")
    return redirect("risk-areas")


def practice_report(request: HttpRequest) -> HttpResponse:
    practice = _practice(request)
    refresh = _refresh()
    chosen = PatientFilter.from_query(request.GET)
    rows = practice_patients(request.user, refresh, chosen)
    query = request.GET.urlencode()
    return render(
        request,
        "risk/practice.jinja",
        {
            "page_title": f"Risk stratification, {practice.name}",
            "practice": practice,
            "refresh": refresh,
            "chosen": chosen,
            "rows": rows[:PAGE_ROWS],
            "total": len(rows),
            "page_rows": PAGE_ROWS,
            "cohorts": COHORT_LINKS,
            "conditions": CONDITIONS,
            "columns": COLUMNS,
            "query": query,
            "sort_link": lambda column: (
                "?"
                + urlencode(
                    [
                        (key, value)
                        for key, values in request.GET.lists()
                        if key not in ("sort", "order")
                        for value in values
                    ]
                    + [
                        ("sort", column),
                        ("order", "asc" if chosen.sort == column and chosen.descending else "desc"),
                    ]
                )
            ),
        },
    )


def _export_rows(request: HttpRequest) -> tuple[Practice, Refresh, list[dict[str, Any]]]:
    practice = _practice(request)
    refresh = _refresh()
    return (
        practice,
        refresh,
        practice_patients(request.user, refresh, PatientFilter.from_query(request.GET)),
    )


EXPORT_COLUMNS = (
    "patient_id", "age", "sex", "risk_band", "segment", "p_emergency_admission", "p_high_cost",
    "ltc_count", "conditions", *COHORTS, "care_plan_completed", "target_group_member",
    "care_plan_review_due",
)  # fmt: skip


def _export_value(row: dict[str, Any], column: str) -> Any:
    value = row[column]
    if column == "conditions":
        return ";".join(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 4)
    return value


def _cell(value: Any) -> Any:
    """A value for a spreadsheet cell: text that a spreadsheet would run as a formula is
    prefixed with an apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def practice_download(request: HttpRequest, output: str) -> HttpResponse:
    practice, refresh, rows = _export_rows(request)
    name = f"risk-{practice.code}-{refresh.index_date.isoformat()}"
    if output == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(EXPORT_COLUMNS)
        for row in rows:
            writer.writerow([_cell(_export_value(row, column)) for column in EXPORT_COLUMNS])
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif output == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "Patients"
        sheet.append(list(EXPORT_COLUMNS))
        for row in rows:
            sheet.append([_cell(_export_value(row, column)) for column in EXPORT_COLUMNS])
        buffer_bytes = io.BytesIO()
        workbook.save(buffer_bytes)
        response = HttpResponse(
            buffer_bytes.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404(f"{output!r} is not a download format (csv or xlsx).")
    response["Content-Disposition"] = f'attachment; filename="{name}.{output}"'
    response["Cache-Control"] = "no-store"
    return response


def practice_patients_json(request: HttpRequest) -> JsonResponse:
    """The same list as JSON (for the practice's own tools)."""
    practice, refresh, rows = _export_rows(request)
    return JsonResponse(
        {
            "practice_code": practice.code,
            "index_date": refresh.index_date.isoformat(),
            "patients": [
                {column: _export_value(row, column) for column in EXPORT_COLUMNS} for row in rows
            ],
        }
    )


def _flag(request: HttpRequest, name: str) -> bool:
    return request.POST.get(name) == "yes"


def patient_status(request: HttpRequest, pseudonym: str) -> HttpResponse:
    practice = _practice(request)
    identifier = PatientIdentifier.objects.filter(practice=practice, pseudonym=pseudonym).first()
    if identifier is None:
        raise Http404("There is no such patient at your practice.")
    status = InterventionStatus.objects.filter(pseudonym=pseudonym, practice=practice).first()
    error = ""
    if request.method == "POST":
        due_text = request.POST.get("care_plan_review_due", "").strip()
        due = None
        try:
            due = date.fromisoformat(due_text) if due_text else None
        except ValueError:
            error = f"Care plan review due: {due_text!r} is not a date (expected YYYY-MM-DD)."
        if not error:
            intervention_status_update(
                practice=practice,
                pseudonym=pseudonym,
                care_plan_completed=_flag(request, "care_plan_completed"),
                target_group_member=_flag(request, "target_group_member"),
                care_plan_review_due=due,
                by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
            )
            return redirect(reverse("risk-practice") + "?" + request.GET.urlencode())
    return render(
        request,
        "risk/status.jinja",
        {
            "page_title": "Intervention markers",
            "practice": practice,
            "identifier": identifier,
            "status": status,
            "error": error,
            "history": list(status.history.order_by("-history_date")[:10]) if status else [],
        },
        status=400 if error else 200,
    )


def practice_staff(request: HttpRequest, code: str) -> HttpResponse:
    """The practice's staff, for a programme manager of its area (or an administrator) to
    add (by username) or remove; each change through the actions, with history."""
    practice = Practice.objects.select_related("area").filter(code=code).first()
    if practice is None:
        raise Http404(f"There is no practice {code!r}.")
    access = access_of(request)
    if not access.is_admin and (practice.area is None or not access.can_manage(practice.area)):
        raise PermissionDenied("Only a programme manager of the practice's area assigns its staff.")
    error = ""
    if request.method == "POST":
        by = request.user  # signed in (LoginRequiredMiddleware): a User
        try:
            if "remove" in request.POST:
                chosen = request.POST.get("remove", "")
                member = (
                    PracticeStaff.objects.filter(practice=practice, user_id=int(chosen)).first()
                    if chosen.isdigit()
                    else None
                )
                if member is None:
                    raise ActionError("That user is not on the practice's staff.")
                practice_staff_remove(user=member.user, practice=practice, by=by)  # type: ignore[arg-type]
            else:
                practice_staff_assign(
                    username=request.POST.get("username", ""),
                    practice=practice,
                    by=by,  # type: ignore[arg-type]
                )
        except ActionError as failure:
            error = str(failure)
        else:
            return redirect("risk-practice-staff", code=practice.code)
    staff = list(PracticeStaff.objects.filter(practice=practice).select_related("user"))
    history = list(
        PracticeStaff.history.filter(practice_id=practice.pk)
        .select_related("history_user")
        .order_by("-history_date")[:20]
    )
    return render(
        request,
        "risk/staff.jinja",
        {
            "page_title": f"Staff of {practice.name}",
            "practice": practice,
            "staff": staff,
            "history": history,
            "error": error,
        },
        status=400 if error else 200,
    )


def area_summary(request: HttpRequest) -> HttpResponse:
    refresh = _refresh()
    access = access_of(request)
    rows = area_aggregates(access, refresh)
    areas = {
        p.code: p.area
        for p in Practice.objects.filter(code__in=[r["code"] for r in rows]).select_related("area")
    }
    for row in rows:
        area = areas.get(row["code"])
        row["manage"] = access.is_admin or (area is not None and access.can_manage(area))
    return render(
        request,
        "risk/areas.jinja",
        {
            "page_title": "Risk stratification by practice",
            "refresh": refresh,
            "rows": rows,
            "cohorts": COHORTS,
            "small_number": SMALL_NUMBER,
            "own_practice": practice_of(request.user),
        },
    )


def casemix_report(request: HttpRequest) -> HttpResponse:
    """Observed against expected emergency admissions per practice (indirect standardisation):
    exact for the user's own practice, suppressed aggregates for every other."""
    refresh = latest_observed_refresh()
    rows = area_casemix(access_of(request), refresh) if refresh is not None else []
    return render(
        request,
        "risk/casemix.jinja",
        {
            "page_title": "Emergency admissions against case mix, by practice",
            "refresh": refresh,
            "rows": rows,
            "small_number": SMALL_NUMBER,
            "own_practice": practice_of(request.user),
        },
    )


def model_page(request: HttpRequest) -> HttpResponse:
    refresh = _refresh()
    model = refresh.model
    outcomes = []
    for name, entry in model.get("outcomes", {}).items():
        performance = entry["performance"]
        chart = calibration_plot(
            performance.get("calibration_deciles", []),
            title=f"Calibration of the {name.replace('_', ' ')} model by tenth of predicted risk",
            id_prefix=f"calibration-{name.replace('_', '-')}",
        )
        outcomes.append({"name": name, "entry": entry, "performance": performance, "chart": chart})
    return render(
        request,
        "risk/model.jinja",
        {"page_title": "The risk model", "refresh": refresh, "model": model, "outcomes": outcomes},
    )
