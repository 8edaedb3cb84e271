"""Tokens made before expiry existed get 90 days from now (not from their creation, so that
no script stops working the moment this is deployed); a token revoked before keeps its
revocation, dated now, by nobody known (ADR 0101)."""

from datetime import timedelta

from django.db import migrations
from django.utils import timezone

GRACE = timedelta(days=90)


def forwards(apps, schema_editor):
    now = timezone.now()
    for name in ("ApiToken", "HistoricalApiToken"):
        model = apps.get_model("accounts", name)
        model.objects.filter(expires_at__isnull=True).update(expires_at=now + GRACE)
        model.objects.filter(revoked=True).update(revoked_at=now)


def backwards(apps, schema_editor):
    for name in ("ApiToken", "HistoricalApiToken"):
        model = apps.get_model("accounts", name)
        model.objects.filter(revoked_at__isnull=False).update(revoked=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_apitoken_expiry_revocation")]

    operations = [migrations.RunPython(forwards, backwards)]
