"""Every engine gives the same answers as the plain-Python reference engine.

On generated data (the synthetic generator, in Parquet and in CSV) the output files are
compared byte for byte; on random small inputs (hypothesis) the monthly aggregates and the
metric values are compared.
"""

import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pipeline_engines import ENGINES, make

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.pipeline.inputs import check_inputs
from bettercare.pipeline.metrics import metric_values
from bettercare.pipeline.reference import ReferenceEngine
from bettercare.pipeline.run import run_pipeline
from bettercare.pipeline.synth import generate
from tests.unit.pipeline.builders import admission, population, write_inputs

FIRST, LAST = Month(2022, 4), Month(2024, 3)


@pytest.fixture(scope="module")
def generated(request, tmp_path_factory):
    """Synthetic inputs for 2 years of 6 areas, and the reference engine's output for them."""
    folder = tmp_path_factory.mktemp(f"synthetic-{request.param}")
    generate(
        folder,
        years=2,
        scale=0.004,
        areas=6,
        seed=7,
        first_year=FinancialYear(2022),
        file_format=request.param,
    )
    expected = folder / "reference.csv"
    run = run_pipeline(folder, first=FIRST, last=LAST, engine="reference", output=expected)
    return folder, run, expected.read_bytes()


@pytest.mark.parametrize(
    ("generated", "engine_name"),
    [
        ("parquet", "duckdb"),
        ("csv", "duckdb"),
        # Spark reads CSV in test_spark_agrees_with_the_reference_on_random_inputs.
        pytest.param("parquet", "spark", marks=pytest.mark.spark),
    ],
    indirect=["generated"],
)
def test_engines_write_the_reference_output_byte_for_byte(
    generated, engine_name, request, tmp_path
):
    folder, reference, expected = generated
    engine = make(engine_name, request)
    try:
        run = run_pipeline(
            folder, first=FIRST, last=LAST, engine=engine, output=tmp_path / "out.csv"
        )
    finally:
        engine.close()
    assert run.aggregates == reference.aggregates
    assert len(run.rows) > 800  # 10 metrics, 6 areas, 24 months: a real comparison
    assert (tmp_path / "out.csv").read_bytes() == expected


@pytest.mark.parametrize("engine_name", ENGINES)
def test_a_group_whose_every_condition_is_null_counts_0(engine_name, request, tmp_path):
    """Counts fill their NULLs once a group, not once a row (ADR 0139): a month whose only
    emergencies have no diagnosis (so neither ACSC nor a fall, unknown) counts 0 of each, and
    one whose only discharge has no destination counts 0 to the usual residence, on every
    engine, as the reference does."""
    area, first, last = "E06000001", Month(2023, 4), Month(2023, 6)
    folder = write_inputs(
        tmp_path,
        admissions=[
            admission(area, "2023-04-10", age=70, diagnosis=None),
            admission(area, "2023-04-11", age=71, diagnosis=None),
            admission(area, "2023-05-02", age=40, discharged="2023-05-03", destination=None),
        ],
        populations=population(area, [2023]),
    )
    inputs = check_inputs(folder, today=date(2026, 11, 23))
    engine = make(engine_name, request)
    try:
        found = engine.aggregates(inputs, first.first_day, last.last_day)
    finally:
        engine.close()
    assert found == ReferenceEngine().aggregates(inputs, first.first_day, last.last_day)
    assert found.tables["admissions"][(area, 202304, 14)] == (2, 0, 0)
    # discharged alive, to the usual residence, ready, delay days, their squares
    assert found.tables["discharges"][(area, 202305)] == (1, 0, 0, 0, 0)


# -- random small inputs ----------------------------------------------------------------------

AREAS = ("E06000001", "E06000002", "E06000003")
START = date(2022, 3, 20)  # a few days before the range, so that the filter is exercised
DIAGNOSES = ("J44.1", "j441", "I50", "E11.0", "E11.9", "W01.0", "w19", "R07.4", "", "X", None)
DESTINATIONS = ("19", "54", "79", "51", None)


@st.composite
def admissions(draw):
    admitted = START + timedelta(days=draw(st.integers(0, 420)))
    stay = draw(st.one_of(st.none(), st.integers(0, 40)))
    discharged = None if stay is None else admitted + timedelta(days=stay)
    ready = None
    if discharged is not None and draw(st.booleans()):
        ready = admitted + timedelta(days=draw(st.integers(0, stay + 5)))
    return {
        "person_id": draw(st.sampled_from(("a", "b", "c"))),
        "admission_date": admitted,
        "discharge_date": discharged,
        "admission_method": draw(st.sampled_from(("elective", "emergency"))),
        "age": draw(st.integers(0, 120)),
        "sex": draw(st.sampled_from("FM")),
        "area_code": draw(st.sampled_from(AREAS)),
        "primary_diagnosis": draw(st.sampled_from(DIAGNOSES)),
        "discharge_destination": draw(st.sampled_from(DESTINATIONS)),
        "discharge_ready_date": ready,
    }


@st.composite
def care_homes(draw):
    return {
        "person_id": "p",
        "start_date": START + timedelta(days=draw(st.integers(0, 420))),
        "age": draw(st.integers(50, 105)),
        "area_code": draw(st.sampled_from(AREAS)),
        "duration": draw(st.sampled_from(("long_term", "short_term"))),
    }


@st.composite
def reablements(draw):
    return {
        "person_id": "p",
        "discharge_date": START + timedelta(days=draw(st.integers(0, 420))),
        "age": draw(st.integers(55, 105)),
        "area_code": draw(st.sampled_from(AREAS)),
        "at_home_91_days": draw(st.booleans()),
    }


@st.composite
def populations(draw):
    rows = []
    for area in AREAS:
        for year in draw(st.sets(st.sampled_from((2021, 2022, 2023)), min_size=1)) | {2021}:
            for sex in "FM":
                for band in ESP2013_AGE_BANDS:
                    rows.append(
                        {
                            "area_code": area,
                            "year": year,
                            "sex": sex,
                            "age_band": band,
                            "population": draw(st.integers(0, 3000)),
                        }
                    )
    return rows


inputs = st.fixed_dictionaries(
    {
        "admissions": st.lists(admissions(), max_size=60),
        "care_homes": st.lists(care_homes(), max_size=15),
        "reablements": st.lists(reablements(), max_size=15),
        "populations": populations(),
        "fmt": st.sampled_from(("parquet", "csv")),
    }
)


def agree(engine, data):
    """The engine's aggregates and metric values are the reference engine's."""
    first, last = Month(2022, 4), Month(2023, 3)
    with tempfile.TemporaryDirectory() as folder:
        inputs = check_inputs(write_inputs(Path(folder), **data))
        expected = ReferenceEngine().aggregates(inputs, first.first_day, last.last_day)
        found = engine.aggregates(inputs, first.first_day, last.last_day)
    assert found == expected
    assert metric_values(found, first=first, last=last, areas=inputs.areas) == metric_values(
        expected, first=first, last=last, areas=inputs.areas
    )


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=inputs)
def test_duckdb_agrees_with_the_reference_on_random_inputs(data):
    from bettercare.pipeline.engines import DuckDBEngine

    engine = DuckDBEngine(threads=1)
    try:
        agree(engine, data)
    finally:
        engine.close()


@pytest.mark.spark
def test_spark_agrees_with_the_reference_on_random_inputs(spark_session):
    from bettercare.pipeline.engines import SparkEngine

    engine = SparkEngine(spark_session)

    # Few examples: each Spark run takes a second or two even for a few rows.
    @settings(
        max_examples=2,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(data=inputs)
    def check(data):
        agree(engine, {**data, "fmt": "csv"})  # Spark's CSV reading; Parquet is tested above

    try:
        check()
    finally:
        engine.close()
