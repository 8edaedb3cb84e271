"""Reporting months and financial years."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bettercare.core.periods import FinancialYear, Month


def test_month_parse_and_properties():
    august = Month.parse("2017-08")
    assert str(august) == "2017-08"
    assert august.label == "August 2017"
    assert august.first_day == date(2017, 8, 1)
    assert august.last_day == date(2017, 8, 31)
    assert str(august.financial_year) == "2017-18"
    assert str(Month.parse("2018-03").financial_year) == "2017-18"
    assert Month.parse("2016-02").last_day == date(2016, 2, 29)
    assert str(august + 5) == "2018-01"
    assert str(august - 8) == "2016-12"
    assert august.months_until(Month(2018, 3)) == 7


def test_financial_year():
    year = FinancialYear.parse("2017-18")
    assert (year.start, year.end) == (date(2017, 4, 1), date(2018, 3, 31))
    assert [str(m) for m in year.months()][:2] == ["2017-04", "2017-05"]
    assert str(year.months()[-1]) == "2018-03"
    assert year.month_number(Month(2017, 8)) == 5
    assert FinancialYear.of(date(2018, 3, 31)) == year
    assert str(FinancialYear(1999)) == "1999-00"
    assert FinancialYear.parse("1999-00") == FinancialYear(1999)


@given(st.integers(1900 * 12, 2998 * 12))
def test_month_round_trip(index):
    month = Month(index // 12, index % 12 + 1)
    assert Month.parse(str(month)) == month
    assert month.financial_year.month_number(month) in range(1, 13)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-13", "MM from 01 to 12"),
        ("Aug 2017", r"expected a month as YYYY-MM \(e.g. 2017-08\), got 'Aug 2017'"),
        ("2017/08", "expected a month as YYYY-MM"),
    ],
)
def test_bad_month(text, message):
    with pytest.raises(ValueError, match=message):
        Month.parse(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2017-19", r"YY is the following year \(e.g. 2017-18\), got '2017-19'"),
        ("2017/18", "expected a financial year as YYYY-YY"),
        ("17-18", "expected a financial year as YYYY-YY"),
    ],
)
def test_bad_financial_year(text, message):
    with pytest.raises(ValueError, match=message):
        FinancialYear.parse(text)


def test_month_outside_the_year():
    with pytest.raises(ValueError, match="2018-04 is not in the financial year 2017-18"):
        FinancialYear(2017).month_number(Month(2018, 4))


@given(st.integers(2, 9998), st.integers(1, 12))
def test_months_and_years_survive_pickling_for_the_caches(year, month):
    import pickle

    for value in (Month(year, month), FinancialYear(year), Month(year, month).financial_year):
        again = pickle.loads(pickle.dumps(value))
        assert again == value
        assert type(again) is type(value)
        assert hash(again) == hash(value)


def test_a_month_pickled_with_dataclasses_generic_state_still_loads():
    """What a cache may hold from before: the state as a list of the fields' values."""
    month = Month.__new__(Month)
    month.__setstate__([2017, 8])  # type: ignore[arg-type]  # the old list state
    assert month == Month(2017, 8)
    year = FinancialYear.__new__(FinancialYear)
    year.__setstate__([2017])  # type: ignore[arg-type]
    assert year == FinancialYear(2017)
