"""API tokens expire and are revoked by someone at some moment (ADR 0101).

Tokens made before this migration get 90 days from now (not from their creation, so that no
script stops working the moment this is deployed); a token revoked before it keeps its
revocation, dated now, by nobody known.
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
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
    dependencies = [
        ("accounts", "0003_apitoken_history"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(
                help_text="The API refuses the token from this moment.", null=True
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="historicalapitoken",
            name="expires_at",
            field=models.DateTimeField(
                help_text="The API refuses the token from this moment.", null=True
            ),
        ),
        migrations.AddField(
            model_name="historicalapitoken",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalapitoken",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
