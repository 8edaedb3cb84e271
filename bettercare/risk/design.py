"""The model's terms: how the integer features become the columns a logistic regression weighs.

Each term is one readable transformation of one feature (the feature itself, a hinge at a
knot, a cap, a log), so the fitted model is a list of "term: coefficient" a commissioner can
read, like SPARRA's published models. Hinges at ages 5, 65 and 80 make age a linear spline
(risk falls through early childhood, then rises faster after 65 and again after 80); caps stop
a few extreme counts from steering the fit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from bettercare.risk.clusters import CLUSTERS

__all__ = ["TERMS", "Term", "design_matrix", "logistic"]


@dataclass(frozen=True, slots=True)
class Term:
    """One column of the design: ``kind`` of ``feature`` with its ``value`` (knot or cap).

    Kinds: ``linear`` (the feature), ``hinge_above`` (max(feature - value, 0)),
    ``hinge_below`` (max(value - feature, 0)), ``cap`` (min(feature, value)) and ``log1p``
    (the natural log of 1 + the feature).
    """

    name: str
    kind: str
    feature: str
    value: float = 0.0

    def apply(self, values: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        x = values.astype(np.float64)
        if self.kind == "linear":
            return x
        if self.kind == "hinge_above":
            return np.maximum(x - self.value, 0.0)
        if self.kind == "hinge_below":
            return np.maximum(self.value - x, 0.0)
        if self.kind == "cap":
            return np.minimum(x, self.value)
        if self.kind == "log1p":
            return np.log1p(x)
        raise ValueError(
            f"term kind must be linear, hinge_above, hinge_below, cap or log1p; got {self.kind!r}"
        )

    def describe(self) -> str:
        if self.kind == "linear":
            return self.feature
        if self.kind == "hinge_above":
            return f"max({self.feature} - {self.value:g}, 0)"
        if self.kind == "hinge_below":
            return f"max({self.value:g} - {self.feature}, 0)"
        if self.kind == "cap":
            return f"min({self.feature}, {self.value:g})"
        return f"ln(1 + {self.feature})"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "feature": self.feature, "value": self.value}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Term:
        return cls(str(data["name"]), str(data["kind"]), str(data["feature"]), float(data["value"]))


TERMS: tuple[Term, ...] = (
    Term("age", "linear", "age"),
    Term("age_under_5", "hinge_below", "age", 5),
    Term("age_over_65", "hinge_above", "age", 65),
    Term("age_over_80", "hinge_above", "age", 80),
    Term("female", "linear", "female"),
    Term("deprivation_decile", "linear", "deprivation_decile"),
    *(
        Term(cluster.name, "linear", cluster.name)
        for cluster in CLUSTERS
        if cluster.kind != "deficit"
    ),
    Term("ltc_over_2", "hinge_above", "ltc_count", 2),
    Term("frailty_deficits", "linear", "frailty_deficits"),
    Term("prior_emergency_admissions", "cap", "prior_emergency_admissions", 5),
    Term("log_prior_bed_days", "log1p", "prior_bed_days"),
    Term("ae_attendances", "cap", "ae_attendances", 10),
    Term("outpatient_attendances", "cap", "outpatient_attendances", 20),
    Term("distinct_medicines", "cap", "distinct_medicines", 15),
    Term("care_home", "linear", "care_home"),
)


def design_matrix(
    features: Mapping[str, npt.NDArray[Any]], terms: tuple[Term, ...] = TERMS
) -> npt.NDArray[np.float64]:
    """The design matrix (patients x terms) of a feature table given as NumPy columns."""
    return np.column_stack([term.apply(np.asarray(features[term.feature])) for term in terms])


def logistic(linear: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """1 / (1 + exp(-x)), without overflow for large negative x."""
    return np.exp(-np.logaddexp(0.0, -linear))
