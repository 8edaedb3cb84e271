"""One number that changes whenever any programme data changes, for caching what is derived.

Pages cache their statistics and report models under this number. Saving or deleting any
bettercare row moves it on (a signal); bulk writes (imports, the pipeline) move it on
themselves with :func:`data_changed`. Every server process reads it from the database, so a
change made through one process is seen by all.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from bettercare.web.programmes.models import DataVersion

APPS = ("accounts", "programmes", "finance", "performance", "assurance")


def data_changed() -> None:
    """Move the version on (in the current transaction, so a rollback undoes it too)."""
    with transaction.atomic():
        updated = DataVersion.objects.filter(pk=1).update(number=models.F("number") + 1)
        if not updated:
            DataVersion.objects.get_or_create(pk=1)
            DataVersion.objects.filter(pk=1).update(number=models.F("number") + 1)


def data_version() -> int:
    """The current version (0 before anything has changed)."""
    return DataVersion.objects.filter(pk=1).values_list("number", flat=True).first() or 0


def _changed(sender: Any, **kwargs: Any) -> None:
    if sender is DataVersion or sender.__name__.startswith("Historical"):
        return
    data_changed()


def connect() -> None:
    """Listen to every bettercare model's saves, deletes and many-to-many changes."""
    for config in APPS:
        for model in apps.get_app_config(config).get_models():
            if model is DataVersion or model.__name__.startswith("Historical"):
                continue
            post_save.connect(
                _changed, sender=model, dispatch_uid=f"data-version-{model._meta.label}"
            )
            post_delete.connect(
                _changed, sender=model, dispatch_uid=f"data-version-del-{model._meta.label}"
            )
    for field in apps.get_model("programmes", "Scheme")._meta.many_to_many:  # metrics, leads
        m2m_changed.connect(
            _changed,
            sender=field.remote_field.through,
            dispatch_uid=f"data-version-m2m-{field.name}",
        )
