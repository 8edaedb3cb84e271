"""Segments, bands and cohorts: exact sizes, deterministic ties."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.risk.scoring import cohorts, rank_order, risk_bands, segments, top_fraction


def ids(n):
    return np.array([f"P{i:05d}" for i in range(n)])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([0.1, 0.2, 0.5, 0.9]), min_size=1, max_size=400))
def test_segments_are_exact_to_the_patient_whatever_the_ties(values):
    p = np.array(values)
    n = p.size
    bands = risk_bands(p, ids(n))
    segment = segments(bands)
    assert (segment == "top_2").sum() == n * 2 // 100
    assert (segment == "2_to_10").sum() == n * 10 // 100 - n * 2 // 100
    assert [(bands == b).sum() for b in (5, 4, 3, 2)] == [
        n * 2 // 100,
        n * 10 // 100 - n * 2 // 100,
        n * 20 // 100 - n * 10 // 100,
        n * 50 // 100 - n * 20 // 100,
    ]
    # A higher probability never has a lower band.
    order = np.argsort(-p, kind="stable")
    assert np.all(np.diff(bands[order]) <= 0)


def test_ties_go_to_the_lower_patient_id_whatever_the_row_order():
    p = np.full(100, 0.3)
    patient_ids = ids(100)
    shuffled = np.random.default_rng(1).permutation(100)
    top = top_fraction(p[shuffled], patient_ids[shuffled], 2)
    assert sorted(patient_ids[shuffled][top]) == ["P00000", "P00001"]


def test_rank_order_is_highest_first():
    assert rank_order(np.array([0.1, 0.9, 0.5]), ids(3)).tolist() == [1, 2, 0]


def test_cohorts_follow_their_definitions():
    features = {
        "age": np.array([30, 30, 65, 80, 80, 5]),
        "ltc_count": np.array([3, 3, 1, 0, 5, 0]),
        "dementia": np.array([0, 0, 0, 1, 0, 0]),
        "end_of_life": np.array([0, 0, 0, 0, 1, 0]),
        "diabetes": np.array([1, 1, 0, 0, 1, 0]),
        "diabetes_complication": np.array([0, 1, 0, 0, 0, 0]),
        "cancer": np.array([0, 0, 1, 0, 0, 0]),
        "ckd": np.zeros(6, int),
        "copd": np.zeros(6, int),
        "heart_failure": np.array([0, 0, 0, 0, 1, 0]),
        "frailty_deficits": np.array([0, 0, 3, 4, 5, 0]),
        "distinct_medicines": np.array([6, 5, 0, 0, 9, 0]),
        "care_home": np.array([0, 0, 0, 1, 0, 0]),
    }
    bands = np.array([3, 2, 3, 4, 5, 1])
    flags = {name: values.tolist() for name, values in cohorts(features, bands).items()}
    assert flags["cohort_1"] == [True, False, False, False, False, False]
    assert flags["cohort_2"] == [False, False, True, False, True, False]
    assert flags["cohort_3"] == [False, False, False, True, False, False]
    assert flags["cohort_4"] == [False, False, True, False, False, False]
    assert flags["cohort_5"] == [False, False, True, False, True, False]
    assert flags["complex_diabetes"] == [False, True, False, False, True, False]
    assert flags["polypharmacy"] == [True, False, False, False, True, False]
    assert flags["care_home"] == [False, False, False, True, False, False]
    assert flags["over_75_high_risk"] == [False, False, False, True, True, False]
