"""The one bulk writer: keyed, set-based upserts with their history, in one transaction.

Workbook import, pipeline load and registry sync all write many rows of one model at once.
They all go through :func:`upsert`, which

- reads what the database already holds for the rows' keys in one query (plain tuples, no
  model instances);
- sorts each row into *created*, *updated*, *unchanged* or *kept* (an existing row the
  caller protects, e.g. a published figure a pipeline must not overwrite);
- inserts the new rows in one statement per batch (``COPY`` on PostgreSQL) and updates the
  changed ones by primary key and version (the optimistic lock: a row someone else changed
  since it was read stops the whole write with :class:`StaleRowsError`);
- writes one history row per created or updated row (django-simple-history's tables, with
  who and why), copied by the database from the rows just written (ADR 0140);
- moves on the data versions of the areas of the rows it wrote (or the shared version, for
  rows in no area), in the same transaction, so their cached pages are recomputed (ADR 0102).

*Provenance* fields (where a row came from) are written with a change but are not a change by
themselves, so the same figures from a file of another name change nothing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from copy import copy
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cached_property
from itertools import compress, repeat
from operator import itemgetter, ne
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import F, Func
from django.db.models.sql.constants import MULTI
from django.utils import timezone

from bettercare.web.accounts.models import User
from bettercare.web.programmes.versioning import rows_changed

__all__ = ["StaleRowsError", "Upserted", "upsert", "upsert_columns"]

Key = tuple[Any, ...]
#: Rows per INSERT/UPDATE statement batch (SQLite's variable limit is far above this times
#: the columns only with executemany, which binds one row at a time).
BATCH_ROWS = 5_000
#: Lines of COPY text sent to PostgreSQL at once.
COPY_LINES = 10_000
#: SQLite's limit on bound variables in one statement (32,766 since 3.32).
SQLITE_VARIABLES = 32_000
#: Primary keys named in one history ``INSERT … SELECT`` when they are not one unbroken run.
HISTORY_KEYS = 10_000
#: History rows copied by the database from the rows written (False: sent from here, the way
#: the rows themselves are; the tests compare the two).
HISTORY_BY_SELECT = True


class StaleRowsError(Exception):
    """Rows changed in the database between being read and being written; nothing written."""


@dataclass
class Upserted:
    """What an upsert did: counts, and the primary key of every row's key."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: int = 0
    ids: dict[Key, int] = field(default_factory=dict)
    changed: set[Key] = field(default_factory=set)

    @property
    def written(self) -> bool:
        return bool(self.created or self.updated)


def same(old: Any, new: Any) -> bool:
    """Whether a stored value equals a new one (Decimals compared as numbers)."""
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return old is not None and new is not None and Decimal(old) == Decimal(new)
    return bool(old == new)


def upsert(
    model: type[models.Model],
    key: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    existing: models.QuerySet[Any],
    by: User | None,
    reason: str,
    provenance: Sequence[str] = (),
    keep: Callable[[Mapping[str, Any]], bool] | None = None,
) -> Upserted:
    """Create or update ``rows`` of ``model`` by ``key``, with history; see the module.

    Parameters
    ----------
    model
        The model written.
    key
        Field attribute names (``area_id``, ``code``) that identify a row.
    rows
        Field values by attribute name; fields left out take their defaults when created and
        are left alone when updated.
    existing
        The rows of ``model`` that may match (scoped by the caller, e.g. to the areas).
    by, reason
        Recorded in each history row.
    provenance
        Fields written with a change but not a change by themselves.
    keep
        Called with an existing row's values (by attribute name); true keeps it as it is.
    """
    with transaction.atomic():
        writer = _ModelWriter(model)
        result = Upserted()
        # What is held, as plain tuples by key; a row becomes a dict only if it is written.
        position = {name: index for index, name in enumerate(writer.attnames)}
        stored_key = _getter([position[name] for name in key])
        stored: dict[Key, tuple[Any, ...]] = {
            stored_key(values): values for values in held_rows(existing, writer.attnames)
        }
        creating: dict[Key, dict[str, Any]] = {}
        updating: dict[Key, tuple[dict[str, Any], dict[str, Any]]] = {}
        provenance_only = set(provenance)
        row_key = _getter(list(key))
        pk_at = position[writer.pk]
        # For each set of fields given, what tells a row unchanged: its compared fields and
        # the stored row's, taken at once (rows usually all give the same fields).
        comparing: dict[tuple[str, ...], tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {}
        for values in rows:
            identity = row_key(values)
            pending = creating.get(identity)
            if pending is not None:  # the same key twice: the later row wins
                if any(not same(pending.get(n), v) for n, v in values.items()):
                    pending.update(values)
                    result.updated += 1
                else:
                    result.unchanged += 1
                continue
            held = stored.get(identity)
            if held is None:
                creating[identity] = dict(values)
                result.created += 1
                continue
            result.ids[identity] = held[pk_at]
            if keep is not None and keep(dict(zip(writer.attnames, held, strict=True))):
                result.kept += 1
                continue
            given = tuple(values)
            compare = comparing.get(given)
            if compare is None:
                names = [n for n in given if n not in provenance_only]
                compare = comparing[given] = (
                    _getter(names),
                    _getter([position[n] for n in names]),
                )
            if compare[0](values) == compare[1](held):
                result.unchanged += 1  # equal field by field (== in C): no change at all
                continue
            old = dict(zip(writer.attnames, held, strict=True))
            changes = {n: v for n, v in values.items() if old[n] != v and not same(old[n], v)}
            if not changes or set(changes) <= provenance_only:
                result.unchanged += 1
                continue
            before = updating.get(identity, (old, {}))[1]
            updating[identity] = (old, {**before, **changes})
            result.updated += 1
        # By column from here on: each field's values (defaults filled in) are adapted once,
        # and the same adapted columns are the history rows' (ADR 0122).
        _write(
            writer,
            result,
            existing,
            key,
            new=writer.columns(list(creating.values())) if creating else None,
            new_keys=list(creating),
            updating=list(updating.values()),
            updated_keys=list(updating),
            by=by,
            reason=reason,
        )
        return result


def upsert_columns(
    model: type[models.Model],
    key: Sequence[str],
    given: Mapping[str, Sequence[Any]],
    *,
    existing: models.QuerySet[Any],
    by: User | None,
    reason: str,
    provenance: Sequence[str] = (),
) -> Upserted:
    """:func:`upsert` of rows given by column (each field's values, all of one length): the
    same rows, history and data versions, without a dict a row (ADR 0136).

    Each row's key and compared fields are taken as tuples at once (``zip`` of the columns),
    a new row is never made a dict, and an import into an empty table compares nothing. Rows
    that repeat a key go through :func:`upsert` (the later row wins there).
    """
    names = list(given)
    count = len(given[names[0]]) if names else 0
    assert all(len(given[name]) == count for name in names), "columns of unequal lengths"
    keys = list(zip(*(given[name] for name in key), strict=True)) if count else []
    if len(set(keys)) != count:
        rows = [
            dict(zip(names, values, strict=True)) for values in zip(*given.values(), strict=True)
        ]
        return upsert(
            model, key, rows, existing=existing, by=by, reason=reason, provenance=provenance
        )
    with transaction.atomic():
        writer = _ModelWriter(model)
        result = Upserted()
        position = {name: index for index, name in enumerate(writer.attnames)}
        stored_key = _getter([position[name] for name in key])
        held = held_rows(existing, writer.attnames)
        stored: dict[Key, tuple[Any, ...]] = dict(zip(map(stored_key, held), held, strict=True))
        pk_at = position[writer.pk]
        new_at: list[int] | None = None  # every row is new unless something is held
        updating: list[tuple[dict[str, Any], dict[str, Any]]] = []
        updated_keys: list[Key] = []
        if stored:
            # Each row's held row (a row of markers where none is), and the rows whose compared
            # fields differ from it, found in C (map, zip, !=): only those are looked at.
            absent = (_ABSENT,) * len(writer.attnames)
            helds = list(map(stored.get, keys, repeat(absent, count)))
            provenance_only = set(provenance)
            compared = [name for name in names if name not in provenance_only]
            held_compared = _getter([position[name] for name in compared])
            differing = map(
                ne,
                zip(*(given[name] for name in compared), strict=True),
                map(held_compared, helds),
            )
            result.ids.update(zip(keys, map(itemgetter(pk_at), helds), strict=True))
            new_at = []
            for index in compress(range(count), differing):
                held_row = helds[index]
                if held_row is absent:
                    new_at.append(index)
                    continue
                old = dict(zip(writer.attnames, held_row, strict=True))
                changes = {
                    n: given[n][index]
                    for n in names
                    if old[n] != given[n][index] and not same(old[n], given[n][index])
                }
                if not changes or set(changes) <= provenance_only:
                    continue
                updating.append((old, changes))
                updated_keys.append(keys[index])
            for index in new_at:  # no key yet: the insert gives it
                del result.ids[keys[index]]
        created = count if new_at is None else len(new_at)
        result.created = created
        result.updated = len(updating)
        result.unchanged = count - created - len(updating)
        new = None
        new_keys = keys
        if created:
            chosen: Mapping[str, Sequence[Any]] = given
            if new_at is not None:
                chosen = {name: [given[name][i] for i in new_at] for name in names}
                new_keys = [keys[i] for i in new_at]
            new = writer.columns_of(chosen, created)
        _write(
            writer,
            result,
            existing,
            key,
            new=new,
            new_keys=new_keys,
            updating=updating,
            updated_keys=updated_keys,
            by=by,
            reason=reason,
        )
        return result


def _write(
    writer: _ModelWriter,
    result: Upserted,
    existing: models.QuerySet[Any],
    key: Sequence[str],
    *,
    new: _Columns | None,
    new_keys: Sequence[Key],
    updating: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    updated_keys: Sequence[Key],
    by: User | None,
    reason: str,
) -> None:
    """Insert the ``new`` rows (their columns, of ``new_keys``) and update the changed ones
    (each held row with its changes, of ``updated_keys``), each with its history row; then
    move on the data versions of the areas written. ``result`` gets their keys."""
    now = timezone.now()
    written: list[Mapping[str, Any]] = []
    if new is not None:
        pks = writer.insert(new)
        if pks is None:  # the database gave no keys: read them back by key
            found = writer.ids_of(existing, key, set(new_keys))
            pks = [found[identity] for identity in new_keys]
        new.set(writer.pk, pks)
        result.ids.update(zip(new_keys, pks, strict=True))
        writer.history(new, "+", now=now, by=by, reason=reason)
        result.changed.update(new_keys)
        written.extend(new.distinct(_AREA_COLUMNS))
    if updating:
        after = writer.update(updating)
        writer.history(writer.columns(after), "~", now=now, by=by, reason=reason)
        result.changed.update(updated_keys)
        written.extend(after)
    if written:
        rows_changed(writer.model, written)


def held_rows(existing: models.QuerySet[Any], names: Sequence[str]) -> list[tuple[Any, ...]]:
    """``existing.values_list(*names)`` as a list of tuples, converted a column at a time:
    each distinct stored value of a column (a date, a JSON text, a code) is turned into its
    Python value once, not once a row (a list or dict is copied for each row, so no two rows
    share one)."""
    query = existing.order_by().values_list(*_selected(existing.model, names, existing.db))
    compiler = query.query.get_compiler(using=query.db)
    found = compiler.execute_sql(MULTI)
    rows = [row for chunk in found for row in chunk] if found is not None else []
    if not rows:
        return []
    converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
    if not converters:
        return list(map(tuple, rows))
    columns = list(zip(*rows, strict=True))
    database = compiler.connection
    for position, (functions, expression) in converters.items():

        def convert(value: Any, functions: Any = functions, expression: Any = expression) -> Any:
            for function in functions:
                value = function(value, expression, database)
            return value

        columns[position] = tuple(_converted(columns[position], convert))
    return list(zip(*columns, strict=True))


def _selected(model: type[models.Model], names: Sequence[str], using: str) -> list[Any]:
    """What ``held_rows`` selects for ``names``: each field by name, except on SQLite a date,
    time or timestamp, whose column is selected as ``+column``. An expression has no declared
    type, so sqlite3 leaves its text alone instead of parsing it in each row; the field's
    own converters then parse each distinct text once (ADR 0136)."""
    if connections[using].vendor != "sqlite":
        return list(names)
    fields = {f.attname: f for f in model._meta.concrete_fields}
    selected: list[Any] = []
    for name in names:
        found = fields.get(name)
        if isinstance(found, models.DateField | models.TimeField):  # a DateTimeField too
            selected.append(Func(F(name), template="+%(expressions)s", output_field=found))
        else:
            selected.append(name)
    return selected


def _converted(column: Sequence[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """``convert`` of each value, once for each distinct (hashable) value; a list or dict
    it gives is copied for each row."""
    try:
        distinct = {value: convert(value) for value in set(column)}
    except TypeError:  # unhashable stored values: each in turn
        return [convert(value) for value in column]
    if not any(isinstance(value, list | dict) for value in distinct.values()):
        return list(map(distinct.__getitem__, column))
    return [
        copy(converted) if isinstance(converted, list | dict) else converted
        for converted in map(distinct.__getitem__, column)
    ]


class _ModelWriter:
    """Plain SQL for one model and its historical model."""

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        meta = model._meta
        assert meta.pk is not None
        self.pk = meta.pk.attname
        self.fields = [f for f in meta.concrete_fields if f.attname != self.pk]
        self.attnames = [self.pk, *(f.attname for f in self.fields)]
        self.versioned = any(f.attname == "version" for f in self.fields)
        self.quote = connection.ops.quote_name
        self.history_model = model.history.model  # type: ignore[attr-defined]  # simple_history adds the manager

    # -- values -------------------------------------------------------------------------------

    def columns(self, rows: Sequence[Mapping[str, Any]]) -> _Columns:
        """Rows as columns, every field's default filled in where a row leaves it out (and
        the primary key's column where the rows give it)."""
        count = len(rows)
        shapes = set(map(tuple, rows))  # the sets of fields given (usually one)
        everywhere = set.intersection(*map(set, shapes)) if shapes else set()
        somewhere = set().union(*shapes)
        values: dict[str, list[Any]] = {}
        if self.pk in everywhere:
            values[self.pk] = list(map(itemgetter(self.pk), rows))
        for name, default in self.defaults:
            fresh = callable(default)
            if name in everywhere:
                values[name] = list(map(itemgetter(name), rows))
            elif name not in somewhere:
                values[name] = [default() for _ in rows] if fresh else [default] * count
            else:
                values[name] = [
                    row[name] if name in row else default() if fresh else default for row in rows
                ]
        return _Columns(count, values)

    def columns_of(self, given: Mapping[str, Sequence[Any]], count: int) -> _Columns:
        """Columns given by name as :meth:`columns` makes them of rows: every other field's
        default filled in (the given lists are used as they are, not copied)."""
        values: dict[str, list[Any]] = {}
        if self.pk in given:
            values[self.pk] = list(given[self.pk])
        for name, default in self.defaults:
            if name in given:
                column = given[name]
                values[name] = column if isinstance(column, list) else list(column)
            elif callable(default):
                values[name] = [default() for _ in range(count)]
            else:
                values[name] = [default] * count
        return _Columns(count, values)

    @cached_property
    def defaults(self) -> list[tuple[str, Any]]:
        """Each field's default: the value itself, or a callable for a fresh one per row."""
        return [
            (
                f.attname,
                f.get_default if f.has_default() and callable(f.default) else f.get_default(),
            )
            for f in self.fields
        ]

    @staticmethod
    def _adapter(f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        """How a Python value becomes a database parameter for ``f``; None when as it is."""
        database = connections[DEFAULT_DB_ALIAS]
        if isinstance(f, models.JSONField):
            encoder = f.encoder

            def as_json(value: Any) -> Any:
                if value is None:
                    return None
                return "[]" if value == [] else json.dumps(value, cls=encoder)

            return as_json
        if isinstance(f, models.DateTimeField):
            return lambda value: f.get_db_prep_save(value, database)
        if isinstance(f, models.DateField):
            adapt_date: Callable[[Any], Any] = database.ops.adapt_datefield_value
            return adapt_date
        if isinstance(
            f,
            models.CharField
            | models.TextField
            | models.IntegerField
            | models.BooleanField
            | models.FloatField,
        ) or (isinstance(f, models.ForeignKey) and isinstance(f.target_field, models.AutoField)):
            return None
        return lambda value: f.get_db_prep_save(value, database)

    def _parameters(
        self,
        fields: Sequence[models.Field[Any, Any]],
        rows: Sequence[Mapping[str, Any]],
        constant: Mapping[str, Any] | None = None,
    ) -> list[tuple[Any, ...]]:
        """Each row's parameters, built a column at a time: a column's values are adapted
        once for each distinct value (dates, codes and times repeat), a ``constant`` field's
        once for all rows."""
        constant = constant or {}
        columns: list[list[Any]] = []
        for f in fields:
            adapt = self._adapter(f)
            if f.attname in constant:
                value = constant[f.attname]
                columns.append([value if adapt is None else adapt(value)] * len(rows))
                continue
            column = list(map(itemgetter(f.attname), rows))
            if adapt is not None:
                column = _adapted(column, adapt)
            columns.append(column)
        return list(zip(*columns, strict=True)) if columns else [() for _ in rows]

    # -- statements ---------------------------------------------------------------------------

    def _insert(
        self,
        model: type[models.Model],
        fields: Sequence[models.Field[Any, Any]],
        columns: _Columns,
        constant: Mapping[str, Any] | None = None,
        *,
        returning: bool = False,
    ) -> list[int] | None:
        """Insert the rows of ``columns`` (and a ``constant`` value for every row of those
        fields); with ``returning``, their new primary keys in order where the database says
        them as it inserts (SQLite), else None."""
        table = self.quote(model._meta.db_table)
        # arg-type: a built model's fields have their column (None only while the class is made).
        names = ", ".join(self.quote(f.column) for f in fields)  # type: ignore[arg-type]
        constant = constant or {}
        by_column = []
        for f in fields:
            if f.attname in constant:
                adapt = self._adapter(f)
                value = constant[f.attname]
                by_column.append([value if adapt is None else adapt(value)] * columns.length)
            else:
                by_column.append(columns.adapted(f, self._adapter))
        # The driver's own cursor is used below; its errors are raised as Django's (a row a
        # database check refuses is an IntegrityError, whichever way it was written).
        with connection.cursor() as cursor, connection.wrap_database_errors:
            if connection.vendor == "postgresql":
                raw = cursor.cursor
                texts = [columns.copy_texts(column) for column in by_column]
                with raw.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    if all(text is not None for text in texts):
                        # COPY's text format made a column at a time (each distinct value
                        # once), the lines joined in C and sent in large pieces (ADR 0136).
                        lines = list(map("\t".join, zip(*texts, strict=True)))
                        for start in range(0, len(lines), COPY_LINES):
                            copy.write("\n".join(lines[start : start + COPY_LINES]) + "\n")
                    else:  # a value COPY's text is not made here for: psycopg writes each row
                        write_row = copy.write_row
                        for values in zip(*by_column, strict=True):
                            write_row(values)
                return None
            # SQLite: many rows a statement (far fewer steps than one row each), as many as
            # its limit of bound variables allows; RETURNING gives the keys in row order (as
            # Django's bulk_create relies on).
            # The statements go to sqlite3's own cursor (as COPY goes to psycopg's), in its own
            # "?" style: Django's wrapper would rewrite every "%s" of these long statements.
            width = len(fields)
            per_statement = max(1, min(BATCH_ROWS, SQLITE_VARIABLES // max(1, width)))
            row_marks = "(" + ", ".join(["?"] * width) + ")"
            pk_column = self.quote(model._meta.pk.column)  # type: ignore[arg-type]
            raw_cursor = cursor.cursor
            ids: list[int] = []
            statements: dict[int, str] = {}
            for start in range(0, columns.length, per_statement):
                rows = min(per_statement, columns.length - start)
                sql = statements.get(rows)
                if sql is None:
                    marks = ", ".join([row_marks] * rows)
                    sql = f"INSERT INTO {table} ({names}) VALUES {marks}"  # noqa: S608 (names quoted)
                    if returning:
                        sql += f" RETURNING {pk_column}"
                    statements[rows] = sql
                # The statement's parameters row after row, filled a column at a time (a slice
                # assignment each, in C; no tuple a row).
                flat: list[Any] = [None] * (rows * width)
                for offset, column in enumerate(by_column):
                    flat[offset::width] = column[start : start + rows]
                sqlite3.Cursor.execute(raw_cursor, sql, flat)
                if returning:
                    ids.extend(map(itemgetter(0), raw_cursor.fetchall()))
            return ids if returning else None

    def insert(self, columns: _Columns) -> list[int] | None:
        """Insert new rows; their primary keys in row order, or None when the database does
        not say them. On PostgreSQL the keys are taken from the table's sequence first (one
        query) and sent with the rows, so nothing is read back by key afterwards."""
        if connection.vendor == "postgresql" and self.sequence:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    [self.sequence, columns.length],
                )
                pks = [pk for (pk,) in cursor.fetchall()]
            columns.set(self.pk, pks)
            pk_field = self.model._meta.pk
            assert pk_field is not None
            self._insert(self.model, [pk_field, *self.fields], columns)
            return pks
        return self._insert(self.model, self.fields, columns, returning=True)

    @cached_property
    def sequence(self) -> str | None:
        """The sequence that numbers the table's rows on PostgreSQL (None if none)."""
        pk = self.model._meta.pk
        if not isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)",
                [self.quote(self.model._meta.db_table), pk.column],
            )
            found = cursor.fetchone()
        return None if found is None else found[0]

    def ids_of(
        self, existing: models.QuerySet[Any], key: Sequence[str], wanted: set[Key]
    ) -> dict[Key, int]:
        """The primary keys of the just-inserted rows, by key (one query)."""
        found = {
            tuple(values[1:]): values[0]
            for values in existing.order_by().values_list(self.pk, *key)
            if tuple(values[1:]) in wanted
        }
        missing = wanted - set(found)
        assert not missing, f"inserted rows not found by their key: {sorted(missing)[:3]}"
        return found

    def update(
        self, changes: Sequence[tuple[dict[str, Any], dict[str, Any]]]
    ) -> list[dict[str, Any]]:
        """Update changed rows by primary key and version; return their values after."""
        by_fields: dict[tuple[str, ...], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
        for old, change in changes:
            by_fields.setdefault(tuple(sorted(change)), []).append((old, change))
        table = self.quote(self.model._meta.db_table)
        # arg-type: a built model's fields have their column (None only while the class is made).
        pk_column = self.quote(self.model._meta.pk.column)  # type: ignore[arg-type]
        after: list[dict[str, Any]] = []
        with connection.cursor() as cursor:
            for names, group in by_fields.items():
                fields = [f for f in self.fields if f.attname in names]
                assignments = [f"{self.quote(f.column)} = %s" for f in fields]  # type: ignore[arg-type]
                where = f"{pk_column} = %s"
                if self.versioned:
                    assignments.append(f"{self.quote('version')} = %s")
                    where += f" AND {self.quote('version')} = %s"
                sql = f"UPDATE {table} SET {', '.join(assignments)} WHERE {where}"  # noqa: S608
                rows = []
                for old, change in group:
                    new = {**old, **change}
                    if self.versioned:
                        new["version"] = old["version"] + 1
                    rows.append(new)
                    after.append(new)
                parameters = [
                    (*values, *((row["version"],) if self.versioned else ()), row[self.pk])
                    + ((row["version"] - 1,) if self.versioned else ())
                    for values, row in zip(self._parameters(fields, rows), rows, strict=True)
                ]
                total = 0
                for start in range(0, len(parameters), BATCH_ROWS):
                    batch = parameters[start : start + BATCH_ROWS]
                    cursor.executemany(sql, batch)
                    total += cursor.rowcount if cursor.rowcount >= 0 else len(batch)
                if total != len(parameters):
                    raise StaleRowsError(
                        f"{len(parameters) - total} {self.model._meta.verbose_name_plural} "
                        "changed while this was being written; nothing was saved, try again"
                    )
        return after

    def history(
        self,
        columns: _Columns,
        kind: str,
        *,
        now: Any,
        by: User | None,
        reason: str,
    ) -> None:
        """One history row per written row, as django-simple-history would record it: copied
        by the database from the rows just written (one ``INSERT … SELECT`` a batch, who, when
        and why as parameters), or sent from here where the history holds a field the model
        does not (ADR 0140)."""
        meta = self.history_model._meta
        fields = [f for f in meta.concrete_fields if f.attname != "history_id"]
        longest = meta.get_field("history_change_reason").max_length
        extra = {
            "history_date": now,
            "history_change_reason": (reason[:longest] if longest else reason) or None,
            "history_type": kind,
            "history_user_id": by.pk if by is not None else None,
        }
        if HISTORY_BY_SELECT and self._history_selectable(fields, extra):
            self._history_selected(fields, extra, columns.values[self.pk])
        else:
            self._insert(self.history_model, fields, columns, extra)

    def _history_selectable(
        self, fields: Sequence[models.Field[Any, Any]], extra: Mapping[str, Any]
    ) -> bool:
        """Whether every field of the history is the model's own (by attribute name) or one
        of the ``extra`` who, when and why."""
        own = {f.attname for f in self.model._meta.concrete_fields}
        return all(f.attname in own or f.attname in extra for f in fields)

    def _history_selected(
        self,
        fields: Sequence[models.Field[Any, Any]],
        extra: Mapping[str, Any],
        pks: Sequence[Any],
    ) -> None:
        """The history rows of the rows ``pks`` copied from the table by the database, in
        the order of their primary keys (the order they were created in)."""
        own = {f.attname: f for f in self.model._meta.concrete_fields}
        history_table = self.quote(self.history_model._meta.db_table)
        table = self.quote(self.model._meta.db_table)
        pk_column = self.quote(own[self.pk].column)  # type: ignore[arg-type]
        postgresql = connection.vendor == "postgresql"
        names: list[str] = []
        selected: list[str] = []
        parameters: list[Any] = []
        for f in fields:
            names.append(self.quote(f.column))  # type: ignore[arg-type]
            if f.attname in extra:
                adapt = self._adapter(f)
                value = extra[f.attname]
                parameters.append(value if adapt is None else adapt(value))
                # PostgreSQL types a parameter of a select list as text unless told.
                selected.append(f"CAST(%s AS {f.cast_db_type(connection)})" if postgresql else "%s")
            else:
                selected.append(f"{table}.{self.quote(own[f.attname].column)}")  # type: ignore[arg-type]
        sql = (
            f"INSERT INTO {history_table} ({', '.join(names)}) "  # noqa: S608 (names quoted)
            f"SELECT {', '.join(selected)} FROM {table} WHERE "
        )
        ordered = sorted(pks)
        if not ordered:
            return
        with connection.cursor() as cursor:
            if set(map(type, ordered)) == {int} and (ordered[-1] - ordered[0] + 1 == len(ordered)):
                # New keys are usually one unbroken run: one range read by the primary key.
                cursor.execute(
                    f"{sql}{pk_column} BETWEEN %s AND %s ORDER BY {pk_column}",
                    [*parameters, ordered[0], ordered[-1]],
                )
                return
            for start in range(0, len(ordered), HISTORY_KEYS):
                batch = ordered[start : start + HISTORY_KEYS]
                marks = ", ".join(["%s"] * len(batch))
                cursor.execute(
                    f"{sql}{pk_column} IN ({marks}) ORDER BY {pk_column}",
                    [*parameters, *batch],
                )


#: What a row not held has in each field (equal to nothing but itself).
_ABSENT = object()

#: The fields that say which areas a row is in (for moving their data versions on).
_AREA_COLUMNS = ("area_id", "period_id", "scheme_id")


class _Columns:
    """Rows held by column: each field's values by attribute name, and each column's
    database parameters, adapted once and kept (a history row's fields are the model's)."""

    def __init__(self, length: int, values: dict[str, list[Any]]) -> None:
        self.length = length
        self.values = values
        self._adapted: dict[str, tuple[type[Any], list[Any]]] = {}
        self._copy_texts: dict[int, tuple[list[Any], list[str] | None]] = {}

    def set(self, name: str, column: list[Any]) -> None:
        self.values[name] = column
        self._adapted.pop(name, None)

    def adapted(
        self,
        f: models.Field[Any, Any],
        adapter: Callable[[models.Field[Any, Any]], Callable[[Any], Any] | None],
    ) -> list[Any]:
        """The column of ``f`` as database parameters (``adapter`` says how)."""
        kept = self._adapted.get(f.attname)
        if kept is not None and kept[0] is type(f):
            return kept[1]
        adapt = adapter(f)
        column = self.values[f.attname]
        if adapt is not None:
            column = _adapted(column, adapt)
        self._adapted[f.attname] = (type(f), column)
        return column

    def copy_texts(self, column: list[Any]) -> list[str] | None:
        """``_copy_texts`` of a column of parameters, made once for the rows and their
        history rows (the same adapted list)."""
        kept = self._copy_texts.get(id(column))
        if kept is None or kept[0] is not column:
            kept = self._copy_texts[id(column)] = (column, _copy_texts(column))
        return kept[1]

    def distinct(self, names: Sequence[str]) -> list[dict[str, Any]]:
        """The distinct combinations of the ``names`` the rows have (one empty row if none)."""
        present = [name for name in names if name in self.values]
        if not self.length:
            return []
        if not present:
            return [{}]
        combinations = set(zip(*(self.values[name] for name in present), strict=True))
        return [dict(zip(present, values, strict=True)) for values in combinations]


def _getter(items: Sequence[Any]) -> Callable[[Any], tuple[Any, ...]]:
    """A function taking ``items`` (names or positions) of a row, always as a tuple."""
    if not items:
        return lambda row: ()
    if len(items) == 1:
        only = items[0]
        return lambda row: (row[only],)
    return itemgetter(*items)


def _adapted(column: list[Any], adapt: Callable[[Any], Any]) -> list[Any]:
    """``adapt`` of each value, called once for each distinct value when the values are of
    one type and hashable (dates, times, amounts), else once for each."""
    try:
        distinct = set(column)
    except TypeError:  # unhashable (lists of warnings): each in turn, unless all are empty
        if column.count([]) == len(column):  # no row has a warning: one value for all
            return [adapt([])] * len(column)
        return [adapt(value) for value in column]
    if len({type(value) for value in distinct if value is not None}) > 1:  # 1 == True
        return [adapt(value) for value in column]
    adapted = {value: adapt(value) for value in distinct}
    return list(map(adapted.__getitem__, column))


#: COPY's text format: a backslash, tab, newline or carriage return in a text is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value: Any) -> str:
    """One database parameter as PostgreSQL's COPY text format writes it (``\\N`` for null);
    a type it is not made for here raises TypeError."""
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is bool:
        return "t" if value else "f"
    if issubclass(kind, str):  # a choice's member too: its text, as psycopg sends it
        text = str.__str__(value)
        if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
            return text.translate(_COPY_ESCAPES)
        return text
    if issubclass(kind, int):
        return int.__repr__(value)
    if kind is float:
        return repr(value)  # the shortest text that reads back as the same float (inf, nan too)
    if kind is Decimal:
        return str(value)
    if kind is date or kind is datetime:
        return str(value.isoformat())
    raise TypeError(kind)


def _copy_texts(column: Sequence[Any]) -> list[str] | None:
    """A column of database parameters as COPY text, each distinct value made once where
    the values are of one type and hashable; None when a value is of a type not made here."""
    try:
        try:
            distinct = set(column)
        except TypeError:  # unhashable: each in turn
            return [_copy_text(value) for value in column]
        # The types of every value, not of the set's (where 1 and True are one value).
        types = set(map(type, column)) - {type(None)}
        if types == {float} and len(distinct) * 2 > len(column):  # mostly distinct figures
            return ["\\N" if value is None else repr(value) for value in column]
        if types == {int} and len(distinct) == len(column):  # keys: each distinct, in C
            return list(map(int.__repr__, column))
        if len(types) > 1:  # 1 == True == 1.0 would be one value of the set
            return [_copy_text(value) for value in column]
        make = repr if types == {float} else _copy_text
        texts = {value: "\\N" if value is None else make(value) for value in distinct}
    except TypeError:
        return None
    return list(map(texts.__getitem__, column))
