"""Finding and checking the input files before any metric value is computed.

Every input is checked with one streaming DuckDB statement (whatever engine then computes; on
DuckDB, on a cursor of the engine's database, alongside its query): the columns are there,
the values have the right types, required values are present, categories and ranges hold,
dates are neither before 1948 nor in the future, a discharge is not before its admission, and
every area has population estimates. Each problem is reported once, with the file, the first
row that has it, the column, the value and what was expected, and how many rows have it. No
metric value is computed or written while any problem remains.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import duckdb

from bettercare.pipeline.schema import DATASETS, EARLIEST_DATE, Dataset, Field

__all__ = ["InputError", "InputFile", "Inputs", "Problem", "check_inputs", "find_inputs"]

Format = Literal["parquet", "csv"]
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")
PARQUET_TYPES = {
    "string": ("VARCHAR",),
    "date": ("DATE", "TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"),
    "integer": (
        "TINYINT",
        "SMALLINT",
        "INTEGER",
        "BIGINT",
        "UTINYINT",
        "USMALLINT",
        "UINTEGER",
        "UBIGINT",
    ),
    "boolean": ("BOOLEAN",),
}
PARQUET_TYPE_NAMES = {
    "string": "a string column",
    "date": "a date or timestamp column",
    "integer": "an integer column",
    "boolean": "a boolean column",
}
TYPE_WORDS = {
    "string": "text",
    "date": "a date",
    "integer": "a whole number",
    "boolean": "true or false",
}


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in the inputs, naming the file, row, column and value where it applies."""

    file: str
    problem: str
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str = ""
    rows: int = 1

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.problem}"
        if self.value is not None:
            text += (
                f" (got {self.value!r})" if isinstance(self.value, str) else f" (got {self.value})"
            )
        if self.expected:
            text += f"; expected {self.expected}"
        if self.rows > 1:
            text += f" [{self.rows:,} rows like this]"
        return f"error: {text}"


class InputError(Exception):
    """Input files with problems: no metric value was computed or written."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input found in the folder: its dataset, its file(s) and their format."""

    dataset: Dataset
    paths: tuple[Path, ...]
    format: Format
    directory: Path

    @property
    def label(self) -> str:
        """How messages name it: ``admissions.csv`` or ``admissions/`` for a folder of parts."""
        if len(self.paths) == 1 and self.paths[0].parent == self.directory:
            return self.paths[0].name
        return f"{self.dataset.name}/"

    def file_label(self, path: str) -> str:
        """A part's name relative to the input folder, for messages."""
        try:
            return str(Path(path).relative_to(self.directory))
        except ValueError:
            return path

    def duckdb_source(self, *, numbered: bool = False) -> str:
        """A DuckDB table function reading the file(s), every CSV column as text."""
        files = "[" + ", ".join(_quote(str(path)) for path in self.paths) + "]"
        if self.format == "parquet":
            extra = ", filename = true, file_row_number = true" if numbered else ""
            return f"read_parquet({files}, union_by_name = true{extra})"
        extra = ", filename = true" if numbered else ""
        return (
            f"read_csv({files}, header = true, all_varchar = true, union_by_name = true, "
            f"auto_detect = true{extra})"
        )


@dataclass(frozen=True, slots=True)
class Inputs:
    """Checked inputs: the files, their row counts, and each area's population years."""

    directory: Path
    files: dict[str, InputFile]
    rows: dict[str, int]
    population_years: dict[str, tuple[int, ...]] = field(default_factory=dict)

    @property
    def areas(self) -> tuple[str, ...]:
        """The areas with population estimates, which are the areas the metrics cover."""
        return tuple(sorted(self.population_years))

    def has(self, dataset: str) -> bool:
        return dataset in self.files


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def find_inputs(directory: Path) -> tuple[dict[str, InputFile], list[Problem]]:
    """The input files in ``directory`` by dataset, and the problems finding them."""
    directory = Path(directory)
    found: dict[str, InputFile] = {}
    problems: list[Problem] = []
    if not directory.is_dir():
        raise InputError([Problem(str(directory), "is not a folder of input files")])
    for name, dataset in DATASETS.items():
        candidates: list[tuple[Format, tuple[Path, ...]]] = []
        for suffix in ("parquet", "csv"):
            single = directory / f"{name}.{suffix}"
            if single.is_file():
                candidates.append((suffix, (single,)))
        folder = directory / name
        if folder.is_dir():
            for suffix in ("parquet", "csv"):
                parts = tuple(sorted(folder.glob(f"*.{suffix}")))
                if parts:
                    candidates.append((suffix, parts))  # type: ignore[arg-type]  # suffix is a Format
        if len(candidates) > 1:
            names = ", ".join(
                str(paths[0].relative_to(directory)) if len(paths) == 1 else f"{name}/"
                for _, paths in candidates
            )
            problems.append(
                Problem(
                    f"{name}",
                    f"is given more than once ({names})",
                    expected=f"one {name}.parquet, {name}.csv or folder {name}/ of one format",
                )
            )
            continue
        if not candidates:
            if dataset.required:
                problems.append(
                    Problem(
                        f"{name}.parquet",
                        "is missing",
                        expected=f"{name}.parquet, {name}.csv or a folder {name}/ of parts "
                        f"in {directory}",
                    )
                )
            continue
        suffix, paths = candidates[0]
        found[name] = InputFile(dataset, paths, suffix, directory)
    return found, problems


# -- the checks ------------------------------------------------------------------------------


Detector = tuple[Literal["positive", "below", "above"], str, Any]
#: What Parquet's footer can answer for a detector instead of the pass: (column, nulls|min|max).
Statistic = tuple[str, Literal["nulls", "min", "max"]]
INTEGER_KINDS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT")


@dataclass(frozen=True, slots=True)
class _Check:
    """A condition a row must not meet, and how one cheap aggregate pass detects it.

    Detectors are SQL aggregates combined over the groups of the pass: ``positive`` fires
    when their sum is above 0, ``below`` when their minimum is below the limit, ``above``
    when their maximum is above it. Only a check that fires pays for counting its rows and
    finding the first one (``condition``).
    """

    column: str | None
    condition: str
    problem: str
    expected: str
    shown: str  # the SQL of the value to show
    detectors: tuple[Detector, ...] = ()
    statistics: tuple[Statistic | None, ...] = ()  # one a detector, when the footer can say


def _typed(input_file: InputFile, field_: Field) -> tuple[str, str]:
    """SQL for a column's text as given and its value as its type (NULL when not of it)."""
    raw = _identifier(field_.name)
    if input_file.format == "parquet":
        if field_.type == "date":
            return raw, f"CAST({raw} AS DATE)"
        return raw, raw
    if field_.type == "date":
        typed = (
            f"CASE WHEN regexp_full_match({raw}, '\\d{{4}}-\\d{{2}}-\\d{{2}}') "
            f"THEN TRY_CAST({raw} AS DATE) END"
        )
    elif field_.type == "integer":
        typed = (
            f"CASE WHEN regexp_full_match({raw}, '-?\\d{{1,12}}') THEN CAST({raw} AS BIGINT) END"
        )
    elif field_.type == "boolean":
        typed = f"CASE lower({raw}) WHEN 'true' THEN true WHEN 'false' THEN false END"
    else:
        typed = raw
    return raw, typed


def _checks(input_file: InputFile, today: date, columns: set[str]) -> list[_Check]:
    dataset = input_file.dataset
    checks: list[_Check] = []
    typed: dict[str, str] = {}
    for field_ in dataset.fields:
        if field_.name not in columns:
            continue
        raw, value = _typed(input_file, field_)
        typed[field_.name] = value
        if input_file.format == "csv" and field_.type != "string":
            checks.append(
                _Check(
                    field_.name,
                    f"{raw} IS NOT NULL AND ({value}) IS NULL",
                    f"is not {TYPE_WORDS[field_.type]}",
                    field_.expected,
                    raw,
                    (("positive", f"count({raw}) - count({value})", 0),),
                )
            )
        if field_.required:
            checks.append(
                _Check(
                    field_.name,
                    f"{raw} IS NULL",
                    "is empty",
                    field_.expected,
                    "NULL",
                    (("positive", f"count(*) - count({raw})", 0),),
                    ((field_.name, "nulls"),),
                )
            )
        if field_.choices:
            allowed = ", ".join(_quote(choice) for choice in field_.choices)
            outside = f"({value}) NOT IN ({allowed})"
            checks.append(
                _Check(
                    field_.name,
                    outside,
                    "is not an allowed value",
                    field_.expected,
                    raw,
                    (("positive", f"count(*) FILTER (WHERE {outside})", 0),),
                )
            )
        if field_.minimum is not None and field_.maximum is not None:
            checks.append(
                _Check(
                    field_.name,
                    f"({value}) NOT BETWEEN {field_.minimum} AND {field_.maximum}",
                    f"is outside {field_.minimum} to {field_.maximum}",
                    field_.expected,
                    raw,
                    (
                        ("below", f"min({value})", field_.minimum),
                        ("above", f"max({value})", field_.maximum),
                    ),
                    ((field_.name, "min"), (field_.name, "max")),
                )
            )
        if field_.type == "date":
            checks.append(
                _Check(
                    field_.name,
                    f"({value}) NOT BETWEEN DATE '{EARLIEST_DATE}' AND DATE '{today}'",
                    f"is out of range: before {EARLIEST_DATE} or after today ({today})",
                    f"a date from {EARLIEST_DATE} to {today}",
                    raw,
                    (("below", f"min({value})", EARLIEST_DATE), ("above", f"max({value})", today)),
                    ((field_.name, "min"), (field_.name, "max")),
                )
            )
    for later in ("discharge_date", "discharge_ready_date"):
        if dataset.name == "admissions" and {later, "admission_date"} <= set(typed):
            checks.append(
                _Check(
                    later,
                    f"({typed[later]}) < ({typed['admission_date']})",
                    "is before the admission date",
                    "a date on or after the admission date",
                    _identifier(later),
                    (("below", f"min(({typed[later]}) - ({typed['admission_date']}))", 0),),
                )
            )
    return checks


def _footer_statistics(
    connection: duckdb.DuckDBPyConnection, input_file: InputFile, columns: dict[str, str]
) -> dict[Statistic, Any]:
    """What the Parquet footers say for sure: a column's null count, and the minimum and
    maximum of an integer or date column, where every row group of every file records them.

    Detectors answered here are left out of the pass (which then reads fewer columns).
    """
    files = "[" + ", ".join(_quote(str(path)) for path in input_file.paths) + "]"
    try:
        found = connection.execute(
            "SELECT file_name, row_group_id, row_group_num_rows, path_in_schema, num_values, "  # noqa: S608
            f"stats_null_count, stats_min_value, stats_max_value FROM parquet_metadata({files})"
        ).fetchall()
    except duckdb.Error:  # pragma: no cover - the files were read just before
        return {}
    groups = {(name, group) for name, group, *_ in found}
    by_column: dict[str, list[tuple[Any, ...]]] = {}
    for name, group, rows, column, values, nulls, low, high in found:
        by_column.setdefault(column, []).append((name, group, rows, values, nulls, low, high))
    known: dict[Statistic, Any] = {}
    for field_ in input_file.dataset.fields:
        entries = by_column.get(field_.name, [])
        complete = len(entries) == len(groups) and {(e[0], e[1]) for e in entries} == groups
        if not complete or any(rows != values for _, _, rows, values, *_ in entries):
            continue  # a file without the column, or not one value a row
        if all(nulls is not None for *_, nulls, _, _ in entries):
            known[(field_.name, "nulls")] = sum(nulls for *_, nulls, _, _ in entries)
        kind = columns.get(field_.name, "")
        parse: Any = None
        if field_.type == "date" and kind == "DATE":
            parse = date.fromisoformat
        elif field_.type == "integer" and kind in INTEGER_KINDS:
            parse = int
        if parse is not None and all(
            low is not None and high is not None for *_, low, high in entries
        ):
            known[(field_.name, "min")] = min(parse(low) for *_, low, _ in entries)
            known[(field_.name, "max")] = max(parse(high) for *_, high in entries)
    return known


def _fires(kind: str, values: list[Any], limit: Any) -> bool:
    present = [value for value in values if value is not None]
    if not present:
        return False
    if kind == "positive":
        return bool(sum(present) > 0)
    if kind == "below":
        return bool(min(present) < limit)
    return bool(max(present) > limit)


def _columns(
    connection: duckdb.DuckDBPyConnection, input_file: InputFile
) -> tuple[dict[str, str], list[Problem]]:
    try:
        # Identifiers come from the schema, paths and values are quoted: no injection.
        described = connection.sql(f"DESCRIBE SELECT * FROM {input_file.duckdb_source()}")  # noqa: S608
        columns = {name: kind for name, kind, *_ in described.fetchall()}
    except duckdb.Error as error:
        message = str(error).splitlines()[0]
        return {}, [Problem(input_file.label, f"cannot be read as {input_file.format}: {message}")]
    problems = []
    expected = ", ".join(input_file.dataset.column_names)
    for field_ in input_file.dataset.fields:
        if field_.name not in columns and not field_.column_optional:
            problems.append(
                Problem(
                    input_file.label,
                    f"has no column {field_.name!r}",
                    column=field_.name,
                    expected=f"the columns {expected}",
                )
            )
        elif field_.name in columns and input_file.format == "parquet":
            kind = columns[field_.name]
            if not kind.startswith(PARQUET_TYPES[field_.type]):
                problems.append(
                    Problem(
                        input_file.label,
                        f"has the wrong type {kind}",
                        column=field_.name,
                        expected=f"{TYPE_WORDS[field_.type]} ({PARQUET_TYPE_NAMES[field_.type]})",
                    )
                )
    return columns, problems


def _first_row(input_file: InputFile, check: _Check) -> tuple[str, int | None, Any, int]:
    """The file, row and shown value of the first row failing ``check``, and how many fail."""
    # One thread, so that a CSV's rows are numbered in file order.
    connection = duckdb.connect(config={"threads": 1})
    failing = f"coalesce({check.condition}, false)"
    try:
        if input_file.format == "parquet":
            number = "file_row_number + 1"
        else:
            # Row 1 is the header, as a spreadsheet shows the file.
            number = "row_number() OVER (PARTITION BY filename) + 1"
        query = (
            f"SELECT filename, row, shown, count(*) OVER () FROM (SELECT filename, "  # noqa: S608
            f"{number} AS row, {check.shown} AS shown, {failing} AS failing "
            f"FROM {input_file.duckdb_source(numbered=True)}) "
            "WHERE failing ORDER BY filename, row LIMIT 1"
        )
        found = connection.execute(query).fetchone()
    finally:
        connection.close()
    if found is None:  # pragma: no cover - the detecting pass said there was one
        return input_file.label, None, None, 0
    name, row, value, count = found
    if isinstance(value, date):
        value = value.isoformat()
    return input_file.file_label(name), int(row), value, int(count)


def _aggregate_pass(
    connection: duckdb.DuckDBPyConnection,
    input_file: InputFile,
    checks: list[_Check],
    group: list[str],
) -> tuple[list[tuple[Any, ...]], list[bool]]:
    """One pass over a CSV input (parsing it is the cost, so it is parsed once): its rows by
    ``group`` with their count, and which checks fire, from every detector at once."""
    detectors = [detector for check in checks for detector in check.detectors]
    selected = ", ".join([*group, "count(*)", *(sql for _, sql, _ in detectors)])
    query = f"SELECT {selected} FROM {input_file.duckdb_source()} GROUP BY ALL"  # noqa: S608
    results = connection.execute(query).fetchall()
    position = len(group) + 1
    fired = []
    for check in checks:
        fires = False
        for kind, _, limit in check.detectors:
            fires = _fires(kind, [found[position] for found in results], limit) or fires
            position += 1
        fired.append(fires)
    return results, fired


def _parquet_pass(
    connection: duckdb.DuckDBPyConnection,
    input_file: InputFile,
    checks: list[_Check],
    group: list[str],
    footer: dict[Statistic, Any],
) -> tuple[list[tuple[Any, ...]], list[bool]]:
    """The same for Parquet input, in one statement: its rows by ``group`` with their count,
    and, for each check the footers do not answer, how many rows meet its condition.

    Each condition is its own filtered count, which DuckDB pushes into the Parquet reader (a
    category is tested once per dictionary entry, a row group whose statistics rule the
    condition out is skipped): several times cheaper than evaluating every detector on every
    row in one grouped pass (ADR 0134). A check fires exactly when a detector would have.
    """
    fired: list[bool] = []
    scanned: list[int] = []
    for index, check in enumerate(checks):
        fires = False
        unanswered = False
        for position, (kind, _, limit) in enumerate(check.detectors):
            statistic = check.statistics[position] if position < len(check.statistics) else None
            if statistic is not None and statistic in footer:
                fires = _fires(kind, [footer[statistic]], limit) or fires
            else:
                unanswered = True
        if unanswered and not fires:
            scanned.append(index)
        fired.append(fires)
    # Identifiers come from the schema, paths and values are quoted: no injection.
    source = input_file.duckdb_source()
    keys, nothing = ", ".join(group), ", ".join("NULL" for _ in group)
    parts = [f"SELECT NULL AS check_index, {keys}, count(*) FROM {source} GROUP BY ALL"]  # noqa: S608
    for index in scanned:
        condition = checks[index].condition
        parts.append(f"SELECT {index}, {nothing}, count(*) FROM {source} WHERE {condition}")  # noqa: S608
    found = connection.execute(" UNION ALL ".join(parts)).fetchall()
    results = [row[1:] for row in found if row[0] is None]
    for row in found:
        if row[0] is not None and row[-1] > 0:
            fired[row[0]] = True
    return results, fired


def _dataset_problems(
    connection: duckdb.DuckDBPyConnection,
    input_file: InputFile,
    today: date,
    known_areas: set[str] | None,
) -> tuple[int, dict[str, set[int]], list[Problem]]:
    """Rows, the (area -> years) found, and the problems of one input.

    One statement reads the rows by area (and year, for the population) and finds which checks
    fire; the rows behind a problem are looked up afterwards.
    """
    columns, problems = _columns(connection, input_file)
    if problems or not columns:
        return 0, {}, problems
    checks = _checks(input_file, today, set(columns))
    dataset = input_file.dataset
    keys = ["area_code"]
    if dataset.name == "population":
        keys.append("year")
    group = [_typed(input_file, dataset.field(key))[1] for key in keys]
    if input_file.format == "parquet":
        footer = _footer_statistics(connection, input_file, columns)
        results, fired = _parquet_pass(connection, input_file, checks, group, footer)
    else:
        results, fired = _aggregate_pass(connection, input_file, checks, group)
    width = len(group)
    rows = sum(found[width] for found in results)
    areas: dict[str, set[int]] = {}
    for found in results:
        code = found[0]
        if code is not None:
            years = areas.setdefault(code, set())
            if dataset.name == "population" and found[1] is not None:
                years.add(int(found[1]))
    for check, fires in zip(checks, fired, strict=True):
        if fires:
            file, row, value, count = _first_row(input_file, check)
            problems.append(
                Problem(
                    file,
                    check.problem,
                    row=row,
                    column=check.column,
                    value=value,
                    expected=check.expected,
                    rows=count,
                )
            )
    for code in sorted(areas):
        bad_code = not ONS_CODE.match(code)
        unknown = known_areas is not None and code not in known_areas
        if bad_code or unknown:
            area = _identifier("area_code")
            check = _Check("area_code", f"{area} = {_quote(code)}", "", "", area)
            file, row, value, count = _first_row(input_file, check)
            if bad_code:
                problem, expected = (
                    "is not an ONS area code",
                    "a letter E, W, S or N and 8 digits, e.g. E10000018",
                )
            else:
                problem, expected = (
                    "is an unknown area code: it has no population estimates",
                    "an area_code of the population file",
                )
            problems.append(
                Problem(
                    file,
                    problem,
                    row=row,
                    column="area_code",
                    value=value,
                    expected=expected,
                    rows=count,
                )
            )
    return rows, areas, problems


def check_inputs(
    directory: Path,
    *,
    today: date | None = None,
    connection: duckdb.DuckDBPyConnection | None = None,
) -> Inputs:
    """Find and check the inputs in ``directory``; raise :class:`InputError` with every problem.

    Parameters
    ----------
    directory : Path
        The folder holding the inputs (see :mod:`bettercare.pipeline.schema`).
    today : date, optional
        Dates after it are errors; default the real today.
    connection : duckdb.DuckDBPyConnection, optional
        The connection to check on (the DuckDB engine's, which then computes), left open;
        default a new one, closed after.
    """
    today = today or date.today()
    files, problems = find_inputs(Path(directory))
    owned = connection is None
    if connection is None:
        connection = duckdb.connect()
    rows: dict[str, int] = {}
    population_years: dict[str, set[int]] = {}
    try:
        if "population" in files:
            count, population_years, found = _dataset_problems(
                connection, files["population"], today, None
            )
            rows["population"] = count
            problems += found
            if not found and count == 0:
                problems.append(Problem(files["population"].label, "has no rows"))
        known = set(population_years) if "population" in files and population_years else None
        for name, input_file in files.items():
            if name == "population":
                continue
            count, _, found = _dataset_problems(
                connection, input_file, today, known if name != "areas" else None
            )
            rows[name] = count
            problems += found
    finally:
        if owned:
            connection.close()
    if problems:
        raise InputError(problems)
    return Inputs(
        Path(directory),
        files,
        rows,
        {code: tuple(sorted(years)) for code, years in population_years.items()},
    )
