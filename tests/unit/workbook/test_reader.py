"""Reading the shape of a workbook: sheets, columns, rows and row numbers, in both containers."""

import textwrap
from datetime import datetime

import pytest
from openpyxl import Workbook

from bettercare.workbook import WorkbookError, read_workbook
from bettercare.workbook.schema import SHEET_NAMES

SHEETS = ", ".join(SHEET_NAMES)
PROGRAMME_COLUMNS = (
    "area_code, area_name, area_type, parent_code, programme_name, local_authority, commissioners, "
    "valid_from, valid_to"
)


def csv_folder(folder, **sheets):
    """A folder of CSV files, one per keyword: sheet name = CSV text."""
    folder.mkdir(exist_ok=True)
    for name, text in sheets.items():
        (folder / f"{name}.csv").write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return folder


def xlsx_file(path, **sheets):
    """An .xlsx workbook, one sheet per keyword: sheet name = list of rows."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        worksheet = book.create_sheet(name)
        for row in rows:
            worksheet.append(row)
    book.save(path)
    return path


def values(workbook, sheet):
    """Each row's number and its cells' values, as read."""
    return [
        (number, {column: cell.value for column, cell in cells.items()})
        for number, cells in workbook.sheets[sheet].rows
    ]


def messages(workbook):
    return [str(message) for message in workbook.messages]


PROGRAMME = """\
    area_code,area_name,area_type
    E10000016,Kent,HWB
"""
KENT = ["E10000016", "Kent", "HWB"]


# -- CSV folders ----------------------------------------------------------------------------


def test_csv_rows_keep_the_row_numbers_excel_shows(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            area_code,area_name,area_type
            E10000016,Kent,HWB

            ,,
            E10000017,Lancashire,HWB
        """,
    )
    workbook = read_workbook(folder)
    assert workbook.source == "plan"
    assert workbook.messages == []
    assert values(workbook, "programme") == [
        (2, {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"}),
        (5, {"area_code": "E10000017", "area_name": "Lancashire", "area_type": "HWB"}),
    ]
    assert workbook.sheets["programme"].source == "programme.csv"


def test_csv_short_rows_are_padded_and_optional_columns_may_be_missing(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            area_code,area_name,area_type,programme_name
            E10000016,Kent,HWB
        """,
    )
    [(number, row)] = values(read_workbook(folder), "programme")
    assert (number, row) == (
        2,
        {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB", "programme_name": None},
    )


def test_csv_cells_keep_their_line_breaks(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="area_code,area_name,area_type,commissioners\n"
        'E10000016,Kent,HWB,"NHS South Kent Coast CCG\nNHS Ashford CCG"\n'
        "E10000017,Lancashire,HWB,\n",
    )
    assert values(read_workbook(folder), "programme") == [
        (
            2,
            {
                "area_code": "E10000016",
                "area_name": "Kent",
                "area_type": "HWB",
                "commissioners": "NHS South Kent Coast CCG\nNHS Ashford CCG",
            },
        ),
        (
            3,
            {
                "area_code": "E10000017",
                "area_name": "Lancashire",
                "area_type": "HWB",
                "commissioners": "",
            },
        ),
    ]


def test_csv_with_a_byte_order_mark(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    # Excel's "CSV UTF-8" starts with a byte order mark.
    (folder / "programme.csv").write_bytes(
        "area_code,area_name,area_type\r\nE10000016,Kent,HWB\r\n".encode("utf-8-sig")
    )
    workbook = read_workbook(folder)
    assert workbook.messages == []
    assert values(workbook, "programme") == [
        (2, {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"})
    ]


def test_csv_unknown_sheet_suggests_the_nearest(tmp_path):
    folder = csv_folder(tmp_path / "plan", programme=PROGRAMME, schemse="area_code,ref,name\n")
    (folder / "notes.txt").write_text("not a sheet: ignored")
    assert messages(read_workbook(folder)) == [
        "error: schemse.csv, sheet schemse: unknown sheet 'schemse' (file schemse.csv) "
        f"(did you mean 'schemes'?); expected CSV files named after the sheets: {SHEETS}"
    ]


def test_csv_unknown_sheet_without_a_near_name(tmp_path):
    folder = csv_folder(tmp_path / "plan", programme=PROGRAMME, budget_notes="a\n")
    assert messages(read_workbook(folder)) == [
        "error: budget_notes.csv, sheet budget_notes: unknown sheet 'budget_notes' "
        f"(file budget_notes.csv); expected CSV files named after the sheets: {SHEETS}"
    ]


def test_csv_unknown_column_suggests_the_nearest(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            area_code,area_name,area_type,programe_name,Notes
            E10000016,Kent,HWB,,
        """,
    )
    workbook = read_workbook(folder)
    assert messages(workbook) == [
        "error: programme.csv, sheet programme, row 1, column programe_name: unknown column "
        f"'programe_name' (did you mean 'programme_name'?); expected only the columns "
        f"{PROGRAMME_COLUMNS}",
        "error: programme.csv, sheet programme, row 1, column Notes: unknown column 'Notes'; "
        f"expected only the columns {PROGRAMME_COLUMNS}",
    ]
    assert "programme" not in workbook.sheets  # a sheet with a bad header is not read


def test_csv_column_names_are_exact(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            Area_Code,area_name,area_type
            E10000016,Kent,HWB
        """,
    )
    assert messages(read_workbook(folder)) == [
        "error: programme.csv, sheet programme, row 1, column Area_Code: unknown column "
        f"'Area_Code' (did you mean 'area_code'?); expected only the columns {PROGRAMME_COLUMNS}",
        "error: programme.csv, sheet programme, row 1: missing required column(s) area_code; "
        f"expected the columns {PROGRAMME_COLUMNS}",
    ]


def test_csv_duplicate_column(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            area_code,area_name,area_type,area_name
            E10000016,Kent,HWB,Kent
        """,
    )
    [message] = read_workbook(folder).messages
    assert str(message) == (
        "error: programme.csv, sheet programme, row 1, column area_name: column appears more "
        "than once; expected each column once"
    )
    assert (message.sheet, message.row, message.column) == ("programme", 1, "area_name")


def test_csv_missing_required_columns(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme=PROGRAMME,
        themes="""\
            area_code,priority
            E10000016,Prevention
        """,
    )
    workbook = read_workbook(folder)
    assert messages(workbook) == [
        "error: themes.csv, sheet themes, row 1: missing required column(s) code, name; "
        "expected the columns area_code, code, name, priority"
    ]
    assert sorted(workbook.sheets) == ["programme"]


def test_csv_value_under_a_column_without_a_name(tmp_path):
    folder = csv_folder(
        tmp_path / "plan",
        programme="""\
            area_code,area_name,,area_type
            E10000016,Kent,,HWB
            E10000017,Lancashire,Lancs,HWB
            E10000018,Leicestershire,,HWB,HWB again
        """,
    )
    workbook = read_workbook(folder)
    assert messages(workbook) == [
        "error: programme.csv, sheet programme, row 3: has a value in a column without a name "
        "(got 'Lancs'); expected values only under the named columns",
        "error: programme.csv, sheet programme, row 4: has a value in a column without a name "
        "(got 'HWB again'); expected values only under the named columns",
    ]
    assert [number for number, _ in values(workbook, "programme")] == [2]


def test_csv_that_is_not_utf8(tmp_path):
    folder = tmp_path / "plan"
    csv_folder(folder, programme=PROGRAMME)
    (folder / "themes.csv").write_bytes("area_code,code,name\nE10000016,T1,Café\n".encode("cp1252"))
    workbook = read_workbook(folder)
    [message] = workbook.messages
    assert str(message) == (
        "error: themes.csv, sheet themes: is not UTF-8 text (byte 36); "
        "expected a CSV file saved as UTF-8"
    )
    assert sorted(workbook.sheets) == ["programme"]


def test_csv_empty_file_is_an_absent_sheet(tmp_path):
    folder = csv_folder(tmp_path / "plan", programme=PROGRAMME, risks="")
    workbook = read_workbook(folder)
    assert workbook.messages == []
    assert sorted(workbook.sheets) == ["programme"]


def test_csv_missing_programme_sheet(tmp_path):
    folder = csv_folder(tmp_path / "plan", themes="area_code,code,name\n")
    assert messages(read_workbook(folder)) == [
        "error: plan, sheet programme: the programme sheet is missing; expected a programme "
        "sheet (programme.csv in a folder) naming the areas"
    ]


def test_empty_folder_is_missing_its_programme_sheet(tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    [message] = read_workbook(folder).messages
    assert (message.sheet, message.problem) == ("programme", "the programme sheet is missing")


def test_programme_with_a_bad_header_is_not_also_reported_missing(tmp_path):
    folder = csv_folder(tmp_path / "plan", programme="area_code,area_name\n")
    assert messages(read_workbook(folder)) == [
        "error: programme.csv, sheet programme, row 1: missing required column(s) area_type; "
        f"expected the columns {PROGRAMME_COLUMNS}"
    ]


# -- .xlsx workbooks ------------------------------------------------------------------------


def test_xlsx_rows_keep_the_row_numbers_excel_shows(tmp_path):
    path = xlsx_file(
        tmp_path / "plan.xlsx",
        programme=[
            ["area_code", "area_name", "area_type"],
            KENT,
            [None, None, None],
            [None, " ", None],
            ["E10000017", "Lancashire", "HWB"],
        ],
    )
    workbook = read_workbook(path)
    assert workbook.source == "plan.xlsx"
    assert workbook.messages == []
    assert values(workbook, "programme") == [
        (2, {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"}),
        (5, {"area_code": "E10000017", "area_name": "Lancashire", "area_type": "HWB"}),
    ]
    assert workbook.sheets["programme"].source == "plan.xlsx"


def test_xlsx_keeps_excel_types_and_percent_formats(tmp_path):
    path = tmp_path / "plan.xlsx"
    book = Workbook()
    programme = book.active
    programme.title = "programme"
    programme.append(["area_code", "area_name", "area_type"])
    programme.append(KENT)
    worksheet = book.create_sheet("metric_values")
    worksheet.append(["area_code", "metric_code", "period_start", "period_end", "kind", "value"])
    worksheet.append(
        ["E10000016", "m", datetime(2017, 4, 1), datetime(2018, 3, 31), "actual", 0.881]
    )
    worksheet["F2"].number_format = "0.0%"
    worksheet.append(["E10000016", "m", datetime(2016, 4, 1), datetime(2017, 3, 31), "actual", 87])
    book.save(path)
    rows = read_workbook(path).sheets["metric_values"].rows
    assert [(number, cells["value"]) for number, cells in rows] == [
        (2, rows[0][1]["value"]),
        (3, rows[1][1]["value"]),
    ]
    first, second = rows[0][1], rows[1][1]
    assert (first["value"].value, first["value"].percent) == (0.881, True)
    assert (second["value"].value, second["value"].percent) == (87, False)
    assert first["period_start"].value == datetime(2017, 4, 1)
    assert first["period_start"].percent is False


def test_xlsx_unknown_sheet_suggests_the_nearest(tmp_path):
    path = xlsx_file(
        tmp_path / "plan.xlsx",
        programme=[["area_code", "area_name", "area_type"], KENT],
        Schemes=[["area_code", "ref", "name"]],
        Sheet1=[],  # an empty sheet, as Excel adds, is an absent sheet
    )
    assert messages(read_workbook(path)) == [
        "error: plan.xlsx, sheet Schemes: unknown sheet 'Schemes' (did you mean 'schemes'?); "
        f"expected only the sheets {SHEETS}"
    ]


def test_xlsx_unknown_duplicate_and_missing_columns(tmp_path):
    path = xlsx_file(
        tmp_path / "plan.xlsx",
        programme=[["area_code", "area_name", "area_type", "Notes"], KENT],
        themes=[["area_code", "code", "name", "code"], ["E10000016", "T1", "Prevention", "T1"]],
        risks=[["area_code", "ref"]],
    )
    workbook = read_workbook(path)
    assert messages(workbook) == [
        "error: plan.xlsx, sheet programme, row 1, column Notes: unknown column 'Notes'; "
        f"expected only the columns {PROGRAMME_COLUMNS}",
        "error: plan.xlsx, sheet themes, row 1, column code: column appears more than once; "
        "expected each column once",
        "error: plan.xlsx, sheet risks, row 1: missing required column(s) title; expected the "
        "columns area_code, ref, title, description, mitigation, owner, likelihood, impact, "
        "previous_score, rating, scheme_ref, as_at",
    ]
    assert workbook.sheets == {}
    # The programme sheet is there, only unusable: it is not also reported missing.
    assert not any("is missing" in text for text in messages(workbook))


def test_xlsx_value_under_a_column_without_a_name(tmp_path):
    path = xlsx_file(
        tmp_path / "plan.xlsx",
        programme=[
            ["area_code", "area_name", "area_type"],
            KENT,
            ["E10000017", "Lancashire", "HWB", 42],
        ],
    )
    workbook = read_workbook(path)
    assert messages(workbook) == [
        "error: plan.xlsx, sheet programme, row 3: has a value in a column without a name "
        "(got 42); expected values only under the named columns"
    ]
    assert [number for number, _ in values(workbook, "programme")] == [2]


def test_xlsx_header_names_are_trimmed(tmp_path):
    path = xlsx_file(
        tmp_path / "plan.xlsx", programme=[[" area_code", "area_name ", "area_type"], KENT]
    )
    workbook = read_workbook(path)
    assert workbook.messages == []
    assert values(workbook, "programme") == [
        (2, {"area_code": "E10000016", "area_name": "Kent", "area_type": "HWB"})
    ]


def test_xlsx_missing_programme_sheet(tmp_path):
    path = xlsx_file(tmp_path / "plan.xlsx", themes=[["area_code", "code", "name"]])
    assert messages(read_workbook(path)) == [
        "error: plan.xlsx, sheet programme: the programme sheet is missing; expected a programme "
        "sheet (programme.csv in a folder) naming the areas"
    ]


# -- paths that are not workbooks -----------------------------------------------------------


def test_missing_path(tmp_path):
    with pytest.raises(WorkbookError) as raised:
        read_workbook(tmp_path / "nowhere.xlsx")
    assert str(raised.value) == f"{tmp_path / 'nowhere.xlsx'} does not exist"


@pytest.mark.parametrize("name", ["plan.xls", "plan"])
def test_a_file_that_is_not_a_workbook(tmp_path, name):
    path = tmp_path / name
    path.write_text("area_code,area_name,area_type\n")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert str(raised.value) == (
        f"{name} is not a programme workbook: expected an .xlsx file, a folder of .csv files "
        "named after the sheets, or one .csv file (metric values, e.g. a month's actuals)"
    )


def test_a_lone_csv_is_read_as_metric_values_without_a_programme_sheet(tmp_path):
    path = tmp_path / "actuals-2025-08.csv"
    path.write_text(
        "area_code,metric_code,period_start,period_end,numerator,denominator,source\n"
        "E10000018,bcf_emergency_admissions_65,2025-08-01,2025-08-31,1712,140500,SUS\n"
    )
    workbook = read_workbook(path)
    assert workbook.messages == []
    assert list(workbook.sheets) == ["metric_values"]
    sheet = workbook.sheets["metric_values"]
    assert (sheet.source, sheet.columns) == (
        "actuals-2025-08.csv",
        [
            "area_code",
            "metric_code",
            "period_start",
            "period_end",
            "numerator",
            "denominator",
            "source",
        ],
    )
    [(row, cells)] = sheet.rows
    assert (row, cells["numerator"].value, cells["source"].value) == (2, "1712", "SUS")


def test_a_lone_csv_named_after_a_sheet_is_that_sheet(tmp_path):
    path = tmp_path / "risks.csv"
    path.write_text("area_code,ref,title\nE10000018,R1,Workforce\n")
    assert list(read_workbook(path).sheets) == ["risks"]


def test_a_lone_csv_with_other_columns_names_them(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text("area_code,area_name,area_type\n")
    messages = read_workbook(path).messages
    assert [m.problem for m in messages] == [
        "unknown column 'area_name' (did you mean 'area_code'?)",
        "unknown column 'area_type' (did you mean 'area_code'?)",
        "missing required column(s) metric_code, period_start, period_end",
    ]


def test_an_xlsx_that_is_not_a_zip(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_text("area_code,area_name,area_type\n")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert (
        str(raised.value) == "plan.xlsx is not a readable .xlsx workbook (File is not a zip file)"
    )


def test_an_xlsx_that_is_a_zip_of_something_else(tmp_path):
    import zipfile

    path = tmp_path / "plan.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "not a workbook")
    with pytest.raises(WorkbookError) as raised:
        read_workbook(path)
    assert str(raised.value).startswith("plan.xlsx is not a readable .xlsx workbook (")
