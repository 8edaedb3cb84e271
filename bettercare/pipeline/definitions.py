"""The metric definitions as queries, written once in Ibis and run by every engine.

A metric is a numerator and a denominator by area and period. The engines compute a few
*monthly aggregates* from the records (one scan per input: counts and sums by area, month and,
for admissions, five-year age band); every metric is then assembled from them
(:mod:`bettercare.pipeline.assembly`, with :mod:`bettercare.pipeline.metrics` as its plain
reference): summed over the months of its period and divided by a population or by another
aggregate. So quarterly and yearly metrics are exactly the sums of
monthly ones, and the engines only have to agree on integers.

``docs/pipeline.md`` explains each choice (ACSC list, falls codes, discharge delay, the
population year) for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import ibis
import ibis.expr.types as ir
from ibis import _
from ibis.common.deferred import Deferred

from bettercare.core.stats import ESP2013, ESP2013_AGE_BANDS

__all__ = [
    "ACSC_PREFIXES",
    "AGGREGATES",
    "DSR_BANDS",
    "FALLS_PREFIXES",
    "METRICS",
    "Aggregate",
    "Measure",
    "MetricQuery",
    "Population",
    "aggregate_queries",
    "band_of_age",
    "combined_query",
    "month_key",
]

#: Band indexes of ESP2013_AGE_BANDS: 0 is 0-4, 13 is 65-69, 18 is 90+.
BAND_65 = 13
#: The five-year bands of a falls DSR (65-69 to 90+) and their ESP2013 weights.
DSR_BANDS: tuple[int, ...] = tuple(range(BAND_65, len(ESP2013_AGE_BANDS)))
DSR_WEIGHTS: tuple[int, ...] = tuple(ESP2013[band] for band in DSR_BANDS)
ADULT_AGE = 18
OLDER_AGE = 65
EMERGENCY = "emergency"
DIED = "79"
USUAL_RESIDENCE = "19"

#: Chronic ambulatory care sensitive conditions (NHS Outcomes Framework 2.3.i), as ICD-10
#: prefixes without the dot: a primary diagnosis matches when it starts with one of them.
ACSC_PREFIXES: tuple[str, ...] = (
    # angina
    "I20",
    "I240",
    "I248",
    "I249",
    "I25",
    # asthma
    "J45",
    "J46",
    # atrial fibrillation and flutter
    "I48",
    # congestive heart failure
    "I110",
    "I50",
    "J81",
    # convulsions and epilepsy
    "G40",
    "G41",
    "R56",
    "O15",
    # chronic obstructive pulmonary disease
    "J41",
    "J42",
    "J43",
    "J44",
    "J47",
    # dementia
    "F00",
    "F01",
    "F02",
    "F03",
    "G30",
    # diabetes complications (E10-E14, fourth character 0-8)
    *(f"E1{kind}{detail}" for kind in range(5) for detail in range(9)),
    # hypertension
    "I10",
    "I119",
    # iron-deficiency anaemia
    "D501",
    "D508",
    "D509",
    *(f"D51{detail}" for detail in range(9)),
    *(f"D52{detail}" for detail in range(9)),
    # nutritional deficiencies
    "E40",
    "E41",
    "E42",
    "E43",
    "E550",
    "E643",
)
#: Falls: ICD-10 external causes W00 to W19.
FALLS_PREFIXES: tuple[str, ...] = tuple(f"W{number:02d}" for number in range(20))

AggregateName = Literal["admissions", "discharges", "care_homes", "reablement"]


@dataclass(frozen=True, slots=True)
class Aggregate:
    """A monthly aggregate of one input: its keys and the measures it sums."""

    name: AggregateName
    dataset: str
    date_column: str
    banded: bool
    measures: tuple[str, ...]


AGGREGATES: dict[str, Aggregate] = {
    aggregate.name: aggregate
    for aggregate in (
        Aggregate(
            "admissions",
            "admissions",
            "admission_date",
            True,
            ("emergency", "emergency_acsc", "emergency_falls"),
        ),
        Aggregate(
            "discharges",
            "admissions",
            "discharge_date",
            False,
            (
                "discharged_alive",
                "discharged_usual_residence",
                "adult_ready_discharges",
                "adult_delay_days",
                "adult_delay_days_squared",
            ),
        ),
        Aggregate("care_homes", "care_home_admissions", "start_date", False, ("long_term_65",)),
        Aggregate(
            "reablement", "reablement", "discharge_date", False, ("episodes_65", "at_home_65")
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure of an aggregate, summed over its bands from ``first_band`` when banded."""

    aggregate: AggregateName
    column: str
    first_band: int = 0


@dataclass(frozen=True, slots=True)
class Population:
    """The resident population from the age band ``first_band`` (0: all ages)."""

    first_band: int = 0


@dataclass(frozen=True, slots=True)
class MetricQuery:
    """A registry metric as a numerator and a denominator of the monthly aggregates.

    ``months`` restricts the calendar months counted (e.g. October to December);
    ``standardised`` makes it a directly standardised rate over :data:`DSR_BANDS`;
    ``sum_of_squares`` is, for a mean, the sum of the squared record values whose sum is the
    numerator, so that the mean gets an interval (ADR 0070).
    """

    code: str
    numerator: Measure
    denominator: Measure | Population
    months: tuple[int, ...] = ()
    standardised: bool = False
    sum_of_squares: Measure | None = None


METRICS: tuple[MetricQuery, ...] = (
    MetricQuery(
        "bcf_emergency_admissions_65",
        Measure("admissions", "emergency", BAND_65),
        Population(BAND_65),
    ),
    MetricQuery("bcf_non_elective_admissions", Measure("admissions", "emergency"), Population()),
    MetricQuery("bcf_avoidable_admissions", Measure("admissions", "emergency_acsc"), Population()),
    MetricQuery(
        "bcf_discharge_delay",
        Measure("discharges", "adult_delay_days"),
        Measure("discharges", "adult_ready_discharges"),
        sum_of_squares=Measure("discharges", "adult_delay_days_squared"),
    ),
    MetricQuery(
        "bcf_discharge_usual_residence",
        Measure("discharges", "discharged_usual_residence"),
        Measure("discharges", "discharged_alive"),
    ),
    MetricQuery(
        "bcf_care_home_admissions_65", Measure("care_homes", "long_term_65"), Population(BAND_65)
    ),
    MetricQuery(
        "bcf_residential_admissions_65", Measure("care_homes", "long_term_65"), Population(BAND_65)
    ),
    MetricQuery(
        "bcf_reablement_65",
        Measure("reablement", "at_home_65"),
        Measure("reablement", "episodes_65"),
    ),
    MetricQuery(
        "bcf_reablement_91_days",
        Measure("reablement", "at_home_65"),
        Measure("reablement", "episodes_65"),
        months=(10, 11, 12),
    ),
    MetricQuery(
        "bcf_falls_65",
        Measure("admissions", "emergency_falls", BAND_65),
        Population(BAND_65),
        standardised=True,
    ),
)


# -- the Ibis queries ------------------------------------------------------------------------


def month_key(day: ir.DateValue) -> ir.IntegerValue:
    """The month of a date as the integer YYYYMM."""
    return (day.year() * 100 + day.month()).cast("int32")


def band_of_age(age: ir.IntegerValue) -> ir.IntegerValue:
    """The ESP2013 five-year band index of an age: 0 for 0-4 up to 18 for 90 and over."""
    return ibis.least(age // 5, len(ESP2013_AGE_BANDS) - 1).cast("int8")


def _diagnosis_in(diagnosis: ir.StringValue, prefixes: tuple[str, ...]) -> ir.BooleanValue:
    """Whether a normalised ICD-10 code starts with one of ``prefixes`` (3 or 4 characters)."""
    condition: ir.BooleanValue | None = None
    for length in sorted({len(prefix) for prefix in prefixes}):
        wanted = [prefix for prefix in prefixes if len(prefix) == length]
        test = diagnosis.substr(0, length).isin(wanted)
        condition = test if condition is None else condition | test
    assert condition is not None
    return condition.fill_null(False)


def _count(condition: Deferred) -> Deferred:
    """How many of the group's rows meet ``condition`` (a NULL one does not): a filtered
    ``COUNT(*)`` where the engine has one, never NULL.

    The NULLs are dealt with once a group, not once a row: a filter already skips a NULL
    condition (DuckDB's ``FILTER``), and a sum of the condition as 0/1 (Spark's) skips it too
    but is NULL for a group with no true or false row, so the count is filled with 0 (ADR
    0139: a ``COALESCE`` on every row was 9% of DuckDB's query).
    """
    counted: Deferred = _.count(where=condition).fill_null(0)
    return counted


def _in_months(day: ir.DateValue, first: date, last: date) -> ir.BooleanValue:
    return day.between(ibis.date(first), ibis.date(last))


def aggregate_queries(tables: dict[str, ir.Table], first: date, last: date) -> dict[str, ir.Table]:
    """The monthly aggregates of the inputs from ``first`` to ``last`` as Ibis expressions.

    ``tables`` maps a dataset name to its table with the canonical column types (dates as
    dates, ages as integers); datasets not given have no aggregate. Each aggregate has the
    columns ``area_code``, ``month`` (YYYYMM), ``band`` for admissions, and its measures.
    """
    queries: dict[str, ir.Table] = {}
    admissions = tables.get("admissions")
    if admissions is not None:
        # Classify each distinct diagnosis once and join the answer back: string work on a
        # few thousand codes instead of on every record (3x faster on DuckDB).
        codes = admissions.select("primary_diagnosis").distinct()
        diagnosis = codes.primary_diagnosis.upper().replace(".", "")
        codes = codes.mutate(
            is_acsc=_diagnosis_in(diagnosis, ACSC_PREFIXES),
            is_falls=_diagnosis_in(diagnosis, FALLS_PREFIXES),
        )
        in_range = admissions.filter(_in_months(admissions.admission_date, first, last))
        classified = in_range.left_join(codes, "primary_diagnosis")
        queries["admissions"] = (
            classified.mutate(
                month=month_key(classified.admission_date),
                band=band_of_age(classified.age),
                emergency=classified.admission_method == EMERGENCY,
            )
            .mutate(  # NULL where the diagnosis is missing: not counted (see _count)
                acsc=_.emergency & _.is_acsc,
                falls=_.emergency & _.is_falls,
            )
            .group_by(["area_code", "month", "band"])
            .aggregate(
                emergency=_count(_.emergency),
                emergency_acsc=_count(_.acsc),
                emergency_falls=_count(_.falls),
            )
        )
        ready = (admissions.age >= ADULT_AGE) & admissions.discharge_ready_date.notnull()
        delay = ibis.greatest(
            admissions.discharge_date.delta(admissions.discharge_ready_date, unit="day"), 0
        )
        destination = admissions.discharge_destination
        queries["discharges"] = (
            admissions.filter(
                admissions.discharge_date.notnull()
                & _in_months(admissions.discharge_date, first, last)
            )
            .mutate(
                month=month_key(admissions.discharge_date),
                alive=destination.isnull() | (destination != DIED),
                usual=destination == USUAL_RESIDENCE,
                ready=ready,
                delay=ready.ifelse(delay, 0).cast("int64"),
            )
            .group_by(["area_code", "month"])
            .aggregate(
                discharged_alive=_count(_.alive),
                discharged_usual_residence=_count(_.usual),
                adult_ready_discharges=_count(_.ready),
                adult_delay_days=_.delay.sum().fill_null(0),
                adult_delay_days_squared=(_.delay * _.delay).sum().fill_null(0),
            )
        )
    care_homes = tables.get("care_home_admissions")
    if care_homes is not None:
        queries["care_homes"] = (
            care_homes.filter(_in_months(care_homes.start_date, first, last))
            .mutate(
                month=month_key(care_homes.start_date),
                counted=(care_homes.duration == "long_term") & (care_homes.age >= OLDER_AGE),
            )
            .group_by(["area_code", "month"])
            .aggregate(long_term_65=_count(_.counted))
        )
    reablement = tables.get("reablement")
    if reablement is not None:
        older = reablement.age >= OLDER_AGE
        queries["reablement"] = (
            reablement.filter(_in_months(reablement.discharge_date, first, last))
            .mutate(
                month=month_key(reablement.discharge_date),
                older=older,
                home=older & reablement.at_home_91_days,
            )
            .group_by(["area_code", "month"])
            .aggregate(episodes_65=_count(_.older), at_home_65=_count(_.home))
        )
    return queries


def population_query(population: ir.Table, years: tuple[int, int]) -> ir.Table:
    """Population by area, mid-year and age band (both sexes), for years in ``years``."""
    return (
        population.filter(population.year.between(*years))
        .group_by(["area_code", "year", "age_band"])
        .aggregate(population=population.population.sum().cast("int64"))
    )


#: How many measure columns the combined query has (the most any aggregate has).
WIDTH = max(len(aggregate.measures) for aggregate in AGGREGATES.values())


def combined_query(
    tables: dict[str, ir.Table], first: date, last: date, years: tuple[int, int]
) -> ir.Table:
    """Every aggregate and the population in one table, for one query on the engine.

    The columns: ``aggregate`` (its name, or ``population``), ``area_code``, ``month``
    (YYYYMM; the mid-year for the population), ``band`` (admissions), ``age_band`` (the
    population) and ``m0`` .. ``m4``, the aggregate's measures in order (the population's
    count in ``m0``), NULL beyond them.
    """
    parts = []
    for name, query in aggregate_queries(tables, first, last).items():
        measures = AGGREGATES[name].measures
        parts.append(
            query.select(
                aggregate=ibis.literal(name, "string"),
                area_code=query.area_code.cast("string"),
                month=query.month.cast("int32"),
                band=(query.band if AGGREGATES[name].banded else ibis.null()).cast("int8"),
                age_band=ibis.null().cast("string"),
                **{
                    f"m{index}": (
                        query[measures[index]] if index < len(measures) else ibis.null()
                    ).cast("int64")
                    for index in range(WIDTH)
                },
            )
        )
    population = population_query(tables["population"], years)
    parts.append(
        population.select(
            aggregate=ibis.literal("population", "string"),
            area_code=population.area_code.cast("string"),
            month=population.year.cast("int32"),
            band=ibis.null().cast("int8"),
            age_band=population.age_band.cast("string"),
            m0=population.population.cast("int64"),
            **{f"m{index}": ibis.null().cast("int64") for index in range(1, WIDTH)},
        )
    )
    return ibis.union(*parts, distinct=False)
