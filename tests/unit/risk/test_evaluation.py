"""Discrimination and calibration figures against plain definitions."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bettercare.risk.evaluation import auroc, brier, calibration, evaluate, subgroups


def pairwise_auroc(y, p):
    """The probability that an event outranks a non-event, ties one half, by every pair."""
    wins = 0.0
    pairs = 0
    for i, j in itertools.product(np.flatnonzero(y == 1), np.flatnonzero(y == 0)):
        pairs += 1
        wins += 1.0 if p[i] > p[j] else 0.5 if p[i] == p[j] else 0.0
    return wins / pairs


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from([0.1, 0.2, 0.3, 0.7])), min_size=2, max_size=40
    )
)
def test_auroc_matches_the_pairwise_definition(rows):
    y = np.array([int(b) for b, _ in rows])
    p = np.array([v for _, v in rows])
    if y.sum() in (0, y.size):
        assert auroc(y, p) is None
    else:
        assert auroc(y, p) == pytest.approx(pairwise_auroc(y, p))


def test_calibration_of_well_calibrated_and_overconfident_predictions():
    rng = np.random.default_rng(3)
    p = rng.uniform(0.01, 0.5, 200_000)
    y = (rng.random(p.size) < p).astype(int)
    slope, intercept = calibration(y, p)
    assert slope == pytest.approx(1.0, abs=0.03)
    assert intercept == pytest.approx(0.0, abs=0.02)
    logit = np.log(p / (1 - p))
    overconfident = 1 / (1 + np.exp(-2 * logit))
    assert calibration(y, overconfident)[0] == pytest.approx(0.5, abs=0.03)


def test_brier_and_top_k():
    y = np.array([1, 0, 0, 0] * 25)
    p = np.array([0.9, 0.1, 0.1, 0.1] * 25)
    assert brier(y, p) == pytest.approx(0.01)
    result = evaluate(y, p, np.array([f"{i:03d}" for i in range(100)]))
    assert (result["ppv_top_2"], result["sensitivity_top_2"]) == (1.0, 2 / 25)
    assert (result["ppv_top_10"], result["sensitivity_top_10"]) == (1.0, 10 / 25)
    assert result["auroc"] == 1.0


def test_subgroup_error_rates_use_the_whole_populations_top_10():
    y = np.array([1] * 10 + [0] * 90)
    p = np.linspace(0.99, 0.01, 100)
    labels = {"sex": ["F"] * 50 + ["M"] * 50}
    rows = {
        row["group"]: row
        for row in subgroups(y, p, np.array([f"{i:03d}" for i in range(100)]), labels)
    }
    assert rows["F"]["false_negative_rate_top_10"] == 0.0
    assert rows["F"]["false_positive_rate_top_10"] == 0.0
    assert rows["M"]["events"] == 0
    assert rows["M"]["false_negative_rate_top_10"] is None
    assert rows["M"]["auroc"] is None
