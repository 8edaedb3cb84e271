"""Writes to performance: each takes the acting user (``by=``), runs in one transaction and
leaves its own entry in the history."""

from __future__ import annotations

from django.db import transaction

from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricCommentary
from bettercare.web.programmes.actions import ActionError, StaleEditError, _record
from bettercare.web.programmes.models import Area

#: The longest commentary kept: a paragraph or two, as in the seed dashboard's column.
COMMENTARY_MAX = 4000


@transaction.atomic
def metric_commentary_save(
    *,
    area: Area,
    metric: Metric,
    month: Month,
    commentary: str,
    seen_version: int,
    by: User | None,
) -> MetricCommentary:
    """Set (or, with blank text, clear) a metric's commentary for an area and month.

    ``seen_version`` is the version the person started from (0 where there was none); if
    anyone has saved since, nothing is saved and :class:`StaleEditError` says who and when.
    """
    text = commentary.strip()
    if len(text) > COMMENTARY_MAX:
        raise ActionError(
            f"The commentary is {len(text):,} characters: keep it to {COMMENTARY_MAX:,}."
        )
    row = (
        MetricCommentary.objects.select_for_update()
        .filter(area=area, metric=metric, month=month.first_day)
        .first()
    )
    if (row.version if row else 0) != seen_version:
        raise StaleEditError.since(
            row, "This commentary", "Theirs is shown below: check it and save again."
        )
    if row is None:
        row = MetricCommentary(area=area, metric=metric, month=month.first_day, version=0)
    elif row.commentary == text:
        return row
    row.commentary = text
    row.version += 1
    _record(row, by, f"{month.label} commentary on {metric.code}")
    row.save()
    return row
