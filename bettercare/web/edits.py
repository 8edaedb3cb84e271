"""One pattern for every edit form of a versioned row (milestones, risks, funding, savings).

GET shows the form from the row. POST saves through an action: an invalid form is 400 with
its error summary; if someone else saved first the action refuses (409) and the page shows
their values in the form and yours beside them; success redirects with a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bettercare.web.pages import render_area_page
from bettercare.web.programmes.actions import ActionError, StaleEditError
from bettercare.web.programmes.models import Area


def versioned_edit(
    request: HttpRequest,
    area: Area,
    row: models.Model,
    *,
    form_class: type[forms.Form],
    initial: Callable[[], dict[str, Any]],
    save: Callable[[dict[str, Any]], object],
    saved: str,
    redirect_to: str,
    template: str,
    current_page: str,
    context: dict[str, Any],
) -> HttpResponse:
    """Show and save one edit form; ``initial()`` reads the row's current values."""
    problem = ""
    yours: dict[str, Any] | None = None
    status = 200
    form = form_class(request.POST if request.method == "POST" else None, initial=initial())
    if request.method == "POST":
        if form.is_valid():
            try:
                save(form.cleaned_data)
            except StaleEditError as error:
                # Theirs in the form (so saving again goes through), what was typed beside it.
                problem, status, yours = str(error), 409, form.cleaned_data
                row.refresh_from_db()
                form = form_class(initial=initial())
            except ActionError as error:
                problem, status = str(error), 409
            else:
                messages.success(request, saved)
                return redirect(redirect_to)
        else:
            status = 400
    return render_area_page(
        request,
        template,
        area,
        current_page,
        {"form": form, "problem": problem, "yours": yours, **context},
        status=status,
    )
