"""Checking the risk model's input files before anything is computed.

Each input is ``NAME.parquet`` in the data folder with the columns of
:data:`bettercare.risk.schema.INPUTS`. DuckDB checks them in a few streaming queries: missing
files and columns, column types, duplicate patients or practices, unknown practice codes,
dates of birth (and other dates) in the future, values outside their choices, diagnosis codes
outside every cluster, discharges before admissions. Each problem is one line naming the file,
the first row with it, the column and the value; nothing is computed while any remain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from bettercare.pipeline.inputs import InputError, Problem
from bettercare.risk.clusters import CLUSTERS
from bettercare.risk.schema import ACTIVITY_TYPES, INPUTS

__all__ = ["InputError", "Problem", "check_inputs"]

_TYPES = {
    "string": ("VARCHAR",),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
    "integer": ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"),
}
_TYPE_WORDS = {"string": "a string column", "date": "a date column", "integer": "an integer column"}


@dataclass(frozen=True, slots=True)
class _Rule:
    dataset: str
    column: str
    where: str  # SQL condition that is true on a bad row
    problem: str
    expected: str


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _rules(today: date) -> list[_Rule]:
    prefixes = ", ".join(f"({_quote(p)})" for cluster in CLUSTERS for p in cluster.prefixes)
    code = "upper(trim(replace(code, '.', '')))"
    types = ", ".join(_quote(kind) for kind in ACTIVITY_TYPES)
    on = _quote(today.isoformat())
    rules = [
        _Rule("practices", "practice_code", "practice_code IS NULL OR trim(practice_code) = ''", "is empty", "a practice code"),
        _Rule("practices", "practice_code", "count(*) OVER (PARTITION BY practice_code) > 1", "is a duplicate practice", "one row per practice"),
        _Rule("patients", "patient_id", "patient_id IS NULL OR trim(patient_id) = ''", "is empty", "a patient identifier"),
        _Rule("patients", "patient_id", "count(*) OVER (PARTITION BY patient_id) > 1", "is a duplicate patient", "one row per patient"),
        _Rule("patients", "practice_code", "practice_code NOT IN (SELECT practice_code FROM practices WHERE practice_code IS NOT NULL)", "is an unknown practice code", "a practice_code of practices.parquet"),
        _Rule("patients", "date_of_birth", f"date_of_birth IS NULL OR CAST(date_of_birth AS DATE) > DATE {on}", "is empty or in the future", f"a date on or before {today.isoformat()}"),
        _Rule("patients", "sex", "sex IS NULL OR sex NOT IN ('F', 'M')", "is not a sex", "F or M"),
        _Rule("patients", "deprivation_decile", "deprivation_decile IS NULL OR deprivation_decile NOT BETWEEN 1 AND 10", "is not a deprivation decile", "a whole number from 1 (most deprived) to 10"),
        _Rule("patients", "care_home_since", f"CAST(care_home_since AS DATE) > DATE {on}", "is in the future", f"a date on or before {today.isoformat()} or empty"),
        _Rule("diagnoses", "patient_id", "patient_id IS NULL OR patient_id NOT IN (SELECT patient_id FROM patients WHERE patient_id IS NOT NULL)", "is an unknown patient", "a patient_id of patients.parquet"),
        _Rule("diagnoses", "code", f"code IS NULL OR NOT EXISTS (SELECT 1 FROM (VALUES {prefixes}) AS clusters(prefix) WHERE starts_with({code}, prefix))", "is a code outside the cluster definitions", "an ICD-10 code of a cluster (docs/risk.md)"),  # noqa: S608
        _Rule("diagnoses", "date", f"date IS NULL OR CAST(date AS DATE) > DATE {on}", "is empty or in the future", f"a date on or before {today.isoformat()}"),
        _Rule("medications", "patient_id", "patient_id IS NULL OR patient_id NOT IN (SELECT patient_id FROM patients WHERE patient_id IS NOT NULL)", "is an unknown patient", "a patient_id of patients.parquet"),
        _Rule("medications", "medicine_code", "medicine_code IS NULL OR trim(medicine_code) = ''", "is empty", "a medicine code"),
        _Rule("medications", "issue_date", f"issue_date IS NULL OR CAST(issue_date AS DATE) > DATE {on}", "is empty or in the future", f"a date on or before {today.isoformat()}"),
        _Rule("activity", "patient_id", "patient_id IS NULL OR patient_id NOT IN (SELECT patient_id FROM patients WHERE patient_id IS NOT NULL)", "is an unknown patient", "a patient_id of patients.parquet"),
        _Rule("activity", "activity_type", f"activity_type IS NULL OR activity_type NOT IN ({types})", "is not an activity type", ", ".join(ACTIVITY_TYPES)),
        _Rule("activity", "start_date", f"start_date IS NULL OR CAST(start_date AS DATE) > DATE {on}", "is empty or in the future", f"a date on or before {today.isoformat()}"),
        _Rule("activity", "end_date", "end_date < start_date", "is before the start date", "an end date on or after start_date"),
        _Rule("activity", "cost", "cost IS NULL OR cost < 0", "is not a cost", "a whole number of pounds, 0 or more"),
    ]  # fmt: skip
    return rules


def _schema_problems(connection: Any, data: Path) -> tuple[list[Problem], set[str]]:
    """Missing files, unreadable files, missing columns and wrong types; the usable datasets."""
    problems: list[Problem] = []
    usable: set[str] = set()
    for name, columns in INPUTS.items():
        path = data / f"{name}.parquet"
        label = f"{name}.parquet"
        if not path.is_file():
            problems.append(Problem(label, f"is missing from {data}", expected="a Parquet file"))
            continue
        try:
            described = connection.execute(
                f"DESCRIBE SELECT * FROM read_parquet({_quote(str(path))})"  # noqa: S608
            ).fetchall()
        except duckdb.Error as error:
            message = str(error).splitlines()[0]
            problems.append(Problem(label, f"is not a readable Parquet file ({message})"))
            continue
        types = {row[0]: str(row[1]) for row in described}
        before = len(problems)
        for column in columns:
            if column.name not in types:
                if column.required:
                    problems.append(
                        Problem(
                            label,
                            "is missing",
                            column=column.name,
                            expected=_TYPE_WORDS[column.type],
                        )
                    )
                continue
            if types[column.name] not in _TYPES[column.type] and types[column.name] != '"NULL"':
                problems.append(
                    Problem(
                        label,
                        "has the wrong type",
                        column=column.name,
                        value=types[column.name],
                        expected=_TYPE_WORDS[column.type],
                    )
                )
        if len(problems) == before:
            usable.add(name)
            present = [c.name for c in columns if c.name in types]
            missing = [
                f"NULL::{'DATE' if c.type == 'date' else 'VARCHAR'} AS {c.name}"
                for c in columns
                if c.name not in types
            ]
            select = ", ".join([*present, *missing, "file_row_number"])
            connection.execute(
                f"CREATE TEMP VIEW {name} AS SELECT {select} FROM "  # noqa: S608
                f"read_parquet({_quote(str(path))}, file_row_number = true)"
            )
    return problems, usable


def check_inputs(data: Path, *, today: date | None = None) -> None:
    """Raise :class:`InputError` listing every problem in the inputs in ``data``, if any."""
    today = today or date.today()
    connection = duckdb.connect()
    try:
        problems, usable = _schema_problems(connection, data)
        for rule in _rules(today):
            needs = {rule.dataset}
            if "FROM practices" in rule.where:
                needs.add("practices")
            if "FROM patients" in rule.where:
                needs.add("patients")
            if not needs <= usable:
                continue
            query = (
                f"SELECT count(*), arg_min(CAST({rule.column} AS VARCHAR), file_row_number), "  # noqa: S608
                f"min(file_row_number) FROM (SELECT *, ({rule.where}) AS bad FROM {rule.dataset}) "
                "WHERE bad"
            )
            count, value, first = connection.execute(query).fetchone() or (0, None, None)
            if count:
                problems.append(
                    Problem(
                        f"{rule.dataset}.parquet",
                        rule.problem,
                        row=int(first) + 1,
                        column=rule.column,
                        value=value if value is not None else "",
                        expected=rule.expected,
                        rows=int(count),
                    )
                )
    finally:
        connection.close()
    if problems:
        raise InputError(problems)
