"""The accounts actions: each records who acted and refuses bad input with ActionError."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from bettercare.web.accounts import actions
from bettercare.web.accounts.models import ApiToken, Membership, Role, User
from bettercare.web.programmes.actions import ActionError
from tests.factories import make_area, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return User.objects.create_superuser("admin", password="x")


@pytest.fixture
def ann():
    return User.objects.create_user("ann", password="x")


def refused(message: str, *, whole: bool = True):
    """Expect ActionError with ``message`` (or a message starting with it)."""
    return pytest.raises(ActionError, match=f"^{re.escape(message)}{'$' if whole else ''}")


def latest(instance):
    return instance.history.order_by("-history_id").first()


def test_granting_a_role_records_who_granted_it(admin, ann):
    kent = make_area(parent=make_region())
    membership = actions.membership_grant(user=ann, area=kent, role=Role.VIEWER, by=admin)
    assert (membership.user, membership.area, membership.role) == (ann, kent, "viewer")
    assert latest(membership).history_user == admin
    assert latest(membership).history_change_reason == "role granted"
    # Granting it again is no change and no second history entry.
    assert actions.membership_grant(user=ann, area=kent, role="viewer", by=None) == membership
    assert membership.history.count() == 1


def test_an_unknown_role_is_an_action_error(admin, ann):
    kent = make_area(parent=make_region())
    with pytest.raises(ActionError) as error:
        actions.membership_grant(user=ann, area=kent, role="overlord", by=admin)
    assert str(error.value) == (
        "There is no role 'overlord': the roles are finance_lead, programme_manager, "
        "regional_lead, scheme_lead, viewer."
    )
    assert not Membership.objects.exists()


def test_a_taken_or_blank_username_is_an_action_error(admin, ann):
    with refused("There is already a user called 'ann'."):
        actions.user_create(username="ann", password="y" * 12, by=admin)
    with refused("A user needs a username."):
        actions.user_create(username="  ", password="y" * 12, by=admin)
    with refused("A password cannot be blank."):
        actions.user_set_password(user=ann, password="", by=admin)
    assert User.objects.count() == 2


def test_unlocking_nothing_is_an_action_error(admin):
    with refused("Give the username or the address to unlock."):
        actions.sign_in_unlock(username=None, address="", by=admin)


def test_a_token_records_its_creator_expiry_and_revoker(admin, ann):
    before = timezone.now()
    token, key = actions.api_token_create(
        user=ann, name="nightly", lifetime=timedelta(days=7), by=admin
    )
    assert token.key_hash == ApiToken.hash_key(key)
    assert timedelta(days=7) <= token.expires_at - before < timedelta(days=7, minutes=1)
    assert token.is_usable(timezone.now())
    assert not token.is_usable(token.expires_at)
    assert latest(token).history_user == admin

    revoked = actions.api_token_revoke(token=token, by=admin)

    assert revoked.revoked_by == admin
    assert before <= revoked.revoked_at <= timezone.now()
    assert not revoked.is_usable(timezone.now())
    record = latest(token)
    assert (record.history_user, record.history_change_reason) == (admin, "token revoked")
    assert record.revoked_by_id == admin.pk
    assert list(ApiToken.objects.usable(timezone.now())) == []
    # The name is free again once the token is revoked.
    again, _ = actions.api_token_create(user=ann, name="nightly", by=admin)
    assert list(ApiToken.objects.usable(timezone.now())) == [again]


def test_revoking_twice_is_an_action_error(admin, ann):
    token, _ = actions.api_token_create(user=ann, name="nightly", by=admin)
    actions.api_token_revoke(token=token, by=admin)
    with refused("The token 'nightly' of ann was already revoked on ", whole=False):
        actions.api_token_revoke(token=token, by=None)
    token.refresh_from_db()
    assert token.revoked_by == admin


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"lifetime": timedelta(hours=23)},
            "A token's lifetime is 0 days: it must be 1 to 366 days.",
        ),
        (
            {"lifetime": timedelta(days=367)},
            "A token's lifetime is 367 days: it must be 1 to 366 days.",
        ),
        ({"name": "n" * 101}, "The token's name is 101 characters: keep it to 100."),
    ],
)
def test_a_token_outside_the_limits_is_an_action_error(admin, ann, changes, message):
    with pytest.raises(ActionError) as error:
        actions.api_token_create(user=ann, **changes, by=admin)
    assert str(error.value) == message
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(admin, ann):
    ann.is_active = False
    ann.save()
    with refused("ann is inactive: an inactive user cannot have a token."):
        actions.api_token_create(user=ann, by=admin)
