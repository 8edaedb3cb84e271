"""The record-level inputs of the pipeline: their files, columns, types and allowed values.

Each input is a Parquet or CSV file named after it in the input folder (``admissions.parquet``
or ``admissions.csv``), or a folder of that name holding Parquet or CSV parts. Column names are
exactly these; extra columns are ignored. ``docs/pipeline.md`` describes them for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bettercare.core.stats import ESP2013_AGE_BANDS

__all__ = [
    "AREAS",
    "DATASETS",
    "DISCHARGE_DESTINATIONS",
    "EARLIEST_DATE",
    "Dataset",
    "Field",
]

FieldType = Literal["string", "date", "integer", "boolean"]

#: No record can be older than the NHS (5 July 1948): an earlier date is a mistake.
EARLIEST_DATE = date(1948, 7, 5)
OLDEST_AGE = 120

#: NHS Data Dictionary, DISCHARGE DESTINATION CODE (HOSPITAL PROVIDER SPELL), the codes used
#: by the metrics and the synthetic data; other codes are allowed and count as "elsewhere".
DISCHARGE_DESTINATIONS = {
    "19": "usual place of residence",
    "29": "temporary place of residence",
    "51": "another NHS hospital (general ward)",
    "54": "care home (local authority or independent)",
    "65": "local authority residential accommodation",
    "79": "died (not discharged alive)",
    "98": "not applicable: still in hospital",
}


@dataclass(frozen=True, slots=True)
class Field:
    """A column: name, type, whether it must have a value, and what values it may hold."""

    name: str
    type: FieldType
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""
    column_optional: bool = False

    @property
    def expected(self) -> str:
        """What a value should look like, in words, for error messages."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        if self.type == "date":
            return "a date as YYYY-MM-DD"
        if self.type == "integer":
            if self.minimum is not None and self.maximum is not None:
                return f"a whole number from {self.minimum} to {self.maximum}"
            return "a whole number"
        if self.type == "boolean":
            return "true or false"
        return "text"


@dataclass(frozen=True, slots=True)
class Dataset:
    """One input: its name (and file name), what a row is, its columns, whether it is needed."""

    name: str
    description: str
    fields: tuple[Field, ...]
    required: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(field.name for field in self.fields)

    def field(self, name: str) -> Field:
        return next(field for field in self.fields if field.name == name)


AREA = Field("area_code", "string", description="ONS code of the area of residence (HWB)")
AGE = Field("age", "integer", minimum=0, maximum=OLDEST_AGE, description="age in whole years")
PERSON = Field("person_id", "string", description="pseudonymised person identifier")

ADMISSIONS = Dataset(
    "admissions",
    "Hospital admissions (inpatient spells), one row per admission",
    (
        PERSON,
        Field("admission_date", "date"),
        Field("discharge_date", "date", required=False, description="empty while in hospital"),
        Field("admission_method", "string", choices=("elective", "emergency")),
        AGE,
        Field("sex", "string", choices=("F", "M")),
        AREA,
        Field(
            "primary_diagnosis",
            "string",
            required=False,
            description="ICD-10 code of the primary diagnosis, e.g. J44.1 or J441",
        ),
        Field(
            "discharge_destination",
            "string",
            required=False,
            description="NHS discharge destination code, e.g. 19 = usual place of residence",
        ),
        Field(
            "discharge_ready_date",
            "date",
            required=False,
            description="the date the person was ready to leave hospital (discharge ready date)",
        ),
    ),
)
CARE_HOME_ADMISSIONS = Dataset(
    "care_home_admissions",
    "Council-supported admissions to residential and nursing care homes, one row per admission",
    (
        PERSON,
        Field("start_date", "date"),
        AGE,
        AREA,
        Field("duration", "string", choices=("long_term", "short_term")),
    ),
    required=False,
)
REABLEMENT = Dataset(
    "reablement",
    "Discharges from hospital into reablement or rehabilitation, one row per episode",
    (
        PERSON,
        Field("discharge_date", "date", description="the date of discharge into reablement"),
        AGE,
        AREA,
        Field("at_home_91_days", "boolean", description="at home 91 days after that discharge"),
    ),
    required=False,
)
POPULATION = Dataset(
    "population",
    "Mid-year population estimates (at 30 June of the year), one row per area, year, sex, band",
    (
        AREA,
        Field("year", "integer", minimum=EARLIEST_DATE.year, maximum=2100),
        Field("sex", "string", choices=("F", "M")),
        Field("age_band", "string", choices=ESP2013_AGE_BANDS),
        Field("population", "integer", minimum=0, maximum=100_000_000),
    ),
)
#: The areas the data cover, with names: optional, used to create areas on ``--load``.
AREAS = Dataset(
    "areas",
    "The areas, with their names and parents, to create them in the database on --load",
    (
        AREA,
        Field("area_name", "string"),
        Field("area_type", "string", choices=("HWB", "ICB", "region")),
        Field("parent_code", "string", required=False),
        Field(
            "is_demo",
            "boolean",
            required=False,
            description="true for demonstration (synthetic) areas, labelled as such when shown",
            column_optional=True,
        ),
    ),
    required=False,
)
DATASETS: dict[str, Dataset] = {
    dataset.name: dataset
    for dataset in (ADMISSIONS, CARE_HOME_ADMISSIONS, REABLEMENT, POPULATION, AREAS)
}
