"""The demo region's current-year records, and the metric values the pipeline makes of them.

The demo shows today's BCF year: the three 2025-26 headline metrics (carried into 2026-27),
monthly from April 2025 up to the last complete month before ``today``. Rather than invent
their values, the demo generates synthetic *records* (emergency admissions with discharge
ready dates, care home placements, population estimates) for its ten Health and Wellbeing
Boards and runs them through the record-level pipeline (:mod:`bettercare.pipeline`), so its
figures are exactly what ``bettercare pipeline run`` computes from them.

What is generated, and how it is kept small (the demo loads at ``make run``):

- **Admissions** are *emergency admissions of people aged 65 and over* only, at realistic
  rates by five-year band (about 2,000 per 100,000 a month, winter peaks): about 21,000 a
  month for the region, some 450,000 records for twenty months (admissions start two months
  before April 2025, so that April's discharges are complete). Younger adults and elective
  admissions are not generated, so the discharge delay (defined over all adult acute
  discharges with a discharge ready date) is computed over the discharges of these older
  emergency patients; the definition the pipeline applies is unchanged.
- **Discharge ready dates** are recorded for about 95% of people discharged alive; about one
  in five waits past the date, about five days on average, varying by area and drifting
  slowly (mostly improving) month by month. A discharge after the last complete month is not
  yet known: that person is still in hospital (destination ``98``), as in a real extract.
- **Care home placements**: long-term admissions of people 65+ (about 560 per 100,000 a year),
  with short-term placements and a few younger people that the metric does not count.
- **Populations**: the demo's 2017-18 sizes (:mod:`bettercare.demo.areas`) grown by the demo's
  growth rates (:data:`bettercare.demo.metrics.GROWTH`) to each mid-year from 2024, split into
  ESP2013 bands with England's age structure. They are synthetic, of the right size.

Deterministic for a given month: each area, dataset and month draws from its own generator
seeded with ``(seed, area, dataset, year, month)``, so a later ``today`` adds months without
changing the figures of earlier ones (only discharges that fall in the new month appear).
No Django here; the caller loads the values.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from bettercare.core.periods import Month
from bettercare.core.stats import ESP2013_AGE_BANDS
from bettercare.demo.areas import HWBS, ICBS, REGION, Hwb
from bettercare.demo.metrics import GROWTH
from bettercare.pipeline.engines import Engine
from bettercare.pipeline.metrics import MetricValueRow
from bettercare.pipeline.run import run_pipeline
from bettercare.pipeline.synth import (
    AGE_STRUCTURE,
    EMERGENCY_SEASON,
    FEMALE_SHARE,
    OTHER_EMERGENCY,
)

__all__ = [
    "CURRENT_METRICS",
    "DEFAULT_SEED",
    "FIRST_MONTH",
    "SOURCE",
    "CurrentRecords",
    "current_hwbs",
    "current_metric_values",
    "last_complete_month",
    "metric_value_sheet_rows",
    "write_current_records",
]

DEFAULT_SEED = 20250401
#: The first month of the demo's current years: April 2025, the start of 2025-26.
FIRST_MONTH = Month(2025, 4)
#: The metrics the current-year demo computes (the 2025-26 headline metrics).
CURRENT_METRICS = (
    "bcf_emergency_admissions_65",
    "bcf_discharge_delay",
    "bcf_care_home_admissions_65",
)
BANDS = len(ESP2013_AGE_BANDS)
OLDER = slice(13, BANDS)  # the ESP2013 bands 65-69 ... 90+
#: Emergency admissions per person per year in the 65+ bands (as the national synthetic data).
OLDER_EMERGENCY_RATE = np.array([0.15, 0.19, 0.26, 0.35, 0.47, 0.60])
#: Long-term care home admissions of people 65+ per person per year, and short-term ones.
LONG_TERM_RATE = 0.0056
SHORT_TERM_RATE = 0.010
#: Younger adults' long-term admissions per 65+ person per year (not counted by the metric).
YOUNGER_RATE = 0.0004
DATASETS = {"admissions": 1, "care_home_admissions": 2, "areas": 3}
DESTINATIONS = ("19", "51", "54", "79", "98")
#: Where the demo's current-year figures come from, for their ``source``.
SOURCE = "bettercare pipeline (DuckDB) on the demo's synthetic records"
#: Months of admissions before April 2025, so that April's discharges include people admitted
#: earlier (stays longer than two months are very rare).
LEAD_IN = 2


@dataclass(frozen=True, slots=True)
class CurrentRecords:
    """What :func:`write_current_records` wrote: the folder, the months and rows per file."""

    directory: Path
    first: Month
    last: Month
    rows: dict[str, int]


def last_complete_month(today: date) -> Month:
    """The last month that has ended before ``today`` (November 2026 on 4 December 2026)."""
    return Month(today.year, today.month) - 1


def _months(first: Month, last: Month) -> list[Month]:
    return [first + k for k in range(first.months_until(last) + 1)]


def _rng(seed: int, hwb_index: int, dataset: str, *when: int) -> np.random.Generator:
    return np.random.default_rng([seed, hwb_index + 1, DATASETS[dataset], *when])


@dataclass(frozen=True, slots=True)
class _Traits:
    """An area's lasting peculiarities, drawn once per area (not per month)."""

    admissions: float
    delay_share: float
    delay_days: float
    delay_drift: float
    care_homes: float


def _traits(seed: int, index: int) -> _Traits:
    rng = _rng(seed, index, "areas")
    return _Traits(
        admissions=float(rng.lognormal(0, 0.10)),
        delay_share=float(np.clip(rng.normal(0.22, 0.05), 0.08, 0.40)),
        delay_days=float(np.clip(rng.lognormal(np.log(5.0), 0.25), 2.0, 10.0)),
        # Per month: most areas improve slowly, a few get worse.
        delay_drift=float(rng.normal(-0.008, 0.008)),
        care_homes=float(rng.lognormal(0, 0.15)),
    )


def band_populations(hwb: Hwb, year: int) -> np.ndarray:
    """Both sexes' population by ESP2013 band at mid-``year``, from the 2017-18 sizes."""
    young = hwb.population - hwb.adults
    working = hwb.adults - hwb.older
    growth = {
        kind: (1 + GROWTH[kind]) ** (year - 2017) for kind in ("population", "adults", "older")
    }
    # Bands 0-14 are children, 15-19 is split (two years children, three adults).
    weights = AGE_STRUCTURE.astype(float).copy()
    children = np.zeros(BANDS)
    children[:3] = weights[:3]
    children[3] = weights[3] * 0.6
    adults = np.zeros(BANDS)
    adults[3] = weights[3] * 0.4
    adults[4:13] = weights[4:13]
    older = np.zeros(BANDS)
    older[OLDER] = weights[OLDER]
    people = (
        young * growth["population"] * children / children.sum()
        + working * growth["adults"] * adults / adults.sum()
        + hwb.older * growth["older"] * older / older.sum()
    )
    return cast(np.ndarray, np.rint(people)).astype(np.int64)  # numpy types ufuncs as Any


def _take(choices: Sequence[str], indexes: np.ndarray) -> pa.Array[Any]:
    """Text column from indexes into a few choices (Arrow's take: no Python strings)."""
    return pa.array(list(choices), type=pa.string()).take(pa.array(indexes))


def _repeat(text: str, count: int) -> pa.Array[Any]:
    return _take((text,), np.zeros(count, np.int8))


def _person_ids(index: int, dataset: str, month: Month, count: int) -> pa.Array[Any]:
    """Pseudonymous ids, unique per area, dataset, month and record: digits only."""
    first = ((index + 1) * 10 + DATASETS[dataset]) * 10**12 + (
        month.year * 100 + month.month
    ) * 10**6
    return pa.array(first + np.arange(count, dtype=np.int64)).cast(pa.string())


def _dates(rng: np.random.Generator, month: Month, count: int) -> np.ndarray:
    first = np.datetime64(month.first_day, "D")
    return first + rng.integers(0, month.last_day.day, count).astype("timedelta64[D]")


def _ages(rng: np.random.Generator, bands: np.ndarray) -> np.ndarray:
    ages = bands * 5 + rng.integers(0, 5, bands.size)
    oldest = bands == BANDS - 1
    ages[oldest] = 90 + np.minimum(rng.geometric(0.25, int(oldest.sum())) - 1, 15)
    return ages.astype(np.int16)


def _admissions(
    seed: int, index: int, hwb: Hwb, traits: _Traits, month: Month, data_end: date
) -> pa.Table:
    """One area's emergency admissions of people 65+ admitted in one month."""
    rng = _rng(seed, index, "admissions", month.year, month.month)
    people = band_populations(hwb, month.financial_year.start_year)[OLDER]
    season = EMERGENCY_SEASON[month.month - 1]
    counts = rng.poisson(people * OLDER_EMERGENCY_RATE * traits.admissions * season / 12)
    bands = np.repeat(np.arange(13, BANDS), counts)
    count = bands.size
    admitted = _dates(rng, month, count)
    ages = _ages(rng, bands)
    female = rng.random(count) < FEMALE_SHARE[bands]
    # Days until the person is ready to leave; then, for some, a wait past that date.
    until_ready = rng.geometric(1 / np.where(ages >= 80, 8.0, 5.0)) - 1
    died = rng.random(count) < np.where(ages >= 85, 0.08, 0.04)
    where = rng.random(count)
    # Indexes into DESTINATIONS: 19 home, 51 another hospital, 54 care home, 79 died, 98 in.
    destination = np.where(where < 0.07, 2, np.where(where < 0.10, 1, 0)).astype(np.int8)
    destination[died] = 3
    # Discharge delays drift by area, month by month, from April 2025.
    drift = (1 + traits.delay_drift) ** FIRST_MONTH.months_until(month)
    delayed = ~died & (rng.random(count) < min(traits.delay_share * drift, 0.9))
    delay = np.where(delayed, rng.geometric(1 / (traits.delay_days * drift), count), 0)
    recorded = ~died & (rng.random(count) < 0.95)
    ready = admitted + until_ready.astype("timedelta64[D]")
    discharged = ready + delay.astype("timedelta64[D]")
    in_hospital = discharged > np.datetime64(data_end, "D")
    destination[in_hospital] = 4
    diagnosis = rng.integers(0, len(OTHER_EMERGENCY), count)
    return pa.table(
        {
            "person_id": _person_ids(index, "admissions", month, count),
            "admission_date": pa.array(admitted, type=pa.date32()),
            "discharge_date": pa.array(discharged, type=pa.date32(), mask=in_hospital),
            "admission_method": _repeat("emergency", count),
            "age": pa.array(ages, type=pa.int16()),
            "sex": _take(("M", "F"), female.astype(np.int8)),
            "area_code": _repeat(hwb.code, count),
            "primary_diagnosis": _take(OTHER_EMERGENCY, diagnosis),
            "discharge_destination": _take(DESTINATIONS, destination),
            "discharge_ready_date": pa.array(ready, type=pa.date32(), mask=~recorded | in_hospital),
        }
    )


def _care_homes(seed: int, index: int, hwb: Hwb, traits: _Traits, month: Month) -> pa.Table:
    """One area's care home placements starting in one month."""
    rng = _rng(seed, index, "care_home_admissions", month.year, month.month)
    people = band_populations(hwb, month.financial_year.start_year)
    older = people[OLDER]
    winter = 1.08 if month.month in (12, 1, 2) else 1.0
    long_term = int(rng.poisson(older.sum() * LONG_TERM_RATE * traits.care_homes * winter / 12))
    short_term = int(rng.poisson(older.sum() * SHORT_TERM_RATE * winter / 12))
    younger = int(rng.poisson(older.sum() * YOUNGER_RATE / 12))
    # Care home admissions rise steeply with age.
    weights = older * np.array([1, 2, 4, 7, 10, 12])
    bands = np.concatenate(
        [
            13 + rng.choice(6, size=long_term + short_term, p=weights / weights.sum()),
            rng.integers(4, 13, younger),
        ]
    )
    count = bands.size
    duration = np.concatenate(
        [np.zeros(long_term, np.int8), np.ones(short_term, np.int8), np.zeros(younger, np.int8)]
    )
    return pa.table(
        {
            "person_id": _person_ids(index, "care_home_admissions", month, count),
            "start_date": pa.array(_dates(rng, month, count), type=pa.date32()),
            "age": pa.array(_ages(rng, bands), type=pa.int16()),
            "area_code": _repeat(hwb.code, count),
            "duration": _take(("long_term", "short_term"), duration),
        }
    )


def _population(hwbs: Sequence[Hwb], years: range) -> pa.Table:
    rows: dict[str, list[Any]] = {
        k: [] for k in ("area_code", "year", "sex", "age_band", "population")
    }
    for hwb in hwbs:
        for year in years:
            people = band_populations(hwb, year)
            women = np.rint(people * FEMALE_SHARE).astype(np.int64)
            for sex, counts in (("F", women), ("M", people - women)):
                rows["area_code"] += [hwb.code] * BANDS
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


def _areas(hwbs: Sequence[Hwb]) -> pa.Table:
    codes = [REGION[0], *(code for code, _name in ICBS), *(hwb.code for hwb in hwbs)]
    names = [REGION[1], *(name for _code, name in ICBS), *(hwb.name for hwb in hwbs)]
    types = ["region"] + ["ICB"] * len(ICBS) + ["HWB"] * len(hwbs)
    parents = [None] + [REGION[0]] * len(ICBS) + [hwb.icb for hwb in hwbs]
    return pa.table(
        {
            "area_code": codes,
            "area_name": names,
            "area_type": types,
            "parent_code": parents,
            "is_demo": [True] * len(codes),
        }
    )


def _check_today(today: date) -> Month:
    last = last_complete_month(today)
    if last < FIRST_MONTH:
        raise ValueError(
            f"today must be on or after 2025-05-01 (the demo's current years start in April "
            f"2025, and a month is shown once it is complete); got {today.isoformat()}"
        )
    return last


def current_hwbs() -> list[tuple[int, Hwb]]:
    """The demo's HWBs that exist in the current years (from April 2025), with their index in
    :data:`~bettercare.demo.areas.HWBS` (which seeds their records): not Northamptonshire,
    replaced by North and West Northamptonshire in April 2021."""
    return [
        (index, hwb)
        for index, hwb in enumerate(HWBS)
        if hwb.valid_to is None or hwb.valid_to >= FIRST_MONTH.first_day
    ]


def _chosen(areas: Sequence[str] | None) -> list[tuple[int, Hwb]]:
    current = current_hwbs()
    if areas is None:
        return current
    codes = [hwb.code for _index, hwb in current]
    unknown = [code for code in areas if code not in codes]
    if unknown or not areas:
        raise ValueError(
            f"areas must be HWB codes of the demo ({', '.join(codes)}); got {list(areas)!r}"
        )
    return [(index, hwb) for index, hwb in current if hwb.code in areas]


def write_current_records(
    folder: Path, *, today: date, seed: int = DEFAULT_SEED, areas: Sequence[str] | None = None
) -> CurrentRecords:
    """Write the demo's synthetic record-level inputs from April 2025 to before ``today``.

    Parameters
    ----------
    folder : Path
        Where to write (created): ``admissions.parquet``, ``care_home_admissions.parquet``,
        ``population.parquet`` and ``areas.csv``, the pipeline's input files
        (``docs/pipeline.md``).
    today : date
        The months from April 2025 to the last complete month before it are generated; no
        date in the records is later than that month.
    seed : int
        The same seed and month give the same records.
    areas : sequence of str, optional
        Only these HWBs (codes of :data:`bettercare.demo.areas.HWBS`; default all ten). An
        area's records are the same whichever others are written with it.

    Raises
    ------
    ValueError
        When ``today`` leaves no complete month from April 2025.
    """
    last = _check_today(today)
    chosen = _chosen(areas)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    months = _months(FIRST_MONTH, last)
    data_end = last.last_day
    lead_in = _months(FIRST_MONTH - LEAD_IN, FIRST_MONTH - 1)
    admissions: list[pa.Table] = []
    care_homes: list[pa.Table] = []
    for index, hwb in chosen:
        traits = _traits(seed, index)
        for month in lead_in + months:
            admissions.append(_admissions(seed, index, hwb, traits, month, data_end))
        for month in months:
            care_homes.append(_care_homes(seed, index, hwb, traits, month))
    tables = {
        "admissions": pa.concat_tables(admissions),
        "care_home_admissions": pa.concat_tables(care_homes),
        "population": _population(
            [hwb for _index, hwb in chosen], range(2024, last.financial_year.start_year + 1)
        ),
    }
    for name, table in tables.items():
        pq.write_table(table, folder / f"{name}.parquet", compression="zstd")
    pacsv.write_csv(_areas([hwb for _index, hwb in chosen]), folder / "areas.csv")
    return CurrentRecords(
        folder, FIRST_MONTH, last, {name: table.num_rows for name, table in tables.items()}
    )


def current_metric_values(
    today: date,
    *,
    seed: int = DEFAULT_SEED,
    engine: str | Engine = "duckdb",
    areas: Sequence[str] | None = None,
) -> list[MetricValueRow]:
    """The demo's current-year metric values, computed by the pipeline from its records.

    Generates the records (:func:`write_current_records`) in a temporary folder, runs
    :func:`bettercare.pipeline.run.run_pipeline` over them from April 2025 to the last complete
    month before ``today``, computing each metric only in the years its registry definition
    applies in, and returns its rows: the three metrics of :data:`CURRENT_METRICS` for the ten
    HWBs, monthly (emergency admissions 65+, discharge delay) and by financial quarter (care
    home admissions 65+, whole quarters only), sorted by area, metric and period.

    Each :class:`~bettercare.pipeline.metrics.MetricValueRow` has ``area_code``,
    ``metric_code``, ``period_start``, ``period_end``, ``numerator``, ``denominator``,
    ``value`` (rounded to 6 places), ``note``, ``kind`` (``"actual"``) and, for the discharge
    delay, ``sum_of_squares`` (for its interval, :func:`bettercare.core.means.mean`).

    Parameters
    ----------
    today : date
        The demo's today: the same month always gives the same values.
    seed : int
        The records' seed.
    engine : {"duckdb", "spark", "reference"} or Engine
        Where the pipeline runs (DuckDB by default).
    areas : sequence of str, optional
        Only these HWBs (default all ten); each area's values are the same either way.
    """
    last = _check_today(today)
    _chosen(areas)
    with tempfile.TemporaryDirectory(prefix="bettercare-demo-") as folder:
        write_current_records(Path(folder), today=today, seed=seed, areas=areas)
        run = run_pipeline(
            Path(folder), first=FIRST_MONTH, last=last, engine=engine, today=today, years="in_force"
        )
    return run.rows


def metric_value_sheet_rows(
    values: Sequence[MetricValueRow], *, source: str = SOURCE
) -> list[dict[str, Any]]:
    """The values as rows of the workbook's ``metric_values`` sheet (actuals with a source).

    The discharge delay's ``sum_of_squares`` goes with it, so its mean has an interval.
    """
    return [
        {
            "area_code": row.area_code,
            "metric_code": row.metric_code,
            "period_start": row.period_start,
            "period_end": row.period_end,
            "kind": row.kind,
            "numerator": row.numerator,
            "denominator": row.denominator,
            "value": row.value,
            "note": row.note or None,
            "source": source,
            "sum_of_squares": None if row.sum_of_squares is None else float(row.sum_of_squares),
        }
        for row in values
    ]
