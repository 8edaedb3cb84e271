"""How well predicted probabilities fit what happened: discrimination, calibration, top-k.

Plain NumPy on arrays of outcomes (0/1) and probabilities; every figure the model file, the
CLI and the model page show comes from here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata

from bettercare.risk.design import logistic
from bettercare.risk.scoring import top_fraction

__all__ = [
    "auroc",
    "auroc_interval",
    "brier",
    "calibration",
    "calibration_deciles",
    "evaluate",
    "subgroups",
]

Array = npt.NDArray[Any]
BOOTSTRAP_SAMPLES = 200


def auroc(outcome: Array, probability: Array) -> float | None:
    """The area under the ROC curve (the Mann-Whitney U over events x non-events).

    Ties count one half (mid-ranks). ``None`` when there are no events or no non-events.
    Reference: Hanley & McNeil, Radiology 1982.

    >>> auroc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y = np.asarray(outcome).astype(bool)
    events = int(y.sum())
    others = y.size - events
    if events == 0 or others == 0:
        return None
    ranks = rankdata(probability)
    return float((ranks[y].sum() - events * (events + 1) / 2) / (events * others))


def auroc_interval(
    outcome: Array, probability: Array, *, samples: int = BOOTSTRAP_SAMPLES, seed: int = 12
) -> tuple[float | None, float | None]:
    """The 95% percentile bootstrap interval of the AUROC (Efron & Tibshirani 1993)."""
    rng = np.random.default_rng(seed)
    n = len(outcome)
    values = []
    for _ in range(samples):
        pick = rng.integers(0, n, size=n)
        value = auroc(outcome[pick], probability[pick])
        if value is not None:
            values.append(value)
    if len(values) < samples // 2:
        return None, None
    lower, upper = np.percentile(values, [2.5, 97.5])
    return float(lower), float(upper)


def _logit(probability: Array) -> Array:
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-12, 1 - 1e-12)
    return np.log(p / (1 - p))


def _newton(x: Array, y: Array, offset: Array) -> Array | None:
    """Maximum-likelihood coefficients of a logistic regression of y on x, with an offset.

    ``None`` when Newton-Raphson does not converge (e.g. outcomes perfectly separated).
    """
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = logistic(offset + x @ beta)
        gradient = x.T @ (y - p)
        hessian = (x * (p * (1 - p))[:, None]).T @ x
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            return None
        beta += step
        if not np.all(np.isfinite(beta)) or np.abs(beta).max() > 100:
            return None
        if np.abs(step).max() < 1e-10:
            return beta
    return None


def calibration(outcome: Array, probability: Array) -> tuple[float | None, float | None]:
    """The calibration slope and intercept (calibration-in-the-large).

    The slope is b of logit P(y) = a + b logit(p); the intercept is a with b fixed at 1 (the
    logit of p as an offset): 0 and 1 are perfect. Van Calster et al., J Clin Epidemiol 2016.
    ``None`` when there are fewer than 10 events or non-events.
    """
    y = np.asarray(outcome, dtype=np.float64)
    events = y.sum()
    if events < 10 or y.size - events < 10:
        return None, None
    lp = _logit(probability)
    both = _newton(np.column_stack([np.ones_like(lp), lp]), y, np.zeros_like(lp))
    offset = _newton(np.ones((lp.size, 1)), y, lp)
    return (
        None if both is None else float(both[1]),
        None if offset is None else float(offset[0]),
    )


def brier(outcome: Array, probability: Array) -> float:
    """The mean squared difference between the probability and the 0/1 outcome (Brier 1950)."""
    return float(np.mean((np.asarray(probability) - np.asarray(outcome)) ** 2))


def calibration_deciles(outcome: Array, probability: Array) -> list[dict[str, Any]]:
    """Mean predicted and observed rate in tenths of the population by predicted risk."""
    order = np.argsort(probability, kind="stable")
    rows = []
    for decile, part in enumerate(np.array_split(order, 10), start=1):
        if part.size == 0:
            continue
        rows.append(
            {
                "decile": decile,
                "patients": int(part.size),
                "mean_predicted": float(probability[part].mean()),
                "observed": float(outcome[part].mean()),
            }
        )
    return rows


def _top(outcome: Array, selected: Array) -> tuple[float | None, float | None]:
    chosen = int(selected.sum())
    events = int(outcome.sum())
    hits = int(outcome[selected].sum())
    ppv = hits / chosen if chosen else None
    sensitivity = hits / events if events else None
    return ppv, sensitivity


def evaluate(outcome: Array, probability: Array, patient_ids: Array) -> dict[str, Any]:
    """Every whole-population figure of the held-out evaluation, as a JSON-ready dict."""
    y = np.asarray(outcome).astype(np.int64)
    p = np.asarray(probability, dtype=np.float64)
    lower, upper = auroc_interval(y, p)
    slope, intercept = calibration(y, p)
    result: dict[str, Any] = {
        "patients": int(y.size),
        "events": int(y.sum()),
        "observed_rate": float(y.mean()) if y.size else None,
        "mean_predicted": float(p.mean()) if p.size else None,
        "auroc": auroc(y, p),
        "auroc_lower": lower,
        "auroc_upper": upper,
        "calibration_slope": slope,
        "calibration_intercept": intercept,
        "brier": brier(y, p),
    }
    for percent in (2, 10):
        selected = top_fraction(p, patient_ids, percent)
        ppv, sensitivity = _top(y, selected)
        result[f"ppv_top_{percent}"] = ppv
        result[f"sensitivity_top_{percent}"] = sensitivity
    result["calibration_deciles"] = calibration_deciles(y, p)
    return result


def _age_band(age: int) -> str:
    for upper, label in ((17, "0-17"), (59, "18-59"), (74, "60-74")):
        if age <= upper:
            return label
    return "75+"


def subgroups(
    outcome: Array,
    probability: Array,
    patient_ids: Array,
    groups: Mapping[str, Sequence[str]],
) -> list[dict[str, Any]]:
    """Discrimination, calibration and top-10% error rates within each subgroup.

    The top-10% threshold is the whole population's (the people a service would pick), so
    the false-positive rate (picked, no event / no event) and false-negative rate (not
    picked, event / event) show who the model's list serves worse.
    """
    y = np.asarray(outcome).astype(np.int64)
    p = np.asarray(probability, dtype=np.float64)
    picked = top_fraction(p, patient_ids, 10)
    rows = []
    for dimension, labels in groups.items():
        values = np.asarray(labels)
        for value in sorted(set(values.tolist())):
            mask = values == value
            yy, pp, chosen = y[mask], p[mask], picked[mask]
            events = int(yy.sum())
            others = int(yy.size - events)
            slope, intercept = calibration(yy, pp)
            rows.append(
                {
                    "dimension": dimension,
                    "group": str(value),
                    "patients": int(yy.size),
                    "events": events,
                    "observed_rate": float(yy.mean()),
                    "mean_predicted": float(pp.mean()),
                    "auroc": auroc(yy, pp),
                    "calibration_slope": slope,
                    "calibration_intercept": intercept,
                    "false_positive_rate_top_10": (
                        int((chosen & (yy == 0)).sum()) / others if others else None
                    ),
                    "false_negative_rate_top_10": (
                        int((~chosen & (yy == 1)).sum()) / events if events else None
                    ),
                }
            )
    return rows


def subgroup_labels(features: Mapping[str, Array]) -> dict[str, list[str]]:
    """The subgroup of each patient by age band, sex, deprivation quintile and practice."""
    return {
        "age_band": [_age_band(int(age)) for age in features["age"]],
        "sex": ["F" if female else "M" for female in features["female"]],
        "deprivation_quintile": [
            str((int(decile) + 1) // 2) for decile in features["deprivation_decile"]
        ],
        "practice": [str(code) for code in features["practice_code"]],
    }
