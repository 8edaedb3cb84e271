"""The demo's current-year records and values: months, areas, determinism, plausible figures."""

import math
from datetime import date

import pyarrow.parquet as pq
import pytest

from bettercare.core.means import mean
from bettercare.core.periods import Month
from bettercare.core.stats import rate
from bettercare.demo.current_records import (
    CURRENT_METRICS,
    FIRST_MONTH,
    current_hwbs,
    current_metric_values,
    last_complete_month,
    write_current_records,
)

SMALL = ("E06000017", "E06000062")  # Rutland, West Northamptonshire


@pytest.mark.parametrize(
    ("today", "last"),
    [
        (date(2026, 12, 4), Month(2026, 11)),
        (date(2026, 12, 1), Month(2026, 11)),
        (date(2026, 11, 30), Month(2026, 10)),
        (date(2027, 1, 1), Month(2026, 12)),
    ],
)
def test_the_last_complete_month_is_the_month_before_today(today, last):
    assert last_complete_month(today) == last


def test_today_must_leave_a_complete_month_from_april_2025(tmp_path):
    message = (
        "today must be on or after 2025-05-01 (the demo's current years start in April 2025, "
        "and a month is shown once it is complete); got 2025-04-30"
    )
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        current_metric_values(date(2025, 4, 30))
    with pytest.raises(ValueError, match="today must be on or after 2025-05-01"):
        write_current_records(tmp_path, today=date(2024, 12, 1))


def test_areas_must_be_the_demos_hwbs():
    with pytest.raises(ValueError, match=r"areas must be HWB codes of the demo \(E10000018, "):
        current_metric_values(date(2025, 6, 1), areas=["E10000021"])  # old Northamptonshire


def test_the_records_are_emergency_admissions_65_plus_up_to_the_last_complete_month(tmp_path):
    records = write_current_records(tmp_path, today=date(2025, 9, 3), areas=SMALL)
    assert (records.first, records.last) == (Month(2025, 4), Month(2025, 8))
    admissions = pq.read_table(tmp_path / "admissions.parquet").to_pylist()
    assert records.rows["admissions"] == len(admissions) > 1000
    assert {a["admission_method"] for a in admissions} == {"emergency"}
    assert min(a["age"] for a in admissions) >= 65
    assert min(a["admission_date"] for a in admissions) == date(2025, 2, 1)  # two lead-in months
    end = date(2025, 8, 31)
    assert max(a["admission_date"] for a in admissions) <= end
    discharged = [a for a in admissions if a["discharge_date"] is not None]
    assert max(a["discharge_date"] for a in discharged) <= end
    still_in = [a for a in admissions if a["discharge_date"] is None]
    assert still_in
    assert {a["discharge_destination"] for a in still_in} == {"98"}
    assert all(a["discharge_ready_date"] is None for a in still_in)
    ready = [a for a in discharged if a["discharge_ready_date"] is not None]
    assert all(
        a["admission_date"] <= a["discharge_ready_date"] <= a["discharge_date"] for a in ready
    )
    assert 0.85 < len(ready) / len(discharged) < 0.97
    homes = pq.read_table(tmp_path / "care_home_admissions.parquet").to_pylist()
    assert {h["duration"] for h in homes} == {"long_term", "short_term"}
    assert min(h["age"] for h in homes) < 65  # younger people, whom the metric leaves out


def test_the_region_has_north_and_west_northamptonshire_not_northamptonshire(tmp_path):
    write_current_records(tmp_path, today=date(2025, 5, 2))
    codes = set(pq.read_table(tmp_path / "population.parquet").column("area_code").to_pylist())
    assert codes == {hwb.code for _index, hwb in current_hwbs()}
    assert {"E06000061", "E06000062"} <= codes
    assert "E10000021" not in codes
    text = (tmp_path / "areas.csv").read_text(encoding="utf-8")
    assert "North Northamptonshire" in text
    assert "West Northamptonshire" in text


@pytest.fixture(scope="module")
def december_2026():
    """The whole region's values as the demo loads them on 4 December 2026 (DuckDB)."""
    return current_metric_values(date(2026, 12, 4))


def test_december_2026_shows_april_2025_to_november_2026(december_2026):
    assert {r.metric_code for r in december_2026} == set(CURRENT_METRICS)
    assert {r.area_code for r in december_2026} == {hwb.code for _index, hwb in current_hwbs()}
    for code, count in [
        ("bcf_emergency_admissions_65", 20),
        ("bcf_discharge_delay", 20),
        ("bcf_care_home_admissions_65", 6),  # whole quarters: April 2025 to September 2026
    ]:
        rows = [r for r in december_2026 if r.metric_code == code]
        assert len(rows) == count * len(current_hwbs()), code
        assert min(r.period_start for r in rows) == FIRST_MONTH.first_day
    assert max(r.period_end for r in december_2026) == date(2026, 11, 30)


def test_the_figures_are_of_a_realistic_size(december_2026):
    for row in december_2026:
        if row.metric_code == "bcf_emergency_admissions_65":
            assert 1500 < row.value < 2900, row  # per 100,000 people 65+, a month
            assert row.value == round(rate(row.numerator, row.denominator).value, 6)
        elif row.metric_code == "bcf_discharge_delay":
            assert 0.2 < row.value < 3.0, row  # days
            found = mean(row.numerator, row.denominator, row.sum_of_squares)
            assert 0 < found.lower < row.value < found.upper
        else:
            assert 80 < row.value < 260, row  # per 100,000 people 65+, a quarter
            assert row.sum_of_squares is None


def test_a_later_today_adds_months_without_changing_earlier_ones(december_2026):
    august = current_metric_values(date(2025, 8, 20), areas=SMALL)
    later = {
        (r.area_code, r.metric_code, r.period_start): r
        for r in december_2026
        if r.area_code in SMALL
    }
    assert len(august) == 2 * (4 + 4 + 1)
    for row in august:
        assert later[(row.area_code, row.metric_code, row.period_start)] == row


def test_the_same_month_gives_the_same_values():
    one = current_metric_values(date(2025, 6, 2), areas=SMALL)
    two = current_metric_values(date(2025, 6, 29), areas=SMALL)
    assert one == two
    other_seed = current_metric_values(date(2025, 6, 2), areas=SMALL, seed=1)
    assert other_seed != one
    assert math.isfinite(one[0].value)


def test_the_values_as_metric_values_sheet_rows(december_2026):
    from bettercare.demo.current_records import SOURCE, metric_value_sheet_rows
    from bettercare.workbook.schema import SHEETS_BY_NAME

    rows = metric_value_sheet_rows(december_2026)
    assert len(rows) == len(december_2026)
    assert list(rows[0]) == list(SHEETS_BY_NAME["metric_values"].column_names)
    first, row = december_2026[0], rows[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (
        first.numerator,
        first.denominator,
        first.value,
    )
    assert {r["kind"] for r in rows} == {"actual"}
    assert {r["source"] for r in rows} == {SOURCE}


def test_an_empty_list_of_areas_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"areas must be HWB codes of the demo .*; got \[\]"):
        write_current_records(tmp_path, today=date(2025, 6, 1), areas=[])
    assert not (tmp_path / "admissions.parquet").exists()
