"""The audit trail: every model holding user data keeps a history, every action records who
acted, and administrators (only) see who changed what, by area and by user."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps

import bettercare.web
from bettercare.core.periods import Month
from bettercare.web.accounts import actions as accounts
from bettercare.web.finance import actions as finance
from bettercare.web.programmes import actions as programmes
from bettercare.web.programmes.actions import DimensionReturn
from tests.factories import (
    KENT,
    make_area,
    make_funding,
    make_milestone,
    make_monthly_values,
    make_region,
    make_risk,
    make_savings_plan,
    make_scheme,
    make_scheme_status,
    make_user,
)
from tests.integration.web.html import text_of

pytestmark = pytest.mark.django_db

#: Models without a history, and why that is right.
NO_HISTORY = {
    "DataVersion": "a counter that tells caches the data changed; it holds no one's data",
    "AreaVersion": "a counter per area that tells caches its data changed; no one's data",
    "Alert": "an event the alert rules found in the data, written once and never edited",
    "Notification": "one person's copy of an alert; only its owner marks it read",
    "OutboxEmail": "the queue of alert emails, with every attempt to send each",
    "Refresh": "a monthly load of risk scores: itself the record of who loaded which file",
    "PatientScore": "scores replaced wholesale by each refresh (its Refresh says who and from what)",
    "PatientIdentifier": "the practice's own identifiers, loaded with each refresh, never edited",
}


def test_every_model_holding_user_data_keeps_a_history():
    missing = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("bettercare.")
        and not model.__name__.startswith("Historical")
        and model.__name__ not in NO_HISTORY
        and not hasattr(model, "history")
    ]
    assert missing == []


def action_functions():
    """Every public function taking ``by=`` in an ``actions`` module of the web apps."""
    found = {}
    for module_info in pkgutil.walk_packages(bettercare.web.__path__, "bettercare.web."):
        if not module_info.name.endswith(".actions"):
            continue
        module = importlib.import_module(module_info.name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (
                not name.startswith("_")
                and function.__module__ == module.__name__
                and "by" in inspect.signature(function).parameters
            ):
                found[f"{module.__name__}.{name}"] = function
    return found


@pytest.fixture
def world():
    kent = make_area(KENT, "Kent", parent=make_region())
    scheme = make_scheme(kent)
    return {
        "kent": kent,
        "scheme": scheme,
        "actor": make_user("actor", (kent, "programme_manager")),
        "other": make_user("other"),
    }


def latest_user(model):
    record = model.history.order_by("-history_date", "-history_id").first()
    return record.history_user if record is not None else None


def run_each_action(world):
    """Each action, run by ``actor``; yields (name, the model whose history it wrote)."""
    from bettercare.web.accounts.models import ApiToken, Membership, User
    from bettercare.web.finance.models import Funding, SavingsPlan
    from bettercare.web.programmes.models import (
        Milestone,
        ProgrammeStatus,
        ReportingPeriod,
        Risk,
        Scheme,
        SchemeStatus,
    )

    kent, scheme, by = world["kent"], world["scheme"], world["actor"]
    period = programmes.period_open(area=kent, month=Month(2017, 8), by=by)
    yield "bettercare.web.programmes.actions.period_open", ReportingPeriod
    programmes.scheme_return_save(
        scheme=scheme,
        period=period,
        dimensions={"savings": DimensionReturn(status="G")},
        seen_versions={},
        by=by,
    )
    yield "bettercare.web.programmes.actions.scheme_return_save", SchemeStatus
    programmes.programme_status_save(
        period=period, statuses={"plan": ("G", "")}, seen_versions={}, by=by
    )
    yield "bettercare.web.programmes.actions.programme_status_save", ProgrammeStatus
    from bettercare.core.rag import DIMENSIONS

    for dimension in DIMENSIONS:
        if dimension != "savings":
            make_scheme_status(scheme, period, dimension, "G")
    programmes.period_submit(period=period, by=by)
    yield "bettercare.web.programmes.actions.period_submit", ReportingPeriod
    programmes.period_reopen(period=period, by=by)
    yield "bettercare.web.programmes.actions.period_reopen", ReportingPeriod
    programmes.period_submit(period=period, by=by)
    programmes.period_sign_off(period=period, by=by)
    yield "bettercare.web.programmes.actions.period_sign_off", ReportingPeriod
    milestone = make_milestone(kent)
    programmes.milestone_update(
        milestone=milestone, changes={"comments": "on track"}, seen_version=milestone.version, by=by
    )
    yield "bettercare.web.programmes.actions.milestone_update", Milestone
    risk = make_risk(kent)
    programmes.risk_update(
        risk=risk, changes={"mitigation": "more staff"}, seen_version=risk.version, by=by
    )
    yield "bettercare.web.programmes.actions.risk_update", Risk
    from bettercare.core.scheme_description import DeliveryPartner, LocalKpi

    scheme.refresh_from_db()
    programmes.scheme_description_save(
        scheme=scheme,
        description=programmes.SchemeDescription(
            texts={"strategic_objective": "Fewer admissions."},
            partners=(DeliveryPartner("GEM CSU", "provider"),),
            kpis=(LocalKpi("Care plans agreed", "practice", "weekly"),),
        ),
        seen_version=scheme.version,
        by=by,
    )
    yield "bettercare.web.programmes.actions.scheme_description_save", Scheme
    programmes.versioned_update(
        Risk, risk.pk, changes={"owner": "Jo"}, seen_version=risk.version + 1, by=by, reason="test"
    )
    yield "bettercare.web.programmes.actions.versioned_update", Risk
    funding = make_funding(kent)
    finance.funding_forecast_update(
        funding=funding, forecast_outturn=Decimal(5), seen_version=funding.version, by=by
    )
    yield "bettercare.web.finance.actions.funding_forecast_update", Funding
    plan = make_savings_plan(kent)
    finance.savings_achieved_update(
        plan=plan, achieved_to_date=Decimal(5), seen_version=plan.version, by=by
    )
    yield "bettercare.web.finance.actions.savings_achieved_update", SavingsPlan
    accounts.membership_grant(user=world["other"], area=kent, role="viewer", by=by)
    yield "bettercare.web.accounts.actions.membership_grant", Membership
    token, _key = accounts.api_token_create(user=world["other"], name="script", by=by)
    yield "bettercare.web.accounts.actions.api_token_create", ApiToken
    accounts.api_token_revoke(token=token, by=by)
    yield "bettercare.web.accounts.actions.api_token_revoke", ApiToken
    accounts.user_create(username="new", password="x" * 12, by=by)
    yield "bettercare.web.accounts.actions.user_create", User
    accounts.user_set_password(user=world["other"], password="y" * 12, by=by)
    yield "bettercare.web.accounts.actions.user_set_password", User

    from bettercare.web.alerts import actions as alerts
    from bettercare.web.alerts.models import Subscription
    from bettercare.web.benchmarking.actions import PeerGroupSpec, peer_groups_load
    from bettercare.web.benchmarking.models import PeerGroup
    from bettercare.web.performance.actions import (
        metric_commentary_save,
        metric_rebase_add,
        metric_rebase_remove,
    )
    from bettercare.web.performance.models import Metric, MetricCommentary, MetricRebase
    from bettercare.web.risk.actions import intervention_status_update, practice_staff_set
    from bettercare.web.risk.models import (
        InterventionStatus,
        PatientIdentifier,
        Practice,
        PracticeStaff,
    )

    subscription = alerts.subscription_create(user=by, area=kent, by=by)
    yield "bettercare.web.alerts.actions.subscription_create", Subscription
    alerts.subscription_delete(subscription=subscription, by=by)
    yield "bettercare.web.alerts.actions.subscription_delete", Subscription
    peer_groups_load(
        groups=[PeerGroupSpec("near", "Nearest neighbours", KENT, "CIPFA", "a", [KENT])], by=by
    )
    yield "bettercare.web.benchmarking.actions.peer_groups_load", PeerGroup
    metric = Metric.objects.create(
        code="audit_metric",
        name="A metric",
        unit="count",
        polarity="lower_is_better",
        frequency="month",
    )
    metric_commentary_save(
        area=kent,
        metric=metric,
        month=Month(2017, 8),
        commentary="On track.",
        seen_version=0,
        by=by,
    )
    yield "bettercare.web.performance.actions.metric_commentary_save", MetricCommentary
    make_monthly_values(kent, metric, [10.0, 12.0], first="2017-07")
    metric_rebase_add(area=kent, metric=metric, month=Month(2017, 8), reason="New service.", by=by)
    yield "bettercare.web.performance.actions.metric_rebase_add", MetricRebase
    metric_rebase_remove(area=kent, metric=metric, month=Month(2017, 8), by=by)
    yield "bettercare.web.performance.actions.metric_rebase_remove", MetricRebase
    practice = Practice.objects.create(code="C84001", name="Harbour Surgery")
    practice_staff_set(user=by, practice=practice, by=by)
    yield "bettercare.web.risk.actions.practice_staff_set", PracticeStaff
    PatientIdentifier.objects.create(practice=practice, pseudonym="p" * 64, patient_id="123")
    intervention_status_update(
        practice=practice,
        pseudonym="p" * 64,
        care_plan_completed=True,
        target_group_member=False,
        care_plan_review_due=None,
        by=by,
    )
    yield "bettercare.web.risk.actions.intervention_status_update", InterventionStatus

    from bettercare.web.assurance.actions import RatingEdit, assurance_ratings_save
    from bettercare.web.assurance.models import AssuranceRating

    assurance_ratings_save(
        area=kent, round_name="2017-18 Q2", edits=[RatingEdit("Plan agreed", "G")], by=by
    )
    yield "bettercare.web.assurance.actions.assurance_ratings_save", AssuranceRating

    from bettercare.web.finance.actions import (
        national_condition_update,
        performance_achieved_update,
    )
    from bettercare.web.finance.models import NationalCondition, PerformancePayment
    from tests.factories.plan import make_condition, make_payment

    condition = make_condition(kent, "Plans jointly agreed", statement="Agreed.")
    national_condition_update(
        condition=condition, met=False, statement="By March.", seen_version=1, by=by
    )
    yield "bettercare.web.finance.actions.national_condition_update", NationalCondition
    payment = make_payment(kent, "October 2015 payment", available="1000", planned="4")
    performance_achieved_update(
        payment=payment, achieved_reduction=Decimal(3), seen_version=1, by=by
    )
    yield "bettercare.web.finance.actions.performance_achieved_update", PerformancePayment

    from bettercare.web.programmes.models import PlannedActivity
    from bettercare.web.risk.actions import practice_staff_assign, practice_staff_remove

    september = programmes.period_open(area=kent, month=Month(2017, 9), by=by)
    activity = programmes.planned_activity_add(
        period=september, group="programme", text="Refresh the section 75 agreement", by=by
    )
    yield "bettercare.web.programmes.actions.planned_activity_add", PlannedActivity
    programmes.planned_activity_remove(activity=activity, by=by)
    yield "bettercare.web.programmes.actions.planned_activity_remove", PlannedActivity
    quay = Practice.objects.create(code="C84002", name="Quay Surgery", area=kent)
    practice_staff_assign(username=world["other"].username, practice=quay, by=by)
    yield "bettercare.web.risk.actions.practice_staff_assign", PracticeStaff
    practice_staff_remove(user=world["other"], practice=quay, by=by)
    yield "bettercare.web.risk.actions.practice_staff_remove", PracticeStaff


def test_every_action_records_who_acted(world):
    checked = set()
    for name, model in run_each_action(world):
        assert latest_user(model) == world["actor"], name
        checked.add(name)
    # Unlocking a sign-in writes no row of ours: django-axes' attempts are deleted (and logged).
    # Marking one's own notifications read changes only that person's copy of an alert.
    unrecorded = {
        "bettercare.web.accounts.actions.sign_in_unlock",
        "bettercare.web.alerts.actions.notification_mark_read",
        "bettercare.web.alerts.actions.notifications_mark_all_read",
    }
    assert set(action_functions()) - unrecorded == checked


def test_imports_record_who_imported(tmp_path, world, registry):
    from bettercare.web.programmes.imports import import_workbook
    from bettercare.web.programmes.models import Milestone

    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "programme.csv").write_text("area_code,area_name,area_type\nE10000016,Kent,HWB\n")
    (folder / "milestones.csv").write_text(
        "area_code,ref,title,baseline_date\nE10000016,M9,Open the hub,2017-09-30\n"
    )
    result = import_workbook(folder, by=world["actor"])
    assert result.written
    assert Milestone.history.get(ref="M9").history_user == world["actor"]


def test_administrators_see_who_changed_what_by_area_and_user(client, world):
    from bettercare.web.accounts.models import User

    other_area = make_area("E10000017", "Lancashire", parent=world["kent"].parent)
    make_milestone(other_area, "L1", title="Lancashire milestone")
    period = programmes.period_open(area=world["kent"], month=Month(2017, 8), by=world["actor"])
    milestone = make_milestone(world["kent"], "K1", title="Kent milestone")
    programmes.milestone_update(
        milestone=milestone,
        changes={"comments": "done", "completed_date": date(2017, 8, 1)},
        seen_version=milestone.version,
        by=world["actor"],
    )
    admin = User.objects.create_superuser("admin", password="x")
    client.force_login(admin)
    everything = text_of(client.get("/audit/"))
    assert "Lancashire milestone" in everything
    by_area = client.get("/audit/", {"area": KENT})
    assert by_area.status_code == 200
    text = text_of(by_area)
    assert "Kent milestone" in text
    assert "Lancashire milestone" not in text
    by_user = text_of(client.get("/audit/", {"user": "actor"}))
    assert "Changed milestone" in by_user
    assert "milestone updated" in by_user
    assert f"Created reporting period {period}" in by_user
    assert "Lancashire milestone" not in by_user
    assert client.get("/audit/", {"user": "nobody"}).status_code == 400


def test_the_audit_trail_is_for_administrators_only(client, world):
    client.force_login(world["actor"])
    assert client.get("/audit/").status_code == 403
