"""People, their roles in areas, and personal API tokens."""

from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who uses bettercare."""

    history = HistoricalRecords()


class Role(models.TextChoices):
    PROGRAMME_MANAGER = "programme_manager", "Programme manager"
    SCHEME_LEAD = "scheme_lead", "Scheme or theme lead"
    FINANCE_LEAD = "finance_lead", "Finance lead"
    VIEWER = "viewer", "Viewer"
    REGIONAL_LEAD = "regional_lead", "Regional assurance lead"

    @property
    def sees_patient_level_data(self) -> bool:
        """Whether the role can see patient-level data (and so must sign in with two factors)."""
        return self.value in PATIENT_LEVEL_ROLES


#: The roles that can see patient-level data: a role added for such data lists its value
#: here, and from then on its holders must sign in with a second factor (as administrators
#: must). ``BETTERCARE_TWO_FACTOR_ROLES`` adds roles without a code change.
PATIENT_LEVEL_ROLES: frozenset[str] = frozenset()


class Membership(models.Model):
    """A user's role in an area (and, through the area hierarchy, in the areas below it)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey(
        "programmes.Area", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "area", "role"], name="one_role_per_area")
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.get_role_display()} - {self.area}"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self, now: datetime) -> ApiTokenQuerySet:
        """The tokens that authenticate at ``now``: neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A personal API token; only its SHA-256 hash is stored.

    A token expires (``expires_at``, set when it is created) and may be revoked earlier
    (``revoked_at``, ``revoked_by``); either way the API refuses it from then on. Tokens are
    never deleted, so who had one and until when stays on record.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(
        max_length=8, help_text="The token's first characters, to tell tokens apart."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(help_text="The API refuses the token from this moment.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who created or revoked a token, and when; not each use (last_used_at).
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} token {self.prefix}… ({self.name or 'unnamed'})"

    def is_usable(self, now: datetime) -> bool:
        """Whether the token authenticates at ``now`` (not revoked, not expired)."""
        return self.revoked_at is None and self.expires_at > now

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()
