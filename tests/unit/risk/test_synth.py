"""The synthetic population: deterministic, and its truth is the known risk of its features."""

from datetime import date

import numpy as np
import pyarrow.parquet as pq

from bettercare.risk.design import TERMS, design_matrix, logistic
from bettercare.risk.features import compute_features
from bettercare.risk.synth import TRUE_EMERGENCY, TRUE_HIGH_COST, generate


def known_risk(features, coefficients):
    design = design_matrix({name: features[name].to_numpy() for name in features.column_names})
    beta = np.array([coefficients.get(term.name, 0.0) for term in TERMS])
    return logistic(coefficients["intercept"] + design @ beta)


def test_the_truth_is_the_known_risk_of_the_extracted_features(tmp_path):
    summary = generate(tmp_path / "a", patients=1500, practices=4, seed=21)
    features = compute_features(tmp_path / "a", date(2025, 4, 1), outcomes=True)
    truth = pq.read_table(tmp_path / "a" / "truth.parquet")
    assert truth["patient_id"].equals(features["patient_id"])
    np.testing.assert_array_equal(
        truth["p_emergency_admission"].to_numpy(), known_risk(features, TRUE_EMERGENCY)
    )
    np.testing.assert_array_equal(
        truth["p_high_cost"].to_numpy(), known_risk(features, TRUE_HIGH_COST)
    )
    assert 0.03 < summary.emergency_rate < 0.12
    assert 0.02 < summary.high_cost_rate < 0.09
    assert set(pq.read_table(tmp_path / "a" / "patients.parquet")["practice_code"].to_pylist()) == {
        "Z00001",
        "Z00002",
        "Z00003",
        "Z00004",
    }


def test_the_same_seed_writes_the_same_files(tmp_path):
    generate(tmp_path / "a", patients=300, practices=2, seed=4)
    generate(tmp_path / "b", patients=300, practices=2, seed=4)
    for name in ("patients", "diagnoses", "medications", "activity", "truth"):
        assert pq.read_table(tmp_path / "a" / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "b" / f"{name}.parquet")
        )
