"""A scheme's full description, as a plan's detailed scheme descriptions set it out (seed 003).

Each scheme of a BCF plan is described under the same headings: its strategic objective, an
overview (the model of care), the target cohorts, the *delivery chain* (the commissioners and
providers involved, each with what it does), the evidence base, the investment it needs by
financial year, the metrics it is expected to affect, its local KPIs and their *feedback
loop*, and the key success factors for implementation.

A local KPI is monitored at a level (a GP practice, a locality, or the whole area) against a
target, and reported at a cadence: in the seed, strategic reporting is monthly, operational
bi-weekly and practice-level weekly. This module holds the vocabulary and the rules every
writer (the edit form's action, the workbook check) applies: one place, no framework.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bettercare.core.periods import FinancialYear

#: The roles of an organisation in a scheme's delivery chain, and how they read.
DELIVERY_ROLES: dict[str, str] = {
    "commissioner": "Commissioner",
    "provider": "Provider",
    "partner": "Partner",
}
#: The levels a local KPI is monitored at, and how they read.
KPI_LEVELS: dict[str, str] = {
    "practice": "Practice",
    "locality": "Locality",
    "area": "Area",
}
#: How often a KPI is reported (the feedback loop), most frequent first.
CADENCES: dict[str, str] = {
    "weekly": "Weekly",
    "biweekly": "Bi-weekly",
    "monthly": "Monthly",
    "quarterly": "Quarterly",
}
#: Units a KPI target may be a percentage in: such a target must lie from 0 to 100.
PERCENT_UNITS = frozenset({"%", "percent", "per cent"})


@dataclass(frozen=True, slots=True)
class DeliveryPartner:
    """An organisation in the delivery chain, its role and what it does in the scheme."""

    organisation: str
    role: str
    responsibility: str = ""


@dataclass(frozen=True, slots=True)
class Investment:
    """The investment a scheme needs in one financial year (``2014-15``), in pounds."""

    financial_year: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LocalKpi:
    """A local KPI: what is counted, at which level, against which target, reported how often
    and to whom."""

    name: str
    level: str
    cadence: str
    target: Decimal | None = None
    unit: str = ""
    reported_to: str = ""


def lines(text: str) -> list[str]:
    """The non-blank lines of a list held as text, one item a line (cohorts, success factors),
    without list markers such as ``-`` or ``1.``."""
    items = []
    for line in text.splitlines():
        item = line.strip()
        for marker in ("- ", "* ", "• "):
            if item.startswith(marker):
                item = item[len(marker) :].strip()
        head, dot, rest = item.partition(". ")
        if dot and head.isdigit():
            item = rest.strip()
        if item:
            items.append(item)
    return items


def partner_problem(partner: DeliveryPartner) -> str | None:
    """Why a delivery-chain entry cannot be recorded, or None."""
    if not partner.organisation.strip():
        what = DELIVERY_ROLES.get(partner.role, partner.role or "an entry").lower()
        return f"The delivery chain has a {what} role without an organisation: name it"
    if partner.role not in DELIVERY_ROLES:
        return (
            f"{partner.organisation}: the role must be one of {', '.join(DELIVERY_ROLES)}, "
            f"not {partner.role!r}"
        )
    return None


def investment_problem(investment: Investment) -> str | None:
    """Why an investment line cannot be recorded, or None."""
    try:
        FinancialYear.parse(investment.financial_year)
    except ValueError:
        return (
            f"The investment year must be a financial year such as 2014-15, not "
            f"{investment.financial_year!r}"
        )
    if investment.amount < 0:
        return f"The investment for {investment.financial_year} must be £0 or more"
    return None


def kpi_problem(kpi: LocalKpi) -> str | None:
    """Why a local KPI cannot be recorded, or None."""
    if not kpi.name.strip():
        return "A local KPI needs a name (what is counted)"
    if kpi.level not in KPI_LEVELS:
        return f"{kpi.name}: the level must be one of {', '.join(KPI_LEVELS)}, not {kpi.level!r}"
    if kpi.cadence not in CADENCES:
        return (
            f"{kpi.name}: the reporting cadence must be one of {', '.join(CADENCES)}, "
            f"not {kpi.cadence!r}"
        )
    percent = kpi.unit.strip().lower() in PERCENT_UNITS
    if kpi.target is not None and percent and not 0 <= kpi.target <= 100:
        written = format(kpi.target.normalize(), "f")
        return f"{kpi.name}: a target in per cent must be from 0 to 100, not {written}"
    return None


def description_problems(
    partners: Sequence[DeliveryPartner],
    investments: Sequence[Investment],
    kpis: Sequence[LocalKpi],
) -> list[str]:
    """Every reason the lists of a scheme description cannot be recorded together: each
    entry's own problem, then any entry given twice (an organisation in the same role, a
    financial year, a KPI at the same level)."""
    problems = [
        problem
        for problem in (
            *(partner_problem(p) for p in partners),
            *(investment_problem(i) for i in investments),
            *(kpi_problem(k) for k in kpis),
        )
        if problem is not None
    ]
    seen: set[tuple[str, ...]] = set()
    for key, what in (
        *(
            (
                ("chain", *_names(p)),
                f"{p.organisation.strip()} as {p.role}",
            )
            for p in partners
        ),
        *(
            (("year", i.financial_year), f"the investment for {i.financial_year}")
            for i in investments
        ),
        *(
            (("kpi", k.name.strip().lower(), k.level), f"the KPI {k.name!r} at {k.level} level")
            for k in kpis
        ),
    ):
        if key in seen:
            problems.append(f"The description gives {what} twice: give it once")
        seen.add(key)
    return problems


def _names(partner: DeliveryPartner) -> tuple[str, str]:
    """What makes two entries of a chain the same: the organisation (case and spacing aside)
    in the same role, as :func:`description_problems` counts them."""
    return partner.organisation.strip().lower(), partner.role


def legacy_partners(
    chain: Sequence[DeliveryPartner], commissioner: str, provider: str
) -> list[DeliveryPartner]:
    """The delivery-chain entries a scheme's former ``commissioner`` and ``provider`` fields
    add to ``chain``: each non-blank one in its role, unless the chain already names that
    organisation in that role (or it is named twice). Appended after ``chain``; what the
    organisation does is not known, so it is left blank."""
    held = {_names(p) for p in chain}
    added: list[DeliveryPartner] = []
    for name, role in zip((commissioner, provider), ("commissioner", "provider"), strict=True):
        partner = DeliveryPartner(" ".join(name.split()), role)
        if partner.organisation and _names(partner) not in held:
            held.add(_names(partner))
            added.append(partner)
    return added


def feedback_loop(kpis: Sequence[LocalKpi]) -> list[tuple[str, list[LocalKpi]]]:
    """The KPIs grouped by cadence, most frequent first (the seed's feedback loop: practice
    weekly, operational bi-weekly, strategic monthly), each group by level then name."""
    order = {level: index for index, level in enumerate(KPI_LEVELS)}
    groups = []
    for cadence in CADENCES:
        chosen = sorted(
            (k for k in kpis if k.cadence == cadence),
            key=lambda k: (order.get(k.level, 99), k.name.lower()),
        )
        if chosen:
            groups.append((cadence, chosen))
    return groups


def investment_total(investments: Sequence[Investment]) -> Decimal:
    """The investment over every year the description names."""
    return sum((i.amount for i in investments), Decimal(0))
