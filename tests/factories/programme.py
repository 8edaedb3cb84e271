"""What a programme holds: themes, schemes, milestones, risks, returns, finance and ratings.

Only the workbook import creates these in the product, so they are created directly, with
readable defaults a test overrides where its assertions depend on a value. Returns and
programme statuses a test is *about* go through ``scheme_return_save`` (``save_return``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from bettercare.core.scheme_description import DeliveryPartner, Investment, LocalKpi
from bettercare.web.accounts.models import User
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
from bettercare.web.performance.models import Metric
from bettercare.web.programmes.actions import (
    DimensionReturn,
    SchemeDescription,
    scheme_description_save,
    scheme_return_save,
)
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
    Theme,
)


def make_theme(
    area: Area, code: str = "T1", name: str = "Integrated urgent response", **fields: object
) -> Theme:
    return Theme.objects.create(area=area, code=code, name=name, **fields)


def make_scheme(
    area: Area,
    ref: str = "BCF 1",
    name: str = "Rapid response",
    *,
    theme: Theme | None = None,
    lead: str = "Jo Lead",
    leads: Iterable[User] = (),
    metrics: Iterable[Metric] = (),
) -> Scheme:
    """A scheme; ``lead`` is the plan's named lead, ``leads`` the users who lead it here."""
    scheme = Scheme.objects.create(area=area, ref=ref, name=name, theme=theme, lead=lead)
    scheme.lead_users.set(leads)
    scheme.metrics.set(metrics)
    return scheme


def describe_scheme(
    scheme: Scheme,
    *,
    objective: str = "Proactive care for people at moderate to very high risk.",
    partners: Iterable[DeliveryPartner] = (
        DeliveryPartner("Leicester City CCG", "commissioner", "Pays the licence fee"),
        DeliveryPartner("Greater East Midlands CSU", "provider", "Processes the data"),
    ),
    investments: Iterable[Investment] = (Investment("2014-15", Decimal(54_000)),),
    kpis: Iterable[LocalKpi] = (
        LocalKpi("Care plans agreed", "practice", "weekly", Decimal(80), "%", "Practice"),
    ),
    by: User | None = None,
) -> Scheme:
    """A scheme with a short description like seed 003's, saved through the action."""
    return scheme_description_save(
        scheme=scheme,
        description=SchemeDescription(
            texts={"strategic_objective": objective},
            partners=tuple(partners),
            investments=tuple(investments),
            kpis=tuple(kpis),
            metric_ids=frozenset(scheme.metrics.values_list("pk", flat=True)),
        ),
        seen_version=Scheme.objects.get(pk=scheme.pk).version,
        by=by,
    )


def make_milestone(
    area: Area,
    ref: str = "M1",
    *,
    title: str = "Recruit the team",
    scheme: Scheme | None = None,
    baseline: date = date(2017, 6, 30),
    revised: date | None = None,
    completed: date | None = None,
    comments: str = "",
) -> Milestone:
    return Milestone.objects.create(
        area=area,
        ref=ref,
        title=title,
        scheme=scheme,
        baseline_date=baseline,
        revised_date=revised,
        completed_date=completed,
        comments=comments,
    )


def make_risk(
    area: Area,
    ref: str = "R1",
    *,
    title: str = "Workforce shortages",
    likelihood: int | None = 4,
    impact: int | None = 5,
    previous_score: int | None = None,
    scheme: Scheme | None = None,
    owner: str = "Sam Owner",
    mitigation: str = "Recruit agency staff",
    rating: str = "",
    as_at: date | None = None,
) -> Risk:
    return Risk.objects.create(
        area=area,
        ref=ref,
        title=title,
        likelihood=likelihood,
        impact=impact,
        previous_score=previous_score,
        scheme=scheme,
        owner=owner,
        mitigation=mitigation,
        rating=rating,
        as_at=as_at,
    )


def make_scheme_status(
    scheme: Scheme, period: ReportingPeriod, dimension: str, status: str, commentary: str = ""
) -> SchemeStatus:
    return SchemeStatus.objects.create(
        scheme=scheme, period=period, dimension=dimension, status=status, commentary=commentary
    )


def make_programme_status(period: ReportingPeriod, **statuses: str) -> None:
    for dimension, status in statuses.items():
        ProgrammeStatus.objects.create(period=period, dimension=dimension, status=status)


def save_return(
    scheme: Scheme, period: ReportingPeriod, dimensions: dict[str, DimensionReturn]
) -> None:
    """A scheme's return for ``period``, saved through ``scheme_return_save``."""
    scheme_return_save(
        scheme=scheme,
        period=period,
        dimensions=dimensions,
        seen_versions=dict.fromkeys(dimensions, 0),
        by=None,
    )


def make_funding(
    area: Area,
    stream: str = "BCF",
    *,
    year: str = "2017-18",
    budget: str = "1000000",
    forecast: str | None = None,
    minimum: str | None = None,
    organisation: str = "",
    as_at: date | None = None,
    pooled: bool = True,
    part_of: str = "",
    passported_to: str = "",
) -> Funding:
    return Funding.objects.create(
        area=area,
        financial_year=year,
        stream=stream,
        organisation=organisation,
        budget=Decimal(budget),
        forecast_outturn=None if forecast is None else Decimal(forecast),
        minimum_contribution=None if minimum is None else Decimal(minimum),
        as_at=as_at,
        pooled=pooled,
        part_of=part_of,
        passported_to=passported_to,
    )


def make_scheme_finance(
    scheme: Scheme,
    line: str,
    *,
    year: str = "2017-18",
    recurrent: str,
    non_recurrent: str,
    protection: str = "",
) -> SchemeFinance:
    return SchemeFinance.objects.create(
        scheme=scheme,
        financial_year=year,
        line=line,
        recurrent=Decimal(recurrent),
        non_recurrent=Decimal(non_recurrent),
        protection=protection,
    )


def make_savings_plan(
    area: Area, *, year: str = "2017-18", target: str = "1200000", achieved: str = "0"
) -> SavingsPlan:
    return SavingsPlan.objects.create(
        area=area, financial_year=year, target=Decimal(target), achieved_to_date=Decimal(achieved)
    )


def make_rating(
    area: Area, criterion: str, status: str, *, round: str = "2017-18 Q2", comment: str = ""
) -> AssuranceRating:
    return AssuranceRating.objects.create(
        area=area, round=round, criterion=criterion, status=status, comment=comment
    )
