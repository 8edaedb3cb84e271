"""Assembling metric values from the engines' Arrow tables, a whole array at a time.

What :func:`bettercare.pipeline.metrics.metric_values` does with dicts and loops (it stays,
as the plain reference the tests hold this to), done on dense arrays: each aggregate becomes
an (area, month, band, measure) array, the population an (area, mid-year, band) array; a
metric's numerators and denominators for every area and period are one matrix product of its
monthly totals with the period-by-month selection; the population estimate is chosen once per
area and financial year. The values come from the same :func:`metric_values_of` (so from
bettercare.core, rounded the same way), and the rows are sorted by area, metric and period.

The result is columnar (:class:`MetricValues`): written to CSV or Parquet without a Python
object per row, and turned into :class:`MetricValueRow` objects only when asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from bettercare.core.periods import Month
from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.pipeline.aggregates import AggregateTables
from bettercare.pipeline.definitions import (
    AGGREGATES,
    DSR_BANDS,
    DSR_WEIGHTS,
    METRICS,
    Measure,
    MetricQuery,
    Population,
)
from bettercare.pipeline.metrics import (
    DECIMALS,
    MetricValueRow,
    Years,
    check_years,
    computable,
    metric_periods,
    metric_values_of,
    population_year,
)
from bettercare.registry import MetricDefinition, load_registry

__all__ = ["MetricValues", "assemble", "rounded_array"]

Ints = np.ndarray[Any, np.dtype[np.int64]]
BANDS = len(ESP2013_AGE_BANDS)
DSR_LABELS = [ESP2013_AGE_BANDS[band] for band in DSR_BANDS]


@dataclass(frozen=True)
class MetricValues:
    """Metric values as columns, sorted by area, metric and period (one list a column).

    ``bands`` holds a standardised row's bands (as :class:`MetricValueRow` has them), else
    None; ``kind`` is ``actual`` for every row.
    """

    area_code: list[str]
    metric_code: list[str]
    period_start: list[date]
    period_end: list[date]
    numerator: list[int]
    denominator: list[int]
    value: list[float | None]
    note: list[str]
    sum_of_squares: list[int | None]
    bands: list[dict[str, Any] | None]

    def __len__(self) -> int:
        return len(self.area_code)

    def rows(self) -> list[MetricValueRow]:
        """One :class:`MetricValueRow` a value, in the same order."""
        return [
            MetricValueRow(
                area_code=area,
                metric_code=metric,
                period_start=start,
                period_end=end,
                numerator=numerator,
                denominator=denominator,
                value=value,
                note=note,
                bands=bands,
                sum_of_squares=squares,
            )
            for area, metric, start, end, numerator, denominator, value, note, squares, bands in zip(
                self.area_code,
                self.metric_code,
                self.period_start,
                self.period_end,
                self.numerator,
                self.denominator,
                self.value,
                self.note,
                self.sum_of_squares,
                self.bands,
                strict=True,
            )
        ]


def rounded_array(values: np.ndarray[Any, np.dtype[np.float64]]) -> list[float | None]:
    """:func:`bettercare.pipeline.metrics.rounded` (Python's ``round``) on a whole array.

    ``rint(x * 10**6) / 10**6`` is Python's answer whenever the product is not within its
    own rounding error of a half (then both pick the same integer, and dividing it by the
    exact power of ten is correctly rounded, as ``round`` is); those rows and very large
    values are rounded by ``round`` itself.
    """
    finite = np.isfinite(values)
    moderate = finite & (np.abs(np.where(finite, values, 0.0)) < 1e9)
    scale = 10.0**DECIMALS
    scaled = np.where(moderate, values, 0.0) * scale
    result = np.rint(scaled) / scale
    tie = np.abs(np.abs(scaled - np.trunc(scaled)) - 0.5)
    doubtful = (tie <= np.abs(scaled) * 2.0**-50 + 1e-9) | ~moderate
    for index in np.flatnonzero(doubtful & finite).tolist():
        result[index] = round(float(values[index]), DECIMALS)
    found: list[float | None] = result.tolist()
    for index in np.flatnonzero(~finite).tolist():
        found[index] = None
    return found


# -- dense arrays ----------------------------------------------------------------------------


def _indexes(column: pa.ChunkedArray[Any], values: Sequence[str]) -> Ints:
    """Each text's position in ``values``, -1 where it is not one of them."""
    found: Any = pc.index_in(column.cast(pa.string()), value_set=pa.array(values, pa.string()))
    return _integers(found, -1)


def _integers(column: pa.ChunkedArray[Any], missing: int = 0) -> Ints:
    """A column of whole numbers as an array, ``missing`` where it is null."""
    filled: Any = pc.fill_null(column, pa.scalar(missing, column.type))
    return np.asarray(filled.to_numpy(), dtype=np.int64)


def _dense(table: pa.Table, name: str, areas: Sequence[str], first: Month, months: int) -> Ints:
    """An aggregate as an (area, month, band, measure) array of its sums (band 0: unbanded)."""
    aggregate = AGGREGATES[name]
    bands = BANDS if aggregate.banded else 1
    dense = np.zeros((len(areas), months, bands, len(aggregate.measures)), dtype=np.int64)
    if not table.num_rows:
        return dense
    area = _indexes(table.column("area_code"), areas)
    key = _integers(table.column("month"))
    month = (key // 100) * 12 + key % 100 - 1 - (first.year * 12 + first.month - 1)
    band = _integers(table.column("band")) if aggregate.banded else np.zeros_like(month)
    keep = (area >= 0) & (month >= 0) & (month < months) & (band >= 0) & (band < bands)
    cell = (area[keep] * months + month[keep]) * bands + band[keep]
    for position, measure in enumerate(aggregate.measures):
        dense[..., position] = _summed(cell, _integers(table.column(measure))[keep], dense[..., 0])
    return dense


def _summed(cell: Ints, values: Ints, like: Ints) -> Ints:
    """``values`` summed into the cells of an array shaped ``like`` (flat index ``cell``)."""
    found = np.zeros(like.size, dtype=np.int64)
    np.add.at(found, cell, values)
    return found.reshape(like.shape)


@dataclass(frozen=True)
class _Populations:
    """Populations as an (area, mid-year, band) array from ``first_year``, and which
    (area, mid-year) have an estimate at all."""

    counts: Ints
    present: np.ndarray[Any, np.dtype[np.bool_]]
    first_year: int

    @classmethod
    def of(cls, table: pa.Table, areas: Sequence[str]) -> _Populations:
        area = _indexes(table.column("area_code"), areas)
        year = _integers(table.column("year"))
        band = _indexes(table.column("age_band"), ESP2013_AGE_BANDS)
        keep = (area >= 0) & (band >= 0)
        area, year, band = area[keep], year[keep], band[keep]
        first_year = int(year.min()) if len(year) else 0
        years = int(year.max()) - first_year + 1 if len(year) else 0
        counts = np.zeros((len(areas), years, BANDS), dtype=np.int64)
        np.add.at(
            counts, (area, year - first_year, band), _integers(table.column("population"))[keep]
        )
        present = np.zeros((len(areas), years), dtype=np.bool_)
        present[area, year - first_year] = True
        return cls(counts, present, first_year)

    def chosen(self, wanted: int) -> Ints:
        """Each area's latest estimate year up to ``wanted`` (as an offset), -1 for none."""
        upto = min(wanted - self.first_year, self.present.shape[1] - 1)
        if upto < 0:
            return np.full(self.present.shape[0], -1, dtype=np.int64)
        offsets = np.arange(upto + 1, dtype=np.int64)
        found: Ints = np.where(self.present[:, : upto + 1], offsets, -1).max(axis=1)
        return found


def _monthly(dense: dict[str, Ints], measure: Measure, band: int | None = None) -> Ints:
    """A measure's (area, month) totals over its bands from ``first_band`` (or one band)."""
    position = AGGREGATES[measure.aggregate].measures.index(measure.column)
    values = dense[measure.aggregate][:, :, :, position]
    if band is not None:
        return np.ascontiguousarray(values[:, :, band])
    summed: Ints = values[:, :, measure.first_band :].sum(axis=2)
    return summed


# -- assembling ------------------------------------------------------------------------------


@dataclass
class _Chunk:
    """One metric's rows, unsorted."""

    area: Ints
    start: Ints
    end: Ints
    numerator: Ints
    denominator: Ints
    squares: Ints | None
    note_year: Ints  # the estimate used where it is not the one wanted, else 0
    wanted: Ints
    value: np.ndarray[Any, np.dtype[np.float64]]
    counts: Ints | None = None
    populations: Ints | None = None


def _note(year: int, wanted: int) -> str:
    return f"population: mid-{year} estimate, the latest available (no mid-{wanted})"


def _metric(
    query: MetricQuery,
    definition: MetricDefinition,
    dense: dict[str, Ints],
    population: _Populations,
    first: Month,
    last: Month,
    years: Years,
    areas: int,
) -> _Chunk | None:
    spans = metric_periods(definition, first, last, years)
    if not spans:
        return None
    months = first.months_until(last) + 1
    selection = np.zeros((len(spans), months), dtype=np.int64)
    for row, period in enumerate(spans):
        for month in period.months:
            if not query.months or month.month in query.months:
                selection[row, first.months_until(month)] = 1
    wanted = [population_year(period.months[0]) for period in spans]
    keep = np.ones((areas, len(spans)), dtype=np.bool_)
    note = np.zeros((areas, len(spans)), dtype=np.int64)  # the chosen year where it differs
    counts = bands = None
    if isinstance(query.denominator, Population):
        chosen = np.full((areas, len(spans)), -1, dtype=np.int64)
        for year in set(wanted):
            columns = [index for index, found in enumerate(wanted) if found == year]
            chosen[:, columns] = population.chosen(year)[:, None]
        keep &= chosen >= 0
        offsets = np.where(keep, chosen, 0)
        chosen_year = offsets + population.first_year
        note = np.where(keep & (chosen_year != np.array(wanted)[None, :]), chosen_year, 0)
        area_of = np.arange(areas)[:, None]
        if population.counts.shape[1]:
            by_band = population.counts[area_of, offsets]  # (area, period, band)
        else:
            by_band = np.zeros((areas, len(spans), BANDS), dtype=np.int64)
        denominator: Ints = by_band[:, :, query.denominator.first_band :].sum(axis=2)
        if query.standardised:
            counts = np.stack(
                [_monthly(dense, query.numerator, band) @ selection.T for band in DSR_BANDS],
                axis=2,
            )
            bands = by_band[:, :, list(DSR_BANDS)]
            keep &= bands.min(axis=2) > 0
            numerator: Ints = counts.sum(axis=2)
        else:
            numerator = _monthly(dense, query.numerator) @ selection.T
    else:
        numerator = _monthly(dense, query.numerator) @ selection.T
        denominator = _monthly(dense, query.denominator) @ selection.T
    keep &= denominator > 0
    squares = (
        None
        if query.sum_of_squares is None
        else (_monthly(dense, query.sum_of_squares) @ selection.T)[keep]
    )
    area, chosen_period = np.nonzero(keep)
    starts = np.array([span.start.toordinal() for span in spans], dtype=np.int64)
    ends = np.array([span.end.toordinal() for span in spans], dtype=np.int64)
    if counts is not None and bands is not None:
        counts, bands = counts[keep], bands[keep]
        value = metric_values_of(definition, query, counts.astype(float), bands.astype(float))
    else:
        value = metric_values_of(
            definition,
            query,
            numerator[keep].astype(float),
            denominator[keep].astype(float),
            None if squares is None else squares.astype(float),
        )
    return _Chunk(
        area,
        starts[chosen_period],
        ends[chosen_period],
        numerator[keep],
        denominator[keep],
        squares,
        note[keep],
        np.array(wanted, dtype=np.int64)[chosen_period],
        value,
        counts,
        bands,
    )


def assemble(
    tables: AggregateTables,
    *,
    first: Month,
    last: Month,
    areas: Sequence[str],
    metrics: Sequence[MetricQuery] = METRICS,
    registry: dict[str, MetricDefinition] | None = None,
    years: Years = "all",
) -> MetricValues:
    """Every metric's values for every area and period: what
    :func:`~bettercare.pipeline.metrics.metric_values` gives, as columns."""
    check_years(years)
    registry = registry if registry is not None else load_registry()
    names = sorted(set(areas))
    months = first.months_until(last) + 1
    dense = {
        name: _dense(table, name, names, first, months) for name, table in tables.tables.items()
    }
    population = _Populations.of(tables.population, names)
    chunks: list[tuple[str, _Chunk]] = []
    for query in metrics:
        if not computable(query, dense):
            continue
        chunk = _metric(
            query, registry[query.code], dense, population, first, last, years, len(names)
        )
        if chunk is not None and len(chunk.area):
            chunks.append((query.code, chunk))
    return _sorted(chunks, names)


def _sorted(chunks: list[tuple[str, _Chunk]], areas: list[str]) -> MetricValues:
    """The chunks' rows as one set of columns sorted by area, metric and period."""
    if not chunks:
        return MetricValues([], [], [], [], [], [], [], [], [], [])
    codes = sorted({code for code, _ in chunks})

    def joined(column: str) -> Any:
        return np.concatenate([getattr(chunk, column) for _, chunk in chunks])

    rank = np.concatenate(
        [np.full(len(chunk.area), codes.index(code), dtype=np.int64) for code, chunk in chunks]
    )
    area, start, end = joined("area"), joined("start"), joined("end")
    order = np.lexsort((end, start, rank, area))

    def distinct(values: Ints, text: Any) -> list[Any]:
        """``text`` of each value, computed once a distinct value."""
        found, inverse = np.unique(values[order], return_inverse=True)
        texts = [text(value) for value in found.tolist()]
        return [texts[index] for index in inverse.tolist()]

    note_year, wanted = joined("note_year"), joined("wanted")
    notes = distinct(
        note_year * 10_000 + wanted,
        lambda key: _note(key // 10_000, key % 10_000) if key // 10_000 else "",
    )
    squares: list[int | None] = [None] * len(order)
    bands: list[dict[str, Any] | None] = [None] * len(order)
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))  # where each unsorted row goes
    offset = 0
    for _, chunk in chunks:
        rows = position[offset : offset + len(chunk.area)].tolist()
        offset += len(chunk.area)
        if chunk.squares is not None:
            for row, value in zip(rows, chunk.squares.tolist(), strict=True):
                squares[row] = value
        if chunk.counts is not None and chunk.populations is not None:
            for row, counts, populations in zip(
                rows, chunk.counts.tolist(), chunk.populations.tolist(), strict=True
            ):
                bands[row] = {
                    "labels": list(DSR_LABELS),
                    "counts": counts,
                    "populations": populations,
                    "standard_population": list(DSR_WEIGHTS),
                }
    return MetricValues(
        area_code=distinct(area, areas.__getitem__),
        metric_code=distinct(rank, codes.__getitem__),
        period_start=distinct(start, date.fromordinal),
        period_end=distinct(end, date.fromordinal),
        numerator=joined("numerator")[order].tolist(),
        denominator=joined("denominator")[order].tolist(),
        value=rounded_array(joined("value")[order]),
        note=notes,
        sum_of_squares=squares,
        bands=bands,
    )
