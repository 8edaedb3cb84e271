"""Risk stratification in the database: practices, monthly refreshes, scores and markers.

Scores are stored against a keyed pseudonym of the patient identifier (HMAC-SHA256); the
practice's own identifiers are kept apart in :class:`PatientIdentifier` and read only by the
practice-scoped queries (ADR 0042). Practice staff are tied to exactly one practice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class Practice(models.Model):
    """A GP practice, optionally in an area (for area and ICB aggregates)."""

    code = models.CharField(max_length=10, unique=True)
    name = models.CharField(max_length=200)
    area = models.ForeignKey(
        "programmes.Area",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class PracticeStaff(models.Model):
    """A user who works at one GP practice: the only people who see its patients."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_staff"
    )
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="staff")
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} at {self.practice}"


class Refresh(models.Model):
    """One monthly scoring run loaded from a scores file, with its provenance."""

    index_date = models.DateField()
    model_id = models.CharField(max_length=100)
    model = models.JSONField(help_text="The model's summary: what it predicts, terms, performance.")
    engine = models.CharField(max_length=20)
    source = models.CharField(max_length=500, help_text="The scores file loaded.")
    sha256 = models.CharField(max_length=64, unique=True)
    patients = models.PositiveIntegerField()
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["index_date", "model_id"], name="one_refresh_per_model_and_date"
            )
        ]
        get_latest_by = "index_date"

    def __str__(self) -> str:
        return f"risk refresh {self.index_date} ({self.model_id})"


class PatientScore(models.Model):
    """A patient's scores, band, segment and cohorts in one refresh (pseudonymised)."""

    refresh = models.ForeignKey(Refresh, on_delete=models.CASCADE, related_name="scores")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="scores")
    pseudonym = models.CharField(max_length=64)
    p_emergency_admission = models.FloatField()
    p_high_cost = models.FloatField()
    risk_band = models.PositiveSmallIntegerField()
    segment = models.CharField(max_length=10)
    cohort_1 = models.BooleanField()
    cohort_2 = models.BooleanField()
    cohort_3 = models.BooleanField()
    cohort_4 = models.BooleanField()
    cohort_5 = models.BooleanField()
    complex_diabetes = models.BooleanField()
    polypharmacy = models.BooleanField()
    care_home = models.BooleanField()
    over_75_high_risk = models.BooleanField()
    age = models.PositiveSmallIntegerField()
    sex = models.CharField(max_length=1)
    ltc_count = models.PositiveSmallIntegerField()
    conditions = models.CharField(max_length=400, blank=True, help_text="';name;name;'")
    emergency_admission_observed = models.BooleanField(
        null=True,
        blank=True,
        help_text="Admitted in the 12 months after the index date (a past refresh only).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["refresh", "pseudonym"], name="one_score_per_refresh")
        ]
        indexes = [models.Index(fields=["refresh", "practice", "risk_band"])]

    def __str__(self) -> str:
        return f"risk score {self.pseudonym[:8]}… band {self.risk_band}"


class PatientIdentifier(models.Model):
    """The practice's own identifier of a pseudonymised patient (kept apart from scores)."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="identifiers")
    pseudonym = models.CharField(max_length=64, unique=True)
    patient_id = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"identifier of {self.pseudonym[:8]}… at {self.practice_id}"


class InterventionStatus(models.Model):
    """The markers a practice keeps for a patient: care plan, target group, review due."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="statuses")
    pseudonym = models.CharField(max_length=64, unique=True)
    care_plan_completed = models.BooleanField(default=False)
    target_group_member = models.BooleanField(default=False)
    care_plan_review_due = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"markers of {self.pseudonym[:8]}…"
