"""Reading scheme descriptions (seed 003) for the scheme page, the API and the pack."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from bettercare.core.ordering import natural_key
from bettercare.core.scheme_description import DeliveryPartner, Investment, LocalKpi, lines
from bettercare.reports.model import AreaRef
from bettercare.reports.schemes import MetricRef, SchemeDescriptionLine, SchemeDescriptionsReport
from bettercare.web.programmes.models import Area, Scheme, SchemeInvestment


def with_descriptions(schemes: QuerySet[Scheme]) -> QuerySet[Scheme]:
    """``schemes`` with everything a description needs, in five queries."""
    return schemes.select_related("theme").prefetch_related(
        "delivery_chain",
        "kpis",
        "metrics",
        Prefetch("investments", queryset=SchemeInvestment.objects.order_by("financial_year")),
    )


def describe(scheme: Scheme) -> SchemeDescriptionLine:
    """A scheme's description as plain data (from its prefetched rows when they are there)."""
    return SchemeDescriptionLine(
        ref=scheme.ref,
        name=scheme.name,
        theme=scheme.theme.name if scheme.theme else None,
        lead=scheme.lead,
        enabler=scheme.enabler,
        strategic_objective=scheme.strategic_objective,
        overview=scheme.description,
        target_cohorts=tuple(lines(scheme.target_cohorts)),
        delivery_chain=tuple(
            DeliveryPartner(p.organisation, p.role, p.responsibility)
            for p in scheme.delivery_chain.all()
        ),
        evidence_base=scheme.evidence_base,
        investments=tuple(
            Investment(i.financial_year, i.amount)
            for i in sorted(scheme.investments.all(), key=lambda i: i.financial_year)
        ),
        metrics=tuple(
            MetricRef(m.code, m.name, m.is_national)
            for m in sorted(scheme.metrics.all(), key=lambda m: (not m.is_national, m.name))
        ),
        outcomes=scheme.outcomes,
        kpis=tuple(
            LocalKpi(k.name, k.level, k.cadence, k.target, k.unit, k.reported_to)
            for k in scheme.kpis.all()
        ),
        success_factors=tuple(lines(scheme.success_factors)),
    )


def describe_all(schemes: Iterable[Scheme]) -> list[SchemeDescriptionLine]:
    """The descriptions in the natural order of the schemes' references."""
    return [describe(s) for s in sorted(schemes, key=lambda s: natural_key(s.ref))]


def scheme_descriptions_report(area: Area) -> SchemeDescriptionsReport:
    """Every scheme of ``area`` described, for the "scheme descriptions" pack."""
    programme = getattr(area, "programme", None)
    schemes = with_descriptions(Scheme.objects.filter(area=area))
    return SchemeDescriptionsReport(
        area=AreaRef(area.code, area.name, area.type, area.is_demo),
        programme_name=programme.name if programme else f"{area.name} Better Care Fund",
        schemes=tuple(describe_all(schemes)),
        generated_at=timezone.now(),
    )
