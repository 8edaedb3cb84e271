"""Writes to programmes: each takes the acting user (``by=``), runs in one transaction and
leaves its own entry in the history. Views, commands and tests call these, never ``save()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from bettercare.core.milestones import activity_month_problem, activity_problem
from bettercare.core.periods import Month
from bettercare.core.rag import (
    DIMENSIONS,
    PROGRAMME_DIMENSIONS,
    programme_status_problem,
    return_problem,
    risk_rating,
)
from bettercare.core.scheme_description import (
    DeliveryPartner,
    Investment,
    LocalKpi,
    description_problems,
)
from bettercare.web.accounts.models import User
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    PlannedActivity,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeStatus,
)


class ActionError(Exception):
    """An action that cannot be done, with the reason in words a user understands."""


def max_length(model: type[models.Model], name: str) -> int | None:
    """The most characters ``model``'s field ``name`` holds (its ``max_length``), or None for
    a field without a limit: the one source of every limit on a text's length (ADR 0128)."""
    field = model._meta.get_field(name)
    return field.max_length if isinstance(field, models.CharField) else None


def length_problem(
    model: type[models.Model], name: str, value: object, what: str = ""
) -> str | None:
    """Why ``value`` is too long for ``model``'s field ``name`` (``what`` it is, in words:
    the field's name when not given), or None."""
    limit = max_length(model, name)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    what = what or name.replace("_", " ")
    return f"The {what} must be at most {limit:,} characters, not {len(value):,}"


def check_lengths(model: type[models.Model], values: dict[str, Any]) -> None:
    """Refuse (:class:`ActionError`) any text too long for its field of ``model``."""
    problems = [p for name, value in values.items() if (p := length_problem(model, name, value))]
    if problems:
        raise ActionError("; ".join(problems) + ".")


def _alerts_after_change(area_id: int) -> None:
    """Evaluate the alert rules for the area once the change is committed (never fails it)."""
    from bettercare.web.alerts.engine import after_data_change

    after_data_change([area_id])


def _record(instance: object, by: User | None, reason: str) -> None:
    instance._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
    instance._change_reason = reason  # type: ignore[attr-defined]  # simple_history reads it


@transaction.atomic
def period_open(*, area: Area, month: Month, by: User | None) -> ReportingPeriod:
    """Open a reporting month for an area (or return it if it exists).

    Two people may open the same month at once: both find no period and both insert. The
    database's unique constraint lets one insert through; the other's insert fails inside its
    own savepoint and it returns the period the first one created, so both succeed.
    """
    period = ReportingPeriod.objects.filter(area=area, month=month.first_day).first()
    if period is not None:
        return period
    period = ReportingPeriod(area=area, month=month.first_day)
    _record(period, by, f"opened {month.label}")
    try:
        with transaction.atomic():
            period.save()
    except IntegrityError:
        return ReportingPeriod.objects.get(area=area, month=month.first_day)
    return period


def _locked(period: ReportingPeriod) -> ReportingPeriod:
    return ReportingPeriod.objects.select_for_update().get(pk=period.pk)


@transaction.atomic
def period_submit(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Mark a period submitted: all returns are in and it awaits sign-off."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.OPEN:
        raise ActionError(f"{period.label} is {period.get_state_display().lower()}, not open.")
    missing = missing_returns(period)
    if missing:
        raise ActionError(
            f"{period.label} cannot be submitted: {len(missing)} scheme(s) have returns missing "
            f"({', '.join(scheme.ref for scheme, _ in missing[:5])}"
            f"{', ...' if len(missing) > 5 else ''})."
        )
    period.state = ReportingPeriod.State.SUBMITTED
    period.submitted_at = timezone.now()
    period.submitted_by = by
    _record(period, by, "submitted")
    period.save()
    return period


@transaction.atomic
def period_sign_off(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Sign a submitted period off: from now on it is read-only."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.SUBMITTED:
        raise ActionError(
            f"{period.label} is {period.get_state_display().lower()}; "
            "only a submitted period can be signed off."
        )
    period.state = ReportingPeriod.State.SIGNED_OFF
    period.signed_off_at = timezone.now()
    period.signed_off_by = by
    _record(period, by, "signed off")
    period.save()
    return period


@transaction.atomic
def period_reopen(*, period: ReportingPeriod, by: User | None) -> ReportingPeriod:
    """Return a submitted period to open, e.g. to correct a return before sign-off."""
    period = _locked(period)
    if period.state != ReportingPeriod.State.SUBMITTED:
        raise ActionError(
            f"{period.label} is {period.get_state_display().lower()}; "
            "only a submitted period can be reopened."
        )
    period.state = ReportingPeriod.State.OPEN
    _record(period, by, "reopened")
    period.save()
    return period


class StaleEditError(ActionError):
    """Someone else saved first: nothing was saved, so that nobody overwrites anybody."""

    def __init__(self, message: str, changed_by: str, changed_at: object) -> None:
        super().__init__(message)
        self.changed_by = changed_by
        self.changed_at = changed_at

    @classmethod
    def since(cls, row: Any, what: str, then: str) -> StaleEditError:
        """The error for ``row``, naming who saved it last (from its history)."""
        record = row.history.first() if row is not None else None
        who = "someone else"
        if record is not None and record.history_user is not None:
            who = record.history_user.get_full_name() or record.history_user.username
        return cls(
            f"{what} was changed by {who} after you opened it, so your changes have not been "
            f"saved. {then}",
            who,
            record.history_date if record else None,
        )


@dataclass(frozen=True)
class DimensionReturn:
    """What a lead returns for one dimension of a scheme."""

    status: str
    commentary: str = ""
    additional_information: str = ""
    start_date: date | None = None
    forecast_outturn: Decimal | None = None
    savings_achieved: Decimal | None = None


def _editable(period: ReportingPeriod) -> None:
    if not period.is_recorded:
        raise ActionError(
            f"{period.label} has not been opened for returns: the programme manager opens it "
            "on the periods page."
        )
    if period.state != ReportingPeriod.State.OPEN:
        raise ActionError(
            f"{period.label} is {period.get_state_display().lower()}, so its returns can no "
            "longer be changed."
            + (" Ask the programme manager to reopen it." if period.state == "submitted" else "")
        )


def _check_return(scheme: Scheme, dimension: str, values: DimensionReturn) -> None:
    """Refuse a dimension's return that breaks the RAG guidelines, as the form would."""
    if dimension not in DIMENSIONS:
        raise ActionError(
            f"There is no dimension {dimension!r}: use one of {', '.join(DIMENSIONS)}."
        )
    problem = return_problem(
        dimension,
        values.status,
        enabler=scheme.enabler,
        commentary=values.commentary,
        start_date=values.start_date,
    )
    if problem is not None:
        raise ActionError(problem.message)


@transaction.atomic
def scheme_return_save(
    *,
    scheme: Scheme,
    period: ReportingPeriod,
    dimensions: dict[str, DimensionReturn],
    seen_versions: dict[str, int],
    by: User | None,
) -> list[SchemeStatus]:
    """Save a scheme's monthly return (one status per dimension) as one change.

    ``seen_versions`` holds the version of each dimension's status the person started from
    (0 where there was none); if anyone has saved since, nothing is saved and
    :class:`StaleEditError` says who and when.
    """
    period = _locked(period)
    _editable(period)
    if scheme.area_id != period.area_id:
        raise ActionError("The scheme does not belong to this area.")
    for dimension, values in dimensions.items():
        _check_return(scheme, dimension, values)
    existing = {
        s.dimension: s
        for s in SchemeStatus.objects.select_for_update().filter(period=period, scheme=scheme)
    }
    for dimension in dimensions:
        current = existing.get(dimension)
        if (current.version if current else 0) != seen_versions.get(dimension, 0):
            raise StaleEditError.since(
                current, "This return", "Their changes are shown below: check them and save again."
            )
    saved = []
    for dimension, values in dimensions.items():
        status = existing.get(dimension) or SchemeStatus(
            period=period, scheme=scheme, dimension=dimension, version=0
        )
        changed = False
        for name in (
            "status",
            "commentary",
            "additional_information",
            "start_date",
            "forecast_outturn",
            "savings_achieved",
        ):
            value = getattr(values, name)
            if getattr(status, name) != value:
                setattr(status, name, value)
                changed = True
        if changed or status.pk is None:
            status.version += 1
            _record(status, by, f"{period.label} return")
            status.save()
        saved.append(status)
    _alerts_after_change(period.area_id)
    return saved


@transaction.atomic
def programme_status_save(
    *,
    period: ReportingPeriod,
    statuses: dict[str, tuple[str, str]],
    seen_versions: dict[str, int],
    by: User | None,
) -> list[ProgrammeStatus]:
    """Set the overall programme status (plan, benefits, budget) for a period."""
    period = _locked(period)
    _editable(period)
    existing = {
        s.dimension: s for s in ProgrammeStatus.objects.select_for_update().filter(period=period)
    }
    for dimension in statuses:
        current = existing.get(dimension)
        if (current.version if current else 0) != seen_versions.get(dimension, 0):
            raise StaleEditError.since(
                current, "The programme status", "Check theirs, shown below, and save again."
            )
    for dimension, (status, summary) in statuses.items():
        if dimension not in PROGRAMME_DIMENSIONS:
            raise ActionError(
                f"There is no programme dimension {dimension!r}: use one of "
                f"{', '.join(PROGRAMME_DIMENSIONS)}."
            )
        problem = programme_status_problem(
            dimension,
            status,
            summary=summary,
        )
        if problem is not None:
            raise ActionError(problem)
    saved = []
    for dimension, (status, summary) in statuses.items():
        row = existing.get(dimension) or ProgrammeStatus(
            period=period, dimension=dimension, version=0
        )
        if row.pk is None or (row.status, row.summary) != (status, summary):
            row.status, row.summary = status, summary
            row.version += 1
            _record(row, by, f"{period.label} programme status")
            row.save()
        saved.append(row)
    return saved


def missing_returns(period: ReportingPeriod) -> list[tuple[Scheme, list[str]]]:
    """Schemes of the period's area without a status on every dimension (two queries)."""
    from bettercare.core.ordering import natural_key

    done: dict[int, set[str]] = {}
    for scheme_id, dimension in SchemeStatus.objects.filter(period=period).values_list(
        "scheme_id", "dimension"
    ):
        done.setdefault(scheme_id, set()).add(dimension)
    missing = []
    schemes = sorted(
        Scheme.objects.filter(area_id=period.area_id), key=lambda s: natural_key(s.ref)
    )
    for scheme in schemes:
        gaps: list[str] = [d for d in DIMENSIONS if d not in done.get(scheme.pk, set())]
        if gaps:
            missing.append((scheme, gaps))
    return missing


def versioned_update(
    model: type[Any],
    pk: int,
    *,
    changes: dict[str, Any],
    seen_version: int,
    by: User | None,
    reason: str,
) -> Any:
    """Update one row only if nobody has saved it since ``seen_version`` was read."""
    check_lengths(model, changes)
    with transaction.atomic():
        row = model.objects.select_for_update().get(pk=pk)
        if row.version != seen_version:
            raise StaleEditError.since(
                row, "This", "Their version is shown below: check it and make your change again."
            )
        changed = {name: value for name, value in changes.items() if getattr(row, name) != value}
        if not changed:
            return row
        for name, value in changed.items():
            setattr(row, name, value)
        row.version += 1
        _record(row, by, reason)
        row.save()
        return row


def milestone_update(
    *, milestone: Milestone, changes: dict[str, Any], seen_version: int, by: User | None
) -> Milestone:
    """Change a milestone's revised or completed date or its comments."""
    allowed = {"revised_date", "completed_date", "comments"}
    if set(changes) - allowed:
        raise ActionError(f"Only {', '.join(sorted(allowed))} can be changed here.")
    with transaction.atomic():
        result: Milestone = versioned_update(
            Milestone,
            milestone.pk,
            changes=changes,
            seen_version=seen_version,
            by=by,
            reason="milestone updated",
        )
        _alerts_after_change(result.area_id)
    return result


def risk_update(*, risk: Risk, changes: dict[str, Any], seen_version: int, by: User | None) -> Risk:
    """Re-score or re-rate a risk or change its mitigation; the old score becomes the previous
    score. A risk keeps a score (likelihood and impact), the plan's rating, or both."""
    allowed = {"likelihood", "impact", "rating", "mitigation", "owner"}
    if set(changes) - allowed:
        raise ActionError(f"Only {', '.join(sorted(allowed))} can be changed here.")
    for name in ("likelihood", "impact"):
        value = changes.get(name)
        if value is not None and not 1 <= value <= 5:
            raise ActionError(f"{name.capitalize()} must be from 1 to 5.")
    if "rating" in changes:
        rating = changes["rating"] or ""
        try:
            changes = {**changes, "rating": risk_rating(rating) if rating else ""}
        except ValueError as error:
            raise ActionError(f"Rating must be High, Medium or Low, got {rating!r}.") from error
    after = {name: changes.get(name, getattr(risk, name)) for name in ("likelihood", "impact")}
    rescored = "likelihood" in changes or "impact" in changes
    if rescored and (after["likelihood"] is None) != (after["impact"] is None):
        raise ActionError("A risk needs both a likelihood and an impact to be scored, or neither.")
    new_score = (changes.get("likelihood") or 0) * (changes.get("impact") or 0)
    if risk.score is not None and new_score and new_score != risk.score:
        changes = {**changes, "previous_score": risk.score}
    with transaction.atomic():
        result: Risk = versioned_update(
            Risk, risk.pk, changes=changes, seen_version=seen_version, by=by, reason="risk reviewed"
        )
        _alerts_after_change(result.area_id)
    return result


@transaction.atomic
def planned_activity_add(
    *,
    period: ReportingPeriod,
    group: str,
    text: str,
    by: User | None,
    month: Month | None = None,
) -> PlannedActivity:
    """Add a key activity planned over the next three months to the period's highlight
    report, at the end of its group; in one of the three months, or none (during them)."""
    period = _locked(period)
    _editable(period)
    text = text.strip()
    problem = activity_problem(group, text) or activity_month_problem(period.reporting_month, month)
    if problem is not None:
        raise ActionError(problem)
    siblings = PlannedActivity.objects.filter(period=period, group=group)
    if siblings.filter(text=text).exists():
        raise ActionError(f"{text!r} is already planned in this group for {period.label}.")
    last = siblings.order_by("-position").values_list("position", flat=True).first()
    activity = PlannedActivity(
        period=period,
        group=group,
        text=text,
        month=None if month is None else month.first_day,
        position=0 if last is None else last + 1,
    )
    _record(activity, by, f"{period.label} planned activity added")
    activity.save()
    return activity


@transaction.atomic
def planned_activity_remove(*, activity: PlannedActivity, by: User | None) -> None:
    """Remove a planned activity from its period's highlight report (kept in the history)."""
    period = _locked(activity.period)
    _editable(period)
    _record(activity, by, f"{period.label} planned activity removed")
    activity.delete()


#: The text headings of a scheme description, as fields of :class:`Scheme`.
DESCRIPTION_TEXTS = (
    "strategic_objective",
    "description",
    "target_cohorts",
    "evidence_base",
    "outcomes",
    "success_factors",
)


@dataclass(frozen=True)
class SchemeDescription:
    """A scheme's full description (seed 003): its texts, delivery chain, investment by year,
    the metrics it affects (primary keys) and its local KPIs."""

    texts: dict[str, str]
    partners: tuple[DeliveryPartner, ...] = ()
    investments: tuple[Investment, ...] = ()
    kpis: tuple[LocalKpi, ...] = ()
    metric_ids: frozenset[int] = frozenset()


def _replace_rows(
    model: type[Any],
    scheme: Scheme,
    key: tuple[str, ...],
    wanted: list[dict[str, Any]],
    by: User | None,
    reason: str,
) -> bool:
    """Make the scheme's rows of ``model`` exactly ``wanted`` (matched by ``key``): each
    created, changed or removed row leaves its own history entry. Whether anything changed."""
    existing = {
        tuple(getattr(row, name) for name in key): row
        for row in model.objects.filter(scheme=scheme)
    }
    changed = False
    keep = set()
    for values in wanted:
        identity = tuple(values[name] for name in key)
        keep.add(identity)
        row = existing.get(identity) or model(scheme=scheme)
        if row.pk is not None and all(getattr(row, n) == v for n, v in values.items()):
            continue
        for name, value in values.items():
            setattr(row, name, value)
        _record(row, by, reason)
        row.save()
        changed = True
    for identity, row in existing.items():
        if identity not in keep:
            _record(row, by, reason)
            row.delete()
            changed = True
    return changed


def scheme_description_save(
    *, scheme: Scheme, description: SchemeDescription, seen_version: int, by: User | None
) -> Scheme:
    """Replace a scheme's description as one change: its texts, delivery chain, investment by
    year, metrics impacted and local KPIs (bettercare.core.scheme_description's rules).

    Refused with nothing written if any entry breaks a rule, or if anyone has changed the
    scheme since ``seen_version`` was read (:class:`StaleEditError` names who).
    """
    problems = description_problems(description.partners, description.investments, description.kpis)
    problems += [
        problem
        for model, entries in (
            (SchemeDeliveryPartner, description.partners),
            (SchemeInvestment, description.investments),
            (SchemeKpi, description.kpis),
        )
        for entry in entries
        for name, value in asdict(entry).items()
        if (
            problem := length_problem(
                model, name, value.strip() if isinstance(value, str) else value
            )
        )
    ]
    if problems:
        raise ActionError("; ".join(problems) + ".")
    unknown = set(description.texts) - set(DESCRIPTION_TEXTS)
    if unknown:
        raise ActionError(f"Only {', '.join(DESCRIPTION_TEXTS)} can be changed here.")
    from bettercare.web.performance.models import Metric

    if len(Metric.objects.filter(pk__in=description.metric_ids)) != len(description.metric_ids):
        raise ActionError("One of the metrics impacted is not a known metric.")
    reason = "scheme description updated"
    with transaction.atomic():
        row = Scheme.objects.select_for_update().get(pk=scheme.pk)
        if row.version != seen_version:
            raise StaleEditError.since(
                row,
                "This scheme's description",
                "Their version is shown below: check it and make your change again.",
            )
        texts = {name: value.strip() for name, value in description.texts.items()}
        changed = any(getattr(row, name) != value for name, value in texts.items())
        changed |= _replace_rows(
            SchemeDeliveryPartner,
            row,
            ("organisation", "role"),
            [
                {
                    "organisation": p.organisation.strip(),
                    "role": p.role,
                    "responsibility": p.responsibility.strip(),
                    "position": position,
                }
                for position, p in enumerate(description.partners)
            ],
            by,
            reason,
        )
        changed |= _replace_rows(
            SchemeInvestment,
            row,
            ("financial_year",),
            [
                {"financial_year": i.financial_year, "amount": i.amount}
                for i in description.investments
            ],
            by,
            reason,
        )
        changed |= _replace_rows(
            SchemeKpi,
            row,
            ("name", "level"),
            [
                {
                    "name": k.name.strip(),
                    "level": k.level,
                    "target": k.target,
                    "unit": k.unit.strip(),
                    "cadence": k.cadence,
                    "reported_to": k.reported_to.strip(),
                    "position": position,
                }
                for position, k in enumerate(description.kpis)
            ],
            by,
            reason,
        )
        metrics_changed = set(row.metrics.values_list("pk", flat=True)) != description.metric_ids
        if not (changed or metrics_changed):
            return row
        for name, value in texts.items():
            setattr(row, name, value)
        row.version += 1
        _record(row, by, reason)
        row.save()
        if metrics_changed:
            _record(row, by, reason)
            row.metrics.set(description.metric_ids)
        _alerts_after_change(row.area_id)
    return row
