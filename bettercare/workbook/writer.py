"""Writing a programme workbook in the same format it is read: ``.xlsx`` or a CSV folder.

Numbers are written as numbers, dates as dates (ISO text in CSV), periods and financial years
as text, flags as Y/N and lists separated by ``;``, so that reading the file back gives the
same values (import, export and import again is lossless). CSV text that a spreadsheet would
evaluate as a formula is written with a leading apostrophe (:mod:`bettercare.workbook.csvsafe`),
which the reader removes.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from bettercare.workbook.csvsafe import neutralise
from bettercare.workbook.schema import SHEETS

Rows = Mapping[str, Sequence[Mapping[str, Any]]]


def cell_text(value: Any) -> str:
    """A value as CSV text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        # Positional, never "1e-05": the reader takes numbers as people write them.
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ";".join(str(part) for part in value)
    return str(value)


def _csv_cell(value: Any) -> str:
    """A value as a CSV cell: text that a spreadsheet would evaluate is neutralised."""
    text = cell_text(value)
    return neutralise(text) if isinstance(value, str | tuple | list) else text


def _cell_value(value: Any) -> Any:
    """A value as an Excel cell holds it."""
    if value is None or (
        isinstance(value, int | float | Decimal | date) and not isinstance(value, bool)
    ):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    # Control characters (pasted from other systems) and the noncharacters U+FFFE and U+FFFF
    # cannot be stored in an .xlsx file (its XML would not be well formed).
    return _NONCHARACTERS.sub("", ILLEGAL_CHARACTERS_RE.sub("", cell_text(value)))


_NONCHARACTERS = re.compile("[\ufffe\uffff]")


def write_workbook(path: Path, rows: Rows) -> Path:
    """Write ``rows`` (sheet name to a list of row mappings) to ``path``.

    An ``.xlsx`` path gets a workbook; any other path a folder of CSV files. Sheets come in
    the format's order, with exactly its columns; empty sheets are left out except
    ``programme``.
    """
    path = Path(path)
    sheets = [sheet for sheet in SHEETS if rows.get(sheet.name) or sheet.name == "programme"]
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, sheets, rows)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for sheet in sheets:
            with (path / f"{sheet.name}.csv").open("w", newline="", encoding="utf-8") as file:
                writer = csv.writer(file, lineterminator="\n")
                writer.writerow(sheet.written_names)
                for row in rows.get(sheet.name, ()):
                    writer.writerow([_csv_cell(row.get(name)) for name in sheet.written_names])
    return path


def _write_xlsx(path: Path, sheets: Sequence[Any], rows: Rows) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        worksheet = book.create_sheet(sheet.name)
        worksheet.freeze_panes = "A2"
        widths = [max(10, len(name) + 2) for name in sheet.written_names]
        body = []
        for row in rows.get(sheet.name, ()):
            values = [_cell_value(row.get(name)) for name in sheet.written_names]
            for index, value in enumerate(values):
                widths[index] = min(60, max(widths[index], len(cell_text(value)) + 2))
            body.append(values)
        for index, width in enumerate(widths, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = width
        from openpyxl.cell import WriteOnlyCell

        header = []
        for name in sheet.written_names:
            cell = WriteOnlyCell(worksheet, value=name)
            cell.font = bold
            header.append(cell)
        worksheet.append(header)
        for values in body:
            cells = []
            for value in values:
                cell = WriteOnlyCell(worksheet, value=value)
                if isinstance(value, float):
                    # openpyxl writes 16 significant digits; repr keeps the float exactly.
                    cell = WriteOnlyCell(worksheet, value=repr(value))
                    cell.data_type = "n"
                elif isinstance(value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # text, not a formula: "=1+1" is read back as written
                cells.append(cell)
            worksheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
