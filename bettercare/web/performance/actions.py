"""Writes to performance: each takes the acting user (``by=``), runs in one transaction and
leaves its own entry in the history."""

from __future__ import annotations

from django.db import transaction

from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase
from bettercare.web.performance.queries import rebase_months
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


#: The longest reason kept for a rebase: a sentence or two naming the change.
REBASE_REASON_MAX = 1000


@transaction.atomic
def metric_rebase_add(
    *, area: Area, metric: Metric, month: Month, reason: str, by: User | None
) -> MetricRebase:
    """Record that the metric's SPC chart for the area takes a new mean and limits from
    ``month``, for ``reason`` (ADR 0095).

    Refused with one line: an empty reason, a month outside the metric's monthly data (before
    its second value or after its last), or a month already recorded.
    """
    text = reason.strip()
    if not text:
        raise ActionError(
            f"Give the reason for rebasing {metric.code} from {month.label}: "
            "the change that explains a new mean and limits."
        )
    if len(text) > REBASE_REASON_MAX:
        raise ActionError(
            f"The reason is {len(text):,} characters: keep it to {REBASE_REASON_MAX:,}."
        )
    months = rebase_months(area, metric)
    if not months:
        raise ActionError(
            f"{metric.code} has fewer than two monthly values for {area.name}: "
            "there is nothing to rebase."
        )
    if not months[0] <= month <= months[-1]:
        raise ActionError(
            f"{month.label} is outside the monthly data of {metric.code} for {area.name}: "
            f"a rebase must fall from {months[0].label} to {months[-1].label}."
        )
    if MetricRebase.objects.filter(area=area, metric=metric, month=month.first_day).exists():
        raise ActionError(f"{metric.code} is already rebased from {month.label} for {area.name}.")
    row = MetricRebase(area=area, metric=metric, month=month.first_day, reason=text)
    _record(row, by, f"rebased {metric.code} from {month.label}")
    row.save()
    return row


@transaction.atomic
def metric_rebase_remove(*, area: Area, metric: Metric, month: Month, by: User | None) -> None:
    """Remove the rebase of the metric from ``month`` (kept in the history)."""
    row = (
        MetricRebase.objects.select_for_update()
        .filter(area=area, metric=metric, month=month.first_day)
        .first()
    )
    if row is None:
        raise ActionError(
            f"{metric.code} has no rebase from {month.label} for {area.name} to remove."
        )
    _record(row, by, f"removed the rebase of {metric.code} from {month.label}")
    row.delete()
