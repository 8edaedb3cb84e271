"""The monthly scheme return: statuses proposed from the data, and the form that checks them.

The form applies the BCF RAG guidelines (``bettercare.core.rag``): it proposes a status for
each dimension where the data allow (milestone slippage, finance variance against the
scheme's budget, savings achieved against plan, the primary metric against its target),
requires exception commentary for AMBER and RED (and for N/A savings or metrics), and a
start date when a scheme is not yet due to start, saying why in plain words.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms

from bettercare.core.periods import FinancialYear
from bettercare.core.rag import (
    COMMENTARY_REQUIREMENTS,
    DIMENSIONS,
    Assessment,
    assess_finance,
    assess_metric_impact,
    assess_milestones,
    assess_savings,
    commentary_problem,
)
from bettercare.formatting import money
from bettercare.web.finance.models import SchemeFinance
from bettercare.web.performance.queries import area_metric_summaries
from bettercare.web.programmes.models import ReportingPeriod, Scheme, SchemeStatus
from bettercare.workbook.values import Cell, CellError, parse_money

DIMENSION_LABELS = dict(SchemeStatus.Dimension.choices)
STATUS_LABELS = {
    "G": "Green",
    "A": "Amber",
    "R": "Red",
    "NA": "N/A",
    "E": "E – enabler",
}


@dataclass(frozen=True)
class Proposal:
    """A status proposed from the data, or why none could be."""

    dimension: str
    assessment: Assessment | None
    basis: str


def _finance_budget(scheme: Scheme, year: str) -> tuple[Decimal | None, Decimal | None]:
    spend = benefit = None
    for line in SchemeFinance.objects.filter(scheme=scheme, financial_year=year):
        if line.line == SchemeFinance.Line.SPEND:
            spend = line.recurrent + line.non_recurrent
        else:
            benefit = line.recurrent + line.non_recurrent
    return spend, benefit


def propose(
    scheme: Scheme,
    period: ReportingPeriod,
    *,
    forecast_outturn: Decimal | None = None,
    savings_achieved: Decimal | None = None,
) -> dict[str, Proposal]:
    """Propose each dimension's status from the data, as the guidelines would rate it."""
    month = period.reporting_month
    year = FinancialYear.of(month.first_day)
    proposals: dict[str, Proposal] = {}

    milestones = list(scheme.milestones.all())
    if scheme.start_date and scheme.start_date > month.last_day:
        proposals["milestones"] = Proposal(
            "milestones",
            assess_milestones(slippage_days=[], start_date=scheme.start_date, as_at=month.last_day),
            "the scheme's start date",
        )
    elif milestones:
        proposals["milestones"] = Proposal(
            "milestones",
            assess_milestones(slippage_days=[m.slippage_days(month.last_day) for m in milestones]),
            f"{len(milestones)} milestone(s) at the end of {month.label}",
        )
    else:
        proposals["milestones"] = Proposal(
            "milestones", None, "No milestones are recorded for this scheme."
        )

    spend, benefit = _finance_budget(scheme, str(year))
    if spend is None or spend == 0:
        proposals["finance"] = Proposal(
            "finance", assess_finance(budget=None, forecast=0), f"no budget for {year}"
        )
    elif forecast_outturn is None:
        proposals["finance"] = Proposal(
            "finance",
            None,
            f"Enter the forecast outturn to compare it with the budget of {money(spend)}.",
        )
    else:
        proposals["finance"] = Proposal(
            "finance",
            assess_finance(budget=float(spend), forecast=float(forecast_outturn)),
            f"the {year} budget of {money(spend)} and a forecast outturn of {money(forecast_outturn)}",
        )

    if scheme.enabler:
        proposals["savings"] = Proposal(
            "savings", assess_savings(planned=None, achieved=0, enabler=True), "an enabler scheme"
        )
    elif benefit is None or benefit >= 0:
        proposals["savings"] = Proposal(
            "savings", assess_savings(planned=None, achieved=0), f"no savings planned for {year}"
        )
    elif savings_achieved is None:
        proposals["savings"] = Proposal(
            "savings",
            None,
            f"Enter the savings achieved to date to compare them with the plan of {money(-benefit)} for the year.",
        )
    else:
        planned = -benefit * year.month_number(month) / 12
        proposals["savings"] = Proposal(
            "savings",
            assess_savings(planned=float(planned), achieved=float(savings_achieved)),
            f"{money(planned)} planned by the end of {month.label} ({money(-benefit)} for the year)",
        )

    metrics = list(scheme.metrics.all())
    if scheme.enabler:
        proposals["metrics"] = Proposal(
            "metrics",
            assess_metric_impact(expected=None, actual=0, polarity="lower_is_better", enabler=True),
            "an enabler scheme",
        )
    elif not metrics:
        proposals["metrics"] = Proposal(
            "metrics",
            assess_metric_impact(expected=None, actual=0, polarity="lower_is_better"),
            "no metrics are linked to this scheme",
        )
    else:
        found = None
        for metric, summary in area_metric_summaries(scheme.area, month, metrics=metrics):
            if summary.target_value is not None and summary.estimate.value is not None:
                found = (metric, summary)
                break
        if found is None:
            proposals["metrics"] = Proposal(
                "metrics", None, "None of the scheme's metrics has a value and a target yet."
            )
        else:
            metric, summary = found
            proposals["metrics"] = Proposal(
                "metrics",
                assess_metric_impact(
                    expected=summary.target_value,
                    actual=summary.estimate.value,  # type: ignore[arg-type]
                    polarity=metric.polarity,  # type: ignore[arg-type]
                ),
                f"{metric.name}: {summary.estimate.value:,.2f} against a target of {summary.target_value:,.2f}",
            )
    return proposals


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


def status_choices(scheme: Scheme, dimension: str) -> list[tuple[str, str]]:
    allowed = COMMENTARY_REQUIREMENTS[dimension]  # type: ignore[index]
    return [
        (status, STATUS_LABELS[status])
        for status in ("G", "A", "R", "NA", "E")
        if status in allowed and (status != "E" or scheme.enabler)
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
            problem = commentary_problem(
                dimension,  # type: ignore[arg-type]
                status,
                commentary=data.get(f"{dimension}_commentary") or "",
                start_date=data.get("start_date") or None,
            )
            if problem and dimension == "milestones" and status == "NA":
                self.add_error(
                    "start_date",
                    "Enter the date the scheme will start, as it is not yet due to start",
                )
            elif problem:
                name = DIMENSION_LABELS[dimension].lower()
                self.add_error(
                    f"{dimension}_commentary",
                    f"Enter exception commentary for {name}: {STATUS_LABELS[status]} needs it. "
                    "Say what is off track and what is being done about it.",
                )
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
