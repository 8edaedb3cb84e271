"""A scheme's full description (seed 003): the page, and its edit form for the scheme's lead
and the programme manager, without JavaScript.

The lists (delivery chain, investment by year, local KPIs) are tables of inputs: the rows
saved, then blank rows to add more (save and the page comes back with new blank rows). A row
left blank is not saved, so clearing a row removes it. Everything is saved as one change
through ``scheme_description_save``; if someone else saved first nothing is saved and the
page says who, with what is saved now in the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect

from bettercare.core.scheme_description import (
    CADENCES,
    DELIVERY_ROLES,
    KPI_LEVELS,
    DeliveryPartner,
    Investment,
    LocalKpi,
)
from bettercare.web.pages import access_of, area_for, render_area_page
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.actions import (
    DESCRIPTION_TEXTS,
    ActionError,
    SchemeDescription,
    StaleEditError,
    length_problem,
    scheme_description_save,
)
from bettercare.web.programmes.descriptions import describe, with_descriptions
from bettercare.web.programmes.models import (
    Area,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
)
from bettercare.web.programmes.scheme_views import scheme_for

#: Blank rows offered under each list, to add to it.
SPARE_ROWS = 3
#: The columns of each list's rows, as the form names them (``chain-0-organisation``).
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "chain": ("organisation", "role", "responsibility"),
    "investment": ("financial_year", "amount"),
    "kpi": ("name", "level", "target", "unit", "cadence", "reported_to"),
}
#: The model each list's rows are saved as (its fields named as the columns): each cell's
#: longest text is its field's ``max_length``.
ROW_MODELS: dict[str, type[models.Model]] = {
    "chain": SchemeDeliveryPartner,
    "investment": SchemeInvestment,
    "kpi": SchemeKpi,
}
#: What a cell is, in words, where its column's name does not say.
CELL_NAMES = {("kpi", "name"): "KPI's name", ("kpi", "unit"): "KPI's unit"}
TEXT_LABELS: dict[str, tuple[str, str]] = {
    "strategic_objective": (
        "Strategic objective",
        "What is the strategic objective of this scheme? Its link to the vision and the case "
        "for change.",
    ),
    "description": ("Overview", "The model of care and support."),
    "target_cohorts": ("Target cohorts", "The patient cohorts targeted, one a line."),
    "evidence_base": (
        "Evidence base",
        "The evidence drawn on for the scheme's design and its assumed impact.",
    ),
    "outcomes": (
        "Anticipated outcomes",
        "Outcomes anticipated beyond the headline metrics it affects.",
    ),
    "success_factors": (
        "Key success factors",
        "The key success factors for implementation, one a line.",
    ),
}


class DescriptionForm(forms.Form):
    """The description's texts, the metrics it affects and the version it started from."""

    strategic_objective = forms.CharField(required=False, strip=False)
    description = forms.CharField(required=False, strip=False)
    target_cohorts = forms.CharField(required=False, strip=False)
    evidence_base = forms.CharField(required=False, strip=False)
    outcomes = forms.CharField(required=False, strip=False)
    success_factors = forms.CharField(required=False, strip=False)
    metrics = forms.MultipleChoiceField(required=False)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args: Any, metric_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["metrics"].choices = metric_choices  # type: ignore[attr-defined]  # a ChoiceField


@dataclass
class Rows:
    """The rows of the three lists as typed, the parsed entries and each cell's error."""

    typed: dict[str, list[dict[str, str]]]
    partners: list[DeliveryPartner]
    investments: list[Investment]
    kpis: list[LocalKpi]
    errors: dict[str, str]


def _decimal(text: str) -> Decimal | None:
    try:
        number = Decimal(text.replace(",", "").replace("£", "").replace("%", "").strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def read_rows(data: QueryDict) -> Rows:
    """The lists from a posted form: blank rows left out, each unreadable cell named."""
    typed: dict[str, list[dict[str, str]]] = {}
    errors: dict[str, str] = {}
    for prefix, names in ROW_FIELDS.items():
        try:
            count = min(int(data.get(f"{prefix}-count", "0")), 500)
        except ValueError:
            count = 0
        rows: list[dict[str, str]] = []
        for index in range(count):
            row = {name: data.get(f"{prefix}-{index}-{name}", "").strip() for name in names}
            if any(row.values()):
                row["index"] = str(len(rows))  # as the page shows it again, blanks left out
                rows.append(row)
        typed[prefix] = rows
        for row in rows:
            for name in names:
                what = CELL_NAMES.get((prefix, name), "")
                problem = length_problem(ROW_MODELS[prefix], name, row[name], what)
                if problem is not None:
                    errors[f"{prefix}-{row['index']}-{name}"] = problem
    partners = [
        DeliveryPartner(r["organisation"], r["role"], r["responsibility"]) for r in typed["chain"]
    ]
    investments = []
    for r in typed["investment"]:
        amount = _decimal(r["amount"])
        if amount is None:
            errors[f"investment-{r['index']}-amount"] = (
                f"The investment for {r['financial_year'] or 'a year'} must be an amount in "
                f"pounds, e.g. 54000, not {r['amount']!r}"
            )
            continue
        investments.append(Investment(r["financial_year"], amount))
    kpis = []
    for r in typed["kpi"]:
        target = None
        if r["target"]:
            target = _decimal(r["target"])
            if target is None:
                errors[f"kpi-{r['index']}-target"] = (
                    f"The target of {r['name'] or 'a KPI'} must be a number, e.g. 80, "
                    f"not {r['target']!r}"
                )
                continue
        kpis.append(
            LocalKpi(r["name"], r["level"], r["cadence"], target, r["unit"], r["reported_to"])
        )
    return Rows(typed, partners, investments, kpis, errors)


def _saved_rows(scheme: Scheme) -> dict[str, list[dict[str, str]]]:
    line = describe(scheme)
    return {
        "chain": [
            {"organisation": p.organisation, "role": p.role, "responsibility": p.responsibility}
            for p in line.delivery_chain
        ],
        "investment": [
            {"financial_year": i.financial_year, "amount": f"{i.amount.normalize():f}"}
            for i in line.investments
        ],
        "kpi": [
            {
                "name": k.name,
                "level": k.level,
                "target": "" if k.target is None else f"{k.target.normalize():f}",
                "unit": k.unit,
                "cadence": k.cadence,
                "reported_to": k.reported_to,
            }
            for k in line.kpis
        ],
    }


def _with_spares(rows: dict[str, list[dict[str, str]]]) -> dict[str, list[dict[str, str]]]:
    return {
        prefix: [
            *({**row, "index": str(index)} for index, row in enumerate(typed)),
            *(
                {"index": str(len(typed) + spare), **dict.fromkeys(ROW_FIELDS[prefix], "")}
                for spare in range(SPARE_ROWS)
            ),
        ]
        for prefix, typed in rows.items()
    }


def _initial(scheme: Scheme) -> dict[str, Any]:
    return {
        **{name: getattr(scheme, name) for name in DESCRIPTION_TEXTS},
        "metrics": [str(m.pk) for m in scheme.metrics.all()],
        "version": scheme.version,
    }


def _scheme(request: HttpRequest, area: Area, pk: int) -> Scheme:
    scheme = scheme_for(request, area, pk)
    found = with_descriptions(Scheme.objects.filter(pk=scheme.pk)).prefetch_related("lead_users")
    return found.get()


def scheme_description(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """The scheme's full description, under the plan's headings."""
    area = area_for(request, code)
    scheme = _scheme(request, area, pk)
    line = describe(scheme)
    # Only a metric the area has figures for has a page to link to.
    with_figures = set(
        MetricValue.objects.filter(area=area, metric__code__in=[m.code for m in line.metrics])
        .values_list("metric__code", flat=True)
        .distinct()
    )
    return render_area_page(
        request,
        "programmes/scheme_description.jinja",
        area,
        "schemes",
        {
            "scheme": scheme,
            "line": line,
            "with_figures": with_figures,
            "can_edit": access_of(request).can_complete_return(scheme),
            "role_names": DELIVERY_ROLES,
            "level_names": KPI_LEVELS,
            "cadence_names": CADENCES,
            "page_title": f"{scheme.ref}: {scheme.name} – scheme description",
        },
    )


def scheme_description_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """Edit the description: GET shows the form, POST saves it through the action."""
    area = area_for(request, code)
    scheme = _scheme(request, area, pk)
    if not access_of(request).can_complete_return(scheme):
        raise PermissionDenied(
            f"You cannot change the description of {scheme.ref}: only the programme manager "
            "and the scheme's lead can."
        )
    metric_choices = [
        (str(m.pk), f"{m.name} ({'national' if m.is_national else 'local'})")
        for m in Metric.objects.order_by("-is_national", "name")
    ]
    problem = ""
    status = 200
    yours: dict[str, Any] | None = None
    form = DescriptionForm(initial=_initial(scheme), metric_choices=metric_choices)
    rows = _saved_rows(scheme)
    cell_errors: dict[str, str] = {}
    if request.method == "POST":
        form = DescriptionForm(request.POST, metric_choices=metric_choices)
        read = read_rows(request.POST)
        rows, cell_errors = read.typed, read.errors
        if form.is_valid() and not cell_errors:
            data = form.cleaned_data
            description = SchemeDescription(
                texts={name: data[name] for name in DESCRIPTION_TEXTS},
                partners=tuple(read.partners),
                investments=tuple(read.investments),
                kpis=tuple(read.kpis),
                metric_ids=frozenset(int(pk) for pk in data["metrics"]),
            )
            try:
                scheme_description_save(
                    scheme=scheme,
                    description=description,
                    seen_version=data["version"],
                    by=request.user,  # type: ignore[arg-type]  # signed in (LoginRequiredMiddleware): a User
                )
            except StaleEditError as error:
                # Theirs in the form (so saving again goes through), what was typed beside it.
                problem, status = str(error), 409
                yours = {
                    "texts": [(TEXT_LABELS[n][0], data[n].strip()) for n in DESCRIPTION_TEXTS],
                    "partners": read.partners,
                    "investments": read.investments,
                    "kpis": read.kpis,
                }
                scheme = _scheme(request, area, pk)
                form = DescriptionForm(initial=_initial(scheme), metric_choices=metric_choices)
                rows = _saved_rows(scheme)
            except ActionError as error:
                problem, status = str(error), 400
            else:
                messages.success(request, f"The description of {scheme.ref} is saved.")
                return redirect("scheme-description", area.code, scheme.pk)
        else:
            status = 400
    errors = [
        *(
            {"text": str(error), "href": f"#{name}" if name != "__all__" else "#maincontent"}
            for name, found in form.errors.items()
            for error in found
        ),
        *({"text": text, "href": f"#{name}"} for name, text in cell_errors.items()),
    ]
    chosen = {str(value) for value in (form["metrics"].value() or [])}
    metric_items = [
        {"value": value, "text": text, "checked": value in chosen} for value, text in metric_choices
    ]
    return render_area_page(
        request,
        "programmes/scheme_description_edit.jinja",
        area,
        "schemes",
        {
            "scheme": scheme,
            "form": form,
            "rows": _with_spares(rows),
            "metric_items": metric_items,
            "cell_errors": cell_errors,
            "errors": errors,
            "problem": problem,
            "yours": yours,
            "role_names": DELIVERY_ROLES,
            "level_names": KPI_LEVELS,
            "cadence_names": CADENCES,
            "text_labels": TEXT_LABELS,
            "texts": DESCRIPTION_TEXTS,
            "role_choices": [("", "Choose a role"), *DELIVERY_ROLES.items()],
            "level_choices": [("", "Choose a level"), *KPI_LEVELS.items()],
            "cadence_choices": [("", "Choose how often"), *CADENCES.items()],
            "page_title": f"Edit the description of {scheme.ref}",
        },
        status=status,
    )
