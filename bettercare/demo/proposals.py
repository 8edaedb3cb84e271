"""The statuses the product would propose for the demo's returns, from the demo's own rows.

The monthly return form (``bettercare.web.programmes.returns.propose``) proposes each
dimension's status from the data where the data allow: milestone slippage, whether the scheme
has a budget or planned savings, and the primary metric against its target. The demo's rows
are shaped as the workbook's sheets, so the workbook's :class:`RowProposer` builds the same
facts from them and core proposes (as the workbook validator does), without a database, so
that every saved demo status either agrees with its proposal or says why not, as a lead who
overrides a proposal must (:func:`reconcile`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from bettercare.core.periods import Month
from bettercare.core.rag import STATUS_LABELS, Assessment
from bettercare.core.status import DIMENSION_LABELS, DIMENSIONS, Dimension
from bettercare.core.summary import MetricSpec
from bettercare.demo.timeline import Row, Rows
from bettercare.registry import load_registry
from bettercare.workbook.proposals import RowProposer

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
    """The data a proposal looks at, indexed once for every return of the demo (the
    workbook's row proposer over the demo's rows, with the registry's metrics)."""

    rows: Rows

    def __post_init__(self) -> None:
        self.specs = _specs(self.rows)
        self.rows_proposer = RowProposer(self.rows, self.specs)

    def propose(self, area: str, scheme_ref: str, month: Month) -> dict[str, Assessment | None]:
        """Each dimension's proposed status for a scheme's return, or None where the form
        needs a figure the return does not hold (a forecast outturn, savings to date)."""
        return {
            dimension: proposal.assessment
            for dimension, proposal in self.rows_proposer.propose(area, scheme_ref, month).items()
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
    """The reason a lead gives for keeping ``status`` over the proposed status, naming the
    dimension (a return has one additional information for its four dimensions)."""
    reason = OVERRIDE_REASONS.get(
        (dimension, status), "the lead's judgement on the latest position, agreed with the board"
    )
    return (
        f"{reason_prefix(dimension)}{STATUS_WORDS[status]} rather than the proposed "
        f"{STATUS_WORDS[proposed]}: {reason}."
    )


def reason_prefix(dimension: str) -> str:
    """How a lead's reason for overriding ``dimension``'s proposal begins."""
    return f"{DIMENSION_LABELS[cast(Dimension, dimension)]} rated "


def reconcile(rows: Rows, proposer: Proposer | None = None) -> int:
    """Give every scheme return that differs from its proposal the lead's reasons; return how
    many statuses differ. A return has one additional information (the return form saves one
    text for its four dimensions), so every dimension of a return gets the same text: the
    reason for each overridden status, naming its dimension, then the scheme's note.
    ``proposer`` must hold the same data."""
    proposer = proposer or Proposer(rows)
    returns: dict[tuple[str, str, str], list[Row]] = {}
    for row in rows["status_updates"]:
        returns.setdefault((row["area_code"], row["scheme_ref"], row["period"]), []).append(row)
    overridden = 0
    for (area, ref, period), found in returns.items():
        proposals = proposer.propose(area, ref, Month.parse(period))
        reasons: list[str] = []
        notes: list[str] = []
        for row in sorted(found, key=lambda r: DIMENSIONS.index(r["dimension"])):
            text = row.get("additional_information") or ""
            prefix = reason_prefix(row["dimension"])
            proposal = proposals[row["dimension"]]
            if proposal is None or proposal.status == row["status"]:
                if text and not text.startswith(prefix):
                    notes.append(text)
                continue
            overridden += 1
            if text.startswith(prefix):
                reasons.append(text)  # the lead's own words
            else:
                reasons.append(override_reason(row["dimension"], row["status"], proposal.status))
                if text:
                    notes.append(text)
        one = " ".join(dict.fromkeys([*reasons, *notes]))
        for row in found:
            row["additional_information"] = one or None
    return overridden
