"""Reporting months and financial years (April to March), as BCF returns write them.

A month is written ``2017-08``; a financial year ``2017-18`` (1 April 2017 to 31 March 2018).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

__all__ = ["FinancialYear", "Month"]

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_FINANCIAL_YEAR = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month, e.g. ``Month.parse("2017-08")``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be from 1 to 12, got {self.month!r}")
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year must be from 1 to 9999, got {self.year!r}")

    # Pickled by the page caches by the hundred: plain state, without dataclasses' generic
    # (slots) pickling, which looks the fields up for every instance (ADR 0117).
    def __getstate__(self) -> tuple[int, int]:
        return (self.year, self.month)

    def __setstate__(self, state: tuple[int, int]) -> None:
        object.__setattr__(self, "year", state[0])
        object.__setattr__(self, "month", state[1])

    @classmethod
    def parse(cls, text: str) -> Month:
        """Read ``YYYY-MM``; raise ``ValueError`` naming the expected form otherwise."""
        match = _MONTH.match(str(text).strip())
        if not match:
            raise ValueError(f"expected a month as YYYY-MM (e.g. 2017-08), got {text!r}")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValueError(f"expected a month as YYYY-MM with MM from 01 to 12, got {text!r}")
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a date falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def label(self) -> str:
        """Human form, e.g. ``August 2017``."""
        return f"{calendar.month_name[self.month]} {self.year}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year if self.month >= 4 else self.year - 1)

    @property
    def index(self) -> int:
        """Months since January of year 0: consecutive months differ by one."""
        return self.year * 12 + self.month - 1

    def __add__(self, months: int) -> Month:
        total = self.index + months
        return Month(total // 12, total % 12 + 1)

    def __sub__(self, months: int) -> Month:
        return self + (-months)

    def months_until(self, other: Month) -> int:
        """Number of months from this month to ``other`` (negative if earlier)."""
        return other.index - self.index


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """An April-to-March financial year, e.g. ``FinancialYear.parse("2017-18")``."""

    start_year: int

    def __post_init__(self) -> None:
        if not 1 <= self.start_year <= 9998:
            raise ValueError(f"start_year must be from 1 to 9998, got {self.start_year!r}")

    def __getstate__(self) -> tuple[int]:  # as Month's
        return (self.start_year,)

    def __setstate__(self, state: tuple[int]) -> None:
        object.__setattr__(self, "start_year", state[0])

    @classmethod
    def parse(cls, text: str) -> FinancialYear:
        """Read ``YYYY-YY``; the second part must be the following year."""
        match = _FINANCIAL_YEAR.match(str(text).strip())
        if not match:
            raise ValueError(f"expected a financial year as YYYY-YY (e.g. 2017-18), got {text!r}")
        start = int(match[1])
        if int(match[2]) != (start + 1) % 100:
            raise ValueError(
                f"expected a financial year as YYYY-YY where YY is the following year "
                f"(e.g. {start}-{(start + 1) % 100:02d}), got {text!r}"
            )
        return cls(start)

    @classmethod
    def of(cls, day: date) -> FinancialYear:
        """The financial year a date falls in."""
        return cls(day.year if day.month >= 4 else day.year - 1)

    def __str__(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def first_month(self) -> Month:
        return Month(self.start_year, 4)

    def months(self) -> list[Month]:
        """The twelve months, April to March."""
        return [self.first_month + offset for offset in range(12)]

    def month_number(self, month: Month) -> int:
        """1 for April up to 12 for March; raise if the month is outside the year."""
        offset = self.first_month.months_until(month)
        if not 0 <= offset < 12:
            raise ValueError(f"{month} is not in the financial year {self}")
        return offset + 1
