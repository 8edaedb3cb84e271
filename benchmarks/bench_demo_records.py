"""The current-year demo's record-level data: generating it and computing its metric values.

`bettercare.demo.current_records.current_metric_values(today)` runs at every demo load, so
its time is part of `make run`'s first page (aim: the whole demo well within 60 s on 2 cores).
Prints, for today's date (twenty months or so from April 2025, ten areas):

- generating the records (`write_current_records`) and its floor: NumPy drawing the same
  number of random values, with no records built or written;
- the pipeline on DuckDB (`run_pipeline`: checks, aggregates, assembly; best of three) and
  its floor: hand-written DuckDB SQL computing the same monthly aggregates from the files;
- the whole call, as a share of the 60 s budget.

Run ``uv run python -m benchmarks.bench_demo_records [YYYY-MM-DD]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import numpy as np

from bettercare.demo.current_records import (
    FIRST_MONTH,
    current_metric_values,
    write_current_records,
)
from bettercare.pipeline.run import run_pipeline

BUDGET = 60.0
FLOOR_SQL = """
select area_code, year(admission_date) * 100 + month(admission_date) as month,
       count(*) filter (where age >= 65 and admission_method = 'emergency') as emergency_65
from read_parquet('{folder}/admissions.parquet')
where admission_date between date '{first}' and date '{last}'
group by all;
select area_code, year(discharge_date) * 100 + month(discharge_date) as month,
       count(*) filter (where age >= 18 and discharge_ready_date is not null) as ready,
       sum(greatest(discharge_date - discharge_ready_date, 0))
           filter (where age >= 18 and discharge_ready_date is not null) as days,
       sum(greatest(discharge_date - discharge_ready_date, 0) ** 2)
           filter (where age >= 18 and discharge_ready_date is not null) as squares
from read_parquet('{folder}/admissions.parquet')
where discharge_date between date '{first}' and date '{last}'
group by all;
select area_code, year(start_date) * 100 + month(start_date) as month,
       count(*) filter (where age >= 65 and duration = 'long_term') as long_term_65
from read_parquet('{folder}/care_home_admissions.parquet')
where start_date between date '{first}' and date '{last}'
group by all;
"""


def line(label: str, seconds: float, floor: float | None = None, unit: str = "floor") -> None:
    ratio = f"  {seconds / floor:7.2f}x {unit}" if floor else ""
    print(f"  {label:<58} {seconds:8.3f} s{ratio}")


def main() -> None:
    today = date.fromisoformat(sys.argv[1]) if len(sys.argv) > 1 else date.today()
    print(f"Current-year demo records for today = {today}:")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        start = time.perf_counter()
        records = write_current_records(folder, today=today)
        generate = time.perf_counter() - start
        rows = sum(records.rows.values())
        start = time.perf_counter()
        rng = np.random.default_rng(1)
        for _ in range(12):  # about as many draws per record as the generator makes
            rng.random(rows)
        draw_floor = time.perf_counter() - start
        line(f"generate {rows:,} rows ({records.first} to {records.last})", generate, draw_floor)
        # Best of three, alternating, so that both are warm (Ibis, DuckDB, the file cache).
        pipeline = sql_floor = float("inf")
        connection = duckdb.connect()
        sql = FLOOR_SQL.format(
            folder=folder, first=FIRST_MONTH.first_day, last=records.last.last_day
        )
        for _ in range(3):
            start = time.perf_counter()
            run = run_pipeline(
                folder,
                first=records.first,
                last=records.last,
                engine="duckdb",
                today=today,
                years="in_force",
            )
            pipeline = min(pipeline, time.perf_counter() - start)
            start = time.perf_counter()
            for statement in sql.split(";"):
                if statement.strip():
                    connection.execute(statement).fetchall()
            sql_floor = min(sql_floor, time.perf_counter() - start)
        line(f"pipeline on DuckDB: {len(run.rows):,} values", pipeline, sql_floor)
        print(
            "    stages: "
            + ", ".join(f"{stage} {seconds:.2f} s" for stage, seconds in run.timings.items())
        )
    start = time.perf_counter()
    values = current_metric_values(today)
    whole = time.perf_counter() - start
    line(f"current_metric_values(today): {len(values):,} values", whole, BUDGET, "60 s budget")


if __name__ == "__main__":
    main()
