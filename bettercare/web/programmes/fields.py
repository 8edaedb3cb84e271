"""Model building blocks shared by the apps: optimistic versioning and validated codes."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from bettercare.core.periods import FinancialYear

ons_code = RegexValidator(
    r"^[EWSN]\d{8}$", "Enter an ONS area code: a letter E, W, S or N and 8 digits, e.g. E10000018."
)


def validate_financial_year(value: str) -> None:
    try:
        FinancialYear.parse(value)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class FinancialYearField(models.CharField):  # type: ignore[type-arg]  # generic in the stubs only
    """A financial year written ``2017-18``."""

    default_validators = (validate_financial_year,)  # type: ignore[assignment]  # Django iterates it

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 7)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]  # Django's keywords, passed on


class Versioned(models.Model):
    """A row edited by people: its version detects stale edits (someone else saved first)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


# Any: spread into DecimalField(**MONEY, ...), whose keywords have several types.
MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
