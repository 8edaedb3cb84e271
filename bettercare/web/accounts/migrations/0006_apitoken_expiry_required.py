"""Every API token has an expiry; the revoked flag gives way to revoked_at (ADR 0101).

Separate from 0005 so the schema changes run after its data migration is committed.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_apitoken_expiry_filled")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(help_text="The API refuses the token from this moment."),
        ),
        migrations.AlterField(
            model_name="historicalapitoken",
            name="expires_at",
            field=models.DateTimeField(help_text="The API refuses the token from this moment."),
        ),
        migrations.RemoveField(model_name="apitoken", name="revoked"),
        migrations.RemoveField(model_name="historicalapitoken", name="revoked"),
    ]
