"""The bulk writer's history rows copied by the database (``INSERT … SELECT``, ADR 0140)
against the same rows sent from Python (the plain reference, ``HISTORY_BY_SELECT`` off):
every column of every history row, in order, is the same, and on SQLite each stored value is
of the same storage class. Run on SQLite and again on PostgreSQL (where new rows go in by
``COPY``).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, models

from bettercare.web.accounts.models import User
from bettercare.web.finance.models import SavingsPlan
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes import bulk
from bettercare.web.programmes.bulk import upsert, upsert_columns
from tests.factories import KENT, MEDWAY, make_area, make_metric

pytestmark = pytest.mark.django_db

KEY = ("area_id", "metric_id", "period_start", "period_end", "kind")
NOW = datetime(2026, 12, 5, 3, 4, 5, 678901, tzinfo=UTC)


def stored_history(model: type[models.Model]) -> list[tuple[Any, ...]]:
    """Every history row of ``model`` but its own number, in the order written; the row's
    key counted from the first one written (the two runs number their rows apart); on
    SQLite each value's storage class beside it."""
    meta = model.history.model._meta  # type: ignore[attr-defined]  # simple_history's manager
    columns = [f.column for f in meta.concrete_fields if f.attname != "history_id"]
    quote = connection.ops.quote_name
    selected = [quote(c) for c in columns]
    if connection.vendor == "sqlite":
        selected += [f"typeof({quote(c)})" for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(selected)} FROM {quote(meta.db_table)} "
            f"ORDER BY {quote('history_id')}"
        )
        rows = [list(row) for row in cursor.fetchall()]
    at = columns.index("id")
    first = min((row[at] for row in rows), default=0)
    for row in rows:
        row[at] -= first
    return [tuple(row) for row in rows]


def both_ways(monkeypatch: pytest.MonkeyPatch, write: Any, model: type[models.Model]) -> None:
    """``write`` with the history copied by the database, then again (everything emptied)
    sent from Python: the same history rows."""
    monkeypatch.setattr(bulk.timezone, "now", lambda: NOW)
    found = {}
    for by_select in (True, False):
        monkeypatch.setattr(bulk, "HISTORY_BY_SELECT", by_select)
        model._default_manager.all().delete()  # which records its own history rows
        model.history.all().delete()  # type: ignore[attr-defined]  # simple_history's manager
        write()
        found[by_select] = stored_history(model)
    assert found[True] == found[False]
    assert found[True]  # something was written


def value_rows(area: int, metric: int, figures: list[Any], note: str) -> list[dict[str, Any]]:
    return [
        {
            "area_id": area,
            "metric_id": metric,
            "period_start": date(2024, 1 + index % 12, 1),
            "period_end": date(2024, 1 + index % 12, 28),
            "kind": ("actual", "plan", "target")[index // 12 % 3],
            "numerator": figure,
            "denominator": None if figure is None else 1_000,
            "value": figure,
            "note": note,
            "source": "workbook a.xlsx",
            "warnings": [] if index % 3 else [f"warning {index}", "\t\\ tab"],
        }
        for index, figure in enumerate(figures)
    ]


def write_values(
    rows: list[dict[str, Any]], *, by: User | None, reason: str, by_column: bool = False
) -> None:
    """The rows written as metric values, given as rows or by column."""
    options: dict[str, Any] = {
        "existing": MetricValue.objects.all(),
        "by": by,
        "reason": reason,
        "provenance": ("source",),
    }
    if by_column:
        upsert_columns(MetricValue, KEY, {n: [row[n] for row in rows] for n in rows[0]}, **options)
    else:
        upsert(MetricValue, KEY, rows, **options)


@pytest.mark.parametrize("by_column", [False, True])
def test_history_copied_by_the_database_is_the_history_sent_from_python(monkeypatch, by_column):
    """New rows, then changed, unchanged and new rows (a user, then none): the same history.
    Figures of every kind (an int into a float column, None, a float of 17 digits), notes with
    tabs, backslashes and other scripts, JSON lists."""
    user = User.objects.create(username="importer")
    kent, medway = make_area(KENT, "Kent"), make_area(MEDWAY, "Medway")
    metric = make_metric("admissions")
    first = [
        *value_rows(kent.pk, metric.pk, [1, 2.5, None, 0.1 + 0.2, 7] * 5, "a\tb\\c"),
        *value_rows(medway.pk, metric.pk, [3, 1e-7, 12345678.125], "Ça va — ✓"),
    ]
    second = [dict(row) for row in first[:20]]
    for row in second[::2]:
        row["value"] = (row["value"] or 0) + 1  # changed
    second += value_rows(medway.pk, metric.pk, [4, 5, 6, 7], "")  # changed, and new
    second[-1]["period_start"] = date(2023, 4, 1)

    def write() -> None:
        write_values(first, by=user, reason="first", by_column=by_column)
        write_values(second, by=None, reason="", by_column=by_column)

    both_ways(monkeypatch, write, MetricValue)


def test_history_of_decimals_dates_and_defaults_is_the_same_either_way(monkeypatch):
    """A model of amounts (decimal) and dates, a field left to its default on some rows."""
    user = User.objects.create(username="importer")
    kent = make_area(KENT, "Kent")

    def write() -> None:
        upsert(
            SavingsPlan,
            ("area_id", "financial_year"),
            [
                {
                    "area_id": kent.pk,
                    "financial_year": f"{2020 + index}-{21 + index}",
                    "target": Decimal("1234.50") + index,
                    **({"achieved_to_date": Decimal("0.01") * index} if index % 2 else {}),
                    "as_at": date(2020 + index, 9, 30) if index != 3 else None,
                }
                for index in range(5)
            ],
            existing=SavingsPlan.objects.filter(area=kent),
            by=user,
            reason="savings",
        )

    both_ways(monkeypatch, write, SavingsPlan)


def test_history_of_rows_whose_keys_are_not_one_run_is_the_same_either_way(monkeypatch):
    """Updated rows' keys are scattered: the history is copied by key, in key order."""
    user = User.objects.create(username="importer")
    kent = make_area(KENT, "Kent")
    metric = make_metric("admissions")
    rows = value_rows(kent.pk, metric.pk, list(range(30)), "")
    changed = [dict(row, value=row["value"] + 0.5) for row in rows[::7]]

    def write() -> None:
        write_values(rows, by=user, reason="first")
        write_values(changed, by=user, reason="second")

    both_ways(monkeypatch, write, MetricValue)
    # The updates' history rows are of rows 0, 7, 14, 21 and 28 of the first write.
    meta = MetricValue.history.model._meta  # type: ignore[attr-defined]
    names = [f.attname for f in meta.concrete_fields if f.attname != "history_id"]
    kind, value = names.index("history_type"), names.index("value")
    updated = [row[value] for row in stored_history(MetricValue) if row[kind] == "~"]
    assert updated == [0.5, 7.5, 14.5, 21.5, 28.5]
