"""Small builders for the API tests: each makes one readable thing.

Writes that have an action (roles, tokens, periods, returns) go through it; the rest, which
only the workbook import creates in the product, are created directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from bettercare.core.periods import Month
from bettercare.web.accounts.actions import api_token_create, membership_grant
from bettercare.web.accounts.models import ApiToken, Role, User
from bettercare.web.finance.models import Funding, SavingsPlan
from bettercare.web.performance.models import Metric, MetricValue
from bettercare.web.programmes.actions import DimensionReturn, period_open, scheme_return_save
from bettercare.web.programmes.models import (
    Area,
    Milestone,
    ReportingPeriod,
    Risk,
    Scheme,
    Theme,
)


def make_area(code: str, name: str, kind: str = "HWB", parent: Area | None = None) -> Area:
    return Area.objects.create(code=code, name=name, type=kind, parent=parent)


def make_user(username: str, *, role: str | None = None, area: Area | None = None) -> User:
    user = User.objects.create_user(username, password="not-used-here")
    if role is not None:
        assert area is not None
        membership_grant(user=user, area=area, role=Role(role), by=None)
    return user


def make_token(user: User) -> tuple[ApiToken, str]:
    return api_token_create(user=user, name="tests", by=None)


@dataclass
class Areas:
    """Two regions: East Midlands (an ICB with two HWBs) and East of England (one HWB)."""

    midlands: Area
    icb: Area
    leicestershire: Area
    leicester: Area
    east: Area
    hertfordshire: Area

    @property
    def all(self) -> list[Area]:
        return [
            self.midlands,
            self.icb,
            self.leicestershire,
            self.leicester,
            self.east,
            self.hertfordshire,
        ]


def make_areas() -> Areas:
    midlands = make_area("E12000004", "East Midlands", "region")
    icb = make_area("E54000015", "Leicester, Leicestershire and Rutland ICB", "ICB", midlands)
    east = make_area("E12000006", "East of England", "region")
    return Areas(
        midlands=midlands,
        icb=icb,
        leicestershire=make_area("E10000018", "Leicestershire", parent=icb),
        leicester=make_area("E06000016", "Leicester", parent=icb),
        east=east,
        hertfordshire=make_area("E10000015", "Hertfordshire", parent=east),
    )


AUGUST_2017 = Month(2017, 8)


def make_rate_metric(area: Area, *, months: int = 24, last: Month = AUGUST_2017) -> Metric:
    """A monthly rate per 100,000 with ``months`` actuals up to ``last`` and yearly targets."""
    metric = Metric.objects.create(
        code="test_admissions",
        name="Emergency admissions per 100,000",
        unit="rate",
        multiplier=100_000,
        polarity="lower_is_better",
        frequency="month",
    )
    first = last - (months - 1)
    for offset in range(months):
        month = first + offset
        MetricValue.objects.create(
            area=area,
            metric=metric,
            kind="actual",
            period_start=month.first_day,
            period_end=month.last_day,
            numerator=180 + (offset * 7) % 23,
            denominator=100_000,
        )
    for year in sorted({(first + offset).financial_year for offset in range(months)}):
        MetricValue.objects.create(
            area=area,
            metric=metric,
            kind="target",
            period_start=year.start,
            period_end=year.end,
            numerator=190,
            denominator=100_000,
        )
    return metric


def make_proportion_metric(area: Area) -> Metric:
    """A yearly proportion with two actuals and no target."""
    metric = Metric.objects.create(
        code="test_reablement",
        name="Still at home 91 days after reablement",
        unit="proportion",
        multiplier=100,
        polarity="higher_is_better",
        frequency="year",
    )
    for start, numerator in ((2015, 801), (2016, 845)):
        MetricValue.objects.create(
            area=area,
            metric=metric,
            kind="actual",
            period_start=date(start, 4, 1),
            period_end=date(start + 1, 3, 31),
            numerator=numerator,
            denominator=1000,
        )
    return metric


def make_period(area: Area, month: str) -> ReportingPeriod:
    return period_open(area=area, month=Month.parse(month), by=None)


def make_scheme(area: Area, ref: str, name: str, theme: Theme | None = None) -> Scheme:
    return Scheme.objects.create(area=area, ref=ref, name=name, theme=theme, lead="Jo Bloggs")


def make_theme(area: Area, code: str, name: str) -> Theme:
    return Theme.objects.create(area=area, code=code, name=name)


def save_return(
    scheme: Scheme, period: ReportingPeriod, dimensions: dict[str, DimensionReturn]
) -> None:
    scheme_return_save(
        scheme=scheme,
        period=period,
        dimensions=dimensions,
        seen_versions=dict.fromkeys(dimensions, 0),
        by=None,
    )


def make_milestone(area: Area, ref: str, baseline: date, **fields: object) -> Milestone:
    return Milestone.objects.create(
        area=area, ref=ref, title=f"Milestone {ref}", baseline_date=baseline, **fields
    )


def make_risk(area: Area, ref: str, **fields: object) -> Risk:
    return Risk.objects.create(area=area, ref=ref, title=f"Risk {ref}", **fields)


def make_funding(area: Area, year: str, stream: str, budget: str, **fields: object) -> Funding:
    return Funding.objects.create(
        area=area, financial_year=year, stream=stream, budget=Decimal(budget), **fields
    )


def make_savings_plan(area: Area, year: str, target: str, achieved: str) -> SavingsPlan:
    return SavingsPlan.objects.create(
        area=area,
        financial_year=year,
        target=Decimal(target),
        achieved_to_date=Decimal(achieved),
    )


def bearer(key: str) -> dict[str, str]:
    """The header a script sends with its personal token."""
    return {"Authorization": f"Bearer {key}"}
