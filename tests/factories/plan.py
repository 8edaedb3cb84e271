"""Plan details and pay for performance (ADR 0112), as the import would write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bettercare.web.finance.models import (
    NationalCondition,
    PayForPerformance,
    PerformancePayment,
    PlanDetails,
    PlanSignOff,
)
from bettercare.web.programmes.models import Area


def make_plan_details(
    area: Area,
    *,
    year: str = "2017-18",
    hwb_agreed_on: date | None = None,
    hwb_note: str = "",
    submitted_on: date | None = None,
    approved_on: date | None = None,
) -> PlanDetails:
    return PlanDetails.objects.create(
        area=area,
        financial_year=year,
        hwb_agreed_on=hwb_agreed_on,
        hwb_note=hwb_note,
        submitted_on=submitted_on,
        approved_on=approved_on,
    )


def make_sign_off(
    area: Area,
    on_behalf_of: str,
    *,
    year: str = "2017-18",
    signed_by: str = "",
    position: str = "",
    signed_on: date | None = None,
) -> PlanSignOff:
    return PlanSignOff.objects.create(
        area=area,
        financial_year=year,
        on_behalf_of=on_behalf_of,
        signed_by=signed_by,
        position=position,
        signed_on=signed_on,
    )


def make_condition(
    area: Area, condition: str, *, year: str = "2017-18", met: bool = True, statement: str = ""
) -> NationalCondition:
    return NationalCondition.objects.create(
        area=area, financial_year=year, condition=condition, met=met, statement=statement
    )


def make_p4p(
    area: Area,
    metric: str,
    *,
    year: str = "2015-16",
    planned_savings: str,
    maximum_support: str,
    reduction: str | None = None,
    unit_cost: str | None = None,
    periods: str | None = None,
    basis: str = "",
) -> PayForPerformance:
    return PayForPerformance.objects.create(
        area=area,
        financial_year=year,
        metric=metric,
        planned_savings=Decimal(planned_savings),
        maximum_support=Decimal(maximum_support),
        reduction=None if reduction is None else Decimal(reduction),
        unit_cost=None if unit_cost is None else Decimal(unit_cost),
        periods=None if periods is None else Decimal(periods),
        basis=basis,
    )


def make_payment(
    area: Area,
    period: str,
    *,
    year: str = "2015-16",
    covers: str = "",
    available: str,
    planned: str,
    achieved: str | None = None,
) -> PerformancePayment:
    return PerformancePayment.objects.create(
        area=area,
        financial_year=year,
        period=period,
        covers=covers,
        available=Decimal(available),
        planned_reduction=Decimal(planned),
        achieved_reduction=None if achieved is None else Decimal(achieved),
    )
