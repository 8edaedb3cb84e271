"""The column-at-a-time reader and checks against the plain row-at-a-time reference they
replaced (kept here as the oracle): for random CSV sheets of metric values, with blank rows,
short and long rows, stray values, escaped text, bad numbers and dates, missing values and
duplicate keys, texts longer than their column holds, the same rows, the same records and the
same messages, in the same order.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bettercare.workbook import Known, MetricInfo
from bettercare.workbook.csvsafe import restore
from bettercare.workbook.messages import Message
from bettercare.workbook.reader import RawSheet, RawWorkbook, read_workbook
from bettercare.workbook.schema import Column, Sheet
from bettercare.workbook.validate import (
    BLANK,
    DEFAULTS,
    PARSERS,
    Record,
    _Checker,
    _expects,
    _parse_cached,
)
from bettercare.workbook.values import Cell, CellError

COLUMNS = [
    "area_code",
    "metric_code",
    "period_start",
    "period_end",
    "kind",
    "numerator",
    "denominator",
    "value",
    "sum_of_squares",
    "source",
]
#: Each column's texts: mostly ones that parse (first), sometimes ones that do not.
TEXTS = {
    "area_code": (["E10000016", "E06000035", "e10000016"], ["Kent", ""]),
    "metric_code": (["admissions", "falls", "people"], ["unknown", ""]),
    "period_start": (["2024-04-01", "2024-05-01"], ["2024-02-30", "April", ""]),
    "period_end": (["2024-04-30", "2024-05-31"], ["", "30/04/2024", "2024-03-01"]),
    "kind": (["actual", "Target", "baseline", ""], ["guess"]),
    "numerator": (["12", "1,200", "0", "", "120", "2"], ["-3", "twelve", " ", "1.5e3"]),
    "denominator": (["100", "1,000", "", "50"], ["0", "-5"]),
    "value": (["12", "12.0%", "1200", "7%", "", "2400", "4%"], ["-1", "x", "'=1"]),
    "sum_of_squares": ([""], ["200", "1"]),
    "source": (
        ["", "SUS", " SUS, extract of 2017-05-1 "],
        ["SUS, extract of 2017-05-12", "x" * 40],
    ),
}
#: The most characters a column holds (the source's field, made short here).
LENGTHS = {("metric_values", "source"): 25}


def cell_texts(name: str) -> st.SearchStrategy[str]:
    good, bad = TEXTS[name]
    return st.sampled_from(good * 8 + bad)


METRICS = {
    "admissions": MetricInfo("rate", 100_000.0),
    "falls": MetricInfo("proportion", 100.0),
    "people": MetricInfo("count", 1.0),
}


def reference_rows(raw: RawSheet, table: list[list[str]], messages: list[Message]) -> list[Any]:
    """The rows as the row-at-a-time reader took them (each cell a Cell of restored text)."""
    width = len(raw.columns)
    named = [(index, name) for index, name in enumerate(raw.columns) if name]
    unnamed_columns = [index for index, name in enumerate(raw.columns) if not name]
    rows = []
    for number, texts in enumerate(table, start=2):
        cells = [Cell(restore(text)) for text in texts]
        blank = [cell.is_blank for cell in cells]
        if all(blank):
            continue
        extra = [
            cell for cell, empty in zip(cells[width:], blank[width:], strict=True) if not empty
        ]
        unnamed = [i for i in unnamed_columns if i < len(cells) and not blank[i]]
        if extra or unnamed:
            stray = cells[unnamed[0]] if unnamed else extra[0]
            messages.append(
                Message(
                    "error",
                    raw.source,
                    raw.name,
                    number,
                    None,
                    stray.value,
                    "has a value in a column without a name",
                    "values only under the named columns",
                )
            )
            continue
        if len(cells) < width:
            cells = cells + [Cell(None)] * (width - len(cells))
        rows.append((number, {name: cells[index] for index, name in named}))
    return rows


class ReferenceChecker(_Checker):
    """The checks with the row-at-a-time parse and every value checked closely."""

    def parse_sheet(self, sheet: Sheet, raw: RawSheet) -> None:
        self.raw_sheets[sheet.name] = raw
        records: list[Record] = []
        columns: list[tuple[Column, Any, Any, dict[Any, Any]]] = [
            (column, PARSERS[column.type], DEFAULTS.get((sheet.name, column.name)), {})
            for column in sheet.columns
        ]
        for number, cells in raw.rows:
            record = Record(sheet.name, number, {})
            usable = True
            for column, parse, default, parsed in columns:
                result = _parse_cached(parse, cells.get(column.name, Cell(None)), parsed)
                if result is BLANK:
                    if column.required:
                        self.error(
                            record, column.name, "a value is required", _expects(column.type)
                        )
                        usable = False
                    record.values[column.name] = default
                elif isinstance(result, CellError):
                    self.error(record, column.name, result.problem, result.expected)
                    usable = False
                elif isinstance(result, str) and len(result) > (
                    limit := self.known.lengths.get((sheet.name, column.name), len(result))
                ):
                    self.error(
                        record,
                        column.name,
                        f"is {len(result):,} characters long",
                        f"at most {limit:,} characters",
                    )
                    usable = False
                else:
                    record.values[column.name] = result
            if usable:
                records.append(record)
            elif None not in record.key(sheet):
                self.unreadable[sheet.name].add(record.key(sheet))
        seen: dict[tuple[Any, ...], int] = {}
        unique: list[Record] = []
        for record in records:
            key = record.key(sheet)
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
        self.records[sheet.name] = unique

    def check_metric_values(self) -> None:
        """Each metric value checked alone, in order (the loop the sheet-at-once checks
        replaced)."""
        metrics = self.metrics()
        records = self.rows("metric_values")
        baselines = set(self.known.baselines) | {
            (r["area_code"], r["metric_code"]) for r in records if r["kind"] == "baseline"
        }
        kept: list[Record] = []
        for record in records:
            code = record["metric_code"]
            metric = metrics.get(code)
            if metric is None:
                if (code,) not in self.unreadable["metrics"]:
                    self.error(
                        record,
                        "metric_code",
                        "is not a known metric",
                        "a code from the metric registry or the metrics sheet",
                    )
                continue
            kind = record["kind"]
            problem = metric.years_problem(kind, record["period_start"], record["period_end"])
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
            if self._check_value(record, metric):
                kept.append(record)
            if kind == "target" and (record["area_code"], code) not in baselines:
                self.warn(record, "kind", "has no baseline for the same area and metric")
        self.records["metric_values"] = kept

    def _check_value(self, record: Record, metric: MetricInfo) -> bool:
        return self._check_value_closely(record, metric)


@st.composite
def tables(draw: Any) -> tuple[list[str], list[list[str]]]:
    optional = draw(st.permutations(COLUMNS[4:]))[: draw(st.integers(0, len(COLUMNS) - 4))]
    header = draw(st.permutations([*COLUMNS[:4], *optional]))  # the required four, in any order
    if draw(st.booleans()):
        header = [*header, ""]  # a column without a name
    row = st.fixed_dictionaries({name: cell_texts(name) for name in header if name})
    table = []
    for values in draw(st.lists(row, min_size=3, max_size=30)):
        texts = [values[name] if name else "" for name in header]
        shape = draw(st.sampled_from(["as is"] * 6 + ["short", "long", "blank", "stray", "'\t"]))
        if shape == "short":
            texts = texts[: draw(st.integers(0, len(texts)))]
        elif shape == "long":
            texts = [*texts, draw(st.sampled_from(["", " ", "stray"]))]
        elif shape == "blank":
            texts = [draw(st.sampled_from(["", " ", "'\t"])) for _ in texts]
        elif shape == "stray" and header[-1] == "":
            texts[-1] = "here"
        elif shape == "'\t":
            texts[0] = "'\t"
        table.append(texts)
    if draw(st.booleans()) and table:  # the same row twice: a duplicate key
        table.append(list(table[0]))
    return header, table


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheet=tables())
def test_columnar_reading_and_checking_match_the_row_at_a_time_reference(tmp_path, sheet):
    header, table = sheet
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows([header, *table])
    path = tmp_path / "metric_values.csv"
    path.write_text(text.getvalue(), encoding="utf-8")

    workbook = read_workbook(path)
    with path.open(newline="", encoding="utf-8") as file:
        written = list(csv.reader(file))
    messages: list[Message] = []
    raw = workbook.sheets.get("metric_values")
    if raw is None:  # the header was refused: nothing else is read
        assert any(m.row == 1 or m.row is None for m in workbook.messages)
        return
    reference = RawSheet(raw.name, raw.source, raw.columns)
    expected_rows = reference_rows(reference, written[1:], messages)
    assert raw.rows == expected_rows
    assert workbook.messages == messages

    known = Known(areas={"E10000016", "E06000035"}, metrics=METRICS, lengths=LENGTHS)
    reference.numbers = [number for number, _ in expected_rows]
    reference.cells = {
        name: [cells[name] for _, cells in expected_rows] for name in raw.columns if name
    }
    fast = _Checker(workbook, known).run()
    slow = ReferenceChecker(
        RawWorkbook(workbook.source, {raw.name: reference}, messages), known
    ).run()
    assert fast.messages == slow.messages
    assert [(r.sheet, r.row, r.values, r.warnings) for r in fast.rows("metric_values")] == [
        (r.sheet, r.row, r.values, r.warnings) for r in slow.rows("metric_values")
    ]
