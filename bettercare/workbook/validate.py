"""Checking a workbook the way a careful analyst checks a return.

**Errors** (nothing at all is written): an unknown sheet or column, an unparseable number,
date or period, a missing required value, an unknown area, scheme, theme or metric, a
duplicate key, a numerator above its denominator for a proportion, a negative count, a
likelihood or impact outside 1-5, an AMBER or RED status without commentary, a change to a
signed-off period.

**Warnings** (the import proceeds and the warning is kept with the row): a published value
that disagrees with numerator / denominator x multiplier by more than rounding, scheme spend
that does not add up to the funding budget, a target without a baseline, a scheme status
other than the one proposed from the workbook's data with no reason given.

Every message names the file, sheet, row (as Excel numbers it), column, value and what was
expected. References are checked against the workbook itself and against what the database
already holds (``Known``), so a monthly return can refer to schemes imported earlier.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import compress, repeat
from math import nan
from operator import itemgetter
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bettercare.core import assurance, scheme_description
from bettercare.core.indicators import published_value_mismatch, published_values_disagree
from bettercare.core.milestones import activity_month_problem, activity_months
from bettercare.core.pay_for_performance import pay_for_performance_problem
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.plan_details import condition_problem, sign_off_problem
from bettercare.core.pooled_fund import FundingStreamLine, pooled_fund_problems
from bettercare.core.proposals import OVERRIDE_EXPECTED, Proposal, override_problem
from bettercare.core.rag import Dimension, allowed_statuses, commentary_problem, summary_required
from bettercare.core.summary import MetricSpec
from bettercare.workbook.messages import Message
from bettercare.workbook.proposals import RowProposer
from bettercare.workbook.reader import RawSheet, RawWorkbook
from bettercare.workbook.schema import SHEETS, SHEETS_BY_NAME, Column, ColumnType, Sheet
from bettercare.workbook.values import (
    BLANK,
    PARSERS,
    Cell,
    CellError,
    Measure,
    parse_one,
    parse_texts,
)


@dataclass(frozen=True, slots=True)
class MetricInfo:
    """What validation needs to know of a metric."""

    unit: str
    multiplier: float
    polarity: str = ""
    frequency: str = ""
    national: bool = False
    #: The financial years a national metric applies in (``2025-26``); blank: no limit.
    applies_from: str = ""
    applies_to: str = ""
    #: Its name, for the basis of a proposed metrics status ("" names it by its code).
    name: str = ""

    def years_problem(self, kind: str, start: date, end: date) -> str | None:
        """Why a national metric can hold no ``kind`` value for ``start`` to ``end``, or None.

        A target or forecast must fall in the years the metric applies in (every financial
        year the period touches); an actual must not come after its last year (the metric was
        retired or replaced). Actuals from before its first year are its history (a national
        series usually predates its adoption into the BCF) and baselines describe the time
        before a plan, so both are accepted. A local metric has no years.
        """
        if not self.national or not self.applies_from or kind == "baseline":
            return None
        first, last = FinancialYear.of(start), FinancialYear.of(end)
        since = FinancialYear.parse(self.applies_from)
        until = FinancialYear.parse(self.applies_to) if self.applies_to else None
        if kind == "actual":
            if until is not None and last > until:
                return "is after the last year"
            return None
        if first < since or (until is not None and last > until):
            return "is outside the years"
        return None

    @property
    def years(self) -> str:
        if not self.applies_to:
            return f"from {self.applies_from}"
        if self.applies_to == self.applies_from:
            return self.applies_from
        return f"{self.applies_from} to {self.applies_to}"


@dataclass
class Known:
    """What the database already holds, for checking references."""

    areas: set[str] = field(default_factory=set)
    schemes: dict[tuple[str, str], date | None] = field(default_factory=dict)
    themes: set[tuple[str, str]] = field(default_factory=set)
    metrics: dict[str, MetricInfo] = field(default_factory=dict)
    baselines: set[tuple[str, str]] = field(default_factory=set)
    signed_off: set[tuple[str, str]] = field(default_factory=set)
    #: The rows already held for signed-off periods, by sheet, as ``signed_off_row`` gives
    #: them: re-importing an identical row is no change, so it is not refused.
    signed_off_rows: dict[str, set[tuple[Any, ...]]] = field(default_factory=dict)
    #: The months of the monthly actuals already held, for the (area code, metric code) pairs
    #: asked for (read only when a workbook has SPC rebase points to check).
    actual_months: Callable[[set[tuple[str, str]]], dict[tuple[str, str], set[date]]] = field(
        default=lambda pairs: {}
    )
    #: The most characters the database holds of each text column, by (sheet, column): the
    #: ``max_length`` of the field the column is written to (ADR 0128). A column not named
    #: has no limit.
    lengths: dict[tuple[str, str], int] = field(default_factory=dict)


#: The columns that make a return row what it is, for comparing with a signed-off period.
#: The sheets of a period's returns: refused for a signed-off period unless unchanged.
RETURN_SHEETS = ("status_updates", "programme_status", "achievements", "planned_activities")
RETURN_COLUMNS = {
    "status_updates": (
        "area_code",
        "period",
        "scheme_ref",
        "dimension",
        "status",
        "commentary",
        "additional_information",
        "start_date",
        "forecast_outturn",
        "savings_achieved",
    ),
    "programme_status": ("area_code", "period", "dimension", "status", "summary"),
    "achievements": ("area_code", "period", "text"),
    "planned_activities": ("area_code", "period", "group", "text", "month"),
}


def signed_off_row(sheet: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """A return row as comparable values (blank text as ``""``, periods as ``YYYY-MM``,
    amounts as written: 1200 and 1200.00 alike)."""
    return tuple(_comparable(values.get(column)) for column in RETURN_COLUMNS[sheet])


def _comparable(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


@dataclass
class Record:
    """A row with its values parsed: ``values[column]`` (None when blank)."""

    sheet: str
    row: int
    values: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    def __getitem__(self, column: str) -> Any:
        return self.values.get(column)

    def key(self, sheet: Sheet) -> tuple[Any, ...]:
        return tuple(self.values.get(column) for column in sheet.key)


#: The sheets kept by column to the end when every row is usable and none has a message to
#: say (the writer takes them so, ADR 0140): their records are made only if something asks.
BY_COLUMN = frozenset({"metric_values"})


@dataclass
class HeldColumns:
    """A sheet's rows held by column: each row's number and each column's parsed values (every
    column of the sheet, as a record of it would hold them), none with a warning."""

    sheet: str
    numbers: list[int]
    values: dict[str, list[Any]]

    def records(self) -> list[Record]:
        """The rows as records (each as wide as the columns)."""
        names = list(self.values)
        rows = zip(*self.values.values(), strict=True)
        return list(
            map(Record, repeat(self.sheet), self.numbers, map(dict, map(zip, repeat(names), rows)))
        )


@dataclass
class ValidatedWorkbook:
    """A workbook's parsed records and every message about it."""

    source: str
    #: Each sheet's records, but for a sheet ``held`` by column until its records are asked for.
    records: dict[str, list[Record]]
    messages: list[Message]
    #: The columns each sheet was read with: an optional column left out of a workbook leaves
    #: what is held alone, where a blank cell clears it.
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The sheets (of :data:`BY_COLUMN`) whose rows are held by column.
    held: dict[str, HeldColumns] = field(default_factory=dict)

    def has_column(self, sheet: str, column: str) -> bool:
        """Whether the workbook's ``sheet`` has ``column`` (blank or not)."""
        return column in self.columns.get(sheet, ())

    @property
    def errors(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "error"]

    @property
    def warnings(self) -> list[Message]:
        return [m for m in self.messages if m.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def rows(self, sheet: str) -> list[Record]:
        held = self.held.pop(sheet, None)
        if held is not None:
            self.records[sheet] = held.records()
        return self.records.get(sheet, [])

    def by_column(self, sheet: str) -> dict[str, list[Any]] | None:
        """The values of ``sheet``'s rows by column when it is held so (every row usable,
        none with a warning; the lists are not to be changed), else None: read its rows."""
        held = self.held.get(sheet)
        return None if held is None else held.values

    @property
    def sheet_names(self) -> set[str]:
        """The sheets that have records (or are held by column)."""
        return set(self.records) | set(self.held)

    def distinct(self, sheet: str, column: str) -> set[Any]:
        """The distinct values of ``column`` in ``sheet``'s rows (None where a row has none),
        without making records of a sheet held by column."""
        held = self.held.get(sheet)
        if held is not None:
            return set(held.values.get(column, ())) if held.numbers else set()
        return {record.values.get(column) for record in self.records.get(sheet, [])}


DEFAULTS: dict[tuple[str, str], Any] = {
    ("schemes", "enabler"): False,
    ("schemes", "metrics_impacted"): (),
    ("scheme_finance", "recurrent"): Decimal(0),
    ("scheme_finance", "non_recurrent"): Decimal(0),
    ("savings", "achieved_to_date"): Decimal(0),
    ("funding", "pooled"): True,
    # A file of monthly actuals need not say that each row is an actual.
    ("metric_values", "kind"): "actual",
}


#: What a required cell should hold, where its type alone does not say.
REQUIRED: dict[tuple[str, str], str] = {
    ("scheme_delivery_chain", "organisation"): "the organisation that has this role "
    "(a role in the delivery chain needs an organisation)",
}


#: Parsed values that are safe to share between records (never changed in place).
_SHAREABLE = (str, int, float, bool, date, Decimal, Measure, Month, FinancialYear, tuple)


def _parse_cached(parse: Callable[[Cell], Any], cell: Cell, cache: dict[Any, Any]) -> Any:
    """``parse(cell)``, the :class:`CellError` it raises, or :data:`BLANK` for a blank cell,
    remembered for equal cells (most cells of a column repeat: codes, dates, kinds)."""
    value = cell.value
    # True and 1 are equal but parse differently
    key: tuple[type[Any], Any, bool] | None = (type(value), value, cell.percent)
    try:
        return cache[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable value: parse it every time
        key = None
    result = parse_one(parse, cell)
    if key is not None and (result is BLANK or isinstance(result, (*_SHAREABLE, CellError))):
        cache[key] = result
    return result


def too_long(length: int, limit: int) -> CellError:
    """The problem with a text of ``length`` characters where at most ``limit`` are held."""
    return CellError(f"is {length:,} characters long", f"at most {limit:,} characters")


def _limited(column_type: ColumnType, limit: int) -> Callable[[Cell], Any]:
    """The parser of ``column_type`` that also refuses a text of more than ``limit``
    characters (run once for each distinct cell, as every parser is)."""
    parse = PARSERS[column_type]

    def limited(cell: Cell) -> Any:
        value = parse(cell)
        if type(value) is str and len(value) > limit:
            raise too_long(len(value), limit)
        return value

    return limited


def _parse_column(parse: Callable[[Cell], Any], cells: list[Cell]) -> tuple[list[Any], bool]:
    """:func:`_parse_cached` of every cell of a column, each distinct cell once (cells read
    from CSV are shared, one per distinct text, and equal cells parse alike), and whether any
    is blank or a problem."""
    memo: dict[Any, Any] = {}
    identities = list(map(id, cells))
    distinct = dict(zip(identities, cells, strict=True))
    results = {key: _parse_cached(parse, cell, memo) for key, cell in distinct.items()}
    problem = any(r is BLANK or type(r) is CellError for r in results.values())
    return list(map(results.__getitem__, identities)), problem


def _columns(rows: list[dict[str, Any]]) -> Mapping[str, Sequence[Any]]:
    """The values of the metric values' records by column, read off the records."""
    names = SHEETS_BY_NAME["metric_values"].column_names
    if not rows:
        return dict.fromkeys(names, ())
    return dict(zip(names, zip(*map(itemgetter(*names), rows), strict=True), strict=True))


def _quiet_values(
    columns: Mapping[str, Sequence[Any]], metrics: dict[str, MetricInfo]
) -> tuple[NDArray[np.bool_], list[float | None]]:
    """Which metric values have nothing to say, a whole sheet at once, and each one's
    published value as kept (None: none): the rows of a known local metric that
    :meth:`_Checker._check_value` passes at once (the same conditions, on arrays) with a
    published value that agrees with the figures (core's rule, on arrays)."""
    codes = columns["metric_code"]
    count = len(codes)
    infos = list(metrics.values())
    index_of = {code: index for index, code in enumerate(metrics)}
    at = np.fromiter(map(index_of.get, codes, repeat(len(infos))), np.intp, count)
    # One more metric, last, for a code not known (never quiet).
    units = np.array([m.unit for m in infos] + [""])[at]
    multipliers = np.array([m.multiplier for m in infos] + [1.0], dtype=np.float64)[at]
    local = np.array([not m.national for m in infos] + [False], dtype=bool)[at]
    starts, ends, measures = columns["period_start"], columns["period_end"], columns["value"]
    numerators, denominators = columns["numerator"], columns["denominator"]
    squares = columns["sum_of_squares"]
    numerator = np.array(numerators, dtype=np.float64)
    denominator = np.array(denominators, dtype=np.float64)
    number = np.array(list(map(getattr, measures, repeat("number"), repeat(nan))), np.float64)
    percent = np.fromiter(map(getattr, measures, repeat("percent"), repeat(False)), bool, count)
    has_measure = ~np.isnan(number)
    proportion = units == "proportion"
    # A percentage of a proportion is scaled by its multiplier, in decimal, as
    # _check_value scales it (each distinct pair once).
    value = number.copy()
    scaled_rows = np.flatnonzero(percent & proportion & (multipliers > 0))
    pairs = list(zip(number[scaled_rows].tolist(), multipliers[scaled_rows].tolist(), strict=True))
    scaled = {
        pair: float(Decimal(repr(pair[0])) * Decimal(repr(pair[1])) / 100) for pair in set(pairs)
    }
    value[scaled_rows] = list(map(scaled.__getitem__, pairs))
    with np.errstate(invalid="ignore"):
        quiet = (  # the conditions of _check_value's common row
            local
            & np.isnan(np.array(squares, dtype=np.float64))
            & np.fromiter(map(operator.ge, ends, starts), bool, count)
            & (~percent | (proportion & (multipliers > 0)))
            & (np.isnan(numerator) | (numerator >= 0))
            & (np.isnan(denominator) | (denominator > 0))
            & (~has_measure | (number >= 0))
            & ~(proportion & (numerator > denominator))
            & (
                has_measure
                | (
                    ~np.isnan(numerator)
                    & (~np.isnan(denominator) | ~np.isin(units, ["rate", "proportion", "mean"]))
                )
            )
        )
    quiet[quiet] = ~published_values_disagree(
        units[quiet], multipliers[quiet], numerator[quiet], denominator[quiet], value[quiet]
    )
    published: list[float | None] = value.tolist()
    for index in np.flatnonzero(~has_measure).tolist():
        published[index] = None
    return quiet, published


class _Checker:
    def __init__(self, workbook: RawWorkbook, known: Known) -> None:
        self.workbook = workbook
        self.known = known
        self.messages: list[Message] = list(workbook.messages)
        self.records: dict[str, list[Record]] = {}
        self.raw_sheets: dict[str, RawSheet] = {}
        self.positions: dict[str, dict[int, int]] = {}  # row number to index, by sheet
        # Keys of rows that are there but could not be read: their own errors say why, so
        # references to them are not also reported as unknown.
        self.unreadable: dict[str, set[tuple[Any, ...]]] = defaultdict(set)
        self.sources = {name: sheet.source for name, sheet in workbook.sheets.items()}
        # The sheets of BY_COLUMN held by column (every row usable): no records until asked.
        self.held: dict[str, HeldColumns] = {}

    # -- messages ---------------------------------------------------------------------------

    def error(self, record: Record, column: str | None, problem: str, expected: str = "") -> None:
        self._add("error", record, column, problem, expected)

    def warn(self, record: Record, column: str | None, problem: str, expected: str = "") -> None:
        record.warnings.append(problem)
        self._add("warning", record, column, problem, expected)

    def _add(
        self, severity: str, record: Record, column: str | None, problem: str, expected: str
    ) -> None:
        cell = self._cell(record.sheet, record.row, column)
        self.messages.append(
            Message(
                severity,  # type: ignore[arg-type]  # "error" or "warning", as the callers say
                self.sources.get(record.sheet, self.workbook.source),
                record.sheet,
                record.row,
                column,
                None if cell is None else cell.value,
                problem,
                expected,
            )
        )

    def _cell(self, sheet: str, row: int, column: str | None) -> Cell | None:
        """The cell a message is about, as read (None for a whole row or a column not read)."""
        raw = self.raw_sheets.get(sheet)
        if raw is None or column is None or column not in raw.cells:
            return None
        positions = self.positions.get(sheet)
        if positions is None:
            positions = self.positions[sheet] = {n: i for i, n in enumerate(raw.numbers)}
        index = positions.get(row)
        return None if index is None else raw.cells[column][index]

    # -- parsing ----------------------------------------------------------------------------

    def parse_sheet(self, sheet: Sheet, raw: RawSheet) -> None:
        """Parse a sheet a column at a time: each distinct cell of a column is parsed once,
        and the rows with a problem are found by their cells' results; each gets the same
        one-line message as if it were read alone."""
        self.raw_sheets[sheet.name] = raw
        count = len(raw.numbers)
        blank_column = [Cell(None)] * count
        parsed: list[list[Any]] = []
        problems: dict[int, list[tuple[Column, Any]]] = {}
        texts = raw.texts or {}
        for column in sheet.columns:
            limit = self.known.lengths.get((sheet.name, column.name))
            parse = PARSERS[column.type] if limit is None else _limited(column.type, limit)
            default = DEFAULTS.get((sheet.name, column.name))
            if column.name in texts:  # read from CSV: by text, plain figures all at once
                column_texts = texts[column.name]
                results, wrong = parse_texts(
                    column.type, column_texts, parse, BLANK if column.required else default
                )
                bad = (
                    np.flatnonzero(
                        np.fromiter(map(wrong.__contains__, column_texts), bool, count)
                    ).tolist()
                    if wrong
                    else []
                )
            else:
                results, problem = _parse_column(parse, raw.cells.get(column.name, blank_column))
                bad = (
                    [
                        index
                        for index, result in enumerate(results)
                        if result is BLANK or type(result) is CellError
                    ]
                    if problem
                    else []
                )
            for index in bad:
                result = results[index]
                if result is BLANK:
                    results[index] = default
                    if column.required:
                        problems.setdefault(index, []).append((column, BLANK))
                else:
                    problems.setdefault(index, []).append((column, result))
            parsed.append(results)
        names = [column.name for column in sheet.columns]
        numbers = raw.numbers
        key_at = [names.index(name) for name in sheet.key]
        name = sheet.name
        if not problems and name in BY_COLUMN:
            keys = list(zip(*(parsed[at] for at in key_at), strict=True))
            if len(set(keys)) == len(keys):  # every row usable, no key twice: kept by column
                self.held[name] = HeldColumns(name, numbers, dict(zip(names, parsed, strict=True)))
                return
        rows = list(zip(*parsed, strict=True)) if parsed else [()] * count
        if not problems:  # every row usable: made at once (each row as wide as the names)
            records = list(
                map(Record, repeat(name), numbers, map(dict, map(zip, repeat(names), rows)))
            )
        else:
            records = []
            for index, values in enumerate(rows):
                found = problems.get(index)
                if found is None:
                    records.append(
                        Record(name, numbers[index], dict(zip(names, values, strict=True)))
                    )
                    continue
                record = Record(name, numbers[index], {})
                for column, result in found:
                    if result is BLANK:
                        self.error(
                            record,
                            column.name,
                            "a value is required",
                            REQUIRED.get((sheet.name, column.name)) or _expects(column.type),
                        )
                    else:
                        self.error(record, column.name, result.problem, result.expected)
                key = tuple(None if type(values[at]) is CellError else values[at] for at in key_at)
                if None not in key:
                    self.unreadable[name].add(key)
        keys = (
            list(zip(*(parsed[at] for at in key_at), strict=True))
            if not problems
            else [tuple(record.values[column] for column in sheet.key) for record in records]
        )
        if len(set(keys)) == len(keys):  # no key twice (the usual case): nothing to refuse
            self.records[name] = records
            return
        seen: dict[tuple[Any, ...], int] = {}
        unique: list[Record] = []
        for record, key in zip(records, keys, strict=True):
            if key in seen:
                self.error(
                    record,
                    None,
                    f"duplicates row {seen[key]}: the same {', '.join(sheet.key)}",
                    "one row for each " + " and ".join(sheet.key),
                )
                continue
            seen[key] = record.row
            unique.append(record)
        self.records[name] = unique

    # -- references -------------------------------------------------------------------------

    def areas(self) -> set[str]:
        return (
            self.known.areas
            | {r["area_code"] for r in self.rows("programme")}
            | {key[0] for key in self.unreadable["programme"]}
        )

    def rows(self, sheet: str) -> list[Record]:
        held = self.held.pop(sheet, None)
        if held is not None:  # asked for by record: made now, and no longer held
            self.records[sheet] = held.records()
        return self.records.get(sheet, [])

    def schemes(self) -> dict[tuple[str, str], date | None]:
        schemes = dict(self.known.schemes)
        schemes.update({(r["area_code"], r["ref"]): r["start_date"] for r in self.rows("schemes")})
        return schemes

    def metrics(self) -> dict[str, MetricInfo]:
        metrics = dict(self.known.metrics)
        for r in self.rows("metrics"):
            # The workbook's definition of a local metric replaces the stored one (the import
            # writes it); a national metric keeps its registry definition.
            if r["code"] not in metrics or not metrics[r["code"]].national:
                metrics[r["code"]] = MetricInfo(
                    r["unit"], float(r["multiplier"]), r["polarity"], r["frequency"], name=r["name"]
                )
        return metrics

    def check_areas(self) -> None:
        areas = self.areas()
        for sheet in SHEETS:
            if "area_code" not in sheet.column_names:
                continue
            held = self.held.get(sheet.name)
            if held is not None and areas.issuperset(held.values["area_code"]):
                continue  # every area known: nothing to say, and no records made
            for record in self.rows(sheet.name):
                if record.values["area_code"] not in areas:
                    self.error(
                        record,
                        "area_code",
                        "is not a known area",
                        "an area listed on the programme sheet or already in bettercare",
                    )
        for record in self.rows("programme"):
            parent = record["parent_code"]
            if parent is not None and (parent not in areas or parent == record["area_code"]):
                self.error(
                    record,
                    "parent_code",
                    "is not another known area",
                    "the code of an area on the programme sheet or already in bettercare",
                )
            start, end = record["valid_from"], record["valid_to"]
            if start is not None and end is not None and end < start:
                self.error(
                    record, "valid_to", "is before valid_from", "a date on or after valid_from"
                )

    def check_schemes_and_themes(self) -> None:
        themes = (
            self.known.themes
            | {(r["area_code"], r["code"]) for r in self.rows("themes")}
            | self.unreadable["themes"]
        )
        metrics = set(self.metrics()) | {key[0] for key in self.unreadable["metrics"]}
        for record in self.rows("schemes"):
            theme = record["theme_code"]
            if theme is not None and (record["area_code"], theme) not in themes:
                self.error(
                    record,
                    "theme_code",
                    "is not a theme of this area",
                    "a code from the themes sheet (or a theme already in bettercare)",
                )
            unknown = [code for code in record["metrics_impacted"] or () if code not in metrics]
            if unknown:
                self.error(
                    record,
                    "metrics_impacted",
                    f"names unknown metric(s) {', '.join(unknown)}",
                    "metric codes from the registry or the metrics sheet, separated by ';'",
                )
        schemes = set(self.schemes()) | self.unreadable["schemes"]
        for sheet in (
            "scheme_finance",
            "scheme_delivery_chain",
            "scheme_investment",
            "scheme_kpis",
            "milestones",
            "risks",
            "status_updates",
        ):
            for record in self.rows(sheet):
                ref = record["scheme_ref"]
                if ref is not None and (record["area_code"], ref) not in schemes:
                    self.error(
                        record,
                        "scheme_ref",
                        "is not a scheme of this area",
                        "a ref from the schemes sheet (or a scheme already in bettercare)",
                    )

    def check_metrics(self) -> None:
        codes = (
            set(self.known.metrics)
            | {r["code"] for r in self.rows("metrics")}
            | {key[0] for key in self.unreadable["metrics"]}
        )
        for record in self.rows("metrics"):
            if record["multiplier"] is not None and record["multiplier"] <= 0:
                self.error(
                    record, "multiplier", "must be greater than zero", "e.g. 1, 100 or 100000"
                )
            parent = record["parent_code"]
            if parent is not None and parent not in codes:
                self.error(record, "parent_code", "is not a known metric", "a metric code")
            national = self.known.metrics.get(record["code"])
            if national is not None and national.national:
                ours = (
                    record["unit"],
                    float(record["multiplier"]),
                    record["polarity"],
                    record["frequency"],
                )
                theirs = (national.unit, national.multiplier, national.polarity, national.frequency)
                if ours != theirs:
                    self.error(
                        record,
                        "code",
                        "is a national metric with a different definition",
                        "a new code for a local metric, or the national definition unchanged",
                    )

    def check_metric_values(self) -> None:
        """Each value's metric, years and figures. The rows with nothing to say (the usual
        ones: a local metric, figures that pass every check of :meth:`_check_value` and a
        published value that agrees with them, not a target without a baseline) are found a
        whole sheet at a time and keep their published value as a number; every other row is
        checked alone, in order, as before, so each message is the same. A sheet held by
        column whose rows all say nothing stays so (no records are made)."""
        metrics = self.metrics()
        held = self.held.get("metric_values")
        records = [] if held is not None else self.rows("metric_values")
        rows = [record.values for record in records]
        columns = held.values if held is not None else _columns(rows)
        areas, codes, kinds = columns["area_code"], columns["metric_code"], columns["kind"]
        baselines = set(self.known.baselines)
        if "baseline" in kinds:
            baselines |= {
                pair
                for pair, kind in zip(zip(areas, codes, strict=True), kinds, strict=True)
                if kind == "baseline"
            }
        quiet, published = _quiet_values(columns, metrics)
        targets = np.fromiter(map(operator.eq, kinds, repeat("target")), bool, len(kinds))
        for index in np.flatnonzero(quiet & targets).tolist():
            if (areas[index], codes[index]) not in baselines:
                quiet[index] = False
        if held is not None:
            if quiet.all():
                held.values["value"] = [
                    given if value is None else value
                    for given, value in zip(held.values["value"], published, strict=True)
                ]
                return
            records = self.rows("metric_values")  # a row to check alone: records after all
            rows = [record.values for record in records]
        for values, value in zip(compress(rows, quiet), compress(published, quiet), strict=True):
            if value is not None:
                values["value"] = value
        usable = quiet.tolist()
        unreadable = self.unreadable["metrics"]
        check_value = self._check_value
        for index in np.flatnonzero(~quiet).tolist():
            record = records[index]
            values = record.values
            code = values["metric_code"]
            metric = metrics.get(code)
            if metric is None:
                if (code,) in unreadable:
                    continue  # its definition could not be read, so its values cannot be checked
                self.error(
                    record,
                    "metric_code",
                    "is not a known metric",
                    "a code from the metric registry or the metrics sheet",
                )
                continue
            kind = values["kind"]
            problem = (
                metric.years_problem(kind, values["period_start"], values["period_end"])
                if metric.national
                else None  # a local metric has no years
            )
            if problem is not None:
                self.error(
                    record,
                    "period_start",
                    f"{problem} {code} applies in ({metric.years}): the "
                    f"national metric is not in force then, so it has no {kind}",
                    f"a period in the years it applies ({metric.years}), or a local metric "
                    "defined on the metrics sheet",
                )
                continue
            usable[index] = check_value(record, metric)
            if kind == "target" and (values["area_code"], code) not in baselines:
                self.warn(record, "kind", "has no baseline for the same area and metric")
        self.records["metric_values"] = list(compress(records, usable))

    def check_metric_commentary(self) -> None:
        metrics = self.metrics()
        for record in self.rows("metric_commentary"):
            code = record["metric_code"]
            if code not in metrics and (code,) not in self.unreadable["metrics"]:
                self.error(
                    record,
                    "metric_code",
                    "is not a known metric",
                    "a code from the metric registry or the metrics sheet",
                )

    def check_spc_rebase(self) -> None:
        """A rebase point must name a known metric and fall within its monthly actuals for the
        area (held or in this workbook), from the second to the last: a period needs a point
        before it (ADR 0095)."""
        records = self.rows("spc_rebase")
        if not records:
            return
        metrics = self.metrics()
        pairs = {(r["area_code"], r["metric_code"]) for r in records}
        months = self.known.actual_months(pairs)
        for value in self.rows("metric_values"):
            pair = (value["area_code"], value["metric_code"])
            start, end = value["period_start"], value["period_end"]
            if (
                pair in pairs
                and value["kind"] == "actual"
                and start.day == 1
                and (start.year, start.month) == (end.year, end.month)
            ):
                months.setdefault(pair, set()).add(start)
        for record in records:
            code = record["metric_code"]
            if code not in metrics:
                if (code,) not in self.unreadable["metrics"]:
                    self.error(
                        record,
                        "metric_code",
                        "is not a known metric",
                        "a code from the metric registry or the metrics sheet",
                    )
                continue
            held = sorted(months.get((record["area_code"], code), set()))
            if len(held) < 2:
                self.error(
                    record,
                    "period",
                    f"is a rebase of {code}, which has fewer than two monthly values for "
                    f"{record['area_code']}",
                    "a metric with monthly actual values for the area",
                )
                continue
            first, last = Month.of(held[1]), Month.of(held[-1])
            if not first <= record["period"] <= last:
                self.error(
                    record,
                    "period",
                    f"is outside the monthly data of {code} for {record['area_code']}",
                    f"a month from {first} to {last}",
                )

    def _check_value(self, record: Record, metric: MetricInfo) -> bool:
        values = record.values
        measure: Measure | None = values.get("value")
        numerator, denominator = values.get("numerator"), values.get("denominator")
        if (
            values.get("sum_of_squares") is None
            and values["period_end"] >= values["period_start"]
            and (
                measure is None
                or not measure.percent
                or (metric.unit == "proportion" and metric.multiplier > 0)
            )
            and (numerator is None or numerator >= 0)
            and (denominator is None or denominator > 0)
            and (measure is None or measure.number >= 0)
            and not (
                metric.unit == "proportion"
                and numerator is not None
                and denominator is not None
                and numerator > denominator
            )
            and (
                measure is not None
                or (
                    numerator is not None
                    and (
                        denominator is not None or metric.unit not in ("rate", "proportion", "mean")
                    )
                )
            )
        ):
            # The common row: none of the problems below (the same tests, at once); only the
            # published value is compared with its figures.
            value = None if measure is None else measure.number
            if measure is not None and measure.percent:  # as below
                value = float(
                    Decimal(repr(measure.number)) * Decimal(repr(metric.multiplier)) / 100
                )
            values["value"] = value
            mismatch = published_value_mismatch(
                metric.unit,  # type: ignore[arg-type]  # a known metric's unit is one of core's
                multiplier=metric.multiplier,
                numerator=numerator,
                denominator=denominator,
                value=value,
            )
            if mismatch:
                self.warn(record, "value", mismatch + "; the published value is kept")
            return True
        return self._check_value_closely(record, metric)

    def _check_value_closely(self, record: Record, metric: MetricInfo) -> bool:
        ok = True
        if record["period_end"] < record["period_start"]:
            self.error(
                record, "period_end", "is before period_start", "a date on or after period_start"
            )
            ok = False
        measure: Measure | None = record["value"]
        value: float | None = None
        if measure is not None:
            value = measure.number
            if measure.percent:
                if metric.unit != "proportion":
                    self.error(
                        record,
                        "value",
                        f"has a % sign but {record['metric_code']} is a {metric.unit}",
                        "a plain number (a % sign only for a proportion)",
                    )
                    ok = False
                else:
                    # In decimal, so that "0.9%" is 0.9 and not 0.9000000000000001.
                    value = float(
                        Decimal(repr(measure.number)) * Decimal(repr(metric.multiplier)) / 100
                    )
            record.values["value"] = value
        numerator, denominator = record["numerator"], record["denominator"]
        for column, number in (
            ("numerator", numerator),
            ("denominator", denominator),
            ("value", value),
            ("sum_of_squares", record["sum_of_squares"]),
        ):
            if number is not None and number < 0:
                self.error(record, column, "is negative", "a count or value of zero or more")
                ok = False
        if denominator is not None and denominator == 0:
            self.error(record, "denominator", "is zero", "a denominator greater than zero")
            ok = False
        squares = record["sum_of_squares"]
        if squares is not None:
            if metric.unit != "mean":
                self.error(
                    record,
                    "sum_of_squares",
                    f"is given but {record['metric_code']} is a {metric.unit}, not a mean",
                    "a sum of squares only for a mean (leave it blank)",
                )
                ok = False
            elif numerator is None or not denominator:
                self.error(
                    record,
                    "sum_of_squares",
                    "is given without the numerator and denominator it goes with",
                    "the sum of the values (numerator) and their count (denominator) too",
                )
                ok = False
            elif 0 <= squares < numerator * numerator / denominator * (1 - 1e-9):
                self.error(
                    record,
                    "sum_of_squares",
                    f"is less than numerator squared / denominator "
                    f"({numerator * numerator / denominator:,.6g}), which no real values give",
                    "the sum of the squared record values, at least numerator² / denominator",
                )
                ok = False
        if (
            metric.unit == "proportion"
            and numerator is not None
            and denominator is not None
            and numerator > denominator
        ):
            self.error(
                record,
                "numerator",
                f"is greater than the denominator ({denominator:,.15g})",
                "a numerator no greater than the denominator for a proportion",
            )
            ok = False
        needs_denominator = metric.unit in ("rate", "proportion", "mean")
        if value is None and (numerator is None or (needs_denominator and denominator is None)):
            self.error(
                record,
                "value",
                "there is no value",
                "a value, or a numerator and denominator"
                if needs_denominator
                else "a value or numerator",
            )
            ok = False
        if ok:
            mismatch = published_value_mismatch(
                metric.unit,  # type: ignore[arg-type]  # a known metric's unit is one of core's
                multiplier=metric.multiplier,
                numerator=numerator,
                denominator=denominator,
                value=value,
            )
            if mismatch:
                self.warn(record, "value", mismatch + "; the published value is kept")
        return ok

    def check_returns(self) -> None:
        schemes = self.schemes()
        signed_off = self.known.signed_off
        for sheet in RETURN_SHEETS:
            # Compared on the columns the workbook has: one made before an optional column
            # was exported leaves that column's held values alone, so it changes nothing.
            raw = self.workbook.sheets.get(sheet)
            read = set(raw.columns) if raw is not None else set()
            kept = [i for i, column in enumerate(RETURN_COLUMNS[sheet]) if column in read]
            held = {
                tuple(row[i] for i in kept) for row in self.known.signed_off_rows.get(sheet, set())
            }
            for record in self.rows(sheet):
                compared = signed_off_row(sheet, record.values)
                if (record["area_code"], str(record["period"])) in signed_off and (
                    tuple(compared[i] for i in kept) not in held
                ):
                    self.error(
                        record,
                        "period",
                        "is signed off, so it can no longer be changed",
                        "an open or submitted reporting period",
                    )
        for record in self.rows("status_updates"):
            start = record.values.get("start_date") or schemes.get(
                (record["area_code"], record["scheme_ref"])
            )
            try:
                problem = commentary_problem(
                    record["dimension"],
                    record["status"],
                    commentary=record["commentary"] or "",
                    start_date=start,
                )
            except ValueError as error:
                self.error(record, "status", str(error), "a status used for this dimension")
                continue
            if problem and record["status"] == "NA" and record["dimension"] == "milestones":
                self.error(
                    record,
                    "status",
                    "is N/A (not yet due to start) but scheme "
                    f"{record['scheme_ref']} has no start date",
                    "a start_date on this row or for the scheme on the schemes sheet",
                )
            elif problem:
                self.error(record, "commentary", problem, "exception commentary")
        for record in self.rows("planned_activities"):
            month, period = record["month"], record["period"]
            if period is not None and activity_month_problem(period, month) is not None:
                self.error(
                    record,
                    "month",
                    f"is not one of the three months after the period {period}",
                    "{}, {} or {}, or blank".format(*activity_months(period)),
                )
        for record in self.rows("programme_status"):
            if summary_required(record["status"]) and not record["summary"]:
                self.error(
                    record,
                    "summary",
                    "a summary is required for an AMBER or RED programme status",
                    "what is off track and what is being done about it",
                )

    def check_proposals(self) -> None:
        """A status other than the one proposed from the workbook's own data needs a reason
        (commentary, or the return's additional information): a warning, as the return form
        shows it (ADR 0108).

        Only schemes on this workbook's schemes sheet are proposed for, and each dimension only
        when the sheet it reads is in the workbook (milestones; scheme_finance for finance and
        savings; metric_values for metrics): a monthly return of schemes held in the database
        says nothing about their data, so it is not judged against data it does not carry.
        """
        records = self.rows("status_updates")
        if not records or not self.rows("schemes"):
            return
        present = set(self.workbook.sheets)
        reads: dict[str, str] = {
            "milestones": "milestones",
            "finance": "scheme_finance",
            "savings": "scheme_finance",
            "metrics": "metric_values",
        }
        specs = {
            code: MetricSpec(
                code=code,
                name=info.name or code,
                unit=info.unit,  # type: ignore[arg-type]  # a known metric's unit is core's
                multiplier=info.multiplier,
                polarity=info.polarity,  # type: ignore[arg-type]  # likewise its polarity
                frequency=info.frequency,  # type: ignore[arg-type]  # and its frequency
            )
            for code, info in self.metrics().items()
            if info.polarity and info.frequency
        }
        sheets = ("schemes", "milestones", "scheme_finance", "metric_values")
        proposer = RowProposer(
            {name: [r.values for r in self.rows(name)] for name in sheets}, specs
        )
        information: dict[tuple[Any, ...], str] = {}
        for record in records:
            key = (record["area_code"], record["period"], record["scheme_ref"])
            if record["additional_information"] and key not in information:
                information[key] = record["additional_information"]
        proposals: dict[tuple[Any, ...], dict[Dimension, Proposal]] = {}
        for record in records:
            area, ref, dimension = record["area_code"], record["scheme_ref"], record["dimension"]
            if reads[dimension] not in present or not proposer.has_scheme(area, ref):
                continue
            enabler = bool(proposer.schemes[(area, ref)].get("enabler"))
            if record["status"] not in allowed_statuses(dimension, enabler=enabler):
                continue  # refused by check_returns (or allowed elsewhere): nothing to compare
            key = (area, record["period"], ref)
            if key not in proposals:
                proposals[key] = proposer.propose(area, ref, record["period"])
            problem = override_problem(
                proposals[key][dimension],
                record["status"],
                commentary=record["commentary"] or "",
                additional_information=information.get(key, ""),
            )
            if problem is not None:
                self.warn(record, "status", problem, OVERRIDE_EXPECTED)

    def check_assurance(self) -> None:
        for record in self.rows("assurance"):
            problem = assurance.rating_problem(
                record["criterion"] or "",
                record["status"] or "",
                bool(record["qualified"]),
                record["footnote"] or "",
            )
            if problem is None:
                continue
            if bool(record["qualified"]) and not (record["footnote"] or "").strip():
                self.error(
                    record,
                    "footnote",
                    "is empty but the answer is qualified (qualified is yes)",
                    "the footnote that explains the qualification",
                )
            else:
                self.error(record, "status", problem.split(": ", 1)[-1], "Y or N")

    def check_scheme_descriptions(self) -> None:
        """The rules of bettercare.core.scheme_description on each KPI (a per-cent target from
        0 to 100); roles, levels and cadences are checked as they are read. An older
        workbook's commissioner and provider columns are read into the delivery chain, and a
        warning says so (ADR 0120)."""
        schemes = self.rows("schemes")
        for role in ("commissioner", "provider"):
            if any(record[role] for record in schemes):
                self.messages.append(
                    Message(
                        "warning",
                        self.sources.get("schemes", self.workbook.source),
                        "schemes",
                        None,
                        role,
                        None,
                        f"the {role} column is an older workbook's: each scheme's {role} is "
                        f"added to its delivery chain as {role} unless the chain already "
                        "names it so",
                        f"the scheme_delivery_chain sheet (an export writes {role}s there)",
                    )
                )
        for record in self.rows("scheme_kpis"):
            target = record["target"]
            kpi = scheme_description.LocalKpi(
                name=record["kpi"],
                level=record["level"],
                cadence=record["cadence"],
                target=None if target is None else Decimal(repr(target)),
                unit=record["unit"] or "",
            )
            problem = scheme_description.kpi_problem(kpi)
            if problem is not None:
                self.error(
                    record,
                    "target",
                    problem.split(": ", 1)[-1],
                    "a target from 0 to 100 for a unit of %",
                )

    def check_risks(self) -> None:
        for record in self.rows("risks"):
            for column, top in (("likelihood", 5), ("impact", 5), ("previous_score", 25)):
                number = record[column]
                if number is not None and not 1 <= number <= top:
                    self.error(
                        record, column, f"is outside 1 to {top}", f"a whole number from 1 to {top}"
                    )

    def check_plan(self) -> None:
        """The pooled fund's structure, pay for performance and the plan's details (core's
        rules, ADR 0112), each problem on the row and column it is about."""
        years: dict[tuple[str, str], list[Record]] = defaultdict(list)
        for record in self.rows("funding"):
            years[(record["area_code"], str(record["financial_year"]))].append(record)
        for records in years.values():
            lines = [
                FundingStreamLine(
                    r["stream"],
                    r["budget"],
                    pooled=bool(r["pooled"]),
                    part_of=r["part_of"] or "",
                    passported_to=r["passported_to"] or "",
                )
                for r in records
            ]
            for index, column, problem in pooled_fund_problems(lines):
                expected = {
                    "part_of": "a stream of the pooled fund that year, or blank",
                    "passported_to": "blank for a stream outside the pooled fund",
                }[column]
                self.error(records[index], column, problem, expected)
        for record in self.rows("pay_for_performance"):
            basis = [record[c] for c in ("reduction", "periods")]
            found = pay_for_performance_problem(
                planned_savings=record["planned_savings"],
                maximum_support=record["maximum_support"],
                reduction=exact_number(basis[0]),
                unit_cost=record["unit_cost"],
                periods=exact_number(basis[1]),
            )
            if found is not None:
                self.error(record, found[0], found[1], "reduction x unit cost x periods")
        submitted = {
            (r["area_code"], str(r["financial_year"])): r["submitted_on"]
            for r in self.rows("plan_details")
        }
        for record in self.rows("plan_sign_offs"):
            found = sign_off_problem(
                on_behalf_of=record["on_behalf_of"],
                signed_by=record["signed_by"] or "",
                signed_on=record["signed_on"],
                submitted_on=submitted.get((record["area_code"], str(record["financial_year"]))),
            )
            if found is not None:
                self.error(record, found[0], found[1], "the signatory and a date")
        for record in self.rows("national_conditions"):
            found = condition_problem(
                condition=record["condition"],
                met=bool(record["met"]),
                statement=record["statement"] or "",
            )
            if found is not None:
                self.error(record, found[0], found[1], "the plan's statement for the condition")

    def check_totals(self) -> None:
        spend: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        first: dict[tuple[str, str], Record] = {}
        for record in self.rows("scheme_finance"):
            if record["line"] == "spend":
                key = (record["area_code"], str(record["financial_year"]))
                spend[key] += (record["recurrent"] or 0) + (record["non_recurrent"] or 0)
                first.setdefault(key, record)
        budget: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        for record in self.rows("funding"):
            if not record["part_of"]:  # a part is already in its stream's budget
                budget[(record["area_code"], str(record["financial_year"]))] += record["budget"]
        for key, total in spend.items():
            if key in budget and abs(total - budget[key]) >= 1:
                self.warn(
                    first[key],
                    None,
                    f"scheme spend for {key[0]} in {key[1]} totals £{total:,.0f} but the funding "
                    f"budgets total £{budget[key]:,.0f}",
                )

    def run(self) -> ValidatedWorkbook:
        for name, raw in self.workbook.sheets.items():
            self.parse_sheet(SHEETS_BY_NAME[name], raw)
        self.check_areas()
        self.check_metrics()
        self.check_schemes_and_themes()
        self.check_metric_values()
        self.check_metric_commentary()
        self.check_spc_rebase()
        self.check_returns()
        self.check_proposals()
        self.check_risks()
        self.check_scheme_descriptions()
        self.check_assurance()
        self.check_plan()
        self.check_totals()
        order = {name: index for index, name in enumerate(SHEETS_BY_NAME)}
        self.messages.sort(key=lambda m: (order.get(m.sheet, 99), m.row or 0, m.severity))
        columns = {name: tuple(raw.columns) for name, raw in self.workbook.sheets.items()}
        return ValidatedWorkbook(
            self.workbook.source, self.records, self.messages, columns, held=self.held
        )


def exact_number(number: float | None) -> Decimal | None:
    """A number column's value as the decimal written (12, not 12.0; 4.5 as 4.5)."""
    if number is None:
        return None
    return Decimal(int(number)) if number.is_integer() else Decimal(repr(number))


def _expects(column_type: str) -> str:
    return {
        "date": "a date as YYYY-MM-DD",
        "month": "a month as YYYY-MM",
        "financial_year": "a financial year as YYYY-YY",
        "money": "an amount in pounds",
        "amount": "an amount in pounds, £0 or more",
        "area_code": "an ONS area code",
    }.get(column_type, "a value")


def validate_workbook(workbook: RawWorkbook, known: Known | None = None) -> ValidatedWorkbook:
    """Parse and check every sheet of a workbook against itself and what is ``known``."""
    return _Checker(workbook, known or Known()).run()


def sheet_records(validated: ValidatedWorkbook, names: Iterable[str]) -> dict[str, list[Record]]:
    """The records of the named sheets (empty lists for absent sheets)."""
    return {name: validated.rows(name) for name in names}
