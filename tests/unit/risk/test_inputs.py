"""Bad input: one line per problem naming the file, row, column and value."""

from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from bettercare.risk.inputs import InputError, check_inputs
from tests.unit.risk.builders import patient, write_inputs


def problems(directory):
    with pytest.raises(InputError) as raised:
        check_inputs(directory, today=date(2026, 12, 4))
    lines = [str(problem) for problem in raised.value.problems]
    assert all("\n" not in line for line in lines)
    return lines


def test_good_inputs_pass(tmp_path):
    check_inputs(write_inputs(tmp_path, patients=[patient("p1")]), today=date(2026, 12, 4))


def test_unknown_practice_future_birth_and_duplicate_patients(tmp_path):
    data = write_inputs(
        tmp_path,
        patients=[
            patient("p1"),
            patient("p2", practice="X99999"),
            patient("p3", born=date(2027, 1, 1)),
            patient("p1"),
        ],
    )
    assert problems(data) == [
        "error: patients.parquet, row 1, column patient_id: is a duplicate patient (got 'p1'); expected one row per patient [2 rows like this]",
        "error: patients.parquet, row 2, column practice_code: is an unknown practice code (got 'X99999'); expected a practice_code of practices.parquet",
        "error: patients.parquet, row 3, column date_of_birth: is empty or in the future (got '2027-01-01'); expected a date on or before 2026-12-04",
    ]


def test_codes_outside_the_clusters(tmp_path):
    data = write_inputs(
        tmp_path,
        patients=[patient("p1")],
        diagnoses=[
            {"patient_id": "p1", "code": "I50.0", "date": date(2020, 1, 1)},
            {"patient_id": "p1", "code": "K35", "date": date(2020, 1, 1)},
        ],
    )
    assert problems(data) == [
        "error: diagnoses.parquet, row 2, column code: is a code outside the cluster definitions (got 'K35'); expected an ICD-10 code of a cluster (docs/risk.md)"
    ]


def test_a_missing_column_and_a_missing_file(tmp_path):
    data = write_inputs(tmp_path, patients=[patient("p1")])
    pq.write_table(pa.table({"patient_id": ["p1"], "code": ["I50"]}), data / "diagnoses.parquet")
    (data / "medications.parquet").unlink()
    assert problems(data) == [
        "error: diagnoses.parquet, column date: is missing; expected a date column",
        f"error: medications.parquet: is missing from {data}; expected a Parquet file",
    ]


def test_activity_values(tmp_path):
    data = write_inputs(
        tmp_path,
        patients=[patient("p1")],
        activity=[
            {
                "patient_id": "p1",
                "activity_type": "home_visit",
                "start_date": date(2024, 1, 1),
                "end_date": None,
                "cost": 10,
            },
            {
                "patient_id": "p1",
                "activity_type": "emergency_admission",
                "start_date": date(2024, 1, 5),
                "end_date": date(2024, 1, 1),
                "cost": -1,
            },
        ],
    )
    assert problems(data) == [
        "error: activity.parquet, row 1, column activity_type: is not an activity type (got 'home_visit'); expected emergency_admission, elective_admission, ae_attendance, outpatient_attendance",
        "error: activity.parquet, row 2, column end_date: is before the start date (got '2024-01-01'); expected an end date on or after start_date",
        "error: activity.parquet, row 2, column cost: is not a cost (got '-1'); expected a whole number of pounds, 0 or more",
    ]
