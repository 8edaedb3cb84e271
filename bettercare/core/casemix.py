"""Case-mix adjustment by indirect standardisation: observed against expected events.

A practice's *expected* emergency admissions are the sum of the model's probabilities of its
patients (what a practice with the same patients would see if each were admitted at the
rate the model predicts from their age, conditions, activity and deprivation); its
*observed* admissions are the patients admitted in the 12 months after the index date. The
ratio observed / expected is an indirectly standardised ratio: above 1, more admissions
than the practice's case mix predicts. Its interval treats the observed count as Poisson
and the expected as fixed (exact limits below 10 events, Byar's from 10: core's
:func:`bettercare.core.stats.rate` with a multiplier of 1), and its funnel position is PHE's
label for a ratio against 1 (:func:`bettercare.core.funnel.funnel_significance`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from bettercare.core._checks import as_float_array
from bettercare.core.funnel import funnel_significance
from bettercare.core.stats import rate

__all__ = ["StandardisedRatio", "expected_events", "standardised_ratio", "standardised_ratios"]


@dataclass(frozen=True, slots=True)
class StandardisedRatio:
    """Observed against expected events, with the ratio's interval and funnel position.

    ``funnel`` is PHE's label (``"High (0.025)"``, ``"Not significant"`` ...), or ``""``
    when there is nothing expected.
    """

    observed: int
    expected: float
    ratio: float
    lower: float
    upper: float
    method: str
    funnel: str


def expected_events(probabilities: ArrayLike) -> float:
    """The expected number of events: the sum of the patients' probabilities.

    >>> expected_events([0.1, 0.2, 0.3])
    0.6000000000000001
    """
    values = as_float_array("probabilities", probabilities).ravel()
    if values.size and not (np.isfinite(values).all() and values.min() >= 0 and values.max() <= 1):
        bad = next(v for v in values.tolist() if not (math.isfinite(v) and 0 <= v <= 1))
        raise ValueError(f"probabilities must be from 0 to 1; got {bad!r}")
    return float(values.sum())


def standardised_ratio(
    observed: int, expected: float, *, confidence: float = 0.95
) -> StandardisedRatio:
    """The indirectly standardised ratio ``observed / expected`` with its Poisson interval.

    Parameters
    ----------
    observed : int
        Events seen (zero or more).
    expected : float
        Events expected from the case mix (greater than zero), e.g. :func:`expected_events`.
    confidence : float, optional
        0.95 (default) or 0.998.

    References
    ----------
    Breslow NE, Day NE. Statistical methods in cancer research, volume II (indirect
    standardisation, the SMR and its Poisson limits). IARC, 1987. PHE *Technical Guide:
    Confidence Intervals* (Byar's method); PHEindicatormethods ``calculate_ISRatio``.

    Examples
    --------
    A practice whose 1,200 patients' probabilities sum to 25 expected admissions, and 30
    were admitted:

    >>> r = standardised_ratio(30, 25.0)
    >>> round(r.ratio, 3), round(r.lower, 3), round(r.upper, 3), r.method, r.funnel
    (1.2, 0.809, 1.713, 'Byar', 'Not significant')
    """
    if isinstance(observed, bool) or not isinstance(observed, int) or observed < 0:
        raise ValueError(f"observed must be a whole number of 0 or more; got {observed!r}")
    if not (isinstance(expected, int | float) and math.isfinite(expected) and expected > 0):
        raise ValueError(f"expected must be a number greater than 0; got {expected!r}")
    return standardised_ratios([observed], [expected], confidence=confidence)[0]


def standardised_ratios(
    observed: Sequence[int], expected: Sequence[float], *, confidence: float = 0.95
) -> list[StandardisedRatio]:
    """:func:`standardised_ratio` of each unit (e.g. each practice) at once.

    Units with nothing expected get NaN figures and no funnel label.

    >>> [r.funnel for r in standardised_ratios([2, 40, 9], [10.0, 20.0, 9.0])]
    ['Low (0.025)', 'High (0.001)', 'Not significant']
    """
    if len(observed) != len(expected):
        raise ValueError(
            f"observed and expected must be as long as each other; got {len(observed)} "
            f"and {len(expected)}"
        )
    counts = np.asarray(observed, dtype=np.float64)
    means = np.asarray(expected, dtype=np.float64)
    usable = means > 0
    results: list[StandardisedRatio] = [
        StandardisedRatio(int(o), float(e), math.nan, math.nan, math.nan, "", "")
        for o, e in zip(observed, expected, strict=True)
    ]
    if not usable.any():
        return results
    estimate = rate(counts[usable], means[usable], multiplier=1, confidence=confidence)
    labels = funnel_significance(
        counts[usable], means[usable], statistic="ratio", multiplier=1, ratio_type="isr"
    )
    positions = np.flatnonzero(usable).tolist()
    for slot, position in enumerate(positions):
        results[position] = StandardisedRatio(
            observed=int(observed[position]),
            expected=float(expected[position]),
            ratio=float(np.asarray(estimate.value)[slot]),
            lower=float(np.asarray(estimate.lower)[slot]),
            upper=float(np.asarray(estimate.upper)[slot]),
            method=estimate.method,
            funnel=str(labels[slot]),
        )
    return results
