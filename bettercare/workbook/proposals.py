"""A scheme's facts for a status proposal, from workbook-shaped rows.

The return form builds :class:`~bettercare.core.proposals.SchemeFacts` from the database;
the demonstration data and the workbook validator hold the same data as rows of the
workbook's sheets (``schemes``, ``milestones``, ``scheme_finance``, ``metric_values``). This
module builds the facts from such rows, once for both, and asks core for the proposal
(:func:`bettercare.core.proposals.propose_statuses`), so a proposal is worked out one way
whoever asks (ADR 0108).

The rows are mappings by column name, as the workbook's sheets name them; a financial year
may be text (``2017-18``) or a :class:`~bettercare.core.periods.FinancialYear`, and amounts
numbers or decimals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from bettercare.core.milestones import milestone_in_report
from bettercare.core.periods import FinancialYear, Month
from bettercare.core.proposals import MetricFacts, Proposal, SchemeFacts, propose_statuses
from bettercare.core.rag import Dimension, milestone_slippage_days
from bettercare.core.summary import MetricSpec, Observation, position_period
from bettercare.core.summary import _find_target as find_target

Row = Mapping[str, Any]

__all__ = ["RowProposer"]


def _amount(value: Any) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))


class RowProposer:
    """The data a proposal looks at, indexed once for every return in the rows.

    Parameters
    ----------
    rows
        Rows by sheet name; the sheets a proposal reads are ``schemes``, ``milestones``,
        ``scheme_finance`` and ``metric_values`` (absent sheets are empty).
    specs
        The definition of each metric the schemes name, by code (a metric without one
        gives no metric facts).
    """

    def __init__(self, rows: Mapping[str, Sequence[Row]], specs: Mapping[str, MetricSpec]):
        self.specs = specs
        self.schemes: dict[tuple[str, str], Row] = {
            (r["area_code"], r["ref"]): r for r in rows.get("schemes", ())
        }
        self.milestones: dict[tuple[str, str], list[Row]] = defaultdict(list)
        for row in rows.get("milestones", ()):
            if row.get("scheme_ref"):
                self.milestones[(row["area_code"], row["scheme_ref"])].append(row)
        self.finance: dict[tuple[str, str, str, str], Decimal] = {}
        for row in rows.get("scheme_finance", ()):
            key = (row["area_code"], row["scheme_ref"], str(row["financial_year"]), row["line"])
            self.finance[key] = _amount(row.get("recurrent")) + _amount(row.get("non_recurrent"))
        self.values: dict[tuple[str, str, str], list[Observation]] = defaultdict(list)
        ordered = sorted(
            rows.get("metric_values", ()), key=lambda r: (r["period_start"], r["period_end"])
        )
        for row in ordered:
            if row.get("kind") not in ("actual", "target"):
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
        self._metric_facts: dict[tuple[str, str, Month], MetricFacts | None] = {}

    def has_scheme(self, area: str, scheme_ref: str) -> bool:
        return (area, scheme_ref) in self.schemes

    def _slippage(self, area: str, scheme_ref: str, month: Month) -> tuple[int, ...]:
        return tuple(
            milestone_slippage_days(
                m["baseline_date"],
                revised=m.get("revised_date"),
                completed=m.get("completed_date"),
                as_at=month.last_day,
            )
            for m in self.milestones.get((area, scheme_ref), [])
            # The same rule as the return's proposal: the plan year in force (ADR 0111).
            if milestone_in_report(
                m["baseline_date"], completed=m.get("completed_date"), month=month
            )
        )

    def _primary_metric(self, area: str, scheme: Row, month: Month) -> MetricFacts | None:
        """The first of the scheme's metrics (by code) with a value and a target at ``month``."""
        for code in sorted(set(scheme.get("metrics_impacted") or ())):
            key = (area, code, month)
            if key not in self._metric_facts:
                self._metric_facts[key] = self._metric(area, code, month)
            if self._metric_facts[key] is not None:
                return self._metric_facts[key]
        return None

    def _metric(self, area: str, code: str, month: Month) -> MetricFacts | None:
        """One metric's latest value and its target at ``month``, or None without both.

        They are found as :func:`bettercare.core.summary.summarise_metric` finds them
        (without the SPC and forecast a proposal does not use; an annual metric's monthly
        figures are not its position).
        """
        spec = self.specs.get(code)
        if spec is None:
            return None
        known = sorted(
            (
                a
                for a in self.values.get((area, code, "actual"), [])
                if a.period_end <= month.last_day
                and position_period(spec.frequency, a.period_start, a.period_end)
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

    def facts(self, area: str, scheme_ref: str, month: Month) -> SchemeFacts:
        """The scheme's facts for its return for ``month`` (the scheme must be in the rows)."""
        scheme = self.schemes[(area, scheme_ref)]
        year = str(FinancialYear.of(month.first_day))
        spend = self.finance.get((area, scheme_ref, year, "spend"))
        benefit = self.finance.get((area, scheme_ref, year, "benefit"))
        enabler = bool(scheme.get("enabler"))
        linked = bool(scheme.get("metrics_impacted"))
        return SchemeFacts(
            month=month,
            enabler=enabler,
            start_date=scheme.get("start_date"),
            milestone_slippage=self._slippage(area, scheme_ref, month),
            budget=spend,
            savings_planned=None if benefit is None else -benefit,
            metrics_linked=linked,
            metric=self._primary_metric(area, scheme, month) if linked and not enabler else None,
        )

    def propose(self, area: str, scheme_ref: str, month: Month) -> dict[Dimension, Proposal]:
        """Each dimension's proposal for the scheme's return for ``month``."""
        return propose_statuses(self.facts(area, scheme_ref, month))
