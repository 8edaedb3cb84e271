"""Signing in and out, the session cookie, and CSRF protection of every kind of POST."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from bettercare.web.programmes.models import ReportingPeriod, SchemeStatus
from tests.factories import (
    KENT,
    PASSWORD,
    make_area,
    make_period,
    make_region,
    make_scheme,
    make_user,
)
from tests.integration.pages.forms import return_post
from tests.integration.web.html import error_summary, text_of

pytestmark = pytest.mark.django_db

SIGN_IN = "/accounts/login/"
SIGN_OUT = "/accounts/logout/"
DASHBOARD = f"/areas/{KENT}/dashboard/"
SCHEMES = f"/areas/{KENT}/schemes/"


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    august = make_period(kent, "2017-08")
    lead = make_user("lead", (kent, "scheme_lead"))
    return {
        "kent": kent,
        "august": august,
        "lead": lead,
        "manager": make_user("manager", (kent, "programme_manager")),
        "scheme": make_scheme(kent, "BCF 1", "Rapid response", leads=[lead]),
    }


def csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def token_from(response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert match is not None, "no CSRF token in the page's form"
    return match.group(1)


def test_the_sign_in_page_renders_a_protected_form(client, world):
    response = client.get(SIGN_IN)
    assert response.status_code == 200
    text = text_of(response)
    assert "Sign in to bettercare" in text
    assert "There is a problem" not in text
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'id="id_username" name="username"' in html
    assert 'autocomplete="current-password"' in html


def test_bad_credentials_show_the_nhs_error_summary(client, world):
    response = client.post(SIGN_IN, {"username": "lead", "password": "wrong"})

    assert response.status_code == 200
    assert error_summary(response) == [
        ("#id_username", "Enter a correct username and password. Both are case-sensitive.")
    ]
    text = text_of(response)
    assert "Error: Check your username" in text
    assert "Error: Check your password" in text
    assert 'value="lead"' in response.content.decode()  # the username is kept
    assert "_auth_user_id" not in client.session


def test_an_inactive_user_cannot_sign_in(client, world):
    world["lead"].is_active = False
    world["lead"].save()
    response = client.post(SIGN_IN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 200
    assert "There is a problem" in text_of(response)


def test_a_page_sends_you_to_sign_in_and_back_again(client, world):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={DASHBOARD}"

    page = client.get(response["Location"])
    assert f'name="next" value="{DASHBOARD}"' in page.content.decode()
    signed_in = client.post(SIGN_IN, {"username": "lead", "password": PASSWORD, "next": DASHBOARD})

    assert signed_in.status_code == 302
    assert signed_in["Location"] == DASHBOARD
    assert int(client.session["_auth_user_id"]) == world["lead"].pk


def test_next_cannot_send_you_to_another_site(client, world):
    response = client.post(
        SIGN_IN, {"username": "lead", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signing_in_without_next_goes_home_and_signed_in_people_skip_the_form(client, world):
    response = client.post(SIGN_IN, {"username": "lead", "password": PASSWORD})
    assert response["Location"] == "/"
    # One area: home goes straight to it.
    assert client.get("/")["Location"] == f"/areas/{KENT}/"
    assert client.get(SIGN_IN)["Location"] == "/"


def test_the_session_cookie_is_http_only_and_same_site(client, world):
    response = client.post(SIGN_IN, {"username": "lead", "password": PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_sign_out_by_get_asks_to_confirm_with_a_protected_form(client, world):
    client.force_login(world["lead"])

    response = client.get(SIGN_OUT)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<form method="post" action="{SIGN_OUT}">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "Sign out of bettercare" in text_of(response)
    assert int(client.session["_auth_user_id"]) == world["lead"].pk  # still signed in
    assert client.get(SCHEMES).status_code == 200


def test_sign_out_by_post_ends_the_session(world):
    client = csrf_client()
    page = client.get(SIGN_IN)
    client.post(
        SIGN_IN,
        {"username": "lead", "password": PASSWORD, "csrfmiddlewaretoken": token_from(page)},
    )
    assert client.get(SCHEMES).status_code == 200
    confirm = client.get(SIGN_OUT)

    response = client.post(SIGN_OUT, {"csrfmiddlewaretoken": token_from(confirm)})

    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    assert client.get(SCHEMES)["Location"] == f"{SIGN_IN}?next={SCHEMES}"


def test_sign_out_without_the_token_is_refused(world):
    client = csrf_client(world["lead"])
    assert client.post(SIGN_OUT).status_code == 403
    assert client.get(SCHEMES).status_code == 200  # still signed in


def test_sign_in_without_the_token_is_refused(world):
    client = csrf_client()
    response = client.post(SIGN_IN, {"username": "lead", "password": PASSWORD})
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_scheme_return_without_the_token_is_refused_and_with_it_saved(world):
    scheme, august = world["scheme"], world["august"]
    url = f"/areas/{KENT}/schemes/{scheme.pk}/return/2017-08/"
    client = csrf_client(world["lead"])

    assert client.post(url, return_post(scheme, august)).status_code == 403
    assert not SchemeStatus.objects.exists()

    token = token_from(client.get(url))
    response = client.post(url, {**return_post(scheme, august), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert SchemeStatus.objects.count() == 4


def test_a_period_action_without_the_token_is_refused_and_with_it_done(world):
    client = csrf_client(world["manager"])
    path = f"/areas/{KENT}/periods/2017-09/open/"

    assert client.post(path).status_code == 403
    assert not ReportingPeriod.objects.filter(month="2017-09-01").exists()

    token = token_from(client.get(f"/areas/{KENT}/periods/"))
    assert client.post(path, {"csrfmiddlewaretoken": token}).status_code == 302
    assert ReportingPeriod.objects.filter(month="2017-09-01").exists()


def test_a_programme_status_without_the_token_is_refused(world):
    client = csrf_client(world["manager"])
    data = {"plan_status": "G", "benefits_status": "G", "budget_status": "G"}
    response = client.post(f"/areas/{KENT}/periods/?period=2017-08", data)
    assert response.status_code == 403
    assert not world["august"].programme_statuses.exists()
