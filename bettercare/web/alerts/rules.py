"""The alert rules of :mod:`bettercare.core.alerts` run over the database: which events hold now.

Nothing here writes. Each :class:`Event` carries the unique key that names it (rule, area,
subject and the period its condition started); :mod:`bettercare.web.alerts.engine` records
the new ones and tells the subscribers.

Metric series are read in one query; the SPC and assurance rules run as vectorised XmR
batches over every series at once (:func:`~bettercare.core.alerts.spc_concern_onsets`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, cast

import numpy as np
from django.conf import settings
from django.urls import reverse

from bettercare.core import alerts as rules
from bettercare.core.alerts import RuleName, RuleSettings
from bettercare.core.indicators import metric_point_value
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.spc_reading import rebase_positions
from bettercare.core.status import STATUS_CAPITALS
from bettercare.core.summary import MetricSpec, Observation, month_span
from bettercare.web.performance.models import Metric, MetricRebase, MetricValue
from bettercare.web.performance.queries import FIELDS, _observation
from bettercare.web.programmes.actions import missing_returns
from bettercare.web.programmes.models import Area, Milestone, ReportingPeriod, Risk

STATUS_WORDS = {status: STATUS_CAPITALS[status] for status in ("G", "A", "R")}
#: The rules evaluated here: all of them.
EVALUATED_RULES: tuple[RuleName, ...] = rules.RULE_NAMES


@dataclass(frozen=True)
class Event:
    """One event a rule finds in the data now."""

    key: str
    rule: RuleName
    area_id: int
    title: str
    detail: str
    started: date | None = None
    metric_id: int | None = None
    scheme_id: int | None = None
    link: str = ""


@lru_cache(maxsize=4)
def _parsed(text: str) -> dict[RuleName, RuleSettings]:
    return rules.parse_rule_settings(text)


def rule_settings(rule: RuleName) -> RuleSettings:
    """A rule's settings from ``BETTERCARE_ALERT_RULES`` (the defaults where not set)."""
    return _parsed(settings.ALERT_RULES).get(rule, RuleSettings())


def find_events(*, area_ids: Iterable[int] | None = None, today: date) -> list[Event]:
    """Every event the rules find now, for the given areas (None: every area)."""
    ids = None if area_ids is None else set(area_ids)
    areas = Area.objects.all() if ids is None else Area.objects.filter(pk__in=ids)
    by_pk = {area.pk: area for area in areas}
    return [
        *metric_events(by_pk, ids),
        *return_events(by_pk, today),
        *milestone_events(by_pk, today),
        *risk_events(by_pk),
    ]


# -- metrics ---------------------------------------------------------------------------------


@dataclass
class _Series:
    area: Area
    metric: Metric
    months: list[Month]
    actuals: dict[Month, Observation]
    targets: list[Observation]


def _series(areas: dict[int, Area], ids: set[int] | None) -> list[_Series]:
    metrics = {m.pk: m for m in Metric.objects.filter(frequency=Metric.Frequency.MONTH)}
    rows = MetricValue.objects.filter(
        kind__in=(MetricValue.Kind.ACTUAL, MetricValue.Kind.TARGET), metric_id__in=metrics
    )
    if ids is not None:
        rows = rows.filter(area_id__in=ids)
    actuals: dict[tuple[int, int], dict[Month, Observation]] = defaultdict(dict)
    targets: dict[tuple[int, int], list[Observation]] = defaultdict(list)
    # The fields the rules need (not the warnings or the source, whose decoding is half the
    # cost of reading a long series); the rest of the metric pages' row is filled in.
    skipped: dict[str, Any] = {"warnings": (), "source": ""}
    fields = [name for name in FIELDS if name not in skipped]
    for row in rows.values_list("area_id", *fields).iterator(chunk_size=5000):
        named = dict(zip(fields, row[1:], strict=True))
        key = (row[0], named["metric_id"])
        observation = _observation(tuple(named.get(f, skipped.get(f)) for f in FIELDS))
        if named["kind"] == MetricValue.Kind.TARGET:
            targets[key].append(observation)
        elif (
            observation.period_start.day == 1
            and month_span(observation.period_start, observation.period_end) == 1
        ):
            actuals[key][Month.of(observation.period_start)] = observation
    found = []
    for (area_id, metric_id), by_month in sorted(actuals.items()):
        if area_id not in areas:
            continue
        found.append(
            _Series(
                areas[area_id],
                metrics[metric_id],
                sorted(by_month),
                by_month,
                targets.get((area_id, metric_id), []),
            )
        )
    return found


def _point(spec: MetricSpec, observation: Observation) -> float | None:
    try:
        value = metric_point_value(
            spec.unit,
            multiplier=spec.multiplier,
            numerator=observation.numerator,
            denominator=observation.denominator,
            value=observation.value,
            bands=observation.bands,
        )
    except ValueError:
        return None  # a zero denominator: the metric pages flag it; no alert on it
    return value if value is not None and np.isfinite(value) else None


def _year_target(spec: MetricSpec, targets: list[Observation], month: Month) -> float | None:
    """The target for the whole financial year of ``month``, as the metric page's SPC uses."""
    year = FinancialYear.of(month.first_day)
    for target in sorted(targets, key=lambda t: t.months):
        if target.period_start <= year.start and target.period_end >= year.end:
            value = target.estimate(spec).value
            if value is not None:
                return value
    return None


def _metric_link(series: _Series) -> str:
    return reverse("metric-detail", args=[series.area.code, series.metric.code])


def _rebases(ids: set[int] | None) -> dict[tuple[int, int], list[Month]]:
    """The recorded SPC rebase months (ADR 0095), by (area id, metric id)."""
    rows = MetricRebase.objects.all()
    if ids is not None:
        rows = rows.filter(area_id__in=ids)
    found: dict[tuple[int, int], list[Month]] = defaultdict(list)
    for area_id, metric_id, month in rows.values_list("area_id", "metric_id", "month"):
        found[(area_id, metric_id)].append(Month.of(month))
    return found


def metric_events(areas: dict[int, Area], ids: set[int] | None) -> list[Event]:
    """Special-cause concern, assurance "fail" and worsened data RAG, for every series."""
    all_series = _series(areas, ids)
    events: list[Event] = []
    keys: list[int] = []
    positions: list[int] = []
    values: list[float] = []
    year_targets: list[float] = []
    improvements: list[str] = []
    starts: list[bool] = []
    months_of: dict[int, list[Month]] = {}
    rebases = _rebases(ids)
    for index, series in enumerate(all_series):
        spec = series.metric.spec
        improvement = "decrease" if spec.polarity == "lower_is_better" else "increase"
        kept: list[Month] = []
        target_of: dict[FinancialYear, float | None] = {}
        for month in series.months:
            value = _point(spec, series.actuals[month])
            if value is None:
                continue
            year = month.financial_year
            if year not in target_of:
                target_of[year] = _year_target(spec, series.targets, month)
            target = target_of[year]
            kept.append(month)
            keys.append(index)
            positions.append(month.index)
            values.append(value)
            year_targets.append(np.nan if target is None else target)
            improvements.append(improvement)
        months_of[index] = kept
        new_periods = set(
            rebase_positions(kept, rebases.get((series.area.pk, series.metric.pk), ()))
        )
        starts.extend(position in new_periods for position in range(len(kept)))
        events.extend(_rag_events(series))
    if keys:
        concern = rules.spc_concern_onsets(
            keys,
            positions,
            values,
            improvement=improvements,
            settings=rule_settings("spc_concern"),
            rebase=starts,
        )
        # The onsets are keyed by the keys given (object to core): here each series' int index.
        for index, onset in sorted(cast(dict[int, rules.Onset], concern).items()):
            events.append(_spc_event(all_series[index], months_of[index], onset))
        failing = rules.assurance_fail_onsets(
            keys,
            positions,
            values,
            year_targets,
            improvement=improvements,
            settings=rule_settings("assurance_fail"),
            rebase=starts,
        )
        for index, onset in sorted(cast(dict[int, rules.Onset], failing).items()):
            events.append(_assurance_event(all_series[index], months_of[index], onset))
    events.extend(funnel_events(all_series, everything=ids is None))
    return events


# -- funnel plots ----------------------------------------------------------------------------

FUNNEL_UNITS = (Metric.Unit.PROPORTION, Metric.Unit.RATE)
Counts = dict[tuple[int, Month], tuple[float, float]]  # (area, month) -> events, population


def _counts(observation: Observation) -> tuple[float, float] | None:
    n, d = observation.numerator, observation.denominator
    if n is None or d is None or not d > 0 or n < 0:
        return None
    return float(n), float(d)


def _peer_counts(metric_ids: list[int], first: Month) -> dict[int, Counts]:
    """Every area's monthly counts of these metrics from ``first`` on (the funnel's peers)."""
    found: dict[int, Counts] = defaultdict(dict)
    rows = MetricValue.objects.filter(
        metric_id__in=metric_ids,
        kind=MetricValue.Kind.ACTUAL,
        period_start__gte=first.first_day,
        numerator__isnull=False,
        denominator__isnull=False,
    ).values_list("area_id", "metric_id", "period_start", "period_end", "numerator", "denominator")
    # The isnull filters make numerator and denominator present, which the checker cannot know.
    typed_rows = cast(
        Iterator[tuple[int, int, date, date, float, float]], rows.iterator(chunk_size=5000)
    )
    for area_id, metric_id, start, end, numerator, denominator in typed_rows:
        if start.day == 1 and month_span(start, end) == 1 and denominator > 0 and numerator >= 0:
            found[metric_id][(area_id, Month.of(start))] = (numerator, denominator)
    return found


def funnel_events(all_series: list[_Series], *, everything: bool) -> list[Event]:
    """Areas in the bottom band of the funnel plot of all areas of their type, by month.

    With ``everything`` the series hold every area; otherwise (an evaluation after a change
    to some areas) the peers' counts are read for the months the rule needs.
    """
    setting = rule_settings("funnel_bottom")
    window = setting.lookback + 1
    subjects = [s for s in all_series if s.metric.unit in FUNNEL_UNITS and s.months]
    if not subjects:
        return []
    by_metric: dict[int, list[_Series]] = defaultdict(list)
    for series in subjects:
        by_metric[series.metric.pk].append(series)
    latest = {pk: max(s.months[-1] for s in group) for pk, group in by_metric.items()}
    if everything:
        counts: dict[int, Counts] = defaultdict(dict)
        for series in subjects:
            for month, observation in series.actuals.items():
                pair = _counts(observation)
                if pair is not None:
                    counts[series.metric.pk][(series.area.pk, month)] = pair
    else:
        first = min(latest.values()) - (window + setting.smoothing - 2)
        counts = _peer_counts(list(by_metric), first)
    types = dict(Area.objects.values_list("pk", "type"))
    events = []
    for metric_pk, group in sorted(by_metric.items()):
        metric = group[0].metric
        months = [latest[metric_pk] - back for back in range(window - 1, -1, -1)]
        labels = _funnel_labels(metric, counts[metric_pk], months, types, setting.smoothing)
        for series in group:
            area_labels = [labels.get((series.area.pk, month)) for month in months]
            onset = rules.funnel_bottom_onset(
                area_labels, polarity=series.metric.spec.polarity, settings=setting
            )
            if onset is not None:
                events.append(_funnel_event(series, months, onset, area_labels[-1] or ""))
    return events


def _funnel_labels(
    metric: Metric,
    counts: Counts,
    months: list[Month],
    types: dict[int, str],
    smoothing: int,
) -> dict[tuple[int, Month], str]:
    """The label of each area of each month, among the areas of its type."""
    labels: dict[tuple[int, Month], str] = {}
    areas = sorted({area for area, _ in counts})
    for month in months:
        pooled: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        for area in areas:
            window = [counts.get((area, month - back)) for back in range(smoothing)]
            if any(pair is None for pair in window):
                continue
            numerator = sum(pair[0] for pair in window if pair is not None)
            denominator = sum(pair[1] for pair in window if pair is not None)
            if metric.unit == Metric.Unit.PROPORTION and numerator > denominator:
                continue  # not a proportion: the metric pages flag it
            pooled[types.get(area, "")].append((area, numerator, denominator))
        for peers in pooled.values():
            found = rules.funnel_labels(
                [n for _, n, _ in peers],
                [d for _, _, d in peers],
                unit=metric.unit,
                multiplier=float(metric.multiplier),
            )
            for (area, _, _), label in zip(peers, found, strict=True):
                labels[(area, month)] = label
    return labels


def _funnel_event(series: _Series, months: list[Month], onset: rules.Onset, label: str) -> Event:
    started = months[onset.start]
    setting = rule_settings("funnel_bottom")
    level = "99.8%" if setting.funnel_level == "3s" else "95%"
    pooled = f", each month pooled over {setting.smoothing}" if setting.smoothing > 1 else ""
    kind = dict(Area.Type.choices).get(series.area.type, "area")
    return Event(
        key=f"funnel_bottom:{series.area.code}:{series.metric.code}:{started}",
        rule="funnel_bottom",
        area_id=series.area.pk,
        metric_id=series.metric.pk,
        started=started.first_day,
        title=f"{series.metric.name}: in the bottom funnel band in {series.area.name}",
        detail=(
            f"Since {started.label} {series.area.name} has been significantly worse than the "
            f"average of every {kind} on the funnel plot ({label}; outside the {level} limits, "
            f"PHE's method{pooled}) for {onset.length} month{'s' if onset.length != 1 else ''}."
        ),
        link=_metric_link(series),
    )


def _spc_event(series: _Series, months: list[Month], onset: rules.Onset) -> Event:
    started = months[onset.start]
    latest = months[-1]
    return Event(
        key=f"spc_concern:{series.area.code}:{series.metric.code}:{started}",
        rule="spc_concern",
        area_id=series.area.pk,
        metric_id=series.metric.pk,
        started=started.first_day,
        title=f"{series.metric.name}: special-cause concern in {series.area.name}",
        detail=(
            f"The SPC chart shows special-cause variation of concern from {started.label} to "
            f"{latest.label} ({onset.length} month{'s' if onset.length != 1 else ''})."
        ),
        link=_metric_link(series),
    )


def _assurance_event(series: _Series, months: list[Month], onset: rules.Onset) -> Event:
    started = months[onset.start]
    return Event(
        key=f"assurance_fail:{series.area.code}:{series.metric.code}:{started}",
        rule="assurance_fail",
        area_id=series.area.pk,
        metric_id=series.metric.pk,
        started=started.first_day,
        title=f"{series.metric.name}: will consistently miss its target in {series.area.name}",
        detail=(
            f"Since {started.label} the target has been outside the SPC process limits on the "
            "wrong side (the assurance icon is 'fail'): without a change to the process the "
            "target will not be met."
        ),
        link=_metric_link(series),
    )


def _rag_events(series: _Series) -> list[Event]:
    setting = rule_settings("data_rag_worsened")
    if not series.targets:
        return []
    found = rules.data_rag_worsened(
        series.metric.spec, series.actuals, series.targets, series.months, settings=setting
    )
    if found is None:
        return []
    started, change = found
    before, after = STATUS_WORDS[change.before], STATUS_WORDS[change.after]
    pooled = f" (each month pooled over {setting.smoothing})" if setting.smoothing > 1 else ""
    return [
        Event(
            key=f"data_rag_worsened:{series.area.code}:{series.metric.code}:{started}:{change.after}",
            rule="data_rag_worsened",
            area_id=series.area.pk,
            metric_id=series.metric.pk,
            started=started.first_day,
            title=f"{series.metric.name}: data RAG worsened to {after} in {series.area.name}",
            detail=(
                f"Against its target the metric went from {before} to {after} in "
                f"{started.label}{pooled}, and has been {after} for {change.onset.length} "
                f"month{'s' if change.onset.length != 1 else ''}."
            ),
            link=_metric_link(series),
        )
    ]


# -- returns, milestones, risks --------------------------------------------------------------


def return_events(areas: dict[int, Area], today: date) -> list[Event]:
    """Schemes whose return for an open month is incomplete after its due date."""
    setting = rule_settings("return_overdue")
    events = []
    periods = ReportingPeriod.objects.filter(
        area_id__in=areas, state=ReportingPeriod.State.OPEN
    ).order_by("area_id", "month")
    for period in periods:
        month = period.reporting_month
        if not rules.return_overdue(month, as_at=today, complete=False, due_days=setting.due_days):
            continue
        area = areas[period.area_id]
        due = rules.return_due_date(month, due_days=setting.due_days)
        for scheme, gaps in missing_returns(period):
            events.append(
                Event(
                    key=f"return_overdue:{area.code}:{scheme.ref}:{month}",
                    rule="return_overdue",
                    area_id=area.pk,
                    scheme_id=scheme.pk,
                    started=month.first_day,
                    title=f"{scheme.ref} return for {month.label} is overdue ({area.name})",
                    detail=(
                        f"The {month.label} return for {scheme.ref}: {scheme.name} was due on "
                        f"{due:%d %B %Y}; it has no status for "
                        f"{', '.join(gaps)}."
                    ),
                    link=reverse("scheme-return", args=[area.code, scheme.pk, str(month)]),
                )
            )
    return events


def milestone_events(areas: dict[int, Area], today: date) -> list[Event]:
    """Open milestones slipped beyond the tolerance."""
    setting = rule_settings("milestone_slipped")
    events = []
    month = Month.of(today)
    for milestone in Milestone.objects.filter(area_id__in=areas, completed_date__isnull=True):
        if not milestone.in_report(month):
            continue  # a later year's plan, not yet in force
        days = rules.milestone_slipped(
            milestone.baseline_date,
            revised=milestone.revised_date,
            completed=None,
            as_at=today,
            tolerance_days=setting.tolerance_days,
        )
        if days is None:
            continue
        area = areas[milestone.area_id]
        events.append(
            Event(
                key=f"milestone_slipped:{area.code}:{milestone.ref}:{milestone.baseline_date}",
                rule="milestone_slipped",
                area_id=area.pk,
                scheme_id=milestone.scheme_id,
                started=milestone.baseline_date,
                title=f"Milestone {milestone.ref} has slipped {days} days ({area.name})",
                detail=(
                    f"{milestone.ref}: {milestone.title}, due {milestone.baseline_date:%d %B %Y}, "
                    f"has slipped {days} days, more than the {setting.tolerance_days} tolerated."
                ),
                link=reverse("area-milestones", args=[area.code]),
            )
        )
    return events


def risk_events(areas: dict[int, Area]) -> list[Event]:
    """Risks scored higher than at their previous review."""
    events = []
    for risk in Risk.objects.filter(area_id__in=areas, previous_score__isnull=False):
        if not rules.risk_rose(risk.score, risk.previous_score):
            continue
        area = areas[risk.area_id]
        when: Any = risk.as_at or f"v{risk.version}"
        events.append(
            Event(
                key=f"risk_rose:{area.code}:{risk.ref}:{risk.previous_score}-{risk.score}:{when}",
                rule="risk_rose",
                area_id=area.pk,
                scheme_id=risk.scheme_id,
                started=risk.as_at,
                title=f"Risk {risk.ref} rose from {risk.previous_score} to {risk.score} ({area.name})",
                detail=f"{risk.ref}: {risk.title}. Likelihood {risk.likelihood} x impact "
                f"{risk.impact} = {risk.score}, up from {risk.previous_score}.",
                link=reverse("risk-edit", args=[area.code, risk.pk]),
            )
        )
    return events
