"""Tiny hand-made risk inputs written as Parquet files."""

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMAS = {
    "practices": pa.schema([("practice_code", pa.string()), ("practice_name", pa.string())]),
    "patients": pa.schema(
        [
            ("patient_id", pa.string()),
            ("practice_code", pa.string()),
            ("date_of_birth", pa.date32()),
            ("sex", pa.string()),
            ("deprivation_decile", pa.int64()),
            ("care_home_since", pa.date32()),
        ]
    ),
    "diagnoses": pa.schema(
        [("patient_id", pa.string()), ("code", pa.string()), ("date", pa.date32())]
    ),
    "medications": pa.schema(
        [("patient_id", pa.string()), ("medicine_code", pa.string()), ("issue_date", pa.date32())]
    ),
    "activity": pa.schema(
        [
            ("patient_id", pa.string()),
            ("activity_type", pa.string()),
            ("start_date", pa.date32()),
            ("end_date", pa.date32()),
            ("cost", pa.int64()),
        ]
    ),
}


def patient(pid, practice="A00001", born=date(1950, 6, 15), sex="F", decile=3, care_home=None):
    return {
        "patient_id": pid,
        "practice_code": practice,
        "date_of_birth": born,
        "sex": sex,
        "deprivation_decile": decile,
        "care_home_since": care_home,
    }


def write_inputs(
    directory: Path, *, practices=None, patients=(), diagnoses=(), medications=(), activity=()
):
    """Write the five input files; rows are dicts (or ``None`` to use the schema's empty table)."""
    directory.mkdir(parents=True, exist_ok=True)
    practices = (
        practices
        if practices is not None
        else [
            {"practice_code": "A00001", "practice_name": "One"},
            {"practice_code": "A00002", "practice_name": "Two"},
        ]
    )
    tables = {
        "practices": practices,
        "patients": list(patients),
        "diagnoses": list(diagnoses),
        "medications": list(medications),
        "activity": list(activity),
    }
    for name, rows in tables.items():
        pq.write_table(
            pa.Table.from_pylist(rows, schema=SCHEMAS[name]), directory / f"{name}.parquet"
        )
    return directory
