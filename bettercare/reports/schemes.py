"""The scheme descriptions: each scheme set out under the headings of a plan's detailed
scheme descriptions (seed 003), for the scheme page, the API and the "scheme descriptions"
pack. Plain, frozen data built once from the database (``bettercare.web.programmes.descriptions``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from bettercare.core.scheme_description import (
    CADENCES,
    DELIVERY_ROLES,
    KPI_LEVELS,
    DeliveryPartner,
    Investment,
    LocalKpi,
    feedback_loop,
    investment_total,
)
from bettercare.reports.model import AreaRef


@dataclass(frozen=True, slots=True)
class MetricRef:
    """A metric the scheme is expected to affect: registry (national) or local."""

    code: str
    name: str
    national: bool


@dataclass(frozen=True, slots=True)
class SchemeDescriptionLine:
    """One scheme's full description."""

    ref: str
    name: str
    theme: str | None
    lead: str
    enabler: bool
    strategic_objective: str
    overview: str
    target_cohorts: tuple[str, ...]
    delivery_chain: tuple[DeliveryPartner, ...]
    evidence_base: str
    investments: tuple[Investment, ...]
    metrics: tuple[MetricRef, ...]
    outcomes: str
    kpis: tuple[LocalKpi, ...]
    success_factors: tuple[str, ...]

    @property
    def investment_total(self) -> Decimal:
        return investment_total(self.investments)

    @property
    def feedback_loop(self) -> list[tuple[str, list[LocalKpi]]]:
        return feedback_loop(self.kpis)

    @property
    def is_described(self) -> bool:
        """Whether anything beyond its name is recorded."""
        return bool(
            self.strategic_objective
            or self.overview
            or self.target_cohorts
            or self.delivery_chain
            or self.evidence_base
            or self.investments
            or self.metrics
            or self.outcomes
            or self.kpis
            or self.success_factors
        )


@dataclass(frozen=True, slots=True)
class SchemeDescriptionsReport:
    """Every scheme of an area described, in the natural order of their references."""

    area: AreaRef
    programme_name: str
    schemes: tuple[SchemeDescriptionLine, ...]
    generated_at: datetime


#: How the roles, levels and cadences read, for the templates.
ROLE_NAMES = DELIVERY_ROLES
LEVEL_NAMES = KPI_LEVELS
CADENCE_NAMES = CADENCES
