"""Feature extraction and scoring give identical results on every engine."""

from datetime import date

import pytest

from bettercare.risk.features import compute_features
from bettercare.risk.model import score
from bettercare.risk.run import OBSERVED, data_end, score_population, train_model
from bettercare.risk.schema import add_months
from bettercare.risk.synth import generate
from tests.unit.risk.builders import patient, write_inputs

ENGINES = ["duckdb", pytest.param("spark", marks=pytest.mark.spark)]


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    directory = tmp_path_factory.mktemp("risk") / "data"
    generate(directory, patients=600, practices=3, seed=11)
    return directory


@pytest.fixture(scope="module")
def model(population):
    return train_model(population, compare_boosted=False)


def features(population, engine, request, index_date, outcomes):
    session = request.getfixturevalue("spark_session") if engine == "spark" else None
    return compute_features(
        population, index_date, engine=engine, outcomes=outcomes, spark_session=session
    )


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("index_date", [date(2024, 4, 1), date(2025, 4, 1)])
def test_features_and_outcomes_equal_the_reference(population, engine, request, index_date):
    expected = compute_features(population, index_date, engine="reference", outcomes=True)
    assert features(population, engine, request, index_date, True).equals(expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_scores_are_identical(population, model, engine, request):
    expected = score(model, compute_features(population, date(2026, 4, 1), engine="reference"))
    actual = score(model, features(population, engine, request, date(2026, 4, 1), False))
    assert actual.equals(expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_scored_populations_are_identical(population, model, engine, request):
    """The whole ``bettercare risk score`` step: Spark scores per partition, DuckDB in one go."""
    session = request.getfixturevalue("spark_session") if engine == "spark" else None
    expected = score(model, compute_features(population, date(2026, 4, 1), engine="reference"))
    actual = score_population(
        population, model, index_date=date(2026, 4, 1), engine=engine, spark_session=session
    )
    assert actual.replace_schema_metadata(None).equals(expected)


@pytest.mark.parametrize("engine", ENGINES)
def test_scores_of_a_past_index_date_carry_the_observed_admissions(
    population, model, engine, request
):
    session = request.getfixturevalue("spark_session") if engine == "spark" else None
    past = add_months(data_end(population), -12)
    scores = score_population(
        population, model, index_date=past, engine=engine, spark_session=session, check=False
    )
    outcomes = compute_features(population, past, engine="reference", outcomes=True)
    expected = dict(
        zip(
            outcomes["patient_id"].to_pylist(),
            (admissions > 0 for admissions in outcomes["emergency_admission"].to_pylist()),
            strict=True,
        )
    )
    observed = dict(
        zip(scores["patient_id"].to_pylist(), scores[OBSERVED].to_pylist(), strict=True)
    )
    assert observed == expected
    assert 0 < sum(observed.values()) < len(observed)
    # Today's scores have no outcomes yet, so no such column.
    today = score_population(population, model, engine=engine, spark_session=session, check=False)
    assert OBSERVED not in today.column_names


@pytest.mark.parametrize("engine", ["reference", *ENGINES])
def test_hand_made_records(tmp_path, engine, request):
    data = write_inputs(
        tmp_path,
        patients=[
            patient("b", practice="A00002", sex="M"),
            patient("a", care_home=date(2020, 1, 1)),
        ],
        diagnoses=[{"patient_id": "a", "code": "g30.1", "date": date(2019, 5, 1)}],
        activity=[
            {
                "patient_id": "b",
                "activity_type": "emergency_admission",
                "start_date": date(2025, 3, 1),
                "end_date": None,
                "cost": 5,
            },
        ],
    )
    table = features(data, engine, request, date(2025, 4, 1), True)
    rows = table.to_pylist()
    assert [row["patient_id"] for row in rows] == ["a", "b"]
    assert (rows[0]["dementia"], rows[0]["care_home"], rows[0]["ltc_count"]) == (1, 1, 1)
    assert (rows[1]["prior_emergency_admissions"], rows[1]["prior_bed_days"]) == (1, 31)
