"""Concurrent writers to different areas on PostgreSQL: per-area data versions vs one shared row.

Twenty writers (threads, each with its own database connection) each own one of twenty areas
and save its overall programme status again and again through the action
(``programme_status_save``: three rows, their history and the area's data version, in one
transaction). The same run measures two modes:

- *per-area versions* (ADR 0102): each transaction moves only its own area's version on, so
  writers to different areas never wait for each other;
- *one shared row* (before ADR 0102): each transaction also moves the one shared version row
  on, at its first write as the old signal did, and holds that row's lock until it commits,
  so all twenty queue behind it. This mode is the floor the per-area figure is compared with.

Then the queries per page of the main pages of one area (its month, dashboard, metrics...):
the first request (nothing cached) and the second (served from the cache), beside the
numbers ``tests/integration/pages/test_query_counts.py`` holds every page to.

Run ``uv run python -m benchmarks.bench_versions [--database=postgres://...]``: a database
``bench_versions`` is created on that server (default the local one) and dropped after.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bettercare.web.accounts.models import User
    from bettercare.web.programmes.models import ReportingPeriod

WRITERS = 20
SECONDS = float(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--seconds=")), 10))
DATABASE = next(
    (a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--database=")),
    os.environ.get("BETTERCARE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
)
#: The aim from the issue: no serialisation on one row.
AIM_RATIO = 5.0


def main() -> None:
    from benchmarks.bench_web import postgres_database

    scratch = Path(tempfile.mkdtemp(prefix="bettercare-bench-versions-"))
    try:
        with postgres_database(DATABASE, "bench_versions") as url:
            benchmark(scratch, url)
    finally:
        shutil.rmtree(scratch)


def benchmark(scratch: Path, database_url: str) -> None:
    os.environ["BETTERCARE_DATA_DIR"] = str(scratch)
    os.environ["BETTERCARE_DATABASE_URL"] = database_url
    os.environ.setdefault("BETTERCARE_SSL_REDIRECT", "0")
    os.environ.setdefault("BETTERCARE_REQUIRE_TWO_FACTOR", "0")
    from bettercare.cli.database import ensure_database

    ensure_database()
    from bettercare.core.periods import Month
    from bettercare.web.accounts.actions import command_line_user
    from bettercare.web.programmes.actions import period_open
    from bettercare.web.programmes.models import Area, ReportingPeriod

    by = command_line_user()
    region = Area.objects.create(code="E12000008", name="South East", type="region")
    periods = [
        period_open(
            area=Area.objects.create(
                code=f"E0600{index:04d}", name=f"Area {index}", type="HWB", parent=region
            ),
            month=Month(2026, 11),
            by=by,
        )
        for index in range(WRITERS)
    ]
    print(
        f"{WRITERS} writers to {WRITERS} different areas on PostgreSQL, {SECONDS:.0f} s each mode "
        "(one transaction: the action saving an area's programme status, 3 rows and history)"
    )
    single = throughput(periods, by, shared_row=True)
    per_area = throughput(periods, by, shared_row=False)
    line("one shared version row (before; floor)", single)
    line("a version per area", per_area, single)
    ratio = per_area / single
    print(f"  -> {ratio:.1f}x the single-row throughput (aim: at least {AIM_RATIO:.0f}x)")
    assert ReportingPeriod.objects.count() == WRITERS
    page_queries()


def line(label: str, per_second: float, floor: float | None = None) -> None:
    ratio = f"  {per_second / floor:6.2f}x floor" if floor else ""
    print(f"  {label:<48} {per_second:9.1f} transactions/s{ratio}")


def throughput(periods: list[ReportingPeriod], by: User, *, shared_row: bool) -> float:
    """Transactions a second of WRITERS threads, each saving its own area for SECONDS."""
    from django.db import connection, transaction

    from bettercare.web.programmes.actions import programme_status_save
    from bettercare.web.programmes.versioning import shared_changed

    start = threading.Barrier(WRITERS + 1)
    counts = [0] * WRITERS
    failures: list[BaseException] = []
    deadline: list[float] = []

    def writer(index: int) -> None:
        period = periods[index]
        seen = {s.dimension: s.version for s in period.programme_statuses.all()}
        try:
            start.wait()
            number = 0
            while time.perf_counter() < deadline[0]:
                number += 1
                with transaction.atomic():
                    if shared_row:
                        shared_changed()  # the one row every write moved on before ADR 0102
                    saved = programme_status_save(
                        period=period,
                        statuses=dict.fromkeys(
                            ("plan", "benefits", "budget"),
                            ("A", f"Write {number} of writer {index}"),
                        ),
                        seen_versions=seen,
                        by=by,
                    )
                seen = {s.dimension: s.version for s in saved}
                counts[index] += 1
        except BaseException as error:  # reported after the run
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    deadline.append(time.perf_counter() + SECONDS)
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if failures:
        raise failures[0]
    return sum(counts) / elapsed


def page_queries() -> None:
    """Queries per page of one area's main pages: cold (nothing cached) and warm."""
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.factories import MEDWAY, build_programme, make_area, make_region, make_user
    from tests.integration.pages.test_query_counts import PAGES

    call_command("collectstatic", interactive=False, verbosity=0)  # as `bettercare serve` does
    with transaction.atomic():
        region = make_region("E12000009", "South West")
        medway = make_area(MEDWAY, "Medway", parent=region)
        manager = make_user("manager", (region, "programme_manager"))
        programme = build_programme(medway, schemes=12, months=36, lead=manager)
    client = Client(HTTP_HOST="localhost")
    client.force_login(manager)
    client.get("/")  # the session and the user's access, out of the way

    def count(path: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(queries.captured_queries)

    print("Queries per page (Medway: 12 schemes, 36 months; the cache is local memory)")
    print(f"  {'page':<24} {'first':>6} {'cached':>7}")
    for name, path_of in PAGES.items():
        path = f"/areas/{MEDWAY}/" + path_of(programme)
        cache.clear()  # who may see what goes too: counted in the first request
        cold = count(path)
        warm = count(path)
        print(f"  {name:<24} {cold:>6} {warm:>7}")


if __name__ == "__main__":
    main()
