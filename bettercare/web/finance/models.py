"""The money: scheme spend and benefits by year, funding streams, and the savings plan."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.web.programmes.fields import MONEY, FinancialYearField, Versioned


class SchemeFinance(Versioned):
    """A scheme's spend or benefit (negative for a saving) in a financial year."""

    class Line(models.TextChoices):
        SPEND = "spend", "Spend"
        BENEFIT = "benefit", "Benefit"

    scheme = models.ForeignKey(
        "programmes.Scheme", on_delete=models.CASCADE, related_name="finance"
    )
    financial_year = FinancialYearField()
    line = models.CharField(max_length=7, choices=Line.choices)
    recurrent = models.DecimalField(**MONEY, default=0)
    non_recurrent = models.DecimalField(**MONEY, default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "financial_year", "line"]
        verbose_name_plural = "scheme finance"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "financial_year", "line"], name="one_finance_line_per_year"
            )
        ]

    @property
    def total(self) -> Decimal:
        return self.recurrent + self.non_recurrent


class Funding(Versioned):
    """A funding stream's budget and forecast outturn for a year (BCF, iBCF, DFG, ...)."""

    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="funding")
    financial_year = FinancialYearField()
    stream = models.CharField(max_length=40, help_text="e.g. BCF, iBCF, DFG")
    organisation = models.CharField(max_length=200, blank=True)
    budget = models.DecimalField(**MONEY)
    minimum_contribution = models.DecimalField(**MONEY, null=True, blank=True)
    forecast_outturn = models.DecimalField(**MONEY, null=True, blank=True)
    as_at = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year", "stream", "organisation"]
        verbose_name_plural = "funding"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "stream", "organisation"],
                name="one_funding_line_per_stream",
            )
        ]


class SavingsPlan(Versioned):
    """The cost improvement plan for a year: the target and what has been achieved."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="savings_plans"
    )
    financial_year = FinancialYearField()
    target = models.DecimalField(**MONEY)
    achieved_to_date = models.DecimalField(**MONEY, default=0)
    as_at = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year"], name="one_savings_plan_per_year"
            )
        ]
