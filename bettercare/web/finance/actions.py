"""Writes to the money: the finance lead's forecast outturn and savings achieved."""

from __future__ import annotations

from decimal import Decimal

from bettercare.web.accounts.models import User
from bettercare.web.finance.models import Funding, SavingsPlan
from bettercare.web.programmes.actions import versioned_update


def funding_forecast_update(
    *, funding: Funding, forecast_outturn: Decimal | None, seen_version: int, by: User | None
) -> Funding:
    """Record a funding stream's forecast outturn for the year."""
    result: Funding = versioned_update(
        Funding,
        funding.pk,
        changes={"forecast_outturn": forecast_outturn},
        seen_version=seen_version,
        by=by,
        reason="forecast outturn updated",
    )
    return result


def savings_achieved_update(
    *, plan: SavingsPlan, achieved_to_date: Decimal, seen_version: int, by: User | None
) -> SavingsPlan:
    """Record the savings achieved to date against the cost improvement plan."""
    result: SavingsPlan = versioned_update(
        SavingsPlan,
        plan.pk,
        changes={"achieved_to_date": achieved_to_date},
        seen_version=seen_version,
        by=by,
        reason="savings achieved updated",
    )
    return result
