"""Each feature definition on tiny hand-made records, on DuckDB and the plain-Python reference."""

from datetime import date

import pytest

from bettercare.risk.features import compute_features
from bettercare.risk.schema import FEATURE_NAMES
from tests.unit.risk.builders import patient, write_inputs

INDEX = date(2025, 4, 1)
ENGINES = ["duckdb", "reference"]


def features(tmp_path, engine, outcomes=False, **inputs):
    data = write_inputs(tmp_path / "data", **inputs)
    table = compute_features(data, INDEX, engine=engine, outcomes=outcomes)
    return {row["patient_id"]: row for row in table.to_pylist()}


@pytest.mark.parametrize("engine", ENGINES)
def test_age_is_in_completed_years_and_the_unborn_are_left_out(tmp_path, engine):
    rows = features(
        tmp_path,
        engine,
        patients=[
            patient("birthday-today", born=date(1950, 4, 1)),
            patient("birthday-tomorrow", born=date(1950, 4, 2)),
            patient("unborn", born=date(2025, 4, 1)),
        ],
    )
    assert rows["birthday-today"]["age"] == 75
    assert rows["birthday-tomorrow"]["age"] == 74
    assert "unborn" not in rows


@pytest.mark.parametrize("engine", ENGINES)
def test_conditions_count_codes_before_the_index_date_in_any_spelling(tmp_path, engine):
    rows = features(
        tmp_path,
        engine,
        patients=[patient("p1"), patient("p2", sex="M", decile=9)],
        diagnoses=[
            {"patient_id": "p1", "code": "i50.0", "date": date(2010, 1, 1)},  # heart failure
            {
                "patient_id": "p1",
                "code": "E11.3",
                "date": date(2020, 1, 1),
            },  # diabetes + complication
            {"patient_id": "p1", "code": "J44 ", "date": date(2025, 3, 31)},  # COPD, the day before
            {
                "patient_id": "p1",
                "code": "F03",
                "date": date(2025, 4, 1),
            },  # dementia: on the index date
            {"patient_id": "p1", "code": "W19", "date": date(2024, 1, 1)},  # a fall
            {"patient_id": "p1", "code": "R26", "date": date(2024, 1, 1)},  # mobility
            {
                "patient_id": "p1",
                "code": "R268",
                "date": date(2024, 2, 1),
            },  # the same deficit again
        ],
    )
    p1, p2 = rows["p1"], rows["p2"]
    assert (p1["heart_failure"], p1["diabetes"], p1["diabetes_complication"], p1["copd"]) == (
        1,
        1,
        1,
        1,
    )
    assert p1["dementia"] == 0
    assert p1["ltc_count"] == 3
    assert p1["frailty_deficits"] == 2
    assert (p1["female"], p1["deprivation_decile"]) == (1, 3)
    assert (p2["female"], p2["deprivation_decile"], p2["ltc_count"]) == (0, 9, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_activity_in_the_12_months_before_and_outcomes_after(tmp_path, engine):
    def event(kind, start, end=None, cost=100):
        return {
            "patient_id": "p1",
            "activity_type": kind,
            "start_date": start,
            "end_date": end,
            "cost": cost,
        }

    rows = features(
        tmp_path,
        engine,
        outcomes=True,
        patients=[patient("p1"), patient("p2")],
        activity=[
            event("emergency_admission", date(2024, 3, 31), date(2024, 4, 10)),  # too early
            event("emergency_admission", date(2024, 4, 1), date(2024, 4, 4)),  # 3 days
            event("emergency_admission", date(2025, 3, 25), date(2025, 4, 20)),  # 7 days to index
            event("emergency_admission", date(2025, 3, 30)),  # still in: 2 days to index
            event("elective_admission", date(2024, 6, 1), date(2024, 6, 9)),  # not counted
            event("ae_attendance", date(2024, 12, 1)),
            event("ae_attendance", date(2024, 12, 2)),
            event("outpatient_attendance", date(2025, 1, 5)),
            event("emergency_admission", date(2025, 4, 1), date(2025, 4, 2), cost=3000),
            event("outpatient_attendance", date(2026, 3, 31), cost=150),
            event("outpatient_attendance", date(2026, 4, 1), cost=999),  # after the outcome year
        ],
    )
    p1, p2 = rows["p1"], rows["p2"]
    assert p1["prior_emergency_admissions"] == 3
    assert p1["prior_bed_days"] == 3 + 7 + 2
    assert (p1["ae_attendances"], p1["outpatient_attendances"]) == (2, 1)
    assert (p1["emergency_admission"], p1["cost"]) == (1, 3150)
    assert (p2["prior_emergency_admissions"], p2["emergency_admission"], p2["cost"]) == (0, 0, 0)


@pytest.mark.parametrize("engine", ENGINES)
def test_distinct_medicines_and_care_home(tmp_path, engine):
    def issue(code, day):
        return {"patient_id": "p1", "medicine_code": code, "issue_date": day}

    rows = features(
        tmp_path,
        engine,
        patients=[
            patient("p1", care_home=date(2025, 4, 1)),
            patient("p2", care_home=date(2025, 4, 2)),
        ],
        medications=[
            issue("0212000B0", date(2024, 5, 1)),
            issue("0212000B0", date(2024, 11, 1)),  # the same medicine again
            issue("0601022B0", date(2025, 3, 31)),
            issue("0407010H0", date(2024, 3, 31)),  # before the 12 months
            issue("0103050P0", date(2025, 4, 1)),  # on the index date: after
        ],
    )
    assert rows["p1"]["distinct_medicines"] == 2
    assert (rows["p1"]["care_home"], rows["p2"]["care_home"]) == (1, 0)


def test_every_feature_is_a_column_in_order(tmp_path):
    table = compute_features(write_inputs(tmp_path / "d", patients=[patient("p1")]), INDEX)
    assert table.column_names == ["patient_id", "practice_code", *FEATURE_NAMES]
