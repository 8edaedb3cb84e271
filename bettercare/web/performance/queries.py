"""Reads of metric values for the pages, the API, the CLI and the reports."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Max, Min, Q

from bettercare.core.indicators import Bands
from bettercare.core.ordering import natural_key
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.summary import (
    AwaitingData,
    MetricSpec,
    MetricSummary,
    Observation,
    metric_in_force,
    metric_position,
    summarise_metric,
)
from bettercare.web.performance.models import (
    Metric,
    MetricCommentary,
    MetricRebase,
    MetricValue,
)
from bettercare.web.programmes.models import Area, Scheme, SchemeStatus
from bettercare.web.programmes.tree import AreaTree
from bettercare.web.programmes.versioning import data_versions

FIELDS = (
    "metric_id", "kind", "period_start", "period_end", "numerator", "denominator", "value",
    "bands", "warnings", "source", "sum_of_squares",
)  # fmt: skip
CACHE_SECONDS = 60 * 60


def _observation(row: tuple[Any, ...]) -> Observation:
    _, _, start, end, numerator, denominator, value, bands, warnings, source, squares = row
    return Observation(
        period_start=start,
        period_end=end,
        numerator=numerator,
        denominator=denominator,
        value=value,
        bands=None
        if not bands
        else Bands(
            counts=bands["counts"],
            populations=bands["populations"],
            **(
                {"standard_population": bands["standard_population"]}
                if "standard_population" in bands
                else {}
            ),
        ),
        warnings=tuple(warnings or ()),
        source=source,
        sum_of_squares=squares,
    )


def _rebases(area: Area) -> dict[int, list[Month]]:
    """The rebase months recorded for each of the area's metrics, by metric id (ADR 0095)."""
    found: dict[int, list[Month]] = defaultdict(list)
    for metric_id, month in MetricRebase.objects.filter(area=area).values_list(
        "metric_id", "month"
    ):
        found[metric_id].append(Month.of(month))
    return found


def _summaries(
    area: Area, month: Month, metrics: list[Metric] | None
) -> list[tuple[Metric, MetricSummary]]:
    rows = MetricValue.objects.filter(
        area=area,
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET),
        period_start__lte=month.last_day,
    )
    if metrics is not None:
        rows = rows.filter(metric__in=metrics)
    actuals: dict[int, list[Observation]] = defaultdict(list)
    targets: dict[int, list[Observation]] = defaultdict(list)
    for row in rows.order_by("period_start").values_list(*FIELDS):
        bucket = actuals if row[1] == MetricValue.Kind.ACTUAL else targets
        bucket[row[0]].append(_observation(row))
    if metrics is None:
        metrics = list(Metric.objects.filter(pk__in=actuals.keys()).order_by("code"))
    rebases = _rebases(area)
    summaries = []
    for metric in metrics:
        summary = summarise_metric(
            metric.spec,
            actuals.get(metric.pk, []),
            targets.get(metric.pk, []),
            month,
            rebases=rebases.get(metric.pk, ()),
        )
        if summary is not None:
            summaries.append((metric, summary))
    return summaries


def area_metric_summaries(
    area: Area, month: Month, *, metrics: list[Metric] | None = None
) -> list[tuple[Metric, MetricSummary]]:
    """Every metric of the area with an actual value ending in or before ``month``.

    A few queries whatever the number of metrics and values. The statistics are kept in the
    cache for the area, month and metric set until the area's data or the shared data (the
    registry) change (:mod:`bettercare.web.programmes.versioning`).
    """
    chosen = "all" if metrics is None else ",".join(str(pk) for pk in sorted(m.pk for m in metrics))
    digest = hashlib.sha256(chosen.encode()).hexdigest()[:16]
    key = f"metric-summaries:{area.pk}:{month}:{digest}:{data_versions([area.pk])}"
    found = cache.get(key)
    if found is None:
        found = _summaries(area, month, metrics)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def _year(text: str) -> FinancialYear | None:
    return FinancialYear.parse(text) if text else None


def metrics_in_force(area: Area, month: Month) -> list[Metric]:
    """The metrics in force for the area in ``month``, by code: the registry's national
    metrics whose years cover the month, and each local metric whose baselines, targets and
    actuals for the area span the month's financial year (the rule is
    :func:`bettercare.core.summary.metric_in_force`)."""
    spans = {
        row["metric_id"]: ((row["first"], row["last"]),)
        for row in MetricValue.objects.filter(
            area=area,
            kind__in=(
                MetricValue.Kind.ACTUAL,
                MetricValue.Kind.TARGET,
                MetricValue.Kind.BASELINE,
            ),
        )
        .values("metric_id")
        .annotate(first=Min("period_start"), last=Max("period_end"))
    }
    national = area.type == Area.Type.HWB
    candidates = Metric.objects.select_related("parent").order_by("code")
    return [
        metric
        for metric in candidates
        if (metric.pk in spans or (national and metric.is_national))
        and metric_in_force(
            month,
            applies_from=_year(metric.applies_from) if metric.is_national else None,
            applies_to=_year(metric.applies_to) if metric.is_national else None,
            # A national metric is in force in its registry years (its history before them
            # does not bring it into force); a plan's own metric for the years of its values.
            spans=() if metric.is_national else spans.get(metric.pk, ()),
        )
    ]


def _positions(area: Area, month: Month) -> list[tuple[Metric, MetricSummary | AwaitingData]]:
    metrics = metrics_in_force(area, month)
    rows = MetricValue.objects.filter(
        area=area,
        metric__in=metrics,
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET, MetricValue.Kind.BASELINE),
        period_start__lte=month.last_day,
    )
    buckets: dict[str, dict[int, list[Observation]]] = {
        kind: defaultdict(list)
        for kind in (MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET, MetricValue.Kind.BASELINE)
    }
    for row in rows.order_by("period_start").values_list(*FIELDS):
        buckets[row[1]][row[0]].append(_observation(row))
    actuals, targets, baselines = (
        buckets[MetricValue.Kind.ACTUAL],
        buckets[MetricValue.Kind.TARGET],
        buckets[MetricValue.Kind.BASELINE],
    )
    rebases = _rebases(area)
    return [
        (
            metric,
            metric_position(
                metric.spec,
                actuals.get(metric.pk, []),
                targets.get(metric.pk, []),
                baselines.get(metric.pk, []),
                month,
                rebases=rebases.get(metric.pk, ()),
            ),
        )
        for metric in metrics
    ]


def area_metric_positions(
    area: Area, month: Month
) -> list[tuple[Metric, MetricSummary | AwaitingData]]:
    """Every metric in force for the area in ``month``: measured (with its latest value ending
    in or before the month) or awaiting data (the plan's target and baseline, no value yet).

    Cached like :func:`area_metric_summaries`.
    """
    key = f"metric-positions:{area.pk}:{month}:{data_versions([area.pk])}"
    found = cache.get(key)
    if found is None:
        found = _positions(area, month)
        cache.set(key, found, CACHE_SECONDS)
    return list(found)


def metric_commentaries(area: Area, month: Month) -> dict[str, str]:
    """The commentary on each metric for the area in ``month``, by metric code (none blank)."""
    return {
        code: text
        for code, text in MetricCommentary.objects.filter(
            area=area, month=month.first_day
        ).values_list("metric__code", "commentary")
        if text
    }


def metric_commentary(area: Area, metric: Metric, month: Month) -> MetricCommentary | None:
    """The stored commentary row (blank or not) for one metric, area and month."""
    return MetricCommentary.objects.filter(area=area, metric=metric, month=month.first_day).first()


@dataclass(frozen=True)
class RebaseShown:
    """A recorded rebase of a metric, with who recorded it (from the history)."""

    month: Month
    reason: str
    recorded_by: str


def metric_rebases(area: Area, metric: Metric) -> tuple[RebaseShown, ...]:
    """The rebases recorded for the metric and area, by month, with who recorded each."""
    return rebases_shown(
        list(MetricRebase.objects.filter(area=area, metric=metric).order_by("month"))
    )


def rebases_shown(rows: list[MetricRebase]) -> tuple[RebaseShown, ...]:
    """Recorded rebases (in month order) with who recorded each, from their history (one
    query)."""
    created = {
        h.id: h
        for h in MetricRebase.history.filter(
            id__in=[r.pk for r in rows], history_type="+"
        ).select_related("history_user")
    }

    def who(row: MetricRebase) -> str:
        entry = created.get(row.pk)
        user = entry.history_user if entry is not None else None
        return (user.get_full_name() or user.get_username()) if user is not None else "unknown"

    return tuple(RebaseShown(Month.of(r.month), r.reason, who(r)) for r in rows)


def rebase_months_of(periods: Iterable[tuple[date, date]]) -> tuple[Month, ...]:
    """The months in which a rebase may start a new SPC period, given the periods of the
    metric's actuals: its monthly values from the second to the last (a period needs a point
    before it)."""
    starts = sorted(
        {start for start, end in periods if start.day == 1 and Month.of(start) == Month.of(end)}
    )
    return tuple(Month.of(start) for start in starts[1:])


def rebase_months(area: Area, metric: Metric) -> tuple[Month, ...]:
    """:func:`rebase_months_of` the metric's stored actuals for the area."""
    return rebase_months_of(
        MetricValue.objects.filter(
            area=area, metric=metric, kind=MetricValue.Kind.ACTUAL
        ).values_list("period_start", "period_end")
    )


def metric_rebase_reasons(area: Area) -> dict[str, dict[Month, str]]:
    """The reason for each recorded rebase of the area's metrics, by metric code and month."""
    found: dict[str, dict[Month, str]] = defaultdict(dict)
    for code, month, reason in MetricRebase.objects.filter(area=area).values_list(
        "metric__code", "month", "reason"
    ):
        found[code][Month.of(month)] = reason
    return dict(found)


# -- one metric's page ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MetricNamed:
    """A metric named on another's page (its parent, the one it replaces, a part)."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class MetricShown:
    """A metric's definition as its page shows it: plain values, read once."""

    spec: MetricSpec
    code: str
    name: str
    unit: str
    unit_label: str
    multiplier: Any
    polarity: str
    polarity_label: str
    frequency: str
    frequency_label: str
    description: str
    numerator_definition: str
    denominator_definition: str
    source: str
    defined_by: str
    reviewed_on: date | None
    is_national: bool
    applies_from: str
    applies_to: str
    parent: MetricNamed | None
    replaces: MetricNamed | None
    parts: tuple[MetricNamed, ...]


@dataclass(frozen=True, slots=True)
class StoredValue:
    """A stored baseline, target or actual of the area, as the page lists it."""

    pk: int
    kind: str
    observed: Observation
    numerator: float | None
    denominator: float | None
    note: str
    source: str
    warnings: tuple[str, ...]

    @property
    def period_start(self) -> date:
        return self.observed.period_start

    @property
    def period_end(self) -> date:
        return self.observed.period_end

    def observation(self) -> Observation:
        return self.observed


@dataclass(frozen=True, slots=True)
class SchemeShown:
    pk: int
    ref: str
    name: str
    theme: MetricNamed | None


@dataclass(frozen=True, slots=True)
class StatusShown:
    status: str
    commentary: str


@dataclass(frozen=True, slots=True)
class SchemeOnMetric:
    """A scheme expected to affect a metric, with its "metrics" return for the month."""

    scheme: SchemeShown
    status: StatusShown | None


@dataclass(frozen=True, slots=True)
class CommentaryShown:
    commentary: str
    version: int


@dataclass(frozen=True, slots=True)
class AreaShown:
    pk: int
    code: str
    name: str


@dataclass(frozen=True, slots=True)
class RegionValue:
    """One area's actual for the period the regional comparison compares."""

    area: AreaShown
    numerator: float | None
    denominator: float | None
    #: Per-band counts and populations (a directly standardised rate), as stored.
    bands: dict[str, Any] | None
    observed: Observation


@dataclass(frozen=True, slots=True)
class RegionSnapshot:
    """The region above the area and its areas' actuals for the latest value's period."""

    region: AreaShown
    period_start: date
    period_end: date
    #: Every HWB area of the region that existed in the period's first month, with a value.
    values: tuple[RegionValue, ...]


@dataclass(frozen=True, slots=True)
class FamilyMember:
    """A composite measure or one of its parts, shown on another member's page: what its
    report line is made of (:func:`bettercare.web.reporting.queries.position_row`)."""

    code: str
    source: str
    parent_code: str | None
    position: MetricSummary | AwaitingData
    #: The month's commentary on it ("" when none).
    commentary: str
    #: The reason recorded for each rebase month of the metric.
    rebase_reasons: tuple[tuple[Month, str], ...]


@dataclass(frozen=True)
class MetricDetailSnapshot:
    """Everything the metric detail page shows of one metric, area and month, read once.

    Plain values only (no model instances): the metric's definition with its parent, the
    metric it replaces and its parts; every stored baseline, target and actual of the area in
    period order; the position; the month's commentary; the schemes expected to affect it
    with their "metrics" return; the recorded rebases; and the region's actuals for the
    period of the latest value (ADR 0107, ADR 0109). After this, the page computes and draws
    without going back to the database.
    """

    metric: MetricShown
    stored: tuple[StoredValue, ...]
    #: The metric's position at the month (measured, or awaiting data); None when it is not
    #: in force then and has no value by then.
    position: MetricSummary | AwaitingData | None
    commentary: CommentaryShown | None
    schemes: tuple[SchemeOnMetric, ...]
    rebases: tuple[RebaseShown, ...] = ()
    region: RegionSnapshot | None = None
    #: For a composite measure its parts, for a part its composite: those in force at the
    #: month, with their positions, commentary and rebase reasons (ADR 0121).
    family: tuple[FamilyMember, ...] = ()


def schemes_on_metric(area: Area, metric: Metric, month: Month) -> tuple[SchemeOnMetric, ...]:
    """The schemes expected to affect the metric, with their "metrics" status (two queries)."""
    schemes = sorted(
        Scheme.objects.filter(area=area, metrics=metric).select_related("theme"),
        key=lambda s: natural_key(s.ref),
    )
    statuses = {
        s.scheme_id: StatusShown(s.status, s.commentary)
        for s in SchemeStatus.objects.filter(
            period__area_id=area.pk,
            period__month=month.first_day,
            dimension=SchemeStatus.Dimension.METRICS,
            scheme__in=schemes,
        )
    }
    return tuple(
        SchemeOnMetric(
            SchemeShown(
                s.pk,
                s.ref,
                s.name,
                MetricNamed(s.theme.code, s.theme.name) if s.theme is not None else None,
            ),
            statuses.get(s.pk),
        )
        for s in schemes
    )


def _named(metric: Metric | None) -> MetricNamed | None:
    return None if metric is None else MetricNamed(metric.code, metric.name)


def _metric_shown(metric: Metric, parts: list[Metric]) -> MetricShown:
    return MetricShown(
        spec=metric.spec,
        code=metric.code,
        name=metric.name,
        unit=metric.unit,
        unit_label=metric.get_unit_display(),
        multiplier=metric.multiplier,
        polarity=metric.polarity,
        polarity_label=metric.get_polarity_display(),
        frequency=metric.frequency,
        frequency_label=metric.get_frequency_display(),
        description=metric.description,
        numerator_definition=metric.numerator_definition,
        denominator_definition=metric.denominator_definition,
        source=metric.source,
        defined_by=metric.defined_by,
        reviewed_on=metric.reviewed_on,
        is_national=metric.is_national,
        applies_from=metric.applies_from,
        applies_to=metric.applies_to,
        parent=_named(metric.parent),
        replaces=_named(metric.replaces),
        parts=tuple(MetricNamed(p.code, p.name) for p in parts),
    )


def latest_period_of(position: MetricSummary | AwaitingData) -> tuple[date, date]:
    """The period of a position's latest value (or of the first value awaited)."""
    if isinstance(position, MetricSummary):
        return position.latest.period_start, position.latest.period_end
    return position.period_start, position.period_end


def metric_detail_snapshot(area: Area, month: Month, code: str) -> MetricDetailSnapshot | None:
    """The snapshot of the metric ``code`` for the area at ``month``; None if there is no such
    metric.

    The metric and its parts are one query; the area's stored values and the region's
    actuals for the latest value's period are one more (after the area tree, one query).
    """
    found = list(
        Metric.objects.select_related("parent", "replaces").filter(
            Q(code=code) | Q(parent__code=code)
        )
    )
    metric = next((m for m in found if m.code == code), None)
    if metric is None:
        return None
    parts = [m for m in found if m.parent_id == metric.pk]  # in code order, as Meta orders
    in_force = area_metric_positions(area, month)
    position: MetricSummary | AwaitingData | None = next(
        (p for m, p in in_force if m.pk == metric.pk), None
    )
    # A composite's parts, a part's composite: only they are read and shown beside it.
    family = [(m, p) for m, p in in_force if m.parent_id == metric.pk or m.pk == metric.parent_id]
    ids = [metric.pk, *(m.pk for m, _ in family)]
    if position is None:
        # Not in force this month, but measured before: show what was measured.
        summaries = area_metric_summaries(area, month, metrics=[metric])
        position = summaries[0][1] if summaries else None
    kinds = (MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET, MetricValue.Kind.BASELINE)
    wanted = Q(area=area, kind__in=kinds)
    region: AreaShown | None = None
    region_areas: dict[int, AreaShown] = {}
    start = end = None
    if position is not None:
        tree = AreaTree.of(Area.objects.tree_of(area))
        above = tree.region_of(area)
        if above is not None:
            start, end = latest_period_of(position)
            region = AreaShown(above.pk, above.code, above.name)
            region_areas = {
                a.pk: AreaShown(a.pk, a.code, a.name)
                for a in tree.hwbs_below(above)
                if a.exists_in(Month.of(start))
            }
            wanted |= Q(
                area_id__in=list(region_areas),
                kind=MetricValue.Kind.ACTUAL,
                period_start=start,
                period_end=end,
            )
    rows = list(
        MetricValue.objects.filter(wanted, metric=metric).order_by(
            "period_start", "period_end", "area_id"
        )
    )
    stored = tuple(
        StoredValue(
            pk=v.pk,
            kind=v.kind,
            observed=v.observation(),
            numerator=v.numerator,
            denominator=v.denominator,
            note=v.note,
            source=v.source,
            warnings=tuple(v.warnings or ()),
        )
        for v in rows
        if v.area_id == area.pk and v.kind in kinds
    )
    region_snapshot = None
    if region is not None and start is not None and end is not None:
        region_snapshot = RegionSnapshot(
            region,
            start,
            end,
            tuple(
                sorted(  # in the areas' name order, as the region's values were always added
                    (
                        RegionValue(
                            region_areas[v.area_id],
                            v.numerator,
                            v.denominator,
                            v.bands or None,
                            v.observation(),
                        )
                        for v in rows
                        if v.area_id in region_areas
                        and v.kind == MetricValue.Kind.ACTUAL
                        and (v.period_start, v.period_end) == (start, end)
                    ),
                    key=lambda r: (r.area.name, r.area.pk),
                )
            ),
        )
    notes = {
        c.metric_id: c
        for c in MetricCommentary.objects.filter(area=area, month=month.first_day, metric__in=ids)
    }
    saved = notes.get(metric.pk)
    recorded = list(MetricRebase.objects.filter(area=area, metric__in=ids).order_by("month"))
    reasons: dict[int, list[tuple[Month, str]]] = defaultdict(list)
    for row in recorded:
        reasons[row.metric_id].append((Month.of(row.month), row.reason))
    return MetricDetailSnapshot(
        metric=_metric_shown(metric, parts),
        stored=stored,
        position=position,
        commentary=None if saved is None else CommentaryShown(saved.commentary, saved.version),
        schemes=schemes_on_metric(area, metric, month) if position is not None else (),
        rebases=rebases_shown([r for r in recorded if r.metric_id == metric.pk]),
        region=region_snapshot,
        family=tuple(
            FamilyMember(
                code=m.code,
                source=m.source,
                parent_code=m.parent.code if m.parent_id and m.parent else None,
                position=p,
                commentary=note.commentary if (note := notes.get(m.pk)) else "",
                rebase_reasons=tuple(reasons.get(m.pk, ())),
            )
            for m, p in family
        ),
    )
