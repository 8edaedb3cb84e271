"""A data version per area beside the shared one (ADR 0102).

Existing areas get their row (at 0); the shared row is made if it is missing. Caches keyed
on the old single version are simply not found again under the new keys.
"""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models


def create_versions(apps: Any, schema_editor: Any) -> None:
    area = apps.get_model("programmes", "Area")
    area_version = apps.get_model("programmes", "AreaVersion")
    data_version = apps.get_model("programmes", "DataVersion")
    data_version.objects.get_or_create(pk=1)
    area_version.objects.bulk_create(
        [area_version(area_id=pk, number=0) for pk in area.objects.values_list("pk", flat=True)]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0006_area_validity"),
    ]

    operations = [
        migrations.CreateModel(
            name="AreaVersion",
            fields=[
                (
                    "area",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="data_version",
                        serialize=False,
                        to="programmes.area",
                    ),
                ),
                ("number", models.PositiveBigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_versions, migrations.RunPython.noop),
    ]
