"""Writes to the money and the plan: the finance lead's forecast outturn and savings
achieved, the reduction achieved for a performance payment, and a national condition's
statement.

Each takes the acting user (``by=``), runs in one transaction, leaves its own entry in the
history and refuses an amount the form would refuse with the form's words (ActionError).
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from bettercare.core.plan_details import condition_problem
from bettercare.web.accounts.models import User
from bettercare.web.finance.models import (
    Funding,
    NationalCondition,
    PerformancePayment,
    SavingsPlan,
)
from bettercare.web.programmes.actions import ActionError, versioned_update
from bettercare.web.programmes.fields import MONEY

#: The largest amount a money column holds (whole pounds).
_MONEY_LIMIT = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])


def _check_money(amount: Decimal, what: str) -> None:
    """Refuse an amount the database cannot hold exactly: pence at most, below the limit."""
    exponent = amount.as_tuple().exponent  # a letter for infinity and NaN
    if not isinstance(exponent, int) or exponent < -MONEY["decimal_places"]:
        raise ActionError(f"Enter {what} in pounds and pence, like £250,000.50 (not {amount}).")
    if abs(amount) >= _MONEY_LIMIT:
        raise ActionError(f"Enter {what} below £{_MONEY_LIMIT:,} (not £{amount:,}).")


@transaction.atomic
def funding_forecast_update(
    *, funding: Funding, forecast_outturn: Decimal | None, seen_version: int, by: User | None
) -> Funding:
    """Record a funding stream's forecast outturn for the year (None: no forecast)."""
    if forecast_outturn is not None:
        _check_money(forecast_outturn, "the forecast outturn")
    result: Funding = versioned_update(
        Funding,
        funding.pk,
        changes={"forecast_outturn": forecast_outturn},
        seen_version=seen_version,
        by=by,
        reason="forecast outturn updated",
    )
    return result


@transaction.atomic
def savings_achieved_update(
    *, plan: SavingsPlan, achieved_to_date: Decimal, seen_version: int, by: User | None
) -> SavingsPlan:
    """Record the savings achieved to date against the cost improvement plan (£0 or more)."""
    _check_money(achieved_to_date, "the savings achieved")
    if achieved_to_date < 0:
        raise ActionError("The savings achieved must be £0 or more")
    result: SavingsPlan = versioned_update(
        SavingsPlan,
        plan.pk,
        changes={"achieved_to_date": achieved_to_date},
        seen_version=seen_version,
        by=by,
        reason="savings achieved updated",
    )
    return result


@transaction.atomic
def national_condition_update(
    *,
    condition: NationalCondition,
    met: bool,
    statement: str,
    seen_version: int,
    by: User | None,
) -> NationalCondition:
    """Record whether the plan meets a national condition, and its statement (core's rule: a
    condition not met needs a statement of why and by when)."""
    problem = condition_problem(condition=condition.condition, met=met, statement=statement)
    if problem is not None:
        raise ActionError(problem[1][0].upper() + problem[1][1:])
    result: NationalCondition = versioned_update(
        NationalCondition,
        condition.pk,
        changes={"met": met, "statement": statement.strip()},
        seen_version=seen_version,
        by=by,
        reason="national condition statement updated",
    )
    return result


@transaction.atomic
def performance_achieved_update(
    *,
    payment: PerformancePayment,
    achieved_reduction: Decimal | None,
    seen_version: int,
    by: User | None,
) -> PerformancePayment:
    """Record the reduction achieved for a payment period (None: not known yet); core works
    out the payment due from it."""
    if achieved_reduction is not None:
        exponent = achieved_reduction.as_tuple().exponent
        if not isinstance(exponent, int) or exponent < -2 or abs(achieved_reduction) >= 10**10:
            raise ActionError(
                f"Enter the reduction achieved as a number with at most two decimal places "
                f"(not {achieved_reduction})."
            )
    result: PerformancePayment = versioned_update(
        PerformancePayment,
        payment.pk,
        changes={"achieved_reduction": achieved_reduction},
        seen_version=seen_version,
        by=by,
        reason="reduction achieved updated",
    )
    return result
