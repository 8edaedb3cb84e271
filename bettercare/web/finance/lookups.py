"""What a finance page or edit reads from its request: the year asked, and the row an edit is
of, with the 404 and 403 every finance edit gives."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from bettercare.core.periods import FinancialYear
from bettercare.web.pages import access_of, area_for
from bettercare.web.programmes.models import Area

#: A finance row an edit is of (funding, savings plan, national condition, payment period).
Row = TypeVar("Row", bound=models.Model)


def year_asked(request: HttpRequest) -> FinancialYear | None:
    """The financial year in the query (None: none asked); 404 for one that is not a year."""
    text = request.GET.get("year")
    return parsed_year(text) if text else None


def parsed_year(text: str) -> FinancialYear:
    """``text`` as a financial year; 404 for one that is not a year."""
    try:
        return FinancialYear.parse(text)
    except ValueError:
        raise Http404(f"{text!r} is not a financial year (expected YYYY-YY).") from None


def finance_row(
    request: HttpRequest, code: str, model: type[Row], pk: int, *, named: str, to: str
) -> tuple[Area, Row]:
    """The area and its row ``pk`` of ``model`` for an edit: 404 for a row not of that area
    (``named`` says what it is), 403 for a user who cannot edit the area's finance (``to``
    says what they would have done)."""
    area = area_for(request, code)
    row = model._default_manager.filter(pk=pk, area=area).first()
    if row is None:
        raise Http404(f"{area.name} has no {named} {pk}.")
    if not access_of(request).can_edit_finance(area):
        raise PermissionDenied(f"Only the programme manager and the finance lead can {to}.")
    return area, row
