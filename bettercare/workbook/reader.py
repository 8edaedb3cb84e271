"""Reading a programme workbook (``.xlsx``, a folder of ``.csv`` files, or one ``.csv`` file
holding one sheet, such as a month's actuals) into raw sheets.

Only the shape is checked here: known sheet names, known and unique column names, the
``programme`` sheet present. Cell values are parsed by :mod:`bettercare.workbook.validate`.
"""

from __future__ import annotations

import csv
import difflib
import io
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

from defusedxml import DefusedXmlException

from bettercare.workbook.csvsafe import ESCAPE, restore
from bettercare.workbook.messages import Message, WorkbookError
from bettercare.workbook.schema import SHEET_NAMES, SHEETS_BY_NAME
from bettercare.workbook.values import Cell


class TextCells(Mapping[str, list[Cell]]):
    """A CSV sheet's cells by column, made from its texts when a column is first asked for
    (one Cell per distinct text): the checks read a CSV sheet's texts a column at a time
    and ask for cells only to quote one in a message."""

    def __init__(self, texts: dict[str, Sequence[str | None]]) -> None:
        self._texts = texts
        self._made: dict[str, list[Cell]] = {}

    def __getitem__(self, name: str) -> list[Cell]:
        made = self._made.get(name)
        if made is None:
            texts = self._texts[name]
            cells = {text: Cell(text) for text in set(texts)}
            made = self._made[name] = list(map(cells.__getitem__, texts))
        return made

    def __contains__(self, name: object) -> bool:
        return name in self._texts

    def __iter__(self) -> Iterator[str]:
        return iter(self._texts)

    def __len__(self) -> int:
        return len(self._texts)


@dataclass
class RawSheet:
    """A sheet's column names and its non-empty rows, held by column: ``numbers`` are the
    rows' numbers (as Excel numbers them) and ``cells[name]`` each row's cell of a named
    column, in the same order. A sheet read from CSV also has ``texts[name]``: each row's
    text of the column, restored (None for a cell the row did not have), of which its cells
    are made."""

    name: str
    source: str
    columns: list[str]
    numbers: list[int] = field(default_factory=list)
    cells: Mapping[str, list[Cell]] = field(default_factory=dict)
    texts: dict[str, Sequence[str | None]] | None = None

    @property
    def rows(self) -> list[tuple[int, dict[str, Cell]]]:
        """Each row's number and its cells by column name."""
        names = list(self.cells)
        if not names:
            return [(number, {}) for number in self.numbers]
        return [
            (number, dict(zip(names, cells, strict=True)))
            for number, cells in zip(
                self.numbers, zip(*self.cells.values(), strict=True), strict=True
            )
        ]


@dataclass
class RawWorkbook:
    """The sheets of a workbook as read, with any problems of shape."""

    source: str
    sheets: dict[str, RawSheet]
    messages: list[Message]


def _suggest(name: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(options), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_columns(
    sheet: str, source: str, header: list[Any], messages: list[Message]
) -> list[str] | None:
    """The column names, or None when the header is unusable (messages say why)."""
    expected = SHEETS_BY_NAME[sheet].column_names
    names: list[str] = []
    ok = True
    for raw in header:
        name = "" if raw is None else str(raw).strip()
        names.append(name)
        if not name:
            continue
        if name not in expected:
            ok = False
            messages.append(
                Message(
                    "error",
                    source,
                    sheet,
                    1,
                    name,
                    None,
                    f"unknown column {name!r}{_suggest(name, expected)}",
                    f"only the columns {', '.join(expected)}",
                )
            )
        elif names.count(name) > 1:
            ok = False
            messages.append(
                Message(
                    "error",
                    source,
                    sheet,
                    1,
                    name,
                    None,
                    "column appears more than once",
                    "each column once",
                )
            )
    required = [c.name for c in SHEETS_BY_NAME[sheet].columns if c.required]
    missing = [name for name in required if name not in names]
    if missing:
        ok = False
        messages.append(
            Message(
                "error",
                source,
                sheet,
                1,
                None,
                None,
                f"missing required column(s) {', '.join(missing)}",
                f"the columns {', '.join(expected)}",
            )
        )
    return names if ok else None


def _add_rows(
    raw: RawSheet, rows: Iterator[tuple[int, list[Cell]]], messages: list[Message]
) -> None:
    width = len(raw.columns)
    unnamed_columns = [index for index, name in enumerate(raw.columns) if not name]
    blank_cell = Cell(None)
    kept: list[list[Cell]] = []
    for number, cells in rows:
        blank = [cell.is_blank for cell in cells]
        if all(blank):
            continue
        extra = [
            cell for cell, empty in zip(cells[width:], blank[width:], strict=True) if not empty
        ]
        unnamed = [i for i in unnamed_columns if i < len(cells) and not blank[i]]
        if extra or unnamed:
            stray = cells[unnamed[0]] if unnamed else extra[0]
            _stray(raw, number, stray.value, messages)
            continue
        if len(cells) < width:
            cells = cells + [blank_cell] * (width - len(cells))
        raw.numbers.append(number)
        kept.append(cells)
    columns = list(zip(*kept, strict=False)) if kept else [()] * width
    raw.cells = {name: list(columns[index]) for index, name in enumerate(raw.columns) if name}


def _stray(raw: RawSheet, number: int, value: Any, messages: list[Message]) -> None:
    messages.append(
        Message(
            "error",
            raw.source,
            raw.name,
            number,
            None,
            value,
            "has a value in a column without a name",
            "values only under the named columns",
        )
    )


def _blank(text: str) -> bool:
    """Whether a CSV cell's text is blank once restored."""
    return not restore(text).strip()


def _add_csv_rows(
    raw: RawSheet, table: list[list[str]], messages: list[Message], *, escaped: bool = True
) -> None:
    """The rows of a CSV file (texts) below its header, as :func:`_add_rows` adds cells, with
    whole rows and columns handled at once: blank rows skipped, a row with a value in a
    column without a name refused, short rows padded. A CSV cell is its text: one Cell per
    distinct text (codes, dates and kinds repeat), with the apostrophe that kept a
    spreadsheet from evaluating the text removed (the sheet's ``texts``, its ``cells`` made
    from them when asked for). ``escaped`` false says that no cell holds
    that apostrophe at all (the file's text has none), so no row is blank only once restored."""
    width = len(raw.columns)
    unnamed_columns = [index for index, name in enumerate(raw.columns) if not name]
    kept: list[Sequence[str | None]] = []
    numbers = raw.numbers
    if (
        not unnamed_columns
        and set(map(len, table)) <= {width}
        and all(map(str.strip, map("".join, table)))  # no row blank as written
        and not (escaped and any(ESCAPE in text for text in map("".join, table)))  # nor restored
    ):  # the usual file: every row as wide as the header, none blank
        numbers.extend(range(2, len(table) + 2))
        kept = list(table)
        table = []
    for number, texts in enumerate(table, start=2):
        joined = "".join(texts)
        if not joined.strip() or (ESCAPE in joined and all(map(_blank, texts))):
            continue  # every cell blank (or none at all)
        if (len(texts) > width and not all(map(_blank, texts[width:]))) or any(
            i < len(texts) and not _blank(texts[i]) for i in unnamed_columns
        ):
            cells = [Cell(restore(text)) for text in texts]
            stray = next(
                cells[i]
                for i in [*unnamed_columns, *range(width, len(cells))]
                if i < len(cells) and not cells[i].is_blank
            )
            _stray(raw, number, stray.value, messages)
            continue
        numbers.append(number)
        if len(texts) == width:
            kept.append(texts)
        else:  # a missing cell is None, as in a workbook
            kept.append([*texts, *[None] * (width - len(texts))][:width])
    columns = list(zip(*kept, strict=True)) if kept else [()] * width
    restored: dict[str | None, str | None] = {}
    raw.texts = {}
    for index, name in enumerate(raw.columns):
        if not name:
            continue
        texts_of_column: Sequence[str | None] = columns[index]
        if escaped:  # the texts a spreadsheet would evaluate lose their apostrophe
            for text in set(texts_of_column) - restored.keys():
                restored[text] = None if text is None else restore(text)
            texts_of_column = list(map(restored.__getitem__, texts_of_column))
        raw.texts[name] = texts_of_column
    raw.cells = TextCells(raw.texts)


def _unreadable(source: str, error: BaseException) -> WorkbookError:
    """One line naming the file and what was wrong with it, for any failure to parse it."""
    # openpyxl wraps some failures in its own generic error: the cause says what was wrong.
    chain = [error]
    while chain[-1].__cause__ is not None or chain[-1].__context__ is not None:
        chain.append(chain[-1].__cause__ or chain[-1].__context__)  # type: ignore[arg-type]  # one of them is set (the loop test)
    known = (DefusedXmlException, zlib.error, ParseError, ExpatError, zipfile.BadZipFile)
    error = next((e for e in chain if isinstance(e, known)), error)
    detail = " ".join(str(error).split())[:200] or type(error).__name__
    if isinstance(error, DefusedXmlException):
        detail = f"it contains XML entities or external references, which are refused ({detail})"
    elif isinstance(error, zlib.error):
        detail = f"its compressed data are corrupt ({detail})"
    elif isinstance(error, ParseError | ExpatError):
        detail = f"its XML is malformed ({detail})"
    return WorkbookError(f"{source} is not a readable .xlsx workbook ({detail})")


def _read_xlsx(path: Path) -> RawWorkbook:
    """Read an ``.xlsx`` file; whatever is wrong with it becomes one :class:`WorkbookError`.

    openpyxl parses the workbook's XML with defusedxml (a dependency), so entity expansion
    ("billion laughs") and external entities (XXE) are refused rather than processed. The
    parser can fail in many ways on a damaged file (zip, deflate, XML, missing parts), and
    each is the file's fault, not the program's: every one is reported as one line.
    """
    source = path.name
    try:
        return _read_xlsx_book(path)
    except WorkbookError:
        raise
    except MemoryError:
        raise WorkbookError(
            f"{source} is not a readable .xlsx workbook (it is too large)"
        ) from None
    except Exception as error:  # any parser failure on a damaged file
        raise _unreadable(source, error) from None


def _read_xlsx_book(path: Path) -> RawWorkbook:
    from openpyxl import load_workbook

    source = path.name
    # Opened here, so the file is closed however openpyxl fails part-way through.
    with path.open("rb") as handle:
        return _read_xlsx_sheets(source, load_workbook(handle, read_only=True, data_only=True))


def _read_xlsx_sheets(source: str, book: Any) -> RawWorkbook:
    messages: list[Message] = []
    sheets: dict[str, RawSheet] = {}
    try:
        for worksheet in book.worksheets:
            name = worksheet.title.strip()
            rows = worksheet.iter_rows()
            header_cells = next(rows, None)
            if header_cells is None:
                continue  # an empty sheet is an absent sheet
            if name not in SHEETS_BY_NAME:
                messages.append(
                    Message(
                        "error",
                        source,
                        name,
                        None,
                        None,
                        None,
                        f"unknown sheet {name!r}{_suggest(name, SHEET_NAMES)}",
                        f"only the sheets {', '.join(SHEET_NAMES)}",
                    )
                )
                continue
            columns = _check_columns(name, source, [c.value for c in header_cells], messages)
            if columns is None:
                continue
            raw = RawSheet(name, source, columns)
            _add_rows(
                raw,
                (
                    (
                        number,
                        [
                            Cell(cell.value, "%" in str(getattr(cell, "number_format", "") or ""))
                            for cell in row
                        ],
                    )
                    for number, row in enumerate(rows, start=2)
                ),
                messages,
            )
            sheets[name] = raw
    finally:
        book.close()
    return RawWorkbook(source, sheets, messages)


def _read_csv_file(file: Path, name: str, messages: list[Message]) -> RawSheet | None:
    """One CSV file as the sheet ``name`` (None, with messages, when it cannot be read)."""

    def refuse(problem: str, expected: str, row: int | None = None) -> None:
        messages.append(Message("error", file.name, name, row, None, None, problem, expected))

    try:
        data = file.read_bytes()
    except OSError as error:
        if file.is_dir():
            refuse("cannot be read: it is a folder", "a CSV file")
        else:
            refuse(f"cannot be read ({error.strerror or type(error).__name__})", "a CSV file")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        refuse(f"is not UTF-8 text (byte {error.start})", "a CSV file saved as UTF-8")
        return None
    # As the csv module reads a file opened with newline="": quoted cells keep their breaks.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        table = list(reader)
    except csv.Error as error:
        refuse(
            f"is not a readable CSV file ({error})",
            "comma-separated values with quoted text closed on the same cell",
            reader.line_num or None,
        )
        return None
    if not table:
        return None
    columns = _check_columns(name, file.name, list(table[0]), messages)
    if columns is None:
        return None
    raw = RawSheet(name, file.name, columns)
    _add_csv_rows(raw, table[1:], messages, escaped=ESCAPE in text)
    return raw


def _read_csv_folder(path: Path) -> RawWorkbook:
    source = path.name
    messages: list[Message] = []
    sheets: dict[str, RawSheet] = {}
    for file in sorted(path.glob("*.csv")):
        name = file.stem
        if name not in SHEETS_BY_NAME:
            messages.append(
                Message(
                    "error",
                    file.name,
                    name,
                    None,
                    None,
                    None,
                    f"unknown sheet {name!r} (file {file.name}){_suggest(name, SHEET_NAMES)}",
                    f"CSV files named after the sheets: {', '.join(SHEET_NAMES)}",
                )
            )
            continue
        raw = _read_csv_file(file, name, messages)
        if raw is not None:
            sheets[name] = raw
    return RawWorkbook(source, sheets, messages)


#: The sheet a lone CSV file is read as when its name is not a sheet's: monthly actuals.
LONE_CSV_SHEET = "metric_values"


def _read_lone_csv(path: Path) -> RawWorkbook:
    """One ``.csv`` file on its own: the sheet its name names (``risks.csv``), otherwise the
    ``metric_values`` sheet, so that a month's actuals import in one step."""
    name = path.stem if path.stem in SHEETS_BY_NAME else LONE_CSV_SHEET
    messages: list[Message] = []
    raw = _read_csv_file(path, name, messages)
    return RawWorkbook(path.name, {} if raw is None else {name: raw}, messages)


def read_workbook(path: Path) -> RawWorkbook:
    """Read a workbook's sheets: an ``.xlsx`` file, or a folder of ``.csv`` files.

    Raises
    ------
    WorkbookError
        When the path does not exist or is neither an ``.xlsx`` file nor a folder.
    """
    path = Path(path)
    if not path.exists():
        raise WorkbookError(f"{path} does not exist")
    if path.is_dir():
        workbook = _read_csv_folder(path)
    elif path.suffix.lower() == ".xlsx":
        workbook = _read_xlsx(path)
    elif path.suffix.lower() == ".csv":
        # One sheet on its own (a month's actuals, say) refers to areas already held.
        return _read_lone_csv(path)
    else:
        raise WorkbookError(
            f"{path.name} is not a programme workbook: expected an .xlsx file, a folder of "
            ".csv files named after the sheets, or one .csv file (metric values, e.g. a "
            "month's actuals)"
        )
    if "programme" not in workbook.sheets and not any(
        m.sheet == "programme" for m in workbook.messages
    ):
        workbook.messages.append(
            Message(
                "error",
                workbook.source,
                "programme",
                None,
                None,
                None,
                "the programme sheet is missing",
                "a programme sheet (programme.csv in a folder) naming the areas",
            )
        )
    return workbook
