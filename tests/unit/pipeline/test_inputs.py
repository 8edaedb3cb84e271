"""Bad input files give clear errors, naming file, row, column and value, before any work."""

import tempfile
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.core.periods import Month
from bettercare.pipeline.inputs import (
    InputError,
    _aggregate_pass,
    _checks,
    _columns,
    _footer_statistics,
    _parquet_pass,
    check_inputs,
    find_inputs,
)
from bettercare.pipeline.run import run_pipeline
from tests.unit.pipeline.builders import (
    admission,
    population,
    reablement,
    write_dataset,
    write_inputs,
)

TODAY = date(2026, 11, 23)
AREA = "E06000001"
HEADER = (
    "person_id,admission_date,discharge_date,admission_method,age,sex,area_code,"
    "primary_diagnosis,discharge_destination,discharge_ready_date"
)


def problems(folder):
    with pytest.raises(InputError) as raised:
        check_inputs(folder, today=TODAY)
    return [str(problem) for problem in raised.value.problems]


def csv_inputs(folder, *lines, header=HEADER):
    write_dataset(folder, "population", population(AREA, [2023]))
    (folder / "admissions.csv").write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return folder


GOOD = "p1,2023-04-01,2023-04-05,emergency,70,F,E06000001,J44.1,19,2023-04-03"


def test_good_inputs_pass_with_their_row_counts(tmp_path):
    inputs = check_inputs(csv_inputs(tmp_path, GOOD, GOOD), today=TODAY)
    assert inputs.rows == {"population": 38, "admissions": 2}
    assert inputs.areas == (AREA,)
    assert inputs.population_years == {AREA: (2023,)}


def test_a_missing_input_is_named_with_what_would_do(tmp_path):
    write_dataset(tmp_path, "population", population(AREA, [2023]))
    assert problems(tmp_path) == [
        f"error: admissions.parquet: is missing; expected admissions.parquet, admissions.csv "
        f"or a folder admissions/ of parts in {tmp_path}"
    ]


def test_an_input_given_twice_is_an_error(tmp_path):
    write_inputs(tmp_path, admissions=[], populations=population(AREA, [2023]))
    write_dataset(tmp_path, "admissions", [], fmt="csv")
    assert problems(tmp_path) == [
        "error: admissions: is given more than once (admissions.parquet, admissions.csv); "
        "expected one admissions.parquet, admissions.csv or folder admissions/ of one format"
    ]


def test_missing_columns_are_named_with_the_expected_columns(tmp_path):
    header = HEADER.replace(",age,", ",").replace(",sex", "")
    assert problems(csv_inputs(tmp_path, header=header)) == [
        f"error: admissions.csv, column {name}: has no column '{name}'; expected the columns "
        f"{HEADER.replace(',', ', ')}"
        for name in ("age", "sex")
    ]


def test_wrong_parquet_types_are_named(tmp_path):
    write_dataset(tmp_path, "population", population(AREA, [2023]))
    table = pa.table({"person_id": ["p1"], "discharge_date": ["2023-04-01"], "age": ["70"]})
    rows = pa.table(
        {
            **{name: table[name] for name in table.column_names},
            "area_code": [AREA],
            "at_home_91_days": [True],
        }
    )
    pq.write_table(rows, tmp_path / "reablement.parquet")
    write_dataset(tmp_path, "admissions", [])
    assert problems(tmp_path) == [
        "error: reablement.parquet, column discharge_date: has the wrong type VARCHAR; "
        "expected a date (a date or timestamp column)",
        "error: reablement.parquet, column age: has the wrong type VARCHAR; "
        "expected a whole number (an integer column)",
    ]


def test_bad_csv_values_name_the_first_row_and_count_the_rest(tmp_path):
    folder = csv_inputs(
        tmp_path,
        GOOD,
        "p2,2023-04-01,2023-04-05,emergency,seventy,F,E06000001,J44.1,19,",
        "p3,2023-04-31,,urgent,7.5,X,E06000001,,,",
        ",2099-01-01,,elective,200,M,E06000001,,,",
        "p5,2023-04-10,2023-04-09,elective,40,M,E06000001,,,2023-04-08",
    )
    assert problems(folder) == [
        "error: admissions.csv, row 5, column person_id: is empty; expected text",
        "error: admissions.csv, row 4, column admission_date: is not a date (got '2023-04-31'); "
        "expected a date as YYYY-MM-DD",
        "error: admissions.csv, row 5, column admission_date: is out of range: before "
        "1948-07-05 or after today (2026-11-23) (got '2099-01-01'); expected a date from "
        "1948-07-05 to 2026-11-23",
        "error: admissions.csv, row 4, column admission_method: is not an allowed value "
        "(got 'urgent'); expected one of elective, emergency",
        "error: admissions.csv, row 3, column age: is not a whole number (got 'seventy'); "
        "expected a whole number from 0 to 120 [2 rows like this]",
        "error: admissions.csv, row 5, column age: is outside 0 to 120 (got '200'); "
        "expected a whole number from 0 to 120",
        "error: admissions.csv, row 4, column sex: is not an allowed value (got 'X'); "
        "expected one of F, M",
        "error: admissions.csv, row 6, column discharge_date: is before the admission date "
        "(got '2023-04-09'); expected a date on or after the admission date",
        "error: admissions.csv, row 6, column discharge_ready_date: is before the admission "
        "date (got '2023-04-08'); expected a date on or after the admission date",
    ]


def test_parquet_rows_are_numbered_from_1(tmp_path):
    rows = [admission(AREA, "2023-04-01"), admission(AREA, "2023-04-02", age=130)]
    write_inputs(tmp_path, admissions=rows, populations=population(AREA, [2023]))
    assert problems(tmp_path) == [
        "error: admissions.parquet, row 2, column age: is outside 0 to 120 (got 130); "
        "expected a whole number from 0 to 120"
    ]


def test_unknown_and_malformed_area_codes(tmp_path):
    write_inputs(
        tmp_path,
        admissions=[admission(AREA, "2023-04-01"), admission("E06000099", "2023-04-02")],
        reablements=[reablement("E06000099", "2023-04-02"), reablement("E06000099", "2023-05-02")],
        populations=population(AREA, [2023]) + population("Rutland", [2023]),
    )
    assert problems(tmp_path) == [
        "error: population.parquet, row 39, column area_code: is not an ONS area code "
        "(got 'Rutland'); expected a letter E, W, S or N and 8 digits, e.g. E10000018 "
        "[38 rows like this]",
        "error: admissions.parquet, row 2, column area_code: is an unknown area code: it has "
        "no population estimates (got 'E06000099'); expected an area_code of the population file",
        "error: reablement.parquet, row 1, column area_code: is an unknown area code: it has "
        "no population estimates (got 'E06000099'); expected an area_code of the population "
        "file [2 rows like this]",
    ]


def test_parts_in_a_folder_are_named_by_their_path(tmp_path):
    write_dataset(tmp_path, "population", population(AREA, [2023]))
    parts = tmp_path / "admissions"
    write_dataset(parts, "admissions", [admission(AREA, "2023-04-01")])
    (parts / "admissions.parquet").rename(parts / "part-1.parquet")
    write_dataset(parts, "admissions", [admission(AREA, "2023-04-01", method="planned")])
    (parts / "admissions.parquet").rename(parts / "part-2.parquet")
    assert problems(tmp_path) == [
        "error: admissions/part-2.parquet, row 1, column admission_method: is not an allowed "
        "value (got 'planned'); expected one of elective, emergency"
    ]


class ExplodingEngine:
    name = "exploding"

    def aggregates(self, *args, **kwargs):
        raise AssertionError("an engine ran on bad inputs")

    def close(self):
        pass


def test_a_run_stops_before_any_work_and_writes_nothing(tmp_path):
    folder = csv_inputs(tmp_path, GOOD.replace(",70,", ",-1,"))
    output = tmp_path / "out.csv"
    with pytest.raises(InputError):
        run_pipeline(
            folder,
            first=Month(2023, 4),
            last=Month(2023, 6),
            engine=ExplodingEngine(),
            output=output,
            today=TODAY,
        )
    assert not output.exists()


def test_areas_without_a_usable_population_year_stop_the_run(tmp_path):
    write_inputs(
        tmp_path,
        admissions=[admission(AREA, "2023-04-01")],
        populations=population(AREA, [2024]) + population("E06000002", [2020]),
    )
    with pytest.raises(InputError) as raised:
        run_pipeline(tmp_path, first=Month(2023, 4), last=Month(2023, 6), engine=ExplodingEngine())
    assert [str(p) for p in raised.value.problems] == [
        "error: population.parquet, column year: has no estimate for area E06000001 for "
        "mid-2023 or earlier, needed from 2023-04; expected an estimate for mid-2023 (or an "
        "earlier year) for every area"
    ]


def test_a_folder_that_is_not_there(tmp_path):
    assert problems(tmp_path / "nowhere") == [
        f"error: {tmp_path / 'nowhere'}: is not a folder of input files"
    ]


def test_an_unknown_choice_of_years_stops_the_run_before_any_work(tmp_path):
    folder = csv_inputs(tmp_path, GOOD)
    with pytest.raises(ValueError, match="years must be one of all, in_force; got 'current'"):
        run_pipeline(
            folder,
            first=Month(2023, 4),
            last=Month(2023, 6),
            engine=ExplodingEngine(),
            today=TODAY,
            years="current",
        )


def test_parquet_footers_answer_the_null_and_range_checks_with_the_same_messages(tmp_path):
    """Null counts and integer/date ranges come from the files' statistics when every row
    group records them; without statistics the pass finds the same problems."""
    rows = [
        admission(AREA, "2023-04-01"),
        {**admission(AREA, "2023-04-02", age=130), "person_id": None},
        admission(AREA, "2027-01-05"),  # after today
        {**admission(AREA, "2023-04-03"), "person_id": None},
    ]
    found = {}
    for statistics in (True, False):
        folder = tmp_path / str(statistics)
        folder.mkdir()
        write_inputs(folder, admissions=rows, populations=population(AREA, [2023]))
        table = pq.read_table(folder / "admissions.parquet")
        pq.write_table(table, folder / "admissions.parquet", write_statistics=statistics)
        found[statistics] = problems(folder)
    assert (
        found[True]
        == found[False]
        == [
            "error: admissions.parquet, row 2, column person_id: is empty; expected text "
            "[2 rows like this]",
            "error: admissions.parquet, row 3, column admission_date: is out of range: before "
            "1948-07-05 or after today (2026-11-23) (got '2027-01-05'); expected a date from "
            "1948-07-05 to 2026-11-23",
            "error: admissions.parquet, row 2, column age: is outside 0 to 120 (got 130); "
            "expected a whole number from 0 to 120",
        ]
    )


# -- the Parquet pass: a filtered count a condition (ADR 0134) ----------------------------------

dates = st.dates(min_value=date(1940, 1, 1), max_value=date(2028, 12, 31))
records = st.fixed_dictionaries(
    {
        "person_id": st.sampled_from(["p1", "p2", None]),
        "admission_date": st.one_of(st.none(), dates),
        "discharge_date": st.one_of(st.none(), dates),
        "admission_method": st.sampled_from(["elective", "emergency", "planned", None]),
        "age": st.sampled_from([70, 0, 120, -1, 121, None]),
        "sex": st.sampled_from(["F", "M", "X", None]),
        "area_code": st.sampled_from([AREA, "E06000002", "Rutland", None]),
        "primary_diagnosis": st.sampled_from(["J44.1", None]),
        "discharge_destination": st.sampled_from(["19", "79", None]),
        "discharge_ready_date": st.one_of(st.none(), dates),
    }
)


def _passes(folder, statistics):
    """Which checks fire and the rows by area, by the Parquet pass and by the one grouped pass
    of every detector (the reference: what every input went through before)."""
    input_file = find_inputs(folder)[0]["admissions"]
    table = pq.read_table(input_file.paths[0])
    pq.write_table(table, input_file.paths[0], write_statistics=statistics)
    connection = duckdb.connect()
    try:
        columns, _ = _columns(connection, input_file)
        checks = _checks(input_file, TODAY, set(columns))
        group = ['"area_code"']
        footer = _footer_statistics(connection, input_file, columns)
        fast = _parquet_pass(connection, input_file, checks, group, footer)
        reference = _aggregate_pass(connection, input_file, checks, group)
    finally:
        connection.close()
    return [check.problem for check in checks], fast, reference


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(records, min_size=1, max_size=12), statistics=st.booleans())
def test_the_parquet_pass_fires_exactly_when_a_detector_would(rows, statistics):
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_inputs(folder, admissions=rows, populations=population(AREA, [2023]))
        _, (rows_by_area, fired), (reference_rows, reference_fired) = _passes(folder, statistics)
    assert fired == reference_fired
    # (area, rows); the reference's rows go on with its detectors.
    assert sorted(rows_by_area, key=repr) == sorted((row[:2] for row in reference_rows), key=repr)


def run_on_duckdb(folder: Path, output: Path) -> None:
    """The pipeline on DuckDB over April to June 2023, written to ``output``."""
    run_pipeline(
        folder,
        first=Month(2023, 4),
        last=Month(2023, 6),
        engine="duckdb",
        output=output,
        today=TODAY,
    )


def test_a_problem_the_parquet_pass_finds_stops_a_duckdb_run_and_writes_nothing(tmp_path):
    """On DuckDB the checks run on the engine's database while it computes: a problem is the
    same message, and no output is written."""
    folder = tmp_path / "inputs"
    rows = [
        admission(AREA, "2023-04-01", discharged="2023-04-05"),
        admission(AREA, "2023-04-10", discharged="2023-04-09", sex="X"),
    ]
    write_inputs(folder, admissions=rows, populations=population(AREA, [2023]))
    output = tmp_path / "out.csv"
    with pytest.raises(InputError) as raised:
        run_on_duckdb(folder, output)
    assert [str(problem) for problem in raised.value.problems] == [
        "error: admissions.parquet, row 2, column sex: is not an allowed value (got 'X'); "
        "expected one of F, M",
        "error: admissions.parquet, row 2, column discharge_date: is before the admission date "
        "(got '2023-04-09'); expected a date on or after the admission date",
    ]
    assert not output.exists()


@pytest.mark.parametrize(
    ("header", "line", "expected"),
    [
        # The engine cannot read the date either: a conversion error of its own.
        (
            HEADER,
            GOOD.replace("2023-04-01,2023", "2023-04-31,2023"),
            "error: admissions.csv, row 2, column admission_date: is not a date "
            "(got '2023-04-31'); expected a date as YYYY-MM-DD",
        ),
        # Nor find the column: a binder error of its own.
        (
            HEADER.replace(",sex", ""),
            GOOD.replace(",F,", ","),
            "error: admissions.csv, column sex: has no column 'sex'; expected the columns "
            f"{HEADER.replace(',', ', ')}",
        ),
    ],
)
def test_inputs_the_engine_fails_on_too_give_the_checks_messages(tmp_path, header, line, expected):
    """On DuckDB the engine computes from the files found while they are checked (ADR 0139):
    inputs it cannot read stop the run with the checks' messages, not the engine's error,
    and nothing is written."""
    folder = csv_inputs(tmp_path / "inputs", line, header=header)
    output = tmp_path / "out.csv"
    with pytest.raises(InputError) as raised:
        run_on_duckdb(folder, output)
    assert [str(problem) for problem in raised.value.problems] == [expected]
    assert not output.exists()


def test_a_duckdb_run_on_good_inputs_keeps_their_checks(tmp_path):
    """The checks run in a thread on the engine's database; their counts and areas are the
    run's, and the timings name both."""
    folder = csv_inputs(tmp_path / "inputs", GOOD)
    run = run_pipeline(
        folder, first=Month(2023, 4), last=Month(2023, 6), engine="duckdb", today=TODAY
    )
    assert run.inputs.rows == {"population": 38, "admissions": 1}
    assert run.inputs.areas == (AREA,)
    assert {"start", "check", "aggregate", "assemble", "total"} <= set(run.timings)


def test_checks_on_a_given_connection_leave_it_open(tmp_path):
    folder = csv_inputs(tmp_path, GOOD)
    connection = duckdb.connect()
    try:
        inputs = check_inputs(folder, today=TODAY, connection=connection)
        assert connection.execute("SELECT 1").fetchall() == [(1,)]
    finally:
        connection.close()
    assert inputs.rows == {"population": 38, "admissions": 1}
