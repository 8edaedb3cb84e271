"""Regional assurance: each area's rating against each criterion of an assessment round."""

from __future__ import annotations

from django.db import models
from simple_history.models import HistoricalRecords

from bettercare.core.status import STATUS_LABELS
from bettercare.web.programmes.fields import Versioned


class AssuranceRating(Versioned):
    """An area's G/A/R (or Y/N) rating on one criterion of an assurance round; the headline
    questions (``bettercare.core.assurance.HEADLINE_CRITERIA``) are criteria answered Y or N."""

    class Rating(models.TextChoices):
        GREEN = "G", STATUS_LABELS["G"]
        AMBER = "A", STATUS_LABELS["A"]
        RED = "R", STATUS_LABELS["R"]
        YES = "Y", "Yes"
        NO = "N", "No"

    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="assurance_ratings"
    )
    round = models.CharField(max_length=60, help_text="The assessment round, e.g. '2017-18 Q2'.")
    criterion = models.CharField(max_length=300)
    status = models.CharField(max_length=1, choices=Rating.choices)
    comment = models.TextField(blank=True)
    qualified = models.BooleanField(
        default=False, help_text="A qualified answer, written Y* or N*: its footnote says how."
    )
    footnote = models.TextField(blank=True, help_text="The qualification of a qualified answer.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "area", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "round", "criterion"], name="one_rating_per_area_criterion"
            )
        ]
