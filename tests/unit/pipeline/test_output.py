"""The output file: the metric_values columns, sorted, formatted the same way every time."""

from datetime import date

import pyarrow.parquet as pq
import pytest

from bettercare.pipeline.metrics import MetricValueRow
from bettercare.pipeline.output import COLUMNS, csv_text, write_metric_values
from bettercare.workbook.schema import SHEETS_BY_NAME

ROWS = [
    MetricValueRow(
        "E06000002", "bcf_falls_65", date(2023, 4, 1), date(2024, 3, 31), 9, 12000, None
    ),
    MetricValueRow(
        "E06000001", "bcf_reablement_65", date(2023, 4, 1), date(2024, 3, 31), 2, 3, 66.666667
    ),
    MetricValueRow(
        "E06000001",
        "bcf_emergency_admissions_65",
        date(2023, 5, 1),
        date(2023, 5, 31),
        1,
        12000,
        8.333333,
        note="population: mid-2022 estimate",
    ),
    MetricValueRow(
        "E06000001",
        "bcf_emergency_admissions_65",
        date(2023, 4, 1),
        date(2023, 4, 30),
        0,
        12000,
        0.0,
    ),
]


def test_columns_are_the_workbook_metric_values_sheet():
    assert SHEETS_BY_NAME["metric_values"].column_names == COLUMNS


def test_csv_is_sorted_by_area_metric_and_period_with_whole_numbers_as_such():
    assert csv_text(ROWS).splitlines() == [
        "area_code,metric_code,period_start,period_end,kind,numerator,denominator,value,note,"
        "source,sum_of_squares",
        "E06000001,bcf_emergency_admissions_65,2023-04-01,2023-04-30,actual,0,12000,0,,"
        "bettercare pipeline,",
        "E06000001,bcf_emergency_admissions_65,2023-05-01,2023-05-31,actual,1,12000,8.333333,"
        "population: mid-2022 estimate,bettercare pipeline,",
        "E06000001,bcf_reablement_65,2023-04-01,2024-03-31,actual,2,3,66.666667,,"
        "bettercare pipeline,",
        "E06000002,bcf_falls_65,2023-04-01,2024-03-31,actual,9,12000,,,bettercare pipeline,",
    ]


def test_the_same_rows_in_any_order_give_the_same_bytes(tmp_path):
    for suffix in (".csv", ".parquet"):
        one = write_metric_values(ROWS, tmp_path / f"one{suffix}").read_bytes()
        two = write_metric_values(ROWS[::-1], tmp_path / f"two{suffix}").read_bytes()
        assert one == two


def test_parquet_holds_the_same_rows_with_typed_columns(tmp_path):
    table = pq.read_table(write_metric_values(ROWS, tmp_path / "values.parquet"))
    assert table.column_names == list(COLUMNS)
    assert table.column("area_code").to_pylist() == ["E06000001"] * 3 + ["E06000002"]
    assert table.column("period_start").to_pylist()[0] == date(2023, 4, 1)
    assert table.column("value").to_pylist() == [0.0, 8.333333, 66.666667, None]


def test_the_suffix_chooses_the_format(tmp_path):
    with pytest.raises(ValueError, match=r"output must end in \.csv or \.parquet"):
        write_metric_values(ROWS, tmp_path / "values.xlsx")
