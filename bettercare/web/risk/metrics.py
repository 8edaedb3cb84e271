"""Risk stratification aggregates that feed the metrics: the top 2% with a care plan.

``risk_top2_care_plan_share`` is a local metric (a proportion, per 100, higher is better,
monthly) defined here and written by ``bettercare risk load`` and by every change of a
practice's intervention markers, so it shows on an area's metrics pages with its Wilson
interval and SPC chart like any metric (ADR 0114).

For each health and wellbeing board with practices in a refresh, for the month of the
refresh's index date: the denominator is the number of the refresh's top 2% registered at
the board's practices, the numerator those of them whose practice has marked a care plan
completed. A practice counts towards the board its ``area`` is (practices with no area, or an
area that is not a board, feed no metric). The counts are disclosed by
:func:`bettercare.core.disclosure.disclosed_pair`, the rule of the aggregates page: when
either count is from 1 to 7 the value is withheld (stored without numerator, denominator or
value, with a note saying so); otherwise both are rounded to the nearest 5.

Values are written through the one bulk writer with their provenance (``risk refresh DATE
MODEL sha256=...``); an actual value of the same metric that came from elsewhere (a
workbook) is kept. Markers are the practice's current ones, so a marker change rewrites the
value of the latest refresh only; earlier months keep the share as it was when they were
written.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q

from bettercare.core.disclosure import LARGEST_WITHHELD, disclosed_pair
from bettercare.core.periods import Month
from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.bulk import Upserted, upsert
from bettercare.web.programmes.models import Area
from bettercare.web.risk.models import InterventionStatus, PatientScore, Refresh

__all__ = ["CARE_PLAN_SHARE", "SOURCE_PREFIX", "care_plan_counts", "care_plan_share_write"]

CARE_PLAN_SHARE = "risk_top2_care_plan_share"
SOURCE_PREFIX = "risk refresh "
DEFINITION: dict[str, Any] = {
    "code": CARE_PLAN_SHARE,
    "name": "Share of the top 2% highest-risk patients with a completed care plan",
    "unit": Metric.Unit.PROPORTION.value,
    "multiplier": 100,
    "polarity": Metric.Polarity.HIGHER.value,
    "frequency": Metric.Frequency.MONTH.value,
    "description": (
        "From the monthly risk stratification (bettercare risk load) and the care plan "
        "markers the practices keep. Counts from 1 to 7 are withheld; others are rounded to "
        "the nearest 5."
    ),
    "numerator_definition": (
        "Patients in the top 2% of the refresh whose practice has marked a care plan completed"
    ),
    "denominator_definition": (
        "Patients in the top 2% of the refresh registered at the board's practices"
    ),
    "source": "bettercare risk stratification: scores and practice markers",
    "is_national": False,
    "defined_by": "bettercare risk stratification (ADR 0114)",
}


def _metric(by: User | None, reason: str) -> Metric:
    done = upsert(
        Metric,
        ("code",),
        [DEFINITION],
        existing=Metric.objects.filter(code=CARE_PLAN_SHARE),
        by=by,
        reason=reason,
    )
    return Metric.objects.get(pk=done.ids[(CARE_PLAN_SHARE,)])


def care_plan_counts(
    refresh: Refresh, *, area_ids: Iterable[int] | None = None
) -> dict[int, tuple[int, int]]:
    """(top 2% with a care plan, top 2%) of the refresh, by board (area id), undisclosed."""
    top = PatientScore.objects.filter(
        refresh=refresh, segment="top_2", practice__area__type=Area.Type.HWB
    )
    if area_ids is not None:
        top = top.filter(practice__area_id__in=list(area_ids))
    planned = InterventionStatus.objects.filter(care_plan_completed=True).values("pseudonym")
    return {
        row["practice__area_id"]: (row["planned"], row["patients"])
        for row in top.values("practice__area_id").annotate(
            patients=Count("id"),
            planned=Count("id", filter=Q(pseudonym__in=planned)),
        )
    }


def _source(refresh: Refresh) -> str:
    text = f"{SOURCE_PREFIX}{refresh.index_date.isoformat()} {refresh.model_id} sha256={refresh.sha256[:16]}"
    return text[:300]


def care_plan_share_write(
    refresh: Refresh,
    *,
    by: User | None,
    reason: str,
    area_ids: Iterable[int] | None = None,
) -> Upserted:
    """Write the refresh's care-plan share for every board (or those of ``area_ids``)."""
    counts = care_plan_counts(refresh, area_ids=area_ids)
    if not counts:
        return Upserted()
    metric = _metric(by, reason)
    month = Month.of(refresh.index_date)
    rows = []
    for area_id, (planned, patients) in sorted(counts.items()):
        shown = disclosed_pair(planned, patients)
        withheld = f"Withheld: a count from 1 to {LARGEST_WITHHELD}."
        rows.append(
            {
                "area_id": area_id,
                "metric_id": metric.pk,
                "period_start": month.first_day,
                "period_end": month.last_day,
                "kind": MetricValue.Kind.ACTUAL.value,
                "numerator": None if shown is None else float(shown[0]),
                "denominator": None if shown is None else float(shown[1]),
                "value": None,
                "note": withheld if shown is None else "",
                "warnings": [withheld] if shown is None else [],
                "source": _source(refresh),
            }
        )
    written = upsert(
        MetricValue,
        ("area_id", "metric_id", "period_start", "period_end", "kind"),
        rows,
        existing=MetricValue.objects.filter(
            area_id__in=list(counts), metric=metric, kind=MetricValue.Kind.ACTUAL
        ),
        by=by,
        reason=reason,
        provenance=("source",),
        # An actual value that did not come from a refresh (a workbook's) is kept.
        keep=lambda stored: not str(stored["source"]).startswith(SOURCE_PREFIX),
    )
    if written.written:  # the bulk writer moved the areas' data versions on
        from bettercare.web.alerts.engine import after_data_change

        after_data_change(counts)  # once committed; never fails
    return written
