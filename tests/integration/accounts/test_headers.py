"""Security headers on every page, the production checks of `bettercare serve`, and Django's
own deployment checks under production settings."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys

import pytest
from django.test import override_settings

from tests.factories import (
    KENT,
    make_area,
    make_period,
    make_region,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client):
    kent = make_area(KENT, "Kent", parent=make_region())
    make_period(kent, "2017-08")
    client.force_login(make_user("manager", (kent, "programme_manager")))
    return client


def test_every_page_has_a_strict_content_security_policy(signed_in):
    response = signed_in.get(f"/areas/{KENT}/")
    assert response.status_code == 200
    policy = dict(
        [*part.split(" ", 1), ""][:2] for part in response["Content-Security-Policy"].split("; ")
    )
    assert policy["default-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    html = response.content.decode()
    # The one inline script (NHS.UK frontend's template) is allowed by its hash, exactly.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == f"'self' 'sha256-{digest}'"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_the_sign_in_page_has_the_policy_and_frames_are_refused(client):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_sent_to_https_except_the_health_check(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"
    assert client.get("/healthz").status_code == 200


def run_bettercare(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BETTERCARE_")}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production(tmp_path, **extra: str) -> dict[str, str]:
    return {
        "BETTERCARE_SECRET_KEY": "k" * 20 + "-random-enough-Secret-Key-0123456789abcdefghij",
        "BETTERCARE_ALLOWED_HOSTS": "bettercare.example.nhs.uk",
        "BETTERCARE_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "bettercare.web.config.settings",
        **extra,
    }


PROBLEMS = (
    "import django; django.setup()\n"
    "from bettercare.cli.serve import production_problems\n"
    "print('\\n'.join(production_problems()) or 'none')\n"
)


def test_serve_accepts_the_production_defaults(tmp_path):
    result = run_bettercare(PROBLEMS, production(tmp_path))
    assert result.stdout.strip() == "none", result.stderr


def test_serve_refuses_production_without_hsts_unless_a_reason_is_given(tmp_path):
    result = run_bettercare(PROBLEMS, production(tmp_path, BETTERCARE_HSTS_SECONDS="0"))
    assert result.stdout.startswith("HSTS is off"), result.stderr
    reason = production(
        tmp_path,
        BETTERCARE_HSTS_SECONDS="0",
        BETTERCARE_HSTS_DISABLED_REASON="the load balancer sets it",
    )
    assert run_bettercare(PROBLEMS, reason).stdout.strip() == "none"


def test_serve_refuses_production_without_two_factor_or_https(tmp_path):
    result = run_bettercare(
        PROBLEMS,
        production(tmp_path, BETTERCARE_REQUIRE_TWO_FACTOR="0", BETTERCARE_SSL_REDIRECT="0"),
    )
    assert "BETTERCARE_SSL_REDIRECT is off" in result.stdout
    assert "BETTERCARE_REQUIRE_TWO_FACTOR is off" in result.stdout


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    result = run_bettercare(
        "import sys\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])\n",
        production(tmp_path),
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout
