"""The regional assurance matrix: each area of a region rated against each criterion of a round,
and the regional lead's form to enter or change one area's ratings."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from bettercare.core import assurance
from bettercare.web.assurance.actions import RatingEdit, assurance_ratings_save
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.assurance.queries import latest_round, round_criteria
from bettercare.web.pages import access_of, area_by_code, cached_page, render_page
from bettercare.web.programmes.actions import ActionError, StaleEditError
from bettercare.web.programmes.models import Area
from bettercare.web.reporting import cached
from bettercare.web.reporting.dashboard import build_assurance, region_areas

STATUS_CHOICES = (
    ("", "Not rated"),
    ("G", "Green"),
    ("A", "Amber"),
    ("R", "Red"),
    ("Y", "Yes"),
    ("N", "No"),
)
ANSWER_CHOICES = (("", "Not answered"), ("Y", "Yes"), ("N", "No"))


def _region(request: HttpRequest, code: str) -> Area:
    try:
        region = area_by_code(code)
    except Http404:
        region = None
    if region is None or region.type != Area.Type.REGION:
        raise Http404(f"There is no region {code}.")
    if not access_of(request).can_view_assurance(region):
        raise PermissionDenied(
            f"The assurance matrix of {region.name} is for its regional assurance leads."
        )
    return region


def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """Areas by criteria for a round (the latest by default), for the region's assurance leads.

    Kept whole (ADR 0142) under the versions of the region and every area below it: their
    ratings and programme statuses are all the matrix reads, besides the area tree and the
    viewer's access (the shared version and the page's key)."""
    region = _region(request, code)
    # Which areas are below the region changes only with the area tree: the shared version.
    below = cached.versioned(
        f"area-ids:below:{region.pk}",
        [],
        lambda: sorted(Area.objects.descendants(region).values_list("pk", flat=True)),
    )
    return cached_page(request, [region.pk, *below], lambda: _matrix(request, region))


def _matrix(request: HttpRequest, region: Area) -> HttpResponse:
    access = access_of(request)
    wanted = request.GET.get("round") or None
    report = build_assurance(region, wanted)
    if wanted is not None and wanted not in report.rounds:
        raise Http404(f"{region.name} has no assurance round {wanted!r}.")
    codes = [row.area.code for row in report.rows]
    viewable = {a.code for a in Area.objects.filter(code__in=codes) if access.can_view(a)}
    return render_page(
        request,
        "assurance/matrix.jinja",
        {
            "region": region,
            "area": region,  # the page says so when the region is demonstration data
            "report": report,
            "viewable": viewable,
            "can_edit": access.can_edit_assurance(region),
            "page_title": f"{region.name} assurance matrix"
            + (f", {report.round}" if report.round else ""),
        },
    )


def _fields(criteria: list[str], saved: dict[str, AssuranceRating]) -> list[dict[str, Any]]:
    """The form's rows from the saved ratings."""
    rows = []
    for index, criterion in enumerate(criteria):
        rating = saved.get(criterion)
        rows.append(
            {
                "index": index,
                "criterion": criterion,
                "headline": criterion in assurance.HEADLINE_CRITERIA,
                "high_risk": criterion == assurance.HIGH_RISK,
                "status": rating.status if rating else "",
                "comment": rating.comment if rating else "",
                "qualified": rating.qualified if rating else False,
                "footnote": rating.footnote if rating else "",
                "version": rating.version if rating else "",
            }
        )
    return rows


def _version(text: str) -> int | None:
    try:
        return int(text) if text.strip() else None
    except ValueError:
        raise ActionError(
            f"The form's version {text!r} is not a number: reload the page."
        ) from None


def rating_edit(request: HttpRequest, code: str, area_code: str) -> HttpResponse:
    """Enter or change one area's ratings for a round (regional assurance leads)."""
    region = _region(request, code)
    if not access_of(request).can_edit_assurance(region):
        raise PermissionDenied(f"Only {region.name}'s regional assurance leads can rate its areas.")
    areas = region_areas(region)
    area = next((a for a in areas if a.code == area_code), None)
    if area is None:
        raise Http404(f"{area_code} is not an area of {region.name}.")
    round_name = (request.POST.get("round") or request.GET.get("round") or "").strip()
    round_name = round_name or latest_round(areas)
    if not round_name:
        raise Http404(f"{region.name} has no assurance round yet.")
    criteria = round_criteria(areas, round_name)

    def saved() -> dict[str, AssuranceRating]:
        return {r.criterion: r for r in AssuranceRating.objects.filter(area=area, round=round_name)}

    rows = _fields(criteria, saved())
    problem, status, yours = "", 200, None
    if request.method == "POST":
        posted = [
            {
                "index": row["index"],
                "criterion": row["criterion"],
                "headline": row["headline"],
                "high_risk": row["high_risk"],
                "status": request.POST.get(f"status-{row['index']}", "").strip(),
                "comment": request.POST.get(f"comment-{row['index']}", ""),
                "qualified": request.POST.get(f"qualified-{row['index']}") == "yes",
                "footnote": request.POST.get(f"footnote-{row['index']}", ""),
                "version": request.POST.get(f"version-{row['index']}", ""),
            }
            for row in rows
        ]
        try:
            edits = [
                RatingEdit(
                    criterion=row["criterion"],
                    status=row["status"],
                    comment=row["comment"],
                    qualified=row["qualified"],
                    footnote=row["footnote"],
                    seen_version=_version(row["version"]),
                )
                for row in posted
            ]
            assurance_ratings_save(
                area=area,
                round_name=round_name,
                edits=edits,
                by=request.user,  # type: ignore[arg-type]
            )
        except StaleEditError as error:
            problem, status = str(error), 409
            yours = [row for row in posted if row["status"] or row["comment"]]
            rows = _fields(criteria, saved())
        except ActionError as error:
            problem, status, rows = str(error), 400, posted
        else:
            messages.success(request, f"{area.name}'s ratings for {round_name} saved.")
            return redirect(
                reverse("assurance-matrix", args=[region.code])
                + "?"
                + urlencode({"round": round_name})
            )
    return render(
        request,
        "assurance/rating_edit.jinja",
        {
            "region": region,
            "area": area,
            "round": round_name,
            "rows": rows,
            "yours": yours,
            "problem": problem,
            "status_choices": STATUS_CHOICES,
            "answer_choices": ANSWER_CHOICES,
            "page_title": f"Rate {area.name}, {round_name}",
        },
        status=status,
    )
