"""Reading one cell: each column type's parser, with what it expected when it fails.

Cells come from Excel (numbers, dates, booleans, text) or from CSV (always text); both are
accepted the way people write them: money with a leading £ and thousands separators, a value
with a % sign, ``Green``/``Amber``/``Red``/``N/A`` for statuses, ``Y``/``N`` for flags.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.pooled_fund import PROTECTION_CATEGORIES
from bettercare.core.rag import PROGRAMME_STATUSES, RISK_RATINGS, STATUS_LABELS, STATUSES
from bettercare.core.scheme_description import CADENCES, DELIVERY_ROLES, KPI_LEVELS
from bettercare.workbook.schema import ColumnType


class CellError(ValueError):
    """A cell that does not hold what its column expects."""

    def __init__(self, problem: str, expected: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.expected = expected


class Cell(NamedTuple):
    """A raw cell: its value and whether Excel formats it as a percentage.

    A named tuple (not a dataclass) because a workbook has millions of them: it is made
    several times faster.
    """

    value: Any
    percent: bool = False

    @property
    def is_blank(self) -> bool:
        return self.value is None or (isinstance(self.value, str) and not self.value.strip())


@dataclass(frozen=True, slots=True)
class Measure:
    """A metric value as written: the number, and whether it carried a % sign."""

    number: float
    percent: bool = False


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_text(cell: Cell) -> str:
    return _text_of(cell.value)


ONS_CODE = re.compile(r"^[EWSN]\d{8}$")


def parse_area_code(cell: Cell) -> str:
    text = _text_of(cell.value).upper()
    if not ONS_CODE.match(text):
        raise CellError(
            "is not an ONS area code", "a letter E, W, S or N and 8 digits, e.g. E10000018"
        )
    return text


def parse_code(cell: Cell) -> str:
    text = _text_of(cell.value)
    if len(text) > 64:
        raise CellError("is too long for a code or reference", "at most 64 characters")
    return text


def parse_date(cell: Cell) -> date:
    value = cell.value
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text_of(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise CellError("is not a real date", "a date as YYYY-MM-DD, e.g. 2017-08-31") from None
    raise CellError("is not a date", "a date as YYYY-MM-DD, e.g. 2017-08-31")


def parse_month(cell: Cell) -> Month:
    value = cell.value
    if isinstance(value, datetime | date) and value.day == 1:
        return Month(value.year, value.month)
    try:
        return Month.parse(_text_of(value))
    except ValueError:
        raise CellError("is not a reporting period", "a month as YYYY-MM, e.g. 2017-08") from None


def parse_financial_year(cell: Cell) -> FinancialYear:
    try:
        return FinancialYear.parse(_text_of(cell.value))
    except ValueError:
        raise CellError(
            "is not a financial year", "a financial year as YYYY-YY, e.g. 2017-18"
        ) from None


MONEY = re.compile(r"^(-)?\s*£?\s*(-)?\s*([0-9][0-9,]*(\.[0-9]+)?|\.[0-9]+)$")


def parse_money(cell: Cell) -> Decimal:
    expected = "an amount in pounds, e.g. 1250000, £1,250,000 or -42042.50"
    value = cell.value
    if isinstance(value, bool):
        raise CellError("is not an amount of money", expected)
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise CellError("is not an amount of money", expected)
        amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    else:
        text = _text_of(value).replace(" ", "")
        negative = text.startswith("(") and text.endswith(")")
        if negative:
            text = text[1:-1]
        match = MONEY.match(text)
        if not match or (match[1] and match[2]):
            raise CellError("is not an amount of money", expected)
        digits = match[3]
        if "," in digits and not re.fullmatch(r"\d{1,3}(,\d{3})*(\.\d+)?", digits):
            raise CellError("has thousands separators in the wrong places", expected)
        amount = Decimal(digits.replace(",", ""))
        if negative or match[1] or match[2]:
            amount = -amount
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise CellError("has fractions of a penny", "pounds and pence, at most 2 decimal places")
    if abs(amount) >= Decimal("1e12"):
        raise CellError("is too large", "an amount below £1,000,000,000,000")
    return amount


def parse_amount(cell: Cell) -> Decimal:
    """Money that cannot be below zero: a budget, a contribution, a target, an outturn."""
    amount = parse_money(cell)
    if amount < 0:
        raise CellError(
            "is negative", "an amount of £0 or more (negative amounts mean nothing here)"
        )
    return amount


NUMBER = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")


def _number(value: Any, expected: str) -> float:
    if isinstance(value, bool):
        raise CellError("is not a number", expected)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _text_of(value).replace(" ", "")
        if not text or not NUMBER.match(text) or text in ("-", "."):
            raise CellError("is not a number", expected)
        # The pattern admits only plain decimals, which float reads correctly rounded, as
        # it does a Decimal: the same number without making one.
        number = float(text.replace(",", ""))
    if not math.isfinite(number):
        raise CellError("is not a finite number", expected)
    return number


def parse_number(cell: Cell) -> float:
    return _number(cell.value, "a number, e.g. 1611 or 1,611 or 546195.5")


def parse_measure(cell: Cell) -> Measure:
    expected = "a number, optionally with a % sign, e.g. 294.95 or 88.1%"
    value = cell.value
    if cell.percent and isinstance(value, int | float) and not isinstance(value, bool):
        # Scaled as written (0.07 is 7%, not 7.000000000000001%), so rounding checks hold.
        return Measure(float(Decimal(repr(_number(value, expected))) * 100), percent=True)
    if isinstance(value, str) and value.strip().endswith("%"):
        return Measure(_number(value.strip()[:-1], expected), percent=True)
    return Measure(_number(value, expected))


def parse_integer(cell: Cell) -> int:
    number = _number(cell.value, "a whole number")
    if not number.is_integer():
        raise CellError("is not a whole number", "a whole number")
    return int(number)


YES = {"y", "yes", "true", "1"}
NO = {"n", "no", "false", "0"}


def parse_yes_no(cell: Cell) -> bool:
    if isinstance(cell.value, bool):
        return cell.value
    text = _text_of(cell.value).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellError("is not Y or N", "Y or N")


def parse_code_list(cell: Cell) -> tuple[str, ...]:
    return tuple(part.strip() for part in _text_of(cell.value).split(";") if part.strip())


def _choice(allowed: dict[str, str], expected: str, what: str) -> Callable[[Cell], str]:
    def parse(cell: Cell) -> str:
        text = re.sub(r"\s+", " ", _text_of(cell.value).lower())
        if text not in allowed:
            raise CellError(f"is not {what}", expected)
        return allowed[text]

    return parse


def _identity(*values: str) -> dict[str, str]:
    return {value.lower(): value for value in values}


#: A status may be written as its code or its label, in any case (and N/A as "NA").
STATUS_WORDS = {label.lower(): status for status, label in STATUS_LABELS.items()} | {"na": "NA"}
PROGRAMME_STATUS_WORDS = {STATUS_LABELS[status].lower(): status for status in PROGRAMME_STATUSES}
PARSERS: dict[ColumnType, Callable[[Cell], Any]] = {
    "text": parse_text,
    "area_code": parse_area_code,
    "code": parse_code,
    "date": parse_date,
    "month": parse_month,
    "financial_year": parse_financial_year,
    "money": parse_money,
    "amount": parse_amount,
    "number": parse_number,
    "measure": parse_measure,
    "integer": parse_integer,
    "yes_no": parse_yes_no,
    "code_list": parse_code_list,
    "area_type": _choice(
        {"hwb": "HWB", "icb": "ICB", "region": "region"}, "HWB, ICB or region", "an area type"
    ),
    "unit": _choice(
        _identity("rate", "proportion", "count", "dsr", "mean"),
        "rate, proportion, count, dsr or mean",
        "a unit",
    ),
    "polarity": _choice(
        _identity("lower_is_better", "higher_is_better"),
        "lower_is_better or higher_is_better",
        "a polarity",
    ),
    "frequency": _choice(
        _identity("month", "quarter", "year"), "month, quarter or year", "a frequency"
    ),
    "kind": _choice(
        _identity("baseline", "target", "actual", "forecast"),
        "baseline, target, actual or forecast",
        "a kind of value",
    ),
    "line": _choice(_identity("spend", "benefit"), "spend or benefit", "a finance line"),
    "scheme_dimension": _choice(
        _identity("savings", "milestones", "finance", "metrics")
        | {
            "action plan milestones": "milestones",
            "action plan": "milestones",
            "impact on metrics": "metrics",
            "metric": "metrics",
        },
        "savings, milestones, finance or metrics",
        "a RAG dimension",
    ),
    "activity_group": _choice(
        _identity("programme", "schemes", "enablers")
        | {
            "programme management": "programme",
            "bcf programme management": "programme",
            "bcf schemes": "schemes",
            "bcf enablers": "enablers",
        },
        "programme, schemes or enablers",
        "a group of the next three months' activity",
    ),
    "programme_dimension": _choice(
        _identity("plan", "benefits", "budget"), "plan, benefits or budget", "a programme dimension"
    ),
    "status": _choice(
        _identity(*STATUSES) | STATUS_WORDS,
        "G, A, R, NA or E (or Green, Amber, Red, N/A)",
        "a RAG status",
    ),
    "programme_status": _choice(
        _identity(*PROGRAMME_STATUSES) | PROGRAMME_STATUS_WORDS,
        "G, A or R (or Green, Amber, Red)",
        "a programme status",
    ),
    "assurance_status": _choice(
        _identity("G", "A", "R", "Y", "N")
        | {"green": "G", "amber": "A", "red": "R", "yes": "Y", "no": "N"},
        "G, A, R, Y or N",
        "an assurance rating",
    ),
    "protection": _choice(
        _identity(*PROTECTION_CATEGORIES)
        | {label.lower(): code for code, label in PROTECTION_CATEGORIES.items()},
        "nhs_out_of_hospital or social_care (or blank)",
        "a protection category",
    ),
    "delivery_role": _choice(
        _identity(*DELIVERY_ROLES)
        | {label.lower(): code for code, label in DELIVERY_ROLES.items()}
        | {"commissioners": "commissioner", "providers": "provider"},
        ", ".join(DELIVERY_ROLES),
        "a delivery-chain role",
    ),
    "kpi_level": _choice(
        _identity(*KPI_LEVELS) | {"practice level": "practice", "locality level": "locality"},
        ", ".join(KPI_LEVELS),
        "a KPI level",
    ),
    "cadence": _choice(
        _identity(*CADENCES)
        | {"bi-weekly": "biweekly", "fortnightly": "biweekly", "every two weeks": "biweekly"},
        ", ".join(CADENCES),
        "a reporting cadence",
    ),
    # The plan's own rating of a risk (bettercare.core.rag.risk_rating), in any case.
    "risk_rating": _choice(
        {rating: rating for rating in RISK_RATINGS}, "High, Medium or Low", "a risk rating"
    ),
}


#: What a column parse gives for a blank cell.
BLANK: Any = object()


def parse_one(parse: Callable[[Cell], Any], cell: Cell) -> Any:
    """``parse(cell)``, the :class:`CellError` it raises, or :data:`BLANK` for a blank cell."""
    if cell.is_blank:
        return BLANK
    try:
        return parse(cell)
    except CellError as problem:
        return problem


#: A plain decimal, as people and the writer write most numbers (``-42042.5``): what
#: ``float`` reads exactly as :func:`_number` does (no spaces, separators or signs to
#: remove). Longer ones are left to it, so none overflows.
_PLAIN = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?")
_PLAIN_PERCENT = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?%")
_PLAIN_WHOLE = re.compile(r"-?[0-9]{1,15}")


def _plain_numbers(texts: Collection[str | None]) -> dict[str | None, Any]:
    plain = list(filter(_PLAIN.fullmatch, filter(None, texts)))
    return dict(zip(plain, map(float, plain), strict=True))


def _plain_measures(texts: Collection[str | None]) -> dict[str | None, Any]:
    present: list[str] = list(filter(None, texts))
    plain = list(filter(_PLAIN.fullmatch, present))
    made: dict[str | None, Any] = {text: Measure(float(text)) for text in plain}
    for text in filter(_PLAIN_PERCENT.fullmatch, present):
        made[text] = Measure(float(text[:-1]), percent=True)
    return made


def _plain_integers(texts: Collection[str | None]) -> dict[str | None, Any]:
    # Up to 15 digits a float holds a whole number exactly: int() of the text is the same.
    plain = list(filter(_PLAIN_WHOLE.fullmatch, filter(None, texts)))
    return dict(zip(plain, map(int, plain), strict=True))


#: For the column types whose texts are mostly distinct (figures), the parse of their plain
#: texts at once; the texts it leaves out are parsed one at a time.
_AT_ONCE: dict[ColumnType, Callable[[Collection[str | None]], dict[str | None, Any]]] = {
    "number": _plain_numbers,
    "measure": _plain_measures,
    "integer": _plain_integers,
}


def parse_texts(
    column_type: ColumnType,
    texts: Sequence[str | None],
    parse: Callable[[Cell], Any],
    blank: Any = BLANK,
) -> tuple[list[Any], set[str | None]]:
    """:func:`parse_one` of each CSV text of a column (None for a missing cell), made once
    for each distinct text, with ``blank`` for a blank cell; and the texts that are a
    problem (a :class:`CellError` or :data:`BLANK`). The plain figures of a number, measure
    or integer column are read all at once, as ``parse`` would read each, and every other
    text by ``parse`` (the column's parser, perhaps with a limit on its length), so each
    problem is the same."""
    distinct = set(texts)
    at_once = _AT_ONCE.get(column_type)
    made = {} if at_once is None else at_once(distinct)
    bad: set[str | None] = set()
    for text in distinct - made.keys() if made else distinct:
        result = parse_one(parse, Cell(text))
        if result is BLANK:
            result = blank
        if result is BLANK or type(result) is CellError:
            bad.add(text)
        made[text] = result
    return list(map(made.__getitem__, texts)), bad
