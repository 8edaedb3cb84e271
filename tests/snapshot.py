"""The rows a piece of set-up wrote, kept in memory and written back in one bulk insert per table.

The demo takes long to load (it imports three stages of workbooks and moves periods through
their states). The tests that read it load it once per session into a :class:`Snapshot` and
restore that in each module, inside a transaction rolled back after the module, so every
module starts from the same rows whatever ran before it. Restoring inserts the rows with
their primary keys as loaded (so what the tests see is what a fresh load gives) and then
moves the database's sequences past them (PostgreSQL), so rows the tests create get new keys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

T = TypeVar("T")

Row = tuple[Any, ...]


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]


def _fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _rows(model: type[models.Model]) -> dict[Any, Row]:
    fields = _fields(model)
    key = fields.index(model._meta.pk.attname)
    return {row[key]: row for row in model._base_manager.values_list(*fields)}


def _insert(model: type[models.Model], rows: list[Row]) -> tuple[str, list[Row]]:
    """One INSERT for all of a table's rows, with values as its fields save them (no signals:
    the rows, history rows included, are exactly those the set-up wrote)."""
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    prepared = [
        tuple(
            field.get_db_prep_save(value, connection)
            for field, value in zip(fields, row, strict=True)
        )
        for row in rows
    ]
    return statement, prepared


@dataclass(frozen=True)
class Snapshot(Generic[T]):
    """What a set-up wrote: new rows, changed rows and removed keys by table, and its result."""

    result: T
    #: By table, one INSERT statement and its rows' values as the database takes them.
    inserted: dict[type[models.Model], tuple[str, list[Row]]]
    updated: dict[type[models.Model], list[Row]]
    deleted: dict[type[models.Model], list[Any]]

    @classmethod
    def take(cls, set_up: Callable[[], T]) -> Snapshot[T]:
        """Run ``set_up`` in a transaction rolled back afterwards, keeping what it wrote."""
        from django.test import TestCase

        with transaction.atomic():
            before = {model: _rows(model) for model in _tables()}
            # What runs when the set-up's writes commit (the alert rules' evaluation) runs here,
            # inside the transaction, so that its rows are kept too, as a committed load has them.
            with TestCase.captureOnCommitCallbacks(execute=True):
                result = set_up()
            inserted: dict[type[models.Model], tuple[str, list[Row]]] = {}
            updated: dict[type[models.Model], list[Row]] = {}
            deleted: dict[type[models.Model], list[Any]] = {}
            for model, old in before.items():
                new = _rows(model)
                if added := [row for key, row in new.items() if key not in old]:
                    inserted[model] = _insert(model, added)
                if changed := [row for key, row in new.items() if key in old and old[key] != row]:
                    updated[model] = changed
                if removed := [key for key in old if key not in new]:
                    deleted[model] = removed
            transaction.set_rollback(True)
        return cls(result, inserted, updated, deleted)

    def restore(self) -> T:
        """Write the rows back (foreign keys are checked at commit, so order does not matter)."""
        with transaction.atomic():
            for model, keys in self.deleted.items():
                model._base_manager.filter(pk__in=keys).delete()
            for model, rows in self.updated.items():
                fields = _fields(model)
                for row in rows:
                    values = dict(zip(fields, row, strict=True))
                    model._base_manager.filter(pk=values.pop(model._meta.pk.attname)).update(
                        **values
                    )
            with connection.cursor() as cursor:
                for statement, rows in self.inserted.values():
                    cursor.executemany(statement, rows)
                for statement in connection.ops.sequence_reset_sql(no_style(), list(self.inserted)):
                    cursor.execute(statement)
        return self.result
