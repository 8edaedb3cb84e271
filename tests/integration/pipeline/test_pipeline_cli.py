"""``bettercare pipeline synth`` then ``run`` (``--load``): files, errors, database, dashboard."""

import csv
import shutil

import pytest

from bettercare.cli.main import main
from bettercare.core.periods import Month
from bettercare.formatting import metric_value

FIRST, LAST = "2023-04", "2025-03"
AREA = "E99000001"


def run(capsys, *argv):
    """Exit code, standard output and standard error of ``bettercare ARGV``."""
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """Two years of synthetic data for three areas, and the DuckDB output for them.

    ``--all-years``: every metric for every month, so that the checks see all ten metrics.
    """
    folder = tmp_path_factory.mktemp("synthetic")
    data = folder / "data"
    code = main(
        [
            *("pipeline", "synth", "--out", str(data), "--years", "2", "--scale", "0.01"),
            *("--areas", "3", "--first-year", "2023-24", "--seed", "11"),
        ]
    )
    assert code == 0
    output = folder / "duckdb.csv"
    code = main(
        [
            *("pipeline", "run", "--input", str(data), "--from", FIRST, "--to", LAST),
            *("--output", str(output), "--all-years"),
        ]
    )
    assert code == 0
    return data, output


def rows_of(path):
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_synth_says_what_it_wrote(capsys, tmp_path):
    code, out, err = run(
        capsys,
        "pipeline",
        "synth",
        "--out",
        str(tmp_path),
        "--years",
        "1",
        "--scale",
        "0.001",
        "--areas",
        "2",
    )
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith(
        f"Synthetic data (seed 20261123, scale 0.001) for 2 areas, 2021-22 to 2021-22, in {tmp_path}"
    )
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  admissions",
        "  care_home_admissions",
        "  reablement",
        "  population",
    ]


def test_run_writes_the_metric_values_sorted_in_the_workbook_columns(synthetic, capsys, tmp_path):
    data, expected = synthetic
    output = tmp_path / "values.parquet"
    code, out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(output),
    )
    assert (code, err) == (0, "")
    assert out.startswith(f"{len(rows_of(expected)):,} metric values from ")
    assert out.rstrip().endswith(f": {output}")
    rows = rows_of(expected)
    assert list(rows[0]) == [
        "area_code",
        "metric_code",
        "period_start",
        "period_end",
        "kind",
        "numerator",
        "denominator",
        "value",
        "note",
        "source",
        "sum_of_squares",
    ]
    assert {r["source"] for r in rows} == {"bettercare pipeline"}
    keys = [(r["area_code"], r["metric_code"], r["period_start"], r["period_end"]) for r in rows]
    assert keys == sorted(keys)
    assert {r["area_code"] for r in rows} == {"E99000001", "E99000002", "E99000003"}
    assert {r["kind"] for r in rows} == {"actual"}
    assert output.stat().st_size > 0


def test_by_default_a_metric_is_computed_only_in_the_years_it_is_in_force(
    synthetic, capsys, tmp_path
):
    from bettercare.registry import load_registry

    data, everything = synthetic
    output = tmp_path / "in-force.csv"
    code, _out, err = run(
        capsys,
        *("pipeline", "run", "--input", str(data), "--from", "2024-04", "--to", "2025-03"),
        *("--output", str(output)),
    )
    assert (code, err) == (0, "")
    rows = rows_of(output)
    registry = load_registry()
    found = {r["metric_code"] for r in rows}
    # The 2023-25 metrics only: the 2025-26 ones start in April 2025, the 2015-20 ones ended.
    assert found == {
        "bcf_avoidable_admissions",
        "bcf_discharge_usual_residence",
        "bcf_falls_65",
        "bcf_residential_admissions_65",
        "bcf_reablement_65",
    }
    for row in rows:
        year = Month.parse(row["period_start"][:7]).financial_year
        assert registry[row["metric_code"]].applies_in(year), row
    # The values that are computed are those of the all-years run.
    kept = {tuple(r.values()) for r in rows_of(everything)}
    assert {tuple(r.values()) for r in rows} <= kept


@pytest.mark.spark
def test_spark_writes_the_same_bytes_as_duckdb(synthetic, capsys, tmp_path, spark_session):
    data, expected = synthetic
    output = tmp_path / "spark.csv"
    code, out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--engine",
        "spark",
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(output),
    )
    assert code == 0, err
    assert ", spark) in " in out
    assert output.read_bytes() == expected.read_bytes()


def test_bad_inputs_are_listed_then_one_line_error_and_nothing_is_written(capsys, tmp_path):
    (tmp_path / "population.csv").write_text(
        "area_code,year,sex,age_band,population\nE06000001,2023,F,65-69,100\n", encoding="utf-8"
    )
    (tmp_path / "admissions.csv").write_text(
        "person_id,admission_date,admission_method,age,sex,area_code\n", encoding="utf-8"
    )
    output = tmp_path / "out.csv"
    code, out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(tmp_path),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(output),
    )
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"error: admissions.csv, column {name}: has no column '{name}'; expected the columns "
        "person_id, admission_date, discharge_date, admission_method, age, sex, area_code, "
        "primary_diagnosis, discharge_destination, discharge_ready_date"
        for name in (
            "discharge_date",
            "primary_diagnosis",
            "discharge_destination",
            "discharge_ready_date",
        )
    ] + [
        f"bettercare pipeline: error: 4 problem(s) in the input files in {tmp_path}; "
        "nothing was written"
    ]
    assert not output.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--from", "2023-13", "--to", LAST, "--output", "x.csv"],
            "--from: expected a month as YYYY-MM with MM from 01 to 12, got '2023-13'",
        ),
        (
            ["--from", LAST, "--to", FIRST, "--output", "x.csv"],
            "--to 2023-04 is before --from 2025-03",
        ),
        (
            ["--from", FIRST, "--to", LAST, "--output", "x.xlsx"],
            "--output must end in .csv or .parquet, got 'x.xlsx'",
        ),
    ],
)
def test_bad_options_are_one_line_errors(capsys, tmp_path, argv, message):
    code, out, err = run(capsys, "pipeline", "run", "--input", str(tmp_path), *argv)
    assert (code, out, err) == (1, "", f"bettercare pipeline: error: {message}\n")


# -- loading into the database -----------------------------------------------------------------


@pytest.fixture
def loaded(synthetic, capsys, tmp_path, db):
    data, expected = synthetic
    code, out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(tmp_path / "values.csv"),
        "--load",
    )
    assert (code, err) == (0, ""), err
    return out.splitlines()[-1], rows_of(expected)


@pytest.mark.django_db
def test_load_writes_actual_values_with_their_source_areas_and_months(loaded):
    from bettercare.web.performance.models import MetricValue
    from bettercare.web.programmes.models import Area, ReportingPeriod

    message, rows = loaded
    assert message.startswith("Loaded into the database as actual values (pipeline duckdb ")
    assert message.endswith(
        f"{len(rows):,} created, 0 updated, 0 unchanged; 4 area(s) created; "
        "72 reporting month(s) opened"
    )
    values = MetricValue.objects.select_related("area", "metric")
    assert values.count() == len(rows)
    assert {v.kind for v in values} == {"actual"}
    assert all(v.source.startswith("pipeline duckdb ") and " input=" in v.source for v in values)
    stored = {
        (v.area.code, v.metric.code, str(v.period_start)): (v.numerator, v.denominator, v.value)
        for v in values
    }
    for row in rows:
        numbers = stored[(row["area_code"], row["metric_code"], row["period_start"])]
        assert numbers == (
            float(row["numerator"]),
            float(row["denominator"]),
            float(row["value"]) if row["value"] else None,
        )
    falls = values.filter(metric__code="bcf_falls_65").first()
    assert falls.bands["labels"] == ["65-69", "70-74", "75-79", "80-84", "85-89", "90+"]
    assert sum(falls.bands["counts"]) == falls.numerator
    region = Area.objects.get(code="E12999999")
    assert region.is_demo
    assert region.children.count() == 3
    assert ReportingPeriod.objects.filter(area__code=AREA).count() == 24
    assert MetricValue.history.filter(history_type="+").count() == len(rows)


@pytest.mark.django_db
def test_the_dashboard_shows_the_loaded_values(loaded, client):
    from bettercare.web.accounts.models import User
    from bettercare.web.performance.models import Metric

    _, rows = loaded
    latest = next(
        r
        for r in rows
        if (r["area_code"], r["metric_code"], r["period_start"])
        == (AREA, "bcf_emergency_admissions_65", Month.parse(LAST).first_day.isoformat())
    )
    client.force_login(User.objects.create_superuser("admin", password="not-used-here"))
    response = client.get(f"/areas/{AREA}/dashboard/")
    assert response.status_code == 200
    text = response.content.decode()
    # March 2025 is in 2024-25: the dashboard lists the metrics in force then, loaded ...
    in_force = Metric.objects.filter(
        is_national=True, applies_from__lte="2024-25", applies_to__gte="2024-25"
    )
    loaded_codes = {r["metric_code"] for r in rows}
    shown = [m for m in in_force if m.code in loaded_codes]
    assert shown
    for metric in shown:
        assert metric.name in text, metric.code
    # ... while the 2025-26 metric's values before its years are its history, on its page.
    assert "Emergency admissions to hospital for people aged 65 and over" not in text
    page = client.get(f"/areas/{AREA}/metrics/bcf_emergency_admissions_65/").content.decode()
    assert metric_value(float(latest["value"]), "rate", 100_000) in page
    metrics = client.get(f"/areas/{AREA}/metrics/bcf_falls_65/").content.decode()
    assert "directly standardised rate per 100,000 (Dobson)" in metrics


@pytest.mark.django_db
def test_loading_again_changes_nothing(loaded, synthetic, capsys, tmp_path):
    data, _ = synthetic
    _, rows = loaded
    code, out, _err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(tmp_path / "again.csv"),
        "--load",
    )
    assert code == 0
    assert out.splitlines()[-1].endswith(f"0 created, 0 updated, {len(rows):,} unchanged")


@pytest.mark.spark
@pytest.mark.django_db
def test_spark_loads_identical_numbers(loaded, synthetic, capsys, tmp_path, spark_session):
    data, _ = synthetic
    _, rows = loaded
    code, out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--engine",
        "spark",
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(tmp_path / "spark.csv"),
        "--load",
    )
    assert code == 0, err
    assert "(pipeline spark " in out
    assert out.splitlines()[-1].endswith(f"0 created, 0 updated, {len(rows):,} unchanged")


@pytest.mark.django_db
def test_workbook_actuals_are_kept(synthetic, capsys, tmp_path, registry):
    from bettercare.web.performance.models import Metric, MetricValue
    from bettercare.web.programmes.models import Area

    data, expected = synthetic
    first = rows_of(expected)[0]
    area = Area.objects.create(code=first["area_code"], name="Published area", type="HWB")
    published = MetricValue.objects.create(
        area=area,
        metric=Metric.objects.get(code=first["metric_code"]),
        period_start=first["period_start"],
        period_end=first["period_end"],
        kind="actual",
        numerator=1,
        denominator=2,
        source="workbook published.xlsx",
    )
    code, out, _err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(data),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(tmp_path / "values.csv"),
        "--load",
    )
    assert code == 0
    assert ", 1 kept (not from the pipeline)" in out
    published.refresh_from_db()
    assert (published.numerator, published.source) == (1, "workbook published.xlsx")


@pytest.mark.django_db
def test_unknown_areas_stop_the_load_and_write_nothing(synthetic, capsys, tmp_path):
    from bettercare.web.performance.models import MetricValue

    data, _ = synthetic
    copy = shutil.copytree(data, tmp_path / "data")
    (copy / "areas.csv").unlink()
    code, _out, err = run(
        capsys,
        "pipeline",
        "run",
        "--all-years",
        "--input",
        str(copy),
        "--from",
        FIRST,
        "--to",
        LAST,
        "--output",
        str(tmp_path / "values.csv"),
        "--load",
    )
    assert code == 1
    assert err == (
        "bettercare pipeline: error: 3 area(s) are not in the database: E99000001, E99000002, "
        "E99000003; import them first (bettercare import, programme sheet) or add an areas.csv "
        "to the input folder\n"
    )
    assert MetricValue.objects.count() == 0


def test_the_current_year_up_to_the_last_complete_month(capsys, tmp_path):
    data = tmp_path / "data"
    code, out, err = run(
        capsys,
        *("pipeline", "synth", "--out", str(data), "--years", "2", "--scale", "0.002"),
        *("--areas", "2", "--first-year", "2025-26", "--to", "2026-11"),
    )
    assert (code, err) == (0, "")
    assert out.startswith(
        "Synthetic data (seed 20261123, scale 0.002) for 2 areas, 2025-26 to 2026-27 "
        f"(up to 2026-11), in {data} "
    )
    output = tmp_path / "current.csv"
    code, out, err = run(
        capsys,
        *("pipeline", "run", "--input", str(data), "--from", "2025-04", "--to", "2026-11"),
        *("--output", str(output)),
    )
    assert (code, err) == (0, "")
    rows = rows_of(output)
    by_metric = {}
    for row in rows:
        by_metric.setdefault(row["metric_code"], set()).add(row["period_start"])
    # The three 2025-26 headline metrics, and nothing else, in their years.
    assert set(by_metric) == {
        "bcf_emergency_admissions_65",
        "bcf_discharge_delay",
        "bcf_care_home_admissions_65",
    }
    assert len(by_metric["bcf_emergency_admissions_65"]) == 20
    assert len(by_metric["bcf_discharge_delay"]) == 20
    assert sorted(by_metric["bcf_care_home_admissions_65"])[-1] == "2026-07-01"
    assert len(by_metric["bcf_care_home_admissions_65"]) == 6


def test_synth_stops_only_within_its_years(capsys, tmp_path):
    code, _out, err = run(
        capsys,
        *("pipeline", "synth", "--out", str(tmp_path), "--years", "1", "--areas", "1"),
        *("--first-year", "2025-26", "--to", "2026-04"),
    )
    assert code != 0
    assert err.strip().endswith(
        "--to must be a month of 2025-26 to 2025-26, the years generated; got 2026-04"
    )
    assert len(err.strip().splitlines()) == 1
