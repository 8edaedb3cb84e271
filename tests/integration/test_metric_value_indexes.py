"""The main reads of metric values find their rows through an index (ADR 0131).

The metric values table keeps few indexes, so that an import writes few per value; these
tests pin that each main read still searches one: the metric page, the dashboard, the
benchmark and the alerts. Each read runs for real, and every statement it sends to the
metric values table is explained: on SQLite the plan must SEARCH the table with an index,
on PostgreSQL (sequential scans priced out) it must not scan the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bettercare.core.periods import Month
from bettercare.web.alerts.rules import find_events
from bettercare.web.benchmarking.queries import (
    _every_area,
    latest_period,
    metric_benchmark,
    peer_sets,
    region_outliers,
)
from bettercare.web.performance.models import MetricValue
from bettercare.web.performance.queries import area_metric_positions, metric_detail_snapshot
from tests.factories.metrics import make_target
from tests.factories.people import KENT
from tests.factories.worlds import make_benchmark_world

pytestmark = pytest.mark.django_db

TABLE = MetricValue._meta.db_table
#: The table named as a whole word (not its history table).
NAMED = re.compile(rf'(?<![\w"]){TABLE}(?!\w)|"{TABLE}"')


def plans(read: Callable[[], Any]) -> list[tuple[str, list[str]]]:
    """Each statement ``read`` sends to the metric values table, with its plan's lines."""
    with CaptureQueriesContext(connection) as captured:
        read()
    statements = [q["sql"] for q in captured.captured_queries if NAMED.search(q["sql"])]
    found = []
    with connection.cursor() as cursor:
        for sql in statements:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
                lines = list(_postgres_reads(plan[0]["Plan"] if isinstance(plan, list) else plan))
            else:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                lines = [row[-1] for row in cursor.fetchall()]
            found.append((sql, lines))
    return found


def _postgres_reads(node: dict[str, Any]) -> Iterator[str]:
    """Each read of the table in a PostgreSQL plan, as "NODE on TABLE" with " by CONDITION"
    when an index condition narrows it (a bitmap scan's is its index scan's)."""
    if node.get("Relation Name") == TABLE:
        found = next(_index_conditions(node), None)
        yield f"{node['Node Type']} on {TABLE}" + (f" by {found}" if found else "")
    for child in node.get("Plans", []):
        yield from _postgres_reads(child)


def _index_conditions(node: dict[str, Any]) -> Iterator[str]:
    """The index conditions of a scan: its own, or (a bitmap heap scan) those of the bitmap
    index scans under it, through any BitmapAnd/BitmapOr that combines them."""
    if node.get("Index Cond"):
        yield node["Index Cond"]
    for child in node.get("Plans", []):
        if child.get("Node Type", "").startswith("Bitmap"):
            yield from _index_conditions(child)


def scans(lines: list[str]) -> list[str]:
    """The plan lines that read the metric values table without searching an index."""
    if connection.vendor == "postgresql":
        return [line for line in lines if " by " not in line]
    return [
        line
        for line in lines
        if re.search(rf"\b{TABLE}\b", line)
        and not re.search(rf"SEARCH {TABLE} USING (COVERING )?INDEX", line)
    ]


def assert_indexed(read: Callable[[], Any]) -> list[str]:
    explained = plans(read)
    assert explained, "the read sent no statement to the metric values table"
    unindexed = {sql: scans(lines) for sql, lines in explained if scans(lines)}
    assert unindexed == {}, [
        (sql[sql.index(" FROM ") :], lines) for sql, lines in explained if scans(lines)
    ]
    return [line for _, lines in explained for line in lines]


@pytest.fixture
def world() -> dict[str, Any]:
    world = make_benchmark_world()
    make_target(world["areas"][KENT], world["metric"], "2017-18", 1200)
    return world


def test_the_metric_page_reads_values_by_index(world: dict[str, Any]) -> None:
    kent, metric = world["areas"][KENT], world["metric"]
    lines = assert_indexed(lambda: metric_detail_snapshot(kent, Month(2017, 8), metric.code))
    assert lines


def test_the_dashboard_reads_values_by_index(world: dict[str, Any]) -> None:
    kent = world["areas"][KENT]
    assert_indexed(lambda: area_metric_positions(kent, Month(2017, 8)))


def test_the_benchmark_reads_values_by_index(world: dict[str, Any]) -> None:
    kent, metric = world["areas"][KENT], world["metric"]

    def benchmark() -> None:
        period = latest_period(kent, metric, date(2017, 8, 31))
        assert period == (date(2017, 8, 1), date(2017, 8, 31))
        metric_benchmark(_every_area(), metric, peer_sets(kent)[0], period)

    assert_indexed(benchmark)
    assert_indexed(lambda: region_outliers(world["region"], list(world["areas"].values())))


def test_the_alerts_read_series_by_index(world: dict[str, Any]) -> None:
    kent = world["areas"][KENT]
    assert_indexed(lambda: find_events(area_ids=[kent.pk], today=date(2017, 9, 15)))


def test_a_plan_that_scans_the_table_is_found(world: dict[str, Any]) -> None:
    """The check itself: a read by a column no index leads with is reported."""
    explained = plans(lambda: list(MetricValue.objects.filter(note="Agreed in the plan")))
    assert [bool(scans(lines)) for _, lines in explained] == [True]


def test_a_bitmap_heap_scan_under_an_or_of_index_scans_is_a_search() -> None:
    """A read with OR'ed conditions (the metric page's values of its area and of its region)
    is one bitmap heap scan over a BitmapOr of index scans: each narrows it by an index."""
    plan = {
        "Node Type": "Bitmap Heap Scan",
        "Relation Name": TABLE,
        "Plans": [
            {
                "Node Type": "BitmapOr",
                "Plans": [
                    {"Node Type": "Bitmap Index Scan", "Index Cond": "(area_id = 807)"},
                    {"Node Type": "Bitmap Index Scan", "Index Cond": "(metric_id = 3)"},
                ],
            }
        ],
    }
    assert list(_postgres_reads(plan)) == [f"Bitmap Heap Scan on {TABLE} by (area_id = 807)"]
    assert list(_postgres_reads({"Node Type": "Seq Scan", "Relation Name": TABLE})) == [
        f"Seq Scan on {TABLE}"
    ]
