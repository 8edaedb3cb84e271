"""Synthetic record-level data of national shape, for trying and benchmarking the pipeline.

About 150 Health and Wellbeing Board areas (codes ``E99000001`` upwards, under the region
``E12999999``: codes ONS does not use, and every name says "synthetic") with populations of
realistic size and age structure; at ``scale=1`` about six million emergency and three and a
half million elective admissions a year, with winter peaks, a slow upward trend and lasting
differences between areas (admission rates, falls, discharge delays, reablement outcomes).

Deterministic: each area, dataset and year draws from its own ``numpy.random.default_rng``
seeded with ``(seed, area, dataset, year)``, so the same seed gives byte-identical files
whatever else changes. Memory is bounded: records are made one area-year at a time and
written as Parquet (or CSV) row groups of about a million rows.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.pipeline.definitions import ACSC_PREFIXES, FALLS_PREFIXES

__all__ = ["DEFAULT_FIRST_YEAR", "DEFAULT_SEED", "REGION", "SynthArea", "generate", "synth_areas"]

DEFAULT_SEED = 20261123
DEFAULT_FIRST_YEAR = FinancialYear(2021)
REGION = ("E12999999", "Synthetic England (synthetic data)")
SyntheticFormat = Literal["parquet", "csv"]
Progress = Callable[[str, int], None]
BANDS = len(ESP2013_AGE_BANDS)
ROW_GROUP = 1_000_000

#: England's population by five-year band (per cent, rounded, ONS mid-2021).
AGE_STRUCTURE = np.array(
    [5.4, 6.0, 6.0, 5.6, 6.0, 6.6, 6.9, 6.6, 6.3, 6.3, 6.9, 6.7, 5.8, 5.0, 5.0, 3.7, 2.5, 1.5, 0.8]
)
FEMALE_SHARE = np.array([*[0.49] * 13, 0.52, 0.53, 0.55, 0.57, 0.63, 0.70])
#: Emergency admissions per person per year, by band; electives are a share of these.
EMERGENCY_RATE = np.array(
    [
        *(0.14, 0.04, 0.04, 0.06, 0.07, 0.07, 0.07, 0.07, 0.07, 0.08, 0.09, 0.10, 0.12),
        *(0.15, 0.19, 0.26, 0.35, 0.47, 0.60),  # the 65+ bands
    ]
)
ELECTIVE_SHARE = np.array([0.25] * 4 + [0.6] * 15)
#: Month factors, January to December: winter pressure for emergencies, holidays for electives.
EMERGENCY_SEASON = np.array(
    [1.10, 1.02, 1.02, 0.97, 0.98, 0.96, 0.99, 0.95, 0.96, 1.00, 1.02, 1.08]
)
ELECTIVE_SEASON = np.array([1.00, 1.02, 1.05, 0.95, 1.00, 1.02, 1.00, 0.90, 1.00, 1.05, 1.05, 0.85])
#: Share of emergency admissions that are falls, by band (rising steeply with age).
FALLS_SHARE = np.array([0.02] * 13 + [0.06, 0.08, 0.11, 0.14, 0.17, 0.20])
ACSC_SHARE = np.array([0.06] * 9 + [0.10] * 4 + [0.14] * 6)
OTHER_EMERGENCY = ("R07.4", "N39.0", "J18.9", "K35.8", "R10.4", "A09", "L03.1", "S72.0", "R55")
ELECTIVE_CODES = ("H25.9", "M17.1", "K80.2", "C50.9", "Z51.1", "K40.9", "N40", "M16.1", "I83.9")
DATASET_IDS = {"admissions": 1, "care_home_admissions": 2, "reablement": 3}


@dataclass(frozen=True, slots=True)
class SynthArea:
    """A synthetic HWB area: its code, name, base population and lasting peculiarities."""

    index: int
    code: str
    name: str
    population: int
    structure: tuple[float, ...]
    admission_factor: float
    falls_factor: float
    delay_factor: float
    care_home_factor: float
    reablement_success: float


def synth_areas(
    count: int = 150, *, seed: int = DEFAULT_SEED, scale: float = 1.0
) -> list[SynthArea]:
    """``count`` synthetic areas with realistic, varied populations (times ``scale``)."""
    rng = np.random.default_rng([seed, 0])
    sizes = np.clip(rng.lognormal(np.log(330_000), 0.55, count), 38_000, 1_600_000)
    older = rng.normal(0.0, 0.25, count)
    areas = []
    for index in range(count):
        weights = AGE_STRUCTURE.copy()
        weights[13:] *= np.exp(older[index])
        weights[4:8] *= np.exp(-older[index] / 2)
        weights /= weights.sum()
        areas.append(
            SynthArea(
                index=index,
                code=f"E99{index + 1:06d}",
                name=f"Synthetic area {index + 1:03d} (synthetic data)",
                population=max(1, round(float(sizes[index]) * scale)),
                structure=tuple(float(w) for w in weights),
                admission_factor=float(rng.lognormal(0, 0.15)),
                falls_factor=float(rng.lognormal(0, 0.2)),
                delay_factor=float(rng.lognormal(0, 0.35)),
                care_home_factor=float(rng.lognormal(0, 0.25)),
                reablement_success=float(np.clip(rng.normal(0.82, 0.05), 0.6, 0.95)),
            )
        )
    return areas


def band_populations(area: SynthArea, year: int, first_year: int) -> np.ndarray:
    """Population by band for a mid-year: growing 0.6% a year, the 65+ bands 2% a year."""
    growth = np.full(BANDS, 1.006)
    growth[13:] = 1.02
    people = area.population * np.array(area.structure) * growth ** (year - first_year)
    return cast(np.ndarray, np.rint(people)).astype(np.int64)  # numpy types ufuncs as Any


def _rng(seed: int, area: SynthArea, dataset: str, year: int) -> np.random.Generator:
    return np.random.default_rng([seed, area.index + 1, DATASET_IDS[dataset], year])


def _person_ids(rng: np.random.Generator, area: SynthArea, count: int) -> pa.Array[Any]:
    """Pseudonymised ids: people of the area drawn with replacement, mixed by splitmix64."""
    people = rng.integers(0, max(area.population, 1), count, dtype=np.uint64)
    x = (np.uint64(area.index + 1) << np.uint64(40)) + people
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    x = x ^ (x >> np.uint64(31))
    return pa.array(x, type=pa.uint64()).cast(pa.string())


def _months(year: FinancialYear, last: Month | None = None) -> list[tuple[int, int]]:
    return [(m.year, m.month) for m in year.months() if last is None or m <= last]


def _dates(rng: np.random.Generator, year: int, month: int, count: int) -> np.ndarray:
    days = calendar.monthrange(year, month)[1]
    first = np.datetime64(date(year, month, 1), "D")
    return first + rng.integers(0, days, count).astype("timedelta64[D]")


def _ages(rng: np.random.Generator, bands: np.ndarray) -> np.ndarray:
    ages = bands * 5 + rng.integers(0, 5, bands.size)
    oldest = bands == BANDS - 1
    ages[oldest] = 90 + np.minimum(rng.geometric(0.25, int(oldest.sum())) - 1, 15)
    return ages.astype(np.int16)


def _choose(rng: np.random.Generator, codes: tuple[str, ...], count: int) -> np.ndarray:
    return np.array(codes, dtype=object)[rng.integers(0, len(codes), count)]


ACSC_CODES = tuple(f"{p[:3]}.{p[3:]}" if len(p) == 4 else p for p in ACSC_PREFIXES)
FALLS_CODES = tuple(f"{p}.{k}" for p in FALLS_PREFIXES for k in (0, 9))


def admissions_table(
    seed: int,
    area: SynthArea,
    year: FinancialYear,
    *,
    first_year: int,
    data_end: date,
    last_month: Month | None = None,
) -> pa.Table:
    """One area's admissions for one financial year (up to ``last_month``, when given)."""
    rng = _rng(seed, area, "admissions", year.start_year)
    populations = band_populations(area, year.start_year, first_year)
    trend = 1.015 ** (year.start_year - first_year)
    parts: list[dict[str, Any]] = []
    for calendar_year, month in _months(year, last_month):
        for is_emergency in (True, False):
            season = (EMERGENCY_SEASON if is_emergency else ELECTIVE_SEASON)[month - 1]
            rates = EMERGENCY_RATE * (1 if is_emergency else ELECTIVE_SHARE)
            expected = populations * rates * season * area.admission_factor * trend / 12
            counts = rng.poisson(expected)
            bands = np.repeat(np.arange(BANDS), counts)
            parts.append(
                {
                    "bands": bands,
                    "dates": _dates(rng, calendar_year, month, bands.size),
                    "emergency": is_emergency,
                }
            )
    bands = np.concatenate([p["bands"] for p in parts])
    admitted = np.concatenate([p["dates"] for p in parts])
    emergency = np.concatenate([np.full(p["bands"].size, p["emergency"]) for p in parts])
    count = bands.size
    ages = _ages(rng, bands)
    female = rng.random(count) < FEMALE_SHARE[bands]
    # Diagnoses: falls and chronic ACSCs among emergencies, by age; planned care otherwise.
    draw = rng.random(count)
    falls = emergency & (draw < FALLS_SHARE[bands] * area.falls_factor)
    acsc = (
        emergency & ~falls & (draw < (FALLS_SHARE[bands] * area.falls_factor + ACSC_SHARE[bands]))
    )
    diagnosis = np.where(
        emergency, _choose(rng, OTHER_EMERGENCY, count), _choose(rng, ELECTIVE_CODES, count)
    )
    diagnosis[acsc] = _choose(rng, ACSC_CODES, int(acsc.sum()))
    diagnosis[falls] = _choose(rng, FALLS_CODES, int(falls.sum()))
    # Length of stay: day cases for most electives, longer stays for older emergencies.
    mean_stay = np.where(ages >= 80, 9.0, np.where(ages >= 65, 6.0, 3.0))
    stay = np.where(emergency, rng.geometric(1 / mean_stay) - 1, 0)
    planned_stay = ~emergency & (rng.random(count) < 0.4)
    stay[planned_stay] = rng.geometric(1 / 3, int(planned_stay.sum()))
    discharged = admitted + stay.astype("timedelta64[D]")
    # Where people go: mostly home; deaths and care homes more common in old age.
    died_p = np.where(
        emergency, np.where(ages >= 85, 0.08, np.where(ages >= 65, 0.04, 0.01)), 0.001
    )
    home_p = np.where(emergency & (ages >= 65), np.where(ages >= 80, 0.09, 0.05), 0.005)
    where = rng.random(count)
    destination = np.full(count, "19", dtype=object)
    destination[where < died_p + home_p + 0.04] = "51"
    destination[where < died_p + home_p + 0.01] = "29"
    destination[where < died_p + home_p] = "54"
    destination[where < died_p] = "79"
    # Discharge ready date: recorded for most adults discharged alive; often the same day,
    # otherwise some days before the discharge (longer where the area's delays are longer).
    recorded = (ages >= 18) & (destination != "79") & (rng.random(count) < 0.92)
    delayed = rng.random(count) < np.clip(0.3 * area.delay_factor, 0.05, 0.8)
    delay = np.where(delayed, rng.geometric(1 / (1 + 4 * area.delay_factor), count), 0)
    delay = np.minimum(delay, stay)
    ready = discharged - delay.astype("timedelta64[D]")
    in_hospital = discharged > np.datetime64(data_end, "D")
    destination[in_hospital] = "98"
    return pa.table(
        {
            "person_id": _person_ids(rng, area, count),
            "admission_date": pa.array(admitted, type=pa.date32()),
            "discharge_date": pa.array(discharged, type=pa.date32(), mask=in_hospital),
            "admission_method": pa.array(np.where(emergency, "emergency", "elective")),
            "age": pa.array(ages, type=pa.int16()),
            "sex": pa.array(np.where(female, "F", "M")),
            "area_code": pa.array(np.full(count, area.code)),
            "primary_diagnosis": pa.array(diagnosis, type=pa.string()),
            "discharge_destination": pa.array(destination, type=pa.string()),
            "discharge_ready_date": pa.array(ready, type=pa.date32(), mask=~recorded | in_hospital),
        }
    )


def _older_bands(rng: np.random.Generator, populations: np.ndarray, count: int) -> np.ndarray:
    weights = populations[13:] * np.array([1, 2, 4, 7, 10, 12])
    return 13 + rng.choice(6, size=count, p=weights / weights.sum())


def care_home_table(
    seed: int,
    area: SynthArea,
    year: FinancialYear,
    *,
    first_year: int,
    last_month: Month | None = None,
) -> pa.Table:
    """One area's care home admissions (long- and short-term) for one financial year."""
    rng = _rng(seed, area, "care_home_admissions", year.start_year)
    populations = band_populations(area, year.start_year, first_year)
    older, working = populations[13:].sum(), populations[4:13].sum()
    rows: dict[str, list[Any]] = {"start": [], "band": [], "long": []}
    for calendar_year, month in _months(year, last_month):
        winter = 1.08 if month in (12, 1, 2) else 1.0
        long_older = rng.poisson(older * 0.0056 * area.care_home_factor * winter / 12)
        short_older = rng.poisson(older * 0.010 * winter / 12)
        long_working = rng.poisson(working * 0.00014 / 12)
        count = long_older + short_older + long_working
        bands = np.concatenate(
            [
                _older_bands(rng, populations, long_older + short_older),
                rng.integers(4, 13, long_working),
            ]
        )
        rows["band"].append(bands)
        rows["start"].append(_dates(rng, calendar_year, month, count))
        rows["long"].append(
            np.concatenate(
                [
                    np.ones(long_older, bool),
                    np.zeros(short_older, bool),
                    np.ones(long_working, bool),
                ]
            )
        )
    bands = np.concatenate(rows["band"])
    long_term = np.concatenate(rows["long"])
    count = bands.size
    return pa.table(
        {
            "person_id": _person_ids(rng, area, count),
            "start_date": pa.array(np.concatenate(rows["start"]), type=pa.date32()),
            "age": pa.array(_ages(rng, bands), type=pa.int16()),
            "area_code": pa.array(np.full(count, area.code)),
            "duration": pa.array(np.where(long_term, "long_term", "short_term")),
        }
    )


def reablement_table(
    seed: int,
    area: SynthArea,
    year: FinancialYear,
    *,
    first_year: int,
    last_month: Month | None = None,
) -> pa.Table:
    """One area's discharges into reablement for one financial year, with 91-day outcomes."""
    rng = _rng(seed, area, "reablement", year.start_year)
    populations = band_populations(area, year.start_year, first_year)
    older, working = populations[13:].sum(), populations[4:13].sum()
    starts, bands = [], []
    for calendar_year, month in _months(year, last_month):
        n_older = rng.poisson(older * 0.011 / 12)
        n_working = rng.poisson(working * 0.0008 / 12)
        bands.append(
            np.concatenate(
                [_older_bands(rng, populations, n_older), rng.integers(4, 13, n_working)]
            )
        )
        starts.append(_dates(rng, calendar_year, month, n_older + n_working))
    band = np.concatenate(bands)
    count = band.size
    success = np.clip(area.reablement_success - 0.02 * (band - 13).clip(0), 0.3, 0.98)
    return pa.table(
        {
            "person_id": _person_ids(rng, area, count),
            "discharge_date": pa.array(np.concatenate(starts), type=pa.date32()),
            "age": pa.array(_ages(rng, band), type=pa.int16()),
            "area_code": pa.array(np.full(count, area.code)),
            "at_home_91_days": pa.array(rng.random(count) < success),
        }
    )


def population_table(areas: list[SynthArea], years: range, first_year: int) -> pa.Table:
    """Mid-year estimates by area, year, sex and five-year band."""
    rows: dict[str, list[Any]] = {
        k: [] for k in ("area_code", "year", "sex", "age_band", "population")
    }
    for area in areas:
        for year in years:
            people = band_populations(area, year, first_year)
            women = np.rint(people * FEMALE_SHARE).astype(np.int64)
            for sex, counts in (("F", women), ("M", people - women)):
                rows["area_code"] += [area.code] * BANDS
                rows["year"] += [year] * BANDS
                rows["sex"] += [sex] * BANDS
                rows["age_band"] += list(ESP2013_AGE_BANDS)
                rows["population"] += [int(c) for c in counts]
    return pa.table(
        {
            "area_code": pa.array(rows["area_code"]),
            "year": pa.array(rows["year"], type=pa.int32()),
            "sex": pa.array(rows["sex"]),
            "age_band": pa.array(rows["age_band"]),
            "population": pa.array(rows["population"], type=pa.int64()),
        }
    )


class _Writer:
    """Appends tables to one Parquet or CSV file in row groups of about a million rows."""

    def __init__(self, path: Path, schema: pa.Schema, file_format: SyntheticFormat) -> None:
        self.path, self.format, self.schema = path, file_format, schema
        self.pending: list[pa.Table] = []
        self.size = 0
        self.writer: Any = None

    def add(self, table: pa.Table) -> None:
        self.pending.append(table)
        self.size += table.num_rows
        if self.size >= ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        table = pa.concat_tables(self.pending)
        if self.writer is None:
            if self.format == "parquet":
                self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
            else:
                self.writer = pacsv.CSVWriter(self.path, self.schema)
        if self.format == "parquet":
            self.writer.write_table(table, row_group_size=table.num_rows)
        else:
            self.writer.write_table(table)
        self.pending, self.size = [], 0

    def close(self) -> None:
        self.flush()
        if self.writer is not None:
            self.writer.close()


@dataclass(frozen=True, slots=True)
class SynthSummary:
    """What was generated: rows per dataset, the years and the areas."""

    directory: Path
    rows: dict[str, int]
    years: tuple[FinancialYear, ...]
    areas: int


def write_table(table: pa.Table, path: Path, file_format: SyntheticFormat) -> None:
    if file_format == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        pacsv.write_csv(table, path)


def generate(
    out: Path,
    *,
    years: int = 5,
    scale: float = 1.0,
    seed: int = DEFAULT_SEED,
    first_year: FinancialYear = DEFAULT_FIRST_YEAR,
    areas: int = 150,
    file_format: SyntheticFormat = "parquet",
    progress: Progress | None = None,
    last_month: Month | None = None,
) -> SynthSummary:
    """Write synthetic inputs for ``years`` financial years from ``first_year`` into ``out``.

    Parameters
    ----------
    out : Path
        The folder to write (created): ``admissions/part-YYYY-YY.*`` (one file per year),
        ``care_home_admissions.*``, ``reablement.*``, ``population.*`` and ``areas.csv``.
    years : int
        How many financial years, 1 to 20.
    scale : float
        Fraction of England's size, above 0 and at most 10: populations and so every count
        are multiplied by it (rates stay realistic).
    seed : int
        The same seed gives byte-identical files.
    areas : int
        How many HWB areas, 1 to 999 (150 is about England's number).
    file_format : {"parquet", "csv"}
    progress : callable, optional
        Called with a description and a number of rows as each area-year is written.
    last_month : Month, optional
        Stop after this month (e.g. the last complete month, for the current year): no
        record starts later, and discharges after it are not yet known (still in hospital).
        It must fall within the years generated; default the end of the last year.
    """
    if not 1 <= years <= 20:
        raise ValueError(f"years must be from 1 to 20, got {years!r}")
    if not 0 < scale <= 10:
        raise ValueError(f"scale must be above 0 and at most 10, got {scale!r}")
    if not 1 <= areas <= 999:
        raise ValueError(f"areas must be from 1 to 999, got {areas!r}")
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"file_format must be parquet or csv, got {file_format!r}")
    out = Path(out)
    (out / "admissions").mkdir(parents=True, exist_ok=True)
    progress = progress or (lambda text, rows: None)
    places = synth_areas(areas, seed=seed, scale=scale)
    fys = tuple(FinancialYear(first_year.start_year + k) for k in range(years))
    if last_month is not None and not fys[0].first_month <= last_month <= fys[-1].months()[-1]:
        raise ValueError(
            f"last_month must be a month of {fys[0]} to {fys[-1]}, the years generated; "
            f"got {last_month}"
        )
    data_end = fys[-1].end if last_month is None else last_month.last_day
    if last_month is not None:
        fys = tuple(fy for fy in fys if fy.first_month <= last_month)
    base = first_year.start_year
    suffix = file_format
    rows = {"admissions": 0, "care_home_admissions": 0, "reablement": 0}
    care = _Writer(
        out / f"care_home_admissions.{suffix}",
        _schema_of(care_home_table, seed, places[0], fys[0], base),
        file_format,
    )
    reab = _Writer(
        out / f"reablement.{suffix}",
        _schema_of(reablement_table, seed, places[0], fys[0], base),
        file_format,
    )
    for fy in fys:
        first = admissions_table(
            seed, places[0], fy, first_year=base, data_end=data_end, last_month=last_month
        )
        writer = _Writer(out / "admissions" / f"part-{fy}.{suffix}", first.schema, file_format)
        for area in places:
            table = (
                first
                if area is places[0]
                else admissions_table(
                    seed, area, fy, first_year=base, data_end=data_end, last_month=last_month
                )
            )
            writer.add(table)
            rows["admissions"] += table.num_rows
            care_rows = care_home_table(seed, area, fy, first_year=base, last_month=last_month)
            reab_rows = reablement_table(seed, area, fy, first_year=base, last_month=last_month)
            care.add(care_rows)
            reab.add(reab_rows)
            rows["care_home_admissions"] += care_rows.num_rows
            rows["reablement"] += reab_rows.num_rows
            progress(f"{fy} {area.code}", table.num_rows + care_rows.num_rows + reab_rows.num_rows)
        writer.close()
    care.close()
    reab.close()
    population = population_table(places, range(base, base + len(fys)), base)
    write_table(population, out / f"population.{suffix}", file_format)
    rows["population"] = population.num_rows
    area_rows = pa.table(
        {
            "area_code": [REGION[0]] + [a.code for a in places],
            "area_name": [REGION[1]] + [a.name for a in places],
            "area_type": ["region"] + ["HWB"] * len(places),
            "parent_code": [None] + [REGION[0]] * len(places),
            "is_demo": [True] * (len(places) + 1),
        },
        schema=pa.schema(
            [(name, pa.string()) for name in ("area_code", "area_name", "area_type", "parent_code")]
            + [("is_demo", pa.bool_())]
        ),
    )
    pacsv.write_csv(area_rows, out / "areas.csv")
    return SynthSummary(out, rows, fys, len(places))


def _schema_of(
    make: Callable[..., pa.Table], seed: int, area: SynthArea, year: FinancialYear, base: int
) -> pa.Schema:
    return make(seed, area, year, first_year=base).schema
