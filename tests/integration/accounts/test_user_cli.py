"""`bettercare user create|set-password|unlock`."""

from __future__ import annotations

import io

import pytest
from django.test import Client, override_settings

from bettercare.cli.main import main
from bettercare.web.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = "violet-harbour-tangent-42"


def run(capsys, monkeypatch, *argv, stdin=""):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_create_an_administrator_and_sign_in(capsys, monkeypatch):
    code, out, err = run(
        capsys,
        monkeypatch,
        "user",
        "create",
        "ada",
        "--first-name",
        "Ada",
        "--admin",
        "--password-stdin",
        stdin=GOOD + "\n",
    )
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "Created administrator ada."
    ada = User.objects.get(username="ada")
    assert ada.is_superuser
    assert ada.is_staff
    assert ada.check_password(GOOD)
    record = ada.history.get()
    assert record.history_user.username == "bettercare-cli"
    assert Client().login(username="ada", password=GOOD)


def test_a_weak_password_is_refused_in_one_line(capsys, monkeypatch):
    code, _, err = run(
        capsys, monkeypatch, "user", "create", "bob", "--password-stdin", stdin="Leicester1\n"
    )
    assert code != 0
    assert err.count("\n") == 1
    assert err.startswith("bettercare user: error: password refused: This password is too short.")
    assert not User.objects.filter(username="bob").exists()


def test_create_twice_and_unknown_users_are_one_line_errors(capsys, monkeypatch):
    User.objects.create_user("cat", password=GOOD)
    code, _, err = run(capsys, monkeypatch, "user", "create", "cat", "--password-stdin", stdin=GOOD)
    assert code != 0
    assert err == "bettercare user: error: there is already a user called 'cat'\n"
    code, _, err = run(
        capsys, monkeypatch, "user", "set-password", "nobody", "--password-stdin", stdin=GOOD
    )
    assert code != 0
    assert err == "bettercare user: error: there is no user called 'nobody'\n"


def test_set_password(capsys, monkeypatch):
    User.objects.create_user("dee", password="old-password-long-enough")
    code, out, _ = run(
        capsys, monkeypatch, "user", "set-password", "dee", "--password-stdin", stdin=GOOD + "\n"
    )
    assert (code, out) == (0, "Set the password of dee.\n")
    assert User.objects.get(username="dee").check_password(GOOD)


@override_settings(
    AXES_ENABLED=True,
    AUTHENTICATION_BACKENDS=[
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
)
def test_unlock_a_locked_username(capsys, monkeypatch):
    User.objects.create_user("eve", password=GOOD)
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"username": "eve", "password": "wrong"})
    locked = client.post("/accounts/login/", {"username": "eve", "password": GOOD})
    assert locked.status_code == 429
    code, out, _ = run(capsys, monkeypatch, "user", "unlock", "eve", "--address", "127.0.0.1")
    assert code == 0
    assert out.startswith("Unlocked username eve and address 127.0.0.1 (")
    assert client.post("/accounts/login/", {"username": "eve", "password": GOOD}).status_code == 302


def test_create_practice_staff_who_must_use_two_factors(capsys, monkeypatch):
    from bettercare.web.accounts.two_factor import two_factor_required
    from bettercare.web.risk.models import Practice

    practice = Practice.objects.create(code="Z00001", name="Harbour Surgery")
    code, out, err = run(
        capsys,
        monkeypatch,
        "user",
        "create",
        "gp",
        "--practice",
        "Z00001",
        "--password-stdin",
        stdin=GOOD + "\n",
    )
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "Created user gp at Harbour Surgery (Z00001).",
        "They add an authenticator app (two-factor sign-in) when first signing in.",
    ]
    gp = User.objects.get(username="gp")
    assert gp.practice_staff.practice == practice
    record = gp.practice_staff.history.get()
    assert (record.history_user.username, record.history_change_reason) == (
        "bettercare-cli",
        "staff of Z00001",
    )
    with override_settings(REQUIRE_TWO_FACTOR=True):
        assert two_factor_required(gp)


def test_an_unknown_practice_is_a_one_line_error_and_creates_no_user(capsys, monkeypatch):
    code, _, err = run(
        capsys,
        monkeypatch,
        "user",
        "create",
        "gp",
        "--practice",
        "Z99999",
        "--password-stdin",
        stdin=GOOD + "\n",
    )
    assert code != 0
    assert err == (
        "bettercare user: error: --practice 'Z99999': no such practice; expected the code of a "
        "practice in a loaded risk refresh (bettercare risk load)\n"
    )
    assert not User.objects.filter(username="gp").exists()
