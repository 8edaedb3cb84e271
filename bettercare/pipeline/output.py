"""Writing metric values as the workbook's ``metric_values`` sheet, in CSV or Parquet.

Deterministic to the byte: rows sorted by area, metric and period; whole numbers written as
whole numbers; values as the shortest text that reads back as the same float (``repr``),
already rounded to 6 decimal places; no timestamps in the files. Two engines that agree on
the aggregates therefore write identical files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.pipeline.assembly import MetricValues
from bettercare.pipeline.metrics import MetricValueRow
from bettercare.workbook.schema import SHEETS_BY_NAME

__all__ = ["COLUMNS", "FORMATS", "SOURCE", "values_csv_text", "write_metric_values"]

COLUMNS: tuple[str, ...] = SHEETS_BY_NAME["metric_values"].column_names
FORMATS = (".csv", ".parquet")
# Typed: the fields' several DataType subclasses would otherwise join to object.
_FIELDS: list[tuple[str, pa.DataType]] = [
    ("area_code", pa.string()),
    ("metric_code", pa.string()),
    ("period_start", pa.date32()),
    ("period_end", pa.date32()),
    ("kind", pa.string()),
    ("numerator", pa.float64()),
    ("denominator", pa.float64()),
    ("value", pa.float64()),
    ("note", pa.string()),
    ("source", pa.string()),
    ("sum_of_squares", pa.float64()),
]
SCHEMA = pa.schema(_FIELDS)
#: The ``source`` of every row: how the figures were made (the same for every engine, so that
#: outputs stay identical; ``--load`` records the engine, date and input folder itself).
SOURCE = "bettercare pipeline"
assert tuple(SCHEMA.names) == COLUMNS, "the Parquet schema follows the metric_values sheet"


def _number(number: float | None) -> str:
    if number is None:
        return ""
    if type(number) is int:  # counts: the same text as below, without the float round trip
        return str(number)
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number))


def csv_text(rows: Sequence[MetricValueRow]) -> str:
    """The rows as CSV text with the ``metric_values`` header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    days: dict[date, str] = {}  # a few dozen distinct dates, each written many times
    for row in sorted(rows, key=lambda r: r.sort_key):
        start = days.get(row.period_start) or days.setdefault(
            row.period_start, row.period_start.isoformat()
        )
        end = days.get(row.period_end) or days.setdefault(
            row.period_end, row.period_end.isoformat()
        )
        writer.writerow(
            (
                row.area_code,
                row.metric_code,
                start,
                end,
                row.kind,
                _number(row.numerator),
                _number(row.denominator),
                _number(row.value),
                row.note,
                SOURCE,
                _number(row.sum_of_squares),
            )
        )
    return buffer.getvalue()


def _field(text: str) -> str:
    """A text cell as the csv module writes it (quoted only when it must be)."""
    if any(character in text for character in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def values_csv_text(values: MetricValues) -> str:
    """:func:`csv_text` of columns already sorted: each column formatted at once, each
    distinct date and note once, the lines joined without a csv writer."""

    def dates(column: list[date]) -> list[str]:
        text = {day: day.isoformat() for day in set(column)}
        return [text[day] for day in column]

    def fields(column: list[str]) -> list[str]:
        text = {value: _field(value) for value in set(column)}
        return [text[value] for value in column]

    columns = (
        fields(values.area_code),
        fields(values.metric_code),
        dates(values.period_start),
        dates(values.period_end),
        ["actual"] * len(values),
        list(map(str, values.numerator)),
        list(map(str, values.denominator)),
        [
            "" if value is None else str(int(value)) if value.is_integer() else repr(value)
            for value in values.value
        ],
        fields(values.note),
        [_field(SOURCE)] * len(values),
        ["" if squares is None else str(squares) for squares in values.sum_of_squares],
    )
    lines = [",".join(COLUMNS), *map(",".join, zip(*columns, strict=True))]
    return "\n".join(lines) + "\n"


def values_arrow_table(values: MetricValues) -> pa.Table:
    """:func:`arrow_table` of columns already sorted."""
    columns = {
        "area_code": values.area_code,
        "metric_code": values.metric_code,
        "period_start": values.period_start,
        "period_end": values.period_end,
        "kind": ["actual"] * len(values),
        "numerator": pa.array(values.numerator, pa.int64()).cast(pa.float64()),
        "denominator": pa.array(values.denominator, pa.int64()).cast(pa.float64()),
        "value": values.value,
        "note": values.note,
        "source": [SOURCE] * len(values),
        "sum_of_squares": pa.array(values.sum_of_squares, pa.int64()).cast(pa.float64()),
    }
    return pa.table(columns, schema=SCHEMA)


def arrow_table(rows: Sequence[MetricValueRow]) -> pa.Table:
    """The rows as an Arrow table with the ``metric_values`` columns."""
    ordered = sorted(rows, key=lambda r: r.sort_key)
    columns = {
        "area_code": [r.area_code for r in ordered],
        "metric_code": [r.metric_code for r in ordered],
        "period_start": [r.period_start for r in ordered],
        "period_end": [r.period_end for r in ordered],
        "kind": [r.kind for r in ordered],
        "numerator": [float(r.numerator) for r in ordered],
        "denominator": [float(r.denominator) for r in ordered],
        "value": [r.value for r in ordered],
        "note": [r.note for r in ordered],
        "source": [SOURCE] * len(ordered),
        "sum_of_squares": [
            None if r.sum_of_squares is None else float(r.sum_of_squares) for r in ordered
        ],
    }
    return pa.table(columns, schema=SCHEMA)


def write_metric_values(rows: Sequence[MetricValueRow] | MetricValues, path: Path) -> Path:
    """Write ``rows`` to ``path``, as CSV or Parquet by its suffix; return the path.

    Rows as objects go through the csv module (the plain reference); :class:`MetricValues`
    (already sorted columns) through :func:`values_csv_text` - the same bytes.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(
            f"output must end in .csv or .parquet to choose its format; got {str(path)!r}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        text = values_csv_text(rows) if isinstance(rows, MetricValues) else csv_text(rows)
        path.write_text(text, encoding="utf-8", newline="")
    else:
        table = values_arrow_table(rows) if isinstance(rows, MetricValues) else arrow_table(rows)
        pq.write_table(table, path, compression="zstd")
    return path
