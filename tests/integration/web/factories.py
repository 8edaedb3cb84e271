"""Small builders of test data for the page tests, straight through the ORM.

They set up the world a test starts from; every write a test is *about* goes through the
views (and so through ``actions.py``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bettercare.core.periods import FinancialYear, Month
from bettercare.web.accounts.models import Membership, Role, User
from bettercare.web.assurance.models import AssuranceRating
from bettercare.web.finance.models import Funding, SavingsPlan, SchemeFinance
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    Programme,
    ProgrammeStatus,
    ReportingPeriod,
    Risk,
    Scheme,
    SchemeStatus,
)

REGION_CODE = "E12000008"
ICB_CODE = "E54000007"
KENT = "E10000016"
MEDWAY = "E06000035"
PASSWORD = "not-a-real-password"


def make_region(code: str = REGION_CODE, name: str = "South East") -> Area:
    return Area.objects.create(code=code, name=name, type=Area.Type.REGION)


def make_area(
    code: str = KENT,
    name: str = "Kent",
    *,
    parent: Area | None = None,
    type: str = Area.Type.HWB,
    programme: bool = True,
) -> Area:
    area = Area.objects.create(code=code, name=name, type=type, parent=parent)
    if programme and type == Area.Type.HWB:
        Programme.objects.create(area=area, name=f"{name} Better Care Fund")
    return area


def make_period(area: Area, month: str = "2017-08", state: str = "open") -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        area=area, month=Month.parse(month).first_day, state=state
    )


def make_user(username: str, *memberships: tuple[Area, str]) -> User:
    user = User.objects.create_user(username, password=PASSWORD, first_name=username.title())
    for area, role in memberships:
        Membership.objects.create(user=user, area=area, role=Role(role))
    return user


def make_scheme(
    area: Area, ref: str = "BCF 1", name: str = "Rapid response", *, leads=(), metrics=()
) -> Scheme:
    scheme = Scheme.objects.create(area=area, ref=ref, name=name, lead="Jo Lead")
    scheme.lead_users.set(leads)
    scheme.metrics.set(metrics)
    return scheme


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
    )


def make_metric(
    code: str = "emergency_admissions",
    name: str = "Non-elective admissions",
    *,
    unit: str = "rate",
    multiplier: int = 100_000,
    polarity: str = "lower_is_better",
    parent: Metric | None = None,
    **fields: object,
) -> Metric:
    return Metric.objects.create(
        code=code,
        name=name,
        unit=unit,
        multiplier=multiplier,
        polarity=polarity,
        frequency="month",
        parent=parent,
        **fields,
    )


def make_monthly_values(
    area: Area,
    metric: Metric,
    numerators: list[float],
    *,
    first: str = "2016-04",
    denominator: float | None = 546_195,
    source: str = "SUS extract",
) -> list[MetricValue]:
    start = Month.parse(first)
    values = []
    for offset, numerator in enumerate(numerators):
        month = start + offset
        values.append(
            MetricValue(
                area=area,
                metric=metric,
                kind=MetricValue.Kind.ACTUAL,
                period_start=month.first_day,
                period_end=month.last_day,
                numerator=numerator,
                denominator=denominator,
                source=source,
            )
        )
    return MetricValue.objects.bulk_create(values)


def make_target(area: Area, metric: Metric, year: str, value: float) -> MetricValue:
    fy = FinancialYear.parse(year)
    return MetricValue.objects.create(
        area=area,
        metric=metric,
        kind=MetricValue.Kind.TARGET,
        period_start=fy.start,
        period_end=fy.end,
        value=value,
        note="Agreed in the plan",
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


def make_funding(
    area: Area,
    stream: str = "BCF",
    *,
    year: str = "2017-18",
    budget: str = "1000000",
    forecast: str | None = None,
    minimum: str | None = None,
    organisation: str = "",
) -> Funding:
    return Funding.objects.create(
        area=area,
        financial_year=year,
        stream=stream,
        organisation=organisation,
        budget=Decimal(budget),
        forecast_outturn=None if forecast is None else Decimal(forecast),
        minimum_contribution=None if minimum is None else Decimal(minimum),
    )


def make_scheme_finance(
    scheme: Scheme, line: str, *, year: str = "2017-18", recurrent: str, non_recurrent: str
) -> SchemeFinance:
    return SchemeFinance.objects.create(
        scheme=scheme,
        financial_year=year,
        line=line,
        recurrent=Decimal(recurrent),
        non_recurrent=Decimal(non_recurrent),
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
