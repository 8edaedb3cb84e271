"""Concurrent writers to different areas on PostgreSQL: per-area data versions vs one shared row.

Twenty writers, each a separate **process** (``multiprocessing`` with the ``spawn`` context: its
own interpreter, its own Django setup and its own database connection), each own one of twenty
areas and save its overall programme status again and again through the action
(``programme_status_save``: the period locked, three rows and their history, and the area's
data version, in one transaction, committed with ``synchronous_commit`` on). Threads in one
process cannot show contention on a row: the interpreter lock serialises the Python work of
the writers whatever the database does, so the two modes looked alike (1.1x). The same run
measures two modes:

- *one shared row* (before ADR 0102; benchmark only): each transaction first moves the one
  shared version row on (``versioning.shared_changed``, as the old signal did at the first
  write) and so holds that row's lock for the whole transaction, through the rest of the
  action and the commit's WAL flush: the twenty writers queue behind it, one at a time;
- *a version per area* (ADR 0102, today's code): each transaction moves only its own area's
  version on, so writers to different areas never wait for each other.

Each mode prints transactions a second, the mean transaction time, and how much of it the
writers spent waiting for the shared row's lock (the time the ``UPDATE`` of that row took);
the ratio of the two throughputs is the figure the issue aims at (at least 5x). What bounds
the per-area writers is then the machine: twenty processes share its cores with PostgreSQL,
so the ratio can be no larger than the work a transaction does outside the lock allows
(the output says how long that is, and how many cores there are).

Then the queries per page of the main pages of one area (its month, dashboard, metrics...):
the first request (nothing cached) and the second (served from the cache), beside the
numbers ``tests/integration/pages/test_query_counts.py`` holds every page to.

Run ``uv run python -m benchmarks.bench_versions [--database=postgres://...] [--seconds=10]
[--scratch=bench_versions]``: the database named by ``--scratch`` is created on that server
(default the local one) and dropped after.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.synchronize import Barrier, Event

WRITERS = 20
SECONDS = float(next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--seconds=")), 10))
DATABASE = next(
    (a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--database=")),
    os.environ.get("BETTERCARE_BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres"),
)
SCRATCH = next(
    (a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--scratch=")), "bench_versions"
)
#: The aim from the issue: no serialisation on one row.
AIM_RATIO = 5.0


def main() -> None:
    from benchmarks.bench_web import postgres_database

    scratch = Path(tempfile.mkdtemp(prefix="bettercare-bench-versions-"))
    try:
        with postgres_database(DATABASE, SCRATCH) as url:
            benchmark(scratch, url)
    finally:
        shutil.rmtree(scratch)


def _environment(scratch: Path, database_url: str) -> dict[str, str]:
    return {
        "BETTERCARE_DATA_DIR": str(scratch),
        "BETTERCARE_DATABASE_URL": database_url,
        "BETTERCARE_SSL_REDIRECT": os.environ.get("BETTERCARE_SSL_REDIRECT", "0"),
        "BETTERCARE_REQUIRE_TWO_FACTOR": os.environ.get("BETTERCARE_REQUIRE_TWO_FACTOR", "0"),
    }


def benchmark(scratch: Path, database_url: str) -> None:
    environment = _environment(scratch, database_url)
    os.environ.update(environment)
    from bettercare.cli.database import ensure_database

    ensure_database()
    from django.db import connection

    from bettercare.core.periods import Month
    from bettercare.web.accounts.actions import command_line_user
    from bettercare.web.programmes.actions import period_open
    from bettercare.web.programmes.models import Area, ProgrammeStatus, ReportingPeriod

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
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        synchronous = cursor.fetchone()[0]
    connection.close()  # the writers' connections only, while they run
    print(
        f"{WRITERS} writer processes to {WRITERS} different areas on PostgreSQL, {SECONDS:.0f} s "
        f"each mode, {os.cpu_count()} CPU core(s), synchronous_commit {synchronous}\n"
        "  (one transaction: the action saving an area's programme status: the period locked, "
        "3 rows and their history, the area's version)"
    )
    context = multiprocessing.get_context("spawn")
    single, per_area = throughputs(
        context, environment, [p.pk for p in periods], by.pk, modes=(True, False)
    )
    line("one shared version row (before; floor)", single)
    line("a version per area (today)", per_area, single)
    ratio = per_area.per_second / single.per_second
    print(f"  -> {ratio:.1f}x the single-row throughput (aim: at least {AIM_RATIO:.0f}x)")
    outside = (single.busy - single.waiting) / single.transactions
    cores = os.cpu_count() or 1
    bound = min(cores, WRITERS) / outside
    print(
        f"  With one shared row {single.waiting_share:.0%} of the writers' time is spent "
        "waiting for its lock, held from the first update to the commit: they run one at a "
        f"time, {outside * 1000:.0f} ms each (the floor: {1 / outside:.1f}/s).\n"
        "  With a version per area the writers share no row and none waits for another; what "
        f"bounds them is CPU: {WRITERS} processes on {cores} core(s), with PostgreSQL and "
        f"whatever else runs (load average {os.getloadavg()[0]:.1f} at the end). "
        f"{cores} core(s) / {outside * 1000:.0f} ms = {bound:.1f}/s at most, "
        f"{bound * outside:.1f}x the floor: the 5x aim needs at least 5 cores free for "
        "the writers."
    )
    assert ReportingPeriod.objects.count() == WRITERS
    assert ProgrammeStatus.objects.count() == 3 * WRITERS
    page_queries()


@dataclass(frozen=True)
class Throughput:
    """What one mode's writers did: transactions, the time they took, and the lock waits."""

    transactions: int
    elapsed: float
    #: Seconds the writers spent waiting for the shared version row (shared mode only).
    waiting: float
    #: Seconds the writers spent in their transactions, all writers together.
    busy: float

    @property
    def per_second(self) -> float:
        return self.transactions / self.elapsed

    @property
    def seconds_per_transaction(self) -> float:
        return self.busy / self.transactions

    @property
    def waiting_per_transaction(self) -> float:
        return self.waiting / self.transactions

    @property
    def waiting_share(self) -> float:
        return self.waiting / self.busy if self.busy else 0.0


def line(label: str, measured: Throughput, floor: Throughput | None = None) -> None:
    ratio = f"  {measured.per_second / floor.per_second:6.2f}x floor" if floor else ""
    print(
        f"  {label:<40} {measured.per_second:8.1f} transactions/s "
        f"({measured.transactions} in {measured.elapsed:.1f} s, "
        f"{measured.seconds_per_transaction * 1000:.0f} ms each, waits included){ratio}"
    )


def throughputs(
    context: Any,
    environment: dict[str, str],
    period_ids: list[int],
    user_id: int,
    *,
    modes: tuple[bool, ...],
) -> list[Throughput]:
    """WRITERS processes, each saving its own area's programme status for SECONDS in each
    mode in turn (True: with the shared row); the processes are started once for all modes."""
    ready = context.Barrier(WRITERS + 1)
    go = [context.Event() for _ in modes]
    deadlines = [context.Value("d", 0.0) for _ in modes]
    results = context.Queue()
    processes = [
        context.Process(
            target=writer,
            args=(environment, period_id, user_id, modes, ready, go, deadlines, results),
            name=f"writer-{index}",
        )
        for index, period_id in enumerate(period_ids)
    ]
    for process in processes:
        process.start()
    measured = []
    try:
        for index in range(len(modes)):
            try:  # every writer set up, connected, and done with the last mode
                ready.wait(timeout=900)
            except threading.BrokenBarrierError:
                raise SystemExit(f"a writer failed: {results.get(timeout=60)}") from None
            began = time.time()
            deadlines[index].value = began + SECONDS
            go[index].set()
            outcomes = [results.get(timeout=SECONDS + 900) for _ in processes]
            failures = [outcome for outcome in outcomes if isinstance(outcome, str)]
            if failures:
                raise SystemExit(f"a writer failed: {failures[0]}")
            measured.append(
                Throughput(
                    transactions=sum(outcome[0] for outcome in outcomes),
                    elapsed=max(outcome[3] for outcome in outcomes) - began,
                    waiting=sum(outcome[1] for outcome in outcomes),
                    busy=sum(outcome[2] for outcome in outcomes),
                )
            )
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():
                process.terminate()
    return measured


def writer(
    environment: dict[str, str],
    period_id: int,
    user_id: int,
    modes: tuple[bool, ...],
    ready: Barrier,
    go: list[Event],
    deadlines: list[Any],
    results: Any,
) -> None:
    """One writer process: for each mode, (transactions, seconds waiting for the shared row,
    seconds in transactions, time of the last commit) on ``results``, or why it failed."""
    try:
        os.environ.update(environment)
        from bettercare.cli.database import setup_django

        setup_django()
        from django.db import connection, transaction

        from bettercare.web.accounts.models import User
        from bettercare.web.programmes.actions import programme_status_save
        from bettercare.web.programmes.models import ReportingPeriod
        from bettercare.web.programmes.versioning import shared_changed

        by = User.objects.get(pk=user_id)
        period = ReportingPeriod.objects.get(pk=period_id)
        seen = {s.dimension: s.version for s in period.programme_statuses.all()}
        number = 0
        for index, shared_row in enumerate(modes):
            ready.wait(timeout=900)
            go[index].wait(timeout=900)
            count, waiting, busy, last = 0, 0.0, 0.0, time.time()
            while time.time() < deadlines[index].value:
                number += 1
                began = time.perf_counter()
                with transaction.atomic():
                    if shared_row:
                        # The one row every write moved on before ADR 0102, at the first
                        # write: its lock is then held to the commit.
                        shared_changed()
                        waiting += time.perf_counter() - began
                    saved = programme_status_save(
                        period=period,
                        statuses=dict.fromkeys(
                            ("plan", "benefits", "budget"),
                            ("A", f"Write {number} of period {period_id}"),
                        ),
                        seen_versions=seen,
                        by=by,
                    )
                busy += time.perf_counter() - began
                last = time.time()
                count += 1
                seen = {s.dimension: s.version for s in saved}
            results.put((count, waiting, busy, last))
        connection.close()
    except BaseException as error:  # reported by the parent, which then stops
        results.put(f"{type(error).__name__}: {error}")
        ready.abort()  # the parent and the other writers stop waiting


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
