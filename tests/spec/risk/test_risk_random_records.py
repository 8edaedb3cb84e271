"""On random small record sets, DuckDB's features equal the plain-Python reference's."""

import tempfile
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bettercare.risk.clusters import CLUSTERS
from bettercare.risk.features import compute_features
from bettercare.risk.schema import ACTIVITY_TYPES
from tests.unit.risk.builders import patient, write_inputs

INDEX = date(2025, 4, 1)
PATIENTS = [f"p{i}" for i in range(6)]
CODES = [p if len(p) > 3 else p + ".1" for cluster in CLUSTERS for p in cluster.prefixes[:1]]
days = st.integers(min_value=-800, max_value=500).map(lambda n: INDEX + timedelta(days=n))

patients = st.lists(
    st.tuples(
        st.integers(min_value=-40_000, max_value=10).map(lambda n: INDEX + timedelta(days=n)),
        st.sampled_from(["F", "M"]),
        st.integers(min_value=1, max_value=10),
        st.one_of(st.none(), days),
        st.sampled_from(["A00001", "A00002"]),
    ),
    min_size=len(PATIENTS),
    max_size=len(PATIENTS),
)
diagnoses = st.lists(
    st.fixed_dictionaries(
        {"patient_id": st.sampled_from(PATIENTS), "code": st.sampled_from(CODES), "date": days}
    ),
    max_size=25,
)
medications = st.lists(
    st.fixed_dictionaries(
        {
            "patient_id": st.sampled_from(PATIENTS),
            "medicine_code": st.sampled_from(["a", "b", "c"]),
            "issue_date": days,
        }
    ),
    max_size=20,
)
activity = st.lists(
    st.builds(
        lambda pid, kind, start, stay, cost: {
            "patient_id": pid,
            "activity_type": kind,
            "start_date": start,
            "end_date": None if stay is None else start + timedelta(days=stay),
            "cost": cost,
        },
        st.sampled_from(PATIENTS),
        st.sampled_from(ACTIVITY_TYPES),
        days,
        st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
        st.integers(min_value=0, max_value=5000),
    ),
    max_size=30,
)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patients, diagnoses, medications, activity)
def test_duckdb_equals_the_reference(people, diagnosis_rows, medication_rows, activity_rows):
    with tempfile.TemporaryDirectory() as folder:
        data = write_inputs(
            Path(folder),
            patients=[
                patient(pid, practice=practice, born=born, sex=sex, decile=decile, care_home=home)
                for pid, (born, sex, decile, home, practice) in zip(PATIENTS, people, strict=True)
            ],
            diagnoses=diagnosis_rows,
            medications=medication_rows,
            activity=activity_rows,
        )
        expected = compute_features(data, INDEX, engine="reference", outcomes=True)
        assert compute_features(data, INDEX, engine="duckdb", outcomes=True).equals(expected)
