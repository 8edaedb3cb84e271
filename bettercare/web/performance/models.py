"""Metrics (the national registry and local ones) and their values per area and period.

Only what was measured or agreed is stored: numerators, denominators and published values.
Intervals, comparisons and RAG are computed by ``bettercare.core`` whenever they are shown.
"""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.core.indicators import Bands
from bettercare.core.summary import MetricSpec, Observation
from bettercare.web.programmes.fields import Versioned


class Metric(models.Model):
    """A metric definition: national (from the registry) or local to a programme."""

    class Unit(models.TextChoices):
        RATE = "rate", "Rate"
        PROPORTION = "proportion", "Proportion"
        COUNT = "count", "Count"
        DSR = "dsr", "Directly standardised rate"
        MEAN = "mean", "Mean"

    class Polarity(models.TextChoices):
        LOWER = "lower_is_better", "Lower is better"
        HIGHER = "higher_is_better", "Higher is better"

    class Frequency(models.TextChoices):
        MONTH = "month", "Monthly"
        QUARTER = "quarter", "Quarterly"
        YEAR = "year", "Yearly"

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=300)
    unit = models.CharField(max_length=10, choices=Unit.choices)
    multiplier = models.PositiveIntegerField(default=1)
    polarity = models.CharField(max_length=16, choices=Polarity.choices)
    frequency = models.CharField(max_length=7, choices=Frequency.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="parts"
    )
    description = models.TextField(blank=True)
    numerator_definition = models.TextField(blank=True)
    denominator_definition = models.TextField(blank=True)
    source = models.TextField(blank=True)
    applies_from = models.CharField(max_length=7, blank=True)
    applies_to = models.CharField(max_length=7, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    is_national = models.BooleanField(default=False)
    defined_by = models.CharField(max_length=300, blank=True)
    reviewed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.name}"

    @property
    def spec(self) -> MetricSpec:
        return MetricSpec(
            code=self.code,
            name=self.name,
            unit=self.unit,  # type: ignore[arg-type]  # the column's choices are core's Literal values
            multiplier=float(self.multiplier),
            polarity=self.polarity,  # type: ignore[arg-type]  # the column's choices are core's Literal values
            frequency=self.frequency,  # type: ignore[arg-type]  # the column's choices are core's Literal values
        )


class MetricValue(Versioned):
    """A baseline, target, actual or forecast of a metric for an area and period."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", "Baseline"
        TARGET = "target", "Target"
        ACTUAL = "actual", "Actual"
        FORECAST = "forecast", "Forecast"

    # The unique constraint's index, which leads with the area, serves every read by area:
    # no index of the area alone (ADR 0131). On PostgreSQL the area and metric are checked by
    # triggers a statement at a time rather than by foreign keys a row at a time (migration
    # 0008, ADR 0141): the same guarantee, a fraction of an import's time.
    area = models.ForeignKey(
        "programmes.Area",
        on_delete=models.CASCADE,
        related_name="metric_values",
        db_index=False,
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="values")
    period_start = models.DateField()
    period_end = models.DateField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True, help_text="The published value, if any.")
    note = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the figures came from (file, pipeline run)."
    )
    warnings = models.JSONField(default=list, blank=True)
    bands = models.JSONField(
        null=True,
        blank=True,
        help_text="Per-band counts and populations for a directly standardised rate.",
    )
    sum_of_squares = models.FloatField(
        null=True,
        blank=True,
        help_text="For a mean: the sum of the squared record-level values (for its interval).",
    )
    # Nothing reads the history by metric (the audit pages read it by area, user, date and
    # row): no index of the metric there (ADR 0131). Its user, like every other reference of
    # a history row, is not a database constraint: PostgreSQL would check it row by row when
    # an import commits (ADR 0136).
    history = HistoricalRecords(no_db_index=["metric"], user_db_constraint=False)

    class Meta:
        ordering = ["area", "metric", "kind", "period_start", "period_end"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "metric", "period_start", "period_end", "kind"],
                name="one_value_per_area_metric_period_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="metric_value_period_ends_after_start",
            ),
        ]

    def observation(self) -> Observation:
        bands = None
        if self.bands:
            bands = Bands(
                counts=self.bands["counts"],
                populations=self.bands["populations"],
                **(
                    {"standard_population": self.bands["standard_population"]}
                    if "standard_population" in self.bands
                    else {}
                ),
            )
        return Observation(
            period_start=self.period_start,
            period_end=self.period_end,
            numerator=self.numerator,
            denominator=self.denominator,
            value=self.value,
            bands=bands,
            warnings=tuple(self.warnings or ()),
            source=self.source,
            sum_of_squares=self.sum_of_squares,
        )


class MetricCommentary(Versioned):
    """What the metric's owner or the programme manager says about a metric in a month.

    Entered with the monthly return (seed 000's commentary column); shown on the dashboard,
    the metric page, the highlight report and the packs, and in the metrics contract.
    """

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="metric_commentaries"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="commentaries")
    month = models.DateField(help_text="The first day of the reporting month.")
    commentary = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "metric", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "metric", "month"], name="one_commentary_per_area_metric_month"
            ),
        ]


class MetricRebase(Versioned):
    """A known change after which a metric's SPC chart takes a new mean and limits (ADR 0095).

    Recorded by an analyst with its reason (a change of definition, a new service); the
    chart's new period starts at the first monthly value in or after ``month``.
    """

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="metric_rebases"
    )
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="rebases")
    month = models.DateField(help_text="The first day of the first month of the new period.")
    reason = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["area", "metric", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "metric", "month"], name="one_rebase_per_area_metric_month"
            ),
        ]
