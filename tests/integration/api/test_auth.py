"""Who may call the API: a signed-in session or a personal token; nobody else, no redirects."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bettercare.web.accounts.actions import api_token_create, api_token_revoke
from bettercare.web.accounts.models import ApiToken
from tests.factories import (
    bearer,
    make_token,
    make_user,
)

pytestmark = pytest.mark.django_db

SIGN_IN = "Authentication required"
BAD_TOKEN = (
    "The API token is not valid: it is unknown, revoked or expired, or its user is inactive."
)


def assert_401(response, detail_start: str) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Location" not in response
    assert response.json()["detail"].startswith(detail_start)
    assert response["WWW-Authenticate"].startswith('Bearer realm="bettercare"')


@pytest.mark.parametrize(
    "path",
    [
        "/api/areas",
        "/api/areas/E10000018/metrics?period=2017-08",
        "/api/areas/E10000018/schemes",
        "/api/areas/E10000018/milestones",
        "/api/areas/E10000018/risks",
        "/api/areas/E10000018/funding",
    ],
)
def test_without_credentials_is_401_json_not_a_redirect(client, areas, path):
    response = client.get(path)
    assert_401(response, SIGN_IN)
    assert "bettercare token create USERNAME" in response.json()["detail"]


def test_an_unknown_token_is_401(client, areas):
    assert_401(client.get("/api/areas", headers=bearer("bc_not-a-real-key")), BAD_TOKEN)
    assert (
        client.get("/api/areas", headers=bearer("bc_x"))["WWW-Authenticate"]
        == 'Bearer realm="bettercare", error="invalid_token"'
    )


def test_an_empty_bearer_token_is_401(client, areas):
    assert_401(client.get("/api/areas", headers={"Authorization": "Bearer "}), SIGN_IN)


def test_a_revoked_token_is_401(client, areas):
    user = make_user("ann", (areas.leicestershire, "viewer"))
    admin = make_user("admin", (areas.midlands, "regional_lead"))
    token, key = make_token(user)
    assert client.get("/api/areas", headers=bearer(key)).status_code == 200
    api_token_revoke(token=token, by=admin)
    assert_401(client.get("/api/areas", headers=bearer(key)), BAD_TOKEN)
    token.refresh_from_db()
    assert token.revoked_by == admin
    # A second token of the same user still works: revocation is per token.
    _, other_key = api_token_create(user=user, name="other", by=admin)
    assert client.get("/api/areas", headers=bearer(other_key)).status_code == 200


def test_an_expired_token_is_401(client, areas):
    user = make_user("ann", (areas.leicestershire, "viewer"))
    token, key = api_token_create(user=user, name="short", lifetime=timedelta(days=1), by=None)
    assert client.get("/api/areas", headers=bearer(key)).status_code == 200
    # The clock is not moved: the expiry is, to a second ago and to a minute ahead.
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + timedelta(minutes=1))
    assert client.get("/api/areas", headers=bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_401(client.get("/api/areas", headers=bearer(key)), BAD_TOKEN)


def test_an_inactive_users_token_is_401(client, areas):
    user = make_user("ann", (areas.leicestershire, "viewer"))
    _, key = make_token(user)
    user.is_active = False
    user.save()
    assert_401(client.get("/api/areas", headers=bearer(key)), BAD_TOKEN)


def test_a_bad_token_is_refused_even_with_a_session(client, areas):
    user = make_user("ann", (areas.leicestershire, "viewer"))
    client.force_login(user)
    assert_401(client.get("/api/areas", headers=bearer("bc_wrong")), BAD_TOKEN)


def test_session_authentication(client, areas):
    client.force_login(make_user("ann", (areas.leicestershire, "viewer")))
    response = client.get("/api/areas")
    assert response.status_code == 200
    assert [a["code"] for a in response.json()] == ["E10000018"]


def test_token_authentication_records_last_use_at_most_once_a_minute(client, areas):
    user = make_user("ann", (areas.leicestershire, "viewer"))
    token, key = make_token(user)
    assert token.last_used_at is None
    before = timezone.now()

    response = client.get("/api/areas", headers=bearer(key))

    assert response.status_code == 200
    assert [a["code"] for a in response.json()] == ["E10000018"]
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    assert first_use >= before
    # Again within the minute: no write.
    client.get("/api/areas", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at == first_use
    # A minute later: recorded again.
    an_hour_ago = timezone.now() - timedelta(hours=1)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=an_hour_ago)
    client.get("/api/areas", headers=bearer(key))
    token.refresh_from_db()
    assert token.last_used_at > an_hour_ago + timedelta(minutes=59)


def test_the_token_acts_as_its_user_not_the_session(client, areas):
    """A script's token scopes the answer even from a browser signed in as someone else."""
    client.force_login(make_user("admin", (areas.midlands, "regional_lead")))
    _, key = make_token(make_user("ann", (areas.hertfordshire, "viewer")))
    response = client.get("/api/areas", headers=bearer(key))
    assert [a["code"] for a in response.json()] == ["E10000015"]


def test_the_api_is_read_only(client, areas):
    client.force_login(make_user("ann", (areas.leicestershire, "programme_manager")))
    for method in (client.post, client.put, client.patch, client.delete):
        response = method("/api/areas/E10000018/risks")
        assert response.status_code == 405
        assert response["Allow"] == "GET"
