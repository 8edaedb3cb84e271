"""The ``bettercare`` command line: argument parsing only, calling the library."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from bettercare import __version__

WHATS_HERE = """\
bettercare {version} - Better Care Fund programme performance

The core maths library is ready:
  bettercare.core.stats     confidence intervals (Wilson, Byar, exact Poisson, Dobson DSR),
                            target comparison, direction of travel
  bettercare.core.spc       Making Data Count XmR charts (single series and batch)
  bettercare.core.rag       the BCF RAG status guidelines, data RAG, roll-ups, risk scores
  bettercare.core.forecast  year-end run-rate and seasonal forecasts

Try it:
  >>> from bettercare.core.stats import rate, compare_to_target
  >>> r = rate(1611, 546195)          # delayed days per 100,000 population
  >>> round(r.value, 2), round(r.lower, 2), round(r.upper, 2)
  (294.95, 280.72, 309.71)
  >>> compare_to_target(r, 278.57, polarity="lower_is_better")
  'significantly_worse'
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bettercare", description=__doc__)
    parser.add_argument("--version", action="version", version=f"bettercare {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print(WHATS_HERE.format(version=__version__))
    return 0
