"""Keeping the database's national metrics in step with the reviewed registry files."""

from __future__ import annotations

from django.db import transaction

from bettercare.registry import MetricDefinition, load_registry
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.bulk import upsert


def _fields(definition: MetricDefinition) -> dict[str, object]:
    return {
        "name": definition.name,
        "unit": definition.unit,
        "multiplier": definition.multiplier,
        "polarity": definition.polarity,
        "frequency": definition.frequency,
        "description": definition.description,
        "numerator_definition": definition.numerator,
        "denominator_definition": definition.denominator,
        "source": definition.source,
        "applies_from": str(definition.applies_from),
        "applies_to": "" if definition.applies_to is None else str(definition.applies_to),
        "is_national": True,
        "defined_by": definition.defined_by,
        "reviewed_on": definition.reviewed_on,
    }


@transaction.atomic
def sync_registry(*, by: User | None = None) -> tuple[int, int]:
    """Create or update the national metrics from the registry; return (created, updated).

    Two passes of the bulk writer: the definitions, then the links between metrics (a parent
    or a replaced metric may be new in the same sync). A change of links alone is not counted
    as an update of the definition.
    """
    registry = load_registry()
    reason = "metric registry"
    defined = upsert(
        Metric,
        ("code",),
        [{"code": code, **_fields(definition)} for code, definition in registry.items()],
        existing=Metric.objects.filter(code__in=registry),
        by=by,
        reason=reason,
    )
    ids = defined.ids
    upsert(
        Metric,
        ("code",),
        [
            {
                "code": code,
                "parent_id": ids[(definition.parent,)] if definition.parent else None,
                "replaces_id": ids[(definition.replaces,)] if definition.replaces else None,
            }
            for code, definition in registry.items()
        ],
        existing=Metric.objects.filter(code__in=registry),
        by=by,
        reason=reason,
    )
    return defined.created, defined.updated
