"""The metric registry: reviewed definitions of the national BCF metrics, in YAML files.

Each file in ``definitions/`` says who defined its metrics and when it was reviewed, and lists
metrics with their numerator, denominator, unit, multiplier, polarity, frequency, source, the
financial years they applied and the metric they replaced. A file may also describe BCF
years (:mod:`bettercare.registry.years`): each year's framework, headline metrics and funding
streams. The files are validated on load; a mistake names the file, the metric (or year) and
the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from bettercare.core.indicators import UNITS, Unit
from bettercare.core.periods import FinancialYear
from bettercare.core.stats import POLARITIES, Polarity
from bettercare.registry.years import (
    FundingStream,
    RegistryYear,
    YearError,
    check_years,
    parse_years,
)

__all__ = [
    "DEFINITIONS",
    "FREQUENCIES",
    "FundingStream",
    "MetricDefinition",
    "RegistryError",
    "RegistryYear",
    "load_registry",
    "load_years",
]

DEFINITIONS = Path(__file__).parent / "definitions"
FREQUENCIES = ("month", "quarter", "year")
Frequency = Literal["month", "quarter", "year"]
CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
REQUIRED = (
    "code",
    "name",
    "numerator",
    "denominator",
    "unit",
    "multiplier",
    "polarity",
    "frequency",
    "source",
    "applies_from",
)
OPTIONAL = ("applies_to", "replaces", "parent", "description")


class RegistryError(ValueError):
    """A registry file that does not hold valid metric definitions."""


@dataclass(frozen=True, slots=True)
class MetricDefinition:
    """One reviewed metric definition."""

    code: str
    name: str
    numerator: str
    denominator: str
    unit: Unit
    multiplier: int
    polarity: Polarity
    frequency: Frequency
    source: str
    applies_from: FinancialYear
    applies_to: FinancialYear | None
    replaces: str | None
    parent: str | None
    description: str
    defined_by: str
    reviewed_on: date
    file: str

    def applies_in(self, year: FinancialYear) -> bool:
        """Whether the metric was in force in a financial year."""
        return self.applies_from <= year and (self.applies_to is None or year <= self.applies_to)

    @property
    def years(self) -> str:
        """The years it applied, e.g. ``2015-16 to 2019-20`` or ``from 2025-26``."""
        if self.applies_to is None:
            return f"from {self.applies_from}"
        if self.applies_to == self.applies_from:
            return str(self.applies_from)
        return f"{self.applies_from} to {self.applies_to}"


def _text(where: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: {field} must be non-empty text, got {value!r}")
    return value.strip()


def _choice(where: str, field: str, value: Any, allowed: Iterable[str]) -> str:
    options = tuple(allowed)
    if value not in options:
        raise RegistryError(f"{where}: {field} must be one of {', '.join(options)}; got {value!r}")
    return str(value)


def _year(where: str, field: str, value: Any) -> FinancialYear:
    try:
        return FinancialYear.parse(str(value))
    except ValueError as error:
        raise RegistryError(f"{where}: {field}: {error}") from None


def _definition(
    entry: Any, *, file: str, index: int, defined_by: str, reviewed_on: date
) -> MetricDefinition:
    where = f"{file}, metric {index + 1}"
    if not isinstance(entry, Mapping):
        raise RegistryError(f"{where}: expected a mapping of fields, got {entry!r}")
    code = entry.get("code")
    if isinstance(code, str):
        where = f"{file}, metric {code!r}"
    unknown = sorted(set(entry) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise RegistryError(
            f"{where}: unknown field(s) {', '.join(unknown)}; "
            f"expected {', '.join(REQUIRED + OPTIONAL)}"
        )
    missing = [name for name in REQUIRED if name not in entry]
    if missing:
        raise RegistryError(f"{where}: missing field(s) {', '.join(missing)}")
    if not isinstance(code, str) or not CODE.match(code):
        raise RegistryError(
            f"{where}: code must be lower-case letters, digits and underscores, got {code!r}"
        )
    multiplier = entry["multiplier"]
    if isinstance(multiplier, bool) or not isinstance(multiplier, int) or multiplier <= 0:
        raise RegistryError(
            f"{where}: multiplier must be a whole number above 0, got {multiplier!r}"
        )
    applies_from = _year(where, "applies_from", entry["applies_from"])
    applies_to = None
    if entry.get("applies_to") is not None:
        applies_to = _year(where, "applies_to", entry["applies_to"])
        if applies_to < applies_from:
            raise RegistryError(
                f"{where}: applies_to {applies_to} is before applies_from {applies_from}"
            )
    return MetricDefinition(
        code=code,
        name=_text(where, "name", entry["name"]),
        numerator=_text(where, "numerator", entry["numerator"]),
        denominator=_text(where, "denominator", entry["denominator"]),
        unit=cast(Unit, _choice(where, "unit", entry["unit"], UNITS)),
        multiplier=multiplier,
        polarity=cast(Polarity, _choice(where, "polarity", entry["polarity"], POLARITIES)),
        frequency=cast(Frequency, _choice(where, "frequency", entry["frequency"], FREQUENCIES)),
        source=_text(where, "source", entry["source"]),
        applies_from=applies_from,
        applies_to=applies_to,
        replaces=entry.get("replaces"),
        parent=entry.get("parent"),
        description=str(entry.get("description") or "").strip(),
        defined_by=defined_by,
        reviewed_on=reviewed_on,
        file=file,
    )


#: libyaml's safe loader (ten times faster; the same documents, ADR 0117) where PyYAML has it.
_FAST_LOADER = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def _load_file(path: Path) -> tuple[list[MetricDefinition], list[RegistryYear]]:
    file = path.name
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.load(text, Loader=_FAST_LOADER)  # noqa: S506  # a safe loader
    except yaml.YAMLError:
        try:  # the pure-Python parser's message, which names the line and shows it
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise RegistryError(f"{file}: not valid YAML: {error}") from None
        raise AssertionError(f"{file}: libyaml refused what PyYAML reads") from None
    if not isinstance(document, Mapping):
        raise RegistryError(f"{file}: expected defined_by, reviewed_on, and metrics or years")
    unknown = sorted(set(document) - {"defined_by", "reviewed_on", "metrics", "years"})
    if unknown:
        raise RegistryError(f"{file}: unknown key(s) {', '.join(unknown)}")
    defined_by = _text(file, "defined_by", document.get("defined_by"))
    reviewed_on = document.get("reviewed_on")
    if not isinstance(reviewed_on, date):
        raise RegistryError(f"{file}: reviewed_on must be a date (YYYY-MM-DD), got {reviewed_on!r}")
    entries = document.get("metrics")
    # A file of years alone (a year whose metrics are defined elsewhere) has no metrics.
    if ("years" not in document or entries is not None) and (
        not isinstance(entries, list) or not entries
    ):
        raise RegistryError(f"{file}: metrics must be a non-empty list")
    definitions = [
        _definition(entry, file=file, index=index, defined_by=defined_by, reviewed_on=reviewed_on)
        for index, entry in enumerate(entries or [])
    ]
    years: list[RegistryYear] = []
    if "years" in document:
        try:
            years = parse_years(document["years"], file=file, reviewed_on=reviewed_on)
        except YearError as error:
            raise RegistryError(str(error)) from None
    return definitions, years


def _load(directory: Path) -> tuple[dict[str, MetricDefinition], dict[FinancialYear, RegistryYear]]:
    definitions: dict[str, MetricDefinition] = {}
    years: list[RegistryYear] = []
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise RegistryError(f"no metric definitions (*.yaml) in {directory}")
    for path in files:
        found, described = _load_file(path)
        years.extend(described)
        for definition in found:
            if definition.code in definitions:
                raise RegistryError(
                    f"{path.name}: metric {definition.code!r} is already defined in "
                    f"{definitions[definition.code].file}"
                )
            definitions[definition.code] = definition
    for definition in definitions.values():
        for field in ("parent", "replaces"):
            other = getattr(definition, field)
            if other is not None and other not in definitions:
                raise RegistryError(
                    f"{definition.file}, metric {definition.code!r}: {field} {other!r} "
                    "is not a metric in the registry"
                )
    try:
        check_years(years, definitions)
    except YearError as error:
        raise RegistryError(str(error)) from None
    return definitions, {entry.year: entry for entry in sorted(years, key=lambda y: y.year)}


def load_registry(directory: Path = DEFINITIONS) -> dict[str, MetricDefinition]:
    """Load and validate every ``*.yaml`` file in ``directory``, keyed by metric code.

    Raises
    ------
    RegistryError
        Naming the file, metric and field of the first problem: a missing or unknown field,
        a bad value, a duplicate code, a ``parent``/``replaces`` that is not a metric, or a
        year whose metrics disagree with the definitions (see :func:`load_years`).
    """
    return _load(directory)[0]


def load_years(directory: Path = DEFINITIONS) -> dict[FinancialYear, RegistryYear]:
    """The BCF years the registry describes, oldest first, validated with the definitions.

    Each :class:`RegistryYear` names its framework, its headline metrics (registry codes, all
    in force that year, and all of the registry's metrics in force that year), whether they
    are the year's own definitions or carried forward from an earlier year pending review,
    and its funding streams as that year names them.

    Raises
    ------
    RegistryError
        As :func:`load_registry`, or for a year entry that is not valid.
    """
    return _load(directory)[1]
