"""Sign-in lockout, the password policy, two-factor sign-in and idle sessions, for real:
these tests turn on what the test settings relax for the rest of the suite."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bettercare.web.accounts import two_factor
from bettercare.web.accounts.models import PATIENT_LEVEL_ROLES, Role, User
from tests.factories import (
    KENT,
    PASSWORD,
    make_area,
    make_region,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
OVERVIEW = f"/areas/{KENT}/periods/"
AXES_ON = override_settings(
    AXES_ENABLED=True,
    AUTHENTICATION_BACKENDS=[
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
)
TWO_FACTOR_ON = override_settings(REQUIRE_TWO_FACTOR=True)


@pytest.fixture
def kent():
    return make_area(KENT, "Kent", parent=make_region())


def sign_in(client, username, password, address="10.0.0.1"):
    return client.post(SIGN_IN, {"username": username, "password": password}, REMOTE_ADDR=address)


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


# -- lockout --------------------------------------------------------------------------------


@AXES_ON
def test_five_wrong_passwords_lock_the_username_even_with_the_right_one(client, kent):
    make_user("manager", (kent, "programme_manager"))
    for _ in range(4):
        assert sign_in(client, "manager", "wrong").status_code == 200
    locked = sign_in(client, "manager", "wrong")
    assert locked.status_code == 429
    assert "Sign-in is locked after 5 failed attempts" in text_of(locked)
    # From another address too: the username itself is locked.
    again = sign_in(Client(), "manager", PASSWORD, address="10.9.9.9")
    assert again.status_code == 429
    assert "_auth_user_id" not in Client().session


@AXES_ON
def test_failures_from_one_address_lock_that_address_for_every_username(client, kent):
    make_user("viewer", (kent, "viewer"))
    for number in range(5):
        sign_in(client, f"guess{number}", "wrong", address="10.6.6.6")
    assert sign_in(Client(), "viewer", PASSWORD, address="10.6.6.6").status_code == 429
    elsewhere = sign_in(Client(), "viewer", PASSWORD, address="10.7.7.7")
    assert elsewhere.status_code == 302


@AXES_ON
def test_a_success_resets_the_count(client, kent):
    make_user("lead", (kent, "scheme_lead"))
    for _ in range(4):
        sign_in(client, "lead", "wrong")
    assert sign_in(client, "lead", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, "lead", "wrong").status_code == 200


@AXES_ON
def test_unlock_lets_the_user_in_again(client, kent):
    from axes.utils import reset

    make_user("manager", (kent, "programme_manager"))
    for _ in range(5):
        sign_in(client, "manager", "wrong")
    assert sign_in(client, "manager", PASSWORD).status_code == 429
    assert reset(username="manager") >= 1
    assert reset(ip="10.0.0.1") >= 0
    assert sign_in(client, "manager", PASSWORD).status_code == 302


# -- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("Leicester1", "at least 12 characters"),
        ("short-pw-1", "at least 12 characters"),
        ("password1234", "too common"),
        ("jo.manager.2026", "too similar"),
    ],
)
def test_weak_passwords_are_refused(password, problem):
    user = User(username="jo.manager", first_name="Jo")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, user)
    assert problem in " ".join(caught.value.messages)


@pytest.mark.parametrize("password", ["Leicestershire1", "leicestershire-2026!", "BetterCare2026"])
def test_an_area_or_site_name_with_digits_is_refused(password):
    make_area("E10000018", "Leicestershire")
    with pytest.raises(ValidationError) as caught:
        validate_password(password, User(username="jo"))
    assert caught.value.messages == [
        "This password is a place or site name with digits or symbols added; choose words "
        "that are not the name of an area."
    ]


def test_a_long_unusual_password_is_accepted():
    validate_password("violet-harbour-tangent-42", User(username="jo"))


# -- two-factor sign-in ---------------------------------------------------------------------


def admin_user() -> User:
    return User.objects.create_superuser("admin", password=PASSWORD, first_name="Ada")


@TWO_FACTOR_ON
def test_an_administrator_must_add_an_authenticator_before_anything_else(client, kent):
    admin_user()
    assert client.post(SIGN_IN, {"username": "admin", "password": PASSWORD}).status_code == 302
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/two-factor/setup/?next=")
    assert client.get("/admin/").status_code == 302
    assert client.get("/api/areas").status_code == 403
    setup = client.get(response["Location"])
    assert setup.status_code == 200
    assert "Your account must use two-factor sign-in" in text_of(setup)
    device = TOTPDevice.objects.get(user__username="admin", confirmed=False)
    wrong = client.post(
        response["Location"], {"code": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert wrong.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    done = client.post(response["Location"], {"code": code_for(device), "next": OVERVIEW})
    assert done.status_code == 302
    assert done["Location"] == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200


@TWO_FACTOR_ON
def test_with_an_authenticator_the_code_is_asked_after_the_password(client, kent):
    admin = admin_user()
    device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    client.post(SIGN_IN, {"username": "admin", "password": PASSWORD})
    response = client.get(OVERVIEW)
    assert response["Location"].startswith("/accounts/two-factor/?next=")
    # The setup page cannot be used to add another authenticator before the code is given.
    assert client.get("/accounts/two-factor/setup/")["Location"].startswith("/accounts/two-factor/")
    assert client.post("/accounts/two-factor/", {"code": "12345x"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # django-otp makes the next try wait after a wrong code
    assert client.get(OVERVIEW).status_code == 302
    ok = client.post("/accounts/two-factor/", {"code": code_for(device), "next": OVERVIEW})
    assert ok["Location"] == OVERVIEW
    assert client.get(OVERVIEW).status_code == 200
    # The same code cannot be used twice.
    other = Client()
    other.post(SIGN_IN, {"username": "admin", "password": PASSWORD})
    assert other.post("/accounts/two-factor/", {"code": code_for(device)}).status_code == 400


@TWO_FACTOR_ON
def test_other_roles_need_no_second_factor_but_may_add_one(client, kent):
    make_user("viewer", (kent, "viewer"))
    client.post(SIGN_IN, {"username": "viewer", "password": PASSWORD})
    assert client.get(OVERVIEW).status_code == 200
    setup = client.get("/accounts/two-factor/setup/")
    assert "so that a password alone cannot open your account" in text_of(setup)


def test_a_role_that_sees_patient_level_data_must_use_two_factors(client, kent, settings):
    # Both through pytest-django's settings (mixing it with override_settings would undo
    # them out of order).
    settings.REQUIRE_TWO_FACTOR = True
    make_user("analyst", (kent, "viewer"))
    assert not Role.VIEWER.sees_patient_level_data
    assert frozenset() == PATIENT_LEVEL_ROLES  # none yet: the first such role opts in
    settings.TWO_FACTOR_ROLES = frozenset({"viewer"})
    client.post(SIGN_IN, {"username": "analyst", "password": PASSWORD})
    assert client.get(OVERVIEW)["Location"].startswith("/accounts/two-factor/setup/")
    assert two_factor.two_factor_required(User.objects.get(username="analyst"))


def test_the_next_address_after_two_factor_stays_on_this_site(client, kent):
    user = make_user("viewer", (kent, "viewer"))
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.force_login(user)
    response = client.post(
        "/accounts/two-factor/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


# -- sessions and headers -------------------------------------------------------------------


def test_signed_in_pages_are_not_kept_by_browsers_or_proxies(client, kent):
    client.force_login(make_user("viewer", (kent, "viewer")))
    for path in (OVERVIEW, f"/areas/{KENT}/milestones/", "/api/areas"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store", path


def test_a_session_ends_after_the_idle_time(client, kent, settings):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(make_user("viewer", (kent, "viewer")))
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert client.get(OVERVIEW).status_code == 200
    session = Session.objects.get()
    left = (session.expire_date - timezone.now()).total_seconds()
    assert 29 * 60 < left <= 30 * 60
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)


def test_a_session_in_use_is_renewed_once_a_minute_not_written_by_every_request(
    client, kent, monkeypatch
):
    from django.contrib.sessions.models import Session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bettercare.web.accounts import middleware

    now = [1_800_000_000.0]
    monkeypatch.setattr(middleware.time, "time", lambda: now[0])
    client.force_login(make_user("viewer", (kent, "viewer")))
    assert client.get(OVERVIEW).status_code == 200  # renews: the first request of the session
    expiry = Session.objects.get().expire_date

    def session_writes() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(OVERVIEW).status_code == 200
        return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "django_session"')]

    now[0] += middleware.RENEW_AFTER - 1
    assert session_writes() == []
    assert Session.objects.get().expire_date == expiry
    now[0] += 1
    assert len(session_writes()) == 1
    assert Session.objects.get().expire_date >= expiry


def test_gp_practice_staff_must_use_two_factors(client, kent, settings):
    from bettercare.web.risk.actions import practice_staff_set
    from bettercare.web.risk.models import Practice

    settings.REQUIRE_TWO_FACTOR = True
    user = User.objects.create_user("practice-nurse", password=PASSWORD)
    assert not two_factor.two_factor_required(user)
    practice = Practice.objects.create(code="C84001", name="Harbour Surgery")
    practice_staff_set(user=user, practice=practice, by=None)
    assert two_factor.two_factor_required(user)
    client.post(SIGN_IN, {"username": "practice-nurse", "password": PASSWORD})
    assert client.get("/risk/")["Location"].startswith("/accounts/two-factor/setup/")
