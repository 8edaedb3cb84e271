"""The money and the plan: scheme spend and benefits by year, funding streams (and where each
sits in the pooled fund), the savings plan, pay for performance, and the plan's details
(sign-offs, Health and Wellbeing Board dates, national conditions statements), ADR 0112."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.core.pooled_fund import PROTECTION_CATEGORIES
from bettercare.web.programmes.fields import MONEY, FinancialYearField, Versioned

#: The protection-of-services category of a spend line (core's rule adds them up).
PROTECTION_CHOICES = [("", "None"), *PROTECTION_CATEGORIES.items()]


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
    protection = models.CharField(
        max_length=20,
        choices=PROTECTION_CHOICES,
        blank=True,
        default="",
        help_text="the services this spend protects (the pool's protection-of-services split)",
    )
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
    pooled = models.BooleanField(default=True, help_text="a stream of the pooled fund")
    part_of = models.CharField(
        max_length=40, blank=True, help_text="the stream whose budget already includes this one"
    )
    passported_to = models.CharField(
        max_length=200, blank=True, help_text="the body it is passed on to in full"
    )
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


class PayForPerformance(Versioned):
    """A metric's pay-for-performance line: the planned savings if its target is fully achieved
    and the maximum support needed for other services if not, for the year and ongoing, with
    the basis of the saving (reduction x unit cost x periods) when the plan gives it."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="pay_for_performance"
    )
    financial_year = FinancialYearField()
    metric = models.CharField(max_length=200)
    planned_savings = models.DecimalField(**MONEY)
    maximum_support = models.DecimalField(**MONEY)
    ongoing_savings = models.DecimalField(**MONEY, null=True, blank=True)
    ongoing_support = models.DecimalField(**MONEY, null=True, blank=True)
    reduction = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    unit_cost = models.DecimalField(**MONEY, null=True, blank=True)
    periods = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    basis = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year", "pk"]
        verbose_name_plural = "pay for performance"
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "metric"], name="one_p4p_line_per_metric"
            )
        ]


class PerformancePayment(Versioned):
    """A payment period of the performance fund (e.g. "October 2015 payment"): the amount at
    stake and the reduction planned and achieved, from which core works out what is due."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="performance_payments"
    )
    financial_year = FinancialYearField()
    period = models.CharField(max_length=100)
    covers = models.CharField(max_length=100, blank=True)
    available = models.DecimalField(**MONEY)
    planned_reduction = models.DecimalField(max_digits=12, decimal_places=2)
    achieved_reduction = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "period"], name="one_payment_per_period"
            )
        ]


class PlanDetails(Versioned):
    """A plan's dates: agreed at the Health and Wellbeing Board, submitted, approved."""

    area = models.ForeignKey("programmes.Area", on_delete=models.CASCADE, related_name="plans")
    financial_year = FinancialYearField()
    hwb_agreed_on = models.DateField(null=True, blank=True)
    hwb_note = models.CharField(max_length=200, blank=True, help_text='e.g. "1st draft"')
    submitted_on = models.DateField(null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year"]
        verbose_name_plural = "plan details"
        constraints = [
            models.UniqueConstraint(fields=["area", "financial_year"], name="one_plan_per_year")
        ]


class PlanSignOff(Versioned):
    """A signature on the plan: on behalf of which body, by whom, their position, when."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="plan_sign_offs"
    )
    financial_year = FinancialYearField()
    on_behalf_of = models.CharField(max_length=200)
    signed_by = models.CharField(max_length=200, blank=True)
    position = models.CharField(max_length=200, blank=True)
    signed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "on_behalf_of"], name="one_sign_off_per_body"
            )
        ]


class NationalCondition(Versioned):
    """A national condition of the plan's year: met or not, and the plan's statement."""

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="national_conditions"
    )
    financial_year = FinancialYearField()
    condition = models.CharField(max_length=200)
    met = models.BooleanField()
    statement = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "financial_year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "financial_year", "condition"], name="one_statement_per_condition"
            )
        ]
