"""The regional assurance matrix: each area of a region rated against each criterion of a round."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from bettercare.web.pages import access_of
from bettercare.web.programmes.models import Area
from bettercare.web.reporting.dashboard import build_assurance


def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """Areas by criteria for a round (the latest by default), for the region's assurance leads."""
    region = Area.objects.filter(code=code).first()
    if region is None or region.type != Area.Type.REGION:
        raise Http404(f"There is no region {code}.")
    access = access_of(request)
    if not access.can_view_assurance(region):
        raise PermissionDenied(
            f"The assurance matrix of {region.name} is for its regional assurance leads."
        )
    wanted = request.GET.get("round") or None
    report = build_assurance(region, wanted)
    if wanted is not None and wanted not in report.rounds:
        raise Http404(f"{region.name} has no assurance round {wanted!r}.")
    codes = [row.area.code for row in report.rows]
    viewable = {a.code for a in Area.objects.filter(code__in=codes) if access.can_view(a)}
    return render(
        request,
        "assurance/matrix.jinja",
        {
            "region": region,
            "area": region,  # the page says so when the region is demonstration data
            "report": report,
            "viewable": viewable,
            "page_title": f"{region.name} assurance matrix"
            + (f", {report.round}" if report.round else ""),
        },
    )
