"""``bettercare token create|list|revoke``: tokens with an expiry, revoked by id or name, the
secret shown once and never listed; mistakes are one line and a non-zero exit."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from bettercare.cli.main import main
from bettercare.web.accounts.actions import api_token_create
from bettercare.web.accounts.models import ApiToken, User
from bettercare.web.api.auth import token_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ann():
    return User.objects.create_user("ann", password="x")


def run(capsys, *argv):
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_create_prints_the_key_once_with_its_expiry(capsys, ann):
    before = timezone.now()
    code, out, err = run(
        capsys, "token", "create", "ann", "--name", "nightly", "--expires-in", "30"
    )

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "API token for ann (shown once, keep it secret):"
    key = lines[1]
    token = ApiToken.objects.get()
    assert token.key_hash == ApiToken.hash_key(key)
    assert token.name == "nightly"
    assert timedelta(days=30) <= token.expires_at - before < timedelta(days=30, minutes=1)
    assert lines[3].startswith(f"It is token {token.pk}; it expires ")
    assert token.history.get().history_user.username == "bettercare-cli"
    assert token_user(key) == ann


def test_the_default_lifetime_is_90_days(capsys, ann):
    before = timezone.now()
    assert run(capsys, "token", "create", "ann")[0] == 0
    expires_in = ApiToken.objects.get().expires_at - before
    assert timedelta(days=90) <= expires_in < timedelta(days=90, minutes=1)


def test_list_shows_every_token_and_its_state_but_never_the_secret(capsys, ann):
    bob = User.objects.create_user("bob", password="x")
    live, live_key = api_token_create(user=ann, name="nightly", by=None)
    gone, gone_key = api_token_create(user=ann, name="old", by=None)
    old, old_key = api_token_create(user=bob, name="laptop", by=None)
    ApiToken.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(days=1))
    assert run(capsys, "token", "revoke", str(gone.pk))[0] == 0

    code, out, err = run(capsys, "token", "list")

    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].split() == [
        "id",
        "name",
        "user",
        "prefix",
        "created",
        "expires",
        "last_used",
        "state",
        "revoked",
        "revoked_by",
    ]
    rows = [line.split() for line in lines[2:]]
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (str(live.pk), "nightly", "ann"),
        (str(gone.pk), "old", "ann"),
        (str(old.pk), "laptop", "bob"),
    ]
    assert [row[-1] for row in rows] == ["active", "bettercare-cli", "expired"]
    for key in (live_key, gone_key, old_key):
        assert key not in out
        assert ApiToken.hash_key(key) not in out

    code, out, _ = run(capsys, "token", "list", "--user", "ann", "--format", "json")
    listed = json.loads(out)
    assert [(t["name"], t["state"], t["revoked_by"]) for t in listed] == [
        ("nightly", "active", ""),
        ("old", "revoked", "bettercare-cli"),
    ]
    assert listed[0]["prefix"] == live_key[:8]
    assert set(listed[0]) == {
        "id",
        "name",
        "user",
        "prefix",
        "created",
        "expires",
        "last_used",
        "state",
        "revoked",
        "revoked_by",
    }


def test_an_empty_list_says_so(capsys):
    assert run(capsys, "token", "list") == (0, "No API tokens.\n", "")


def test_revoke_by_name_refuses_the_token_from_then_on(capsys, ann):
    token, key = api_token_create(user=ann, name="nightly", by=None)
    assert token_user(key) == ann

    code, out, err = run(capsys, "token", "revoke", "nightly", "--user", "ann")

    assert (code, err) == (0, "")
    assert out == f"Revoked token {token.pk} (nightly) of ann.\n"
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.revoked_by.username == "bettercare-cli"
    assert token_user(key) is None
    latest = token.history.order_by("-history_id").first()
    assert latest.history_change_reason == "token revoked"
    assert latest.history_user.username == "bettercare-cli"


def test_revoke_mistakes_are_one_line_errors(capsys, ann):
    bob = User.objects.create_user("bob", password="x")
    ann_token, _ = api_token_create(user=ann, name="nightly", by=None)
    bob_token, _ = api_token_create(user=bob, name="nightly", by=None)

    assert run(capsys, "token", "revoke", "nightly") == (
        1,
        "",
        "bettercare token: error: 2 tokens are called 'nightly': give its id or --user "
        f"({ann_token.pk} (ann), {bob_token.pk} (bob))\n",
    )
    assert run(capsys, "token", "revoke", "weekly", "--user", "ann") == (
        1,
        "",
        "bettercare token: error: there is no token of ann with the id or name 'weekly'\n",
    )
    assert run(capsys, "token", "revoke", "9999") == (
        1,
        "",
        "bettercare token: error: there is no token with the id or name '9999'\n",
    )
    assert run(capsys, "token", "revoke", "nightly", "--user", "nobody") == (
        1,
        "",
        "bettercare token: error: there is no user called 'nobody'\n",
    )
    assert run(capsys, "token", "revoke", str(ann_token.pk))[0] == 0
    code, _, err = run(capsys, "token", "revoke", str(ann_token.pk))
    assert code == 1
    assert err.startswith(
        "bettercare token: error: The token 'nightly' of ann was already revoked on "
    )
    assert err.count("\n") == 1
    assert ApiToken.objects.filter(revoked_at__isnull=True).get() == bob_token


def test_create_mistakes_are_one_line_errors(capsys, ann):
    api_token_create(user=ann, name="nightly", by=None)
    assert run(capsys, "token", "create", "ann", "--name", "nightly") == (
        1,
        "",
        "bettercare token: error: ann already has a token called 'nightly': revoke it or "
        "choose another name.\n",
    )
    assert run(capsys, "token", "create", "ann", "--expires-in", "400") == (
        1,
        "",
        "bettercare token: error: A token's lifetime is 400 days: it must be 1 to 366 days.\n",
    )
    assert run(capsys, "token", "create", "ann", "--expires-in", "9" * 12) == (
        1,
        "",
        f"bettercare token: error: --expires-in {'9' * 12}: expected 1 to 366 days\n",
    )
    assert run(capsys, "token", "create", "nobody") == (
        1,
        "",
        "bettercare token: error: there is no user called 'nobody'\n",
    )
    assert ApiToken.objects.count() == 1
