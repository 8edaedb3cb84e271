"""Validation messages that name the file, sheet, row, column, value and what was expected."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Message:
    """One problem found in a workbook.

    ``row`` is the row number as the user sees it in Excel (the header is row 1, the first
    data row is row 2); ``None`` for a problem with a whole sheet or file.
    """

    severity: Severity
    source: str
    sheet: str
    row: int | None
    column: str | None
    value: Any
    problem: str
    expected: str = ""

    def __str__(self) -> str:
        where = [self.source] if self.source else []
        where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.problem.rstrip('.')}"
        if self.value is not None and self.value != "":
            text += f" (got {_show(self.value)})"
        if self.expected:
            text += f"; expected {self.expected}"
        return f"{self.severity}: {text}"

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["value"] = None if self.value is None else _show(self.value)
        data["message"] = str(self)
        return data


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return str(value)


class WorkbookError(Exception):
    """A workbook that cannot be read at all (not found, not a workbook, unreadable)."""
