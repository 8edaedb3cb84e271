"""Importing a programme workbook of 100,000 metric values into a fresh SQLite database.

Times, for the same workbook as a folder of CSVs and as an ``.xlsx`` file: reading and
checking only (``--dry-run``), the full import, and importing the unchanged file again (the
idempotent path, which must find every row unchanged). Each is compared with the floor of
just reading the same file: Python's ``csv`` module for the CSV, openpyxl's read-only row
iterator for the workbook.

The alert rules an import evaluates once it has committed (every area's, the alert engine's
after-save hook) are timed on their own line: they are the alert engine's cost, not the
import's, and the import is timed with the hook off. Both figures are printed, and their sum.

Run ``uv run python -m benchmarks.bench_import [ROWS] [--profile] [--csv-only]
[--database=postgres://...]``; ``--profile`` prints where the full CSV import spends its time
(cProfile, by cumulative time); ``--csv-only`` leaves out the ``.xlsx`` workbook (minutes of
openpyxl on a busy machine).
"""

from __future__ import annotations

import cProfile
import csv
import io
import os
import pstats
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from benchmarks._timing import best_of, report

ARGS = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
ROWS = int(ARGS[0]) if ARGS else 100_000
PROFILE = "--profile" in sys.argv
CSV_ONLY = "--csv-only" in sys.argv
#: ``--database=postgres://user@host:5432/postgres``: run on a database ``bench_import`` created
#: (and dropped) on that PostgreSQL server instead of a fresh SQLite file; a URL naming another
#: database (``.../scratch``) runs on that one, created and dropped the same way.
DATABASE = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--database=")), "")
#: Aims from the issue: rows a second for a full import, seconds for an unchanged re-import.
AIM_ROWS_PER_SECOND = 50_000
AIM_UNCHANGED_SECONDS_PER_100K = 2.0
AREAS = 10
METRICS = 50
UNITS = (("rate", 100_000), ("proportion", 100), ("count", 1))

T = TypeVar("T")


def timed(function: Callable[[], T]) -> tuple[float, T]:
    """Seconds for one run (an import changes the database, so it is not repeated)."""
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def processor_seconds(function: Callable[[], object]) -> float:
    """This process's CPU seconds for one run of ``function``."""
    start = time.process_time()
    function()
    return time.process_time() - start


def month_start(index: int) -> date:
    return date(2000 + (3 + index) // 12, (3 + index) % 12 + 1, 1)


def workbook_rows(rows: int) -> dict[str, list[dict[str, Any]]]:
    """A programme of AREAS areas, METRICS local metrics and ``rows`` monthly values."""
    rng = random.Random(2017)
    areas = [f"E1000{index:04d}" for index in range(AREAS)]
    metrics = [
        {
            "code": f"bench_{index:02d}",
            "name": f"Benchmark metric {index}",
            "unit": UNITS[index % 3][0],
            "multiplier": UNITS[index % 3][1],
            "polarity": "lower_is_better",
            "frequency": "month",
        }
        for index in range(METRICS)
    ]
    months = -(-rows // (AREAS * METRICS))
    values = []
    for area in areas:
        for metric in metrics:
            for index in range(months):
                if len(values) == rows * (areas.index(area) + 1) // AREAS:
                    break
                start = month_start(index)
                end = month_start(index + 1).replace(day=1)
                end = date.fromordinal(end.toordinal() - 1)
                row: dict[str, Any] = {
                    "area_code": area,
                    "metric_code": metric["code"],
                    "period_start": start,
                    "period_end": end,
                    "kind": "actual",
                }
                if metric["unit"] == "rate":
                    denominator = rng.randint(100_000, 1_500_000)
                    numerator = rng.randint(100, 2_000)
                    row |= {"numerator": numerator, "denominator": denominator}
                    row["value"] = round(numerator / denominator * 100_000, 1)
                elif metric["unit"] == "proportion":
                    denominator = rng.randint(500, 5_000)
                    numerator = rng.randint(0, denominator)
                    row |= {"numerator": numerator, "denominator": denominator}
                    row["value"] = f"{round(numerator / denominator * 100, 1)}%"
                else:
                    row["numerator"] = rng.randint(0, 500)
                values.append(row)
    programme = [{"area_code": a, "area_name": f"Area {a}", "area_type": "HWB"} for a in areas]
    return {"programme": programme, "metrics": metrics, "metric_values": values}


def read_csv_floor(folder: Path) -> int:
    with (folder / "metric_values.csv").open(newline="", encoding="utf-8") as file:
        return sum(1 for _ in csv.reader(file)) - 1


def read_csv_records(folder: Path) -> int:
    """The same file read into a dict a row (``csv.DictReader``), as issue 14's floor was."""
    with (folder / "metric_values.csv").open(newline="", encoding="utf-8") as file:
        return sum(1 for _ in csv.DictReader(file))


def read_xlsx_floor(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for _ in book["metric_values"].iter_rows(values_only=True)) - 1
    finally:
        book.close()


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="bettercare-bench-"))
    try:
        if DATABASE:
            from benchmarks.bench_web import postgres_database

            named = urlsplit(DATABASE).path.strip("/")
            name = named if named not in ("", "postgres") else "bench_import"
            with postgres_database(DATABASE, name) as url:
                benchmark(scratch, url)
        else:
            benchmark(scratch, f"sqlite:///{scratch / 'bench.sqlite3'}")
    finally:
        shutil.rmtree(scratch)


def benchmark(scratch: Path, database_url: str) -> None:
    # Before Django starts: a fresh database of its own, whatever the environment says.
    os.environ["BETTERCARE_DATA_DIR"] = str(scratch)
    os.environ["BETTERCARE_DATABASE_URL"] = database_url
    from bettercare.cli.database import ensure_database

    ensure_database()
    from django.conf import settings

    from bettercare.web.accounts.actions import command_line_user
    from bettercare.web.alerts.engine import run_alerts
    from bettercare.web.performance.models import MetricValue
    from bettercare.web.programmes.imports import ImportResult, import_workbook
    from bettercare.workbook import write_workbook

    by = command_line_user()
    rows = workbook_rows(ROWS)
    count = len(rows["metric_values"])
    folder = write_workbook(scratch / "plan", rows)
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    print(f"Importing {count:,} metric values ({AREAS} areas x {METRICS} metrics) into {engine}")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} processors at the start)")
    if not CSV_ONLY:
        seconds, workbook = timed(lambda: write_workbook(scratch / "plan.xlsx", rows))
        print(f"  (writing the .xlsx took {seconds:.1f} s)")

    def run(path: Path, *, dry_run: bool = False) -> ImportResult:
        result = import_workbook(path, by=by, dry_run=dry_run)
        assert result.ok, [str(m) for m in result.errors[:5]]
        return result

    def unchanged(result: ImportResult) -> None:
        values = result.counts["metric_values"]
        assert (values.created, values.updated, values.unchanged) == (0, 0, count), values

    # -- CSV -----------------------------------------------------------------------------
    # The floor is cheap and changes nothing: its best of five (one slow read on a busy
    # machine would flatter every ratio below).
    floor, rows_read = best_of(5, lambda: read_csv_floor(folder))
    assert rows_read == count
    # This process's CPU time too: on a shared machine it moves less than the wall clock
    # (the database server's time is not in it, so on PostgreSQL it is the client's part).
    cpu_floor = min(processor_seconds(lambda: read_csv_floor(folder)) for _ in range(5))
    print("CSV folder")
    report("csv module reading metric_values.csv (floor)", floor, count)
    seconds, result = timed(lambda: run(folder, dry_run=True))
    report("read and check only (--dry-run)", seconds, count, floor)
    profiler = cProfile.Profile() if PROFILE else None
    if profiler:
        profiler.enable()
    settings.ALERTS_ON_SAVE = False  # timed on their own below
    cpu_start = time.process_time()
    seconds, result = timed(lambda: run(folder))
    cpu_full = time.process_time() - cpu_start
    if profiler:
        profiler.disable()
    assert result.counts["metric_values"].created == count
    report("full import into an empty database", seconds, count, floor)
    full_csv = seconds
    alerts, _ = timed(lambda: run_alerts(deliver=False))
    report("then the alert rules on commit (every area)", alerts, count, floor)
    print(
        f"  -> {count / seconds:,.0f} rows/s on {engine}, {seconds / floor:.1f}x the read floor "
        f"(aim: {AIM_ROWS_PER_SECOND:,} rows/s, within 20x the read floor); with the alert "
        f"rules {count / (seconds + alerts):,.0f} rows/s, {(seconds + alerts) / floor:.1f}x"
    )
    print(
        f"  -> this process's CPU: {cpu_full:.2f} s, {cpu_full / cpu_floor:.1f}x the read "
        f"floor's {cpu_floor:.3f} s"
    )
    # Issue 14 measured its floor (0.135 s) reading the file into a dict a row; 50,000 rows/s
    # is 2.0 s for 100,000, 14.8x that floor. The csv.reader floor above is the stricter.
    records, _ = best_of(5, lambda: read_csv_records(folder))
    print(
        f"  -> against reading the rows into dicts ({records:.3f} s, csv.DictReader): "
        f"{seconds / records:.1f}x"
    )
    print(
        f"  -> aims: >= {AIM_ROWS_PER_SECOND:,} rows/s "
        f"{'met' if count / seconds >= AIM_ROWS_PER_SECOND else 'MISSED'}; <= 20x the issue's "
        f"floor (the rows read into dicts) {'met' if seconds <= 20 * records else 'MISSED'} "
        f"({seconds / records:.1f}x); <= 20x the stricter csv.reader floor "
        f"{'met' if seconds <= 20 * floor else 'missed'} ({seconds / floor:.1f}x)"
    )
    settings.ALERTS_ON_SAVE = True  # an import that writes nothing evaluates nothing
    cpu_start = time.process_time()
    seconds, result = timed(lambda: run(folder))
    cpu_unchanged = time.process_time() - cpu_start
    unchanged(result)
    report("import the unchanged folder again", seconds, count, floor)
    print(
        f"  -> {seconds * 100_000 / count:.2f} s per 100,000 unchanged rows, "
        f"{count / seconds:,.0f} rows/s, {seconds / floor:.1f}x the read floor "
        f"(aim: {AIM_UNCHANGED_SECONDS_PER_100K} s); this process's CPU {cpu_unchanged:.2f} s, "
        f"{cpu_unchanged / cpu_floor:.1f}x the floor's"
    )
    print(f"  (load average {os.getloadavg()[0]:.1f} at the end of the CSV folder)")

    # -- .xlsx ---------------------------------------------------------------------------
    if CSV_ONLY:
        print_profile(profiler, full_csv)
        return
    floor, rows_read = timed(lambda: read_xlsx_floor(workbook))
    assert rows_read == count
    print(".xlsx workbook")
    report("openpyxl read-only rows of metric_values (floor)", floor, count)
    seconds, result = timed(lambda: run(workbook, dry_run=True))
    report("read and check only (--dry-run)", seconds, count, floor)
    seconds, result = timed(lambda: run(workbook))
    unchanged(result)  # the same figures as the CSV folder
    report("import over the CSV's figures (all unchanged)", seconds, count, floor)
    MetricValue.history.all().delete()
    MetricValue.objects.all().delete()
    seconds, result = timed(lambda: run(workbook))
    assert result.counts["metric_values"].created == count
    report("full import (metric values deleted first)", seconds, count, floor)

    print_profile(profiler, full_csv)


def print_profile(profiler: cProfile.Profile | None, seconds: float) -> None:
    if profiler:
        print(f"Where the full CSV import's {seconds:.1f} s go (cProfile, top 25 cumulative):")
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(25)
        print(text.getvalue())


if __name__ == "__main__":
    main()
