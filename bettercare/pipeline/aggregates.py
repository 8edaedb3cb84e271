"""What every engine returns: the monthly aggregates and the populations, as plain dicts.

Two engines agree when their :class:`Aggregates` are equal; everything after that (summing to
quarters and years, dividing, standardising, formatting) is the same Python for every engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.pipeline.definitions import AGGREGATES

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = ["BAND_INDEX", "AggregateTables", "Aggregates", "Key"]

#: (area, YYYYMM) or, for admissions, (area, YYYYMM, band index).
Key = tuple[Any, ...]
BAND_INDEX: dict[str, int] = {label: index for index, label in enumerate(ESP2013_AGE_BANDS)}


@dataclass(frozen=True)
class Aggregates:
    """Monthly aggregates by name (key -> measures, zero rows left out) and populations.

    ``population`` maps (area, mid-year, band index) to the population of both sexes.
    """

    tables: dict[str, dict[Key, tuple[int, ...]]] = field(default_factory=dict)
    population: dict[tuple[str, int, int], int] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls,
        tables: Mapping[str, Iterable[Mapping[str, Any]]],
        population: Iterable[Mapping[str, Any]],
    ) -> Aggregates:
        """Build from rows as dicts (e.g. ``pyarrow.Table.to_pylist()``)."""
        built: dict[str, dict[Key, tuple[int, ...]]] = {}
        for name, rows in tables.items():
            aggregate = AGGREGATES[name]
            keys = ("area_code", "month", "band") if aggregate.banded else ("area_code", "month")
            table: dict[Key, tuple[int, ...]] = {}
            for row in rows:
                measures = tuple(int(row[measure]) for measure in aggregate.measures)
                if any(measures):
                    table[tuple(int(row[k]) if k != "area_code" else row[k] for k in keys)] = (
                        measures
                    )
            built[name] = table
        populations: dict[tuple[str, int, int], int] = {}
        for row in population:
            key = (row["area_code"], int(row["year"]), BAND_INDEX[row["age_band"]])
            populations[key] = populations.get(key, 0) + int(row["population"])
        return cls(built, populations)

    @classmethod
    def from_arrow(cls, tables: Mapping[str, pa.Table], population: pa.Table) -> Aggregates:
        """Build from Arrow tables, a column at a time: the same dicts as :meth:`from_rows`
        without a Python dict per row."""
        built: dict[str, dict[Key, tuple[int, ...]]] = {}
        for name, rows in tables.items():
            aggregate = AGGREGATES[name]
            keys: list[list[Any]] = [_column(rows, "area_code")]
            for column in ("month", "band") if aggregate.banded else ("month",):
                keys.append([int(value) for value in _column(rows, column)])
            measures = [
                [int(value) for value in _column(rows, measure)] for measure in aggregate.measures
            ]
            built[name] = {
                key: values
                for key, values in zip(
                    zip(*keys, strict=True), zip(*measures, strict=True), strict=True
                )
                if any(values)
            }
        populations: dict[tuple[str, int, int], int] = {}
        bands = [BAND_INDEX[band] for band in _column(population, "age_band")]
        for area, year, band, count in zip(
            _column(population, "area_code"),
            _column(population, "year"),
            bands,
            _column(population, "population"),
            strict=True,
        ):
            key = (area, int(year), band)
            populations[key] = populations.get(key, 0) + int(count)
        return cls(built, populations)

    def to_tables(self) -> AggregateTables:
        """The same aggregates as Arrow tables, the shape the engines return."""
        import pyarrow as pa

        built = {}
        for name, table in self.tables.items():
            aggregate = AGGREGATES[name]
            keys = list(table)
            columns: dict[str, list[Any]] = {
                "area_code": [key[0] for key in keys],
                "month": [key[1] for key in keys],
            }
            if aggregate.banded:
                columns["band"] = [key[2] for key in keys]
            for position, measure in enumerate(aggregate.measures):
                columns[measure] = [table[key][position] for key in keys]
            built[name] = pa.table(
                {
                    column: pa.array(values, pa.string() if column == "area_code" else pa.int64())
                    for column, values in columns.items()
                }
            )
        population = pa.table(
            {
                "area_code": pa.array([key[0] for key in self.population], pa.string()),
                "year": pa.array([key[1] for key in self.population], pa.int64()),
                "age_band": pa.array(
                    [ESP2013_AGE_BANDS[key[2]] for key in self.population], pa.string()
                ),
                "population": pa.array(list(self.population.values()), pa.int64()),
            }
        )
        return AggregateTables(built, population)


@dataclass(frozen=True)
class AggregateTables:
    """The monthly aggregates and populations as the engines return them: Arrow tables.

    ``tables`` maps an aggregate's name to its table (``area_code``, ``month``, ``band`` for
    admissions, then its measures); ``population`` has ``area_code``, ``year``, ``age_band``
    and ``population`` (both sexes). :meth:`aggregates` gives the same as plain dicts.
    """

    tables: dict[str, pa.Table]
    population: pa.Table

    def aggregates(self) -> Aggregates:
        return Aggregates.from_arrow(self.tables, self.population)


def _column(table: pa.Table, name: str) -> list[Any]:
    """One column of an Arrow table as Python values."""
    values: list[Any] = table.column(name).to_pylist()
    return values
