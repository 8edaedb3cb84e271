"""Pay for performance: the share of the fund paid for improving outcomes (ADR 0112).

The 2014 planning template (seed 002) says "approximately 25% of the BCF is paid for improving
outcomes. If the planned improvements are not achieved, some of this funding may need to be
used to alleviate the pressure on other services", and for each metric holds the **planned
savings (if targets fully achieved)** and the **maximum support needed for other services (if
targets not achieved)**, for the year and ongoing, with the basis of each saving:

- care home admissions: "Reduction of 12 people over 52 weeks", £750 a week of nursing care:
  12 x 52 x £750 = £468,000;
- reablement: "Reduction of 30 people", £1,400 a readmission avoided: 30 x £1,400 = £42,000;
- avoidable emergency admissions: "Reduction of 30 people", £655 a stay: 30 x £655 = £19,650.

The payment for a period (the template's "April 2015 payment", "October 2015 payment") is paid
in proportion to the reduction achieved against the reduction planned, never more than the
amount at stake; what is not paid is what the plan may need to find for other services.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

__all__ = [
    "PerformancePayment",
    "pay_for_performance_problem",
    "performance_payment",
    "planned_saving",
]

PENNY = Decimal("0.01")
ZERO = Decimal(0)


def planned_saving(
    reduction: Decimal | int, unit_cost: Decimal | int, periods: Decimal | int = 1
) -> Decimal:
    """The saving a reduction brings: people (or events) fewer x cost each x periods.

    Examples
    --------
    >>> planned_saving(12, 750, 52)  # seed 002: 12 fewer care home residents, £750 a week
    Decimal('468000.00')
    >>> planned_saving(30, 1400)  # 30 readmissions avoided at £1,400
    Decimal('42000.00')
    """
    for name, value in (("reduction", reduction), ("unit_cost", unit_cost), ("periods", periods)):
        if Decimal(value) < 0:
            raise ValueError(f"{name}: {value} is negative; expected 0 or more")
    return (Decimal(reduction) * Decimal(unit_cost) * Decimal(periods)).quantize(
        PENNY, ROUND_HALF_EVEN
    )


def pay_for_performance_problem(
    *,
    planned_savings: Decimal,
    maximum_support: Decimal,
    reduction: Decimal | None = None,
    unit_cost: Decimal | None = None,
    periods: Decimal | None = None,
) -> tuple[str, str] | None:
    """What is wrong with a pay-for-performance line, as ``(field, message)``, or None.

    Amounts are £0 or more. When the basis (reduction and unit cost, periods optional) is
    given, the planned savings must be what it gives; a basis half given is refused.
    """
    for name, amount in (
        ("planned_savings", planned_savings),
        ("maximum_support", maximum_support),
    ):
        if amount < 0:
            return name, f"£{amount:,.2f} is negative; expected £0 or more"
    if (reduction is None) != (unit_cost is None):
        missing = "unit_cost" if unit_cost is None else "reduction"
        return missing, "the basis of a saving needs both the reduction and the unit cost"
    if reduction is None or unit_cost is None:
        if periods is not None:
            return "periods", "periods given without a reduction and a unit cost"
        return None
    try:
        expected = planned_saving(reduction, unit_cost, 1 if periods is None else periods)
    except ValueError as error:
        field, _, message = str(error).partition(": ")
        return field, message
    if expected != planned_savings:
        times = "" if periods is None else f" x {periods:,}"
        return (
            "planned_savings",
            f"£{planned_savings:,.2f} is not the basis {reduction:,} x £{unit_cost:,}{times} "
            f"= £{expected:,.2f}",
        )
    return None


@dataclass(frozen=True, slots=True)
class PerformancePayment:
    """A period's performance payment: the ``share`` of the planned reduction achieved (0 to
    1), the payment ``due`` and the amount ``withheld`` (to find for other services)."""

    available: Decimal
    share: Decimal
    due: Decimal

    @property
    def withheld(self) -> Decimal:
        return self.available - self.due


def performance_payment(
    available: Decimal, planned_reduction: Decimal, achieved_reduction: Decimal
) -> PerformancePayment:
    """The payment due for a period: ``available`` x achieved / planned reduction, at most all
    of it and never less than nothing, to the penny (half to even).

    A plan with no reduction planned (the seed's delayed transfers: "no savings") has nothing
    at stake, so it is paid in full. An increase (a negative reduction achieved) earns nothing.

    Examples
    --------
    >>> performance_payment(Decimal(468000), Decimal(12), Decimal(9)).due
    Decimal('351000.00')
    """
    if available < 0:
        raise ValueError(f"available: £{available:,} is negative; expected £0 or more")
    if planned_reduction < 0:
        raise ValueError(f"planned_reduction: {planned_reduction} is negative; expected 0 or more")
    if planned_reduction == 0:
        share = Decimal(1)
    else:
        share = min(Decimal(1), max(ZERO, achieved_reduction / planned_reduction))
    due = (available * share).quantize(PENNY, ROUND_HALF_EVEN)
    return PerformancePayment(available, share, min(due, available))
