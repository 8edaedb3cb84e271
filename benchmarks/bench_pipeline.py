"""The record-level pipeline on synthetic national data: DuckDB against its floor and pandas.

Generates (once, cached) five financial years of synthetic inputs at ``--scale`` (0.3 is about
18 million admission rows, 0.5 about 30 million), then times, in the same run:

- the full pipeline on DuckDB (``bettercare pipeline run``: checking the inputs, the Ibis
  queries, assembling and writing the metric values), stage by stage;
- the floor: one hand-written DuckDB SQL statement computing the same monthly aggregates
  (checked to give exactly the pipeline's aggregates);
- a straightforward pandas implementation, as an analyst would write it (read the files,
  derive columns, group by) - also checked against the pipeline's aggregates;
- the Spark engine (local mode) on a smaller slice, next to DuckDB on the same slice.

It prints seconds, rows per second, the ratios (aim: pipeline within 1.5x of the floor and at
least 10x faster than pandas) and the process's peak memory after the DuckDB pipeline.

    uv run python -m benchmarks.bench_pipeline [--scale 0.3] [--spark-scale 0.02]
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import shutil
import tempfile
import time
from datetime import date
from itertools import pairwise
from pathlib import Path

from benchmarks._timing import report
from bettercare.core.periods import FinancialYear, Month
from bettercare.pipeline.aggregates import Aggregates
from bettercare.pipeline.definitions import ACSC_PREFIXES, FALLS_PREFIXES
from bettercare.pipeline.run import run_pipeline
from bettercare.pipeline.synth import DEFAULT_SEED, generate

YEARS = 5
FIRST_YEAR = FinancialYear(2021)
FIRST = FIRST_YEAR.first_month


def data_folder(root: Path, scale: float, years: int) -> Path:
    """Synthetic inputs at ``scale``, generated once and kept under ``root``."""
    folder = root / f"scale-{scale:g}-years-{years}-seed-{DEFAULT_SEED}"
    done = folder / ".complete"
    if done.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    print(f"Generating synthetic inputs at scale {scale:g} into {folder} ...", flush=True)
    summary = generate(folder, years=years, scale=scale, first_year=FIRST_YEAR)
    seconds = time.perf_counter() - started
    rows = sum(summary.rows.values())
    print(f"  generated {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s)")
    done.write_text("ok\n")
    return folder


def _sql_list(prefixes: tuple[str, ...], length: int) -> str:
    return ", ".join(f"'{p}'" for p in prefixes if len(p) == length)


def floor_sql(folder: Path, first: date, last: date) -> str:
    """One hand-written DuckDB statement computing the pipeline's monthly aggregates."""
    admissions = f"read_parquet('{folder}/admissions/*.parquet')"
    care = f"read_parquet('{folder}/care_home_admissions.parquet')"
    reablement = f"read_parquet('{folder}/reablement.parquet')"
    population = f"read_parquet('{folder}/population.parquet')"
    code = "replace(upper(primary_diagnosis), '.', '')"
    between = f"BETWEEN DATE '{first}' AND DATE '{last}'"
    ready = "age >= 18 AND discharge_ready_date IS NOT NULL"
    return f"""
    WITH codes AS (
        SELECT primary_diagnosis,
               left({code}, 3) IN ({_sql_list(ACSC_PREFIXES, 3)})
                 OR left({code}, 4) IN ({_sql_list(ACSC_PREFIXES, 4)}) AS acsc,
               left({code}, 3) IN ({_sql_list(FALLS_PREFIXES, 3)}) AS falls
        FROM (SELECT DISTINCT primary_diagnosis FROM {admissions})
    )
    SELECT 'admissions' AS aggregate, area_code,
           year(admission_date) * 100 + month(admission_date) AS month,
           least(age // 5, 18) AS band,
           count(*) FILTER (WHERE admission_method = 'emergency') AS m1,
           count(*) FILTER (WHERE admission_method = 'emergency' AND acsc) AS m2,
           count(*) FILTER (WHERE admission_method = 'emergency' AND falls) AS m3,
           NULL::BIGINT AS m4, NULL::BIGINT AS m5
    FROM (SELECT * FROM {admissions} WHERE admission_date {between})
         LEFT JOIN codes USING (primary_diagnosis)
    GROUP BY ALL
    UNION ALL
    SELECT 'discharges', area_code, year(discharge_date) * 100 + month(discharge_date), NULL,
           count(*) FILTER (WHERE discharge_destination IS DISTINCT FROM '79'),
           count(*) FILTER (WHERE discharge_destination = '19'),
           count(*) FILTER (WHERE {ready}),
           coalesce(sum(greatest(discharge_date - discharge_ready_date, 0))
                    FILTER (WHERE {ready}), 0),
           coalesce(sum(greatest(discharge_date - discharge_ready_date, 0)
                        * greatest(discharge_date - discharge_ready_date, 0))
                    FILTER (WHERE {ready}), 0)
    FROM {admissions}
    WHERE discharge_date {between}
    GROUP BY ALL
    UNION ALL
    SELECT 'care_homes', area_code, year(start_date) * 100 + month(start_date), NULL,
           count(*) FILTER (WHERE duration = 'long_term' AND age >= 65), NULL, NULL, NULL, NULL
    FROM {care} WHERE start_date {between} GROUP BY ALL
    UNION ALL
    SELECT 'reablement', area_code, year(discharge_date) * 100 + month(discharge_date), NULL,
           count(*) FILTER (WHERE age >= 65),
           count(*) FILTER (WHERE age >= 65 AND at_home_91_days), NULL, NULL, NULL
    FROM {reablement} WHERE discharge_date {between} GROUP BY ALL
    UNION ALL
    SELECT 'population', area_code, year, NULL, sum(population), NULL, NULL, NULL, NULL
    FROM {population} WHERE year <= {last.year} GROUP BY area_code, year, age_band
    """


MEASURES = {
    "admissions": ("emergency", "emergency_acsc", "emergency_falls"),
    "discharges": (
        "discharged_alive",
        "discharged_usual_residence",
        "adult_ready_discharges",
        "adult_delay_days",
        "adult_delay_days_squared",
    ),
    "care_homes": ("long_term_65",),
    "reablement": ("episodes_65", "at_home_65"),
}


def run_floor(folder: Path, first: date, last: date) -> dict[str, int]:
    """The floor's totals per aggregate and measure (to check it counts the same things)."""
    import duckdb

    connection = duckdb.connect(config={"preserve_insertion_order": False})
    totals: dict[str, int] = {}
    for aggregate, _area, _month, _band, *measures in connection.execute(
        floor_sql(folder, first, last)
    ).fetchall():
        if aggregate == "population":
            continue
        for name, value in zip(MEASURES[aggregate], measures, strict=False):
            totals[f"{aggregate}.{name}"] = totals.get(f"{aggregate}.{name}", 0) + int(value)
    connection.close()
    return totals


def run_pandas(folder: Path, first: date, last: date) -> dict[str, int]:
    """What an analyst would write: read each file into a DataFrame, derive, group by."""
    import pandas as pd

    start, end = pd.Timestamp(first), pd.Timestamp(last)
    admissions = pd.read_parquet(
        folder / "admissions",
        columns=[
            "admission_date",
            "discharge_date",
            "admission_method",
            "age",
            "area_code",
            "primary_diagnosis",
            "discharge_destination",
            "discharge_ready_date",
        ],
    )
    admissions["admission_date"] = pd.to_datetime(admissions["admission_date"])
    admissions["discharge_date"] = pd.to_datetime(admissions["discharge_date"])
    admissions["discharge_ready_date"] = pd.to_datetime(admissions["discharge_ready_date"])
    admitted = admissions[admissions.admission_date.between(start, end)].copy()
    admitted["month"] = admitted.admission_date.dt.year * 100 + admitted.admission_date.dt.month
    admitted["band"] = (admitted.age // 5).clip(upper=18)
    code = admitted.primary_diagnosis.str.upper().str.replace(".", "", regex=False)
    four = [p for p in ACSC_PREFIXES if len(p) == 4]
    three = [p for p in ACSC_PREFIXES if len(p) == 3]
    admitted["emergency"] = admitted.admission_method == "emergency"
    admitted["emergency_acsc"] = admitted.emergency & (
        code.str[:3].isin(three) | code.str[:4].isin(four)
    )
    admitted["emergency_falls"] = admitted.emergency & code.str[:3].isin(FALLS_PREFIXES)
    by_admission = admitted.groupby(["area_code", "month", "band"])[
        ["emergency", "emergency_acsc", "emergency_falls"]
    ].sum()
    out = admissions[admissions.discharge_date.between(start, end)].copy()
    out["month"] = out.discharge_date.dt.year * 100 + out.discharge_date.dt.month
    out["discharged_alive"] = out.discharge_destination != "79"
    out["discharged_usual_residence"] = out.discharge_destination == "19"
    out["adult_ready_discharges"] = (out.age >= 18) & out.discharge_ready_date.notna()
    delay = (out.discharge_date - out.discharge_ready_date).dt.days.clip(lower=0)
    out["adult_delay_days"] = delay.where(out.adult_ready_discharges, 0).astype("int64")
    out["adult_delay_days_squared"] = out.adult_delay_days * out.adult_delay_days
    by_discharge = out.groupby(["area_code", "month"])[list(MEASURES["discharges"])].sum()
    care = pd.read_parquet(folder / "care_home_admissions.parquet")
    care["start_date"] = pd.to_datetime(care["start_date"])
    care = care[care.start_date.between(start, end)].copy()
    care["month"] = care.start_date.dt.year * 100 + care.start_date.dt.month
    care["long_term_65"] = (care.duration == "long_term") & (care.age >= 65)
    by_care = care.groupby(["area_code", "month"])[["long_term_65"]].sum()
    reablement = pd.read_parquet(folder / "reablement.parquet")
    reablement["discharge_date"] = pd.to_datetime(reablement["discharge_date"])
    reablement = reablement[reablement.discharge_date.between(start, end)].copy()
    reablement["month"] = (
        reablement.discharge_date.dt.year * 100 + reablement.discharge_date.dt.month
    )
    reablement["episodes_65"] = reablement.age >= 65
    reablement["at_home_65"] = reablement.episodes_65 & reablement.at_home_91_days
    by_reablement = reablement.groupby(["area_code", "month"])[["episodes_65", "at_home_65"]].sum()
    population = pd.read_parquet(folder / "population.parquet")
    population.groupby(["area_code", "year", "age_band"])["population"].sum()
    totals = {}
    for name, frame in (
        ("admissions", by_admission),
        ("discharges", by_discharge),
        ("care_homes", by_care),
        ("reablement", by_reablement),
    ):
        for column in frame.columns:
            totals[f"{name}.{column}"] = int(frame[column].sum())
    return totals


def pipeline_totals(aggregates: Aggregates) -> dict[str, int]:
    totals = {}
    for name, table in aggregates.tables.items():
        for position, measure in enumerate(MEASURES[name]):
            totals[f"{name}.{measure}"] = sum(values[position] for values in table.values())
    return totals


def timed_pipeline(
    folder: Path, engine: str, output: Path, first: Month, last: Month
) -> tuple[float, object, list]:
    stages: list[tuple[str, float]] = []
    started = time.perf_counter()

    def step(text: str) -> None:
        stages.append((text, time.perf_counter()))

    run = run_pipeline(folder, first=first, last=last, engine=engine, output=output, step=step)
    seconds = time.perf_counter() - started
    marks = [*stages, ("end", started + seconds)]
    durations = [(label, later - at) for (label, at), (_, later) in pairwise(marks)]
    return seconds, run, durations


def peak_memory_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.3, help="fraction of England (0.3)")
    parser.add_argument("--repeats", type=int, default=3, help="best of N for DuckDB (3)")
    parser.add_argument("--years", type=int, default=YEARS, help="financial years (5)")
    parser.add_argument("--spark-scale", type=float, default=0.02, help="Spark's slice (0.02)")
    parser.add_argument("--data", type=Path, help="where to keep generated inputs")
    parser.add_argument("--no-pandas", action="store_true", help="skip the pandas comparison")
    parser.add_argument("--no-spark", action="store_true", help="skip the Spark engine")
    args = parser.parse_args()
    root = args.data or Path(tempfile.gettempdir()) / "bettercare-bench-pipeline"
    folder = data_folder(root, args.scale, args.years)
    last = FIRST + (12 * args.years - 1)
    first_day, last_day = FIRST.first_day, last.last_day
    output = Path(tempfile.mkdtemp()) / "values.csv"

    print(f"\nPipeline on {folder.name} ({os.cpu_count()} cores, best of {args.repeats})")
    # The pipeline and the floor alternate, so that both see the same machine (and cache).
    seconds = floor_seconds = float("inf")
    memory: float | None = None
    for _ in range(args.repeats):
        took, found, steps = timed_pipeline(folder, "duckdb", output, FIRST, last)
        if took < seconds:
            seconds, run, stages = took, found, steps
        if memory is None:  # before the floor or pandas have run
            memory = peak_memory_gb()
        started = time.perf_counter()
        floor = run_floor(folder, first_day, last_day)
        floor_seconds = min(floor_seconds, time.perf_counter() - started)
    rows = run.input_rows  # type: ignore[attr-defined]
    print(
        f"  {rows:,} input rows ({run.inputs.rows['admissions']:,} admissions), "  # type: ignore[attr-defined]
        f"{len(run.rows):,} metric values"
    )  # type: ignore[attr-defined]
    print("  where the time goes:")
    for label, duration in stages:
        print(f"    {label:<40} {duration:7.2f} s")
    expected = pipeline_totals(run.aggregates)  # type: ignore[attr-defined]
    assert floor == expected, f"the floor counts differently: {floor} != {expected}"
    print()
    report("floor: one hand-written DuckDB SQL statement", floor_seconds, rows)
    report("bettercare pipeline on DuckDB (all stages)", seconds, rows, floor_seconds)
    print(f"  peak memory of the process after the DuckDB pipeline: {memory:.2f} GB")
    if not args.no_pandas:
        gc.collect()
        pandas_seconds = time.perf_counter()
        totals = run_pandas(folder, first_day, last_day)
        pandas_seconds = time.perf_counter() - pandas_seconds
        assert totals == expected, f"pandas counts differently: {totals} != {expected}"
        report("pandas, as an analyst would write it", pandas_seconds, rows, floor_seconds)
        print(f"  pipeline / floor: {seconds / floor_seconds:.2f}x (aim: at most 1.5x)")
        print(f"  pandas / pipeline: {pandas_seconds / seconds:.1f}x (aim: at least 10x)")
        print(f"  peak memory of the process after pandas: {peak_memory_gb():.2f} GB")
    else:
        print(f"  pipeline / floor: {seconds / floor_seconds:.2f}x (aim: at most 1.5x)")
    if not args.no_spark:
        small = data_folder(root, args.spark_scale, args.years)
        print(f"\nSpark (local mode) on the slice {small.name}")
        duck_seconds, duck, _ = timed_pipeline(
            small, "duckdb", output.with_name("duck.csv"), FIRST, last
        )
        spark_seconds, _spark, spark_stages = timed_pipeline(
            small, "spark", output.with_name("spark.csv"), FIRST, last
        )
        same = (
            output.with_name("duck.csv").read_bytes() == output.with_name("spark.csv").read_bytes()
        )
        small_rows = duck.input_rows  # type: ignore[attr-defined]
        report("bettercare pipeline on DuckDB", duck_seconds, small_rows)
        report(
            "bettercare pipeline on Spark (incl. session start)",
            spark_seconds,
            small_rows,
            duck_seconds,
        )
        for label, duration in spark_stages:
            print(f"    {label:<40} {duration:7.2f} s")
        print(f"  outputs identical byte for byte: {'yes' if same else 'NO'}")
        assert same


if __name__ == "__main__":
    main()
