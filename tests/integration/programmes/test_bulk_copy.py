"""PostgreSQL's ``COPY`` text made a column at a time by the bulk writer (ADR 0136) against
psycopg's own ``write_row`` (the plain reference): awkward texts, figures and nulls are stored
the same either way. The text of one value is checked on any database; the writes only on
PostgreSQL, where they are ``COPY``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bettercare.web.accounts.models import User
from bettercare.web.performance.models import MetricValue
from bettercare.web.programmes import bulk
from bettercare.web.programmes.bulk import _copy_text, _copy_texts, upsert_columns
from tests.factories import KENT, MEDWAY, make_area, make_metric

KEY = ("area_id", "metric_id", "period_start", "period_end", "kind")
STORED = (*KEY, "numerator", "denominator", "value", "note", "source", "warnings", "version")
HISTORY = (*STORED, "history_type", "history_user_id", "history_change_reason")


class Colour(StrEnum):
    RED = "red"


def test_one_value_as_copy_text():
    assert [
        _copy_text(value)
        for value in (
            None,
            True,
            False,
            7,
            -0.0,
            0.1,
            float("inf"),
            Decimal("1E+2"),
            date(2025, 4, 1),
            datetime(2025, 4, 1, 9, 30, tzinfo=UTC),
            "a\\b\tc\nd\re",
            Colour.RED,
        )
    ] == [
        "\\N",
        "t",
        "f",
        "7",
        "-0.0",
        "0.1",
        "inf",
        "1E+2",
        "2025-04-01",
        "2025-04-01T09:30:00+00:00",
        "a\\\\b\\tc\\nd\\re",
        "red",
    ]


def test_a_column_as_copy_text_each_value_its_own():
    assert _copy_texts([1, True, 1, None]) == ["1", "t", "1", "\\N"]  # 1 == True, not one
    assert _copy_texts([0.5, 0.5, None, 0.25]) == ["0.5", "0.5", "\\N", "0.25"]
    assert _copy_texts([3, -2, 10**20]) == ["3", "-2", "100000000000000000000"]  # keys
    assert _copy_texts([3, True, None]) == ["3", "t", "\\N"]
    assert _copy_texts([["not hashable"]]) is None  # a type it does not make: psycopg's way
    assert _copy_texts([object()]) is None


def awkward_rows(
    area_id: int, metric_id: int, figures: list[float | None], texts: list[str]
) -> dict[str, list[Any]]:
    count = min(len(figures), len(texts))
    starts = [date(2000 + i // 12, i % 12 + 1, 1) for i in range(count)]
    return {
        "area_id": [area_id] * count,
        "metric_id": [metric_id] * count,
        "period_start": starts,
        "period_end": starts,
        "kind": ["actual"] * count,
        "numerator": figures[:count],
        "denominator": [None] * count,
        "value": list(reversed(figures[:count])),
        "note": texts[:count],
        "warnings": [[text] for text in texts[:count]],
        "source": [f"workbook {text}"[:300] for text in texts[:count]],
    }


class RollbackError(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    figures=st.lists(st.none() | st.floats(allow_nan=False), max_size=8),
    texts=st.lists(st.text(st.characters(exclude_characters="\x00")), max_size=8),
)
def test_copy_text_stores_what_psycopg_write_row_stores(figures, texts):
    if connection.vendor != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    stored = {}
    try:
        with transaction.atomic():  # rolled back: each example starts from nothing
            user = User.objects.create(username="importer")
            kent = make_area(KENT, "Kent")
            medway = make_area(MEDWAY, "Medway")
            metric = make_metric("admissions")
            for area, made_here in ((kent, True), (medway, False)):
                with pytest.MonkeyPatch.context() as patch:
                    if not made_here:  # psycopg writes each row (the reference)
                        patch.setattr(bulk, "_copy_texts", lambda column: None)
                    result = upsert_columns(
                        MetricValue,
                        KEY,
                        awkward_rows(area.pk, metric.pk, figures, texts),
                        existing=MetricValue.objects.filter(area=area),
                        by=user,
                        reason="tab\there",
                    )
                assert result.created == min(len(figures), len(texts))
                stored[made_here] = (
                    sorted(
                        MetricValue.objects.filter(area=area).values_list(*STORED[1:]), key=repr
                    ),
                    sorted(
                        MetricValue.history.filter(area=area).values_list(*HISTORY[1:]),
                        key=repr,
                    ),
                )
            raise RollbackError
    except RollbackError:
        pass
    assert stored[True] == stored[False]
    given_notes = sorted(texts[: min(len(figures), len(texts))])
    assert sorted(row[STORED.index("note") - 1] for row in stored[True][0]) == given_notes


@pytest.mark.django_db(transaction=True)
def test_a_failure_after_the_rows_went_in_leaves_nothing(monkeypatch):
    """The history's write fails after the values' ``COPY`` (or INSERT): nothing is kept."""
    user = User.objects.create(username="importer")
    kent = make_area(KENT, "Kent")
    metric = make_metric("admissions")

    def fail(*args: Any, **kwargs: Any) -> None:
        assert MetricValue.objects.count() == 3  # the values are in, inside the transaction
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(bulk._ModelWriter, "history", fail)
    with pytest.raises(RuntimeError, match="the disk is full"):
        upsert_columns(
            MetricValue,
            KEY,
            awkward_rows(kent.pk, metric.pk, [1.0, 2.0, None], ["a", "b", "c"]),
            existing=MetricValue.objects.filter(area=kent),
            by=user,
            reason="fails",
        )
    assert (MetricValue.objects.count(), MetricValue.history.count()) == (0, 0)
