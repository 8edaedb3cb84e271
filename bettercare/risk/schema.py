"""The input files of the risk model, the features it reads, and their definitions in words.

Everything here is data: the engines (:mod:`bettercare.risk.features`,
:mod:`bettercare.risk.reference`), the checks (:mod:`bettercare.risk.inputs`), the model file
and ``docs/risk.md`` all read these tuples, so a feature is named and described once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from bettercare.risk.clusters import CLUSTERS

__all__ = [
    "ACTIVITY_TYPES",
    "FEATURES",
    "FEATURE_NAMES",
    "FEATURE_VERSION",
    "HISTORY_MONTHS",
    "INPUTS",
    "OUTCOMES",
    "OUTCOME_MONTHS",
    "Column",
    "Feature",
    "add_months",
]

#: Bump when a feature's definition changes: a model file records the version it was fitted
#: on, and a model from a newer version is refused (its features would mean something else).
FEATURE_VERSION = 1
#: Activity and prescribing are counted over the 12 months before the index date.
HISTORY_MONTHS = 12
#: Outcomes are observed over the 12 months from the index date.
OUTCOME_MONTHS = 12
ACTIVITY_TYPES: tuple[str, ...] = (
    "emergency_admission",
    "elective_admission",
    "ae_attendance",
    "outpatient_attendance",
)


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    type: str  # "string", "date" or "integer"
    required: bool = True


#: Each input file (``NAME.parquet`` in the data folder) and its columns.
INPUTS: dict[str, tuple[Column, ...]] = {
    "practices": (Column("practice_code", "string"), Column("practice_name", "string")),
    "patients": (
        Column("patient_id", "string"),
        Column("practice_code", "string"),
        Column("date_of_birth", "date"),
        Column("sex", "string"),
        Column("deprivation_decile", "integer"),
        Column("care_home_since", "date", required=False),
    ),
    "diagnoses": (
        Column("patient_id", "string"),
        Column("code", "string"),
        Column("date", "date"),
    ),
    "medications": (
        Column("patient_id", "string"),
        Column("medicine_code", "string"),
        Column("issue_date", "date"),
    ),
    "activity": (
        Column("patient_id", "string"),
        Column("activity_type", "string"),
        Column("start_date", "date"),
        Column("end_date", "date", required=False),
        Column("cost", "integer"),
    ),
}


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    description: str


FEATURES: tuple[Feature, ...] = (
    Feature("age", "age in completed years at the index date"),
    Feature("female", "1 if the registered sex is F, else 0"),
    Feature(
        "deprivation_decile",
        "Index of Multiple Deprivation decile of the home LSOA (1 most deprived, 10 least)",
    ),
    *(
        Feature(
            cluster.name,
            f"1 if a code of the {cluster.label.lower()} cluster "
            f"({', '.join(cluster.prefixes)}) was recorded before the index date",
        )
        for cluster in CLUSTERS
    ),
    Feature("ltc_count", "number of the 14 long-term conditions recorded before the index date"),
    Feature("frailty_deficits", "number of the 12 frailty deficits recorded before the index date"),
    Feature(
        "prior_emergency_admissions",
        "emergency admissions starting in the 12 months before the index date",
    ),
    Feature(
        "prior_bed_days",
        "days in hospital before the index date of emergency admissions starting in the "
        "12 months before it (to the discharge, or to the index date if later or unknown)",
    ),
    Feature("ae_attendances", "A&E attendances in the 12 months before the index date"),
    Feature(
        "outpatient_attendances", "outpatient attendances in the 12 months before the index date"
    ),
    Feature(
        "distinct_medicines",
        "distinct medicines (by code) issued in the 12 months before the index date",
    ),
    Feature("care_home", "1 if living in a care home on the index date"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES)
#: The outcome columns computed when the 12 months after the index date are in the data.
OUTCOMES: tuple[str, ...] = ("emergency_admission", "cost")


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), clamped to the month's end.

    >>> add_months(date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    """
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
