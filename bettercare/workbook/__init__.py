"""The programme workbook: reading, checking and writing it, free of any database.

``read_workbook`` reads an ``.xlsx`` file or a folder of CSVs; ``validate_workbook`` parses
and checks it (given what the database already knows); ``write_workbook`` writes one. The
web layer persists validated records (``bettercare.web.programmes.imports``).
"""

from bettercare.workbook.messages import Message, WorkbookError
from bettercare.workbook.reader import RawWorkbook, read_workbook
from bettercare.workbook.schema import SHEET_NAMES, SHEETS, SHEETS_BY_NAME
from bettercare.workbook.validate import (
    Known,
    MetricInfo,
    Record,
    ValidatedWorkbook,
    validate_workbook,
)
from bettercare.workbook.writer import write_workbook

__all__ = [
    "SHEETS",
    "SHEETS_BY_NAME",
    "SHEET_NAMES",
    "Known",
    "Message",
    "MetricInfo",
    "RawWorkbook",
    "Record",
    "ValidatedWorkbook",
    "WorkbookError",
    "read_workbook",
    "validate_workbook",
    "write_workbook",
]
