"""Keeping the database's national metrics in step with the reviewed registry files."""

from __future__ import annotations

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from bettercare.registry import MetricDefinition, load_registry
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric


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
    """Create or update the national metrics from the registry; return (created, updated)."""
    registry = load_registry()
    existing = {m.code: m for m in Metric.objects.filter(code__in=registry)}
    reason = "metric registry"
    creating = [
        Metric(code=code, **_fields(d))  # type: ignore[arg-type]
        for code, d in registry.items()
        if code not in existing
    ]
    if creating:
        bulk_create_with_history(creating, Metric, default_user=by, default_change_reason=reason)
    updating = []
    for code, definition in registry.items():
        metric = existing.get(code)
        if metric is None:
            continue
        changes = {k: v for k, v in _fields(definition).items() if getattr(metric, k) != v}
        if changes:
            for name, value in changes.items():
                setattr(metric, name, value)
            updating.append(metric)
    metrics = {m.code: m for m in Metric.objects.filter(code__in=registry)}
    linked = []
    for code, definition in registry.items():
        metric = metrics[code]
        parent = metrics[definition.parent].pk if definition.parent else None
        replaces = metrics[definition.replaces].pk if definition.replaces else None
        if (metric.parent_id, metric.replaces_id) != (parent, replaces):
            metric.parent_id, metric.replaces_id = parent, replaces
            linked.append(metric)
    changed = {m.pk: m for m in updating + linked}
    if changed:
        fields = [*_fields(next(iter(registry.values()))).keys(), "parent", "replaces"]
        bulk_update_with_history(
            list(changed.values()),
            Metric,
            fields=fields,
            default_user=by,
            default_change_reason=reason,
        )
    return len(creating), len(updating)
