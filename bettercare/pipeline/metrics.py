"""Assembling metric values from the monthly aggregates: periods, populations, values.

The plain reference: dicts and loops, what the reference engine's runs use and what the
tests hold :mod:`bettercare.pipeline.assembly` (the same rules on whole arrays, which the
DuckDB and Spark runs use) to, row for row.

- **Periods.** Monthly metrics get a row per month from ``--from`` to ``--to``; quarterly and
  yearly ones a row per financial quarter (April-June, ...) or financial year (April-March)
  that lies wholly within that range.
- **Populations.** A month uses the mid-year estimate of the calendar year in which its
  financial year starts (mid-2023, 30 June 2023, for April 2023 to March 2024): the estimate
  nearest the middle of the period's financial year that is published first. When an area has
  no estimate for that year, its latest earlier estimate is used and the row's note says so.
- **Values.** Computed by :mod:`bettercare.core` from the numerator and denominator (``rate``,
  ``proportion``, ``dsr``; a mean is their quotient), rounded to 6 decimal places. A row whose
  denominator is 0 (no discharges, no reablement episodes, a DSR band without population) has
  no value to compute and is left out. A mean also carries the sum of squares of its record
  values (``sum_of_squares``), from which :func:`bettercare.core.means.mean` gives its interval.
- **Years in force.** With ``years="in_force"`` a metric has rows only for the periods of the
  financial years its registry definition applies in (``applies_from``..``applies_to``); with
  ``years="all"`` (the default of the functions, for history) for every period in the range.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeAlias

import numpy as np

from bettercare.core.means import mean
from bettercare.core.periods import Month
from bettercare.core.stats import ESP2013_AGE_BANDS, dsr, proportion, rate
from bettercare.pipeline.aggregates import Aggregates
from bettercare.pipeline.definitions import (
    AGGREGATES,
    DSR_BANDS,
    DSR_WEIGHTS,
    METRICS,
    Measure,
    MetricQuery,
    Population,
)
from bettercare.registry import MetricDefinition, load_registry

__all__ = [
    "DECIMALS",
    "YEARS",
    "MetricValueRow",
    "Period",
    "Years",
    "check_years",
    "computable",
    "metric_periods",
    "metric_values",
    "metric_values_of",
    "periods",
    "population_year",
    "rounded",
]

DECIMALS = 6
Years: TypeAlias = Literal["all", "in_force"]
YEARS: tuple[Years, ...] = ("all", "in_force")


@dataclass(frozen=True, slots=True)
class Period:
    """A reporting period: its first and last day and the months it covers."""

    start: date
    end: date
    months: tuple[Month, ...]


@dataclass(frozen=True, slots=True)
class MetricValueRow:
    """One computed value, as the ``metric_values`` sheet holds it, plus its DSR bands.

    ``sum_of_squares`` is set for a mean (the sum of the squared record values whose sum is
    the numerator), else None.
    """

    area_code: str
    metric_code: str
    period_start: date
    period_end: date
    numerator: int
    denominator: int
    value: float | None
    note: str = ""
    bands: dict[str, Any] | None = None
    kind: str = "actual"
    sum_of_squares: int | None = None

    @property
    def sort_key(self) -> tuple[str, str, date, date]:
        return (self.area_code, self.metric_code, self.period_start, self.period_end)


def periods(frequency: str, first: Month, last: Month) -> list[Period]:
    """The periods of a frequency from ``first`` to ``last`` (whole quarters and years only)."""
    months = [first + offset for offset in range(first.months_until(last) + 1)]
    if frequency == "month":
        return [Period(m.first_day, m.last_day, (m,)) for m in months]
    size = 3 if frequency == "quarter" else 12
    found = []
    for month in months:
        offset = month.financial_year.month_number(month) - 1
        if offset % size == 0 and month + (size - 1) <= last:
            covered = tuple(month + k for k in range(size))
            found.append(Period(month.first_day, covered[-1].last_day, covered))
    return found


def population_year(month: Month) -> int:
    """The mid-year estimate a month uses: that of the year its financial year starts in."""
    return month.financial_year.start_year


def _estimate_year(years: Sequence[int], wanted: int) -> int | None:
    earlier = [year for year in years if year <= wanted]
    return max(earlier) if earlier else None


class _Sums:
    """Sums of the aggregates over months (and bands), cached per area and month."""

    def __init__(self, aggregates: Aggregates) -> None:
        self.aggregates = aggregates
        self.populations: dict[tuple[str, int, int], int] = {}
        self.totals: dict[tuple[str, str, int], dict[tuple[str, int], int]] = {}
        self.index: dict[str, dict[tuple[str, int], dict[int, tuple[int, ...]]]] = {}
        for name, table in aggregates.tables.items():
            banded = AGGREGATES[name].banded
            by_month: dict[tuple[str, int], dict[int, tuple[int, ...]]] = {}
            for key, values in table.items():
                band = key[2] if banded else 0
                by_month.setdefault((key[0], key[1]), {})[band] = values
            self.index[name] = by_month

    def population(self, area: str, year: int, first_band: int) -> int:
        """The population of an area and mid-year from a band upwards (cached)."""
        key = (area, year, first_band)
        if key not in self.populations:
            self.populations[key] = sum(
                self.aggregates.population.get((area, year, band), 0)
                for band in range(first_band, len(ESP2013_AGE_BANDS))
            )
        return self.populations[key]

    def monthly(self, measure: Measure) -> dict[tuple[str, int], int]:
        """The measure's total per (area, YYYYMM) over its bands (computed once a measure)."""
        key = (measure.aggregate, measure.column, measure.first_band)
        found = self.totals.get(key)
        if found is None:
            position = AGGREGATES[measure.aggregate].measures.index(measure.column)
            first_band = measure.first_band
            found = {}
            for cell, cells in self.index.get(measure.aggregate, {}).items():
                total = 0
                for band, values in cells.items():
                    if band >= first_band:
                        total += values[position]
                found[cell] = total
            self.totals[key] = found
        return found

    def total(self, measure: Measure, area: str, months: Sequence[int]) -> int:
        """The measure summed over ``months`` (as YYYYMM) - :meth:`measure` without bands."""
        monthly = self.monthly(measure)
        return sum([monthly.get((area, month), 0) for month in months])

    def measure(
        self,
        measure: Measure,
        area: str,
        months: Sequence[Month],
        bands: Sequence[int] | None = None,
    ) -> list[int]:
        """The measure summed over ``months``, per band of ``bands`` (or in total)."""
        aggregate = AGGREGATES[measure.aggregate]
        position = aggregate.measures.index(measure.column)
        table = self.index.get(measure.aggregate, {})
        wanted = list(bands) if bands is not None else None
        totals = [0] * (len(wanted) if wanted is not None else 1)
        for month in months:
            cells = table.get((area, month.year * 100 + month.month))
            if not cells:
                continue
            for band, values in cells.items():
                if wanted is not None:
                    if band in wanted:
                        totals[wanted.index(band)] += values[position]
                elif band >= measure.first_band:
                    totals[0] += values[position]
        return totals


def _available_years(aggregates: Aggregates) -> dict[str, list[int]]:
    years: dict[str, set[int]] = {}
    for area, year, _band in aggregates.population:
        years.setdefault(area, set()).add(year)
    return {area: sorted(found) for area, found in years.items()}


def _values(
    definition: MetricDefinition, query: MetricQuery, rows: list[dict[str, Any]]
) -> list[float | None]:
    """Each row's value, computed by bettercare.core in one call per metric."""
    if not rows:
        return []
    if query.standardised:
        return rounded(
            metric_values_of(
                definition,
                query,
                np.array([row["bands"]["counts"] for row in rows], dtype=float),
                np.array([row["bands"]["populations"] for row in rows], dtype=float),
            )
        )
    return rounded(
        metric_values_of(
            definition,
            query,
            np.array([row["numerator"] for row in rows], dtype=float),
            np.array([row["denominator"] for row in rows], dtype=float),
            None
            if query.sum_of_squares is None
            else np.array([row["sum_of_squares"] for row in rows], dtype=float),
        )
    )


def metric_values_of(
    definition: MetricDefinition,
    query: MetricQuery,
    numerators: np.ndarray[Any, np.dtype[np.float64]],
    denominators: np.ndarray[Any, np.dtype[np.float64]],
    squares: np.ndarray[Any, np.dtype[np.float64]] | None = None,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The values of a metric's rows, computed by bettercare.core in one call (NaN: none).

    For a standardised metric ``numerators`` and ``denominators`` are the rows' band counts
    and band populations (one row of :data:`DSR_BANDS` each); otherwise one number a row.
    """
    if not len(numerators):
        return np.zeros(0)
    multiplier = float(definition.multiplier)
    if query.standardised:
        values = np.atleast_1d(
            np.asarray(dsr(numerators, denominators, DSR_WEIGHTS, multiplier=multiplier).value)
        )
    else:
        x, n = numerators, denominators
        if definition.unit == "rate":
            values = np.asarray(rate(x, n, multiplier=multiplier).value)
        elif definition.unit == "proportion":
            values = np.asarray(proportion(x, n, multiplier=multiplier).value)
        elif squares is not None:  # a mean of record values, by core.means
            values = np.asarray(mean(x, n, squares, multiplier=multiplier).value)
        else:  # a mean, as bettercare.core.indicators computes it
            values = x / n * multiplier
    found: np.ndarray[Any, np.dtype[np.float64]] = np.asarray(values, dtype=np.float64)
    return found


def rounded(values: np.ndarray[Any, np.dtype[np.float64]]) -> list[float | None]:
    """Each value rounded to :data:`DECIMALS` places by Python's ``round``; None where not
    finite (no value to give)."""
    finite = np.isfinite(values).tolist()
    return [
        round(value, DECIMALS) if ok else None
        for value, ok in zip(values.tolist(), finite, strict=True)
    ]


def check_years(years: str) -> None:
    """Raise ValueError unless ``years`` is one of :data:`YEARS`."""
    if years not in YEARS:
        raise ValueError(f"years must be one of {', '.join(YEARS)}; got {years!r}")


def computable(query: MetricQuery, aggregates: Iterable[str]) -> bool:
    """Whether the aggregates a metric needs were computed (its inputs were given)."""
    needed = {query.numerator.aggregate}
    if isinstance(query.denominator, Measure):
        needed.add(query.denominator.aggregate)
    return needed <= set(aggregates)


def metric_periods(
    definition: MetricDefinition, first: Month, last: Month, years: Years
) -> list[Period]:
    """A metric's periods from ``first`` to ``last``: all, or those of its years in force."""
    return [
        period
        for period in periods(definition.frequency, first, last)
        if years == "all" or definition.applies_in(period.months[0].financial_year)
    ]


def metric_values(
    aggregates: Aggregates,
    *,
    first: Month,
    last: Month,
    areas: Sequence[str],
    metrics: Sequence[MetricQuery] = METRICS,
    registry: dict[str, MetricDefinition] | None = None,
    years: Years = "all",
) -> list[MetricValueRow]:
    """Every metric's values for every area and period, sorted by area, metric and period.

    Metrics whose inputs were not given (no aggregate) are left out. With
    ``years="in_force"`` only the periods of the financial years in which the metric's
    registry definition applies are computed; with ``"all"`` every period in the range.
    """
    check_years(years)
    registry = registry if registry is not None else load_registry()
    sums = _Sums(aggregates)
    estimates = _available_years(aggregates)
    found: list[MetricValueRow] = []
    for query in metrics:
        definition = registry[query.code]
        if not computable(query, aggregates.tables):
            continue
        rows: list[dict[str, Any]] = []
        spans = [
            (period, [m for m in period.months if not query.months or m.month in query.months])
            for period in metric_periods(definition, first, last, years)
        ]
        # Per period, once: its months as YYYYMM keys and the population estimate it wants.
        keyed = [
            (
                period,
                months,
                [m.year * 100 + m.month for m in months],
                population_year(period.months[0]),
            )
            for period, months in spans
        ]
        # The month totals of a crude metric's measures, looked up once for all its rows.
        sources = (
            None
            if query.standardised
            else _Sources(
                sums.monthly(query.numerator),
                sums.monthly(query.denominator) if isinstance(query.denominator, Measure) else None,
                None if query.sum_of_squares is None else sums.monthly(query.sum_of_squares),
            )
        )
        for area in areas:
            available = estimates.get(area, [])
            chosen: dict[int, int | None] = {}
            for period, months, keys, wanted in keyed:
                if wanted not in chosen:
                    chosen[wanted] = _estimate_year(available, wanted)
                if query.standardised:
                    row = _row(
                        query, sums, aggregates, area, period, months, keys, wanted, chosen[wanted]
                    )
                else:
                    row = _crude_row(
                        query, sources, sums, area, period, keys, wanted, chosen[wanted]
                    )
                if row is not None:
                    rows.append(row)
        for row, value in zip(rows, _values(definition, query, rows), strict=True):
            found.append(MetricValueRow(metric_code=query.code, value=value, **row))
    found.sort(key=lambda row: row.sort_key)
    return found


@dataclass(frozen=True, slots=True)
class _Sources:
    """A crude metric's month totals: numerator, denominator (None: a population), squares."""

    numerator: dict[tuple[str, int], int]
    denominator: dict[tuple[str, int], int] | None
    squares: dict[tuple[str, int], int] | None


def _crude_row(
    query: MetricQuery,
    sources: _Sources | None,
    sums: _Sums,
    area: str,
    period: Period,
    keys: Sequence[int],
    wanted: int,
    year: int | None,
) -> dict[str, Any] | None:
    """:func:`_row` for a metric that is not standardised (no bands): month totals looked up."""
    assert sources is not None
    note = ""
    numerators = sources.numerator
    numerator = sum([numerators.get((area, key), 0) for key in keys])
    denominators = sources.denominator
    if denominators is None:
        assert isinstance(query.denominator, Population)
        if year is None:
            return None
        if year != wanted:
            note = f"population: mid-{year} estimate, the latest available (no mid-{wanted})"
        denominator = sums.population(area, year, query.denominator.first_band)
    else:
        denominator = sum([denominators.get((area, key), 0) for key in keys])
    if denominator <= 0:
        return None
    squares = None
    if sources.squares is not None:
        squares = sum([sources.squares.get((area, key), 0) for key in keys])
    return {
        "area_code": area,
        "period_start": period.start,
        "period_end": period.end,
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
        "bands": None,
        "sum_of_squares": squares,
    }


def _row(
    query: MetricQuery,
    sums: _Sums,
    aggregates: Aggregates,
    area: str,
    period: Period,
    months: Sequence[Month],
    keys: Sequence[int],
    wanted: int,
    year: int | None,
) -> dict[str, Any] | None:
    """One row's figures: ``keys`` are ``months`` as YYYYMM; ``wanted`` is the population
    estimate the period wants and ``year`` the one available (None: none)."""
    note = ""
    bands = None
    if isinstance(query.denominator, Population):
        if year is None:
            return None
        if year != wanted:
            note = f"population: mid-{year} estimate, the latest available (no mid-{wanted})"
        denominator = sums.population(area, year, query.denominator.first_band)
        if query.standardised:
            counts = sums.measure(query.numerator, area, months, DSR_BANDS)
            populations = [aggregates.population.get((area, year, b), 0) for b in DSR_BANDS]
            if min(populations) <= 0:
                return None
            bands = {
                "labels": [ESP2013_AGE_BANDS[b] for b in DSR_BANDS],
                "counts": counts,
                "populations": populations,
                "standard_population": list(DSR_WEIGHTS),
            }
            numerator = sum(counts)
        else:
            numerator = sums.total(query.numerator, area, keys)
    else:
        numerator = sums.total(query.numerator, area, keys)
        denominator = sums.total(query.denominator, area, keys)
    if denominator <= 0:
        return None
    squares = None
    if query.sum_of_squares is not None:
        squares = sums.total(query.sum_of_squares, area, keys)
    return {
        "area_code": area,
        "period_start": period.start,
        "period_end": period.end,
        "numerator": numerator,
        "denominator": denominator,
        "note": note,
        "bands": bands,
        "sum_of_squares": squares,
    }
