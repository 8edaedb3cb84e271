"""Small readable pipeline inputs for the tests: rows as dicts, written as CSV or Parquet."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.pipeline.schema import DATASETS

ARROW_TYPES = {
    "string": pa.string(),
    "date": pa.date32(),
    "integer": pa.int64(),
    "boolean": pa.bool_(),
}


def admission(
    area: str,
    admitted: str,
    *,
    age: int = 70,
    method: str = "emergency",
    discharged: str | None = None,
    diagnosis: str | None = "R07.4",
    destination: str | None = "19",
    ready: str | None = None,
    sex: str = "F",
    person: str = "p1",
) -> dict[str, Any]:
    return {
        "person_id": person,
        "admission_date": date.fromisoformat(admitted),
        "discharge_date": date.fromisoformat(discharged) if discharged else None,
        "admission_method": method,
        "age": age,
        "sex": sex,
        "area_code": area,
        "primary_diagnosis": diagnosis,
        "discharge_destination": destination,
        "discharge_ready_date": date.fromisoformat(ready) if ready else None,
    }


def care_home(
    area: str, start: str, *, age: int = 80, duration: str = "long_term"
) -> dict[str, Any]:
    return {
        "person_id": "p1",
        "start_date": date.fromisoformat(start),
        "age": age,
        "area_code": area,
        "duration": duration,
    }


def reablement(
    area: str, discharged: str, *, age: int = 80, at_home: bool = True
) -> dict[str, Any]:
    return {
        "person_id": "p1",
        "discharge_date": date.fromisoformat(discharged),
        "age": age,
        "area_code": area,
        "at_home_91_days": at_home,
    }


def population(
    area: str, years: Iterable[int], per_band: int | Sequence[int] = 1000
) -> list[dict[str, Any]]:
    """Estimates for both sexes: ``per_band`` people of each sex in every band."""
    counts = [per_band] * len(ESP2013_AGE_BANDS) if isinstance(per_band, int) else list(per_band)
    return [
        {"area_code": area, "year": year, "sex": sex, "age_band": band, "population": count}
        for year in years
        for sex in ("F", "M")
        for band, count in zip(ESP2013_AGE_BANDS, counts, strict=True)
    ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_dataset(
    folder: Path, name: str, rows: Sequence[Mapping[str, Any]], *, fmt: str = "parquet"
) -> Path:
    """Write rows of a dataset with its columns (typed in Parquet, as text in CSV)."""
    folder.mkdir(parents=True, exist_ok=True)
    fields = DATASETS[name].fields
    path = folder / f"{name}.{fmt}"
    if fmt == "csv":
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow([f.name for f in fields])
            for row in rows:
                writer.writerow([_text(row.get(f.name)) for f in fields])
    else:
        schema = pa.schema([(f.name, ARROW_TYPES[f.type]) for f in fields])
        table = pa.table({f.name: [row.get(f.name) for row in rows] for f in fields}, schema=schema)
        pq.write_table(table, path)
    return path


def write_inputs(
    folder: Path,
    *,
    admissions: Sequence[Mapping[str, Any]] = (),
    care_homes: Sequence[Mapping[str, Any]] | None = None,
    reablements: Sequence[Mapping[str, Any]] | None = None,
    populations: Sequence[Mapping[str, Any]] = (),
    fmt: str = "parquet",
) -> Path:
    write_dataset(folder, "admissions", admissions, fmt=fmt)
    write_dataset(folder, "population", populations, fmt=fmt)
    if care_homes is not None:
        write_dataset(folder, "care_home_admissions", care_homes, fmt=fmt)
    if reablements is not None:
        write_dataset(folder, "reablement", reablements, fmt=fmt)
    return folder
