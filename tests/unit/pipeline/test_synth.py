"""The synthetic data generator: deterministic by seed, realistic in shape."""

import pyarrow.parquet as pq
import pytest

from bettercare.core.periods import FinancialYear
from bettercare.pipeline.inputs import check_inputs
from bettercare.pipeline.synth import generate, synth_areas


def files(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_same_seed_gives_byte_identical_files_and_another_seed_does_not(tmp_path):
    options = {"years": 1, "scale": 0.002, "areas": 4, "first_year": FinancialYear(2023)}
    generate(tmp_path / "a", seed=1, **options)
    generate(tmp_path / "b", seed=1, **options)
    generate(tmp_path / "c", seed=2, **options)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert list(a) == [
        "admissions/part-2023-24.parquet",
        "areas.csv",
        "care_home_admissions.parquet",
        "population.parquet",
        "reablement.parquet",
    ]
    assert a == b
    assert a["admissions/part-2023-24.parquet"] != c["admissions/part-2023-24.parquet"]


def test_generated_data_passes_the_input_checks(tmp_path):
    summary = generate(tmp_path, years=2, scale=0.002, areas=5, file_format="csv")
    inputs = check_inputs(tmp_path)
    assert inputs.rows == {**summary.rows, "areas": 6}
    assert len(inputs.areas) == 5


def test_national_scale_has_about_150_areas_and_england_sized_population():
    areas = synth_areas()
    assert len(areas) == 150
    total = sum(area.population for area in areas)
    assert 45_000_000 < total < 70_000_000
    assert min(a.population for a in areas) >= 38_000
    assert all("synthetic" in area.name for area in areas)
    assert len({area.code for area in areas}) == 150


def test_several_million_emergency_admissions_a_year_at_full_scale(tmp_path):
    # Admissions per person of a few areas, times England's population (the areas' total).
    generate(tmp_path, years=1, scale=0.3, areas=8, first_year=FinancialYear(2023))
    table = pq.read_table(tmp_path / "admissions", columns=["admission_method", "admission_date"])
    emergencies = table.column("admission_method").to_pylist().count("emergency")
    people = sum(pq.read_table(tmp_path / "population.parquet").column("population").to_pylist())
    england = sum(area.population for area in synth_areas())
    assert 4_000_000 < emergencies / people * england < 10_000_000
    months = [d.month for d in table.column("admission_date").to_pylist()]
    assert months.count(1) > months.count(8)  # winter pressure


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("years", 0, "years must be from 1 to 20, got 0"),
        ("scale", 0, "scale must be above 0 and at most 10, got 0"),
        ("areas", 1000, "areas must be from 1 to 999, got 1000"),
    ],
)
def test_bad_options_are_value_errors(tmp_path, option, value, message):
    with pytest.raises(ValueError, match=message):
        generate(tmp_path, **{option: value})


def test_the_current_year_stops_after_the_last_complete_month(tmp_path):
    from datetime import date

    from bettercare.core.periods import Month

    summary = generate(
        tmp_path,
        years=3,
        scale=0.002,
        areas=3,
        first_year=FinancialYear(2025),
        last_month=Month(2026, 11),
    )
    assert summary.years == (FinancialYear(2025), FinancialYear(2026))  # 2027-28 not begun
    assert sorted(p.name for p in (tmp_path / "admissions").iterdir()) == [
        "part-2025-26.parquet",
        "part-2026-27.parquet",
    ]
    admissions = pq.read_table(tmp_path / "admissions").to_pylist()
    end = date(2026, 11, 30)
    assert max(a["admission_date"] for a in admissions) <= end
    assert max(a["discharge_date"] for a in admissions if a["discharge_date"]) <= end
    still_in = [a for a in admissions if a["discharge_date"] is None]
    assert still_in
    assert {a["discharge_destination"] for a in still_in} == {"98"}
    for name, column in (("care_home_admissions", "start_date"), ("reablement", "discharge_date")):
        days = pq.read_table(tmp_path / f"{name}.parquet").column(column).to_pylist()
        assert max(days) <= end
        assert max(days) >= date(2026, 11, 1)
    years = set(pq.read_table(tmp_path / "population.parquet").column("year").to_pylist())
    assert years == {2025, 2026}
    check_inputs(tmp_path, today=date(2026, 12, 4))  # nothing after today


def test_the_last_month_must_be_within_the_years(tmp_path):
    from bettercare.core.periods import Month

    with pytest.raises(
        ValueError,
        match="last_month must be a month of 2025-26 to 2025-26, the years generated; got 2026-04",
    ):
        generate(
            tmp_path, years=1, areas=1, first_year=FinancialYear(2025), last_month=Month(2026, 4)
        )
