"""The model recovers a synthetic population's known risk; model files are checked on reading."""

import json
from datetime import date

import numpy as np
import pyarrow.parquet as pq
import pytest

from bettercare.risk.evaluation import auroc
from bettercare.risk.features import compute_features
from bettercare.risk.model import ModelError, read_model, score, write_model
from bettercare.risk.run import train_model
from bettercare.risk.synth import TRUE_EMERGENCY, generate


@pytest.fixture(scope="module")
def population(tmp_path_factory):
    directory = tmp_path_factory.mktemp("risk") / "data"
    generate(directory, patients=5000, practices=6, seed=7)
    return directory


@pytest.fixture(scope="module")
def model(population):
    return train_model(population, compare_boosted=True)


def test_the_model_recovers_the_signs_of_the_strong_true_coefficients(model):
    fitted = {
        t["name"]: t["coefficient"] for t in model["outcomes"]["emergency_admission"]["terms"]
    }
    strong = [
        "age_over_65",
        "copd",
        "frailty_deficits",
        "prior_emergency_admissions",
        "ae_attendances",
    ]
    assert {name: np.sign(fitted[name]) for name in strong} == {
        name: np.sign(TRUE_EMERGENCY[name]) for name in strong
    }


def test_held_out_discrimination_is_near_the_oracle(population, model):
    held_out = compute_features(population, date(2025, 4, 1), outcomes=True)
    truth = pq.read_table(population / "truth.parquet")
    assert truth["patient_id"].to_pylist() == held_out["patient_id"].to_pylist()
    oracle = auroc(
        held_out["emergency_admission"].to_numpy(), truth["p_emergency_admission"].to_numpy()
    )
    performance = model["outcomes"]["emergency_admission"]["performance"]
    assert performance["auroc"] >= 0.95 * oracle
    assert performance["auroc_lower"] < performance["auroc"] < performance["auroc_upper"]
    assert 0.7 < performance["calibration_slope"] < 1.3
    assert model["training"]["index_date"] == "2024-04-01"
    assert model["evaluation"]["index_date"] == "2025-04-01"
    compared = model["outcomes"]["emergency_admission"]["compared"]["performance"]
    assert 0.5 < compared["auroc"] < 1.0


def test_subgroups_cover_age_sex_deprivation_and_every_practice(model):
    rows = model["outcomes"]["emergency_admission"]["subgroups"]
    dimensions = {row["dimension"] for row in rows}
    assert dimensions == {"age_band", "sex", "deprivation_quintile", "practice"}
    practices = [row for row in rows if row["dimension"] == "practice"]
    assert len(practices) == 6
    assert sum(row["patients"] for row in practices) == 5000
    assert all("false_positive_rate_top_10" in row for row in rows)


def test_the_model_file_round_trips_and_scores(tmp_path, population, model):
    path = tmp_path / "model.json"
    write_model(model, path)
    read = read_model(path)
    scores = score(read, compute_features(population, date(2026, 4, 1)))
    assert scores.num_rows == 5000
    assert scores.column("segment").to_pylist().count("top_2") == 100
    assert set(scores.column("risk_band").to_pylist()) == {1, 2, 3, 4, 5}


def test_a_model_from_a_newer_feature_version_is_refused(tmp_path, model):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model | {"feature_version": 99}))
    with pytest.raises(
        ModelError, match=r"model.json: field feature_version: .* feature version 99, newer"
    ):
        read_model(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "not a JSON model file"), ('{"format": "other"}', "field format")],
)
def test_unusable_model_files_are_one_line(tmp_path, text, message):
    path = tmp_path / "m.json"
    path.write_text(text)
    with pytest.raises(ModelError, match=message) as raised:
        read_model(path)
    assert "\n" not in str(raised.value)
