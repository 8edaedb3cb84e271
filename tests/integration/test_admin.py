"""The administration site at /admin/ (ADR 0101): every model of ours is listed for staff who
may see it, read-only; a role is granted and a token revoked through the actions; nobody,
not even an administrator, sees a password or a token's hash."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from bettercare.core.periods import Month
from bettercare.web.accounts.actions import api_token_create
from bettercare.web.accounts.models import ApiToken, Membership, User
from bettercare.web.alerts.models import OutboxEmail
from bettercare.web.benchmarking.models import PeerGroup
from bettercare.web.performance.actions import metric_commentary_save, metric_rebase_add
from bettercare.web.programmes.actions import planned_activity_add
from bettercare.web.programmes.models import Achievement, Theme
from bettercare.web.risk.models import Practice, PracticeStaff, Refresh
from tests.factories import (
    KENT,
    describe_scheme,
    make_area,
    make_funding,
    make_metric,
    make_milestone,
    make_monthly_values,
    make_period,
    make_programme_status,
    make_rating,
    make_region,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_scheme_finance,
    make_scheme_status,
    make_user,
)
from tests.factories.plan import (
    make_condition,
    make_p4p,
    make_payment,
    make_plan_details,
    make_sign_off,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

#: The models of each app that the administration lists.
REGISTERED = {
    "accounts": {"apitoken", "membership", "user"},
    "alerts": {"outboxemail"},
    "assurance": {"assurancerating"},
    "benchmarking": {"peergroup"},
    "finance": {
        "funding",
        "nationalcondition",
        "payforperformance",
        "performancepayment",
        "plandetails",
        "plansignoff",
        "savingsplan",
        "schemefinance",
    },
    "performance": {"metric", "metriccommentary", "metricrebase", "metricvalue"},
    "programmes": {
        "achievement",
        "area",
        "milestone",
        "plannedactivity",
        "programme",
        "programmestatus",
        "reportingperiod",
        "risk",
        "scheme",
        "schemedeliverypartner",
        "schemeinvestment",
        "schemekpi",
        "schemestatus",
        "theme",
    },
    "risk": {"practice", "practicestaff", "refresh"},
}


def registered_models():
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model.__module__.startswith("bettercare.")
    )


@pytest.fixture
def world():
    """One row of each model listed, so each list shows its columns."""
    kent = make_area(KENT, "Kent", parent=make_region())
    scheme = make_scheme(kent)
    describe_scheme(scheme)
    Theme.objects.create(area=kent, code="T1", name="Integrated urgent response")
    period = make_period(kent)
    make_scheme_status(scheme, period, "savings", "G")
    make_programme_status(period, plan="G")
    Achievement.objects.create(period=period, text="Opened the hub", position=1)
    planned_activity_add(period=period, group="programme", text="Review the risk register", by=None)
    make_milestone(kent)
    make_risk(kent)
    make_funding(kent, forecast="5")
    make_savings_plan(kent)
    make_scheme_finance(scheme, "spend", recurrent="10", non_recurrent="0")
    make_rating(kent, "Plan agreed", "G")
    make_plan_details(kent, submitted_on=date(2017, 9, 8))
    make_sign_off(kent, "Kent County Council", signed_by="A Person")
    make_condition(kent, "Plans jointly agreed")
    make_p4p(kent, "Care homes", planned_savings="1", maximum_support="1")
    make_payment(kent, "October 2015 payment", available="1", planned="1")
    metric = make_metric()
    make_monthly_values(kent, metric, [10.0, 12.0])
    metric_commentary_save(
        area=kent, metric=metric, month=Month(2016, 4), commentary="Up.", seen_version=0, by=None
    )
    metric_rebase_add(area=kent, metric=metric, month=Month(2016, 5), reason="New.", by=None)
    PeerGroup.objects.create(code="near", name="Nearest", anchor=kent)
    practice = Practice.objects.create(code="C84001", name="Harbour Surgery", area=kent)
    viewer = make_user("viewer", (kent, "viewer"))
    PracticeStaff.objects.create(user=viewer, practice=practice)
    token, key = api_token_create(user=viewer, name="nightly", by=None)
    Refresh.objects.create(
        index_date=date(2017, 8, 1),
        model_id="logistic-v1",
        model={},
        engine="numpy",
        source="scores.csv",
        sha256="0" * 64,
        patients=1,
    )
    OutboxEmail.objects.create(
        user=viewer, to="viewer@example.org", kind="alerts", subject="New alerts", body="-"
    )
    return {"kent": kent, "viewer": viewer, "token": token, "key": key}


@pytest.fixture
def superuser():
    return User.objects.create_superuser("admin", password="x")


def test_every_model_of_ours_is_in_the_admin():
    assert registered_models() == sorted(
        (app, model) for app, models in REGISTERED.items() for model in models
    )


def test_an_administrator_sees_every_list_and_row_and_may_change_none(client, world, superuser):
    client.force_login(superuser)
    assert client.get("/admin/").status_code == 200
    for app, model in registered_models():
        changelist = reverse(f"admin:{app}_{model}_changelist")
        response = client.get(changelist)
        assert response.status_code == 200, changelist
        assert response.context["cl"].result_count >= 1, changelist
        assert client.get(changelist, {"q": "Kent"}).status_code == 200, changelist
        if app in ("alerts", "risk"):
            continue  # their admins predate ADR 0101 and keep their own rules
        model_class = next(m for m in admin.site._registry if m._meta.model_name == model)
        row = model_class.objects.first()
        change = reverse(f"admin:{app}_{model}_change", args=[row.pk])
        page = client.get(change)
        assert page.status_code == 200, change
        assert "Save" not in text_of(page), change
        history = client.get(reverse(f"admin:{app}_{model}_history", args=[row.pk]))
        assert history.status_code == 200, change
        assert client.post(change, {}).status_code == 403, change
        delete = reverse(f"admin:{app}_{model}_delete", args=[row.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403, delete
        if model != "membership":
            assert client.get(reverse(f"admin:{app}_{model}_add")).status_code == 403, model
    assert ApiToken.objects.count() == 1


def test_reverting_to_an_old_version_is_refused(client, world, superuser):
    client.force_login(superuser)
    kent = world["kent"]
    record = kent.history.get()
    url = reverse("admin:programmes_area_simple_history", args=[kent.pk, record.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"code": "E99999999", "name": "Elsewhere"}).status_code == 403
    kent.refresh_from_db()
    assert (kent.code, kent.name) == (KENT, "Kent")


@pytest.mark.parametrize("app_model", ["accounts_user", "accounts_apitoken", "programmes_area"])
def test_someone_who_is_not_staff_is_sent_to_sign_in(client, world, app_model):
    client.force_login(world["viewer"])
    for url in ("/admin/", reverse(f"admin:{app_model}_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_staff_see_only_what_they_are_given_and_never_a_hash(client, world):
    staff = make_user("staff")
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    tokens = reverse("admin:accounts_apitoken_changelist")
    assert client.get(tokens).status_code == 403
    assert client.get(reverse("admin:programmes_area_changelist")).status_code == 403

    staff.user_permissions.add(
        Permission.objects.get(codename="view_apitoken"),
        Permission.objects.get(codename="view_user"),
    )
    token = world["token"]
    listing = client.get(tokens)
    assert listing.status_code == 200
    assert "nightly" in text_of(listing)
    pages = [
        listing,
        client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])),
        client.get(
            reverse(
                "admin:accounts_apitoken_simple_history",
                args=[token.pk, token.history.get().history_id],
            )
        ),
        client.get(reverse("admin:accounts_user_change", args=[world["viewer"].pk])),
    ]
    for page in pages:
        assert page.status_code == 200
        html = page.content.decode()
        assert token.prefix in html or "viewer" in html
        assert token.key_hash not in html
        assert world["key"] not in html
        assert world["viewer"].password not in html
        assert "key_hash" not in html
    # Staff may not revoke: the action is for administrators.
    response = client.post(tokens, {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is None
    assert response.status_code in (200, 302)


def test_an_administrator_revokes_tokens_through_the_action(client, world, superuser):
    client.force_login(superuser)
    token = world["token"]
    response = client.post(
        reverse("admin:accounts_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Revoked 1 token." in text_of(response)
    token.refresh_from_db()
    assert token.revoked_by == superuser
    latest = token.history.order_by("-history_id").first()
    assert (latest.history_user, latest.history_change_reason) == (superuser, "token revoked")


def test_an_administrator_grants_a_role_through_the_action(client, world, superuser):
    client.force_login(superuser)
    jo = make_user("jo")
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": jo.pk, "area": world["kent"].pk, "role": "finance_lead"},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=jo)
    assert (membership.area, membership.role) == (world["kent"], "finance_lead")
    record = membership.history.get()
    assert (record.history_user, record.history_change_reason) == (superuser, "role granted")
