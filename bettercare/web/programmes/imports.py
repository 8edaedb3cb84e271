"""Importing a programme workbook into the database: atomic, idempotent, audited.

The workbook is read and checked by :mod:`bettercare.workbook` against what the database
already holds. With any error nothing is written. Otherwise every sheet is upserted by its
natural key (area + code/ref + period) in one transaction: new rows are created, changed rows
updated (their version goes up) and unchanged rows left alone, so importing the same
workbook twice changes nothing. Every write records who made it and why in the history.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

from django.db import IntegrityError, models, transaction

from bettercare.core.scheme_description import DeliveryPartner, legacy_partners
from bettercare.web.accounts.models import User
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.finance.models import (
    Funding,
    NationalCondition,
    PayForPerformance,
    PerformancePayment,
    PlanDetails,
    PlanSignOff,
    SavingsPlan,
    SchemeFinance,
)
from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase, MetricValue
from bettercare.web.programmes import bulk
from bettercare.web.programmes.actions import DESCRIPTION_TEXTS
from bettercare.web.programmes.bulk import Upserted
from bettercare.web.programmes.models import (
    Achievement,
    Area,
    Milestone,
    PlannedActivity,
    Programme,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeDeliveryPartner,
    SchemeInvestment,
    SchemeKpi,
    SchemeStatus,
    Theme,
)
from bettercare.web.programmes.tree import areas_upsert
from bettercare.workbook import (
    Known,
    Message,
    MetricInfo,
    Record,
    ValidatedWorkbook,
    WorkbookError,
    read_workbook,
    validate_workbook,
)
from bettercare.workbook.validate import RETURN_SHEETS, exact_number, signed_off_row

Progress = Callable[[str, int], None]
IMPORT_ATTEMPTS = 3


@dataclass
class SheetCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a failed check, would have done)."""

    source: str
    messages: list[Message]
    counts: dict[str, SheetCounts] = field(default_factory=dict)
    dry_run: bool = False
    written: bool = False

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors


def _signed_off_rows() -> dict[str, set[tuple[Any, ...]]]:
    """The returns already held for signed-off periods, as the workbook would write them."""
    signed_off = {"period__state": ReportingPeriod.State.SIGNED_OFF}
    statuses = {
        signed_off_row(
            "status_updates",
            {
                "area_code": s.period.area.code,
                "period": f"{s.period.month:%Y-%m}",
                "scheme_ref": s.scheme.ref,
                "dimension": s.dimension,
                "status": s.status,
                "commentary": s.commentary,
                "additional_information": s.additional_information,
                "start_date": s.start_date,
                "forecast_outturn": s.forecast_outturn,
                "savings_achieved": s.savings_achieved,
            },
        )
        for s in SchemeStatus.objects.filter(**signed_off).select_related("period__area", "scheme")
    }
    programme = {
        signed_off_row(
            "programme_status",
            {
                "area_code": s.period.area.code,
                "period": f"{s.period.month:%Y-%m}",
                "dimension": s.dimension,
                "status": s.status,
                "summary": s.summary,
            },
        )
        for s in ProgrammeStatus.objects.filter(**signed_off).select_related("period__area")
    }
    achievements = {
        signed_off_row(
            "achievements",
            {"area_code": a.period.area.code, "period": f"{a.period.month:%Y-%m}", "text": a.text},
        )
        for a in Achievement.objects.filter(**signed_off).select_related("period__area")
    }
    activities = {
        signed_off_row(
            "planned_activities",
            {
                "area_code": a.period.area.code,
                "period": f"{a.period.month:%Y-%m}",
                "group": a.group,
                "text": a.text,
                "month": None if a.month is None else f"{a.month:%Y-%m}",
            },
        )
        for a in PlannedActivity.objects.filter(**signed_off).select_related("period__area")
    }
    return {
        "status_updates": statuses,
        "programme_status": programme,
        "achievements": achievements,
        "planned_activities": activities,
    }


def _actual_months(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], set[date]]:
    """The first days of the monthly actuals held for each (area code, metric code) pair."""
    found: dict[tuple[str, str], set[date]] = {}
    for area, metric in pairs:
        found[(area, metric)] = {
            start
            for start, end in MetricValue.objects.filter(
                area__code=area, metric__code=metric, kind=MetricValue.Kind.ACTUAL
            ).values_list("period_start", "period_end")
            if start.day == 1 and (start.year, start.month) == (end.year, end.month)
        }
    return found


def _fields(
    model: type[models.Model], sheet: str, **columns: str
) -> dict[tuple[str, str], models.Field[Any, Any]]:
    # Each a column of the model, never a relation's reverse side.
    return {
        (sheet, column): cast("models.Field[Any, Any]", model._meta.get_field(name))
        for column, name in columns.items()
    }


#: The model field each text column of the workbook is written to (a code column too where it
#: is a row's own code or ref, not a reference to another row): where the limits on their
#: lengths come from (ADR 0128).
COLUMN_FIELDS: dict[tuple[str, str], models.Field[Any, Any]] = {
    **_fields(
        Area,
        "programme",
        area_name="name",
    ),
    **_fields(
        Programme,
        "programme",
        programme_name="name",
        local_authority="local_authority",
        commissioners="commissioners",
    ),
    **_fields(
        Funding,
        "funding",
        stream="stream",
        organisation="organisation",
        part_of="part_of",
        passported_to="passported_to",
    ),
    **_fields(Theme, "themes", code="code", name="name", priority="priority"),
    **_fields(
        Scheme,
        "schemes",
        ref="ref",
        name="name",
        lead="lead",
        **{name: name for name in DESCRIPTION_TEXTS},
    ),
    # An older workbook's commissioner and provider join the delivery chain (ADR 0120).
    **_fields(SchemeDeliveryPartner, "schemes", commissioner="organisation"),
    **_fields(SchemeDeliveryPartner, "schemes", provider="organisation"),
    **_fields(
        SchemeDeliveryPartner,
        "scheme_delivery_chain",
        organisation="organisation",
        responsibility="responsibility",
    ),
    **_fields(SchemeKpi, "scheme_kpis", kpi="name", unit="unit", reported_to="reported_to"),
    **_fields(Metric, "metrics", code="code", name="name", description="description"),
    **_fields(MetricValue, "metric_values", note="note", source="source"),
    **_fields(MetricCommentary, "metric_commentary", commentary="commentary"),
    **_fields(MetricRebase, "spc_rebase", reason="reason"),
    **_fields(Milestone, "milestones", ref="ref", title="title", comments="comments"),
    **_fields(
        Risk,
        "risks",
        ref="ref",
        title="title",
        description="description",
        mitigation="mitigation",
        owner="owner",
    ),
    **_fields(
        SchemeStatus,
        "status_updates",
        commentary="commentary",
        additional_information="additional_information",
    ),
    **_fields(ProgrammeStatus, "programme_status", summary="summary"),
    **_fields(Achievement, "achievements", text="text"),
    **_fields(PlannedActivity, "planned_activities", text="text"),
    **_fields(
        AssuranceRating,
        "assurance",
        round="round",
        criterion="criterion",
        comment="comment",
        footnote="footnote",
    ),
    **_fields(PayForPerformance, "pay_for_performance", metric="metric", basis="basis"),
    **_fields(PerformancePayment, "performance_payments", period="period", covers="covers"),
    **_fields(PlanDetails, "plan_details", hwb_note="hwb_note"),
    **_fields(
        PlanSignOff,
        "plan_sign_offs",
        on_behalf_of="on_behalf_of",
        signed_by="signed_by",
        position="position",
    ),
    **_fields(
        NationalCondition, "national_conditions", condition="condition", statement="statement"
    ),
}

#: The most characters each text column's field holds (its ``max_length``; a text field
#: has none): the workbook refuses a longer text with one line (ADR 0128).
COLUMN_LENGTHS: dict[tuple[str, str], int] = {
    column: field.max_length
    for column, field in COLUMN_FIELDS.items()
    if isinstance(field, models.CharField) and field.max_length is not None
}


def known_references() -> Known:
    """What the database holds that a workbook may refer to."""
    return Known(
        areas=set(Area.objects.values_list("code", flat=True)),
        schemes={
            (area, ref): start
            for area, ref, start in Scheme.objects.values_list("area__code", "ref", "start_date")
        },
        themes=set(Theme.objects.values_list("area__code", "code")),
        metrics={
            code: MetricInfo(
                unit,
                float(multiplier),
                polarity,
                frequency,
                national,
                applies_from,
                applies_to,
                name,
            )
            for (
                code,
                unit,
                multiplier,
                polarity,
                frequency,
                national,
                applies_from,
                applies_to,
                name,
            ) in Metric.objects.values_list(
                "code",
                "unit",
                "multiplier",
                "polarity",
                "frequency",
                "is_national",
                "applies_from",
                "applies_to",
                "name",
            )
        },
        baselines=set(
            MetricValue.objects.filter(kind=MetricValue.Kind.BASELINE)
            .values_list("area__code", "metric__code")
            .distinct()
        ),
        signed_off={
            (area, f"{month:%Y-%m}")
            for area, month in ReportingPeriod.objects.filter(
                state=ReportingPeriod.State.SIGNED_OFF
            ).values_list("area__code", "month")
        },
        signed_off_rows=_signed_off_rows(),
        actual_months=_actual_months,
        lengths=COLUMN_LENGTHS,
    )


def check_workbook(path: Path) -> ValidatedWorkbook:
    """Read and check a workbook against the database, writing nothing."""
    return validate_workbook(read_workbook(path), known_references())


@contextmanager
def _collection_paused() -> Iterator[None]:
    """The cyclic garbage collector paused: reading a workbook makes millions of small
    objects that all live until it is written, and each full collection would walk them all
    again (a third of the time of a large import). Nothing an import makes is a cycle it
    must free early; collection resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_workbook(
    path: Path,
    *,
    by: User | None,
    dry_run: bool = False,
    reason: str = "",
    progress: Progress | None = None,
    mark_demo: bool = False,
) -> ImportResult:
    """Check a workbook and, if it has no errors and this is not a dry run, write it.

    Parameters
    ----------
    path : Path
        An ``.xlsx`` file or a folder of ``.csv`` files.
    by : User or None
        Who is importing, recorded in the history with ``reason``.
    dry_run : bool
        Check only.
    progress : callable, optional
        Called with a sheet name and a number of rows as each sheet is written.
    mark_demo : bool
        Label the workbook's areas as demonstration data.
    """
    with _collection_paused():
        return _import_workbook(
            path, by=by, dry_run=dry_run, reason=reason, progress=progress, mark_demo=mark_demo
        )


def _import_workbook(
    path: Path,
    *,
    by: User | None,
    dry_run: bool,
    reason: str,
    progress: Progress | None,
    mark_demo: bool,
) -> ImportResult:
    # The rows to create are those the database did not hold when checked. Someone else (an
    # import, or a manager opening a period) may create one of them before this commits: the
    # unique constraints refuse the second row, and the import is checked and written again
    # against what is there now, so nothing is duplicated and nobody sees an error page.
    for attempt in range(1, IMPORT_ATTEMPTS + 1):
        validated = check_workbook(Path(path))
        result = ImportResult(validated.source, validated.messages, dry_run=dry_run)
        if not validated.ok or dry_run:
            return result
        writer = _Writer(
            validated,
            by=by,
            reason=reason or f"imported from {validated.source}",
            progress=progress or (lambda sheet, rows: None),
            mark_demo=mark_demo,
        )
        try:
            with transaction.atomic():
                result.counts = writer.write()  # the bulk writer moves the data versions on
                if any(c.created or c.updated for c in result.counts.values()):
                    from bettercare.web.alerts.engine import after_data_change

                    after_data_change()  # once committed; never fails the import
        except IntegrityError:
            if attempt == IMPORT_ATTEMPTS:
                raise WorkbookError(
                    f"{validated.source} was not imported: the same rows were being written by "
                    "someone else at the same time; nothing was changed, so import it again"
                ) from None
            continue
        result.written = True
        return result
    raise AssertionError("unreachable")


class _Writer:
    def __init__(
        self,
        validated: ValidatedWorkbook,
        *,
        by: User | None,
        reason: str,
        progress: Progress,
        mark_demo: bool,
    ) -> None:
        self.validated = validated
        self.by = by
        self.reason = reason
        self.progress = progress
        self.mark_demo = mark_demo
        self.counts: dict[str, SheetCounts] = {}
        self.areas: dict[str, Area] = {}
        self.schemes: dict[tuple[str, str], Scheme] = {}
        self.periods: dict[tuple[str, str], ReportingPeriod] = {}
        self.metrics: dict[str, Metric] = {}

    def rows(self, sheet: str) -> list[Record]:
        return self.validated.rows(sheet)

    # -- the generic upsert -----------------------------------------------------------------

    def upsert(
        self,
        sheet: str,
        model: type[models.Model],
        key: Sequence[str],
        rows: Iterable[dict[str, Any]],
        existing: models.QuerySet[Any],
        provenance: Sequence[str] = (),
    ) -> Upserted:
        """Create or update ``rows`` (field values) by ``key`` with the bulk writer.

        ``provenance`` fields (where a row came from) are written with a change but are not a
        change by themselves, so the same workbook under another file name changes nothing.
        """
        result = bulk.upsert(
            model,
            key,
            rows,
            existing=existing,
            by=self.by,
            reason=self.reason,
            provenance=provenance,
        )
        return self.counted(sheet, result)

    def upsert_columns(
        self,
        sheet: str,
        model: type[models.Model],
        key: Sequence[str],
        columns: dict[str, list[Any]],
        existing: models.QuerySet[Any],
        provenance: Sequence[str] = (),
    ) -> Upserted:
        """:meth:`upsert` of rows given by column (:func:`bulk.upsert_columns`)."""
        result = bulk.upsert_columns(
            model,
            key,
            columns,
            existing=existing,
            by=self.by,
            reason=self.reason,
            provenance=provenance,
        )
        return self.counted(sheet, result)

    def counted(self, sheet: str, result: Upserted) -> Upserted:
        """Add an upsert's rows to ``sheet``'s counts and report the progress."""
        counts = self.counts.setdefault(sheet, SheetCounts())
        counts.created += result.created
        counts.updated += result.updated
        counts.unchanged += result.unchanged
        self.progress(sheet, result.created + result.updated + result.unchanged)
        return result

    def upsert_present(
        self,
        sheet: str,
        model: type[models.Model],
        key: Sequence[str],
        rows: list[dict[str, Any]],
        existing: models.QuerySet[Any],
    ) -> None:
        """:meth:`upsert` for a sheet the workbook has rows on (an absent sheet counts none)."""
        if rows:
            self.upsert(sheet, model, key, rows, existing)

    # -- sheets -----------------------------------------------------------------------------

    def write(self) -> dict[str, SheetCounts]:
        self.write_areas()
        self.write_metrics()
        self.write_themes_and_schemes()
        self.write_scheme_descriptions()
        self.write_finance()
        self.write_metric_values()
        self.write_metric_commentary()
        self.write_spc_rebase()
        self.write_milestones_and_risks()
        self.write_returns()
        self.write_assurance()
        self.write_plan()
        # A programme row is its area and its programme: a renamed programme is an update.
        programmes = self.counts.pop("_programmes", SheetCounts())
        areas = self.counts.get("programme")
        if areas is not None:
            moved = min(programmes.updated, areas.unchanged)
            areas.unchanged -= moved
            areas.updated += moved
        return self.counts

    def area_id(self, code: str) -> int:
        return self.areas[code].pk

    def write_areas(self) -> None:
        records = self.rows("programme")
        codes: set[str] | list[str]  # every area named, then each level's in turn
        codes = {r["parent_code"] for r in records if r["parent_code"]}
        for sheet in self.validated.sheet_names:
            codes |= {code or "" for code in self.validated.distinct(sheet, "area_code")}
        codes.discard("")
        known = {a.code: a for a in Area.objects.filter(code__in=codes)}
        rows = []
        for record in records:
            values = {
                "code": record["area_code"],
                "name": record["area_name"],
                "type": record["area_type"],
                "parent_code": record["parent_code"] or None,
                "valid_from": record["valid_from"],
                "valid_to": record["valid_to"],
            }
            if self.mark_demo:
                values["is_demo"] = True
            rows.append(values)

        def counted(level: Upserted) -> None:
            self.counted("programme", level)

        # Parents first (validation has named any parent that does not exist).
        written = areas_upsert(rows, known=known, by=self.by, reason=self.reason, on_level=counted)
        self.areas = written.areas
        programmes = [
            {
                "area_id": self.area_id(r["area_code"]),
                "name": r["programme_name"],
                "local_authority": r["local_authority"] or "",
                "commissioners": r["commissioners"] or "",
            }
            for r in records
            if r["programme_name"]
        ]
        self.upsert(
            "_programmes",
            Programme,
            ("area_id",),
            programmes,
            Programme.objects.filter(area_id__in=[p["area_id"] for p in programmes]),
        )

    def write_metrics(self) -> None:
        records = self.rows("metrics")
        national = set(Metric.objects.filter(is_national=True).values_list("code", flat=True))
        local = [r for r in records if r["code"] not in national]
        rows = [
            {
                "code": r["code"],
                "name": r["name"],
                "unit": r["unit"],
                "multiplier": r["multiplier"],
                "polarity": r["polarity"],
                "frequency": r["frequency"],
                "description": r["description"] or "",
                "is_national": False,
            }
            for r in local
        ]
        self.upsert(
            "metrics",
            Metric,
            ("code",),
            rows,
            Metric.objects.filter(code__in=[r["code"] for r in rows]),
        )
        codes = (
            self.validated.distinct("metric_values", "metric_code")
            | {r["metric_code"] for r in self.rows("metric_commentary")}
            | {r["metric_code"] for r in self.rows("spc_rebase")}
            | {code for r in self.rows("schemes") for code in r["metrics_impacted"] or ()}
            | {r["code"] for r in records}
            | {r["parent_code"] for r in records if r["parent_code"]}
        )
        self.metrics = {m.code: m for m in Metric.objects.filter(code__in=codes)}
        # The links between local metrics, once every metric exists (not counted as changes).
        bulk.upsert(
            Metric,
            ("code",),
            [
                {
                    "code": r["code"],
                    "parent_id": self.metrics[r["parent_code"]].pk if r["parent_code"] else None,
                }
                for r in local
            ],
            existing=Metric.objects.filter(code__in=[r["code"] for r in local]),
            by=self.by,
            reason=self.reason,
        )
        self.metrics = {m.code: m for m in Metric.objects.filter(code__in=codes)}

    def write_themes_and_schemes(self) -> None:
        area_ids = [a.pk for a in self.areas.values()]
        self.upsert(
            "themes",
            Theme,
            ("area_id", "code"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "code": r["code"],
                    "name": r["name"],
                    "priority": r["priority"] or "",
                }
                for r in self.rows("themes")
            ],
            Theme.objects.filter(area_id__in=area_ids),
        )
        theme_ids = {(t.area_id, t.code): t.pk for t in Theme.objects.filter(area_id__in=area_ids)}
        records = self.rows("schemes")
        written = self.upsert(
            "schemes",
            Scheme,
            ("area_id", "ref"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "ref": r["ref"],
                    "name": r["name"],
                    "theme_id": theme_ids[(self.area_id(r["area_code"]), r["theme_code"])]
                    if r["theme_code"]
                    else None,
                    "lead": r["lead"] or "",
                    "enabler": bool(r["enabler"]),
                    "start_date": r["start_date"],
                    "description": r["description"] or "",
                    **{name: r[name] or "" for name in DESCRIPTION_TEXTS if name != "description"},
                }
                for r in records
            ],
            Scheme.objects.filter(area_id__in=area_ids),
        )
        counts = self.counts["schemes"]
        schemes = Scheme.objects.in_bulk(list(written.ids.values()))
        linked: dict[int, set[int]] = defaultdict(set)
        for scheme_id, metric_id in Scheme.metrics.through.objects.filter(
            scheme_id__in=list(schemes)
        ).values_list("scheme_id", "metric_id"):
            linked[scheme_id].add(metric_id)
        for record in records:
            identity = (self.area_id(record["area_code"]), record["ref"])
            scheme = schemes[written.ids[identity]]
            wanted = {self.metrics[code].pk for code in record["metrics_impacted"] or ()}
            if wanted != linked[scheme.pk]:
                if identity not in written.changed:
                    # Only its metrics changed: that is a change to the scheme too.
                    scheme.version += 1
                    Scheme.objects.filter(pk=scheme.pk).update(version=models.F("version") + 1)
                    counts.unchanged -= 1
                    counts.updated += 1
                scheme._history_user = self.by  # type: ignore[attr-defined]  # simple_history reads it
                scheme._change_reason = self.reason  # type: ignore[attr-defined]  # simple_history reads it
                scheme.metrics.set(wanted)
        self.schemes = {
            (s.area.code, s.ref): s
            for s in Scheme.objects.filter(area_id__in=area_ids).select_related("area")
        }

    def scheme_id(self, record: Record) -> int | None:
        ref = record["scheme_ref"]
        return None if ref is None else self.schemes[(record["area_code"], ref)].pk

    def in_order(
        self, sheet: str, values: Callable[[Record], dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """A sheet's rows for a scheme's list, each with its scheme and its position among
        that scheme's rows (the order of the sheet)."""
        positions: dict[int | None, int] = defaultdict(int)
        rows = []
        for record in self.rows(sheet):
            scheme = self.scheme_id(record)
            rows.append({"scheme_id": scheme, **values(record), "position": positions[scheme]})
            positions[scheme] += 1
        return rows

    def legacy_partners(
        self, partners: list[dict[str, Any]], held: models.QuerySet[SchemeDeliveryPartner]
    ) -> list[dict[str, Any]]:
        """An older workbook's commissioner and provider columns as delivery-chain rows (ADR
        0120): after the scheme's chain, as the sheet gives it and the database holds it,
        unless that chain already names the organisation in the role."""
        records = [r for r in self.rows("schemes") if r["commissioner"] or r["provider"]]
        if not records:
            return []
        chains: dict[int, list[DeliveryPartner]] = defaultdict(list)
        last: dict[int, int] = defaultdict(lambda: -1)
        for row in (
            *held.values("scheme_id", "organisation", "role", "position"),
            *partners,
        ):
            chains[row["scheme_id"]].append(DeliveryPartner(row["organisation"], row["role"]))
            last[row["scheme_id"]] = max(last[row["scheme_id"]], row["position"])
        added = []
        for record in records:
            scheme = self.schemes[(record["area_code"], record["ref"])].pk
            for partner in legacy_partners(
                chains[scheme], record["commissioner"] or "", record["provider"] or ""
            ):
                last[scheme] += 1
                added.append(
                    {
                        "scheme_id": scheme,
                        "organisation": partner.organisation,
                        "role": partner.role,
                        "responsibility": "",
                        "position": last[scheme],
                    }
                )
        return added

    def write_scheme_descriptions(self) -> None:
        """The delivery chains (in the order of their rows), investment and local KPIs."""
        area_ids = [a.pk for a in self.areas.values()]
        partners = self.in_order(
            "scheme_delivery_chain",
            lambda r: {
                "organisation": r["organisation"],
                "role": r["role"],
                "responsibility": r["responsibility"] or "",
            },
        )
        held = SchemeDeliveryPartner.objects.filter(scheme__area_id__in=area_ids)
        partners += self.legacy_partners(partners, held)
        self.upsert(
            "scheme_delivery_chain",
            SchemeDeliveryPartner,
            ("scheme_id", "organisation", "role"),
            partners,
            held,
        )
        self.upsert(
            "scheme_investment",
            SchemeInvestment,
            ("scheme_id", "financial_year"),
            [
                {
                    "scheme_id": self.scheme_id(r),
                    "financial_year": str(r["financial_year"]),
                    "amount": r["amount"],
                }
                for r in self.rows("scheme_investment")
            ],
            SchemeInvestment.objects.filter(scheme__area_id__in=area_ids),
        )
        kpis = self.in_order(
            "scheme_kpis",
            lambda r: {
                "name": r["kpi"],
                "level": r["level"],
                "target": None if r["target"] is None else Decimal(repr(r["target"])),
                "unit": r["unit"] or "",
                "cadence": r["cadence"],
                "reported_to": r["reported_to"] or "",
            },
        )
        self.upsert(
            "scheme_kpis",
            SchemeKpi,
            ("scheme_id", "name", "level"),
            kpis,
            SchemeKpi.objects.filter(scheme__area_id__in=area_ids),
        )

    def write_finance(self) -> None:
        area_ids = [a.pk for a in self.areas.values()]
        self.upsert(
            "scheme_finance",
            SchemeFinance,
            ("scheme_id", "financial_year", "line"),
            [
                {
                    "scheme_id": self.scheme_id(r),
                    "financial_year": str(r["financial_year"]),
                    "line": r["line"],
                    "recurrent": r["recurrent"],
                    "non_recurrent": r["non_recurrent"],
                    "protection": r["protection"] or "",
                }
                for r in self.rows("scheme_finance")
            ],
            SchemeFinance.objects.filter(scheme__area_id__in=area_ids),
        )
        self.upsert(
            "funding",
            Funding,
            ("area_id", "financial_year", "stream", "organisation"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "financial_year": str(r["financial_year"]),
                    "stream": r["stream"],
                    "organisation": r["organisation"] or "",
                    "budget": r["budget"],
                    "minimum_contribution": r["minimum_contribution"],
                    "forecast_outturn": r["forecast_outturn"],
                    "as_at": r["as_at"],
                    "pooled": bool(r["pooled"]),
                    "part_of": r["part_of"] or "",
                    "passported_to": r["passported_to"] or "",
                }
                for r in self.rows("funding")
            ],
            Funding.objects.filter(area_id__in=area_ids),
        )
        self.upsert(
            "savings",
            SavingsPlan,
            ("area_id", "financial_year"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "financial_year": str(r["financial_year"]),
                    "target": r["target"],
                    "achieved_to_date": r["achieved_to_date"],
                    "as_at": r["as_at"],
                }
                for r in self.rows("savings")
            ],
            SavingsPlan.objects.filter(area_id__in=area_ids),
        )

    def write_metric_values(self) -> None:
        """The metric values, by column (the sheet is most of a large workbook, ADR 0136):
        as checked when the sheet is held so (ADR 0140), else taken from its records."""
        taken = (
            *("area_code", "metric_code", "period_start", "period_end", "kind"),
            *("numerator", "denominator", "value", "note", "source", "sum_of_squares"),
        )
        columns: Mapping[str, Sequence[Any]]
        held = self.validated.by_column("metric_values")
        if held is not None:
            columns = held
            warnings: list[list[str]] = [[] for _ in held["area_code"]]
        else:
            records = self.rows("metric_values")
            if not records:
                return
            values = [r.values for r in records]
            try:  # every row has every column (as read from a sheet that has them): at once
                rows = zip(*map(itemgetter(*taken), values), strict=True)
                columns = dict(zip(taken, rows, strict=True))
            except KeyError:
                columns = {name: [v.get(name) for v in values] for name in taken}
            warnings = [list(r.warnings) for r in records]
        if not warnings:
            return
        area_of = {code: area.pk for code, area in self.areas.items()}
        metric_of = {code: metric.pk for code, metric in self.metrics.items()}

        def column(name: str) -> list[Any]:
            found = columns.get(name, ())
            return found if isinstance(found, list) else list(found)

        area_ids = list(map(area_of.__getitem__, columns["area_code"]))
        metric_ids = list(map(metric_of.__getitem__, columns["metric_code"]))
        source = f"workbook {self.validated.source}"
        self.upsert_columns(
            "metric_values",
            MetricValue,
            ("area_id", "metric_id", "period_start", "period_end", "kind"),
            {
                "area_id": area_ids,
                "metric_id": metric_ids,
                "period_start": column("period_start"),
                "period_end": column("period_end"),
                "kind": column("kind"),
                "numerator": column("numerator"),
                "denominator": column("denominator"),
                "value": column("value"),
                "note": [note or "" for note in column("note")],
                "warnings": warnings,
                "source": [given or source for given in column("source")],
                "sum_of_squares": column("sum_of_squares"),
            },
            MetricValue.objects.filter(area_id__in=set(area_ids), metric_id__in=set(metric_ids)),
            provenance=("source",),
        )

    def write_metric_commentary(self) -> None:
        self._write_metric_months("metric_commentary", MetricCommentary, "commentary")

    def write_spc_rebase(self) -> None:
        self._write_metric_months("spc_rebase", MetricRebase, "reason")

    def _write_metric_months(
        self, sheet: str, model: type[MetricCommentary | MetricRebase], text: str
    ) -> None:
        """A sheet of one text per area, metric and month (commentary, rebase reasons)."""
        records = self.rows(sheet)
        if not records:
            return
        area_ids = {self.area_id(r["area_code"]) for r in records}
        self.upsert(
            sheet,
            model,
            ("area_id", "metric_id", "month"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "metric_id": self.metrics[r["metric_code"]].pk,
                    "month": r["period"].first_day,
                    text: r[text],
                }
                for r in records
            ],
            model.objects.filter(area_id__in=area_ids),
        )

    def write_milestones_and_risks(self) -> None:
        area_ids = [a.pk for a in self.areas.values()]
        self.upsert(
            "milestones",
            Milestone,
            ("area_id", "ref"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "ref": r["ref"],
                    "scheme_id": self.scheme_id(r),
                    "title": r["title"],
                    "baseline_date": r["baseline_date"],
                    "revised_date": r["revised_date"],
                    "completed_date": r["completed_date"],
                    "comments": r["comments"] or "",
                }
                for r in self.rows("milestones")
            ],
            Milestone.objects.filter(area_id__in=area_ids),
        )
        self.upsert(
            "risks",
            Risk,
            ("area_id", "ref"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "ref": r["ref"],
                    "title": r["title"],
                    "description": r["description"] or "",
                    "mitigation": r["mitigation"] or "",
                    "owner": r["owner"] or "",
                    "likelihood": r["likelihood"],
                    "impact": r["impact"],
                    "previous_score": r["previous_score"],
                    "rating": r["rating"] or "",
                    "scheme_id": self.scheme_id(r),
                    "as_at": r["as_at"],
                }
                for r in self.rows("risks")
            ],
            Risk.objects.filter(area_id__in=area_ids),
        )

    def period_id(self, record: Record) -> int:
        return self.periods[(record["area_code"], str(record["period"]))].pk

    def write_returns(self) -> None:
        wanted = {
            (r["area_code"], str(r["period"])): r["period"]
            for sheet in RETURN_SHEETS
            for r in self.rows(sheet)
        }
        if not wanted:
            return
        area_ids = [a.pk for a in self.areas.values()]
        # The months not opened yet are opened (the ones there are left as they are).
        bulk.upsert(
            ReportingPeriod,
            ("area_id", "month"),
            [
                {"area_id": self.area_id(area), "month": month.first_day}
                for (area, _text), month in sorted(wanted.items())
            ],
            existing=ReportingPeriod.objects.filter(area_id__in=area_ids),
            by=self.by,
            reason=self.reason,
        )
        self.periods = {
            (p.area.code, f"{p.month:%Y-%m}"): p
            for p in ReportingPeriod.objects.filter(area_id__in=area_ids).select_related("area")
        }
        period_ids = [p.pk for p in self.periods.values()]
        # The return's figures (ADR 0118): written where the workbook has their column, so a
        # workbook made before they were exported leaves what the form saved alone.
        figures = [
            name
            for name in ("start_date", "forecast_outturn", "savings_achieved")
            if self.validated.has_column("status_updates", name)
        ]
        self.upsert(
            "status_updates",
            SchemeStatus,
            ("period_id", "scheme_id", "dimension"),
            [
                {
                    "period_id": self.period_id(r),
                    "scheme_id": self.scheme_id(r),
                    "dimension": r["dimension"],
                    "status": r["status"],
                    "commentary": r["commentary"] or "",
                    "additional_information": r["additional_information"] or "",
                    **{name: r.values.get(name) for name in figures},
                }
                for r in self.rows("status_updates")
            ],
            SchemeStatus.objects.filter(period_id__in=period_ids),
        )
        self.upsert(
            "programme_status",
            ProgrammeStatus,
            ("period_id", "dimension"),
            [
                {
                    "period_id": self.period_id(r),
                    "dimension": r["dimension"],
                    "status": r["status"],
                    "summary": r["summary"] or "",
                }
                for r in self.rows("programme_status")
            ],
            ProgrammeStatus.objects.filter(period_id__in=period_ids),
        )
        positions: dict[int, int] = defaultdict(int)
        achievements = []
        for record in self.rows("achievements"):
            period = self.period_id(record)
            achievements.append(
                {"period_id": period, "text": record["text"], "position": positions[period]}
            )
            positions[period] += 1
        self.upsert(
            "achievements",
            Achievement,
            ("period_id", "text"),
            achievements,
            Achievement.objects.filter(period_id__in=period_ids),
        )
        in_group: dict[tuple[int, str], int] = defaultdict(int)
        activities = []
        with_month = self.validated.has_column("planned_activities", "month")
        for record in self.rows("planned_activities"):
            period = self.period_id(record)
            activity = {
                "period_id": period,
                "group": record["group"],
                "text": record["text"].strip(),
                "position": in_group[(period, record["group"])],
            }
            if with_month:  # an older workbook without the column leaves the months held
                activity["month"] = None if record["month"] is None else record["month"].first_day
            activities.append(activity)
            in_group[(period, record["group"])] += 1
        self.upsert(
            "planned_activities",
            PlannedActivity,
            ("period_id", "group", "text"),
            activities,
            PlannedActivity.objects.filter(period_id__in=period_ids),
        )

    def write_assurance(self) -> None:
        area_ids = [a.pk for a in self.areas.values()]
        self.upsert(
            "assurance",
            AssuranceRating,
            ("area_id", "round", "criterion"),
            [
                {
                    "area_id": self.area_id(r["area_code"]),
                    "round": r["round"],
                    "criterion": r["criterion"],
                    "status": r["status"],
                    "comment": r["comment"] or "",
                    "qualified": bool(r["qualified"]),
                    "footnote": (r["footnote"] or "") if r["qualified"] else "",
                }
                for r in self.rows("assurance")
            ],
            AssuranceRating.objects.filter(area_id__in=area_ids),
        )

    def write_plan(self) -> None:
        """Pay for performance and the plan's details (ADR 0112)."""
        area_ids = [a.pk for a in self.areas.values()]

        def year_of(r: Record) -> dict[str, Any]:
            return {
                "area_id": self.area_id(r["area_code"]),
                "financial_year": str(r["financial_year"]),
            }

        self.upsert_present(
            "pay_for_performance",
            PayForPerformance,
            ("area_id", "financial_year", "metric"),
            [
                {
                    **year_of(r),
                    "metric": r["metric"],
                    "planned_savings": r["planned_savings"],
                    "maximum_support": r["maximum_support"],
                    "ongoing_savings": r["ongoing_savings"],
                    "ongoing_support": r["ongoing_support"],
                    "reduction": exact_number(r["reduction"]),
                    "unit_cost": r["unit_cost"],
                    "periods": exact_number(r["periods"]),
                    "basis": r["basis"] or "",
                }
                for r in self.rows("pay_for_performance")
            ],
            PayForPerformance.objects.filter(area_id__in=area_ids),
        )
        self.upsert_present(
            "performance_payments",
            PerformancePayment,
            ("area_id", "financial_year", "period"),
            [
                {
                    **year_of(r),
                    "period": r["period"],
                    "covers": r["covers"] or "",
                    "available": r["available"],
                    "planned_reduction": exact_number(r["planned_reduction"]),
                    "achieved_reduction": exact_number(r["achieved_reduction"]),
                }
                for r in self.rows("performance_payments")
            ],
            PerformancePayment.objects.filter(area_id__in=area_ids),
        )
        self.upsert_present(
            "plan_details",
            PlanDetails,
            ("area_id", "financial_year"),
            [
                {
                    **year_of(r),
                    "hwb_agreed_on": r["hwb_agreed_on"],
                    "hwb_note": r["hwb_note"] or "",
                    "submitted_on": r["submitted_on"],
                    "approved_on": r["approved_on"],
                }
                for r in self.rows("plan_details")
            ],
            PlanDetails.objects.filter(area_id__in=area_ids),
        )
        self.upsert_present(
            "plan_sign_offs",
            PlanSignOff,
            ("area_id", "financial_year", "on_behalf_of"),
            [
                {
                    **year_of(r),
                    "on_behalf_of": r["on_behalf_of"],
                    "signed_by": r["signed_by"] or "",
                    "position": r["position"] or "",
                    "signed_on": r["signed_on"],
                }
                for r in self.rows("plan_sign_offs")
            ],
            PlanSignOff.objects.filter(area_id__in=area_ids),
        )
        self.upsert_present(
            "national_conditions",
            NationalCondition,
            ("area_id", "financial_year", "condition"),
            [
                {
                    **year_of(r),
                    "condition": r["condition"],
                    "met": bool(r["met"]),
                    "statement": r["statement"] or "",
                }
                for r in self.rows("national_conditions")
            ],
            NationalCondition.objects.filter(area_id__in=area_ids),
        )
