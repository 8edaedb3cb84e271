"""Ranking a scored population: segments, risk bands and the BCF cohorts.

Ranks are over the whole population scored, by the probability of an emergency admission,
highest first; **ties are broken by patient identifier, ascending** (so the same data always
give the same lists, whatever the engine or the order of the rows). The top 2% is exactly
``N * 2 // 100`` patients (2% of N rounded down, to the patient), the top 10% ``N * 10 // 100``.

Risk bands by rank: 5 is the top 2%, 4 the rest of the top 10% (the "2.1-10%" segment), 3 the
next 10% (to 20%), 2 the next 30% (to 50%), 1 the lower half.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from bettercare.risk.clusters import FRAILTY_FLAG_DEFICITS, HOSPITAL_DOMINANT

__all__ = [
    "BAND_PERCENTS",
    "COHORTS",
    "SEGMENTS",
    "bands_at",
    "cohorts",
    "rank_order",
    "risk_bands",
    "segments",
    "top_fraction",
]

Array = npt.NDArray[Any]
#: The cumulative percentage of the population in bands 5, 4, 3 and 2 (band 1 is the rest).
BAND_PERCENTS: tuple[int, ...] = (2, 10, 20, 50)
SEGMENTS: tuple[str, ...] = ("top_2", "2_to_10", "rest")
COHORTS: dict[str, str] = {
    "cohort_1": "Aged 18-59 with 3 or more long-term conditions, in risk bands 3-5",
    "cohort_2": "Aged 60 or over with 1 or more long-term conditions, in risk bands 3-5",
    "cohort_3": "Dementia",
    "cohort_4": "A positive frailty flag, not on the end-of-life or dementia register",
    "cohort_5": "One or more hospital-dominant conditions (cancer, CKD 3-5, COPD, heart failure)",
    "complex_diabetes": "Diabetes with a coded complication, or with 3 or more other long-term conditions",
    "polypharmacy": "6 or more distinct medicines in the last 12 months",
    "care_home": "Living in a care home",
    "over_75_high_risk": "Aged 75 or over in the top 10% (risk bands 4-5), for the care navigators",
}


def rank_order(probability: Array, patient_ids: Array) -> Array:
    """Row indexes from the highest probability to the lowest, ties by patient id ascending.

    >>> rank_order(np.array([0.2, 0.5, 0.5]), np.array(["c", "b", "a"])).tolist()
    [2, 1, 0]
    """
    return np.lexsort((np.asarray(patient_ids), -np.asarray(probability, dtype=np.float64)))


def _positions(probability: Array, patient_ids: Array) -> Array:
    """Each row's 0-based position in :func:`rank_order`."""
    order = rank_order(probability, patient_ids)
    positions = np.empty(order.size, dtype=np.int64)
    positions[order] = np.arange(order.size)
    return positions


def top_fraction(probability: Array, patient_ids: Array, percent: int) -> Array:
    """Whether each row is among the top ``percent``% (``N * percent // 100`` rows)."""
    if not 0 <= percent <= 100:
        raise ValueError(f"percent must be from 0 to 100; got {percent}")
    n = len(probability)
    return _positions(probability, patient_ids) < n * percent // 100


def risk_bands(probability: Array, patient_ids: Array) -> Array:
    """Risk band 1-5 (5 the highest) of each row by rank."""
    return bands_at(_positions(probability, patient_ids), len(probability))


def bands_at(positions: Array, population: int) -> Array:
    """Risk band 1-5 of each 0-based rank position in a population of ``population``.

    >>> bands_at(np.array([0, 1, 2, 9, 10, 49, 50]), 100).tolist()
    [5, 5, 4, 4, 3, 2, 1]
    """
    positions = np.asarray(positions, dtype=np.int64)
    band = np.ones(positions.size, dtype=np.int64)
    for value, percent in zip((5, 4, 3, 2), BAND_PERCENTS, strict=True):
        band[(band == 1) & (positions < population * percent // 100)] = value
    return band


def segments(bands: Array) -> Array:
    """``top_2`` (band 5), ``2_to_10`` (band 4) or ``rest``."""
    return np.where(bands == 5, "top_2", np.where(bands == 4, "2_to_10", "rest"))


def cohorts(features: Mapping[str, Array], bands: Array) -> dict[str, Array]:
    """The boolean cohort columns of :data:`COHORTS` from the features and the risk bands."""
    age = np.asarray(features["age"])
    ltc = np.asarray(features["ltc_count"])
    flag = {
        name: np.asarray(features[name]).astype(bool)
        for name in ("dementia", "end_of_life", "diabetes", "diabetes_complication")
    }
    hospital_dominant = np.zeros(age.size, dtype=bool)
    for name in HOSPITAL_DOMINANT:
        hospital_dominant |= np.asarray(features[name]).astype(bool)
    frail = np.asarray(features["frailty_deficits"]) >= FRAILTY_FLAG_DEFICITS
    return {
        "cohort_1": (age >= 18) & (age <= 59) & (ltc >= 3) & (bands >= 3),
        "cohort_2": (age >= 60) & (ltc >= 1) & (bands >= 3),
        "cohort_3": flag["dementia"],
        "cohort_4": frail & ~flag["end_of_life"] & ~flag["dementia"],
        "cohort_5": hospital_dominant,
        "complex_diabetes": flag["diabetes"] & (flag["diabetes_complication"] | (ltc >= 4)),
        "polypharmacy": np.asarray(features["distinct_medicines"]) >= 6,
        "care_home": np.asarray(features["care_home"]).astype(bool),
        "over_75_high_risk": (age >= 75) & (bands >= 4),
    }
