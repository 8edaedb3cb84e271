"""A demonstration region, generated deterministically from a seed: no framework, no database.

``build_demo(seed, today)`` returns the East Midlands demo as programme workbook rows (sheet
name to a list of rows, the shapes :func:`bettercare.workbook.write_workbook` writes) in three
stages: the programme as known at the end of July 2017 and at the end of August 2017 (the
worked historical example), then as known at the end of the last complete month before
``today``, in the current BCF year (see :mod:`bettercare.demo.current_programme`). Loading the
stages in order gives the history pages earlier versions of risks, milestones, funding and
metric values. The current stage alone holds everything; it depends only on the seed and the
reporting month, so the demo moves with the calendar and never goes stale.

Everything is labelled as demonstration data: the programme names say so and the importer
marks the areas ``is_demo``. Area codes and names are the real ONS ones; people are invented.
Leicestershire reproduces the real September/October 2017 highlight report's figures (see
:mod:`bettercare.demo.metrics`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bettercare.core.periods import Month
from bettercare.demo import current_programme as current
from bettercare.demo import leicestershire as leics
from bettercare.demo import scheme_descriptions as descriptions
from bettercare.demo.areas import HWBS, ICBS, LEICESTERSHIRE, REGION, hwbs_in, programme_rows
from bettercare.demo.assurance import assurance_rows, current_assurance_rows
from bettercare.demo.current_metrics import (
    baseline_and_target_rows,
    capacity_metric_rows,
    capacity_value_rows,
)
from bettercare.demo.leicestershire_register import milestone_rows, risk_rows
from bettercare.demo.leicestershire_returns import (
    MISSING_IN_AUGUST,
    achievement_rows,
    metric_commentary_rows,
    planned_activity_rows,
    programme_status_rows,
    status_rows,
)
from bettercare.demo.metrics import metric_value_rows
from bettercare.demo.others import other_rows
from bettercare.demo.pipeline_adapter import current_actual_rows
from bettercare.demo.plan import plan_rows
from bettercare.demo.proposals import Proposer, reconcile
from bettercare.demo.timeline import DEMO_LABEL, LATEST, SNAPSHOT, Rows, reporting_month

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
    "current_stage_rows",
    "reporting_month",
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

    def stage(self, as_at: Month) -> DemoStage:
        """The stage as known at the end of ``as_at`` (e.g. the August 2017 worked example)."""
        for stage in self.stages:
            if stage.as_at == as_at:
                return stage
        known = ", ".join(str(stage.as_at) for stage in self.stages)
        raise ValueError(f"as_at must be one of the demo's stages ({known}), got {as_at}")


def stage_rows(seed: int, as_at: Month) -> Rows:
    """Every sheet's rows for the whole region as known at the end of ``as_at``."""
    rows: Rows = {
        "programme": programme_rows((as_at,)),
        "funding": leics.funding_rows(as_at),
        "savings": leics.savings_rows(as_at),
        "themes": leics.theme_rows(),
        "schemes": descriptions.described(leics.scheme_rows()),
        **descriptions.description_rows(),
        "scheme_finance": leics.scheme_finance_rows(),
        "metric_values": metric_value_rows(seed, as_at),
        "metric_commentary": metric_commentary_rows(as_at),
        "milestones": milestone_rows(as_at),
        "risks": risk_rows(as_at),
        "status_updates": status_rows(seed, as_at),
        "programme_status": programme_status_rows(as_at),
        "achievements": achievement_rows(as_at),
        "planned_activities": planned_activity_rows(as_at),
        "assurance": assurance_rows(seed, as_at),
    }
    for sheet, extra in other_rows(seed, as_at).items():
        rows[sheet] = rows[sheet] + extra
    return rows


def current_stage_rows(seed: int, last: Month) -> Rows:
    """Every sheet's rows as known at the end of ``last``: the historical example, the
    schemes carried on into the current programme and the current BCF years' data."""
    rows = stage_rows(seed, LATEST)
    areas = hwbs_in(last)
    rows["programme"] = programme_rows()
    for sheet, extra in current.new_area_rows(seed, last).items():
        rows[sheet] = rows[sheet] + extra
    rows["schemes"] = current.continued_schemes(rows["schemes"], last)
    rows["milestones"] = current.completed_milestones(rows["milestones"])
    rows["metrics"] = capacity_metric_rows()
    actuals = current_actual_rows(seed, last)
    rows["metric_values"] = rows["metric_values"] + actuals
    for hwb in areas:
        rows["metric_values"] += baseline_and_target_rows(hwb, last, actuals)
    rows["metric_values"] += capacity_value_rows(seed, last)
    earlier_finance = list(rows["scheme_finance"])
    for hwb in areas:
        for sheet, extra in current.finance_rows(
            hwb, rows["schemes"], earlier_finance, seed, last
        ).items():
            rows[sheet] = rows[sheet] + extra
        rows["milestones"] += current.milestone_rows(hwb, rows["schemes"], last)
        rows["risks"] += current.risk_rows(hwb, rows["schemes"], seed, last)
    proposer = Proposer(rows)
    rows["status_updates"] += current.status_rows(rows, proposer, seed, last)
    rows["programme_status"] += current.programme_status_rows(rows, last)
    rows["achievements"] += current.achievement_rows(seed, last)
    rows["assurance"] += current_assurance_rows(seed, last, rows["metric_values"])
    rows.update(plan_rows(seed, last))
    current.align_earlier_returns(rows, proposer, seed)
    reconcile(rows, proposer)
    return rows


def _as_final(rows: Rows, final: Rows) -> Rows:
    """An earlier stage's returns as the final stage has them (aligned with the proposals
    the final data make, or with the lead's reason for differing)."""
    returns = {
        (r["area_code"], r["period"], r["scheme_ref"], r["dimension"]): r
        for r in final["status_updates"]
    }
    updated = []
    for row in rows["status_updates"]:
        saved = returns[(row["area_code"], row["period"], row["scheme_ref"], row["dimension"])]
        updated.append(
            {
                **row,
                "status": saved["status"],
                "commentary": saved["commentary"],
                "additional_information": saved.get("additional_information"),
            }
        )
    return {**rows, "status_updates": updated}


def build_demo(seed: int = DEFAULT_SEED, today: date | None = None) -> Demo:
    """The demo region from ``seed`` as at ``today`` (default: the real today): the same seed
    and the same month always give the same rows."""
    last = reporting_month(today or date.today())
    final = current_stage_rows(seed, last)
    earlier = tuple(
        DemoStage(month, _as_final(stage_rows(seed, month), final)) for month in (SNAPSHOT, LATEST)
    )
    return Demo(seed, (*earlier, DemoStage(last, final)))
