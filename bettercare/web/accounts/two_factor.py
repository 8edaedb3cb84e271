"""Two-factor sign-in with a TOTP authenticator app (django-otp), and who must use it.

Anyone may add an authenticator. Administrators (staff or superusers), GP practice staff (who
see their practice's patients), and anyone holding a role that can see patient-level data
(``Role.sees_patient_level_data``, or a role named in ``BETTERCARE_TWO_FACTOR_ROLES``), must: until they have added one they can reach only the page
that adds it. Someone who has added one is asked for a code after their password, every time.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from bettercare.web.accounts.models import PATIENT_LEVEL_ROLES, Membership, User

DEVICE_NAME = "Authenticator app"


def two_factor_roles() -> frozenset[str]:
    """The roles whose holders must sign in with two factors."""
    return PATIENT_LEVEL_ROLES | frozenset(getattr(settings, "TWO_FACTOR_ROLES", ()))


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` must sign in with a second factor."""
    if not getattr(settings, "REQUIRE_TWO_FACTOR", True) or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    # GP practice staff see their practice's patients (risk stratification): patient-level.
    if User.objects.filter(pk=user.pk, practice_staff__isnull=False).exists():
        return True
    roles = two_factor_roles()
    return bool(roles) and Membership.objects.filter(user=user, role__in=roles).exists()


def confirmed_devices(user: Any) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


@transaction.atomic
def totp_device_start(*, user: Any) -> TOTPDevice:
    """The unconfirmed authenticator being added for ``user`` (a new secret the first time)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user: Any, code: str) -> TOTPDevice | None:
    """Confirm the authenticator being added with a code from it; None when the code is wrong."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None or not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


def totp_verify(*, user: Any, code: str) -> TOTPDevice | None:
    """The confirmed authenticator that accepts ``code``, if any (each is throttled)."""
    code = code.strip().replace(" ", "")
    for device in confirmed_devices(user):
        if device.verify_token(code):
            return device
    return None


def grouped_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, to type into an authenticator app."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
