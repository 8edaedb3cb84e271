"""Reads for benchmarking: an area's peers and one metric across them, scoped to the user.

A peer set is the area's region (the default), its ICB, or a loaded :class:`PeerGroup` it
belongs to. The funnel's centre is the peer set's pooled figure and each area's label comes
from PHE's method (:mod:`bettercare.core.benchmarking`), so the label an area gets does not
depend on who looks; but only the areas the user may see are listed. Two disclosure rules:

- counts from 1 to 7 are not shown (:func:`bettercare.core.benchmarking.small_numbers`);
- when exactly one contributing area is one the user may not see, the pooled figure would
  give that area away, so the funnel is drawn around the visible areas alone, and says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import cast

from django.http import Http404

from bettercare.core.benchmarking import (
    MIN_FUNNEL_AREAS,
    FunnelBenchmark,
    FunnelPosition,
    benchmark_funnel,
    benchmark_labels,
    funnel_position,
    funnel_statistic,
    pool,
    small_numbers,
)
from bettercare.core.indicators import MetricEstimate, Unit, metric_estimate
from bettercare.core.summary import MetricSpec, Observation, position_period
from bettercare.reports.model import OutlierLine
from bettercare.web.accounts.access import Access
from bettercare.web.benchmarking.models import PeerGroup
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import Area
from bettercare.web.programmes.tree import AreaTree

DEFAULT_PEERS = "region"


@dataclass(frozen=True)
class PeerSet:
    """Areas to compare with: ``key`` is what the page's ``peers`` parameter names."""

    key: str
    name: str
    description: str
    areas: tuple[Area, ...]


@dataclass(frozen=True)
class AreaFigure:
    """One area's value of the metric, as the benchmarking pages show it."""

    area: Area
    estimate: MetricEstimate
    numerator: float | None
    denominator: float | None
    significance: str | None
    suppressed: bool

    @property
    def value(self) -> float | None:
        return None if self.suppressed else self.estimate.value


@dataclass(frozen=True)
class MetricBenchmark:
    """A metric across a peer set for one period."""

    metric: Metric
    peers: PeerSet
    period_start: date
    period_end: date
    rows: tuple[AreaFigure, ...]
    funnel: FunnelBenchmark | None
    pooled: MetricEstimate | None
    contributing: int
    hidden: int
    notes: tuple[str, ...]

    @property
    def centre(self) -> float | None:
        """The peer set's figure: the funnel's centre, else the pooled estimate."""
        if self.funnel is not None:
            return self.funnel.average
        return self.pooled.value if self.pooled is not None else None


def region_peer_name(region: str) -> str:
    """The name of the default peer set, the areas of the region named ``region``."""
    return f"{region} region"


def region_peers(region: Area, members: tuple[Area, ...]) -> PeerSet:
    """The default peer set: the HWB areas of the region (``members``, from the tree)."""
    return PeerSet(
        DEFAULT_PEERS,
        region_peer_name(region.name),
        f"The Health and Wellbeing Board areas of {region.name}",
        members,
    )


def peer_sets(area: Area) -> list[PeerSet]:
    """The peer sets ``area`` belongs to: its region, its ICB, then loaded groups (3 queries:
    the tree ``area`` is in, the groups and their members)."""
    tree = AreaTree.of(Area.objects.tree_of(area))
    found: list[PeerSet] = []
    for ancestor in tree.ancestors(area):
        members = tuple(tree.hwbs_below(ancestor))
        if ancestor.type == Area.Type.REGION:
            found.insert(0, region_peers(ancestor, members))
        elif ancestor.type == Area.Type.ICB:
            found.append(PeerSet("icb", ancestor.name, f"The areas of {ancestor.name}", members))
    groups = (
        PeerGroup.objects.filter(members=area) | PeerGroup.objects.filter(anchor=area)
    ).distinct()
    for group in groups.select_related("anchor").prefetch_related("members").order_by("name"):
        in_group = {m.pk: m for m in group.members.all()}
        if group.anchor is not None:  # the anchor may be outside the area's tree
            in_group.setdefault(group.anchor.pk, group.anchor)
        found.append(
            PeerSet(
                group.code,
                group.name,
                group.source or "A peer group loaded by an administrator",
                tuple(sorted(in_group.values(), key=lambda a: a.name)),
            )
        )
    return found


def peer_set(area: Area, key: str | None) -> tuple[PeerSet | None, list[PeerSet]]:
    """The peer set named ``key`` (default the region) and every choice for the area."""
    choices = peer_sets(area)
    wanted = key or DEFAULT_PEERS
    chosen = next((choice for choice in choices if choice.key == wanted), None)
    if chosen is None and key is None and choices:
        chosen = choices[0]
    return chosen, choices


def peer_set_or_404(area: Area, key: str | None) -> tuple[PeerSet, list[PeerSet]]:
    """The peer set asked for (default the region) and the choices; 404 naming them."""
    chosen, choices = peer_set(area, key or None)
    if chosen is None and not choices:
        raise Http404(f"{area.name} has no peers to compare with: it is in no region or ICB.")
    if chosen is None:
        names = ", ".join(repr(choice.key) for choice in choices)
        raise Http404(f"{area.name} has no peer set {key!r} (its peer sets: {names}).")
    return chosen, choices


def latest_period(area: Area, metric: Metric, on_or_before: date) -> tuple[date, date] | None:
    """The period of the area's latest actual value of ``metric`` ending by a date that can be
    its position (core's :func:`~bettercare.core.summary.position_period`: not a month of an
    annual metric, whose monthly figures only forecast its year end)."""
    periods = (
        MetricValue.objects.filter(
            area=area, metric=metric, kind=MetricValue.Kind.ACTUAL, period_end__lte=on_or_before
        )
        .order_by("-period_end", "period_start")
        .values_list("period_start", "period_end")
    )
    return next(
        ((start, end) for start, end in periods if position_period(metric.frequency, start, end)),
        None,
    )


def _or_nan(value: float | None) -> float:
    return math.nan if value is None else value


def _counts(
    spec: MetricSpec, observed: Observation, estimate: MetricEstimate
) -> tuple[float | None, float | None]:
    """The events and population behind a value (a DSR's summed over its bands).

    A DSR stored without bands but with its events uses the population PHE derives from the
    rate (``events / rate * multiplier``), as PHE's DSR funnel does.
    """
    if spec.unit == "dsr":
        if observed.bands is not None:
            return float(sum(observed.bands.counts)), float(sum(observed.bands.populations))
        if observed.numerator is not None and estimate.value:
            return observed.numerator, observed.numerator / estimate.value * spec.multiplier
        return None, None
    return observed.numerator, observed.denominator


@dataclass(frozen=True)
class _PeerFigures:
    """Each peer's estimate and counts, and which of them a funnel can compare, by area id."""

    estimates: dict[int, MetricEstimate]
    counts: dict[int, tuple[float | None, float | None]]
    usable: list[int]


def _peer_figures(spec: MetricSpec, observed: Mapping[int, Observation]) -> _PeerFigures:
    estimates = {area: o.estimate(spec) for area, o in observed.items()}
    counts = {area: _counts(spec, o, estimates[area]) for area, o in observed.items()}

    def is_usable(area: int) -> bool:
        events, population = counts[area]
        if events is None or population is None or population <= 0:
            return False
        # A DSR from fewer than 10 events has no value; PHE still counts it (labelled
        # "not applicable"), so it stays in with its rate missing.
        return estimates[area].value is not None or spec.unit == "dsr"

    return _PeerFigures(estimates, counts, [area for area in observed if is_usable(area)])


def _drawn(spec: MetricSpec, compared: Sequence[int]) -> bool:
    """Whether the unit is drawn on a funnel, with enough areas to compare."""
    return funnel_statistic(spec.unit) is not None and len(compared) >= MIN_FUNNEL_AREAS


def _funnel(
    spec: MetricSpec, figures: _PeerFigures, compared: Sequence[int]
) -> FunnelBenchmark | None:
    """PHE's funnel of the ``compared`` areas; None for a unit drawn on no funnel or fewer
    than core's :data:`~bettercare.core.benchmarking.MIN_FUNNEL_AREAS` areas."""
    if not _drawn(spec, compared):
        return None
    # Values are per period (a month's events over the population), so one "year" of data is
    # one period: the funnel's x axis is then the denominator itself.
    return benchmark_funnel(*_funnel_arguments(spec, figures, compared), years_of_data=1.0)


def _funnel_arguments(
    spec: MetricSpec, figures: _PeerFigures, compared: Sequence[int]
) -> tuple[str, float, list[float], list[float], list[float]]:
    """Core's funnel arguments for the ``compared`` areas: unit, multiplier, events,
    populations and values."""
    return (
        spec.unit,
        spec.multiplier,
        [figures.counts[area][0] or 0.0 for area in compared],
        [figures.counts[area][1] or 0.0 for area in compared],
        [_or_nan(figures.estimates[area].value) for area in compared],
    )


def metric_benchmark(
    access: Access, metric: Metric, peers: PeerSet, period: tuple[date, date]
) -> MetricBenchmark:
    """``metric`` across ``peers`` for ``period``: the visible rows, labels and pooled figure."""
    start, end = period
    by_pk = {a.pk: a for a in peers.areas}
    values = list(
        MetricValue.objects.filter(
            metric=metric,
            kind=MetricValue.Kind.ACTUAL,
            area__in=list(by_pk),
            period_start=start,
            period_end=end,
        )
    )
    spec = metric.spec
    figures = _peer_figures(spec, {v.area_id: v.observation() for v in values})
    estimates, counts = figures.estimates, figures.counts
    usable = figures.usable
    hidden = sum(1 for area in usable if not access.can_view(by_pk[area]))
    notes: list[str] = []
    compared = usable
    if hidden == 1:
        compared = [area for area in usable if access.can_view(by_pk[area])]
        notes.append(
            "One area of this peer set is one you do not have access to; its figures could be "
            "worked out from the peer set's total, so the comparison uses only the areas shown."
        )
    if funnel_statistic(metric.unit) is None:
        notes.append(
            f"Funnel plots compare rates and proportions with their denominators; a "
            f"{metric.get_unit_display().lower()} has none, so areas are compared by their "
            "intervals only."
        )
    elif len(compared) < MIN_FUNNEL_AREAS:
        notes.append("A funnel plot needs at least two areas with a numerator and denominator.")
    funnel = _funnel(spec, figures, compared)
    labels = dict(zip(compared, funnel.labels, strict=True)) if funnel is not None else {}
    pooled_numerator, pooled_denominator, pooled_areas = pool(
        [counts[area][0] for area in compared], [counts[area][1] for area in compared]
    )
    pooled = None
    if pooled_areas >= 2 and metric.unit in (Metric.Unit.RATE, Metric.Unit.PROPORTION):
        pooled = metric_estimate(
            cast(Unit, metric.unit),  # the column's choices are core's units
            multiplier=float(metric.multiplier),
            numerator=pooled_numerator,
            denominator=pooled_denominator,
        )
    visible = [v.area_id for v in values if access.can_view(by_pk[v.area_id])]
    suppressed = small_numbers([counts[area][0] for area in visible])
    if any(suppressed):
        notes.append(
            "Values from 1 to 7 events are not shown (small-number disclosure control); those "
            "areas still count towards the peer set's figure."
        )
    rows = tuple(
        sorted(
            (
                AreaFigure(
                    area=by_pk[area],
                    estimate=estimates[area],
                    numerator=None if hide else counts[area][0],
                    denominator=None if hide else counts[area][1],
                    significance=None if hide else labels.get(area),
                    suppressed=hide,
                )
                for area, hide in zip(visible, suppressed, strict=True)
            ),
            key=lambda row: row.area.name,
        )
    )
    return MetricBenchmark(
        metric=metric,
        peers=peers,
        period_start=start,
        period_end=end,
        rows=rows,
        funnel=funnel,
        pooled=pooled,
        contributing=len(compared),
        hidden=hidden if hidden != 1 else 0,
        notes=tuple(notes),
    )


def own_position(
    spec: MetricSpec, peers: str, observed: Mapping[int, Observation], area: int
) -> FunnelPosition | None:
    """``area``'s position on the funnel of every area in ``observed`` (its peers' actuals for
    one period, by area id), as :func:`metric_benchmark` labels it for a reader who may see
    them all, in core's words (:func:`~bettercare.core.benchmarking.funnel_position`).

    Nothing reads the database. None when there is no comparison: a unit drawn on no funnel,
    too few areas with a numerator and denominator, the area's own value not among them, PHE's
    "not applicable", or an own count of 1 to 7 (not shown on the benchmark page either).
    The pooled figure is not part of it, so it gives no other area's figures away.
    """
    figures = _peer_figures(spec, observed)
    compared = figures.usable
    if area not in compared or small_numbers([figures.counts[area][0]])[0]:
        return None
    if not _drawn(spec, compared):
        return None
    # The funnel's labels only: its plotting table is not drawn here.
    labels = benchmark_labels(*_funnel_arguments(spec, figures, compared))
    label = labels[compared.index(area)]
    return funnel_position(label, peers=peers, areas=len(compared), polarity=spec.polarity)


def _every_area() -> Access:
    """Access to every area: for the region's assurance pack, whose readers (its assurance
    leads, checked before it is built) may see every area of the region."""
    from django.contrib.auth.models import AnonymousUser

    return Access(AnonymousUser(), is_admin=True)


def region_outliers(region: Area, areas: list[Area]) -> tuple[OutlierLine, ...]:
    """Each metric's latest period across the region's areas, by PHE's funnel-plot method.

    One line per metric that the region's areas report with numerators and denominators:
    the areas significantly high and low (with the level, 0.001 or 0.025), how many are within
    the limits and how many were not assessed (suppressed, or DSRs under 10 events).
    """
    from bettercare.formatting import metric_value

    peers = region_peers(region, tuple(areas))
    latest: dict[int, tuple[date, date]] = {}
    for metric_id, frequency, start, end in (
        MetricValue.objects.filter(kind=MetricValue.Kind.ACTUAL, area__in=areas)
        .order_by("metric_id", "-period_end", "period_start")
        .values_list("metric_id", "metric__frequency", "period_start", "period_end")
        .distinct()  # each period once, not once per area (ADR 0142)
    ):
        if position_period(frequency, start, end):
            latest.setdefault(metric_id, (start, end))
    metrics = Metric.objects.filter(pk__in=latest).order_by("code")
    lines = []
    for metric in metrics:
        if funnel_statistic(metric.unit) is None:
            continue
        bench = metric_benchmark(_every_area(), metric, peers, latest[metric.pk])
        if bench.funnel is None:
            continue
        high, low, within, not_assessed = [], [], 0, 0
        for row in bench.rows:
            label = row.significance or ""
            if label.startswith("High"):
                high.append(f"{row.area.name} {label[5:]}")
            elif label.startswith("Low"):
                low.append(f"{row.area.name} {label[4:]}")
            elif label == "Not significant":
                within += 1
            else:
                not_assessed += 1
        lines.append(
            OutlierLine(
                metric=metric.code,
                name=metric.name,
                period_label=_period_words(*latest[metric.pk]),
                peer_value=metric_value(
                    bench.funnel.average, metric.unit, float(metric.multiplier)
                ),
                peer_number=bench.funnel.average,
                high=tuple(high),
                low=tuple(low),
                within=within,
                not_assessed=not_assessed,
                polarity=metric.polarity,
            )
        )
    return tuple(lines)


def _period_words(start: date, end: date) -> str:
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"
