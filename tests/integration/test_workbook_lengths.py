"""Text longer than the database holds (ADR 0128): every text column of every sheet that is
written to a field with a ``max_length`` refuses a longer text with one line naming the sheet,
row, column, value and the limit, and nothing is written; a text of exactly the limit is
written where the column says it goes. The same on SQLite (which would store it silently)
and PostgreSQL (which would refuse it with a database error)."""

import csv

import pytest
from django.db import models

from bettercare.web.programmes.imports import COLUMN_FIELDS, COLUMN_LENGTHS, import_workbook
from bettercare.workbook import SHEETS
from bettercare.workbook.reader import read_workbook
from bettercare.workbook.validate import Known, validate_workbook
from tests.integration.test_plan_workbook import PLAN
from tests.integration.test_workbook_import import csv_folder, snapshot

pytestmark = pytest.mark.django_db

#: Code columns that refer to another row (checked against it), not a row's own code.
REFERENCES = {"scheme_ref", "theme_code", "metric_code", "parent_code"}
#: Columns that hold the same names: a name changed in one is changed in the others.
SAME_NAMES = (
    {
        (sheet.name, column.name)
        for sheet in SHEETS
        for column in sheet.columns
        if column.type == "code"
    },
    {("funding", "stream"), ("funding", "part_of")},
)
#: Longer than any field with a ``max_length`` holds: a text field takes it.
UNLIMITED = max(COLUMN_LENGTHS.values()) + 1


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as file:
        return list(csv.reader(file))


def write_csv(path, rows):
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file, lineterminator="\n").writerows(rows)


def set_text(folder, sheet, column, text):
    """Give ``column`` of ``sheet`` the ``text`` in its first row that has a value (its first
    row when none has), and every cell of the columns that hold the same names that held the
    same value; the row as Excel numbers it."""
    names = next((group for group in SAME_NAMES if (sheet, column) in group), {(sheet, column)})
    rows = read_csv(folder / f"{sheet}.csv")
    if column not in rows[0]:  # an optional column the workbook leaves out
        rows = [[*cells, ""] for cells in rows]
        rows[0][-1] = column
        write_csv(folder / f"{sheet}.csv", rows)
    at = rows[0].index(column)
    row = next((n for n, cells in enumerate(rows[1:], start=1) if cells[at]), 1)
    old = rows[row][at]
    for path in folder.glob("*.csv"):
        table = read_csv(path)
        for cells in table[1:]:
            for index, name in enumerate(table[0]):
                same = (path.stem, name) in names and old and cells[index] == old
                if same or (path.stem == sheet and cells is table[row] and name == column):
                    cells[index] = text
        write_csv(path, table)
    return row + 1


def a_text(length):
    """A text of ``length`` characters that reads as itself (and as a code: no spaces)."""
    return ("Long-text-" * (length // 10 + 1))[:length]


@pytest.fixture
def workbook(tmp_path):
    return csv_folder(tmp_path / "kent", **PLAN)


def test_every_text_column_has_the_field_it_is_written_to():
    """A new text column cannot slip past: each names its field, and the columns checked are
    exactly those whose field has a ``max_length``."""
    written = set()
    for sheet in SHEETS:
        for column in sheet.columns:
            if column.type == "text" or (column.type == "code" and column.name not in REFERENCES):
                written.add((sheet.name, column.name))
    assert set(COLUMN_FIELDS) == written
    assert set(COLUMN_LENGTHS) == {
        column
        for column, field in COLUMN_FIELDS.items()
        if isinstance(field, models.CharField) and field.max_length
    }
    assert all(isinstance(f, models.CharField | models.TextField) for f in COLUMN_FIELDS.values())
    assert COLUMN_LENGTHS[("scheme_delivery_chain", "organisation")] == 300


@pytest.mark.parametrize(("sheet", "column"), sorted(COLUMN_LENGTHS))
def test_a_text_longer_than_its_field_is_refused_and_nothing_written(
    workbook, importer, sheet, column
):
    limit = COLUMN_LENGTHS[(sheet, column)]
    text = a_text(limit + 1)
    row = set_text(workbook, sheet, column, text)
    before = snapshot()
    result = import_workbook(workbook, by=importer)
    if SHEETS[[s.name for s in SHEETS].index(sheet)].column(column).type == "code" and limit >= 64:
        problem = "is too long for a code or reference; expected at most 64 characters"
    else:
        problem = f"is {limit + 1:,} characters long; expected at most {limit:,} characters"
    expected = f"error: {sheet}.csv, sheet {sheet}, row {row}, column {column}: " + problem.replace(
        "; expected", f" (got {text!r}); expected"
    )
    assert [
        str(m) for m in result.errors if (m.sheet, m.row, m.column) == (sheet, row, column)
    ] == [expected]
    assert not result.written
    assert snapshot() == before


@pytest.mark.parametrize(("sheet", "column"), sorted(COLUMN_FIELDS))
def test_a_text_as_long_as_its_field_holds_is_written_there(workbook, importer, sheet, column):
    field = COLUMN_FIELDS[(sheet, column)]
    text = a_text(COLUMN_LENGTHS.get((sheet, column), UNLIMITED))
    set_text(workbook, sheet, column, text)
    result = import_workbook(workbook, by=importer)
    assert result.errors == []
    assert field.model.objects.filter(**{field.name: text}).exists()


def test_the_limits_apply_only_where_given(workbook):
    """Checked without the database's limits, a long text is not the workbook's concern."""
    set_text(workbook, "scheme_delivery_chain", "organisation", a_text(301))
    raw = read_workbook(workbook)
    assert not [m for m in validate_workbook(raw, Known()).errors if m.column == "organisation"]
    lengths = Known(lengths={("scheme_delivery_chain", "organisation"): 300})
    assert [
        (m.sheet, m.row, m.column, m.problem, m.expected)
        for m in validate_workbook(raw, lengths).errors
        if m.column == "organisation"
    ] == [
        (
            "scheme_delivery_chain",
            2,
            "organisation",
            "is 301 characters long",
            "at most 300 characters",
        )
    ]
