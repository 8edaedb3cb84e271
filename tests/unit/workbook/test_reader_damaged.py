"""Damaged and hostile files: every failure to read is one line naming the file, never a
traceback, and XML entity tricks (XXE, billion laughs) are refused, not processed."""

import zipfile

import pytest
from openpyxl import Workbook

from bettercare.workbook import WorkbookError, read_workbook


def good_xlsx(path):
    book = Workbook()
    sheet = book.active
    sheet.title = "programme"
    sheet.append(["area_code", "area_name", "area_type"])
    sheet.append(["E10000016", "Kent", "HWB"])
    book.save(path)
    return path


def rewrite(path, change):
    """Rewrite the zip at ``path``, passing each member's name and bytes through ``change``
    (which returns new bytes, or None to drop the member)."""
    with zipfile.ZipFile(path) as old:
        members = [(info, old.read(info)) for info in old.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info, data in members:
            data = change(info.filename, data)
            if data is not None:
                new.writestr(info.filename, data)
    return path


def one_line_error(path):
    with pytest.raises(WorkbookError) as caught:
        read_workbook(path)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path.name} is not a readable .xlsx workbook")
    return message


def test_the_good_workbook_reads(tmp_path):
    workbook = read_workbook(good_xlsx(tmp_path / "plan.xlsx"))
    assert workbook.messages == []
    assert [cells["area_name"].value for _, cells in workbook.sheets["programme"].rows] == ["Kent"]


def test_a_sheet_csv_that_is_a_folder(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "programme.csv").write_text("area_code,area_name,area_type\nE1,Kent,HWB\n")
    (folder / "milestones.csv").mkdir()
    messages = [str(m) for m in read_workbook(folder).messages]
    assert messages == [
        "error: milestones.csv, sheet milestones: cannot be read: it is a folder; "
        "expected a CSV file"
    ]


def test_a_csv_with_a_field_past_the_csv_limit(tmp_path):
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "programme.csv").write_text(
        'area_code,area_name,area_type\nE1,"' + "x" * 200_000 + '",HWB\n'
    )
    [message] = read_workbook(folder).messages
    assert str(message).startswith(
        "error: programme.csv, sheet programme, row 2: is not a readable CSV file (field larger"
    )


def test_corrupt_deflate_data(tmp_path):
    path = good_xlsx(tmp_path / "plan.xlsx")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as book:
        info = book.getinfo("xl/worksheets/sheet1.xml")
    # Overwrite the middle of the sheet's compressed bytes (after its local header).
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    for offset in range(start + 5, start + min(info.compress_size, 40)):
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    message = one_line_error(path)
    assert "corrupt" in message or "CRC" in message or "malformed" in message


def test_styles_removed(tmp_path):
    from datetime import date

    book = Workbook()
    sheet = book.active
    sheet.title = "milestones"
    sheet.append(["area_code", "ref", "title", "baseline_date"])
    sheet.append(["E10000016", "M1", "Open the hub", date(2017, 9, 30)])  # a styled cell
    book.save(tmp_path / "plan.xlsx")
    path = rewrite(
        tmp_path / "plan.xlsx",
        lambda name, data: None if name == "xl/styles.xml" else data,
    )
    # openpyxl fails on it (IndexError inside): one line, naming the file, no traceback.
    message = one_line_error(path)
    assert message.startswith("plan.xlsx is not a readable .xlsx workbook (")


def test_malformed_sheet_xml(tmp_path):
    path = rewrite(
        good_xlsx(tmp_path / "plan.xlsx"),
        lambda name, data: data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data,
    )
    assert "its XML is malformed" in one_line_error(path)


XXE = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData></worksheet>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"""


@pytest.mark.parametrize("payload", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_xml_entities_are_refused_in_one_line(tmp_path, payload):
    path = rewrite(
        good_xlsx(tmp_path / "plan.xlsx"),
        lambda name, data: payload if name == "xl/worksheets/sheet1.xml" else data,
    )
    message = one_line_error(path)
    assert "XML entities or external references, which are refused" in message
    assert "root:" not in message  # nothing of the referenced file in the message
