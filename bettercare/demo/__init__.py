"""A demonstration region, generated deterministically from a seed: no framework, no database.

``build_demo(seed)`` returns the East Midlands demo as programme workbook rows (sheet name to a
list of rows, the shapes :func:`bettercare.workbook.write_workbook` writes) in two stages: the
programme as known at the end of July 2017, then at the end of August 2017, the latest
reporting period. Loading the stages in order gives the history pages earlier versions of
risks, milestones, funding and metric values. The August stage alone holds everything.

Everything is labelled as demonstration data: the programme names say so and the importer
marks the areas ``is_demo``. Area codes and names are the real ONS ones; people are invented.
Leicestershire reproduces the real September/October 2017 highlight report's figures (see
:mod:`bettercare.demo.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bettercare.core.periods import Month
from bettercare.demo import leicestershire as leics
from bettercare.demo.areas import HWBS, ICBS, LEICESTERSHIRE, REGION, programme_rows
from bettercare.demo.assurance import assurance_rows
from bettercare.demo.leicestershire_register import milestone_rows, risk_rows
from bettercare.demo.leicestershire_returns import (
    MISSING_IN_AUGUST,
    achievement_rows,
    metric_commentary_rows,
    programme_status_rows,
    status_rows,
)
from bettercare.demo.metrics import metric_value_rows
from bettercare.demo.others import other_rows
from bettercare.demo.timeline import DEMO_LABEL, LATEST, SNAPSHOT, Rows

__all__ = [
    "DEFAULT_SEED",
    "DEMO_LABEL",
    "HWBS",
    "ICBS",
    "LATEST",
    "LEICESTERSHIRE",
    "MISSING_IN_AUGUST",
    "REGION",
    "SNAPSHOT",
    "Demo",
    "DemoStage",
    "build_demo",
    "stage_rows",
]

DEFAULT_SEED = 20170831


@dataclass(frozen=True)
class DemoStage:
    """The demo as known at the end of a month: every sheet's rows."""

    as_at: Month
    rows: Rows


@dataclass(frozen=True)
class Demo:
    """The demo region: its seed and its stages, oldest first."""

    seed: int
    stages: tuple[DemoStage, ...]

    @property
    def latest(self) -> DemoStage:
        return self.stages[-1]


def stage_rows(seed: int, as_at: Month) -> Rows:
    """Every sheet's rows for the whole region as known at the end of ``as_at``."""
    rows: Rows = {
        "programme": programme_rows(),
        "funding": leics.funding_rows(as_at),
        "savings": leics.savings_rows(as_at),
        "themes": leics.theme_rows(),
        "schemes": leics.scheme_rows(),
        "scheme_finance": leics.scheme_finance_rows(),
        "metric_values": metric_value_rows(seed, as_at),
        "metric_commentary": metric_commentary_rows(as_at),
        "milestones": milestone_rows(as_at),
        "risks": risk_rows(as_at),
        "status_updates": status_rows(seed, as_at),
        "programme_status": programme_status_rows(as_at),
        "achievements": achievement_rows(as_at),
        "assurance": assurance_rows(seed, as_at),
    }
    for sheet, extra in other_rows(seed, as_at).items():
        rows[sheet] = rows[sheet] + extra
    return rows


def build_demo(seed: int = DEFAULT_SEED) -> Demo:
    """The demo region from ``seed``: the same seed always gives the same rows."""
    return Demo(
        seed, tuple(DemoStage(month, stage_rows(seed, month)) for month in (SNAPSHOT, LATEST))
    )
