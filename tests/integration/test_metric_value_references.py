"""A metric value's area and metric are enforced by the database (ADR 0141).

On SQLite they are foreign keys. On PostgreSQL the two foreign keys are replaced by triggers
that check a statement's rows at once (migration ``performance`` 0008); these tests hold the
triggers to what a foreign key guarantees: a value naming a missing area or metric is refused
on insert, ``COPY`` and update; a referenced area or metric cannot be deleted; and an import
in progress and a deletion on another connection cannot leave a value without its area.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import date
from typing import Any

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes import bulk
from bettercare.web.programmes.models import Area
from tests.factories.metrics import make_metric
from tests.factories.people import KENT, MEDWAY, make_area

KEY = ("area_id", "metric_id", "period_start", "period_end", "kind")
MISSING = 987_654_321
#: How each database words a refused reference.
REFUSED = r"foreign key|FOREIGN KEY"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the triggers are PostgreSQL's"
)


def value_fields(area_id: int, metric_id: int, month: int = 4) -> dict[str, Any]:
    start = date(2025, month, 1)
    return {
        "area_id": area_id,
        "metric_id": metric_id,
        "period_start": start,
        "period_end": start,
        "kind": "actual",
        "numerator": 12.0,
    }


def in_one_transaction(write: Callable[[], object]) -> None:
    """``write`` in a transaction of its own, its database checks made before it ends
    (SQLite's foreign keys are checked when a transaction commits)."""
    with transaction.atomic():
        write()
        connection.check_constraints()


def columns(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {name: [row[name] for row in rows] for name in rows[0]}


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["area_id", "metric_id"])
def test_a_value_naming_a_missing_area_or_metric_is_refused(missing):
    area, metric = make_area(KENT, "Kent", programme=False), make_metric("admissions")
    fields = value_fields(area.pk, metric.pk) | {missing: MISSING}
    with pytest.raises(IntegrityError, match=REFUSED):
        in_one_transaction(lambda: MetricValue.objects.create(**fields))
    assert not MetricValue.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("missing", ["area_id", "metric_id"])
def test_a_bulk_write_naming_a_missing_area_or_metric_writes_nothing(missing):
    area, metric = make_area(KENT, "Kent", programme=False), make_metric("admissions")
    rows = [value_fields(area.pk, metric.pk, month) for month in (4, 5, 6)]
    rows[1][missing] = MISSING  # one bad row among good ones, in one COPY on PostgreSQL
    with pytest.raises(IntegrityError, match=REFUSED):
        in_one_transaction(
            lambda: bulk.upsert_columns(
                MetricValue,
                KEY,
                columns(rows),
                existing=MetricValue.objects.all(),
                by=None,
                reason="test",
            )
        )
    assert not MetricValue.objects.exists()
    assert not MetricValue.history.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("moved", ["area_id", "metric_id"])
def test_a_value_moved_to_a_missing_area_or_metric_is_refused_and_other_updates_pass(moved):
    area, metric = make_area(KENT, "Kent", programme=False), make_metric("admissions")
    medway = make_area(MEDWAY, "Medway", programme=False)
    value = MetricValue.objects.create(**value_fields(area.pk, metric.pk))
    MetricValue.objects.filter(pk=value.pk).update(numerator=13.0)
    with pytest.raises(IntegrityError, match=REFUSED):
        in_one_transaction(
            lambda: MetricValue.objects.filter(pk=value.pk).update(**{moved: MISSING})
        )
    value.refresh_from_db()
    assert (value.area_id, value.metric_id, value.numerator) == (area.pk, metric.pk, 13.0)
    MetricValue.objects.filter(pk=value.pk).update(area_id=medway.pk)  # to an area that is there
    assert MetricValue.objects.get(pk=value.pk).area_id == medway.pk


@pytest.mark.django_db
def test_deleting_an_area_deletes_its_values_and_a_metric_in_use_is_protected():
    kent, medway = (
        make_area(KENT, "Kent", programme=False),
        make_area(MEDWAY, "Medway", programme=False),
    )
    metric = make_metric("admissions")
    MetricValue.objects.create(**value_fields(kent.pk, metric.pk))
    MetricValue.objects.create(**value_fields(medway.pk, metric.pk))
    kent.delete()  # Django's cascade deletes the values first, which the check then allows
    assert list(MetricValue.objects.values_list("area_id", flat=True)) == [medway.pk]
    with pytest.raises(ProtectedError):
        metric.delete()
    MetricValue.objects.all().delete()
    metric.delete()
    assert not Metric.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("table", ["programmes_area", "performance_metric"])
def test_the_database_refuses_deleting_or_renumbering_a_referenced_row(table):
    area, metric = make_area(KENT, "Kent", programme=False), make_metric("admissions")
    MetricValue.objects.create(**value_fields(area.pk, metric.pk))
    referenced = area.pk if table == "programmes_area" else metric.pk
    for statement in (
        f"DELETE FROM {table} WHERE id = %s",
        f"UPDATE {table} SET id = -id WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match=REFUSED):
            in_one_transaction(lambda: connection.cursor().execute(statement, [referenced]))  # noqa: B023 (called at once)
    assert Area.objects.filter(pk=area.pk).exists()
    assert Metric.objects.filter(pk=metric.pk).exists()


@pytest.mark.django_db
def test_sqlite_keeps_its_foreign_keys_postgresql_has_triggers_instead():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA foreign_key_list({MetricValue._meta.db_table})")
            assert sorted((row[3], row[2]) for row in cursor.fetchall()) == [
                ("area_id", "programmes_area"),
                ("metric_id", "performance_metric"),
            ]
            return
        cursor.execute(
            "SELECT count(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [MetricValue._meta.db_table],
        )
        assert cursor.fetchone() == (0,)
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE %s ORDER BY 1",
            ["%references_exist"],
        )
        assert [name for (name,) in cursor.fetchall()] == [
            "performance_metricvalue_inserted_references_exist",
            "performance_metricvalue_updated_references_exist",
        ]


class Session:
    """A second session on the test database, as another request or import would be: each
    database's own driver, its statements in a transaction until :meth:`commit`.

    On PostgreSQL a statement waits at most 100 ms for a lock and the triggers refuse a
    reference at once; on SQLite (the suite's shared in-memory database) a second writer is
    refused at once and a deferred foreign key is checked at commit. Either way a write
    that waits on another is :attr:`locked`, and one the references refuse is
    :attr:`refused` by the time it is committed.
    """

    def __init__(self) -> None:
        settings = connection.settings_dict
        self.raw: Any
        if connection.vendor == "postgresql":
            self.raw = psycopg.connect(
                dbname=settings["NAME"],
                user=settings["USER"],
                host=settings["HOST"],
                port=settings["PORT"] or 5432,
                password=settings["PASSWORD"] or None,
            )
            self.raw.execute("SET lock_timeout = '100ms'")
            self.raw.commit()
            self.locked: type[Exception] = psycopg.errors.LockNotAvailable
            self.refused: type[Exception] = psycopg.errors.ForeignKeyViolation
            self.wording = "performance_metricvalue_area_id_exists"
        else:
            self.raw = sqlite3.connect(settings["NAME"], uri=True, timeout=0.1)
            self.raw.execute("PRAGMA foreign_keys = ON")
            self.locked, self.refused = sqlite3.OperationalError, sqlite3.IntegrityError
            self.wording = "FOREIGN KEY constraint failed"
        self.marks = "%s" if connection.vendor == "postgresql" else "?"

    def execute(self, sql: str, parameters: list[Any]) -> None:
        self.raw.execute(sql.replace("%s", self.marks), parameters)

    def committed(self, sql: str, parameters: list[Any]) -> None:
        self.execute(sql, parameters)
        self.commit()

    def commit(self) -> None:
        self.raw.commit()

    def rollback(self) -> None:
        self.raw.rollback()

    def close(self) -> None:
        self.raw.close()


INSERT_VALUE = (
    "INSERT INTO performance_metricvalue (version, area_id, metric_id, period_start, "
    "period_end, kind, note, source, warnings) "
    "VALUES (0, %s, %s, '2025-04-01', '2025-04-30', 'actual', '', '', '[]')"
)
DELETE_AREA = "DELETE FROM programmes_area WHERE id = %s"


@pytest.fixture
def committed() -> tuple[Area, Metric]:
    return make_area(KENT, "Kent", programme=False), make_metric("admissions")


@pytest.mark.django_db(transaction=True)
def test_an_import_in_progress_holds_off_deleting_its_area_which_then_fails(committed):
    area, metric = committed
    with closing(Session()) as importer, closing(Session()) as deleter:
        # Not committed: the area is locked (PostgreSQL: as a foreign key's check locks it;
        # SQLite: one writer at a time).
        importer.execute(INSERT_VALUE, [area.pk, metric.pk])
        with pytest.raises(deleter.locked):
            deleter.execute(DELETE_AREA, [area.pk])
        deleter.rollback()
        importer.commit()
        with pytest.raises(deleter.refused, match=deleter.wording):
            deleter.committed(DELETE_AREA, [area.pk])
        deleter.rollback()
    assert MetricValue.objects.filter(area=area).count() == 1
    assert Area.objects.filter(pk=area.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_deletion_in_progress_holds_off_an_import_which_then_fails(committed):
    area, metric = committed
    with closing(Session()) as importer, closing(Session()) as deleter:
        deleter.execute(DELETE_AREA, [area.pk])
        with pytest.raises(importer.locked):
            importer.execute(INSERT_VALUE, [area.pk, metric.pk])
        importer.rollback()
        deleter.commit()
        with pytest.raises(importer.refused, match=importer.wording):
            importer.committed(INSERT_VALUE, [area.pk, metric.pk])
        importer.rollback()
    assert not MetricValue.objects.exists()
    assert not Area.objects.filter(pk=area.pk).exists()


# SQLite has one isolation level (its transactions are serializable) and keeps real foreign
# keys: there is nothing to refuse there.
@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_deletion_at_a_stricter_isolation_level_is_refused(committed):
    area, _metric = committed
    with closing(Session()) as deleter:
        deleter.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", [])
        with pytest.raises(deleter.refused, match="READ COMMITTED"):
            deleter.execute(DELETE_AREA, [area.pk])
        deleter.rollback()
    assert Area.objects.filter(pk=area.pk).exists()
