"""The statuses the product would propose for the demo's returns, from the demo's own rows.

The monthly return form (``bettercare.web.programmes.returns.propose``) proposes each
dimension's status from the data where the data allow: milestone slippage, whether the scheme
has a budget or planned savings, and the primary metric against its target. This module
applies the same rules (the same :mod:`bettercare.core.rag` calls, and the latest value and
target as :func:`bettercare.core.summary.summarise_metric` finds them) to the generated rows, without a
database, so that every saved demo status either agrees with its proposal or says why not,
as a lead who overrides a proposal must (:func:`reconcile`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from bettercare.core.periods import FinancialYear, Month
from bettercare.core.proposals import MetricFacts, SchemeFacts, propose_statuses
from bettercare.core.rag import (
    STATUS_LABELS,
    Assessment,
    milestone_slippage_days,
)
from bettercare.core.summary import MetricSpec, Observation
from bettercare.core.summary import _find_target as find_target
from bettercare.demo.timeline import Row, Rows
from bettercare.registry import load_registry

STATUS_WORDS: dict[str, str] = dict(STATUS_LABELS.items())


def _specs(rows: Rows) -> dict[str, MetricSpec]:
    specs = {
        code: MetricSpec(
            code=code,
            name=d.name,
            unit=d.unit,
            multiplier=float(d.multiplier),
            polarity=d.polarity,
            frequency=d.frequency,
        )
        for code, d in load_registry().items()
    }
    for row in rows.get("metrics", []):
        specs[row["code"]] = MetricSpec(
            code=row["code"],
            name=row["name"],
            unit=row["unit"],
            multiplier=float(row["multiplier"]),
            polarity=row["polarity"],
            frequency=row["frequency"],
        )
    return specs


@dataclass
class Proposer:
    """The data a proposal looks at, indexed once for every return of the demo."""

    rows: Rows

    def __post_init__(self) -> None:
        self.specs = _specs(self.rows)
        self.schemes = {(r["area_code"], r["ref"]): r for r in self.rows["schemes"]}
        self.milestones: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in self.rows["milestones"]:
            if row.get("scheme_ref"):
                self.milestones[(row["area_code"], row["scheme_ref"])].append(row)
        self.finance: dict[tuple[str, str, str, str], float] = {}
        for row in self.rows["scheme_finance"]:
            total = float(row.get("recurrent") or 0) + float(row.get("non_recurrent") or 0)
            key = (row["area_code"], row["scheme_ref"], row["financial_year"], row["line"])
            self.finance[key] = total
        self.summaries: dict[tuple[str, str, Month], MetricFacts | None] = {}
        self.values: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        ordered = sorted(
            self.rows["metric_values"], key=lambda r: (r["period_start"], r["period_end"])
        )
        for row in ordered:
            if row["kind"] not in ("actual", "target"):
                continue
            self.values[(row["area_code"], row["metric_code"], row["kind"])].append(
                Observation(
                    period_start=row["period_start"],
                    period_end=row["period_end"],
                    numerator=row.get("numerator"),
                    denominator=row.get("denominator"),
                    value=row.get("value"),
                )
            )

    def _slippage(self, area: str, scheme: Row, month: Month) -> tuple[int, ...]:
        return tuple(
            milestone_slippage_days(
                m["baseline_date"],
                revised=m.get("revised_date"),
                completed=m.get("completed_date"),
                as_at=month.last_day,
            )
            for m in self.milestones.get((area, scheme["ref"]), [])
        )

    def _primary_metric(self, area: str, scheme: Row, month: Month) -> MetricFacts | None:
        for code in sorted(set(scheme.get("metrics_impacted") or ())):
            key = (area, code, month)
            if key not in self.summaries:
                self.summaries[key] = self._metric(area, code, month)
            if self.summaries[key] is not None:
                return self.summaries[key]
        return None

    def _metric(self, area: str, code: str, month: Month) -> MetricFacts | None:
        """The proposal from one metric, or None when it has no value and target yet.

        The latest value and its target are found as :func:`summarise_metric` finds them
        (without the SPC and forecast the proposal does not use).
        """
        spec = self.specs[code]
        known = sorted(
            (
                a
                for a in self.values.get((area, code, "actual"), [])
                if a.period_end <= month.last_day
            ),
            key=lambda a: (a.period_end, -a.months, a.period_start),
        )
        if not known:
            return None
        latest = known[-1]
        value = latest.estimate(spec).value
        targets = [
            t
            for t in self.values.get((area, code, "target"), [])
            if t.period_start <= month.last_day
        ]
        target = find_target(spec, targets, latest)
        expected = None if target is None else target.estimate(spec).value
        if target is not None and expected is not None and spec.unit == "count":
            expected = expected * latest.months / target.months
        if expected is None or value is None:
            return None
        return MetricFacts(name=spec.name, expected=expected, actual=value, polarity=spec.polarity)

    def propose(self, area: str, scheme_ref: str, month: Month) -> dict[str, Assessment | None]:
        """Each dimension's proposed status for a scheme's return, or None where the form
        needs a figure the return does not hold (a forecast outturn, savings to date)."""
        scheme = self.schemes[(area, scheme_ref)]
        year = str(FinancialYear.of(month.first_day))
        spend = self.finance.get((area, scheme_ref, year, "spend"))
        benefit = self.finance.get((area, scheme_ref, year, "benefit"))
        enabler = bool(scheme.get("enabler"))
        linked = bool(scheme.get("metrics_impacted"))
        facts = SchemeFacts(
            month=month,
            enabler=enabler,
            start_date=scheme.get("start_date"),
            milestone_slippage=self._slippage(area, scheme, month),
            budget=None if spend is None else Decimal(str(spend)),
            savings_planned=None if benefit is None else Decimal(str(-benefit)),
            metrics_linked=linked,
            metric=self._primary_metric(area, scheme, month) if linked and not enabler else None,
        )
        return {
            dimension: proposal.assessment
            for dimension, proposal in propose_statuses(facts).items()
        }


#: Why a lead keeps a status other than the proposed one, by dimension and kept status.
OVERRIDE_REASONS = {
    ("milestones", "G"): "the late milestone on record belonged to an earlier phase and has "
    "been replanned with the board; the current action plan is on target",
    ("milestones", "A"): "the slippage on record is being recovered and the programme board "
    "agreed the revised dates",
    ("milestones", "R"): "the next milestone depends on a partner decision that is not yet "
    "made, so delivery is at risk whatever the dates on record say",
    ("metrics", "G"): "the headline metric is behind its target, but the scheme's own "
    "activity is on plan; the metric's position is reported in the programme's benefits status",
    ("metrics", "A"): "the scheme's own activity is behind its plan even though the headline "
    "metric is on track",
    ("metrics", "R"): "the scheme's own activity is well behind its plan even though the "
    "headline metric is on track",
    ("metrics", "NA"): "the scheme has not started, so the headline metric says nothing about "
    "its contribution yet",
    ("savings", "G"): "savings are tracked against the programme's savings plan, although the "
    "scheme has no benefit line of its own this year",
    ("savings", "A"): "the scheme's share of the programme's savings plan is behind schedule, "
    "although it has no benefit line of its own this year",
    ("savings", "R"): "the scheme's share of the programme's savings plan will not be "
    "delivered this year, although it has no benefit line of its own",
}


def override_reason(dimension: str, status: str, proposed: str) -> str:
    """The reason a lead gives for keeping ``status`` over the proposed status."""
    reason = OVERRIDE_REASONS.get(
        (dimension, status), "the lead's judgement on the latest position, agreed with the board"
    )
    return (
        f"Rated {STATUS_WORDS[status]} rather than the proposed {STATUS_WORDS[proposed]}: {reason}."
    )


def reconcile(rows: Rows, proposer: Proposer | None = None) -> int:
    """Give every scheme return that differs from its proposal the lead's reason (in its
    additional information); return how many do. ``proposer`` must hold the same data."""
    proposer = proposer or Proposer(rows)
    cache: dict[tuple[str, str, str], dict[str, Assessment | None]] = {}
    overridden = 0
    for row in rows["status_updates"]:
        key = (row["area_code"], row["scheme_ref"], row["period"])
        if key not in cache:
            cache[key] = proposer.propose(row["area_code"], row["scheme_ref"], Month.parse(key[2]))
        proposal = cache[key][row["dimension"]]
        if proposal is None or proposal.status == row["status"]:
            continue
        overridden += 1
        note = row.get("additional_information") or ""
        if not note.startswith("Rated "):
            # The reason first, then whatever else the lead wrote about the scheme's progress.
            reason = override_reason(row["dimension"], row["status"], proposal.status)
            row["additional_information"] = f"{reason} {note}".strip()
    return overridden
