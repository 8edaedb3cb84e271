"""Each column type's parser: the forms people write, Excel-typed cells, what a bad cell says."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.periods import FinancialYear, Month
from bettercare.workbook.values import (
    PARSERS,
    Cell,
    CellError,
    Measure,
    parse_area_code,
    parse_code,
    parse_code_list,
    parse_date,
    parse_financial_year,
    parse_integer,
    parse_measure,
    parse_money,
    parse_month,
    parse_number,
    parse_text,
    parse_yes_no,
)
from bettercare.workbook.writer import cell_text

MONEY = "an amount in pounds, e.g. 1250000, £1,250,000 or -42042.50"
NUMBER = "a number, e.g. 1611 or 1,611 or 546195.5"
DATE = "a date as YYYY-MM-DD, e.g. 2017-08-31"
MONTH = "a month as YYYY-MM, e.g. 2017-08"
MEASURE = "a number, optionally with a % sign, e.g. 294.95 or 88.1%"


def problem(parse, value, *, percent=False):
    """The (problem, expected) a parser gives for a bad cell."""
    with pytest.raises(CellError) as raised:
        parse(Cell(value, percent))
    return raised.value.problem, raised.value.expected


# -- money ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("£1,250,000", Decimal("1250000")),
        ("1250000", Decimal("1250000")),
        ("-£42,042", Decimal("-42042")),
        ("£-42,042", Decimal("-42042")),
        ("-42042.50", Decimal("-42042.50")),
        ("(1,000)", Decimal("-1000")),
        ("(£1,000.25)", Decimal("-1000.25")),
        ("£ 1,000.50", Decimal("1000.50")),
        (" 12 ", Decimal("12")),
        (".5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("999,999,999,999.99", Decimal("999999999999.99")),
        # Excel-typed cells
        (1250000, Decimal("1250000")),
        (1250000.5, Decimal("1250000.5")),
        (0.1, Decimal("0.1")),
        (-42042.0, Decimal("-42042")),
    ],
)
def test_money_accepts_pounds_as_people_write_them(written, amount):
    parsed = parse_money(Cell(written))
    assert parsed == amount
    assert isinstance(parsed, Decimal)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("1,25,0", ("has thousands separators in the wrong places", MONEY)),
        ("12,34", ("has thousands separators in the wrong places", MONEY)),
        ("1,000,", ("has thousands separators in the wrong places", MONEY)),
        ("1.005", ("has fractions of a penny", "pounds and pence, at most 2 decimal places")),
        (1.005, ("has fractions of a penny", "pounds and pence, at most 2 decimal places")),
        ("£1,234.5678", ("has fractions of a penny", "pounds and pence, at most 2 decimal places")),
        ("-£-5", ("is not an amount of money", MONEY)),
        ("1e5", ("is not an amount of money", MONEY)),
        ("£", ("is not an amount of money", MONEY)),
        ("ten pounds", ("is not an amount of money", MONEY)),
        ("$100", ("is not an amount of money", MONEY)),
        (True, ("is not an amount of money", MONEY)),
        (float("nan"), ("is not an amount of money", MONEY)),
        (float("inf"), ("is not an amount of money", MONEY)),
        ("1,000,000,000,000", ("is too large", "an amount below £1,000,000,000,000")),
        (-1e12, ("is too large", "an amount below £1,000,000,000,000")),
    ],
)
def test_money_rejects_what_is_not_pounds_and_pence(written, expected):
    assert problem(parse_money, written) == expected


pence = st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1).map(
    lambda p: Decimal(p).scaleb(-2)
)


@given(pence)
def test_money_round_trips_through_the_writer(amount):
    assert parse_money(Cell(cell_text(amount))) == amount


@given(pence)
def test_money_reads_the_forms_a_plan_uses(amount):
    sign = "-" if amount < 0 else ""
    assert parse_money(Cell(f"{sign}£{abs(amount):,.2f}")) == amount
    assert parse_money(Cell(f"{abs(amount):,}")) == abs(amount)
    if amount > 0:
        assert parse_money(Cell(f"({amount:,.2f})")) == -amount


# -- numbers, measures and integers ---------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("1611", 1611.0),
        ("1,611", 1611.0),
        ("1,611.5", 1611.5),
        ("546195.5", 546195.5),
        (" 1 611 ", 1611.0),
        ("-3", -3.0),
        (".5", 0.5),
        (3, 3.0),
        (2.5, 2.5),
    ],
)
def test_number_accepts(written, number):
    assert parse_number(Cell(written)) == number


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("abc", ("is not a number", NUMBER)),
        ("1,61", ("is not a number", NUMBER)),
        ("1e5", ("is not a number", NUMBER)),
        ("5.", ("is not a number", NUMBER)),
        ("-", ("is not a number", NUMBER)),
        (".", ("is not a number", NUMBER)),
        ("12%", ("is not a number", NUMBER)),
        (True, ("is not a number", NUMBER)),
        (float("inf"), ("is not a finite number", NUMBER)),
        (float("nan"), ("is not a finite number", NUMBER)),
    ],
)
def test_number_rejects(written, expected):
    assert problem(parse_number, written) == expected


finite = st.floats(allow_nan=False, allow_infinity=False)


@given(finite)
def test_number_round_trips_through_the_writer(number):
    assert parse_number(Cell(cell_text(number))) == number


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_number_with_thousands_separators(number):
    assert parse_number(Cell(f"{number:,}")) == number


@pytest.mark.parametrize(
    ("cell", "measure"),
    [
        (Cell("294.95"), Measure(294.95)),
        (Cell("88.1%"), Measure(88.1, percent=True)),
        (Cell("88.10%"), Measure(88.1, percent=True)),
        (Cell(" 88.1 % "), Measure(88.1, percent=True)),
        (Cell("1,774.9"), Measure(1774.9)),
        (Cell(72.4), Measure(72.4)),
        # An Excel cell formatted as a percentage holds the fraction.
        (Cell(0.881, percent=True), Measure(88.1, percent=True)),
        (Cell(0.009, percent=True), Measure(0.9, percent=True)),
        (Cell(0.07, percent=True), Measure(7.0, percent=True)),
        (Cell(1, percent=True), Measure(100.0, percent=True)),
        # ... but text in a percent-formatted cell is read as written.
        (Cell("88.1%", percent=True), Measure(88.1, percent=True)),
    ],
)
def test_measure(cell, measure):
    assert parse_measure(cell) == measure


@pytest.mark.parametrize("written", ["%", "abc%", "88.1%%", "eighty"])
def test_measure_rejects(written):
    assert problem(parse_measure, written) == ("is not a number", MEASURE)


@given(finite)
def test_measure_round_trips_through_the_writer(number):
    assert parse_measure(Cell(cell_text(number))) == Measure(number)


@pytest.mark.parametrize(("written", "number"), [("3", 3), (3.0, 3), ("3.0", 3), ("1,000", 1000)])
def test_integer(written, number):
    assert parse_integer(Cell(written)) == number


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (3.5, ("is not a whole number", "a whole number")),
        ("2.5", ("is not a whole number", "a whole number")),
        ("x", ("is not a number", "a whole number")),
        ("High", ("is not a number", "a whole number")),
    ],
)
def test_integer_rejects(written, expected):
    assert problem(parse_integer, written) == expected


# -- dates, months and financial years ------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2017-08-31", date(2017, 8, 31)),
        (" 2016-02-29 ", date(2016, 2, 29)),
        (datetime(2017, 8, 31, 10, 30), date(2017, 8, 31)),  # an Excel date-time cell
        (date(2017, 8, 1), date(2017, 8, 1)),
    ],
)
def test_date(written, day):
    assert parse_date(Cell(written)) == day


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("2017-02-30", ("is not a real date", DATE)),
        ("2017-13-01", ("is not a real date", DATE)),
        ("31/08/2017", ("is not a date", DATE)),
        ("2017-8-31", ("is not a date", DATE)),
        ("2017-08-31T00:00", ("is not a date", DATE)),
        (20170831, ("is not a date", DATE)),
        ("soon", ("is not a date", DATE)),
    ],
)
def test_date_rejects(written, expected):
    assert problem(parse_date, written) == expected


@given(st.dates())
def test_date_round_trips_through_the_writer(day):
    assert parse_date(Cell(cell_text(day))) == day


@pytest.mark.parametrize(
    ("written", "month"),
    [
        ("2017-08", Month(2017, 8)),
        (" 2018-03 ", Month(2018, 3)),
        (date(2017, 8, 1), Month(2017, 8)),  # Excel turned "2017-08" into a date on the 1st
        (datetime(2017, 8, 1), Month(2017, 8)),
    ],
)
def test_month(written, month):
    assert parse_month(Cell(written)) == month


@pytest.mark.parametrize(
    "written",
    [
        "2017-13",
        "2017-8",
        "Aug 2017",
        "2017-08-01",
        201708,
        date(2017, 8, 2),
        datetime(2017, 8, 31),
    ],
)
def test_month_rejects(written):
    assert problem(parse_month, written) == ("is not a reporting period", MONTH)


@pytest.mark.parametrize(
    ("written", "year"),
    [("2017-18", FinancialYear(2017)), ("1999-00", FinancialYear(1999)), (" 2014-15", None)],
)
def test_financial_year(written, year):
    assert parse_financial_year(Cell(written)) == (year or FinancialYear(2014))


@pytest.mark.parametrize("written", ["2017-19", "2017/18", "2017-2018", "2017", 2017, "FY17"])
def test_financial_year_rejects(written):
    assert problem(parse_financial_year, written) == (
        "is not a financial year",
        "a financial year as YYYY-YY, e.g. 2017-18",
    )


# -- codes, text, flags and lists -----------------------------------------------------------


def test_area_code():
    assert parse_area_code(Cell(" e10000016 ")) == "E10000016"
    expected = ("is not an ONS area code", "a letter E, W, S or N and 8 digits, e.g. E10000018")
    assert problem(parse_area_code, "E1000001") == expected
    assert problem(parse_area_code, "X10000016") == expected


def test_code_and_text_from_excel_typed_cells():
    assert parse_code(Cell(12)) == "12"
    assert parse_code(Cell(12.0)) == "12"  # a scheme ref Excel stored as a number
    assert parse_code(Cell(12.5)) == "12.5"
    assert parse_text(Cell("  Kent  ")) == "Kent"
    assert parse_text(Cell(True)) == "Y"
    assert parse_text(Cell(datetime(2017, 8, 31, 9))) == "2017-08-31"
    assert problem(parse_code, "x" * 65) == (
        "is too long for a code or reference",
        "at most 64 characters",
    )
    assert parse_code(Cell("x" * 64)) == "x" * 64


@pytest.mark.parametrize(
    ("written", "flag"),
    [
        ("Y", True),
        ("y", True),
        ("Yes", True),
        ("TRUE", True),
        ("1", True),
        (1, True),
        (True, True),
        ("N", False),
        ("no", False),
        ("false", False),
        ("0", False),
        (0, False),
        (False, False),
    ],
)
def test_yes_no(written, flag):
    assert parse_yes_no(Cell(written)) is flag


@pytest.mark.parametrize("written", ["maybe", "2", "Enabler"])
def test_yes_no_rejects(written):
    assert problem(parse_yes_no, written) == ("is not Y or N", "Y or N")


def test_code_list():
    assert parse_code_list(Cell("skc_dtoc; skc_eq5d;;skc_gp_supported ")) == (
        "skc_dtoc",
        "skc_eq5d",
        "skc_gp_supported",
    )
    assert parse_code_list(Cell("one")) == ("one",)
    assert parse_code_list(Cell(";")) == ()


@given(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,20}", fullmatch=True), max_size=6))
def test_code_list_round_trips_through_the_writer(codes):
    assert parse_code_list(Cell(cell_text(tuple(codes)))) == tuple(codes)


# -- choices --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("G", "G"),
        ("Green", "G"),
        ("GREEN", "G"),
        ("amber", "A"),
        (" Amber ", "A"),
        ("a", "A"),
        ("Red", "R"),
        ("N/A", "NA"),
        ("n/a", "NA"),
        ("NA", "NA"),
        ("na", "NA"),
        ("E", "E"),
        ("Enabler", "E"),
    ],
)
def test_status(written, status):
    assert PARSERS["status"](Cell(written)) == status


STATUS = "G, A, R, NA or E (or Green, Amber, Red, N/A)"


@pytest.mark.parametrize(
    ("column_type", "written", "expected"),
    [
        ("status", "Blue", ("is not a RAG status", STATUS)),
        ("status", "", ("is not a RAG status", STATUS)),
        (
            "programme_status",
            "NA",
            ("is not a programme status", "G, A or R (or Green, Amber, Red)"),
        ),
        ("assurance_status", "maybe", ("is not an assurance rating", "G, A, R, Y or N")),
        ("area_type", "CCG", ("is not an area type", "HWB, ICB or region")),
        ("unit", "percent", ("is not a unit", "rate, proportion, count, dsr or mean")),
        (
            "polarity",
            "lower is better",
            ("is not a polarity", "lower_is_better or higher_is_better"),
        ),
        ("frequency", "weekly", ("is not a frequency", "month, quarter or year")),
        ("kind", "plan", ("is not a kind of value", "baseline, target, actual or forecast")),
        ("line", "income", ("is not a finance line", "spend or benefit")),
        (
            "scheme_dimension",
            "budget",
            ("is not a RAG dimension", "savings, milestones, finance or metrics"),
        ),
        (
            "programme_dimension",
            "savings",
            ("is not a programme dimension", "plan, benefits or budget"),
        ),
    ],
)
def test_choices_reject(column_type, written, expected):
    assert problem(PARSERS[column_type], written) == expected


@pytest.mark.parametrize(
    ("column_type", "written", "value"),
    [
        ("programme_status", "Green", "G"),
        ("programme_status", "r", "R"),
        ("assurance_status", "Yes", "Y"),
        ("assurance_status", "no", "N"),
        ("assurance_status", "Amber", "A"),
        ("area_type", "hwb", "HWB"),
        ("area_type", "Region", "region"),
        ("unit", "Proportion", "proportion"),
        ("polarity", "Higher_Is_Better", "higher_is_better"),
        ("frequency", "Quarter", "quarter"),
        ("kind", "Baseline", "baseline"),
        ("line", "Benefit", "benefit"),
        ("scheme_dimension", "Action plan milestones", "milestones"),
        ("scheme_dimension", "Impact  on metrics", "metrics"),
        ("scheme_dimension", "Finance", "finance"),
        ("programme_dimension", "Budget", "budget"),
    ],
)
def test_choices_accept(column_type, written, value):
    assert PARSERS[column_type](Cell(written)) == value


def test_every_column_type_has_a_parser():
    from typing import get_args

    from bettercare.workbook.schema import ColumnType

    assert set(PARSERS) == set(get_args(ColumnType))
