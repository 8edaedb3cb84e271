"""A synthetic registered population drawn from a *known* generating risk.

Practices, patients (age, sex, deprivation), diagnoses from the code clusters, prescribing,
hospital activity and care-home residence over four financial years from April 2022. On
1 April of 2022, 2023, 2024 and 2025 the generator computes every patient's features
exactly as :mod:`bettercare.risk.features` defines them, turns them into the true probability
of an emergency admission and of a very high-cost year with fixed logistic coefficients on the
model's own terms (:data:`TRUE_EMERGENCY`, :data:`TRUE_HIGH_COST`), and draws the next 12
months' activity from those probabilities (the first year is a burn-in: its history is
empty). The model trains at 1 April 2024, is evaluated at 1 April 2025 and scores at 1 April
2026. So the outcomes are Bernoulli draws from known
probabilities, and ``truth.parquet`` (the probabilities at the last index date with outcomes,
1 April 2025) gives the oracle AUROC that no model can beat on average.

A "very high-cost year" is drawn as an event that adds one costly elective episode
(£25,000 to £60,000) while other activity rarely sums above £25,000; so the top 5% by cost is
close to, not exactly, the set of those events (``p_high_cost`` is the event's probability).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

from bettercare.risk.clusters import CLUSTERS, DEFICITS, LONG_TERM_CONDITIONS
from bettercare.risk.design import TERMS, design_matrix, logistic

__all__ = [
    "INDEX_DATES",
    "TRUE_EMERGENCY",
    "TRUE_HIGH_COST",
    "SynthSummary",
    "generate",
]

Array = npt.NDArray[Any]
#: The data run from the first date to the day before the last; activity of each year is
#: drawn from the risk at its start.
INDEX_DATES: tuple[date, ...] = (
    date(2022, 4, 1),
    date(2023, 4, 1),
    date(2024, 4, 1),
    date(2025, 4, 1),
    date(2026, 4, 1),
)
EPOCH = np.datetime64("1970-01-01", "D")
NEVER = np.iinfo(np.int64).max // 4

#: The true log-odds of an emergency admission in the next 12 months, by model term.
TRUE_EMERGENCY: dict[str, float] = {
    "intercept": -3.5,
    "age": 0.004,
    "age_under_5": 0.22,
    "age_over_65": 0.035,
    "age_over_80": 0.03,
    "female": -0.08,
    "deprivation_decile": -0.06,
    "asthma": 0.25,
    "atrial_fibrillation": 0.3,
    "cancer": 0.55,
    "chd": 0.3,
    "ckd": 0.35,
    "copd": 0.65,
    "dementia": 0.5,
    "depression": 0.2,
    "diabetes": 0.2,
    "epilepsy": 0.4,
    "heart_failure": 0.7,
    "hypertension": 0.05,
    "serious_mental_illness": 0.35,
    "stroke": 0.3,
    "diabetes_complication": 0.35,
    "end_of_life": 0.9,
    "ltc_over_2": 0.1,
    "frailty_deficits": 0.12,
    "prior_emergency_admissions": 0.4,
    "log_prior_bed_days": 0.15,
    "ae_attendances": 0.12,
    "outpatient_attendances": 0.03,
    "distinct_medicines": 0.04,
    "care_home": 0.45,
}
#: The true log-odds of a very high-cost year.
TRUE_HIGH_COST: dict[str, float] = {
    "intercept": -3.8,
    "age": 0.008,
    "age_over_65": 0.015,
    "cancer": 1.4,
    "ckd": 0.8,
    "heart_failure": 0.6,
    "copd": 0.4,
    "diabetes_complication": 0.5,
    "end_of_life": 0.7,
    "ltc_over_2": 0.15,
    "prior_emergency_admissions": 0.2,
    "log_prior_bed_days": 0.25,
    "outpatient_attendances": 0.05,
    "distinct_medicines": 0.03,
    "care_home": 0.3,
}
# Prevalence on 1 April 2022 (log-odds at age 50, slope per 10 years of age).
_PREVALENCE: dict[str, tuple[float, float]] = {
    "asthma": (-2.3, -0.05),
    "atrial_fibrillation": (-4.6, 0.75),
    "cancer": (-3.9, 0.45),
    "chd": (-3.6, 0.6),
    "ckd": (-4.4, 0.8),
    "copd": (-4.0, 0.55),
    "dementia": (-7.5, 1.1),
    "depression": (-2.2, 0.0),
    "diabetes": (-2.6, 0.35),
    "epilepsy": (-4.6, 0.0),
    "heart_failure": (-5.0, 0.8),
    "hypertension": (-1.8, 0.55),
    "serious_mental_illness": (-4.5, 0.0),
    "stroke": (-4.6, 0.65),
}
_AGE_BAND_WEIGHTS = (
    5.5, 6.0, 6.0, 5.7, 6.0, 6.7, 7.0, 6.7, 6.4, 6.2, 6.8, 6.8, 6.0, 5.3, 5.2, 3.9, 2.7, 1.7, 1.0,
)  # fmt: skip
_COSTS = {"emergency_base": 1800, "bed_day": 350, "ae": 180, "outpatient": 140, "elective": 2500}
_MEDICINES = tuple(
    f"{chapter:02d}{section:02d}{item:03d}A0"
    for chapter, section in ((1, 3), (2, 2), (2, 5), (2, 12), (3, 1), (4, 3), (6, 1), (10, 1))
    for item in range(1, 9)
)


@dataclass(frozen=True, slots=True)
class SynthSummary:
    directory: Path
    rows: dict[str, int]
    emergency_rate: float
    high_cost_rate: float


def _days(day: date) -> int:
    return (np.datetime64(day, "D") - EPOCH).astype(np.int64).item()


def _dates(days: Array) -> pa.Array[Any]:
    return pa.array(days.astype("datetime64[D]"), type=pa.date32())


def _ymd(days: Array) -> tuple[Array, Array, Array]:
    stamps = days.astype("datetime64[D]")
    years = stamps.astype("datetime64[Y]").astype(np.int64) + 1970
    months = stamps.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (stamps - stamps.astype("datetime64[M]")).astype(np.int64) + 1
    return years, months, day


class _Population:
    """The generator's state: every patient's dated events as NumPy arrays."""

    def __init__(self, patients: int, practices: int, rng: np.random.Generator) -> None:
        self.n = patients
        self.rng = rng
        start = _days(INDEX_DATES[0])
        end = _days(INDEX_DATES[-1])
        self.start, self.end = start, end
        weights = rng.dirichlet(np.full(practices, 4.0))
        self.practice = rng.choice(practices, size=patients, p=weights)
        # Make sure every practice has patients when there are enough of them.
        if patients >= practices:
            self.practice[rng.permutation(patients)[:practices]] = np.arange(practices)
        self.practice_deprivation = rng.integers(1, 11, size=practices)
        band_weights = np.array(_AGE_BAND_WEIGHTS) / sum(_AGE_BAND_WEIGHTS)
        band = rng.choice(len(band_weights), size=patients, p=band_weights)
        age = (
            band * 5
            + rng.integers(0, 5, size=patients)
            + np.where(band == 18, rng.integers(0, 8, size=patients), 0)
        )
        self.dob = start - (age * 365.25).astype(np.int64) - rng.integers(1, 365, size=patients)
        self.female = rng.random(patients) < 0.51
        self.deprivation = np.clip(
            self.practice_deprivation[self.practice] + rng.integers(-2, 3, size=patients), 1, 10
        )
        frailty = rng.normal(size=patients)
        age50 = (age - 50) / 10.0
        deprived = (5.5 - self.deprivation) / 4.5
        self.onset: dict[str, Array] = {}
        for name, (alpha, slope) in _PREVALENCE.items():
            prevalent = rng.random(patients) < logistic(
                alpha + slope * age50 + 0.25 * deprived + 0.35 * frailty
            )
            incident = ~prevalent & (
                rng.random(patients)
                < 0.12 * logistic(alpha + 0.4 + slope * (age50 + 0.3) + 0.35 * frailty)
            )
            self.onset[name] = self._onset(prevalent, incident)
        # sum() of arrays is an array: its int start only shows for no terms, never here
        ltc = cast(
            Array, sum((self.onset[name] < end).astype(np.int64) for name in LONG_TERM_CONDITIONS)
        )
        diabetic = self.onset["diabetes"] < NEVER
        complication = diabetic & (rng.random(patients) < 0.25)
        self.onset["diabetes_complication"] = np.where(
            complication,
            np.minimum(self.onset["diabetes"] + rng.integers(30, 3000, size=patients), end - 1),
            NEVER,
        )
        cancer = self.onset["cancer"] < NEVER
        eol = rng.random(patients) < logistic(
            -8.0 + 0.09 * np.maximum(age - 50, 0) + 1.8 * cancer + 0.3 * ltc
        )
        self.onset["end_of_life"] = np.where(
            eol, rng.integers(start - 200, end, size=patients), NEVER
        )
        for name in DEFICITS:
            prevalent = rng.random(patients) < logistic(
                -4.6 + 0.6 * np.maximum(age50, -1.0) + 0.35 * ltc + 0.5 * frailty
            )
            incident = ~prevalent & (
                rng.random(patients) < 0.1 * logistic(-4.0 + 0.6 * age50 + 0.35 * ltc)
            )
            self.onset[name] = self._onset(prevalent, incident)
        deficits = cast(Array, sum((self.onset[name] < end).astype(np.int64) for name in DEFICITS))
        in_care = (age >= 65) & (
            rng.random(patients)
            < logistic(
                -7.0 + 0.12 * (age - 65) + 0.35 * deficits + 1.2 * (self.onset["dementia"] < end)
            )
        )
        self.care_home = np.where(in_care, rng.integers(start - 1500, end, size=patients), NEVER)
        self._medicines(ltc, deficits)
        self.activity: list[tuple[Array, ...]] = []
        self.history: dict[str, Array] = {}

    def _onset(self, prevalent: Array, incident: Array) -> Array:
        earliest = np.maximum(self.dob + 1, self.start - 20 * 365)
        before = earliest + (self.rng.random(self.n) * (self.start - earliest)).astype(np.int64)
        during = self.rng.integers(self.start, self.end, size=self.n)
        return np.where(
            prevalent, np.minimum(before, self.start - 1), np.where(incident, during, NEVER)
        )

    def _medicines(self, ltc: Array, deficits: Array) -> None:
        rng = self.rng
        counts = np.minimum(rng.poisson(0.15 + 0.85 * ltc + 0.25 * deficits), 15)
        owner = np.repeat(np.arange(self.n), counts)
        code = rng.integers(0, len(_MEDICINES), size=owner.size)
        first = rng.integers(self.start - 3 * 365, self.end, size=owner.size)
        # One medicine per (patient, code): its earliest start.
        order = np.lexsort((first, code, owner))
        owner, code, first = owner[order], code[order], first[order]
        keep = np.ones(owner.size, dtype=bool)
        keep[1:] = (owner[1:] != owner[:-1]) | (code[1:] != code[:-1])
        self.med_owner, self.med_code, self.med_first = owner[keep], code[keep], first[keep]

    def features(self, index_day: int) -> dict[str, Array]:
        """The features at ``index_day``, by the definitions of :mod:`bettercare.risk.features`."""
        iy, im, idd = _ymd(np.array([index_day]))
        by, bm, bd = _ymd(self.dob)
        after = (bm * 100 + bd) > (im[0] * 100 + idd[0])
        features: dict[str, Array] = {
            "age": iy[0] - by - after.astype(np.int64),
            "female": self.female.astype(np.int64),
            "deprivation_decile": self.deprivation.astype(np.int64),
        }
        for cluster in CLUSTERS:
            features[cluster.name] = (self.onset[cluster.name] < index_day).astype(np.int64)
        features["ltc_count"] = cast(Array, sum(features[name] for name in LONG_TERM_CONDITIONS))
        features["frailty_deficits"] = cast(Array, sum(features[name] for name in DEFICITS))
        for name in (
            "prior_emergency_admissions",
            "prior_bed_days",
            "ae_attendances",
            "outpatient_attendances",
        ):
            features[name] = self.history.get(name, np.zeros(self.n, dtype=np.int64))
        features["distinct_medicines"] = np.bincount(
            self.med_owner[self.med_first < index_day], minlength=self.n
        ).astype(np.int64)
        features["care_home"] = (self.care_home <= index_day).astype(np.int64)
        return features

    def year_of_activity(
        self, first: int, last: int, features: dict[str, Array]
    ) -> tuple[Array, Array]:
        """Draw the activity of [first, last) from the true probabilities at ``first``."""
        rng, n = self.rng, self.n
        design = design_matrix(features)
        p_emergency = _probability(design, TRUE_EMERGENCY)
        p_high_cost = _probability(design, TRUE_HIGH_COST)
        admitted = rng.random(n) < p_emergency
        high_cost = rng.random(n) < p_high_cost
        admissions = np.where(
            admitted, 1 + rng.poisson(0.25 + 0.3 * (features["prior_emergency_admissions"] > 0)), 0
        )
        owner = np.repeat(np.arange(n), admissions)
        start = rng.integers(first, last, size=owner.size)
        mean_stay = 1.5 + 0.12 * np.maximum(features["age"][owner] - 50, 0)
        stay = rng.geometric(1.0 / (1.0 + mean_stay)) - 1
        end = start + stay
        self._add(
            owner,
            "emergency_admission",
            start,
            end,
            _COSTS["emergency_base"] + _COSTS["bed_day"] * stay,
        )
        # Every emergency admission came through A&E; some people attend A&E without one.
        self._add(owner, "ae_attendance", start, None, np.full(owner.size, _COSTS["ae"]))
        extra = rng.poisson(
            0.12 + 0.08 * features["ltc_count"] + 0.05 * features["frailty_deficits"]
        )
        ae_owner = np.repeat(np.arange(n), extra)
        self._add(
            ae_owner,
            "ae_attendance",
            rng.integers(first, last, size=ae_owner.size),
            None,
            np.full(ae_owner.size, _COSTS["ae"]),
        )
        visits = rng.poisson(0.25 + 0.45 * features["ltc_count"] + 1.5 * features["cancer"])
        op_owner = np.repeat(np.arange(n), visits)
        self._add(
            op_owner,
            "outpatient_attendance",
            rng.integers(first, last, size=op_owner.size),
            None,
            np.full(op_owner.size, _COSTS["outpatient"]),
        )
        electives = rng.poisson(0.03 + 0.03 * features["ltc_count"])
        el_owner = np.repeat(np.arange(n), electives)
        el_start = rng.integers(first, last, size=el_owner.size)
        self._add(
            el_owner,
            "elective_admission",
            el_start,
            el_start + 1,
            np.full(el_owner.size, _COSTS["elective"]),
        )
        hc_owner = np.flatnonzero(high_cost)
        hc_start = rng.integers(first, last, size=hc_owner.size)
        self._add(
            hc_owner,
            "elective_admission",
            hc_start,
            hc_start + rng.integers(1, 20, size=hc_owner.size),
            rng.integers(25_000, 60_001, size=hc_owner.size),
        )
        # The history of the next index date: this year's activity, bed-days to ``last``.
        self.history = {
            "prior_emergency_admissions": admissions.astype(np.int64),
            "prior_bed_days": np.bincount(
                owner, weights=np.minimum(end, last) - start, minlength=n
            ).astype(np.int64),
            "ae_attendances": admissions + np.bincount(ae_owner, minlength=n),
            "outpatient_attendances": np.bincount(op_owner, minlength=n).astype(np.int64),
        }
        return p_emergency, p_high_cost

    def _add(self, owner: Array, kind: str, start: Array, end: Array | None, cost: Array) -> None:
        self.activity.append(
            (
                owner,
                np.full(owner.size, kind),
                start,
                end if end is not None else np.full(owner.size, -1),
                cost.astype(np.int64),
            )
        )

    def medication_issues(self) -> tuple[Array, Array, Array]:
        """Each medicine issued every 182 days from its start, within the data's years."""
        first = self.med_first
        skip = np.maximum(0, -((first - self.start) // 182))  # issues before the data start
        first_issue = first + skip * 182
        counts = np.maximum(0, (self.end - 1 - first_issue) // 182 + 1)
        owner = np.repeat(self.med_owner, counts)
        code = np.repeat(self.med_code, counts)
        base = np.repeat(first_issue, counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return owner, code, base + offsets * 182


def _probability(design: Array, coefficients: dict[str, float]) -> Array:
    beta = np.array([coefficients.get(term.name, 0.0) for term in TERMS])
    return logistic(coefficients["intercept"] + design @ beta)


def generate(
    directory: Path, *, patients: int, practices: int, seed: int = 20261204
) -> SynthSummary:
    """Write the synthetic population's Parquet files (and ``truth.parquet``) to ``directory``.

    Deterministic: the same arguments write the same files.
    """
    if patients < 1:
        raise ValueError(f"patients must be at least 1; got {patients}")
    if not 1 <= practices <= 99_999:
        raise ValueError(f"practices must be from 1 to 99,999; got {practices}")
    rng = np.random.default_rng(seed)
    population = _Population(patients, practices, rng)
    truth: tuple[Array, Array] = (np.empty(0), np.empty(0))
    rates: list[float] = []
    days = [_days(day) for day in INDEX_DATES]
    for window, (first, last) in enumerate(itertools.pairwise(days)):
        probabilities = population.year_of_activity(first, last, population.features(first))
        if window == len(days) - 2:
            truth = probabilities
            rates = [float(probabilities[0].mean()), float(probabilities[1].mean())]
    directory.mkdir(parents=True, exist_ok=True)
    ids = np.char.add("P", np.char.zfill(np.arange(1, patients + 1).astype(str), 9))
    codes = np.char.add("Z", np.char.zfill(np.arange(1, practices + 1).astype(str), 5))
    tables: dict[str, pa.Table] = {
        "practices": pa.table(
            {
                "practice_code": codes,
                "practice_name": [f"Synthetic Practice {i}" for i in range(1, practices + 1)],
            }
        ),
        "patients": pa.table(
            {
                "patient_id": ids,
                "practice_code": codes[population.practice],
                "date_of_birth": _dates(population.dob),
                "sex": np.where(population.female, "F", "M"),
                "deprivation_decile": population.deprivation.astype(np.int64),
                "care_home_since": pa.array(
                    population.care_home.astype("datetime64[D]"),
                    mask=population.care_home >= NEVER,
                    type=pa.date32(),
                ),
            }
        ),
        "diagnoses": _diagnoses(population, ids),
        "medications": _medications(population, ids),
        "activity": _activity(population, ids),
        "truth": pa.table(
            {"patient_id": ids, "p_emergency_admission": truth[0], "p_high_cost": truth[1]}
        ),
    }
    for name, table in tables.items():
        temporary = directory / f".{name}.parquet.tmp"
        pq.write_table(table, temporary)
        temporary.replace(directory / f"{name}.parquet")
    return SynthSummary(
        directory, {name: table.num_rows for name, table in tables.items()}, rates[0], rates[1]
    )


def _diagnoses(population: _Population, ids: Array) -> pa.Table:
    rng = population.rng
    owners, codes, dates = [], [], []
    for cluster in CLUSTERS:
        onset = population.onset[cluster.name]
        owner = np.flatnonzero(onset < population.end)
        if cluster.name == "diabetes":
            choices = np.array(["E109", "E119", "E11.9"])  # diabetes without a complication
        else:
            choices = np.array(
                [p if len(p) > 3 else p + d for p in cluster.prefixes for d in ("0", "9", ".0")]
            )
        # A second, later record of the same condition for some.
        again = owner[rng.random(owner.size) < 0.3]
        later = np.minimum(onset[again] + rng.integers(1, 700, size=again.size), population.end - 1)
        all_owner = np.concatenate([owner, again])
        owners.append(all_owner)
        codes.append(choices[rng.integers(0, len(choices), size=all_owner.size)])
        dates.append(np.concatenate([onset[owner], later]))
    owner, code, day = np.concatenate(owners), np.concatenate(codes), np.concatenate(dates)
    order = np.lexsort((day, owner))
    return pa.table(
        {"patient_id": ids[owner[order]], "code": code[order], "date": _dates(day[order])}
    )


def _medications(population: _Population, ids: Array) -> pa.Table:
    owner, code, day = population.medication_issues()
    order = np.lexsort((day, owner))
    return pa.table(
        {
            "patient_id": ids[owner[order]],
            "medicine_code": np.array(_MEDICINES)[code[order]],
            "issue_date": _dates(day[order]),
        }
    )


def _activity(population: _Population, ids: Array) -> pa.Table:
    owner = np.concatenate([part[0] for part in population.activity])
    kind = np.concatenate([part[1] for part in population.activity])
    start = np.concatenate([part[2] for part in population.activity])
    end = np.concatenate([part[3] for part in population.activity])
    cost = np.concatenate([part[4] for part in population.activity])
    order = np.lexsort((start, owner))
    end = end[order]
    return pa.table(
        {
            "patient_id": ids[owner[order]],
            "activity_type": kind[order],
            "start_date": _dates(start[order]),
            "end_date": pa.array(end.astype("datetime64[D]"), mask=end < 0, type=pa.date32()),
            "cost": cost[order],
        }
    )
