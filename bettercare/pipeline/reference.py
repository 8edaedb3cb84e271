"""The reference engine: the definitions again, in plain Python, as the oracle for small data.

It reads every record into Python and counts with loops, written from the definitions in
``docs/pipeline.md`` rather than from the Ibis queries, so that the fast engines are checked
against a second, obvious implementation. Use it only on small inputs (tests).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bettercare.pipeline.aggregates import Aggregates, AggregateTables, Key
from bettercare.pipeline.definitions import (
    ACSC_PREFIXES,
    ADULT_AGE,
    AGGREGATES,
    DIED,
    EMERGENCY,
    FALLS_PREFIXES,
    OLDER_AGE,
    USUAL_RESIDENCE,
)
from bettercare.pipeline.inputs import InputFile, Inputs

__all__ = ["ReferenceEngine", "read_records"]


def _value(text: Any, kind: str) -> Any:
    """A CSV cell (text) as its type; Parquet values are already typed."""
    if text is None or not isinstance(text, str):
        if kind == "date" and isinstance(text, datetime):
            return text.date()
        return text
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        return text.lower() == "true"
    return text


def read_records(input_file: InputFile) -> Iterator[dict[str, Any]]:
    """Every record of an input as a dict of typed values (whole files in memory)."""
    kinds = {field.name: field.type for field in input_file.dataset.fields}
    for path in input_file.paths:
        if input_file.format == "parquet":
            present = set(pq.read_schema(path).names)
            table = pq.read_table(path, columns=[name for name in kinds if name in present])
        else:
            table = pacsv.read_csv(
                path,
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(kinds, "string"),
                    include_columns=list(kinds),
                    include_missing_columns=True,
                    strings_can_be_null=True,
                ),
            )
        for row in table.to_pylist():
            yield {name: _value(row.get(name), kinds[name]) for name in kinds}


def _starts_with_any(code: str | None, prefixes: tuple[str, ...]) -> bool:
    if code is None:
        return False
    normalised = code.upper().replace(".", "")
    return any(normalised.startswith(prefix) for prefix in prefixes)


def _month(day: date) -> int:
    return day.year * 100 + day.month


def _band(age: int) -> int:
    return min(age // 5, 18)


class ReferenceEngine:
    """Plain-Python loops over every record: slow, obvious, the oracle."""

    name = "reference"

    def aggregates(
        self,
        inputs: Inputs,
        first: date,
        last: date,
        *,
        step: Callable[[str], None] | None = None,
    ) -> Aggregates:
        tables: dict[str, dict[Key, list[int]]] = {}

        def add(name: str, key: Key, values: tuple[int, ...]) -> None:
            table = tables.setdefault(name, defaultdict(lambda: [0] * len(values)))
            totals = table[key]
            for index, value in enumerate(values):
                totals[index] += value

        def within(day: date | None) -> bool:
            return day is not None and first <= day <= last

        if inputs.has("admissions"):
            tables["admissions"] = defaultdict(lambda: [0, 0, 0])
            tables["discharges"] = defaultdict(lambda: [0, 0, 0, 0, 0])
            for record in read_records(inputs.files["admissions"]):
                area = record["area_code"]
                if within(record["admission_date"]):
                    emergency = record["admission_method"] == EMERGENCY
                    diagnosis = record["primary_diagnosis"]
                    add(
                        "admissions",
                        (area, _month(record["admission_date"]), _band(record["age"])),
                        (
                            int(emergency),
                            int(emergency and _starts_with_any(diagnosis, ACSC_PREFIXES)),
                            int(emergency and _starts_with_any(diagnosis, FALLS_PREFIXES)),
                        ),
                    )
                discharged = record["discharge_date"]
                if within(discharged):
                    destination = record["discharge_destination"]
                    ready_date = record["discharge_ready_date"]
                    ready = record["age"] >= ADULT_AGE and ready_date is not None
                    delay = max((discharged - ready_date).days, 0) if ready else 0
                    add(
                        "discharges",
                        (area, _month(discharged)),
                        (
                            int(destination != DIED),
                            int(destination == USUAL_RESIDENCE),
                            int(ready),
                            delay,
                            delay * delay,
                        ),
                    )
        if inputs.has("care_home_admissions"):
            tables["care_homes"] = defaultdict(lambda: [0])
            for record in read_records(inputs.files["care_home_admissions"]):
                if within(record["start_date"]):
                    counted = record["duration"] == "long_term" and record["age"] >= OLDER_AGE
                    add(
                        "care_homes",
                        (record["area_code"], _month(record["start_date"])),
                        (int(counted),),
                    )
        if inputs.has("reablement"):
            tables["reablement"] = defaultdict(lambda: [0, 0])
            for record in read_records(inputs.files["reablement"]):
                if within(record["discharge_date"]):
                    older = record["age"] >= OLDER_AGE
                    add(
                        "reablement",
                        (record["area_code"], _month(record["discharge_date"])),
                        (int(older), int(older and record["at_home_91_days"])),
                    )
        population = [
            {
                "area_code": record["area_code"],
                "year": record["year"],
                "age_band": record["age_band"],
                "population": record["population"],
            }
            for record in read_records(inputs.files["population"])
            if record["year"] <= last.year
        ]
        rows = {
            name: [
                dict(
                    zip(
                        ("area_code", "month", "band") if len(key) == 3 else ("area_code", "month"),
                        key,
                        strict=True,
                    ),
                    **dict(zip(AGGREGATES[name].measures, values, strict=True)),
                )
                for key, values in table.items()
            ]
            for name, table in tables.items()
        }
        return Aggregates.from_rows(rows, population)

    def tables(
        self,
        inputs: Inputs,
        first: date,
        last: date,
        *,
        step: Callable[[str], None] | None = None,
    ) -> AggregateTables:
        """:meth:`aggregates` as Arrow tables, as the other engines return them."""
        return self.aggregates(inputs, first, last, step=step).to_tables()

    def close(self) -> None:
        pass
