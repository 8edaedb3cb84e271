"""The features again, in plain Python: the oracle the engines are tested against.

Written from the definitions in ``docs/risk.md`` and :data:`bettercare.risk.schema.FEATURES`
with loops over records, not from the Ibis query. Small data only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.risk.clusters import CLUSTERS, DEFICITS, LONG_TERM_CONDITIONS, normalise_code
from bettercare.risk.schema import (
    FEATURE_NAMES,
    HISTORY_MONTHS,
    OUTCOME_MONTHS,
    OUTCOMES,
    add_months,
)

__all__ = ["reference_features"]


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value  # type: ignore[no-any-return]  # a date column's value: a date or None


def _rows(data: Path, name: str) -> list[dict[str, Any]]:
    return pq.read_table(data / f"{name}.parquet").to_pylist()


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((born.month, born.day) > (on.month, on.day))


def reference_features(data: Path, index_date: date, *, outcomes: bool = False) -> pa.Table:
    """The feature table of :func:`bettercare.risk.features.feature_query`, with loops."""
    history_start = add_months(index_date, -HISTORY_MONTHS)
    outcome_end = add_months(index_date, OUTCOME_MONTHS)
    rows: dict[str, dict[str, Any]] = {}
    row: dict[str, Any] | None  # a new row here; None below when rows.get finds none
    for patient in _rows(data, "patients"):
        born = _day(patient["date_of_birth"])
        assert born is not None
        if born >= index_date:
            continue
        since = _day(patient.get("care_home_since"))
        row = {
            "patient_id": patient["patient_id"],
            "practice_code": patient["practice_code"],
            "age": _age(born, index_date),
            "female": int(patient["sex"] == "F"),
            "deprivation_decile": int(patient["deprivation_decile"]),
        }
        row.update(dict.fromkeys((cluster.name for cluster in CLUSTERS), 0))
        row.update(
            prior_emergency_admissions=0,
            prior_bed_days=0,
            ae_attendances=0,
            outpatient_attendances=0,
            care_home=int(since is not None and since <= index_date),
            emergency_admission=0,
            cost=0,
        )
        rows[patient["patient_id"]] = row

    for diagnosis in _rows(data, "diagnoses"):
        row = rows.get(diagnosis["patient_id"])
        when = _day(diagnosis["date"])
        if row is None or when is None or when >= index_date:
            continue
        code = normalise_code(diagnosis["code"])
        for cluster in CLUSTERS:
            if any(code.startswith(prefix) for prefix in cluster.prefixes):
                row[cluster.name] = 1

    medicines: dict[str, set[str]] = defaultdict(set)
    for issue in _rows(data, "medications"):
        when = _day(issue["issue_date"])
        if when is not None and history_start <= when < index_date:
            medicines[issue["patient_id"]].add(issue["medicine_code"])

    for event in _rows(data, "activity"):
        row = rows.get(event["patient_id"])
        start = _day(event["start_date"])
        if row is None or start is None:
            continue
        kind = event["activity_type"]
        if history_start <= start < index_date:
            if kind == "emergency_admission":
                row["prior_emergency_admissions"] += 1
                end = _day(event.get("end_date")) or index_date
                row["prior_bed_days"] += (min(end, index_date) - start).days
            elif kind == "ae_attendance":
                row["ae_attendances"] += 1
            elif kind == "outpatient_attendance":
                row["outpatient_attendances"] += 1
        elif index_date <= start < outcome_end:
            if kind == "emergency_admission":
                row["emergency_admission"] = 1
            row["cost"] += int(event["cost"])

    names = ("patient_id", "practice_code", *FEATURE_NAMES, *(OUTCOMES if outcomes else ()))
    table: list[dict[str, Any]] = []
    for patient_id in sorted(rows):
        row = rows[patient_id]
        row["ltc_count"] = sum(row[name] for name in LONG_TERM_CONDITIONS)
        row["frailty_deficits"] = sum(row[name] for name in DEFICITS)
        row["distinct_medicines"] = len(medicines.get(patient_id, ()))
        table.append({name: row[name] for name in names})
    schema = pa.schema(
        [("patient_id", pa.string()), ("practice_code", pa.string())]
        + [(name, pa.int64()) for name in names[2:]]
    )
    return pa.Table.from_pylist(table, schema=schema)
