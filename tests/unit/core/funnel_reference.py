"""Plain-Python references for the funnel-plot maths: slow, obvious, independent.

- The proportion limit from the *definition* of the score test: the observed proportion whose
  Wilson interval at population ``n`` has the average on its edge.
- PHE's Poisson solver is ported line by line from ``poisson_cis`` / ``poisson_funnel``
  (PHEindicatormethods 2.0.2, ``R/utils.R``), summing the Poisson series by hand.
"""

from __future__ import annotations

import math
from statistics import NormalDist


def proportion_limit(average: float, n: float, tail: float, side: str) -> float:
    """The observed proportion whose Wilson (score) interval has the average on its edge.

    The Wilson interval of an observed proportion ``q`` is every ``pi`` with
    ``|q - pi| <= z * sqrt(pi * (1 - pi) / n)``; with ``pi`` the average, its edge is
    ``q = average -/+ z * sqrt(average * (1 - average) / n)`` (Spiegelhalter 2005).
    """
    z = NormalDist().inv_cdf(1 - tail)
    half_width = z * math.sqrt(average * (1 - average) / n)
    return average - half_width if side == "low" else average + half_width


def poisson_cis(z: float, x_a: float, x_b: float) -> float:
    """PHE's ``poisson_cis``: the probability of between ``x_a`` and ``x_b`` events given ``z``."""
    q, tot, s, k = 1.0, 0.0, 0.0, 0
    while k <= z or q > tot * 1e-10:
        tot += q
        if x_a <= k <= x_b:
            s += q
        if tot > 1e30:
            s, tot, q = s / 1e30, tot / 1e30, q / 1e30
        k += 1
        q = q * z / k
    return s / tot


def poisson_funnel(obs: float, p: float, side: str) -> float:
    """PHE's ``poisson_funnel`` bisection, unchanged."""
    v, dv = 0.5, 0.5
    while dv > 1e-7:
        dv /= 2
        if side == "low":
            go_down = poisson_cis((1 + obs) * v / (1 - v), obs, 10_000_000_000) > p
        else:
            go_down = poisson_cis((1 + obs) * v / (1 - v), 0, obs) < p
        v = v - dv if go_down else v + dv
    return (1 + obs) * v / (1 - v)
