"""Fitting, saving, reading and applying the risk model.

The default model for each outcome is a logistic regression on the readable terms of
:mod:`bettercare.risk.design`, fitted with scikit-learn on standardised columns and written
back on the terms' own scale, so the model file reads "age over 65: +0.035 per year". A
histogram gradient-boosted model is fitted on the same data and reported beside it; it is not
the default (ADR 0041). Evaluation is on a held-out *time period*: the features 12 months later
and the outcomes of the 12 months after that.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from bettercare import __version__
from bettercare.risk.design import TERMS, Term, design_matrix, logistic
from bettercare.risk.evaluation import evaluate, subgroup_labels, subgroups
from bettercare.risk.schema import FEATURE_VERSION, FEATURES, OUTCOME_MONTHS, add_months
from bettercare.risk.scoring import COHORTS, cohorts, rank_order, risk_bands, segments

__all__ = [
    "MODEL_FORMAT",
    "OUTCOME_NAMES",
    "ModelError",
    "high_cost_labels",
    "read_model",
    "score",
    "train",
    "write_model",
]

Array = npt.NDArray[Any]
MODEL_FORMAT = "bettercare-risk-model"
OUTCOME_NAMES: dict[str, str] = {
    "emergency_admission": "an emergency hospital admission in the 12 months after the index date",
    "high_cost": "being in the 5% of patients with the highest cost of hospital activity in the "
    "12 months after the index date",
}
HIGH_COST_PERCENT = 5


class ModelError(ValueError):
    """A model file that cannot be used (unreadable, wrong format, newer feature version)."""


def _columns(table: pa.Table) -> dict[str, Array]:
    return {name: table[name].to_numpy() for name in table.column_names}


def high_cost_labels(cost: Array, patient_ids: Array) -> Array:
    """1 for the top 5% by cost (``N * 5 // 100`` patients; ties by patient id), else 0."""
    order = rank_order(cost.astype(np.float64), patient_ids)
    labels = np.zeros(len(cost), dtype=np.int64)
    labels[order[: len(cost) * HIGH_COST_PERCENT // 100]] = 1
    labels[cost <= 0] = 0
    return labels


def _fit_logistic(design: Array, y: Array) -> tuple[float, Array]:
    from sklearn.linear_model import LogisticRegression

    mean = design.mean(axis=0)
    scale = design.std(axis=0)
    scale[scale == 0] = 1.0
    fitted = LogisticRegression(C=100.0, max_iter=2000, tol=1e-6)
    fitted.fit((design - mean) / scale, y)
    coefficients = fitted.coef_[0] / scale
    intercept = float(fitted.intercept_[0] - np.sum(coefficients * mean))
    return intercept, coefficients


def _fit_boosted(train_x: Array, y: Array, test_x: Array) -> Array:
    from sklearn.ensemble import HistGradientBoostingClassifier

    fitted = HistGradientBoostingClassifier(
        max_iter=100, learning_rate=0.1, max_leaf_nodes=15, early_stopping=False, random_state=0
    )
    fitted.fit(train_x, y)
    return np.asarray(fitted.predict_proba(test_x)[:, 1])


def _outcome(table: pa.Table, name: str) -> Array:
    columns = _columns(table)
    if name == "emergency_admission":
        return np.asarray(columns["emergency_admission"]).astype(np.int64)
    return high_cost_labels(np.asarray(columns["cost"]), np.asarray(columns["patient_id"]))


def train(
    training: pa.Table,
    held_out: pa.Table,
    *,
    index_date: date,
    compare_boosted: bool = True,
) -> dict[str, Any]:
    """Fit both outcomes on ``training`` (features at ``index_date`` with their outcomes) and
    evaluate on ``held_out`` (features and outcomes 12 months later). The model file's dict.

    BLAS and OpenMP run on one thread: on a shared machine their spinning worker threads cost
    far more than they gain on models of this size (measured: 5x slower on 2 busy cores).
    """
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _train(training, held_out, index_date=index_date, compare_boosted=compare_boosted)


def _train(
    training: pa.Table,
    held_out: pa.Table,
    *,
    index_date: date,
    compare_boosted: bool = True,
) -> dict[str, Any]:
    """Fit both outcomes on ``training`` (features at ``index_date`` with their outcomes) and
    evaluate on ``held_out`` (features and outcomes 12 months later). The model file's dict."""
    if training.num_rows < 50:
        raise ValueError(f"training needs at least 50 patients; got {training.num_rows}")
    train_columns, test_columns = _columns(training), _columns(held_out)
    train_design, test_design = design_matrix(train_columns), design_matrix(test_columns)
    test_ids = np.asarray(test_columns["patient_id"])
    groups = subgroup_labels(test_columns)
    outcomes: dict[str, Any] = {}
    for name, description in OUTCOME_NAMES.items():
        y_train, y_test = _outcome(training, name), _outcome(held_out, name)
        if y_train.sum() < 10 or y_train.sum() > y_train.size - 10:
            raise ValueError(
                f"training outcome {name} needs at least 10 patients with and without it; "
                f"got {int(y_train.sum())} of {y_train.size}"
            )
        intercept, coefficients = _fit_logistic(train_design, y_train)
        probability = logistic(intercept + test_design @ coefficients)
        performance = evaluate(y_test, probability, test_ids)
        entry: dict[str, Any] = {
            "predicts": description,
            "intercept": intercept,
            "terms": [
                {
                    **term.to_json(),
                    "means": term.describe(),
                    "coefficient": float(coefficient),
                    "odds_ratio": float(np.exp(coefficient)),
                }
                for term, coefficient in zip(TERMS, coefficients, strict=True)
            ],
            "performance": performance,
            "subgroups": subgroups(y_test, probability, test_ids, groups),
        }
        if compare_boosted:
            raw = [feature.name for feature in FEATURES]
            boosted = _fit_boosted(
                np.column_stack([train_columns[f] for f in raw]),
                y_train,
                np.column_stack([test_columns[f] for f in raw]),
            )
            compared = evaluate(y_test, boosted, test_ids)
            compared.pop("calibration_deciles")
            entry["compared"] = {
                "model": "histogram gradient boosting (scikit-learn), 100 trees of 15 leaves",
                "performance": compared,
                "kept_default": "logistic regression: its coefficients can be read and checked; "
                "a boosted model would replace it only if materially better (AUROC higher by "
                "more than 0.01) and explained",
            }
        outcomes[name] = entry
    return {
        "format": MODEL_FORMAT,
        "format_version": 1,
        "feature_version": FEATURE_VERSION,
        "model_id": f"risk-{index_date.isoformat()}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S')}",
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "bettercare_version": __version__,
        "method": "logistic regression (scikit-learn, L2 penalty C=100 on standardised terms), "
        "age as a linear spline with knots at 5, 65 and 80",
        "training": {
            "index_date": index_date.isoformat(),
            "outcomes_from": index_date.isoformat(),
            "outcomes_to": (add_months(index_date, OUTCOME_MONTHS)).isoformat(),
            "patients": training.num_rows,
        },
        "evaluation": {
            "index_date": add_months(index_date, OUTCOME_MONTHS).isoformat(),
            "outcomes_from": add_months(index_date, OUTCOME_MONTHS).isoformat(),
            "outcomes_to": add_months(index_date, 2 * OUTCOME_MONTHS).isoformat(),
            "patients": held_out.num_rows,
            "note": "a held-out time period: the 12 months after the training outcomes",
        },
        "features": [{"name": f.name, "description": f.description} for f in FEATURES],
        "segments": "ranked by the probability of an emergency admission, highest first, ties "
        "by patient identifier ascending; top_2 is N*2//100 patients, 2_to_10 to N*10//100; "
        "risk bands 5: top 2%, 4: to 10%, 3: to 20%, 2: to 50%, 1: the rest",
        "cohorts": COHORTS,
        "outcomes": outcomes,
    }


def write_model(model: dict[str, Any], path: Path) -> None:
    """Write the model file atomically (a temporary file, then a rename)."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    temporary.replace(path)


def read_model(path: Path) -> dict[str, Any]:
    """Read and check a model file; :class:`ModelError` with one line if it cannot be used."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no such model file") from None
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: not a JSON model file ({error})") from None
    if not isinstance(model, dict) or model.get("format") != MODEL_FORMAT:
        raise ModelError(f"{path}: field format: expected {MODEL_FORMAT!r}")
    version = model.get("feature_version")
    if not isinstance(version, int):
        raise ModelError(f"{path}: field feature_version: expected a whole number, got {version!r}")
    if version > FEATURE_VERSION:
        raise ModelError(
            f"{path}: field feature_version: the model was fitted on feature version {version}, "
            f"newer than this bettercare's {FEATURE_VERSION}; upgrade bettercare to use it"
        )
    for name in OUTCOME_NAMES:
        if name not in model.get("outcomes", {}):
            raise ModelError(f"{path}: field outcomes: has no model for {name!r}")
    return model


@dataclass(frozen=True, slots=True)
class _Fitted:
    intercept: float
    terms: tuple[Term, ...]
    coefficients: Array


def _fitted(model: dict[str, Any], outcome: str) -> _Fitted:
    entry = model["outcomes"][outcome]
    terms = tuple(Term.from_json(term) for term in entry["terms"])
    return _Fitted(
        float(entry["intercept"]),
        terms,
        np.array([float(t["coefficient"]) for t in entry["terms"]]),
    )


def probabilities(model: dict[str, Any], features: pa.Table, outcome: str) -> Array:
    """The model's probability of ``outcome`` for each row of a feature table."""
    return probabilities_of(model, _columns(features), outcome)


def probabilities_of(model: dict[str, Any], columns: Mapping[str, Array], outcome: str) -> Array:
    """:func:`probabilities` of feature columns given as NumPy arrays.

    The linear predictor is summed term by term (elementwise, in the terms' order) rather
    than by a matrix product, whose summation order BLAS may choose by the number of rows:
    so a patient's score is the same to the bit whether it is computed with the whole
    population (DuckDB) or with one Spark partition.
    """
    fitted = _fitted(model, outcome)
    design = design_matrix(columns, fitted.terms)
    linear = np.full(design.shape[0], fitted.intercept, dtype=np.float64)
    for column, coefficient in enumerate(np.asarray(fitted.coefficients, dtype=np.float64)):
        linear = linear + design[:, column] * coefficient
    return logistic(linear)


CONDITION_COLUMNS = (
    "asthma", "atrial_fibrillation", "cancer", "chd", "ckd", "copd", "dementia", "depression",
    "diabetes", "epilepsy", "heart_failure", "hypertension", "serious_mental_illness", "stroke",
)  # fmt: skip


def score(model: dict[str, Any], features: pa.Table) -> pa.Table:
    """One row per patient: the contract columns of ``bettercare risk score``, plus age, sex,
    the count and names of long-term conditions (for the practice's filters)."""
    columns = _columns(features)
    ids = np.asarray(columns["patient_id"])
    emergency = probabilities_of(model, columns, "emergency_admission")
    high_cost = probabilities_of(model, columns, "high_cost")
    return scores_table(columns, emergency, high_cost, risk_bands(emergency, ids))


def scores_table(
    columns: Mapping[str, Array], emergency: Array, high_cost: Array, bands: Array
) -> pa.Table:
    """The rows of :func:`score` from feature columns, the probabilities and the risk bands
    (which depend on the whole population's ranks, so are computed by the caller)."""
    ids = np.asarray(columns["patient_id"])
    flags = cohorts(columns, bands)
    # The names of each patient's conditions joined by ";", built column by column.
    conditions = np.full(len(ids), "", dtype=object)
    for name in CONDITION_COLUMNS:
        has = np.asarray(columns[name]) == 1
        conditions[has] = conditions[has] + (";" + name)
    conditions = np.array([text[1:] for text in conditions], dtype=object)
    data: dict[str, Any] = {
        "patient_id": pa.array(ids, pa.string()),
        "practice_code": pa.array(columns["practice_code"], pa.string()),
        "p_emergency_admission": pa.array(emergency, pa.float64()),
        "p_high_cost": pa.array(high_cost, pa.float64()),
        "risk_band": pa.array(bands, pa.int64()),
        "segment": pa.array(segments(bands), pa.string()),
        **{name: pa.array(values, pa.bool_()) for name, values in flags.items()},
        "age": pa.array(columns["age"], pa.int64()),
        "sex": pa.array(np.where(columns["female"] == 1, "F", "M"), pa.string()),
        "ltc_count": pa.array(columns["ltc_count"], pa.int64()),
        "conditions": pa.array(conditions, pa.string()),
    }
    return pa.table(data)
