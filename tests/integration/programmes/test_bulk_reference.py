"""The bulk writer against a plain reference: the same rows written one at a time with the ORM
(``save()``, whose history django-simple-history records) leave the same stored rows and the
same history, for random first imports and random re-imports of changed, unchanged and new
rows, whether given as rows (``upsert``) or by column (``upsert_columns``, ADR 0136). Run on
SQLite and again on PostgreSQL (where new rows go in by ``COPY``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bettercare.web.accounts.models import User
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.bulk import Upserted, held_rows, upsert, upsert_columns
from bettercare.web.programmes.models import Area
from tests.factories import KENT, MEDWAY, make_area, make_metric

pytestmark = pytest.mark.django_db

KEY = ("area_id", "metric_id", "period_start", "period_end", "kind")
COMPARED = (*KEY, "numerator", "denominator", "value", "note", "source", "warnings", "version")
HISTORY = (*COMPARED, "history_type", "history_user_id", "history_change_reason")


def reference_upsert(rows: list[dict[str, Any]], *, by: User, reason: str) -> None:
    """One row at a time: find it by its key, create it, or change it and move its version on
    (``source`` alone is not a change)."""
    for values in rows:
        found = MetricValue.objects.filter(**{name: values[name] for name in KEY}).first()
        if found is None:
            found = MetricValue(**values)
        else:
            changed = [n for n, v in values.items() if n != "source" and getattr(found, n) != v]
            if not changed:
                continue
            for name, value in values.items():
                setattr(found, name, value)
            found.version += 1
        found._history_user = by  # type: ignore[attr-defined]  # simple_history reads it
        found._change_reason = reason  # type: ignore[attr-defined]  # simple_history reads it
        found.save()


def bulk(rows: list[dict[str, Any]], *, by: User, reason: str) -> Upserted:
    return upsert(
        MetricValue,
        KEY,
        rows,
        existing=MetricValue.objects.all(),
        by=by,
        reason=reason,
        provenance=("source",),
    )


def by_column(rows: list[dict[str, Any]], *, by: User, reason: str) -> Upserted:
    names = list(rows[0]) if rows else list(KEY)
    return upsert_columns(
        MetricValue,
        KEY,
        {name: [row[name] for row in rows] for name in names},
        existing=MetricValue.objects.all(),
        by=by,
        reason=reason,
        provenance=("source",),
    )


def counted(write: Any, log: list[tuple[int, int, int]]) -> Any:
    """``write``, keeping each round's created, updated and unchanged counts in ``log``."""

    def counting(rows: list[dict[str, Any]], *, by: User, reason: str) -> None:
        result = write(rows, by=by, reason=reason)
        log.append((result.created, result.updated, result.unchanged))

    return counting


def state() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    stored = sorted(MetricValue.objects.values_list(*COMPARED), key=repr)
    history = sorted(MetricValue.history.values_list(*HISTORY), key=repr)
    return stored, history


class RollbackError(Exception):
    pass


def outcome(write: Any, rounds: list[list[dict[str, Any]]], user: User) -> Any:
    """What ``write`` leaves after each round, the database then put back as it was."""
    result = None
    try:
        with transaction.atomic():
            for number, rows in enumerate(rounds):
                write(rows, by=user, reason=f"round {number}")
            result = state()
            raise RollbackError
    except RollbackError:
        pass
    return result


def value_rows(draw: Any, areas: list[Area], metrics: list[Metric]) -> list[dict[str, Any]]:
    """Distinct keys, each with random figures (the same figures often)."""
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(areas),
                st.sampled_from(metrics),
                st.integers(0, 5),
                st.sampled_from(["actual", "target"]),
            ),
            max_size=12,
            unique=True,
        )
    )
    rows = []
    for area, metric, month, kind in keys:
        start = date(2024, 4 + month, 1)
        rows.append(
            {
                "area_id": area.pk,
                "metric_id": metric.pk,
                "period_start": start,
                "period_end": start.replace(day=28),
                "kind": kind,
                "numerator": draw(st.sampled_from([None, 0.0, 12.0, 13.0])),
                "denominator": draw(st.sampled_from([None, 100.0])),
                "value": draw(st.sampled_from([None, 12.5])),
                "note": draw(st.sampled_from(["", "provisional"])),
                "warnings": draw(st.sampled_from([[], ["has no baseline"]])),
                "source": draw(st.sampled_from(["workbook a.xlsx", "workbook b.xlsx"])),
            }
        )
    return rows


def importer_and_rounds(data):
    """The importing user and one to three rounds of value rows for two areas and metrics."""
    user, _ = User.objects.get_or_create(username="importer")
    areas = [
        Area.objects.filter(code=code).first() or make_area(code, name)
        for code, name in ((KENT, "Kent"), (MEDWAY, "Medway"))
    ]
    metrics = [
        Metric.objects.filter(code=code).first() or make_metric(code)
        for code in ("admissions", "discharges")
    ]
    rounds = [value_rows(data.draw, areas, metrics) for _ in range(data.draw(st.integers(1, 3)))]
    return user, rounds


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_the_bulk_writer_leaves_what_writing_row_by_row_leaves(data):
    user, rounds = importer_and_rounds(data)
    expected = outcome(reference_upsert, rounds, user)
    assert outcome(bulk, rounds, user) == expected


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data(), repeat=st.booleans())
def test_the_column_writer_leaves_what_writing_row_by_row_leaves(data, repeat):
    """The same rows given by column: the same stored rows and history as the ORM row by row,
    and the same counts as the row writer (a key given twice goes the row writer's way)."""
    user, rounds = importer_and_rounds(data)
    if repeat and rounds[-1]:  # the last row's key again, with other figures
        rounds[-1].append({**rounds[-1][0], "numerator": 99.0, "note": "again"})
    by_rows: list[tuple[int, int, int]] = []
    by_columns: list[tuple[int, int, int]] = []
    expected = outcome(counted(bulk, by_rows), rounds, user)
    assert outcome(counted(by_column, by_columns), rounds, user) == expected
    assert by_columns == by_rows
    if not repeat:
        assert outcome(reference_upsert, rounds, user) == expected


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_held_rows_read_a_column_at_a_time_are_what_values_list_gives(data):
    """The bulk writer's read of what is held (each distinct stored value converted once)
    against Django's ``values_list`` (each row's values converted in turn): the same tuples,
    and no list (a row's warnings) shared between two rows."""
    user, _ = User.objects.get_or_create(username="importer")
    areas = [
        Area.objects.filter(code=code).first() or make_area(code, name)
        for code, name in ((KENT, "Kent"), (MEDWAY, "Medway"))
    ]
    metrics = [
        Metric.objects.filter(code=code).first() or make_metric(code)
        for code in ("admissions", "discharges")
    ]
    rows = value_rows(data.draw, areas, metrics)
    names = ["id", *KEY, "numerator", "value", "warnings", "bands", "version"]
    try:
        with transaction.atomic():
            bulk(rows, by=user, reason="held")
            held = held_rows(MetricValue.objects.filter(area__in=areas), names)
            expected = list(MetricValue.objects.filter(area__in=areas).values_list(*names))
            raise RollbackError
    except RollbackError:
        pass
    assert sorted(held, key=repr) == sorted(expected, key=repr)
    lists = [row[names.index("warnings")] for row in held]
    assert len({id(found) for found in lists}) == len(lists)
