"""Areas and their programmes: reporting periods, themes, schemes, milestones, risks, statuses.

One instance serves many areas: Health and Wellbeing Boards, Integrated Care Boards and
regions, in a hierarchy. Every model keeps its history (who changed what, when, from what).
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.core.milestones import (
    ACTIVITY_GROUP_LABELS,
    MAX_ACTIVITY_LENGTH,
    milestone_in_report,
)
from bettercare.core.periods import Month
from bettercare.core.rag import (
    DIMENSION_LABELS,
    PROGRAMME_DIMENSION_LABELS,
    RISK_RATINGS,
    STATUS_LABELS,
    MilestoneStatus,
    milestone_status,
)
from bettercare.core.scheme_description import CADENCES, DELIVERY_ROLES, KPI_LEVELS
from bettercare.web.programmes.fields import MONEY, FinancialYearField, Versioned, ons_code
from bettercare.web.programmes.tree import AreaQuerySet


class Status(models.TextChoices):
    """A RAG status as the BCF guidelines use it."""

    # The codes and labels are core's (bettercare.core.status): one vocabulary everywhere.
    GREEN = "G", STATUS_LABELS["G"]
    AMBER = "A", STATUS_LABELS["A"]
    RED = "R", STATUS_LABELS["R"]
    NOT_APPLICABLE = "NA", STATUS_LABELS["NA"]
    ENABLER = "E", STATUS_LABELS["E"]


class Area(models.Model):
    """A Health and Wellbeing Board area, an Integrated Care Board, or a region."""

    class Type(models.TextChoices):
        HWB = "HWB", "Health and Wellbeing Board"
        ICB = "ICB", "Integrated Care Board"
        REGION = "region", "Region"

    code = models.CharField(max_length=9, unique=True, validators=[ons_code])
    name = models.CharField(max_length=200)
    type = models.CharField(max_length=6, choices=Type.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_demo = models.BooleanField(
        default=False, help_text="Demonstration data, labelled as such wherever it is shown."
    )
    valid_from = models.DateField(
        null=True, blank=True, help_text="The day the area was created, if it is recorded."
    )
    valid_to = models.DateField(
        null=True,
        blank=True,
        help_text="The last day of the area, if it was abolished (e.g. by a reorganisation).",
    )
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def exists_in(self, month: Month) -> bool:
        """Whether the area existed in (any part of) ``month``."""
        return (self.valid_from is None or self.valid_from <= month.last_day) and (
            self.valid_to is None or self.valid_to >= month.first_day
        )


class Programme(Versioned):
    """An area's BCF programme."""

    area = models.OneToOneField(Area, on_delete=models.CASCADE, related_name="programme")
    name = models.CharField(max_length=300)
    local_authority = models.CharField(max_length=200, blank=True)
    commissioners = models.CharField(
        max_length=500, blank=True, help_text="Commissioning organisations, separated by ';'."
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return self.name

    @property
    def commissioner_list(self) -> list[str]:
        return [part.strip() for part in self.commissioners.split(";") if part.strip()]


class ReportingPeriod(models.Model):
    """A reporting month of an area: open, then submitted (all returns in), then signed off."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        SUBMITTED = "submitted", "Submitted"
        SIGNED_OFF = "signed_off", "Signed off"
        #: Only on an unsaved period: a reportable month nobody has opened for returns.
        NOT_OPENED = "not_opened", "Not opened"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="periods")
    month = models.DateField(help_text="The first day of the month.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "month"]
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="one_period_per_area_month"),
            models.CheckConstraint(
                condition=models.Q(month__day=1), name="period_month_is_first_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area.name}, {self.label}"

    @property
    def reporting_month(self) -> Month:
        return Month.of(self.month)

    @property
    def is_recorded(self) -> bool:
        """Whether the month was opened (a saved record with its workflow)."""
        return self.pk is not None

    @property
    def cache_key(self) -> str:
        """Identifies the area's month whether or not it was opened."""
        return f"{self.area_id}:{self.reporting_month}"

    @property
    def label(self) -> str:
        return self.reporting_month.label

    @property
    def is_signed_off(self) -> bool:
        return self.state == self.State.SIGNED_OFF


class Theme(Versioned):
    """A theme of the programme (e.g. "Integrated urgent response") and its strategic priority."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    priority = models.CharField(
        max_length=300, blank=True, help_text="The strategic (e.g. JHWS) priority it serves."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "code"], name="unique_theme_code_per_area")
        ]

    def __str__(self) -> str:
        return self.name


class Scheme(Versioned):
    """A BCF scheme: a service or enabler funded by the programme."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="schemes")
    ref = models.CharField(max_length=20, help_text="The scheme's reference, e.g. 'BCF 4'.")
    name = models.CharField(max_length=200)
    theme = models.ForeignKey(
        Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="schemes"
    )
    lead = models.CharField(max_length=200, blank=True, help_text="The scheme or theme lead.")
    enabler = models.BooleanField(default=False)
    start_date = models.DateField(null=True, blank=True)
    description = models.TextField(
        blank=True, help_text="Overview of the scheme: the model of care and support."
    )
    # The detailed scheme description (seed 003; bettercare.core.scheme_description).
    strategic_objective = models.TextField(
        blank=True, help_text="What the scheme is for: its link to the vision and case for change."
    )
    target_cohorts = models.TextField(
        blank=True, help_text="The patient cohorts the scheme targets, one a line."
    )
    evidence_base = models.TextField(
        blank=True, help_text="The evidence drawn on for its design and its assumed impact."
    )
    outcomes = models.TextField(
        blank=True, help_text="Anticipated outcomes beyond the headline metrics it affects."
    )
    success_factors = models.TextField(
        blank=True, help_text="The key success factors for implementation, one a line."
    )
    metrics = models.ManyToManyField(
        "performance.Metric",
        blank=True,
        related_name="schemes",
        help_text="The metrics the scheme is expected to affect.",
    )
    lead_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_schemes",
        help_text="People who complete this scheme's monthly return.",
    )
    history = HistoricalRecords(m2m_fields=[metrics])

    class Meta:
        ordering = ["area", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ref"], name="unique_scheme_ref_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.name}"


class SchemeDeliveryPartner(models.Model):
    """An organisation in a scheme's delivery chain: commissioner, provider or partner."""

    class Role(models.TextChoices):
        COMMISSIONER = "commissioner", DELIVERY_ROLES["commissioner"]
        PROVIDER = "provider", DELIVERY_ROLES["provider"]
        PARTNER = "partner", DELIVERY_ROLES["partner"]

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="delivery_chain")
    organisation = models.CharField(max_length=300)
    role = models.CharField(max_length=12, choices=Role.choices)
    responsibility = models.TextField(blank=True, help_text="What it does in the scheme.")
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "organisation", "role"], name="one_delivery_role_per_organisation"
            ),
            models.CheckConstraint(
                condition=~models.Q(organisation=""), name="delivery_partner_has_organisation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class SchemeInvestment(models.Model):
    """The investment a scheme's description says it needs in a financial year."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="investments")
    financial_year = FinancialYearField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(0)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "financial_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "financial_year"], name="one_investment_per_scheme_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.financial_year}: {self.amount}"


class SchemeKpi(models.Model):
    """A local KPI of a scheme: its level, target and unit, and its reporting cadence."""

    class Level(models.TextChoices):
        PRACTICE = "practice", KPI_LEVELS["practice"]
        LOCALITY = "locality", KPI_LEVELS["locality"]
        AREA = "area", KPI_LEVELS["area"]

    class Cadence(models.TextChoices):
        WEEKLY = "weekly", CADENCES["weekly"]
        BIWEEKLY = "biweekly", CADENCES["biweekly"]
        MONTHLY = "monthly", CADENCES["monthly"]
        QUARTERLY = "quarterly", CADENCES["quarterly"]

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=300)
    level = models.CharField(max_length=8, choices=Level.choices)
    target = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    unit = models.CharField(max_length=60, blank=True, help_text="e.g. %, referrals, days.")
    cadence = models.CharField(max_length=9, choices=Cadence.choices)
    reported_to = models.CharField(
        max_length=300, blank=True, help_text="Who it is reported to (the feedback loop)."
    )
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "position", "id"]
        verbose_name = "scheme KPI"
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "name", "level"], name="one_kpi_per_scheme_name_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.level})"


class Milestone(Versioned):
    """A programme or scheme milestone with its baseline and revised dates."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="milestones")
    ref = models.CharField(max_length=20)
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="milestones"
    )
    title = models.CharField(max_length=300)
    baseline_date = models.DateField()
    revised_date = models.DateField(null=True, blank=True)
    completed_date = models.DateField(null=True, blank=True)
    comments = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "baseline_date", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ref"], name="unique_milestone_ref_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"

    def slippage_days(self, as_at: date) -> int:
        from bettercare.core.rag import milestone_slippage_days

        return milestone_slippage_days(
            self.baseline_date,
            revised=self.revised_date,
            completed=self.completed_date,
            as_at=as_at,
        )

    def in_report(self, month: Month) -> bool:
        """Whether a report for ``month`` lists it (core's rule: the plan year in force)."""
        return milestone_in_report(self.baseline_date, completed=self.completed_date, month=month)

    def status_at(self, as_at: date) -> MilestoneStatus:
        """The milestone's status at ``as_at``: complete, or G, A or R by its slippage."""
        return milestone_status(
            self.slippage_days(as_at),
            completed=self.completed_date is not None and self.completed_date <= as_at,
        )


class Risk(Versioned):
    """An entry in the programme risk register: scored on the 5x5 matrix, rated by the plan
    (High, Medium or Low), both or neither."""

    class Rating(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="risks")
    ref = models.CharField(max_length=20)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    mitigation = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True)
    likelihood = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    impact = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    previous_score = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(25)]
    )
    rating = models.CharField(
        max_length=6,
        choices=Rating.choices,
        blank=True,
        default="",
        help_text="The plan's own rating of the risk, kept beside (never turned into) a score.",
    )
    scheme = models.ForeignKey(
        Scheme, null=True, blank=True, on_delete=models.PROTECT, related_name="risks"
    )
    as_at = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["area", "ref"], name="unique_risk_ref_per_area"),
            models.CheckConstraint(
                condition=models.Q(likelihood__isnull=True)
                | models.Q(likelihood__gte=1, likelihood__lte=5),
                name="risk_likelihood_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__isnull=True) | models.Q(impact__gte=1, impact__lte=5),
                name="risk_impact_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=["", *RISK_RATINGS]),
                name="risk_rating_high_medium_low",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref}: {self.title}"

    @property
    def score(self) -> int | None:
        if self.likelihood is None or self.impact is None:
            return None
        return self.likelihood * self.impact


class SchemeStatus(Versioned):
    """A scheme's monthly RAG status on one dimension, with its commentary."""

    class Dimension(models.TextChoices):
        SAVINGS = "savings", DIMENSION_LABELS["savings"]
        MILESTONES = "milestones", DIMENSION_LABELS["milestones"]
        FINANCE = "finance", DIMENSION_LABELS["finance"]
        METRICS = "metrics", DIMENSION_LABELS["metrics"]

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="scheme_statuses"
    )
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="statuses")
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    status = models.CharField(max_length=2, choices=Status.choices)
    commentary = models.TextField(blank=True, help_text="Exception or headline commentary.")
    additional_information = models.TextField(blank=True)
    start_date = models.DateField(
        null=True, blank=True, help_text="For a scheme not yet due to start: when it will."
    )
    forecast_outturn = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Finance: the scheme's forecast outturn for the year, behind its status.",
    )
    savings_achieved = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Savings: the savings achieved to date, behind its status.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "scheme", "dimension"]
        verbose_name_plural = "scheme statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "scheme", "dimension"], name="one_status_per_scheme_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme.ref} {self.dimension} {self.status}"


class ProgrammeStatus(Versioned):
    """The overall programme status for a period on plan, benefits or budget."""

    class Dimension(models.TextChoices):
        PLAN = "plan", PROGRAMME_DIMENSION_LABELS["plan"]
        BENEFITS = "benefits", PROGRAMME_DIMENSION_LABELS["benefits"]
        BUDGET = "budget", PROGRAMME_DIMENSION_LABELS["budget"]

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="programme_statuses"
    )
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    status = models.CharField(
        max_length=2,
        choices=[(s.value, s.label) for s in (Status.GREEN, Status.AMBER, Status.RED)],
    )
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "dimension"]
        verbose_name_plural = "programme statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "dimension"], name="one_programme_status_per_dimension"
            )
        ]


class Achievement(models.Model):
    """A key achievement or success reported for a period."""

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="achievements"
    )
    text = models.TextField()
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class PlannedActivity(models.Model):
    """A key activity planned over the next three months, as the programme manager writes it
    for the period's highlight report, in one of the seed's groups (ADR 0111)."""

    class Group(models.TextChoices):
        PROGRAMME = "programme", ACTIVITY_GROUP_LABELS["programme"]
        SCHEMES = "schemes", ACTIVITY_GROUP_LABELS["schemes"]
        ENABLERS = "enablers", ACTIVITY_GROUP_LABELS["enablers"]

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="planned_activities"
    )
    group = models.CharField(max_length=10, choices=Group.choices)
    text = models.CharField(max_length=MAX_ACTIVITY_LENGTH)  # one line of the report
    #: The first day of the one of the three months after the period the activity falls in;
    #: None: during the three months (ADR 0133).
    month = models.DateField(null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["period", "group", "position", "id"]
        verbose_name_plural = "planned activities"
        constraints = [
            models.UniqueConstraint(
                fields=["period", "group", "text"], name="one_planned_activity_per_text"
            ),
            models.CheckConstraint(
                condition=models.Q(group__in=list(ACTIVITY_GROUP_LABELS)),
                name="planned_activity_group_known",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class DataVersion(models.Model):
    """The shared data version: one row counting changes that are in no one area (the metric
    registry, the area tree, memberships); every cached page keys on it (see ``versioning``)."""

    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.number}"


class AreaVersion(models.Model):
    """One row per area counting changes to that area's data (see ``versioning``).

    Kept apart from :class:`Area` so that moving it on neither locks the area's own row nor
    writes the area's history. No foreign key constraint in the database: deleting an area
    deletes the rows below it, whose signals move its version on (making its row again if it
    went first); a row left behind for a deleted area is harmless (keys are not reused).
    """

    area = models.OneToOneField(
        Area,
        primary_key=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="data_version",
    )
    number = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.number} of area {self.area_id}"
