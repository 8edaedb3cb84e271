"""The pooled fund's totals as the plan structures them, and its protection-of-services split.

Two board papers show how a plan's money adds up (ADR 0112):

- the highlight report (seed 001) gives "BCF £42.6m, iBCF £9.5m" and, in its financial
  summary, "£3.3m DFG passported to District Councils per BCF national conditions": the
  Disabled Facilities Grant is *inside* the BCF pooled budget and passed on in full, so it is
  not added on top of it (the BCF, iBCF and DFG together are £52.1m, not £55.4m);
- the planning template (seed 002) sets the "total agreed value of pooled budget" against each
  organisation's contribution, and the same highlight report splits the pool by what it
  protects: "£7.7m NHS [commissioned out-of-hospital services], £22m Social Care Maintenance".

A funding line is either a stream of the pool (``pooled``, counted once), a part of another
stream's budget (``part_of`` names it: counted in that stream, never again), or outside the
pool (listed beside it, not in its total). A line with ``passported_to`` is passed on in full
to that body (the DFG to the district councils of a two-tier county): it stays in the pool's
total and is shown as passported, and what is left is the pool the board itself commissions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol, TypeVar

__all__ = [
    "PROTECTION_CATEGORIES",
    "FundingStreamLine",
    "Passported",
    "PooledFund",
    "ProtectionShare",
    "ProtectionSplit",
    "SpendLine",
    "pooled_fund",
    "pooled_fund_problems",
    "protection_problem",
    "protection_split",
]

ZERO = Decimal(0)

ProtectionCategory = Literal["nhs_out_of_hospital", "social_care"]

#: The protection-of-services categories of the pooled fund's spend, in the paper's order.
PROTECTION_CATEGORIES: dict[str, str] = {
    "nhs_out_of_hospital": "NHS-commissioned out-of-hospital services",
    "social_care": "Social care maintenance",
}


@dataclass(frozen=True, slots=True)
class FundingStreamLine:
    """A funding line of a year: the stream, its budget and where it sits in the pool."""

    stream: str
    budget: Decimal
    pooled: bool = True
    part_of: str = ""
    passported_to: str = ""
    organisation: str = ""

    @property
    def label(self) -> str:
        return f"{self.stream} ({self.organisation})" if self.organisation else self.stream


@dataclass(frozen=True, slots=True)
class Passported:
    """A stream passed on in full from the pool to another body."""

    stream: str
    to: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class PooledFund:
    """The pooled fund of a year.

    ``streams`` are the pool's own streams (their budgets add up to ``total``); ``parts`` the
    lines inside another stream's budget (already in ``total``); ``passported`` what is passed
    on in full; ``retained`` the total less what is passported; ``outside`` the lines beside
    the pool, not in its total.
    """

    total: Decimal
    streams: tuple[FundingStreamLine, ...]
    parts: tuple[FundingStreamLine, ...]
    passported: tuple[Passported, ...]
    outside: tuple[FundingStreamLine, ...]

    @property
    def passported_total(self) -> Decimal:
        return sum((p.amount for p in self.passported), ZERO)

    @property
    def retained(self) -> Decimal:
        return self.total - self.passported_total

    @property
    def outside_total(self) -> Decimal:
        return sum((line.budget for line in self.outside), ZERO)


def pooled_fund_problems(lines: Iterable[FundingStreamLine]) -> list[tuple[int, str, str]]:
    """What is wrong with a year's funding lines as a pool: ``(index, field, message)`` each.

    A ``part_of`` must name a stream of the pool (pooled, not itself a part); the parts of a
    stream cannot add up to more than its budget; a line outside the pool cannot be a part of
    it or passported out of it.
    """
    lines = list(lines)
    wholes = {line.stream: line for line in lines if line.pooled and not line.part_of}
    problems: list[tuple[int, str, str]] = []
    parts: dict[str, Decimal] = {}
    for index, line in enumerate(lines):
        if not line.pooled and line.part_of:
            problems.append(
                (
                    index,
                    "part_of",
                    f"{line.stream} is outside the pooled fund, so it cannot be "
                    f"part of {line.part_of}",
                )
            )
            continue
        if not line.pooled and line.passported_to:
            problems.append(
                (
                    index,
                    "passported_to",
                    f"{line.stream} is outside the pooled fund, so it "
                    "cannot be passported out of it",
                )
            )
        if not line.part_of:
            continue
        whole = wholes.get(line.part_of)
        if whole is None:
            known = ", ".join(sorted(wholes)) or "none"
            problems.append(
                (
                    index,
                    "part_of",
                    f"{line.part_of!r} is not a stream of the pooled fund that "
                    f"year (its streams: {known})",
                )
            )
            continue
        parts[line.part_of] = parts.get(line.part_of, ZERO) + line.budget
        if parts[line.part_of] > whole.budget:
            problems.append(
                (
                    index,
                    "part_of",
                    f"the parts of {line.part_of} add up to "
                    f"£{parts[line.part_of]:,.0f}, more than its budget of £{whole.budget:,.0f}",
                )
            )
    return problems


class _Stream(Protocol):
    @property
    def part_of(self) -> str | None: ...


S = TypeVar("S", bound=_Stream)


def counted_once(lines: Iterable[S]) -> list[S]:
    """The streams whose budgets add up to the year's total, each pound once: a stream within
    another stream's budget (the 2017-18 DFG inside the BCF) is counted there, not again.

    >>> from decimal import Decimal
    >>> lines = [FundingStreamLine("BCF", Decimal(42)), FundingStreamLine("DFG", Decimal(3),
    ...          part_of="BCF")]
    >>> [line.stream for line in counted_once(lines)]
    ['BCF']
    """
    return [line for line in lines if not line.part_of]


def pooled_fund(lines: Iterable[FundingStreamLine]) -> PooledFund:
    """The pool's total, its passported streams and what it retains.

    Raises ``ValueError`` for lines :func:`pooled_fund_problems` refuses.

    Examples
    --------
    Leicestershire 2017-18 (seed 001): BCF £42.6m with the £3.3m DFG inside it, passported to
    the district councils, and the iBCF £9.5m: a pool of £52.1m, £48.8m retained.
    """
    lines = list(lines)
    problems = pooled_fund_problems(lines)
    if problems:
        raise ValueError(f"lines: {problems[0][2]}")
    pooled = [line for line in lines if line.pooled]
    streams = tuple(counted_once(pooled))
    parts = tuple(line for line in pooled if line.part_of)
    return PooledFund(
        total=sum((line.budget for line in streams), ZERO),
        streams=streams,
        parts=parts,
        passported=tuple(
            Passported(line.stream, line.passported_to, line.budget)
            for line in (*streams, *parts)
            if line.passported_to
        ),
        outside=tuple(line for line in lines if not line.pooled),
    )


@dataclass(frozen=True, slots=True)
class SpendLine:
    """A scheme finance line: spend or benefit, its amount and its protection category."""

    line: Literal["spend", "benefit"]
    amount: Decimal
    protection: str = ""


@dataclass(frozen=True, slots=True)
class ProtectionShare:
    category: str
    label: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ProtectionSplit:
    """The pool's spend by protection category (every category, in order), and the rest."""

    shares: tuple[ProtectionShare, ...]
    other: Decimal

    @property
    def protected(self) -> Decimal:
        return sum((share.amount for share in self.shares), ZERO)

    @property
    def any(self) -> bool:
        return self.protected != 0


def protection_problem(lines: Iterable[SpendLine]) -> str:
    """What stops the spend lines being split by protection category: the first spend line
    whose category is not one of :data:`PROTECTION_CATEGORIES` (empty when none)."""
    for line in lines:
        if (
            line.line == "spend"
            and line.protection
            and line.protection not in PROTECTION_CATEGORIES
        ):
            allowed = ", ".join(PROTECTION_CATEGORIES)
            return (
                f"{line.protection!r} is not a protection category; expected one of {allowed} "
                "or none"
            )
    return ""


def protection_split(lines: Iterable[SpendLine]) -> ProtectionSplit:
    """The spend protecting each category of services, from the scheme finance lines.

    Only spend counts: a benefit (a saving) protects nothing. A spend line counts towards its
    own category; a line with none is in ``other``. Raises ``ValueError`` for a category that
    is not one of :data:`PROTECTION_CATEGORIES`.

    Examples
    --------
    Leicestershire 2017-18 (seed 001): £7.7m NHS-commissioned out-of-hospital services and
    £22m social care maintenance of the £52.1m pool.
    """
    lines = list(lines)
    problem = protection_problem(lines)
    if problem:
        raise ValueError(f"protection: {problem}")
    totals = dict.fromkeys(PROTECTION_CATEGORIES, ZERO)
    other = ZERO
    for line in lines:
        if line.line != "spend":
            continue
        if line.protection:
            totals[line.protection] += line.amount
        else:
            other += line.amount
    return ProtectionSplit(
        tuple(ProtectionShare(c, PROTECTION_CATEGORIES[c], totals[c]) for c in totals), other
    )
