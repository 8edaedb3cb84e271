"""Downloading board packs from the web: the same packs as ``bettercare report``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from bettercare.web.pages import access_of, area_for, parse_month
from bettercare.web.reporting.packs import FORMATS, PackError, board_pack

PACK_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)


def _download(kind: str, area_code: str, request: HttpRequest, output: str) -> HttpResponse:
    round_name = request.GET.get("round") or None
    if output not in FORMATS:
        raise Http404(f"There is no board pack format {output!r}.")
    area = area_for(request, area_code)
    if kind == "assurance" and not access_of(request).can_view_assurance(area):
        raise PermissionDenied("Only the region's assurance leads can download its assurance pack.")
    try:
        pack = board_pack(
            kind,  # type: ignore[arg-type]  # board_pack refuses an unknown kind
            area,
            parse_month(request.GET.get("period")),
            output,
            round_name=round_name if kind == "assurance" else None,
        )
    except PackError as error:
        raise Http404(str(error)) from None
    response = HttpResponse(pack.content, content_type=pack.content_type)
    response["Content-Disposition"] = f'attachment; filename="{pack.filename}"'
    response["Cache-Control"] = "private, no-store"
    if output == "html":
        # A single-file pack carries its own stylesheet and images; it runs no script at all.
        response["Content-Security-Policy"] = PACK_POLICY
    return response


def area_pack(request: HttpRequest, code: str, kind: str, output: str) -> HttpResponse:
    if kind not in ("highlight", "dashboard", "schemes"):
        raise Http404(f"There is no board pack {kind!r}.")
    return _download(kind, code, request, output)


def assurance_pack(request: HttpRequest, code: str, output: str) -> HttpResponse:
    return _download("assurance", code, request, output)
