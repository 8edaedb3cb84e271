"""Risk stratification at scale: features and scoring of a synthetic population on DuckDB.

In one run (the synthetic populations are generated once and cached):

- features + scoring of ``--patients`` (default 1,000,000) on DuckDB at the scoring index date
  (the Ibis feature query, the model, bands, segments and cohorts), aim <= 30 s on 2 cores;
- the floor: one hand-written DuckDB SQL statement computing the same features (checked equal
  to the Ibis features), aim: the Ibis features within 1.5x of it;
- the process's peak memory (aim <= 4 GB);
- each DuckDB figure is the best of ``--repeats`` (2) runs, in wall-clock and CPU seconds;
- training on ``--train-patients`` (default 200,000): features at two index dates, both
  outcomes' logistic regressions and the held-out evaluation, aim <= 60 s (then again with
  the gradient-boosted comparison, timed apart); the model's held-out AUROC beside the
  oracle AUROC of the generating probabilities (aim >= 0.97x), and the calibration slope
  (aim 0.9-1.1);
- Spark (local mode) on a small slice: features and scoring per partition, the scores
  identical to DuckDB's.

    uv run python -m benchmarks.bench_risk [--patients 1000000] [--train-patients 200000]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from bettercare.risk.clusters import CLUSTERS, DEFICITS, LONG_TERM_CONDITIONS
from bettercare.risk.evaluation import auroc
from bettercare.risk.features import compute_features
from bettercare.risk.model import score
from bettercare.risk.run import score_population, train_model
from bettercare.risk.schema import FEATURE_NAMES, add_months
from bettercare.risk.synth import generate

SCORING_DATE = date(2026, 4, 1)
HELD_OUT_DATE = date(2025, 4, 1)


def population(root: Path, patients: int, practices: int) -> Path:
    folder = root / f"risk-{patients}-{practices}"
    if (folder / ".complete").exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    print(f"Generating {patients:,} synthetic patients into {folder} ...", flush=True)
    summary = generate(folder, patients=patients, practices=practices)
    rows = sum(summary.rows.values())
    print(f"  {rows:,} rows in {time.perf_counter() - started:.1f} s")
    (folder / ".complete").write_text("ok\n")
    return folder


def floor_sql(folder: Path, index_date: date) -> str:
    """The features in one hand-written DuckDB statement."""
    start = add_months(index_date, -12)
    code = "upper(trim(replace(code, '.', '')))"
    flags = ",\n".join(
        f"bool_or({' OR '.join(f'starts_with(c, {prefix!r})' for prefix in cluster.prefixes)})"
        f"::TINYINT AS {cluster.name}"
        for cluster in CLUSTERS
    )
    ltc = " + ".join(f"coalesce(d.{name}, 0)" for name in LONG_TERM_CONDITIONS)
    deficits = " + ".join(f"coalesce(d.{name}, 0)" for name in DEFICITS)
    select_flags = ",\n".join(f"coalesce(d.{c.name}, 0)::BIGINT AS {c.name}" for c in CLUSTERS)
    i = f"DATE '{index_date}'"
    s = f"DATE '{start}'"
    return f"""
    WITH p AS (
        SELECT * FROM read_parquet('{folder}/patients.parquet') WHERE date_of_birth < {i}
    ), d AS (
        SELECT patient_id, {flags}
        FROM (SELECT patient_id, {code} AS c FROM read_parquet('{folder}/diagnoses.parquet')
              WHERE date < {i})
        GROUP BY patient_id
    ), a AS (
        SELECT patient_id,
          count(*) FILTER (WHERE activity_type = 'emergency_admission') AS ea,
          sum(CASE WHEN activity_type = 'emergency_admission'
              THEN date_diff('day', start_date, least(coalesce(end_date, {i}), {i})) ELSE 0 END) AS bd,
          count(*) FILTER (WHERE activity_type = 'ae_attendance') AS ae,
          count(*) FILTER (WHERE activity_type = 'outpatient_attendance') AS op
        FROM read_parquet('{folder}/activity.parquet')
        WHERE start_date >= {s} AND start_date < {i}
        GROUP BY patient_id
    ), m AS (
        SELECT patient_id, count(DISTINCT medicine_code) AS n
        FROM read_parquet('{folder}/medications.parquet')
        WHERE issue_date >= {s} AND issue_date < {i}
        GROUP BY patient_id
    )
    SELECT p.patient_id, p.practice_code,
      ({index_date.year} - year(p.date_of_birth)
        - CASE WHEN month(p.date_of_birth) * 100 + day(p.date_of_birth)
               > {index_date.month * 100 + index_date.day} THEN 1 ELSE 0 END)::BIGINT AS age,
      (p.sex = 'F')::BIGINT AS female,
      p.deprivation_decile::BIGINT AS deprivation_decile,
      {select_flags},
      ({ltc})::BIGINT AS ltc_count,
      ({deficits})::BIGINT AS frailty_deficits,
      coalesce(a.ea, 0)::BIGINT AS prior_emergency_admissions,
      coalesce(a.bd, 0)::BIGINT AS prior_bed_days,
      coalesce(a.ae, 0)::BIGINT AS ae_attendances,
      coalesce(a.op, 0)::BIGINT AS outpatient_attendances,
      coalesce(m.n, 0)::BIGINT AS distinct_medicines,
      (p.care_home_since IS NOT NULL AND p.care_home_since <= {i})::BIGINT AS care_home
    FROM p LEFT JOIN d USING (patient_id) LEFT JOIN a USING (patient_id)
      LEFT JOIN m USING (patient_id)
    ORDER BY p.patient_id
    """


class Clock:
    """Wall-clock and this process's CPU seconds (the CPU figure shows the work when the
    machine is shared and the wall clock waits for other processes)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def stop(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def seconds(pair: tuple[float, float]) -> str:
    return f"{pair[0]:.1f} s ({pair[1]:.1f} CPU)"


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


def line(label: str, value: str, aim: str) -> None:
    print(f"  {label:<62} {value:>22}   {aim}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--practices", type=int, default=150)
    parser.add_argument("--train-patients", type=int, default=200_000)
    parser.add_argument("--spark-patients", type=int, default=3_000)
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs")
    parser.add_argument(
        "--data", type=Path, default=Path(tempfile.gettempdir()) / "bettercare-bench"
    )
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)

    train_folder = population(args.data, args.train_patients, max(10, args.practices // 5))
    print(f"Training on {args.train_patients:,} patients ...", flush=True)
    clock = Clock()
    model = train_model(train_folder, compare_boosted=False)
    train_seconds = clock.stop()
    clock = Clock()
    compared_model = train_model(train_folder, compare_boosted=True)
    compare_seconds = clock.stop()
    held_out = compute_features(train_folder, HELD_OUT_DATE, outcomes=True)
    truth = pq.read_table(train_folder / "truth.parquet")
    assert truth["patient_id"].equals(held_out["patient_id"])
    oracle = auroc(
        held_out["emergency_admission"].to_numpy(), truth["p_emergency_admission"].to_numpy()
    )
    performance = model["outcomes"]["emergency_admission"]["performance"]
    compared = compared_model["outcomes"]["emergency_admission"]["compared"]["performance"]

    big = population(args.data, args.patients, args.practices)
    print(f"Features and scoring of {args.patients:,} patients on DuckDB ...", flush=True)
    # Best of --repeats for both (the first run of each also pays for reading the files cold).
    feature_seconds = total_seconds = floor_seconds = (float("inf"), float("inf"))
    for _ in range(args.repeats):
        clock = Clock()
        features = compute_features(big, SCORING_DATE)
        features_only = clock.stop()
        scores = score(model, features)
        total = clock.stop()
        if total[0] < total_seconds[0]:
            feature_seconds, total_seconds = features_only, total
        assert scores.num_rows == args.patients
        del scores
        connection = duckdb.connect(config={"preserve_insertion_order": False})
        clock = Clock()
        floor = connection.sql(floor_sql(big, SCORING_DATE)).to_arrow_table()
        floor_seconds = min(floor_seconds, clock.stop())
        connection.close()
    memory = peak_gb()
    assert floor.column_names == ["patient_id", "practice_code", *FEATURE_NAMES]
    same = all(
        floor[name].cast(features[name].type).equals(features[name])
        for name in features.column_names
    )
    assert same, "the floor SQL disagrees with the Ibis features"

    small = population(args.data, args.spark_patients, 5)
    from bettercare.pipeline.engines import spark_session

    session = spark_session("local[2]")
    started = time.perf_counter()
    spark_scores = score_population(
        small, model, index_date=SCORING_DATE, engine="spark", spark_session=session
    )
    spark_seconds = time.perf_counter() - started
    duckdb_scores = score_population(small, model, index_date=SCORING_DATE)
    identical = spark_scores.replace_schema_metadata(None).equals(
        duckdb_scores.replace_schema_metadata(None)
    )
    session.stop()

    print()
    print("Risk stratification benchmark (figure, then its aim)")
    line(
        f"features + scoring, {args.patients:,} patients, DuckDB",
        seconds(total_seconds),
        "aim <= 30 s",
    )
    line("  of which features (Ibis on DuckDB)", seconds(feature_seconds), "")
    line("  hand-written DuckDB SQL of the same features (floor)", seconds(floor_seconds), "")
    line(
        "  Ibis features / floor (wall, CPU)",
        f"{feature_seconds[0] / floor_seconds[0]:.2f}x, {feature_seconds[1] / floor_seconds[1]:.2f}x",
        "aim <= 1.5x",
    )
    line("peak memory (process)", f"{memory:.2f} GB", "aim <= 4 GB")
    line(
        f"training on {args.train_patients:,} patients (both outcomes, evaluation)",
        seconds(train_seconds),
        "aim <= 60 s",
    )
    line("  the same with the gradient-boosted comparison", seconds(compare_seconds), "")
    line("held-out AUROC, emergency admission (logistic)", f"{performance['auroc']:.4f}", "")
    line("oracle AUROC (the generating probabilities)", f"{oracle:.4f}", "")
    line("  model / oracle", f"{performance['auroc'] / oracle:.3f}x", "aim >= 0.97x")
    line(
        "calibration slope (held-out year)",
        f"{performance['calibration_slope']:.3f}",
        "aim 0.9-1.1",
    )
    line("held-out AUROC, gradient boosting (compared)", f"{compared['auroc']:.4f}", "")
    line(
        f"Spark features + scoring per partition, {args.spark_patients:,} patients",
        f"{spark_seconds:.1f} s",
        "",
    )
    line("  identical to DuckDB", "yes" if identical else "NO", "aim: yes")


if __name__ == "__main__":
    main()
