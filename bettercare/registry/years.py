"""The BCF years of the registry: each year's framework, headline metrics and funding streams.

A registry file may hold, beside (or instead of) metric definitions, a ``years`` list: one
entry per financial year saying which framework governs it, which registry metrics are its
headline metrics, where that list comes from (``defined``: the year's own definitions;
``carried_forward``: the definitions of an earlier year, kept until the year's own can be
read, with a date by which to review them), and its funding streams as that year names them
(the improved Better Care Fund became the Local Authority Better Care Grant in 2025-26 and
the Local Authority Better Care Fund in 2026-27).

Validated on load together with the metric definitions: a year's metrics must be registry
metrics in force that year, and every registry metric in force that year must be listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, cast

from bettercare.core.periods import FinancialYear

__all__ = ["BASES", "FundingStream", "RegistryYear", "check_years", "parse_years"]

BASES = ("defined", "carried_forward")
Basis = Literal["defined", "carried_forward"]
STREAM_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
YEAR_REQUIRED = ("year", "framework", "source", "provenance", "basis", "metrics", "funding_streams")
YEAR_OPTIONAL = ("published", "carried_forward_from", "review_by")
STREAM_REQUIRED = ("code", "name")
STREAM_OPTIONAL = ("formerly", "national_amount_million", "note")


class YearError(ValueError):
    """A year entry that is not valid (re-raised as a RegistryError by the loader)."""


@dataclass(frozen=True, slots=True)
class FundingStream:
    """A funding stream of the pooled fund, named as its year names it."""

    code: str
    name: str
    formerly: str
    national_amount_million: int | None
    note: str


@dataclass(frozen=True, slots=True)
class RegistryYear:
    """One BCF financial year: its framework, headline metrics and funding streams."""

    year: FinancialYear
    framework: str
    published: date | None
    source: str
    provenance: str
    basis: Basis
    carried_forward_from: FinancialYear | None
    review_by: date | None
    metrics: tuple[str, ...]
    funding_streams: tuple[FundingStream, ...]
    file: str

    @property
    def carried_forward(self) -> bool:
        """Whether its metrics are an earlier year's definitions, pending review."""
        return self.basis == "carried_forward"

    def stream(self, code: str) -> FundingStream:
        """The funding stream with this code."""
        for stream in self.funding_streams:
            if stream.code == code:
                return stream
        codes = ", ".join(s.code for s in self.funding_streams)
        raise KeyError(f"code {code!r} is not a funding stream of {self.year}; expected {codes}")


def _text(where: str, field: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise YearError(f"{where}: {field} must be non-empty text, got {value!r}")
    return " ".join(value.split())


def _fy(where: str, field: str, value: Any) -> FinancialYear:
    try:
        return FinancialYear.parse(str(value))
    except ValueError as error:
        raise YearError(f"{where}: {field}: {error}") from None


def _date(where: str, field: str, value: Any) -> date:
    if not isinstance(value, date):
        raise YearError(f"{where}: {field} must be a date (YYYY-MM-DD), got {value!r}")
    return value


def _keys(where: str, entry: Any, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    if not isinstance(entry, Mapping):
        raise YearError(f"{where}: expected a mapping of fields, got {entry!r}")
    unknown = sorted(set(entry) - set(required) - set(optional))
    if unknown:
        raise YearError(
            f"{where}: unknown field(s) {', '.join(unknown)}; "
            f"expected {', '.join(required + optional)}"
        )
    missing = [name for name in required if name not in entry]
    if missing:
        raise YearError(f"{where}: missing field(s) {', '.join(missing)}")


def _stream(where: str, entry: Any) -> FundingStream:
    _keys(where, entry, STREAM_REQUIRED, STREAM_OPTIONAL)
    code = entry["code"]
    if not isinstance(code, str) or not STREAM_CODE.match(code):
        raise YearError(
            f"{where}: code must be lower-case letters, digits and underscores, got {code!r}"
        )
    amount = entry.get("national_amount_million")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
        raise YearError(
            f"{where}: national_amount_million must be a whole number of £ millions, got {amount!r}"
        )
    if amount is not None and amount <= 0:
        raise YearError(f"{where}: national_amount_million must be above 0, got {amount!r}")
    formerly = entry.get("formerly")
    note = entry.get("note")
    return FundingStream(
        code=code,
        name=_text(where, "name", entry["name"]),
        formerly="" if formerly is None else _text(where, "formerly", formerly),
        national_amount_million=amount,
        note="" if note is None else _text(where, "note", note),
    )


def _year(file: str, index: int, entry: Any, reviewed_on: date) -> RegistryYear:
    where = f"{file}, year {index + 1}"
    if isinstance(entry, Mapping) and "year" in entry:
        where = f"{file}, year {entry['year']}"
    _keys(where, entry, YEAR_REQUIRED, YEAR_OPTIONAL)
    year = _fy(where, "year", entry["year"])
    basis = entry["basis"]
    if basis not in BASES:
        raise YearError(f"{where}: basis must be one of {', '.join(BASES)}; got {basis!r}")
    carried_from = None
    review_by = None
    if basis == "carried_forward":
        for field in ("carried_forward_from", "review_by"):
            if entry.get(field) is None:
                raise YearError(
                    f"{where}: carried_forward metrics need {field} "
                    "(the year they come from and the date to review them by)"
                )
        carried_from = _fy(where, "carried_forward_from", entry["carried_forward_from"])
        if not carried_from < year:
            raise YearError(
                f"{where}: carried_forward_from {carried_from} must be a year before {year}"
            )
        review_by = _date(where, "review_by", entry["review_by"])
        if review_by <= reviewed_on:
            raise YearError(
                f"{where}: review_by {review_by} must be after the file's reviewed_on {reviewed_on}"
            )
    elif entry.get("carried_forward_from") is not None:
        raise YearError(f"{where}: carried_forward_from is only for basis carried_forward")
    elif entry.get("review_by") is not None:
        review_by = _date(where, "review_by", entry["review_by"])
    metrics = entry["metrics"]
    if (
        not isinstance(metrics, list)
        or not metrics
        or not all(isinstance(code, str) for code in metrics)
    ):
        raise YearError(f"{where}: metrics must be a non-empty list of metric codes")
    if len(set(metrics)) != len(metrics):
        raise YearError(f"{where}: metrics lists a code twice: {metrics!r}")
    streams = entry["funding_streams"]
    if not isinstance(streams, list) or not streams:
        raise YearError(f"{where}: funding_streams must be a non-empty list")
    parsed = tuple(
        _stream(f"{where}, funding stream {k + 1}", stream) for k, stream in enumerate(streams)
    )
    codes = [stream.code for stream in parsed]
    if len(set(codes)) != len(codes):
        raise YearError(f"{where}: funding stream codes must be unique, got {codes!r}")
    published = entry.get("published")
    return RegistryYear(
        year=year,
        framework=_text(where, "framework", entry["framework"]),
        published=None if published is None else _date(where, "published", published),
        source=_text(where, "source", entry["source"]),
        provenance=_text(where, "provenance", entry["provenance"]),
        basis=cast(Basis, basis),
        carried_forward_from=carried_from,
        review_by=review_by,
        metrics=tuple(metrics),
        funding_streams=parsed,
        file=file,
    )


def parse_years(entries: Any, *, file: str, reviewed_on: date) -> list[RegistryYear]:
    """The ``years`` list of one registry file, each entry checked on its own."""
    if not isinstance(entries, list) or not entries:
        raise YearError(f"{file}: years must be a non-empty list")
    return [_year(file, index, entry, reviewed_on) for index, entry in enumerate(entries)]


def check_years(years: list[RegistryYear], definitions: Mapping[str, Any]) -> None:
    """Check the years against each other and against the metric definitions.

    Raises
    ------
    YearError
        For a year given twice, a metric that is not in the registry or not in force in the
        year (or, when carried forward, in the year it comes from), or a registry metric in
        force in the year that the year does not list.
    """
    seen: dict[FinancialYear, str] = {}
    for entry in years:
        where = f"{entry.file}, year {entry.year}"
        if entry.year in seen:
            raise YearError(f"{where}: the year is already described in {seen[entry.year]}")
        seen[entry.year] = entry.file
        for code in entry.metrics:
            definition = definitions.get(code)
            if definition is None:
                raise YearError(f"{where}: metric {code!r} is not a metric in the registry")
            if not definition.applies_in(entry.year):
                raise YearError(
                    f"{where}: metric {code!r} applies {definition.years} "
                    f"({definition.file}), not in {entry.year}"
                )
            if entry.carried_forward_from is not None and not definition.applies_in(
                entry.carried_forward_from
            ):
                raise YearError(
                    f"{where}: metric {code!r} is carried forward from "
                    f"{entry.carried_forward_from} but did not apply then ({definition.years})"
                )
        in_force = sorted(
            code for code, definition in definitions.items() if definition.applies_in(entry.year)
        )
        unlisted = [code for code in in_force if code not in entry.metrics]
        if unlisted:
            raise YearError(
                f"{where}: metric(s) {', '.join(unlisted)} apply in {entry.year} but are not "
                "in its metrics; list them, or end them with applies_to"
            )
