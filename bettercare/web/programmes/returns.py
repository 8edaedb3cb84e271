"""The monthly scheme return: statuses proposed from the data, and the form that checks them.

The form applies the BCF RAG guidelines (``bettercare.core.rag``): it proposes a status for
each dimension where the data allow (milestone slippage, finance variance against the
scheme's budget, savings achieved against plan, the primary metric against its target),
requires exception commentary for AMBER and RED (and for N/A savings or metrics), and a
start date when a scheme is not yet due to start, saying why in plain words.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.proposals import MetricFacts, Proposal, SchemeFacts, propose_statuses
from bettercare.core.rag import (
    DIMENSION_LABELS,
    DIMENSIONS,
    STATUS_LABELS,
    Dimension,
    allowed_statuses,
    return_problem,
)
from bettercare.web.finance.models import SchemeFinance
from bettercare.web.performance.models import Metric
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.programmes.models import ReportingPeriod, Scheme, SchemeStatus
from bettercare.workbook.values import Cell, CellError, parse_money


def _finance_budget(scheme: Scheme, year: str) -> tuple[Decimal | None, Decimal | None]:
    spend = benefit = None
    for line in SchemeFinance.objects.filter(scheme=scheme, financial_year=year):
        if line.line == SchemeFinance.Line.SPEND:
            spend = line.recurrent + line.non_recurrent
        else:
            benefit = line.recurrent + line.non_recurrent
    return spend, benefit


def _primary_metric(scheme: Scheme, month: Month, metrics: list[Metric]) -> MetricFacts | None:
    """The first of the scheme's metrics with both a value and a target at ``month``."""
    for metric, summary in area_metric_summaries(scheme.area, month, metrics=metrics):
        if summary.target_value is not None and summary.estimate.value is not None:
            return MetricFacts(
                name=metric.name,
                expected=summary.target_value,
                actual=summary.estimate.value,
                polarity=metric.polarity,  # type: ignore[arg-type]
            )
    return None


def propose(
    scheme: Scheme,
    period: ReportingPeriod,
    *,
    forecast_outturn: Decimal | None = None,
    savings_achieved: Decimal | None = None,
) -> dict[str, Proposal]:
    """Propose each dimension's status from the data, as the guidelines would rate it
    (:func:`bettercare.core.proposals.propose_statuses` over the scheme's facts)."""
    month = period.reporting_month
    year = FinancialYear.of(month.first_day)
    spend, benefit = _finance_budget(scheme, str(year))
    metrics = list(scheme.metrics.all())
    facts = SchemeFacts(
        month=month,
        enabler=scheme.enabler,
        start_date=scheme.start_date,
        milestone_slippage=tuple(
            m.slippage_days(month.last_day) for m in scheme.milestones.all() if m.in_report(month)
        ),
        budget=spend,
        forecast_outturn=forecast_outturn,
        savings_planned=None if benefit is None else -benefit,
        savings_achieved=savings_achieved,
        metrics_linked=bool(metrics),
        metric=_primary_metric(scheme, month, metrics) if metrics and not scheme.enabler else None,
    )
    return {str(dimension): proposal for dimension, proposal in propose_statuses(facts).items()}


class MoneyField(forms.CharField):
    """Pounds as people type them: £1,250,000 or 1250000."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return parse_money(Cell(text))
        except CellError as error:
            raise forms.ValidationError(
                f"Enter an amount in pounds, like £250,000 ({error.problem})"
            ) from None


def status_choices(scheme: Scheme, dimension: Dimension) -> list[tuple[str, str]]:
    """The statuses the scheme's return may give on ``dimension``, with their labels."""
    return [
        (status, STATUS_LABELS[status])
        for status in allowed_statuses(dimension, enabler=scheme.enabler)
    ]


class SchemeReturnForm(forms.Form):
    """One scheme's return for a month: a status and commentary for each dimension."""

    additional_information = forms.CharField(required=False, widget=forms.Textarea)
    forecast_outturn = MoneyField(required=False, label="Forecast outturn for the year")
    savings_achieved = MoneyField(required=False, label="Savings achieved to date")
    start_date = forms.DateField(required=False, input_formats=["%Y-%m-%d"], label="Start date")

    def __init__(self, *args: Any, scheme: Scheme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme = scheme
        for dimension in DIMENSIONS:
            self.fields[f"{dimension}_status"] = forms.ChoiceField(
                choices=status_choices(scheme, dimension),
                label=DIMENSION_LABELS[dimension],
                error_messages={
                    "required": f"Select a status for {DIMENSION_LABELS[dimension].lower()}",
                    "invalid_choice": f"Select a status for {DIMENSION_LABELS[dimension].lower()} from the list",
                },
            )
            self.fields[f"{dimension}_commentary"] = forms.CharField(
                required=False, widget=forms.Textarea, label="Commentary"
            )
            self.fields[f"{dimension}_version"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput, min_value=0
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for dimension in DIMENSIONS:
            status = data.get(f"{dimension}_status")
            if not status:
                continue
            problem = return_problem(
                dimension,
                status,
                enabler=self.scheme.enabler,
                commentary=data.get(f"{dimension}_commentary") or "",
                start_date=data.get("start_date") or None,
            )
            if problem is None:
                continue
            field = (
                "start_date" if problem.field == "start_date" else f"{dimension}_{problem.field}"
            )
            self.add_error(field, problem.message)
        return data

    def seen_versions(self) -> dict[str, int]:
        return {d: int(self.cleaned_data.get(f"{d}_version") or 0) for d in DIMENSIONS}


def initial_for(
    scheme: Scheme, period: ReportingPeriod
) -> tuple[dict[str, Any], dict[str, SchemeStatus]]:
    """The form's starting values from the saved return (or empty for a new one)."""
    saved = {
        s.dimension: s
        for s in SchemeStatus.objects.filter(
            period__area_id=period.area_id, period__month=period.month, scheme=scheme
        )
    }
    initial: dict[str, Any] = {}
    for dimension in DIMENSIONS:
        status = saved.get(dimension)
        initial[f"{dimension}_status"] = status.status if status else None
        initial[f"{dimension}_commentary"] = status.commentary if status else ""
        initial[f"{dimension}_version"] = status.version if status else 0
    first = next(iter(saved.values()), None)
    initial["additional_information"] = first.additional_information if first else ""
    finance, savings, milestones = (
        saved.get("finance"),
        saved.get("savings"),
        saved.get("milestones"),
    )
    initial["forecast_outturn"] = finance.forecast_outturn if finance else None
    initial["savings_achieved"] = savings.savings_achieved if savings else None
    initial["start_date"] = milestones.start_date if milestones else None
    return initial, saved
